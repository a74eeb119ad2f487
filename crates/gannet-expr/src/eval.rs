//! Evaluating a condition against an item. Missing attributes and mismatched types never
//! raise errors here: they make the comparison false (or `<>` true), as in DynamoDB.

use std::borrow::Cow;

use gannet_model::{AttributeValue, Item, Number};

use crate::ast::{Comparator, Condition, Operand};
use crate::value_order::{compare_ordered, values_equal};

impl Condition {
    /// Whether `item` satisfies the condition. A missing item is an empty one.
    pub fn matches(&self, item: &Item) -> bool {
        match self {
            Condition::Compare {
                left,
                comparator,
                right,
            } => compare(
                operand_value(left, item).as_deref(),
                *comparator,
                operand_value(right, item).as_deref(),
            ),
            Condition::Between {
                operand,
                lower,
                upper,
            } => {
                let (Some(value), Some(low), Some(high)) = (
                    operand_value(operand, item),
                    operand_value(lower, item),
                    operand_value(upper, item),
                ) else {
                    return false;
                };
                compare_ordered(&value, &low).is_some_and(|o| o.is_ge())
                    && compare_ordered(&value, &high).is_some_and(|o| o.is_le())
            }
            Condition::In {
                operand,
                candidates,
            } => {
                let Some(value) = operand_value(operand, item) else {
                    return false;
                };
                candidates.iter().any(|candidate| {
                    operand_value(candidate, item)
                        .is_some_and(|candidate| values_equal(&value, &candidate))
                })
            }
            Condition::AttributeExists(path) => path.resolve(item).is_some(),
            Condition::AttributeNotExists(path) => path.resolve(item).is_none(),
            Condition::AttributeType { path, type_name } => path
                .resolve(item)
                .is_some_and(|value| value.type_name() == type_name),
            Condition::BeginsWith { operand, prefix } => {
                match (operand_value(operand, item), operand_value(prefix, item)) {
                    (Some(value), Some(prefix)) => begins_with(&value, &prefix),
                    _ => false,
                }
            }
            Condition::Contains { operand, needle } => {
                match (operand_value(operand, item), operand_value(needle, item)) {
                    (Some(value), Some(needle)) => contains(&value, &needle),
                    _ => false,
                }
            }
            Condition::And(first, second) => first.matches(item) && second.matches(item),
            Condition::Or(first, second) => first.matches(item) || second.matches(item),
            Condition::Not(inner) => !inner.matches(item),
        }
    }
}

/// The value an operand has for `item`; `None` when a path is missing or a size undefined.
fn operand_value<'a>(operand: &'a Operand, item: &'a Item) -> Option<Cow<'a, AttributeValue>> {
    match operand {
        Operand::Path(path) => path.resolve(item).map(Cow::Borrowed),
        Operand::Value(value) => Some(Cow::Borrowed(value)),
        Operand::Size(inner) => {
            let value = operand_value(inner, item)?;
            let size = size_of(&value)?;
            let size = i64::try_from(size).ok()?;
            Some(Cow::Owned(AttributeValue::N(Number::from_i64(size))))
        }
    }
}

/// `size()`: UTF-8 bytes of a string, bytes of a binary, elements of a set, list or map.
fn size_of(value: &AttributeValue) -> Option<usize> {
    match value {
        AttributeValue::S(text) => Some(text.len()),
        AttributeValue::B(bytes) => Some(bytes.len()),
        AttributeValue::Ss(set) => Some(set.len()),
        AttributeValue::Ns(set) => Some(set.len()),
        AttributeValue::Bs(set) => Some(set.len()),
        AttributeValue::L(list) => Some(list.len()),
        AttributeValue::M(map) => Some(map.len()),
        AttributeValue::N(_) | AttributeValue::Bool(_) | AttributeValue::Null(_) => None,
    }
}

fn compare(
    left: Option<&AttributeValue>,
    comparator: Comparator,
    right: Option<&AttributeValue>,
) -> bool {
    let (Some(left), Some(right)) = (left, right) else {
        // Nothing equals a missing value, so only `<>` holds.
        return comparator == Comparator::NotEqual;
    };
    match comparator {
        Comparator::Equal => values_equal(left, right),
        Comparator::NotEqual => !values_equal(left, right),
        Comparator::Less => compare_ordered(left, right).is_some_and(|o| o.is_lt()),
        Comparator::LessOrEqual => compare_ordered(left, right).is_some_and(|o| o.is_le()),
        Comparator::Greater => compare_ordered(left, right).is_some_and(|o| o.is_gt()),
        Comparator::GreaterOrEqual => compare_ordered(left, right).is_some_and(|o| o.is_ge()),
    }
}

fn begins_with(value: &AttributeValue, prefix: &AttributeValue) -> bool {
    match (value, prefix) {
        (AttributeValue::S(text), AttributeValue::S(prefix)) => text.starts_with(prefix.as_str()),
        (AttributeValue::B(bytes), AttributeValue::B(prefix)) => bytes.starts_with(prefix),
        _ => false,
    }
}

/// Substring of a string or binary, member of a set of the needle's type, or element of a list.
fn contains(value: &AttributeValue, needle: &AttributeValue) -> bool {
    match (value, needle) {
        (AttributeValue::S(text), AttributeValue::S(part)) => text.contains(part.as_str()),
        (AttributeValue::B(bytes), AttributeValue::B(part)) => {
            part.is_empty()
                || bytes
                    .windows(part.len())
                    .any(|window| window == part.as_slice())
        }
        (AttributeValue::Ss(set), AttributeValue::S(element)) => set.contains(element),
        (AttributeValue::Ns(set), AttributeValue::N(element)) => set.contains(element),
        (AttributeValue::Bs(set), AttributeValue::B(element)) => set.contains(element),
        (AttributeValue::L(list), element) => list.iter().any(|v| values_equal(v, element)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::AttributePath;

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(text).unwrap())
    }

    fn item() -> Item {
        let mut item = Item::new();
        item.insert("price".to_owned(), n("10.50"));
        item.insert("name".to_owned(), AttributeValue::S("héllo".to_owned()));
        item
    }

    fn path(name: &str) -> Operand {
        Operand::Path(AttributePath::top_level(name))
    }

    #[test]
    fn missing_attributes_make_comparisons_false_except_not_equal() {
        let item = item();
        for comparator in [
            Comparator::Equal,
            Comparator::Less,
            Comparator::LessOrEqual,
            Comparator::Greater,
            Comparator::GreaterOrEqual,
        ] {
            let condition = Condition::Compare {
                left: path("missing"),
                comparator,
                right: Operand::Value(n("1")),
            };
            assert!(!condition.matches(&item), "{comparator:?}");
        }
        let not_equal = Condition::Compare {
            left: path("missing"),
            comparator: Comparator::NotEqual,
            right: Operand::Value(n("1")),
        };
        assert!(not_equal.matches(&item));
    }

    #[test]
    fn numbers_compare_by_value() {
        let condition = Condition::Compare {
            left: path("price"),
            comparator: Comparator::Equal,
            right: Operand::Value(n("10.5")),
        };
        assert!(condition.matches(&item()));
    }

    #[test]
    fn size_of_string_counts_utf8_bytes() {
        let condition = Condition::Compare {
            left: Operand::Size(Box::new(path("name"))),
            comparator: Comparator::Equal,
            right: Operand::Value(n("6")),
        };
        assert!(condition.matches(&item()));
    }
}
