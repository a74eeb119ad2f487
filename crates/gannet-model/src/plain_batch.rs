//! BatchWriteItem requests of the commonest shape, read with their strings borrowed from the
//! body: `RequestItems` (and perhaps ReturnConsumedCapacity and ReturnItemCollectionMetrics),
//! PutRequests and DeleteRequests whose items and keys have only S, N, BOOL and NULL
//! attributes, with no escaped character anywhere. The writes of such a request are computed without building an
//! attribute map per item and dropping it again, which is most of the CPU a batch of small
//! items costs. Anything else (another member, another type, an escape, a duplicate name, a
//! malformed number) is refused here and the request takes the general path,
//! which gives every error its exact answer; so this reader only has to be right about the
//! requests it accepts.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::api::ScalarAttributeType;
use crate::keycodec::{encode_bytes, encode_number};
use crate::number::Number;
use crate::size::number_size;
use crate::value::{AttributeValue, Item};

/// A BatchWriteItem request of the plain shape.
#[derive(Debug)]
pub struct PlainBatchWrite<'a> {
    /// In request order; a table named twice is kept twice (the general path decides).
    pub tables: Vec<PlainTableWrites<'a>>,
    pub return_consumed_capacity: Option<&'a str>,
    pub return_item_collection_metrics: Option<&'a str>,
}

#[derive(Debug)]
pub struct PlainTableWrites<'a> {
    pub table_name: &'a str,
    /// In request order.
    pub writes: Vec<PlainWrite<'a>>,
}

#[derive(Debug)]
pub enum PlainWrite<'a> {
    /// A PutRequest's Item.
    Put(PlainItem<'a>),
    /// A DeleteRequest's Key.
    Delete(PlainItem<'a>),
}

/// An item whose attributes are all S, N, BOOL or NULL, sorted by name, names unique.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainItem<'a> {
    attributes: Vec<(&'a str, PlainValue<'a>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlainValue<'a> {
    S(&'a str),
    N(Number),
    Bool(bool),
    /// `{"NULL": true}`; `false` is an error the general path answers.
    Null,
}

impl<'a> PlainBatchWrite<'a> {
    /// The request in `body`, if it has the plain shape.
    pub fn parse(body: &'a str) -> Option<PlainBatchWrite<'a>> {
        serde_json::from_str(body).ok()
    }
}

impl<'a> PlainItem<'a> {
    /// From attributes in any order; `None` if a name repeats.
    pub fn new(mut attributes: Vec<(&'a str, PlainValue<'a>)>) -> Option<PlainItem<'a>> {
        attributes.sort_unstable_by(|a, b| a.0.cmp(b.0));
        if attributes.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            return None;
        }
        Some(PlainItem { attributes })
    }

    pub fn get(&self, name: &str) -> Option<&PlainValue<'a>> {
        self.attributes
            .binary_search_by(|(own, _)| (*own).cmp(name))
            .ok()
            .and_then(|at| self.attributes.get(at))
            .map(|(_, value)| value)
    }

    /// How many attributes the item has.
    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    pub fn has_empty_name(&self) -> bool {
        self.attributes.iter().any(|(name, _)| name.is_empty())
    }

    /// The item's size by DynamoDB's rules, as `size::item_size` counts it.
    pub fn size(&self) -> usize {
        self.attributes
            .iter()
            .map(|(name, value)| name.len() + value.size())
            .sum()
    }

    /// The item codec's encoding of the item: the bytes `itemcodec::encode_item` writes for
    /// `self.to_item()`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        crate::itemcodec::encode_plain_item(&self.attributes, out);
    }

    pub fn to_item(&self) -> Item {
        self.attributes
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.to_attribute_value()))
            .collect()
    }
}

impl PlainValue<'_> {
    /// The key attribute type this value could be; `None` for types no key may have.
    pub fn scalar_type(&self) -> Option<ScalarAttributeType> {
        match self {
            PlainValue::S(_) => Some(ScalarAttributeType::S),
            PlainValue::N(_) => Some(ScalarAttributeType::N),
            PlainValue::Bool(_) | PlainValue::Null => None,
        }
    }

    pub fn size(&self) -> usize {
        match self {
            PlainValue::S(s) => s.len(),
            PlainValue::N(n) => number_size(n),
            PlainValue::Bool(_) | PlainValue::Null => 1,
        }
    }

    /// The key codec's encoding, as `keycodec::encode_key_value` writes it (nothing for the
    /// types no key may have).
    pub fn encode_key(&self, out: &mut Vec<u8>) {
        match self {
            PlainValue::S(s) => encode_bytes(s.as_bytes(), out),
            PlainValue::N(n) => encode_number(n, out),
            PlainValue::Bool(_) | PlainValue::Null => {}
        }
    }

    pub fn to_attribute_value(&self) -> AttributeValue {
        match self {
            PlainValue::S(s) => AttributeValue::S((*s).to_owned()),
            PlainValue::N(n) => AttributeValue::N(n.clone()),
            PlainValue::Bool(b) => AttributeValue::Bool(*b),
            PlainValue::Null => AttributeValue::Null(true),
        }
    }
}

/// Why a request is not read here; never shown, the general path answers instead.
fn not_plain<E: de::Error>() -> E {
    E::custom("not a plain BatchWriteItem request")
}

/// Reads a JSON object that holds exactly one member: `read` gets the member's name and
/// reads its value (or refuses the name).
fn one_member<'de, A, T>(
    mut map: A,
    read: impl FnOnce(&mut A, &'de str) -> Result<T, A::Error>,
) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
{
    let Some(name) = map.next_key::<&'de str>()? else {
        return Err(not_plain());
    };
    let value = read(&mut map, name)?;
    match map.next_key::<&'de str>()? {
        None => Ok(value),
        Some(_) => Err(not_plain()),
    }
}

impl<'de> Deserialize<'de> for PlainBatchWrite<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Request;
        impl<'de> Visitor<'de> for Request {
            type Value = PlainBatchWrite<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a BatchWriteItem request")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut tables, mut capacity, mut metrics) = (None, None, None);
                while let Some(member) = map.next_key::<&'de str>()? {
                    // Each member at most once: serde refuses a repeated one on the general path.
                    let first = match member {
                        "RequestItems" => tables
                            .replace(map.next_value::<RequestItems>()?.0)
                            .is_none(),
                        "ReturnConsumedCapacity" => capacity.replace(map.next_value()?).is_none(),
                        "ReturnItemCollectionMetrics" => {
                            metrics.replace(map.next_value()?).is_none()
                        }
                        _ => return Err(not_plain()),
                    };
                    if !first {
                        return Err(not_plain());
                    }
                }
                Ok(PlainBatchWrite {
                    tables: tables.ok_or_else(not_plain)?,
                    return_consumed_capacity: capacity,
                    return_item_collection_metrics: metrics,
                })
            }
        }
        d.deserialize_map(Request)
    }
}

/// The name of the one member an `OnlyMember` object holds.
trait MemberName {
    const NAME: &'static str;
}

struct ItemMember;
impl MemberName for ItemMember {
    const NAME: &'static str = "Item";
}

struct KeyMember;
impl MemberName for KeyMember {
    const NAME: &'static str = "Key";
}

/// An object of exactly one member, named `N::NAME`, whose value reads as `T`.
struct OnlyMember<N, T>(T, PhantomData<N>);

impl<'de, N: MemberName, T: Deserialize<'de>> Deserialize<'de> for OnlyMember<N, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object<N, T>(PhantomData<(N, T)>);
        impl<'de, N: MemberName, T: Deserialize<'de>> Visitor<'de> for Object<N, T> {
            type Value = OnlyMember<N, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object of one member, {}", N::NAME)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                one_member(map, |map, name| {
                    if name == N::NAME {
                        map.next_value::<T>()
                    } else {
                        Err(not_plain())
                    }
                })
                .map(|value| OnlyMember(value, PhantomData))
            }
        }
        d.deserialize_map(Object(PhantomData))
    }
}

struct RequestItems<'a>(Vec<PlainTableWrites<'a>>);

impl<'de> Deserialize<'de> for RequestItems<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Tables;
        impl<'de> Visitor<'de> for Tables {
            type Value = RequestItems<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("RequestItems")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut tables = Vec::with_capacity(1);
                while let Some(table_name) = map.next_key::<&'de str>()? {
                    let writes = map.next_value::<Vec<PlainWrite>>()?;
                    tables.push(PlainTableWrites { table_name, writes });
                }
                Ok(RequestItems(tables))
            }
        }
        d.deserialize_map(Tables)
    }
}

/// `{"PutRequest": {"Item": {...}}}` or `{"DeleteRequest": {"Key": {...}}}`.
impl<'de> Deserialize<'de> for PlainWrite<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Request;
        impl<'de> Visitor<'de> for Request {
            type Value = PlainWrite<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a write request")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                one_member(map, |map, name| match name {
                    "PutRequest" => map
                        .next_value::<OnlyMember<ItemMember, PlainItem>>()
                        .map(|item| PlainWrite::Put(item.0)),
                    "DeleteRequest" => map
                        .next_value::<OnlyMember<KeyMember, PlainItem>>()
                        .map(|key| PlainWrite::Delete(key.0)),
                    _ => Err(not_plain()),
                })
            }
        }
        d.deserialize_map(Request)
    }
}

impl<'de> Deserialize<'de> for PlainItem<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Attributes;
        impl<'de> Visitor<'de> for Attributes {
            type Value = PlainItem<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an item")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut attributes = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(name) = map.next_key::<&'de str>()? {
                    attributes.push((name, map.next_value::<PlainValue>()?));
                }
                PlainItem::new(attributes).ok_or_else(not_plain)
            }
        }
        d.deserialize_map(Attributes)
    }
}

impl<'de> Deserialize<'de> for PlainValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Value;
        impl<'de> Visitor<'de> for Value {
            type Value = PlainValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an S, N, BOOL or NULL attribute value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                one_member(map, |map, name| match name {
                    "S" => map.next_value().map(PlainValue::S),
                    "N" => {
                        let text = map.next_value::<&'de str>()?;
                        Number::parse(text)
                            .map(PlainValue::N)
                            .map_err(|_| not_plain())
                    }
                    "BOOL" => map.next_value().map(PlainValue::Bool),
                    "NULL" => match map.next_value()? {
                        true => Ok(PlainValue::Null),
                        false => Err(not_plain()),
                    },
                    _ => Err(not_plain()),
                })
            }
        }
        d.deserialize_map(Value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::itemcodec::encode_item;
    use crate::keycodec::encode_key_value;
    use crate::size::item_size;
    use proptest::prelude::*;

    /// A write as (true for a put, its item or key).
    fn read_write(write: &PlainWrite<'_>) -> (bool, Item) {
        match write {
            PlainWrite::Put(item) => (true, item.to_item()),
            PlainWrite::Delete(key) => (false, key.to_item()),
        }
    }

    /// Each table's name and writes, as `read_write` gives them.
    type ReadTables = Vec<(String, Vec<(bool, Item)>)>;

    fn table_items(body: &str) -> Option<ReadTables> {
        let plain = PlainBatchWrite::parse(body)?;
        Some(
            plain
                .tables
                .iter()
                .map(|t| {
                    let writes = t.writes.iter().map(read_write).collect();
                    (t.table_name.to_owned(), writes)
                })
                .collect(),
        )
    }

    #[test]
    fn reads_plain_requests() {
        let body = r#" {"RequestItems": {"t1": [{"PutRequest": {"Item": {"pk": {"S": "a"},
            "n": {"N": "1.50"}}}}], "t2": [{"PutRequest": {"Item": {"pk": {"N": "-7"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": ""}}}}]}} "#;
        let tables = table_items(body).unwrap();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].0, "t1");
        assert!(tables[0].1[0].0);
        assert_eq!(
            tables[0].1[0].1.get("n"),
            Some(&AttributeValue::N(Number::parse("1.5").unwrap()))
        );
        assert_eq!(tables[1].1.len(), 2);
        assert!(!tables[1].1[1].0);
        assert_eq!(
            tables[1].1[1].1.get("pk"),
            Some(&AttributeValue::S(String::new()))
        );
    }

    #[test]
    fn reads_the_report_members_in_any_order() {
        let body = r#"{"ReturnItemCollectionMetrics": "SIZE", "RequestItems": {},
            "ReturnConsumedCapacity": "bogus"}"#;
        let plain = PlainBatchWrite::parse(body).unwrap();
        assert_eq!(plain.return_consumed_capacity, Some("bogus"));
        assert_eq!(plain.return_item_collection_metrics, Some("SIZE"));
        assert!(plain.tables.is_empty());
    }

    #[test]
    fn refuses_everything_else() {
        let refused = [
            // Other members, in any position; a member twice; a report that is not a string.
            r#"{"RequestItems": {}, "ConditionExpression": "x"}"#,
            r#"{"Other": "NONE", "RequestItems": {}}"#,
            r#"{"RequestItems": {}, "RequestItems": {}}"#,
            r#"{"RequestItems": {}, "ReturnConsumedCapacity": "NONE", "ReturnConsumedCapacity": "NONE"}"#,
            r#"{"RequestItems": {}, "ReturnConsumedCapacity": null}"#,
            r#"{"RequestItems": {}, "ReturnItemCollectionMetrics": 1}"#,
            r#"{"RequestItems": null}"#,
            r#"{}"#,
            "",
            r#"{"RequestItems": {"t": [{"DeleteRequest": {"Item": {"pk": {"S": "a"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Key": {"pk": {"S": "a"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}},
                "PutRequest": {"Item": {"pk": {"S": "a"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a"}}},
                "DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"DeleteRequest": {"Key": {"pk": {"B": "YQ=="}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"Other": {"Key": {"pk": {"S": "a"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": null}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a"}}, "X": 1}}]}}"#,
            // Other types, several types, unknown members, null.
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"B": "YQ=="}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"v": {"BOOL": "true"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"v": {"BOOL": null}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"v": {"NULL": false}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"v": {"NULL": 1}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"v": {"SS": ["a"]}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a", "N": "1"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a", "X": 1}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": null}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {}}}}]}}"#,
            // Escapes anywhere, malformed numbers, repeated names.
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a\n"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"p\u006b": {"S": "a"}}}}]}}"#,
            r#"{"RequestItems": {"\u0074": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"N": "1x"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"N": "1e999"}}}}]}}"#,
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a"},
                "pk": {"S": "b"}}}}]}}"#,
            // Not JSON, or more after it.
            r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]}"#,
            r#"{"RequestItems": {}} {}"#,
        ];
        for body in refused {
            assert!(PlainBatchWrite::parse(body).is_none(), "read {body}");
        }
    }

    /// Renders tables of items as JSON, with `spaces` (cycled) between every two tokens.
    /// Table names with their writes (true for a put; the item's or key's attributes), as a
    /// test writes them.
    type Tables = Vec<(String, Vec<(bool, Vec<(String, Value)>)>)>;

    fn render(tables: &Tables, spaces: &[&str]) -> String {
        let mut tokens: Vec<String> = Vec::new();
        let quoted = |s: &str| serde_json::to_string(s).unwrap();
        tokens.extend(["{".into(), quoted("RequestItems"), ":".into(), "{".into()]);
        for (t, (table, items)) in tables.iter().enumerate() {
            if t > 0 {
                tokens.push(",".into());
            }
            tokens.extend([quoted(table), ":".into(), "[".into()]);
            for (i, (put, item)) in items.iter().enumerate() {
                if i > 0 {
                    tokens.push(",".into());
                }
                let (request, member) = if *put {
                    ("PutRequest", "Item")
                } else {
                    ("DeleteRequest", "Key")
                };
                tokens.extend(["{".into(), quoted(request), ":".into(), "{".into()]);
                tokens.extend([quoted(member), ":".into(), "{".into()]);
                for (a, (name, value)) in item.iter().enumerate() {
                    if a > 0 {
                        tokens.push(",".into());
                    }
                    let (ty, text) = match value {
                        Value::S(s) => ("S", quoted(s)),
                        Value::N(n) => ("N", quoted(n)),
                        Value::Bool(b) => ("BOOL", b.to_string()),
                        Value::Null => ("NULL", "true".into()),
                    };
                    tokens.extend([quoted(name), ":".into(), "{".into(), quoted(ty)]);
                    tokens.extend([":".into(), text, "}".into()]);
                }
                tokens.extend(["}".into(), "}".into(), "}".into()]);
            }
            tokens.push("]".into());
        }
        tokens.extend(["}".into(), "}".into()]);
        let mut body = String::new();
        for (i, token) in tokens.iter().enumerate() {
            body.push_str(spaces[i % spaces.len()]);
            body.push_str(token);
        }
        body.push_str(spaces[tokens.len() % spaces.len()]);
        body
    }

    #[derive(Debug, Clone)]
    enum Value {
        S(String),
        N(String),
        Bool(bool),
        Null,
    }

    fn request_tables() -> impl Strategy<Value = Tables> {
        let value = prop_oneof![
            "[a-zé€ ]{0,6}".prop_map(Value::S),
            (any::<i32>(), 0u8..3).prop_map(|(n, form)| Value::N(match form {
                0 => n.to_string(),
                1 => format!("{n}.25"),
                _ => format!("{n}e-3"),
            })),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        let item = proptest::collection::btree_map("[a-z]{1,3}", value, 0..4)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>());
        proptest::collection::vec(
            (
                "[a-zA-Z0-9_.-]{1,8}",
                proptest::collection::vec((any::<bool>(), item), 0..4),
            ),
            0..3,
        )
    }

    fn spaces() -> impl Strategy<Value = Vec<&'static str>> {
        proptest::collection::vec(
            prop_oneof![Just(""), Just(" "), Just("\n  "), Just("\t"), Just("\r\n")],
            1..6,
        )
    }

    proptest! {
        /// Whatever the whitespace, a plain request reads as what was written.
        #[test]
        fn reads_what_was_written(tables in request_tables(), spaces in spaces()) {
            let body = render(&tables, &spaces);
            let plain = PlainBatchWrite::parse(&body).expect("a plain request was refused");
            prop_assert_eq!(plain.tables.len(), tables.len());
            for (read, (table, items)) in plain.tables.iter().zip(&tables) {
                prop_assert_eq!(read.table_name, table.as_str());
                prop_assert_eq!(read.writes.len(), items.len());
                for (read, (put, item)) in read.writes.iter().zip(items) {
                    let (read_put, read) = read_write(read);
                    prop_assert_eq!(read_put, *put);
                    let expected: Item = item
                        .iter()
                        .map(|(name, value)| {
                            let value = match value {
                                Value::S(s) => AttributeValue::S(s.clone()),
                                Value::N(n) => AttributeValue::N(Number::parse(n).unwrap()),
                                Value::Bool(b) => AttributeValue::Bool(*b),
                                Value::Null => AttributeValue::Null(true),
                            };
                            (name.clone(), value)
                        })
                        .collect();
                    prop_assert_eq!(read, expected);
                }
            }
        }

        /// A request cut short anywhere is refused.
        #[test]
        fn refuses_requests_cut_short(tables in request_tables(), spaces in spaces(), cut in any::<prop::sample::Index>()) {
            let body = render(&tables, &spaces);
            let end = body.trim_end().len();
            let cut = cut.index(end);
            if body.is_char_boundary(cut) {
                prop_assert!(PlainBatchWrite::parse(&body[..cut]).is_none(), "read {}", &body[..cut]);
            }
        }
    }

    fn plain_value() -> impl Strategy<Value = PlainValue<'static>> {
        prop_oneof![
            prop_oneof![
                Just(""),
                Just("a"),
                Just("zz"),
                Just("é€😀"),
                Just("0\u{0}1")
            ]
            .prop_map(PlainValue::S),
            (any::<i64>(), -20i32..20).prop_map(|(n, shift)| {
                let text = format!("{n}e{shift}");
                PlainValue::N(Number::parse(&text).unwrap())
            }),
            any::<bool>().prop_map(PlainValue::Bool),
            Just(PlainValue::Null),
        ]
    }

    proptest! {
        /// A plain item encodes, sizes and keys exactly as the same item as an attribute map.
        #[test]
        fn plain_items_match_their_attribute_maps(
            attributes in proptest::collection::vec(
                (prop_oneof![Just(""), Just("a"), Just("b"), Just("pk"), Just("ä"), Just("a0")],
                 plain_value()),
                0..6,
            )
        ) {
            let Some(item) = PlainItem::new(attributes.clone()) else {
                let mut names: Vec<&str> = attributes.iter().map(|a| a.0).collect();
                names.sort_unstable();
                names.dedup();
                prop_assert!(names.len() < attributes.len());
                return Ok(());
            };
            let map = item.to_item();
            prop_assert_eq!(map.len(), attributes.len());
            let (mut plain, mut general) = (Vec::new(), Vec::new());
            item.encode(&mut plain);
            encode_item(&map, &mut general);
            prop_assert_eq!(plain, general);
            prop_assert_eq!(item.size(), item_size(&map));
            prop_assert_eq!(item.has_empty_name(), map.contains_key(""));
            for (name, value) in &map {
                let plain_value = item.get(name).unwrap();
                prop_assert_eq!(&plain_value.to_attribute_value(), value);
                let (mut plain, mut general) = (Vec::new(), Vec::new());
                plain_value.encode_key(&mut plain);
                encode_key_value(value, &mut general);
                prop_assert_eq!(plain, general);
            }
        }
    }
}
