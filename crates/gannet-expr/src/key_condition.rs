//! A Query's key condition: equality on the partition key and at most one range condition
//! on the sort key, drawn from a parsed KeyConditionExpression or from legacy KeyConditions.

use std::collections::BTreeMap;

use gannet_model::api::Condition as LegacyCondition;
use gannet_model::{AttributeValue, Error, Item};

use crate::ast::{Comparator, Condition, Operand};
use crate::legacy::{ComparisonOperator, check_operands};
use crate::path::AttributePath;
use crate::value_order::{compare_ordered, values_equal};

/// What a Query selects: one partition, optionally narrowed by a sort-key range.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    pub partition_key_name: String,
    pub partition_value: AttributeValue,
    pub sort_key: Option<SortKeyCondition>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortKeyCondition {
    pub name: String,
    pub range: SortKeyRange,
}

/// The sort-key conditions DynamoDB can serve from its index order.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKeyRange {
    Equal(AttributeValue),
    Less(AttributeValue),
    LessOrEqual(AttributeValue),
    Greater(AttributeValue),
    GreaterOrEqual(AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

impl SortKeyRange {
    /// Whether a sort-key value lies in the range.
    pub fn contains(&self, value: &AttributeValue) -> bool {
        let order = |bound: &AttributeValue| compare_ordered(value, bound);
        match self {
            SortKeyRange::Equal(bound) => values_equal(value, bound),
            SortKeyRange::Less(bound) => order(bound).is_some_and(|o| o.is_lt()),
            SortKeyRange::LessOrEqual(bound) => order(bound).is_some_and(|o| o.is_le()),
            SortKeyRange::Greater(bound) => order(bound).is_some_and(|o| o.is_gt()),
            SortKeyRange::GreaterOrEqual(bound) => order(bound).is_some_and(|o| o.is_ge()),
            SortKeyRange::Between(low, high) => {
                order(low).is_some_and(|o| o.is_ge()) && order(high).is_some_and(|o| o.is_le())
            }
            SortKeyRange::BeginsWith(prefix) => match (value, prefix) {
                (AttributeValue::S(text), AttributeValue::S(prefix)) => {
                    text.starts_with(prefix.as_str())
                }
                (AttributeValue::B(bytes), AttributeValue::B(prefix)) => bytes.starts_with(prefix),
                _ => false,
            },
        }
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::Validation(message.into())
}

impl KeyCondition {
    /// Extracts the key condition from a parsed KeyConditionExpression for a table or index
    /// keyed by `partition_key` and optionally `sort_key`.
    pub fn from_condition(
        condition: &Condition,
        partition_key: &str,
        sort_key: Option<&str>,
    ) -> Result<Self, Error> {
        let mut leaves = Vec::new();
        collect_leaves(condition, &mut leaves)?;
        let mut ranges: Vec<(String, SortKeyRange)> = Vec::new();
        for leaf in leaves {
            let (name, range) = leaf_range(leaf)?;
            if ranges.iter().any(|(seen, _)| *seen == name) {
                return Err(invalid(
                    "KeyConditionExpressions must only contain one condition per key",
                ));
            }
            ranges.push((name, range));
        }
        Self::from_ranges(ranges, partition_key, sort_key)
    }

    /// Builds the key condition from legacy `KeyConditions`.
    pub fn from_key_conditions(
        conditions: &BTreeMap<String, LegacyCondition>,
        partition_key: &str,
        sort_key: Option<&str>,
    ) -> Result<Self, Error> {
        let mut ranges = Vec::with_capacity(conditions.len());
        for (attribute, entry) in conditions {
            let member = format!("keyConditions.{attribute}.member.comparisonOperator");
            let Some(operator) = &entry.comparison_operator else {
                return Err(invalid(format!(
                    "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
                )));
            };
            let operator = ComparisonOperator::parse(operator, &member)?;
            let values = entry.attribute_value_list.clone().unwrap_or_default();
            check_operands(operator, &values)?;
            let mut values = values.into_iter();
            let first = values.next();
            let range = match (operator, first) {
                (ComparisonOperator::Eq, Some(v)) => SortKeyRange::Equal(v),
                (ComparisonOperator::Lt, Some(v)) => SortKeyRange::Less(v),
                (ComparisonOperator::Le, Some(v)) => SortKeyRange::LessOrEqual(v),
                (ComparisonOperator::Gt, Some(v)) => SortKeyRange::Greater(v),
                (ComparisonOperator::Ge, Some(v)) => SortKeyRange::GreaterOrEqual(v),
                (ComparisonOperator::BeginsWith, Some(v)) => SortKeyRange::BeginsWith(v),
                (ComparisonOperator::Between, Some(low)) => {
                    let high = values.next().ok_or_else(|| {
                        invalid("One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator")
                    })?;
                    SortKeyRange::Between(low, high)
                }
                _ => {
                    return Err(invalid(
                        "Attempted conditional constraint is not an indexable operation",
                    ));
                }
            };
            ranges.push((attribute.clone(), range));
        }
        Self::from_ranges(ranges, partition_key, sort_key)
    }

    fn from_ranges(
        ranges: Vec<(String, SortKeyRange)>,
        partition_key: &str,
        sort_key: Option<&str>,
    ) -> Result<Self, Error> {
        // DynamoDB names the missing key element before complaining about extra attributes.
        if !ranges.iter().any(|(name, _)| name == partition_key) {
            return Err(invalid(format!(
                "Query condition missed key schema element: {partition_key}"
            )));
        }
        let has_sort_condition = ranges
            .iter()
            .any(|(name, _)| Some(name.as_str()) == sort_key);
        let mut partition_value = None;
        let mut sort_range = None;
        for (name, range) in ranges {
            if name == partition_key {
                let SortKeyRange::Equal(value) = range else {
                    return Err(invalid("Query key condition not supported"));
                };
                partition_value = Some(value);
            } else if Some(name.as_str()) == sort_key {
                sort_range = Some(SortKeyCondition { name, range });
            } else {
                return Err(match sort_key {
                    Some(sort_key) if !has_sort_condition => invalid(format!(
                        "Query condition missed key schema element: {sort_key}"
                    )),
                    _ => invalid("Query key condition not supported"),
                });
            }
        }
        let Some(partition_value) = partition_value else {
            return Err(invalid(format!(
                "Query condition missed key schema element: {partition_key}"
            )));
        };
        Ok(KeyCondition {
            partition_key_name: partition_key.to_owned(),
            partition_value,
            sort_key: sort_range,
        })
    }

    /// Whether an item's key attributes satisfy the condition.
    pub fn matches(&self, item: &Item) -> bool {
        let partition_matches = item
            .get(&self.partition_key_name)
            .is_some_and(|value| values_equal(value, &self.partition_value));
        partition_matches
            && self.sort_key.as_ref().is_none_or(|sort| {
                item.get(&sort.name)
                    .is_some_and(|value| sort.range.contains(value))
            })
    }
}

/// The conditions joined by AND; any other operator has no place in a key condition.
fn collect_leaves<'c>(
    condition: &'c Condition,
    leaves: &mut Vec<&'c Condition>,
) -> Result<(), Error> {
    let unsupported = |operator: &str| {
        invalid(format!(
            "Invalid operator used in KeyConditionExpression: {operator}"
        ))
    };
    match condition {
        Condition::And(first, second) => {
            collect_leaves(first, leaves)?;
            collect_leaves(second, leaves)
        }
        Condition::Or(..) => Err(unsupported("OR")),
        Condition::Not(_) => Err(unsupported("NOT")),
        Condition::In { .. } => Err(unsupported("IN")),
        Condition::AttributeExists(_) => Err(unsupported("attribute_exists")),
        Condition::AttributeNotExists(_) => Err(unsupported("attribute_not_exists")),
        Condition::AttributeType { .. } => Err(unsupported("attribute_type")),
        Condition::Contains { .. } => Err(unsupported("contains")),
        Condition::Compare {
            comparator: Comparator::NotEqual,
            ..
        } => Err(unsupported("<>")),
        Condition::Compare { .. } | Condition::Between { .. } | Condition::BeginsWith { .. } => {
            leaves.push(condition);
            Ok(())
        }
    }
}

/// One comparison, BETWEEN or begins_with as a (key name, range) pair.
fn leaf_range(leaf: &Condition) -> Result<(String, SortKeyRange), Error> {
    match leaf {
        Condition::Compare {
            left,
            comparator,
            right,
        } => {
            let (path, value, comparator) = match (left, right) {
                (Operand::Path(path), Operand::Value(value)) => (path, value, *comparator),
                (Operand::Value(value), Operand::Path(path)) => {
                    (path, value, mirrored(*comparator))
                }
                (Operand::Path(_), Operand::Path(_)) => {
                    return Err(invalid(
                        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
                    ));
                }
                (Operand::Size(_), _) | (_, Operand::Size(_)) => {
                    return Err(invalid(
                        "KeyConditionExpressions cannot contain nested operations",
                    ));
                }
                (Operand::Value(_), Operand::Value(_)) => {
                    return Err(invalid(
                        "Invalid condition in KeyConditionExpression: No key attribute specified",
                    ));
                }
            };
            let value = value.clone();
            let range = match comparator {
                Comparator::Equal => SortKeyRange::Equal(value),
                Comparator::Less => SortKeyRange::Less(value),
                Comparator::LessOrEqual => SortKeyRange::LessOrEqual(value),
                Comparator::Greater => SortKeyRange::Greater(value),
                Comparator::GreaterOrEqual => SortKeyRange::GreaterOrEqual(value),
                Comparator::NotEqual => {
                    return Err(invalid(
                        "Invalid operator used in KeyConditionExpression: <>",
                    ));
                }
            };
            Ok((key_name(path)?, range))
        }
        Condition::Between {
            operand,
            lower,
            upper,
        } => {
            let Operand::Path(path) = operand else {
                return Err(invalid(
                    "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand",
                ));
            };
            let (Operand::Value(low), Operand::Value(high)) = (lower, upper) else {
                return Err(invalid(
                    "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
                ));
            };
            Ok((
                key_name(path)?,
                SortKeyRange::Between(low.clone(), high.clone()),
            ))
        }
        Condition::BeginsWith { operand, prefix } => {
            let Operand::Path(path) = operand else {
                return Err(invalid(
                    "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand",
                ));
            };
            let Operand::Value(prefix) = prefix else {
                return Err(invalid(
                    "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
                ));
            };
            Ok((key_name(path)?, SortKeyRange::BeginsWith(prefix.clone())))
        }
        _ => Err(invalid("Query key condition not supported")),
    }
}

fn key_name(path: &AttributePath) -> Result<String, Error> {
    if !path.is_top_level() {
        return Err(invalid(
            "KeyConditionExpressions cannot have conditions on nested attributes",
        ));
    }
    Ok(path.top_level_name().to_owned())
}

/// `:v < key` is `key > :v`.
fn mirrored(comparator: Comparator) -> Comparator {
    match comparator {
        Comparator::Less => Comparator::Greater,
        Comparator::LessOrEqual => Comparator::GreaterOrEqual,
        Comparator::Greater => Comparator::Less,
        Comparator::GreaterOrEqual => Comparator::LessOrEqual,
        other => other,
    }
}
