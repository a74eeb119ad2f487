//! Table, index and attribute name rules, reported in AWS's constraint wording.
//!
//! Lengths in constraint messages are Java string lengths (UTF-16 code units), as AWS's request
//! validation measures them; for the ASCII names the patterns allow this is the byte count.

use crate::error::ConstraintViolations;

/// The pattern table and index names must match, as AWS prints it.
pub const NAME_PATTERN: &str = "[a-zA-Z0-9_.-]+";
pub const MIN_TABLE_NAME_LENGTH: usize = 3;
pub const MAX_TABLE_NAME_LENGTH: usize = 255;
/// Item operations accept a table ARN as the table name.
pub const MAX_TABLE_NAME_OR_ARN_LENGTH: usize = 1024;
/// Attribute names in items: 1 to 65535 bytes of UTF-8.
pub const MAX_ATTRIBUTE_NAME_BYTES: usize = 65535;
/// Key attributes (table and index keys, LSI projected attributes): at most 255.
pub const MAX_KEY_ATTRIBUTE_NAME_LENGTH: usize = 255;

fn java_length(s: &str) -> usize {
    s.encode_utf16().count()
}

fn matches_name_pattern(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn pattern_constraint() -> String {
    format!("Member must satisfy regular expression pattern: {NAME_PATTERN}")
}

fn min_constraint(n: usize) -> String {
    format!("Member must have length greater than or equal to {n}")
}

fn max_constraint(n: usize) -> String {
    format!("Member must have length less than or equal to {n}")
}

/// Adds AWS's violations for a table name at `member` (e.g. "tableName"): the CreateTable rule,
/// 3 to 255 characters of `[a-zA-Z0-9_.-]`, pattern first as AWS lists them.
pub fn check_table_name(name: &str, member: &str, v: &mut ConstraintViolations) {
    if !matches_name_pattern(name) {
        v.invalid(name, member, &pattern_constraint());
    }
    let length = java_length(name);
    if length < MIN_TABLE_NAME_LENGTH {
        v.invalid(name, member, &min_constraint(MIN_TABLE_NAME_LENGTH));
    }
    if length > MAX_TABLE_NAME_LENGTH {
        v.invalid(name, member, &max_constraint(MAX_TABLE_NAME_LENGTH));
    }
}

/// Index names follow the table name rule.
pub fn check_index_name(name: &str, member: &str, v: &mut ConstraintViolations) {
    check_table_name(name, member, v);
}

/// The TableName of item operations (GetItem, PutItem, Query…), which also accept a table ARN:
/// at least 1 character; a plain name must match the pattern and stay within 255, an ARN within
/// 1024. A short but well-formed name is left to be reported as a missing table.
pub fn check_table_name_or_arn(name: &str, member: &str, v: &mut ConstraintViolations) {
    let length = java_length(name);
    if length == 0 {
        v.invalid(name, member, &min_constraint(1));
        return;
    }
    if name.starts_with("arn:") {
        if length > MAX_TABLE_NAME_OR_ARN_LENGTH {
            v.invalid(name, member, &max_constraint(MAX_TABLE_NAME_OR_ARN_LENGTH));
        }
        return;
    }
    if !matches_name_pattern(name) {
        v.invalid(name, member, &pattern_constraint());
    }
    if length > MAX_TABLE_NAME_LENGTH {
        v.invalid(name, member, &max_constraint(MAX_TABLE_NAME_LENGTH));
    }
}

/// A key attribute name at `member` (e.g. "keySchema.1.member.attributeName"): 1 to 255.
pub fn check_key_attribute_name(name: &str, member: &str, v: &mut ConstraintViolations) {
    let length = java_length(name);
    if length < 1 {
        v.invalid(name, member, &min_constraint(1));
    }
    if length > MAX_KEY_ATTRIBUTE_NAME_LENGTH {
        v.invalid(name, member, &max_constraint(MAX_KEY_ATTRIBUTE_NAME_LENGTH));
    }
}

/// Whether an item attribute name is within DynamoDB's 1..=65535 UTF-8 bytes.
pub fn is_valid_attribute_name(name: &str) -> bool {
    (1..=MAX_ATTRIBUTE_NAME_BYTES).contains(&name.len())
}

/// The constraint an item attribute name breaks, in AWS's member-constraint wording (callers
/// wrap it with the offending value and member), or `None` when the name is acceptable.
pub fn attribute_name_constraint(name: &str) -> Option<String> {
    if name.is_empty() {
        Some(min_constraint(1))
    } else if name.len() > MAX_ATTRIBUTE_NAME_BYTES {
        Some(max_constraint(MAX_ATTRIBUTE_NAME_BYTES))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(name: &str) -> String {
        let mut v = ConstraintViolations::new();
        check_table_name(name, "tableName", &mut v);
        match v.into_result() {
            Ok(()) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    fn item_op(name: &str) -> String {
        let mut v = ConstraintViolations::new();
        check_table_name_or_arn(name, "tableName", &mut v);
        match v.into_result() {
            Ok(()) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn valid_table_names() {
        for name in ["abc", "My_Table-1.0", &"x".repeat(255), "..."] {
            assert_eq!(table(name), "", "{name}");
        }
    }

    #[test]
    fn table_name_messages() {
        assert_eq!(
            table("ab"),
            "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
        assert_eq!(
            table(&"a".repeat(256)),
            format!(
                "1 validation error detected: Value '{}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255",
                "a".repeat(256)
            )
        );
        assert_eq!(
            table("bad name!"),
            "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        );
        assert_eq!(
            table(""),
            "2 validation errors detected: Value '' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
        assert_eq!(
            table("a$"),
            "2 validation errors detected: Value 'a$' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a$' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
    }

    #[test]
    fn index_names_follow_table_rule() {
        let mut v = ConstraintViolations::new();
        check_index_name("ix", "globalSecondaryIndexes.1.member.indexName", &mut v);
        assert_eq!(
            v.into_result().unwrap_err().to_string(),
            "1 validation error detected: Value 'ix' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
    }

    #[test]
    fn item_operation_table_names() {
        assert_eq!(item_op("ab"), "");
        assert_eq!(
            item_op("arn:aws:dynamodb:us-east-1:123456789012:table/Music"),
            ""
        );
        assert_eq!(
            item_op(""),
            "1 validation error detected: Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        assert_eq!(
            item_op("non!existent!table"),
            "1 validation error detected: Value 'non!existent!table' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        );
        assert!(
            item_op(&format!("arn:{}", "a".repeat(1021))).contains("less than or equal to 1024")
        );
    }

    #[test]
    fn attribute_names() {
        assert!(is_valid_attribute_name("a"));
        assert!(is_valid_attribute_name(&"é".repeat(32767)));
        assert!(!is_valid_attribute_name(""));
        assert!(!is_valid_attribute_name(&"a".repeat(65536)));
        assert_eq!(
            attribute_name_constraint("").as_deref(),
            Some("Member must have length greater than or equal to 1")
        );
        assert_eq!(
            attribute_name_constraint(&"a".repeat(65536)).as_deref(),
            Some("Member must have length less than or equal to 65535")
        );
        let mut v = ConstraintViolations::new();
        check_key_attribute_name(&"k".repeat(256), "keySchema.1.member.attributeName", &mut v);
        check_key_attribute_name("", "attributeDefinitions.1.member.attributeName", &mut v);
        check_key_attribute_name("ok", "keySchema.2.member.attributeName", &mut v);
        let message = v.into_result().unwrap_err().to_string();
        assert!(
            message.starts_with("2 validation errors detected: "),
            "{message}"
        );
        assert!(message.contains("at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must have length less than or equal to 255"));
        assert!(message.contains("Value '' at 'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    }

    proptest! {
        #[test]
        fn table_name_rule_matches_its_definition(name in "[a-zA-Z0-9_.\\- !é]{0,8}") {
            let valid = (3..=255).contains(&name.chars().count())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
            prop_assert_eq!(table(&name).is_empty(), valid);
        }
    }
}
