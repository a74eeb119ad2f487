//! Attribute values and their DynamoDB JSON form (`{"S":"x"}`, `{"N":"12"}`, …).
//!
//! Deserialization streams through a visitor and is strict in AWS's way: JSON of the wrong shape
//! is a SerializationException, a well-formed value that breaks a rule (bad number, empty or
//! duplicated set, two types at once) is a ValidationException. serde only carries text, so each
//! error is prefixed with a private marker that [`json_error`] reads back and removes.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use crate::number::{Number, NumberError};

pub type Item = BTreeMap<String, AttributeValue>;

#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    S(String),
    N(Number),
    B(Vec<u8>),
    Bool(bool),
    Null(bool),
    M(Item),
    L(Vec<AttributeValue>),
    Ss(Vec<String>),
    Ns(Vec<Number>),
    Bs(Vec<Vec<u8>>),
}

impl AttributeValue {
    /// The type descriptor: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null(_) => "NULL",
            AttributeValue::M(_) => "M",
            AttributeValue::L(_) => "L",
            AttributeValue::Ss(_) => "SS",
            AttributeValue::Ns(_) => "NS",
            AttributeValue::Bs(_) => "BS",
        }
    }
}

/// Control characters cannot come from JSON text unescaped, and the marker is only ever matched
/// at the very start of a message we built.
const VALIDATION_MARK: &str = "\u{1}gannet-validation\u{1}";
const SERIALIZATION_MARK: &str = "\u{1}gannet-serialization\u{1}";

const EMPTY_VALUE: &str =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
const MANY_TYPES: &str = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
const INVALID: &str = "One or more parameter values were invalid: ";
const NULL_NOT_TRUE: &str = "Null attribute value types must have the value of true";
// AWS's own wording, double space included.
const EMPTY_SS: &str = "An string set  may not be empty";
const EMPTY_NS: &str = "An number set  may not be empty";
const EMPTY_BS: &str = "Binary sets should not be empty";
const NULL_IN_SS: &str = "An string set may not contain null values";
const NULL_IN_BS: &str = "Binary sets may not contain null or empty values";
const NS_DUPLICATES: &str = "Input collection contains duplicates";
const START_OF_MAP: &str = "Start of structure or map found where not expected";
const START_OF_LIST: &str = "Start of list found where not expected";
const UNEXPECTED_FIELD: &str = "Unexpected field type";
const UNEXPECTED_TOKEN: &str = "Unexpected token received from parser";

fn validation<E: de::Error>(message: impl fmt::Display) -> E {
    E::custom(format_args!("{VALIDATION_MARK}{message}"))
}

fn serialization<E: de::Error>(message: impl fmt::Display) -> E {
    E::custom(format_args!("{SERIALIZATION_MARK}{message}"))
}

/// AWS's name for a JSON scalar that arrived where another type was expected.
fn conversion<E: de::Error>(token: &str, target: &str) -> E {
    serialization(format_args!("{token} cannot be converted to {target}"))
}

/// The Java type behind a wire member, as AWS names it in conversion errors.
#[derive(Clone, Copy)]
struct Target {
    name: &'static str,
    class: &'static str,
}

const STRING: Target = Target {
    name: "String",
    class: "java.lang.String",
};
const BLOB: Target = Target {
    name: "Blob",
    class: "java.nio.ByteBuffer",
};

/// A string member (S, N, B or a set element); JSON null means absent.
struct StrSeed(Target);

impl<'de> DeserializeSeed<'de> for StrSeed {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrSeed {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(conversion("NUMBER_VALUE", self.0.name))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(conversion("NUMBER_VALUE", self.0.name))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(conversion("DECIMAL_VALUE", self.0.name))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Err(conversion(
            if v { "TRUE_VALUE" } else { "FALSE_VALUE" },
            self.0.name,
        ))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(format_args!(
            "Unrecognized collection type class {}",
            self.0.class
        )))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(START_OF_MAP))
    }
}

/// BOOL, or NULL (where AWS reads a non-boolean as false and then rejects it as a rule).
struct BoolSeed {
    null_type: bool,
}

impl<'de> DeserializeSeed<'de> for BoolSeed {
    type Value = Option<bool>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BoolSeed {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        if self.null_type {
            Ok(Some(false))
        } else {
            Err(serialization(UNEXPECTED_TOKEN))
        }
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(conversion("NUMBER_VALUE", "Boolean"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(conversion("NUMBER_VALUE", "Boolean"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(conversion("DECIMAL_VALUE", "Boolean"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(
            "Unrecognized collection type class java.lang.Boolean",
        ))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(START_OF_MAP))
    }
}

/// Rejects every JSON shape but the one a list or map member visitor accepts.
macro_rules! reject_scalars {
    ($value:ty) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<$value, E> {
            Err(serialization(UNEXPECTED_FIELD))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<$value, E> {
            Err(serialization(UNEXPECTED_FIELD))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<$value, E> {
            Err(serialization(UNEXPECTED_FIELD))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<$value, E> {
            Err(serialization(UNEXPECTED_FIELD))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$value, E> {
            Err(serialization(UNEXPECTED_FIELD))
        }
    };
}

/// SS, NS or BS: a list of strings, nulls kept so validation can name them.
struct StrListSeed(Target);

impl<'de> DeserializeSeed<'de> for StrListSeed {
    type Value = Option<Vec<Option<String>>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrListSeed {
    type Value = Option<Vec<Option<String>>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element_seed(StrSeed(self.0))? {
            out.push(v);
        }
        Ok(Some(out))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(START_OF_MAP))
    }
    reject_scalars!(Self::Value);
}

/// L: a list of attribute values.
struct ListSeed;

impl<'de> DeserializeSeed<'de> for ListSeed {
    type Value = Option<Vec<AttributeValue>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ListSeed {
    type Value = Option<Vec<AttributeValue>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of attribute values")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element::<AttributeValue>()? {
            out.push(v);
        }
        Ok(Some(out))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(START_OF_MAP))
    }
    reject_scalars!(Self::Value);
}

/// M: a map of attribute values.
struct MapSeed;

impl<'de> DeserializeSeed<'de> for MapSeed {
    type Value = Option<Item>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MapSeed {
    type Value = Option<Item>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of attribute values")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Item::new();
        while let Some((k, v)) = map.next_entry::<String, AttributeValue>()? {
            out.insert(k, v);
        }
        Ok(Some(out))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(START_OF_LIST))
    }
    reject_scalars!(Self::Value);
}

#[derive(Clone, Copy)]
enum Field {
    S,
    N,
    B,
    Bool,
    Null,
    M,
    L,
    Ss,
    Ns,
    Bs,
    /// Unknown members are ignored, as AWS's JSON protocol does.
    Other,
}

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        d.deserialize_identifier(FieldVisitor)
    }
}

struct FieldVisitor;

impl Visitor<'_> for FieldVisitor {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value type")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        Ok(match v {
            "S" => Field::S,
            "N" => Field::N,
            "B" => Field::B,
            "BOOL" => Field::Bool,
            "NULL" => Field::Null,
            "M" => Field::M,
            "L" => Field::L,
            "SS" => Field::Ss,
            "NS" => Field::Ns,
            "BS" => Field::Bs,
            _ => Field::Other,
        })
    }
}

/// Every member as read; the rules are applied once the whole object is in.
#[derive(Default)]
struct Members {
    s: Option<String>,
    n: Option<String>,
    b: Option<Vec<u8>>,
    bool: Option<bool>,
    null: Option<bool>,
    m: Option<Item>,
    l: Option<Vec<AttributeValue>>,
    ss: Option<Vec<Option<String>>>,
    ns: Option<Vec<Option<String>>>,
    bs: Option<Vec<Option<Vec<u8>>>>,
}

impl Members {
    fn count(&self) -> usize {
        [
            self.s.is_some(),
            self.n.is_some(),
            self.b.is_some(),
            self.bool.is_some(),
            self.null.is_some(),
            self.m.is_some(),
            self.l.is_some(),
            self.ss.is_some(),
            self.ns.is_some(),
            self.bs.is_some(),
        ]
        .iter()
        .filter(|&&x| x)
        .count()
    }

    /// AWS checks each member's contents before complaining about more than one.
    fn finish<E: de::Error>(self) -> Result<AttributeValue, E> {
        let count = self.count();
        if count == 0 {
            return Err(validation(EMPTY_VALUE));
        }
        let n = match self.n {
            Some(text) => Some(Number::parse(&text).map_err(validation)?),
            None => None,
        };
        let ns = match self.ns {
            Some(list) => Some(number_set(list)?),
            None => None,
        };
        let ss = match self.ss {
            Some(list) => Some(string_set(list)?),
            None => None,
        };
        let bs = match self.bs {
            Some(list) => Some(binary_set(list)?),
            None => None,
        };
        if self.null == Some(false) {
            return Err(validation(format_args!("{INVALID}{NULL_NOT_TRUE}")));
        }
        if count > 1 {
            return Err(validation(MANY_TYPES));
        }
        let value = if let Some(v) = self.s {
            AttributeValue::S(v)
        } else if let Some(v) = n {
            AttributeValue::N(v)
        } else if let Some(v) = self.b {
            AttributeValue::B(v)
        } else if let Some(v) = self.bool {
            AttributeValue::Bool(v)
        } else if let Some(v) = self.null {
            AttributeValue::Null(v)
        } else if let Some(v) = self.m {
            AttributeValue::M(v)
        } else if let Some(v) = self.l {
            AttributeValue::L(v)
        } else if let Some(v) = ss {
            AttributeValue::Ss(v)
        } else if let Some(v) = ns {
            AttributeValue::Ns(v)
        } else if let Some(v) = bs {
            AttributeValue::Bs(v)
        } else {
            return Err(validation(EMPTY_VALUE));
        };
        Ok(value)
    }
}

fn number_set<E: de::Error>(list: Vec<Option<String>>) -> Result<Vec<Number>, E> {
    if list.is_empty() {
        return Err(validation(format_args!("{INVALID}{EMPTY_NS}")));
    }
    let mut out = Vec::with_capacity(list.len());
    for text in list {
        let number = match text {
            Some(text) => Number::parse(&text),
            None => Err(NumberError::Empty),
        };
        out.push(number.map_err(validation)?);
    }
    let mut seen = HashSet::with_capacity(out.len());
    if !out.iter().all(|n| seen.insert(n)) {
        return Err(validation(NS_DUPLICATES));
    }
    Ok(out)
}

fn string_set<E: de::Error>(list: Vec<Option<String>>) -> Result<Vec<String>, E> {
    if list.is_empty() {
        return Err(validation(format_args!("{INVALID}{EMPTY_SS}")));
    }
    let list: Vec<String> = list
        .into_iter()
        .collect::<Option<_>>()
        .ok_or_else(|| validation(format_args!("{INVALID}{NULL_IN_SS}")))?;
    let mut seen = HashSet::with_capacity(list.len());
    if !list.iter().all(|s| seen.insert(s.as_str())) {
        return Err(validation(format_args!(
            "{INVALID}Input collection [{}] contains duplicates.",
            list.join(", ")
        )));
    }
    Ok(list)
}

fn binary_set<E: de::Error>(list: Vec<Option<Vec<u8>>>) -> Result<Vec<Vec<u8>>, E> {
    if list.is_empty() {
        return Err(validation(format_args!("{INVALID}{EMPTY_BS}")));
    }
    let list: Vec<Vec<u8>> = list
        .into_iter()
        .collect::<Option<_>>()
        .ok_or_else(|| validation(format_args!("{INVALID}{NULL_IN_BS}")))?;
    let mut seen = HashSet::with_capacity(list.len());
    if !list.iter().all(|b| seen.insert(b.as_slice())) {
        let shown: Vec<String> = list.iter().map(|b| STANDARD.encode(b)).collect();
        // AWS leaves out the space before "of".
        return Err(validation(format_args!(
            "{INVALID}Input collection [{}]of type BS contains duplicates.",
            shown.join(", ")
        )));
    }
    Ok(list)
}

/// Padding is required (the length check) but stray bits in the last symbol are tolerated.
const BASE64_DECODER: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let length = text.chars().count();
    if !length.is_multiple_of(4) {
        return Err(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {length}"
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
    {
        return Err(format!("Invalid Base64 character: '{c}'"));
    }
    BASE64_DECODER.decode(text).map_err(|e| match e {
        base64::DecodeError::InvalidByte(_, b) => {
            format!("Invalid Base64 character: '{}'", char::from(b))
        }
        _ => "Invalid last non-pad Base64 character dectected".to_owned(),
    })
}

fn decode_base64_member<E: de::Error>(text: Option<String>) -> Result<Option<Vec<u8>>, E> {
    text.map(|t| decode_base64(&t).map_err(serialization))
        .transpose()
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = AttributeValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttributeValue, A::Error> {
        let mut m = Members::default();
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::S => m.s = map.next_value_seed(StrSeed(STRING))?,
                Field::N => m.n = map.next_value_seed(StrSeed(STRING))?,
                Field::B => m.b = decode_base64_member(map.next_value_seed(StrSeed(BLOB))?)?,
                Field::Bool => m.bool = map.next_value_seed(BoolSeed { null_type: false })?,
                Field::Null => m.null = map.next_value_seed(BoolSeed { null_type: true })?,
                Field::M => m.m = map.next_value_seed(MapSeed)?,
                Field::L => m.l = map.next_value_seed(ListSeed)?,
                Field::Ss => m.ss = map.next_value_seed(StrListSeed(STRING))?,
                Field::Ns => m.ns = map.next_value_seed(StrListSeed(STRING))?,
                Field::Bs => {
                    m.bs = match map.next_value_seed(StrListSeed(BLOB))? {
                        Some(list) => Some(
                            list.into_iter()
                                .map(decode_base64_member)
                                .collect::<Result<_, _>>()?,
                        ),
                        None => None,
                    }
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        m.finish()
    }
    fn visit_unit<E: de::Error>(self) -> Result<AttributeValue, E> {
        Err(validation(EMPTY_VALUE))
    }
    fn visit_none<E: de::Error>(self) -> Result<AttributeValue, E> {
        Err(validation(EMPTY_VALUE))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<AttributeValue, A::Error> {
        Err(serialization(START_OF_LIST))
    }
    reject_scalars!(AttributeValue);
}

impl<'de> serde::Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

/// Serializes through `Display` without an intermediate String.
struct AsText<'a, T: fmt::Display>(&'a T);

impl<T: fmt::Display> serde::Serialize for AsText<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

struct Base64<'a>(&'a [u8]);

impl serde::Serialize for Base64<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&base64::display::Base64Display::new(self.0, &STANDARD))
    }
}

struct NumberList<'a>(&'a [Number]);

impl serde::Serialize for NumberList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for n in self.0 {
            seq.serialize_element(&AsText(n))?;
        }
        seq.end()
    }
}

struct BinaryList<'a>(&'a [Vec<u8>]);

impl serde::Serialize for BinaryList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for b in self.0 {
            seq.serialize_element(&Base64(b))?;
        }
        seq.end()
    }
}

impl serde::Serialize for AttributeValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match self {
            AttributeValue::S(v) => map.serialize_entry("S", v)?,
            AttributeValue::N(v) => map.serialize_entry("N", &AsText(v))?,
            AttributeValue::B(v) => map.serialize_entry("B", &Base64(v))?,
            AttributeValue::Bool(v) => map.serialize_entry("BOOL", v)?,
            AttributeValue::Null(v) => map.serialize_entry("NULL", v)?,
            AttributeValue::M(v) => map.serialize_entry("M", v)?,
            AttributeValue::L(v) => map.serialize_entry("L", v)?,
            AttributeValue::Ss(v) => map.serialize_entry("SS", v)?,
            AttributeValue::Ns(v) => map.serialize_entry("NS", &NumberList(v))?,
            AttributeValue::Bs(v) => map.serialize_entry("BS", &BinaryList(v))?,
        }
        map.end()
    }
}

/// serde `deserialize_with` for an `ExpressionAttributeValues` member
/// (`Option<BTreeMap<String, AttributeValue>>`, with `#[serde(default)]`): AWS wraps a rule broken
/// by one of its values as "ExpressionAttributeValues contains invalid value: … for key :v".
pub fn deserialize_expression_attribute_values<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, AttributeValue>>, D::Error> {
    d.deserialize_option(ExpressionValuesVisitor)
}

struct ExpressionValuesVisitor;

impl<'de> Visitor<'de> for ExpressionValuesVisitor {
    type Value = Option<BTreeMap<String, AttributeValue>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of attribute values")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<AttributeValue>().map_err(|e| {
                let text = e.to_string();
                match strip_position(&text).strip_prefix(VALIDATION_MARK) {
                    Some(m) => validation(format_args!(
                        "ExpressionAttributeValues contains invalid value: {m} for key {key}"
                    )),
                    None => e,
                }
            })?;
            out.insert(key, value);
        }
        Ok(Some(out))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serialization(START_OF_LIST))
    }
    reject_scalars!(Self::Value);
}

/// Drops serde_json's " at line N column M" from an error's text.
fn strip_position(text: &str) -> &str {
    let Some(at) = text.rfind(" at line ") else {
        return text;
    };
    let tail = &text[at + " at line ".len()..];
    let well_formed = tail.split_once(" column ").is_some_and(|(line, column)| {
        !line.is_empty()
            && !column.is_empty()
            && line.bytes().all(|b| b.is_ascii_digit())
            && column.bytes().all(|b| b.is_ascii_digit())
    });
    if well_formed { &text[..at] } else { text }
}

/// Maps a body parse failure to AWS's error: a ValidationException when the JSON was well formed
/// but a value broke a rule (bad number, empty set…), else a SerializationException.
pub fn json_error(e: serde_json::Error) -> crate::Error {
    let text = e.to_string();
    let message = match e.line() {
        0 => text.as_str(),
        _ => strip_position(&text),
    };
    if let Some(m) = message.strip_prefix(VALIDATION_MARK) {
        crate::Error::Validation(m.to_owned())
    } else if let Some(m) = message.strip_prefix(SERIALIZATION_MARK) {
        crate::Error::Serialization(m.to_owned())
    } else {
        crate::Error::Serialization(aws_wording(message))
    }
}

/// Rewords serde's type mismatches ("invalid type: integer `5`, expected a string") the way
/// AWS's parser reports them; anything else passes through.
fn aws_wording(message: &str) -> String {
    // A JSON list where a structure belongs: serde's derived structs try to read it
    // positionally and fail on its length; AWS's parser rejects any list there.
    if message.starts_with("invalid length ") && message.contains(", expected struct ") {
        return START_OF_LIST.to_owned();
    }
    let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    else {
        return message.to_owned();
    };
    let target = match expected {
        "a string" | "string" => Some(("String", "java.lang.String")),
        "a boolean" | "bool" => Some(("Boolean", "java.lang.Boolean")),
        "i64" | "u64" | "usize" | "isize" => Some(("Long", "java.lang.Long")),
        "i32" | "u32" | "i16" | "u16" | "i8" | "u8" => Some(("Integer", "java.lang.Integer")),
        "f64" | "f32" => Some(("Double", "java.lang.Double")),
        _ => None,
    };
    if found == "map" {
        return START_OF_MAP.to_owned();
    }
    if found == "sequence" {
        return match target {
            Some((_, class)) => format!("Unrecognized collection type class {class}"),
            None => START_OF_LIST.to_owned(),
        };
    }
    let token = if found.starts_with("integer") {
        "NUMBER_VALUE"
    } else if found.starts_with("floating point") {
        "DECIMAL_VALUE"
    } else if found == "boolean `true`" {
        "TRUE_VALUE"
    } else if found == "boolean `false`" {
        "FALSE_VALUE"
    } else if found.starts_with("string") {
        "STRING_VALUE"
    } else {
        return message.to_owned();
    };
    match target {
        Some((name, _)) => format!("{token} cannot be converted to {name}"),
        None => UNEXPECTED_FIELD.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod strategies {
    //! Random valid values for property tests across the crate.
    use super::*;
    use proptest::prelude::*;

    pub fn number() -> impl Strategy<Value = Number> {
        let wide = (
            any::<bool>(),
            "[1-9]([0-9]{0,36}[1-9])?",
            crate::number::MIN_EXPONENT..=crate::number::MAX_EXPONENT,
        )
            .prop_map(|(neg, digits, exp)| {
                let lead = exp - (digits.len() as i32 - 1);
                let text = format!("{}{}e{}", if neg { "-" } else { "" }, digits, lead);
                Number::parse(&text).unwrap_or_else(|_| Number::zero())
            });
        prop_oneof![
            wide,
            Just(Number::zero()),
            any::<i64>().prop_map(Number::from_i64),
        ]
    }

    fn unique<T: std::hash::Hash + Eq + Clone>(v: Vec<T>) -> Vec<T> {
        let mut seen = HashSet::new();
        v.into_iter().filter(|x| seen.insert(x.clone())).collect()
    }

    pub fn attribute_value() -> impl Strategy<Value = AttributeValue> {
        let leaf = prop_oneof![
            ".{0,12}".prop_map(AttributeValue::S),
            number().prop_map(AttributeValue::N),
            prop::collection::vec(any::<u8>(), 0..12).prop_map(AttributeValue::B),
            any::<bool>().prop_map(AttributeValue::Bool),
            Just(AttributeValue::Null(true)),
            prop::collection::vec(".{0,6}", 1..5).prop_map(|v| AttributeValue::Ss(unique(v))),
            prop::collection::vec(number(), 1..5).prop_map(|v| AttributeValue::Ns(unique(v))),
            prop::collection::vec(prop::collection::vec(any::<u8>(), 0..6), 1..5)
                .prop_map(|v| AttributeValue::Bs(unique(v))),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(AttributeValue::L),
                prop::collection::btree_map(".{0,8}", inner, 0..6).prop_map(AttributeValue::M),
            ]
        })
    }

    pub fn item() -> impl Strategy<Value = Item> {
        prop::collection::btree_map(".{1,10}", attribute_value(), 0..8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use proptest::prelude::*;

    fn parse(json: &str) -> Result<AttributeValue, Error> {
        serde_json::from_str::<AttributeValue>(json).map_err(json_error)
    }

    fn canonical(json: &str) -> String {
        serde_json::to_string(&parse(json).unwrap()).unwrap()
    }

    fn validation_of(json: &str) -> String {
        match parse(json) {
            Err(Error::Validation(m)) => m,
            other => panic!("{json}: expected ValidationException, got {other:?}"),
        }
    }

    fn serialization_of(json: &str) -> String {
        match parse(json) {
            Err(Error::Serialization(m)) => m,
            other => panic!("{json}: expected SerializationException, got {other:?}"),
        }
    }

    #[test]
    fn round_trips_in_canonical_form() {
        for (input, want) in [
            (r#"{"S":"x"}"#, r#"{"S":"x"}"#),
            (r#"{"S":""}"#, r#"{"S":""}"#),
            (r#"{"N":"12"}"#, r#"{"N":"12"}"#),
            (r#"{"N":"1.50e1"}"#, r#"{"N":"15"}"#),
            (r#"{"N":"-0"}"#, r#"{"N":"0"}"#),
            (r#"{"B":"AAEC"}"#, r#"{"B":"AAEC"}"#),
            (r#"{"B":""}"#, r#"{"B":""}"#),
            (r#"{"BOOL":true}"#, r#"{"BOOL":true}"#),
            (r#"{"NULL":true}"#, r#"{"NULL":true}"#),
            (r#"{"M":{}}"#, r#"{"M":{}}"#),
            (r#"{"L":[]}"#, r#"{"L":[]}"#),
            (
                r#"{"M":{"b":{"N":"1"},"a":{"L":[{"S":"x"},{"NULL":true}]}}}"#,
                r#"{"M":{"a":{"L":[{"S":"x"},{"NULL":true}]},"b":{"N":"1"}}}"#,
            ),
            (r#"{"SS":["b","a"]}"#, r#"{"SS":["b","a"]}"#),
            (r#"{"NS":["2.0","1e1"]}"#, r#"{"NS":["2","10"]}"#),
            (r#"{"BS":["AQ==","Ag=="]}"#, r#"{"BS":["AQ==","Ag=="]}"#),
            // Unknown members and null members are ignored.
            (r#"{"X":[1,{}],"S":"x"}"#, r#"{"S":"x"}"#),
            (r#"{"N":null,"S":"x"}"#, r#"{"S":"x"}"#),
        ] {
            assert_eq!(canonical(input), want, "{input}");
        }
        assert_eq!(
            parse(r#"{"B":"AAEC"}"#).unwrap(),
            AttributeValue::B(vec![0, 1, 2])
        );
        assert_eq!(
            parse(r#"{"S":"a\u0000\"é"}"#).unwrap(),
            AttributeValue::S("a\0\"é".into())
        );
    }

    #[test]
    fn items_deserialize_as_maps() {
        let item: Item = serde_json::from_str(r#"{"pk":{"S":"a"},"n":{"N":"01"}}"#).unwrap();
        assert_eq!(item["n"], AttributeValue::N(Number::from_i64(1)));
        let err = serde_json::from_str::<Item>(r#"{"pk":{"S":"a"},"n":{}}"#).unwrap_err();
        assert_eq!(json_error(err), Error::Validation(EMPTY_VALUE.into()));
    }

    #[test]
    fn type_count_errors() {
        for json in [
            r#"{}"#,
            r#"{"X":"1"}"#,
            r#"{"S":null}"#,
            "null",
            r#"{"L":[{}]}"#,
            r#"{"M":{"a":{"a":""}}}"#,
            r#"{"L":[null]}"#,
        ] {
            assert_eq!(
                validation_of(json),
                "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
                "{json}"
            );
        }
        assert_eq!(
            validation_of(r#"{"S":"a","N":"1"}"#),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        );
    }

    #[test]
    fn number_errors() {
        assert_eq!(
            validation_of(r#"{"N":"b"}"#),
            "The parameter cannot be converted to a numeric value: b"
        );
        // Contents are checked before the type count.
        assert_eq!(
            validation_of(r#"{"S":"a","N":"b"}"#),
            "The parameter cannot be converted to a numeric value: b"
        );
        assert_eq!(
            validation_of(r#"{"S":"","N":""}"#),
            "The parameter cannot be converted to a numeric value"
        );
        assert_eq!(
            validation_of(r#"{"NS":["1",""]}"#),
            "The parameter cannot be converted to a numeric value"
        );
        assert_eq!(
            validation_of(r#"{"NS":["1","b"]}"#),
            "The parameter cannot be converted to a numeric value: b"
        );
        assert_eq!(
            validation_of(r#"{"N":"123456789012345678901234567890123456789"}"#),
            "Attempting to store more than 38 significant digits in a Number"
        );
        assert_eq!(
            validation_of(r#"{"N":"1e126"}"#),
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        );
        assert_eq!(
            validation_of(r#"{"N":"-1e-131"}"#),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        );
    }

    #[test]
    fn set_errors() {
        assert_eq!(
            validation_of(r#"{"SS":[]}"#),
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(
            validation_of(r#"{"NS":[]}"#),
            "One or more parameter values were invalid: An number set  may not be empty"
        );
        assert_eq!(
            validation_of(r#"{"BS":[]}"#),
            "One or more parameter values were invalid: Binary sets should not be empty"
        );
        assert_eq!(
            validation_of(r#"{"SS":["a","a"]}"#),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
        );
        assert_eq!(
            validation_of(r#"{"BS":["Yg==","Yg=="]}"#),
            "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."
        );
        assert_eq!(
            validation_of(r#"{"NS":["1","1.0"]}"#),
            "Input collection contains duplicates"
        );
        assert_eq!(
            validation_of(r#"{"SS":["a",null]}"#),
            "One or more parameter values were invalid: An string set may not contain null values"
        );
        // Empty members of a set are fine; only keys forbid them.
        assert_eq!(
            parse(r#"{"SS":[""]}"#).unwrap(),
            AttributeValue::Ss(vec![String::new()])
        );
    }

    #[test]
    fn null_must_be_true() {
        for json in [r#"{"NULL":false}"#, r#"{"NULL":"no"}"#] {
            assert_eq!(
                validation_of(json),
                "One or more parameter values were invalid: Null attribute value types must have the value of true"
            );
        }
    }

    #[test]
    fn shape_errors_are_serialization_exceptions() {
        for (json, want) in [
            (r#"{"S":5}"#, "NUMBER_VALUE cannot be converted to String"),
            (r#"{"N":123}"#, "NUMBER_VALUE cannot be converted to String"),
            (
                r#"{"S":1.5}"#,
                "DECIMAL_VALUE cannot be converted to String",
            ),
            (r#"{"S":true}"#, "TRUE_VALUE cannot be converted to String"),
            (
                r#"{"S":false}"#,
                "FALSE_VALUE cannot be converted to String",
            ),
            (
                r#"{"S":[]}"#,
                "Unrecognized collection type class java.lang.String",
            ),
            (
                r#"{"S":{}}"#,
                "Start of structure or map found where not expected",
            ),
            (r#"{"B":5}"#, "NUMBER_VALUE cannot be converted to Blob"),
            (
                r#"{"BOOL":"true"}"#,
                "Unexpected token received from parser",
            ),
            (
                r#"{"BOOL":1}"#,
                "NUMBER_VALUE cannot be converted to Boolean",
            ),
            (
                r#"{"BOOL":[]}"#,
                "Unrecognized collection type class java.lang.Boolean",
            ),
            (r#"{"SS":"a"}"#, "Unexpected field type"),
            (
                r#"{"SS":{}}"#,
                "Start of structure or map found where not expected",
            ),
            (
                r#"{"SS":[1]}"#,
                "NUMBER_VALUE cannot be converted to String",
            ),
            (
                r#"{"L":{}}"#,
                "Start of structure or map found where not expected",
            ),
            (r#"{"L":"x"}"#, "Unexpected field type"),
            (r#"{"M":[]}"#, "Start of list found where not expected"),
            (r#"{"M":1}"#, "Unexpected field type"),
            (r#""x""#, "Unexpected field type"),
            ("[]", "Start of list found where not expected"),
            (
                r#"{"B":"abcde"}"#,
                "Base64 encoded length is expected a multiple of 4 bytes but found: 5",
            ),
            (r#"{"B":"ab!d"}"#, "Invalid Base64 character: '!'"),
            (
                r#"{"BS":["AQ==","a"]}"#,
                "Base64 encoded length is expected a multiple of 4 bytes but found: 1",
            ),
            (r#"{"B":"a=bc"}"#, "Invalid Base64 character: '='"),
        ] {
            assert_eq!(serialization_of(json), want, "{json}");
        }
        // A syntax error keeps serde's text, without the position.
        let m = serialization_of(r#"{"S":"x""#);
        assert!(!m.contains(" at line "), "{m}");
        // Shape errors are found while reading, before any rule is applied.
        assert_eq!(
            serialization_of(r#"{"N":"x","S":5}"#),
            "NUMBER_VALUE cannot be converted to String"
        );
    }

    #[test]
    fn json_error_rewords_plain_serde_mismatches() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Input {
            name: Option<String>,
            limit: Option<i32>,
            flag: Option<bool>,
            inner: Option<Inner>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            name: Option<String>,
        }
        let cases = [
            (
                r#"{"name":5}"#,
                "NUMBER_VALUE cannot be converted to String",
            ),
            (
                r#"{"limit":"5"}"#,
                "STRING_VALUE cannot be converted to Integer",
            ),
            (
                r#"{"flag":1.5}"#,
                "DECIMAL_VALUE cannot be converted to Boolean",
            ),
            (
                r#"{"name":{}}"#,
                "Start of structure or map found where not expected",
            ),
            (
                r#"{"name":[]}"#,
                "Unrecognized collection type class java.lang.String",
            ),
            (r#"{"inner":[]}"#, "Start of list found where not expected"),
        ];
        for (json, want) in cases {
            let e = serde_json::from_str::<Input>(json).unwrap_err();
            assert_eq!(json_error(e), Error::Serialization(want.into()), "{json}");
        }
    }

    #[test]
    fn validation_positions_are_removed() {
        let e = serde_json::from_str::<Item>("{\n \"a\": {\"N\": \"x\"}\n}").unwrap_err();
        assert_eq!(
            json_error(e),
            Error::Validation("The parameter cannot be converted to a numeric value: x".into())
        );
    }

    #[test]
    fn expression_attribute_values_name_the_key() {
        #[derive(Debug, serde::Deserialize)]
        struct Input {
            #[serde(
                default,
                rename = "ExpressionAttributeValues",
                deserialize_with = "deserialize_expression_attribute_values"
            )]
            values: Option<BTreeMap<String, AttributeValue>>,
        }
        let parse = |json: &str| serde_json::from_str::<Input>(json).map_err(json_error);
        assert_eq!(parse("{}").unwrap().values, None);
        assert_eq!(
            parse(r#"{"ExpressionAttributeValues":null}"#)
                .unwrap()
                .values,
            None
        );
        let ok = parse(r#"{"ExpressionAttributeValues":{":a":{"N":"1.0"}}}"#).unwrap();
        assert_eq!(
            ok.values.unwrap()[":a"],
            AttributeValue::N(Number::from_i64(1))
        );
        for (json, want) in [
            (
                r#"{"ExpressionAttributeValues":{":b":{}}}"#,
                "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :b",
            ),
            (
                r#"{"ExpressionAttributeValues":{":b":{"SS":[]}}}"#,
                "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b",
            ),
            (
                r#"{"ExpressionAttributeValues":{":b":{"N":"b"}}}"#,
                "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: b for key :b",
            ),
        ] {
            assert_eq!(
                parse(json).unwrap_err(),
                Error::Validation(want.into()),
                "{json}"
            );
        }
        assert_eq!(
            parse(r#"{"ExpressionAttributeValues":{":b":{"S":1}}}"#).unwrap_err(),
            Error::Serialization("NUMBER_VALUE cannot be converted to String".into())
        );
    }

    #[test]
    fn position_suffix_is_recognised_strictly() {
        assert_eq!(strip_position("x at line 3 column 14"), "x");
        assert_eq!(strip_position("x at line 3"), "x at line 3");
        assert_eq!(
            strip_position("x at line a column 1"),
            "x at line a column 1"
        );
    }

    proptest! {
        #[test]
        fn json_round_trip(v in strategies::attribute_value()) {
            let text = serde_json::to_string(&v).unwrap();
            let back: AttributeValue = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(serde_json::to_string(&back).unwrap(), text);
        }

        #[test]
        fn arbitrary_json_never_panics(s in ".{0,60}") {
            let _ = serde_json::from_str::<AttributeValue>(&s).map_err(json_error);
        }
    }
}
