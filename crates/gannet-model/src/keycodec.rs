//! Order-preserving, self-delimiting encoding of key attribute values: comparing encodings
//! bytewise gives DynamoDB's key order, and a sort-key encoding can follow a partition-key
//! encoding with both still decodable.
//!
//! - S and B: the bytes with 0x00 escaped as 0x00 0xFF, then the terminator 0x00 0x01. Unsigned
//!   byte order is UTF-8 order for strings, and the terminator sorts a prefix first.
//! - N: a class byte (negative < zero < positive); for non-zero values the leading-digit
//!   exponent biased into one byte (-130..=125 maps onto 0..=255), then the significant digits
//!   as nibbles `digit + 1`, two per byte, ended by a zero nibble. Negative numbers invert every
//!   byte after the class byte, which reverses their order.

use crate::api::ScalarAttributeType;
use crate::number::{MAX_DIGITS, MIN_EXPONENT, Number};
use crate::value::AttributeValue;

#[derive(Debug, thiserror::Error)]
#[error("corrupt key encoding")]
pub struct KeyCodecError;

const NEGATIVE: u8 = 0x01;
const ZERO: u8 = 0x02;
const POSITIVE: u8 = 0x03;

/// Appends the encoding of a key value (S, N or B) to `out`. Other types are never keys and
/// append nothing; callers check key types first.
pub fn encode_key_value(v: &AttributeValue, out: &mut Vec<u8>) {
    match v {
        AttributeValue::S(s) => encode_bytes(s.as_bytes(), out),
        AttributeValue::B(b) => encode_bytes(b, out),
        AttributeValue::N(n) => encode_number(n, out),
        _ => {}
    }
}

/// Appends the encoding of an S or B prefix without its terminator: exactly the encodings of
/// the values that begin with the prefix start with these bytes (begins_with on a sort key).
/// Other types append nothing.
pub fn encode_key_prefix(v: &AttributeValue, out: &mut Vec<u8>) {
    let raw = match v {
        AttributeValue::S(s) => s.as_bytes(),
        AttributeValue::B(b) => b.as_slice(),
        _ => return,
    };
    encode_bytes(raw, out);
    out.truncate(out.len() - 2);
}

/// Decodes one key value of type `ty` from the front of `bytes`; returns it and the bytes used.
pub fn decode_key_value(
    ty: ScalarAttributeType,
    bytes: &[u8],
) -> Result<(AttributeValue, usize), KeyCodecError> {
    match ty {
        ScalarAttributeType::S => {
            let (raw, used) = decode_bytes(bytes)?;
            let s = String::from_utf8(raw).map_err(|_| KeyCodecError)?;
            Ok((AttributeValue::S(s), used))
        }
        ScalarAttributeType::B => {
            let (raw, used) = decode_bytes(bytes)?;
            Ok((AttributeValue::B(raw), used))
        }
        ScalarAttributeType::N => {
            let (n, used) = decode_number(bytes)?;
            Ok((AttributeValue::N(n), used))
        }
    }
}

/// Fixed 64-bit hash of an encoded partition key: Scan order and parallel-scan segments.
pub fn partition_hash(encoded_pk: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(encoded_pk)
}

/// The key encoding of an S or B value's bytes.
pub(crate) fn encode_bytes(raw: &[u8], out: &mut Vec<u8>) {
    out.reserve(raw.len() + 2);
    for &b in raw {
        out.push(b);
        if b == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0x00, 0x01]);
}

fn decode_bytes(bytes: &[u8]) -> Result<(Vec<u8>, usize), KeyCodecError> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        match *bytes.get(i).ok_or(KeyCodecError)? {
            0x00 => match *bytes.get(i + 1).ok_or(KeyCodecError)? {
                0xFF => out.push(0),
                0x01 => return Ok((out, i + 2)),
                _ => return Err(KeyCodecError),
            },
            b => {
                out.push(b);
                i += 1;
                continue;
            }
        }
        i += 2;
    }
}

/// Appends the number encoding; also the compact number form of the item codec.
pub(crate) fn encode_number(n: &Number, out: &mut Vec<u8>) {
    if n.is_zero() {
        out.push(ZERO);
        return;
    }
    let negative = n.is_negative();
    let flip = if negative { 0xFF } else { 0x00 };
    out.push(if negative { NEGATIVE } else { POSITIVE });
    // The exponent range spans exactly 256 values.
    out.push((n.leading_exponent() - MIN_EXPONENT) as u8 ^ flip);
    let mut digits = [0u8; MAX_DIGITS];
    let len = n.digits_into(&mut digits);
    for pair in digits[..len].chunks(2) {
        let high = pair[0] + 1;
        let low = pair.get(1).map_or(0, |d| d + 1);
        out.push((high << 4 | low) ^ flip);
    }
    if len.is_multiple_of(2) {
        out.push(flip);
    }
}

pub(crate) fn decode_number(bytes: &[u8]) -> Result<(Number, usize), KeyCodecError> {
    let negative = match *bytes.first().ok_or(KeyCodecError)? {
        ZERO => return Ok((Number::zero(), 1)),
        NEGATIVE => true,
        POSITIVE => false,
        _ => return Err(KeyCodecError),
    };
    let flip = if negative { 0xFF } else { 0x00 };
    let exponent = i32::from(*bytes.get(1).ok_or(KeyCodecError)? ^ flip) + MIN_EXPONENT;
    let mut digits = [0u8; MAX_DIGITS];
    let mut len = 0;
    let mut i = 2;
    'bytes: loop {
        let b = *bytes.get(i).ok_or(KeyCodecError)? ^ flip;
        i += 1;
        for nibble in [b >> 4, b & 0x0F] {
            if nibble == 0 {
                break 'bytes;
            }
            if nibble > 10 || len == MAX_DIGITS {
                return Err(KeyCodecError);
            }
            digits[len] = nibble - 1;
            len += 1;
        }
    }
    // A canonical encoding has at least one digit and no leading or trailing zeros.
    if len == 0 || digits[0] == 0 || digits[len - 1] == 0 {
        return Err(KeyCodecError);
    }
    let n = Number::from_digits(negative, &digits[..len], exponent).map_err(|_| KeyCodecError)?;
    Ok((n, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::strategies;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    fn enc(v: &AttributeValue) -> Vec<u8> {
        let mut out = Vec::new();
        encode_key_value(v, &mut out);
        out
    }

    fn num(s: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(s).unwrap())
    }

    fn ty(v: &AttributeValue) -> ScalarAttributeType {
        match v {
            AttributeValue::S(_) => ScalarAttributeType::S,
            AttributeValue::N(_) => ScalarAttributeType::N,
            _ => ScalarAttributeType::B,
        }
    }

    /// DynamoDB's order for two key values of one type.
    fn dynamo_cmp(a: &AttributeValue, b: &AttributeValue) -> Ordering {
        match (a, b) {
            (AttributeValue::S(x), AttributeValue::S(y)) => x.as_bytes().cmp(y.as_bytes()),
            (AttributeValue::B(x), AttributeValue::B(y)) => x.cmp(y),
            (AttributeValue::N(x), AttributeValue::N(y)) => x.cmp(y),
            _ => unreachable!(),
        }
    }

    fn key_value() -> impl Strategy<Value = AttributeValue> {
        prop_oneof![
            ".{0,8}".prop_map(AttributeValue::S),
            prop::collection::vec(
                prop_oneof![Just(0u8), Just(1), Just(0xFF), any::<u8>()],
                0..8
            )
            .prop_map(AttributeValue::B),
            strategies::number().prop_map(AttributeValue::N),
        ]
    }

    fn same_type_pair() -> impl Strategy<Value = (AttributeValue, AttributeValue)> {
        prop_oneof![
            (".{0,6}", ".{0,6}").prop_map(|(a, b)| (AttributeValue::S(a), AttributeValue::S(b))),
            (
                prop::collection::vec(
                    prop_oneof![Just(0u8), Just(1), Just(0xFF), any::<u8>()],
                    0..6
                ),
                prop::collection::vec(
                    prop_oneof![Just(0u8), Just(1), Just(0xFF), any::<u8>()],
                    0..6
                )
            )
                .prop_map(|(a, b)| (AttributeValue::B(a), AttributeValue::B(b))),
            (strategies::number(), strategies::number())
                .prop_map(|(a, b)| (AttributeValue::N(a), AttributeValue::N(b))),
        ]
    }

    #[test]
    fn numbers_sort_numerically() {
        let sorted = [
            "-1e125",
            "-101",
            "-100",
            "-99.5",
            "-10",
            "-2",
            "-1.5",
            "-1.05",
            "-1",
            "-0.5",
            "-1e-130",
            "0",
            "1e-130",
            "0.5",
            "1",
            "1.05",
            "1.5",
            "2",
            "10",
            "99.5",
            "100",
            "101",
            "12345678901234567890123456789012345678",
            "1e125",
        ];
        for w in sorted.windows(2) {
            assert!(enc(&num(w[0])) < enc(&num(w[1])), "{} < {}", w[0], w[1]);
        }
        assert_eq!(enc(&num("1.0")), enc(&num("01")));
    }

    #[test]
    fn strings_and_binaries_sort_bytewise() {
        let s = |x: &str| enc(&AttributeValue::S(x.into()));
        assert!(s("") < s("\0"));
        assert!(s("a") < s("a\0"));
        assert!(s("a\0") < s("a\u{1}"));
        assert!(s("a") < s("ab"));
        assert!(s("Z") < s("a"));
        assert!(s("z") < s("é"));
        let b = |x: &[u8]| enc(&AttributeValue::B(x.to_vec()));
        assert!(b(&[0xFF]) > b(&[0x00, 0xFF]));
        assert!(b(&[]) < b(&[0]));
        assert_eq!(b(&[0, 1]), vec![0, 0xFF, 1, 0, 1]);
    }

    #[test]
    fn rejects_corrupt_bytes() {
        assert!(decode_key_value(ScalarAttributeType::S, b"a").is_err());
        assert!(decode_key_value(ScalarAttributeType::S, &[0, 2]).is_err());
        assert!(decode_key_value(ScalarAttributeType::S, &[0xC3, 0, 1]).is_err());
        assert!(decode_key_value(ScalarAttributeType::N, &[]).is_err());
        assert!(decode_key_value(ScalarAttributeType::N, &[9]).is_err());
        assert!(decode_key_value(ScalarAttributeType::N, &[POSITIVE, 130]).is_err());
        assert!(decode_key_value(ScalarAttributeType::N, &[POSITIVE, 130, 0x00]).is_err());
        assert!(decode_key_value(ScalarAttributeType::N, &[POSITIVE, 130, 0x10]).is_err());
        assert!(decode_key_value(ScalarAttributeType::N, &[POSITIVE, 130, 0xB0]).is_err());
        assert!(decode_key_value(ScalarAttributeType::N, &[POSITIVE, 130, 0x21, 0x00]).is_err());
        let (v, used) = decode_key_value(ScalarAttributeType::N, &[POSITIVE, 130, 0x20]).unwrap();
        assert_eq!((v, used), (num("1"), 3));
    }

    proptest! {
        #[test]
        fn encoding_order_is_dynamo_order((a, b) in same_type_pair()) {
            prop_assert_eq!(enc(&a).cmp(&enc(&b)), dynamo_cmp(&a, &b));
        }

        #[test]
        fn decode_inverts_encode(v in key_value()) {
            let bytes = enc(&v);
            let (back, used) = decode_key_value(ty(&v), &bytes).unwrap();
            prop_assert_eq!(back, v);
            prop_assert_eq!(used, bytes.len());
        }

        #[test]
        fn concatenated_keys_decode(pk in key_value(), sk in key_value(), tail in prop::collection::vec(any::<u8>(), 0..4)) {
            let mut bytes = enc(&pk);
            encode_key_value(&sk, &mut bytes);
            bytes.extend_from_slice(&tail);
            let (p, used) = decode_key_value(ty(&pk), &bytes).unwrap();
            let (s, used2) = decode_key_value(ty(&sk), &bytes[used..]).unwrap();
            prop_assert_eq!(p, pk);
            prop_assert_eq!(s, sk);
            prop_assert_eq!(used + used2 + tail.len(), bytes.len());
        }

        #[test]
        fn composite_order_is_partition_then_sort((p1, p2) in same_type_pair(), (s1, s2) in same_type_pair()) {
            let mut k1 = enc(&p1);
            encode_key_value(&s1, &mut k1);
            let mut k2 = enc(&p2);
            encode_key_value(&s2, &mut k2);
            prop_assert_eq!(k1.cmp(&k2), dynamo_cmp(&p1, &p2).then(dynamo_cmp(&s1, &s2)));
        }

        #[test]
        fn key_prefix_matches_begins_with(
            (value, prefix) in prop_oneof![
                (".{0,6}", ".{0,3}").prop_map(|(v, p)| (AttributeValue::S(v), AttributeValue::S(p))),
                (
                    prop::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xFF)], 0..6),
                    prop::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xFF)], 0..3),
                )
                    .prop_map(|(v, p)| (AttributeValue::B(v), AttributeValue::B(p))),
            ]
        ) {
            let mut encoded_prefix = Vec::new();
            encode_key_prefix(&prefix, &mut encoded_prefix);
            let begins = match (&value, &prefix) {
                (AttributeValue::S(v), AttributeValue::S(p)) => v.starts_with(p.as_str()),
                (AttributeValue::B(v), AttributeValue::B(p)) => v.starts_with(p),
                _ => unreachable!(),
            };
            prop_assert_eq!(enc(&value).starts_with(&encoded_prefix), begins);
        }

        #[test]
        fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..24)) {
            for t in [ScalarAttributeType::S, ScalarAttributeType::N, ScalarAttributeType::B] {
                let _ = decode_key_value(t, &bytes);
            }
        }
    }
}
