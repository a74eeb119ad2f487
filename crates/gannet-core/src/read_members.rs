//! Constraint checks on the members Query and Scan share, reported together as AWS's
//! "N validation errors detected" list.

use gannet_model::error::ConstraintViolations;
use gannet_model::names::{check_index_name, check_table_name_or_arn};

pub fn check_table_name(name: Option<&str>, violations: &mut ConstraintViolations) {
    match name {
        None => violations.null("tableName"),
        Some(name) => check_table_name_or_arn(name, "tableName", violations),
    }
}

pub fn check_index_name_member(name: Option<&str>, violations: &mut ConstraintViolations) {
    if let Some(name) = name {
        check_index_name(name, "indexName", violations);
    }
}

pub fn check_return_consumed_capacity(value: Option<&str>, violations: &mut ConstraintViolations) {
    if let Some(value) = value
        && !matches!(value, "INDEXES" | "TOTAL" | "NONE")
    {
        violations.invalid(
            value,
            "returnConsumedCapacity",
            "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
        );
    }
}

pub fn check_conditional_operator(value: Option<&str>, violations: &mut ConstraintViolations) {
    if let Some(value) = value
        && !matches!(value, "AND" | "OR")
    {
        violations.invalid(
            value,
            "conditionalOperator",
            "Member must satisfy enum value set: [OR, AND]",
        );
    }
}

/// Limit counts evaluated items and must be at least 1; `None` when absent or invalid.
pub fn check_limit(limit: Option<i64>, violations: &mut ConstraintViolations) -> Option<usize> {
    let limit = limit?;
    if limit < 1 {
        violations.invalid(
            &limit.to_string(),
            "limit",
            "Member must have value greater than or equal to 1",
        );
        return None;
    }
    usize::try_from(limit).ok()
}

/// An integer member within `min..=max`.
pub fn check_integer_range(
    value: Option<i64>,
    member: &str,
    min: i64,
    max: i64,
    violations: &mut ConstraintViolations,
) {
    let Some(value) = value else {
        return;
    };
    if value < min {
        violations.invalid(
            &value.to_string(),
            member,
            &format!("Member must have value greater than or equal to {min}"),
        );
    } else if value > max {
        violations.invalid(
            &value.to_string(),
            member,
            &format!("Member must have value less than or equal to {max}"),
        );
    }
}
