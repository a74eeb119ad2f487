//! A legacy `ComparisonOperator` with its `AttributeValueList`, as used by `Expected`,
//! `QueryFilter`, `ScanFilter` and `KeyConditions`, checked and lowered to a [`Condition`].

use gannet_model::{AttributeValue, Error};

use crate::ast::{Comparator, Condition, Operand};
use crate::path::AttributePath;
use crate::value_order::compare_ordered;

const INVALID: &str = "One or more parameter values were invalid: ";

/// The legacy comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComparisonOperator {
    Eq,
    Ne,
    Le,
    Lt,
    Ge,
    Gt,
    NotNull,
    Null,
    Contains,
    NotContains,
    BeginsWith,
    In,
    Between,
}

impl ComparisonOperator {
    /// Parses AWS's spelling; an unknown one fails enum validation on `member` (e.g.
    /// `expected.price.member.comparisonOperator`).
    pub fn parse(text: &str, member: &str) -> Result<Self, Error> {
        Ok(match text {
            "EQ" => ComparisonOperator::Eq,
            "NE" => ComparisonOperator::Ne,
            "LE" => ComparisonOperator::Le,
            "LT" => ComparisonOperator::Lt,
            "GE" => ComparisonOperator::Ge,
            "GT" => ComparisonOperator::Gt,
            "NOT_NULL" => ComparisonOperator::NotNull,
            "NULL" => ComparisonOperator::Null,
            "CONTAINS" => ComparisonOperator::Contains,
            "NOT_CONTAINS" => ComparisonOperator::NotContains,
            "BEGINS_WITH" => ComparisonOperator::BeginsWith,
            "IN" => ComparisonOperator::In,
            "BETWEEN" => ComparisonOperator::Between,
            other => {
                return Err(Error::Validation(format!(
                    "1 validation error detected: Value '{other}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
                )));
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ComparisonOperator::Eq => "EQ",
            ComparisonOperator::Ne => "NE",
            ComparisonOperator::Le => "LE",
            ComparisonOperator::Lt => "LT",
            ComparisonOperator::Ge => "GE",
            ComparisonOperator::Gt => "GT",
            ComparisonOperator::NotNull => "NOT_NULL",
            ComparisonOperator::Null => "NULL",
            ComparisonOperator::Contains => "CONTAINS",
            ComparisonOperator::NotContains => "NOT_CONTAINS",
            ComparisonOperator::BeginsWith => "BEGINS_WITH",
            ComparisonOperator::In => "IN",
            ComparisonOperator::Between => "BETWEEN",
        }
    }

    fn accepts_count(self, count: usize) -> bool {
        match self {
            ComparisonOperator::NotNull | ComparisonOperator::Null => count == 0,
            ComparisonOperator::In => count > 0,
            ComparisonOperator::Between => count == 2,
            _ => count == 1,
        }
    }

    /// The value types the operator takes; `None` means any.
    fn accepted_types(self) -> Option<&'static [&'static str]> {
        match self {
            ComparisonOperator::Eq | ComparisonOperator::Ne => {
                Some(&["S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"])
            }
            ComparisonOperator::Le
            | ComparisonOperator::Lt
            | ComparisonOperator::Ge
            | ComparisonOperator::Gt
            | ComparisonOperator::Contains
            | ComparisonOperator::NotContains
            | ComparisonOperator::In
            | ComparisonOperator::Between => Some(&["S", "N", "B"]),
            ComparisonOperator::BeginsWith => Some(&["S", "B"]),
            ComparisonOperator::NotNull | ComparisonOperator::Null => None,
        }
    }
}

/// Checks `values` against `operator` the way DynamoDB does.
pub fn check_operands(
    operator: ComparisonOperator,
    values: &[AttributeValue],
) -> Result<(), Error> {
    if !operator.accepts_count(values.len()) {
        return Err(Error::Validation(format!(
            "{INVALID}Invalid number of argument(s) for the {} ComparisonOperator",
            operator.name()
        )));
    }
    if let Some(first) = values.first()
        && values.iter().any(|v| v.type_name() != first.type_name())
    {
        return Err(Error::Validation(format!(
            "{INVALID}AttributeValues inside AttributeValueList must be of same type"
        )));
    }
    if let Some(types) = operator.accepted_types()
        && let Some(bad) = values.iter().find(|v| !types.contains(&v.type_name()))
    {
        return Err(Error::Validation(format!(
            "{INVALID}ComparisonOperator {} is not valid for {} AttributeValue type",
            operator.name(),
            bad.type_name()
        )));
    }
    if let (ComparisonOperator::Between, [lower, upper]) = (operator, values)
        && compare_ordered(lower, upper).is_some_and(std::cmp::Ordering::is_gt)
    {
        return Err(Error::validation(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ));
    }
    Ok(())
}

/// The condition `attribute <operator> values`, after [`check_operands`].
pub fn lower_comparison(
    attribute: &str,
    operator: ComparisonOperator,
    values: &[AttributeValue],
) -> Result<Condition, Error> {
    check_operands(operator, values)?;
    let path = AttributePath::top_level(attribute);
    let subject = Operand::Path(path.clone());
    let value = |index: usize| {
        values
            .get(index)
            .cloned()
            .map(Operand::Value)
            .ok_or_else(|| Error::Internal("checked operand count".to_owned()))
    };
    let compare = |comparator| -> Result<Condition, Error> {
        Ok(Condition::Compare {
            left: subject.clone(),
            comparator,
            right: value(0)?,
        })
    };
    Ok(match operator {
        ComparisonOperator::Eq => compare(Comparator::Equal)?,
        ComparisonOperator::Ne => compare(Comparator::NotEqual)?,
        ComparisonOperator::Le => compare(Comparator::LessOrEqual)?,
        ComparisonOperator::Lt => compare(Comparator::Less)?,
        ComparisonOperator::Ge => compare(Comparator::GreaterOrEqual)?,
        ComparisonOperator::Gt => compare(Comparator::Greater)?,
        ComparisonOperator::NotNull => Condition::AttributeExists(path),
        ComparisonOperator::Null => Condition::AttributeNotExists(path),
        ComparisonOperator::Contains => Condition::Contains {
            operand: subject,
            needle: value(0)?,
        },
        // Unlike NOT contains(...), NOT_CONTAINS is false for a missing attribute.
        ComparisonOperator::NotContains => Condition::And(
            Box::new(Condition::AttributeExists(path)),
            Box::new(Condition::Not(Box::new(Condition::Contains {
                operand: subject,
                needle: value(0)?,
            }))),
        ),
        ComparisonOperator::BeginsWith => Condition::BeginsWith {
            operand: subject,
            prefix: value(0)?,
        },
        ComparisonOperator::In => Condition::In {
            operand: subject,
            candidates: values.iter().cloned().map(Operand::Value).collect(),
        },
        ComparisonOperator::Between => Condition::Between {
            operand: subject,
            lower: value(0)?,
            upper: value(1)?,
        },
    })
}

/// Joins lowered conditions with `ConditionalOperator` (AND when absent).
pub fn join_conditions(
    conditions: Vec<Condition>,
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>, Error> {
    let use_or = match conditional_operator {
        None | Some("AND") => false,
        Some("OR") => true,
        Some(other) => {
            return Err(Error::Validation(format!(
                "1 validation error detected: Value '{other}' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"
            )));
        }
    };
    Ok(conditions.into_iter().reduce(|joined, next| {
        if use_or {
            Condition::Or(Box::new(joined), Box::new(next))
        } else {
            Condition::And(Box::new(joined), Box::new(next))
        }
    }))
}
