//! Item size by AWS's rules ("Item sizes and formats" in the developer guide): names and strings
//! count their UTF-8 bytes, binaries their raw bytes, BOOL and NULL one byte, lists and maps three
//! bytes plus one per element, sets the sum of their elements.
//!
//! The guide gives a number's size only approximately, "1 byte per two significant digits plus
//! 1 byte". DynamoDB stores the digits in base 100, so the exact count depends on where the
//! decimal point falls: this follows that layout (as measured against DynamoDB's consumed
//! capacity by the dynalite emulator), which agrees with the guide's estimate within a byte.

use crate::number::Number;
use crate::value::{AttributeValue, Item};

/// Bytes of a number: one exponent byte, one byte per base-100 digit, one more if negative.
pub fn number_size(n: &Number) -> usize {
    if n.is_zero() {
        return 1;
    }
    let digits = n.digit_count();
    // With an even leading exponent the first base-100 digit holds a single decimal digit.
    let pairs = (digits + usize::from(n.leading_exponent().rem_euclid(2) == 0)).div_ceil(2);
    1 + pairs + usize::from(n.is_negative())
}

pub fn attribute_value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(list) => {
            3 + list
                .iter()
                .map(|e| 1 + attribute_value_size(e))
                .sum::<usize>()
        }
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, e)| k.len() + 1 + attribute_value_size(e))
                .sum::<usize>()
        }
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(number_size).sum(),
        AttributeValue::Bs(set) => set.iter().map(Vec::len).sum(),
    }
}

pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(k, v)| k.len() + attribute_value_size(v))
        .sum()
}

/// How many maps and lists nest inside `value`, counting `value` itself.
pub fn nested_containers(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::M(map) => 1 + map.values().map(nested_containers).max().unwrap_or(0),
        AttributeValue::L(list) => 1 + list.iter().map(nested_containers).max().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn num(s: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(s).unwrap())
    }

    fn item(entries: &[(&str, AttributeValue)]) -> Item {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn numbers() {
        for (text, size) in [
            ("0", 1),
            ("-0.0", 1),
            ("1", 2),
            ("10", 2),
            ("12", 2),
            ("1.2", 3),
            ("123", 3),
            ("12.3", 3),
            ("1234", 3),
            ("-1", 3),
            ("-1234", 4),
            ("0.01", 2),
            ("0.012", 3),
            ("12345678901234567890123456789012345678", 20),
            ("1.2345678901234567890123456789012345678", 21),
            ("1e125", 2),
        ] {
            assert_eq!(attribute_value_size(&num(text)), size, "{text}");
        }
    }

    #[test]
    fn scalars_count_utf8_and_raw_bytes() {
        assert_eq!(attribute_value_size(&AttributeValue::S("héllo".into())), 6);
        assert_eq!(attribute_value_size(&AttributeValue::S(String::new())), 0);
        assert_eq!(attribute_value_size(&AttributeValue::B(vec![0; 10])), 10);
        assert_eq!(attribute_value_size(&AttributeValue::Bool(false)), 1);
        assert_eq!(attribute_value_size(&AttributeValue::Null(true)), 1);
    }

    #[test]
    fn documents_and_sets() {
        assert_eq!(attribute_value_size(&AttributeValue::L(vec![])), 3);
        assert_eq!(attribute_value_size(&AttributeValue::M(Item::new())), 3);
        // 3 + (1 + 1) + (1 + 2)
        let list = AttributeValue::L(vec![AttributeValue::Bool(true), num("12")]);
        assert_eq!(attribute_value_size(&list), 8);
        // 3 + ("ab" 2 + 1 + "xyz" 3) + ("c" 1 + 1 + NULL 1)
        let map = AttributeValue::M(item(&[
            ("ab", AttributeValue::S("xyz".into())),
            ("c", AttributeValue::Null(true)),
        ]));
        assert_eq!(attribute_value_size(&map), 12);
        let ss = AttributeValue::Ss(vec!["a".into(), "bc".into()]);
        assert_eq!(attribute_value_size(&ss), 3);
        let ns = AttributeValue::Ns(vec![
            Number::parse("1").unwrap(),
            Number::parse("-12").unwrap(),
        ]);
        assert_eq!(attribute_value_size(&ns), 5);
        let bs = AttributeValue::Bs(vec![vec![1, 2], vec![3]]);
        assert_eq!(attribute_value_size(&bs), 3);
    }

    #[test]
    fn worked_item() {
        // "id" 2 + "user-1" 6; "age" 3 + 42 → 2; "tags" 4 + SS 1 + 2;
        // "profile" 7 + M(3 + "n" 1 + 1 + "Ann" 3)
        let it = item(&[
            ("id", AttributeValue::S("user-1".into())),
            ("age", num("42")),
            ("tags", AttributeValue::Ss(vec!["a".into(), "bc".into()])),
            (
                "profile",
                AttributeValue::M(item(&[("n", AttributeValue::S("Ann".into()))])),
            ),
        ]);
        assert_eq!(item_size(&it), 8 + 5 + 7 + 15);
        assert_eq!(item_size(&Item::new()), 0);
    }

    proptest! {
        #[test]
        fn number_size_tracks_the_guides_estimate(n in crate::value::strategies::number()) {
            let size = number_size(&n);
            let estimate = n.digit_count() / 2 + 1;
            prop_assert!(size >= estimate && size <= estimate + 2, "{} {}", n, size);
        }

        #[test]
        fn item_size_is_sum_of_attributes(it in crate::value::strategies::item()) {
            let total: usize = it.iter().map(|(k, v)| k.len() + attribute_value_size(v)).sum();
            prop_assert_eq!(item_size(&it), total);
            // Wrapping in a map adds the 3-byte overhead and 1 byte per entry.
            let wrapped = attribute_value_size(&AttributeValue::M(it.clone()));
            prop_assert_eq!(wrapped, 3 + total + it.len());
        }
    }
}
