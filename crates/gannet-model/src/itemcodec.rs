//! Compact binary encoding of items for storage: a format byte, then the attribute count and
//! each name and value. Values are a tag byte and their payload; lengths and counts are LEB128
//! varints; numbers use the key codec's compact decimal form.
//!
//! Decoding treats its input as untrusted: every length is checked against the bytes left,
//! nesting is bounded, and anything malformed is an error, never a panic.

use crate::keycodec::{decode_number, encode_number};
use crate::number::Number;
use crate::plain_batch::PlainValue;
use crate::value::{AttributeValue, Item};

#[derive(Debug, thiserror::Error)]
#[error("corrupt item encoding")]
pub struct ItemCodecError;

const FORMAT_V1: u8 = 1;

const TAG_S: u8 = 1;
const TAG_N: u8 = 2;
const TAG_B: u8 = 3;
const TAG_FALSE: u8 = 4;
const TAG_TRUE: u8 = 5;
const TAG_NULL: u8 = 6;
/// NULL(false) is never valid input but is kept so that encoding round-trips every value.
const TAG_NULL_FALSE: u8 = 7;
const TAG_M: u8 = 8;
const TAG_L: u8 = 9;
const TAG_SS: u8 = 10;
const TAG_NS: u8 = 11;
const TAG_BS: u8 = 12;

/// DynamoDB allows 32 levels; the slack only guards the stack against hostile bytes.
const MAX_DEPTH: usize = 64;

pub fn encode_item(item: &Item, out: &mut Vec<u8>) {
    out.push(FORMAT_V1);
    encode_map(item, out);
}

pub fn decode_item(bytes: &[u8]) -> Result<Item, ItemCodecError> {
    let mut r = Reader { bytes, pos: 0 };
    if r.byte()? != FORMAT_V1 {
        return Err(ItemCodecError);
    }
    let item = r.map(0)?;
    if r.pos != bytes.len() {
        return Err(ItemCodecError);
    }
    Ok(item)
}

/// `encode_item` of an item of S, N, BOOL and NULL attributes given sorted by name, names unique (the
/// order and uniqueness of an `Item`'s map).
pub(crate) fn encode_plain_item(attributes: &[(&str, PlainValue<'_>)], out: &mut Vec<u8>) {
    out.push(FORMAT_V1);
    put_varint(attributes.len() as u64, out);
    for (name, value) in attributes {
        put_bytes(name.as_bytes(), out);
        match value {
            PlainValue::S(s) => encode_s(s, out),
            PlainValue::N(n) => encode_n(n, out),
            PlainValue::Bool(b) => out.push(if *b { TAG_TRUE } else { TAG_FALSE }),
            PlainValue::Null => out.push(TAG_NULL),
        }
    }
}

fn encode_s(s: &str, out: &mut Vec<u8>) {
    out.push(TAG_S);
    put_bytes(s.as_bytes(), out);
}

fn encode_n(n: &Number, out: &mut Vec<u8>) {
    out.push(TAG_N);
    encode_number(n, out);
}

fn put_varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(b: &[u8], out: &mut Vec<u8>) {
    put_varint(b.len() as u64, out);
    out.extend_from_slice(b);
}

fn encode_map(map: &Item, out: &mut Vec<u8>) {
    put_varint(map.len() as u64, out);
    for (name, value) in map {
        put_bytes(name.as_bytes(), out);
        encode_value(value, out);
    }
}

fn encode_value(v: &AttributeValue, out: &mut Vec<u8>) {
    match v {
        AttributeValue::S(s) => encode_s(s, out),
        AttributeValue::N(n) => encode_n(n, out),
        AttributeValue::B(b) => {
            out.push(TAG_B);
            put_bytes(b, out);
        }
        AttributeValue::Bool(b) => out.push(if *b { TAG_TRUE } else { TAG_FALSE }),
        AttributeValue::Null(b) => out.push(if *b { TAG_NULL } else { TAG_NULL_FALSE }),
        AttributeValue::M(m) => {
            out.push(TAG_M);
            encode_map(m, out);
        }
        AttributeValue::L(l) => {
            out.push(TAG_L);
            put_varint(l.len() as u64, out);
            for e in l {
                encode_value(e, out);
            }
        }
        AttributeValue::Ss(set) => {
            out.push(TAG_SS);
            put_varint(set.len() as u64, out);
            for s in set {
                put_bytes(s.as_bytes(), out);
            }
        }
        AttributeValue::Ns(set) => {
            out.push(TAG_NS);
            put_varint(set.len() as u64, out);
            for n in set {
                encode_number(n, out);
            }
        }
        AttributeValue::Bs(set) => {
            out.push(TAG_BS);
            put_varint(set.len() as u64, out);
            for b in set {
                put_bytes(b, out);
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8, ItemCodecError> {
        let b = *self.bytes.get(self.pos).ok_or(ItemCodecError)?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, ItemCodecError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7F)
                .checked_shl(shift)
                .ok_or(ItemCodecError)?;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ItemCodecError)
    }

    /// A count of things each taking at least one byte, so it cannot exceed what is left.
    fn count(&mut self) -> Result<usize, ItemCodecError> {
        let n = usize::try_from(self.varint()?).map_err(|_| ItemCodecError)?;
        if n > self.remaining() {
            return Err(ItemCodecError);
        }
        Ok(n)
    }

    fn bytes(&mut self) -> Result<&[u8], ItemCodecError> {
        let len = usize::try_from(self.varint()?).map_err(|_| ItemCodecError)?;
        if len > self.remaining() {
            return Err(ItemCodecError);
        }
        let start = self.pos;
        self.pos += len;
        Ok(&self.bytes[start..self.pos])
    }

    fn string(&mut self) -> Result<String, ItemCodecError> {
        let raw = self.bytes()?;
        std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| ItemCodecError)
    }

    fn number(&mut self) -> Result<Number, ItemCodecError> {
        let (n, used) = decode_number(&self.bytes[self.pos..]).map_err(|_| ItemCodecError)?;
        self.pos += used;
        Ok(n)
    }

    fn map(&mut self, depth: usize) -> Result<Item, ItemCodecError> {
        let count = self.count()?;
        let mut item = Item::new();
        for _ in 0..count {
            let name = self.string()?;
            let value = self.value(depth)?;
            if item.insert(name, value).is_some() {
                return Err(ItemCodecError);
            }
        }
        Ok(item)
    }

    fn value(&mut self, depth: usize) -> Result<AttributeValue, ItemCodecError> {
        if depth > MAX_DEPTH {
            return Err(ItemCodecError);
        }
        Ok(match self.byte()? {
            TAG_S => AttributeValue::S(self.string()?),
            TAG_N => AttributeValue::N(self.number()?),
            TAG_B => AttributeValue::B(self.bytes()?.to_vec()),
            TAG_FALSE => AttributeValue::Bool(false),
            TAG_TRUE => AttributeValue::Bool(true),
            TAG_NULL => AttributeValue::Null(true),
            TAG_NULL_FALSE => AttributeValue::Null(false),
            TAG_M => AttributeValue::M(self.map(depth + 1)?),
            TAG_L => {
                let count = self.count()?;
                let mut list = Vec::with_capacity(count);
                for _ in 0..count {
                    list.push(self.value(depth + 1)?);
                }
                AttributeValue::L(list)
            }
            TAG_SS => {
                let count = self.count()?;
                let mut set = Vec::with_capacity(count);
                for _ in 0..count {
                    set.push(self.string()?);
                }
                AttributeValue::Ss(set)
            }
            TAG_NS => {
                let count = self.count()?;
                let mut set = Vec::with_capacity(count);
                for _ in 0..count {
                    set.push(self.number()?);
                }
                AttributeValue::Ns(set)
            }
            TAG_BS => {
                let count = self.count()?;
                let mut set = Vec::with_capacity(count);
                for _ in 0..count {
                    set.push(self.bytes()?.to_vec());
                }
                AttributeValue::Bs(set)
            }
            _ => return Err(ItemCodecError),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::strategies;
    use proptest::prelude::*;

    fn encode(item: &Item) -> Vec<u8> {
        let mut out = Vec::new();
        encode_item(item, &mut out);
        out
    }

    #[test]
    fn every_type_round_trips() {
        let json = r#"{
            "s": {"S": "héllo\u0000"}, "e": {"S": ""}, "n": {"N": "-12.5e3"}, "z": {"N": "0"},
            "b": {"B": "AAEC"}, "t": {"BOOL": true}, "f": {"BOOL": false}, "u": {"NULL": true},
            "m": {"M": {"x": {"L": [{"N": "1"}, {"M": {}}, {"L": []}]}}},
            "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["3", "-1e-130", "1e125"]},
            "bs": {"BS": ["AQ==", ""]}
        }"#;
        let item: Item = serde_json::from_str(json).unwrap();
        assert_eq!(decode_item(&encode(&item)).unwrap(), item);
        let mut odd = Item::new();
        odd.insert("n".into(), AttributeValue::Null(false));
        assert_eq!(decode_item(&encode(&odd)).unwrap(), odd);
        assert_eq!(decode_item(&encode(&Item::new())).unwrap(), Item::new());
    }

    #[test]
    fn encoding_is_compact() {
        let item: Item = serde_json::from_str(r#"{"id":{"S":"abc"},"n":{"N":"12345"}}"#).unwrap();
        // format, count, "id" 3 + S 5, "n" 2 + N (tag, class, exponent, 3 digit bytes)
        assert_eq!(encode(&item).len(), 2 + 8 + 2 + 6);
    }

    #[test]
    fn rejects_corrupt_bytes() {
        let item: Item = serde_json::from_str(r#"{"a":{"SS":["x","y"]}}"#).unwrap();
        let good = encode(&item);
        for cut in 0..good.len() {
            assert!(decode_item(&good[..cut]).is_err(), "truncated at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(decode_item(&trailing).is_err());
        assert!(decode_item(&[2, 0]).is_err());
        // Duplicate attribute names.
        assert!(decode_item(&[1, 2, 1, b'a', TAG_TRUE, 1, b'a', TAG_TRUE]).is_err());
        // A huge declared count with nothing behind it.
        assert!(decode_item(&[1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).is_err());
        // Overlong varint.
        assert!(
            decode_item(&[
                1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01
            ])
            .is_err()
        );
        // Invalid UTF-8 in a name.
        assert!(decode_item(&[1, 1, 1, 0xC3, TAG_TRUE]).is_err());
        // Nesting past the bound.
        let mut deep = vec![1, 1, 1, b'a'];
        for _ in 0..100 {
            deep.extend_from_slice(&[TAG_L, 1]);
        }
        deep.push(TAG_TRUE);
        assert!(decode_item(&deep).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(item in strategies::item()) {
            let bytes = encode(&item);
            prop_assert_eq!(decode_item(&bytes).unwrap(), item);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode_item(&bytes);
            let mut framed = vec![FORMAT_V1];
            framed.extend_from_slice(&bytes);
            let _ = decode_item(&framed);
        }

        #[test]
        fn mutated_encodings_never_panic(item in strategies::item(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let mut bytes = encode(&item);
            let i = at.index(bytes.len());
            bytes[i] = byte;
            let _ = decode_item(&bytes);
        }
    }
}
