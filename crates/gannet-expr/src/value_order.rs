//! Equality and ordering of attribute values as conditions see them: values of different
//! types are never equal, sets are equal regardless of element order, and only numbers,
//! strings and binaries (each among its own kind) have an order.

use std::cmp::Ordering;

use gannet_model::{AttributeValue, Item};

/// DynamoDB equality: same type and same content; sets compare as sets, numbers by value.
pub fn values_equal(a: &AttributeValue, b: &AttributeValue) -> bool {
    match (a, b) {
        (AttributeValue::S(x), AttributeValue::S(y)) => x == y,
        (AttributeValue::N(x), AttributeValue::N(y)) => x == y,
        (AttributeValue::B(x), AttributeValue::B(y)) => x == y,
        (AttributeValue::Bool(x), AttributeValue::Bool(y)) => x == y,
        (AttributeValue::Null(_), AttributeValue::Null(_)) => true,
        (AttributeValue::Ss(x), AttributeValue::Ss(y)) => same_elements(x, y),
        (AttributeValue::Ns(x), AttributeValue::Ns(y)) => same_elements(x, y),
        (AttributeValue::Bs(x), AttributeValue::Bs(y)) => same_elements(x, y),
        (AttributeValue::L(x), AttributeValue::L(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (AttributeValue::M(x), AttributeValue::M(y)) => maps_equal(x, y),
        _ => false,
    }
}

fn maps_equal(x: &Item, y: &Item) -> bool {
    x.len() == y.len()
        && x.iter()
            .all(|(key, value)| y.get(key).is_some_and(|other| values_equal(value, other)))
}

/// Set equality; sets hold no duplicates, so equal sizes plus containment suffice.
fn same_elements<T: PartialEq>(x: &[T], y: &[T]) -> bool {
    x.len() == y.len() && x.iter().all(|element| y.contains(element))
}

/// The order of two values of the same orderable type (N, S or B); `None` otherwise.
/// Strings compare by UTF-8 bytes and binaries as unsigned bytes, as DynamoDB does.
pub fn compare_ordered(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::N(x), AttributeValue::N(y)) => Some(x.cmp(y)),
        (AttributeValue::S(x), AttributeValue::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (AttributeValue::B(x), AttributeValue::B(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    #[test]
    fn sets_ignore_order() {
        let one = AttributeValue::Ss(vec!["a".to_owned(), "b".to_owned()]);
        let two = AttributeValue::Ss(vec!["b".to_owned(), "a".to_owned()]);
        assert!(values_equal(&one, &two));
        let three = AttributeValue::Ss(vec!["a".to_owned()]);
        assert!(!values_equal(&one, &three));
    }

    #[test]
    fn different_types_never_equal_or_ordered() {
        assert!(!values_equal(&s("1"), &AttributeValue::B(b"1".to_vec())));
        assert_eq!(compare_ordered(&s("a"), &AttributeValue::Bool(true)), None);
        assert_eq!(
            compare_ordered(&AttributeValue::Bool(false), &AttributeValue::Bool(true)),
            None
        );
    }

    #[test]
    fn strings_order_by_bytes() {
        assert_eq!(compare_ordered(&s("B"), &s("a")), Some(Ordering::Less));
        assert_eq!(
            compare_ordered(
                &AttributeValue::B(vec![0x7f]),
                &AttributeValue::B(vec![0x80])
            ),
            Some(Ordering::Less)
        );
    }
}
