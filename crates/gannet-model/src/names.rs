//! Table, index and attribute name rules. (stub: helper replaces)
use crate::error::ConstraintViolations;

/// Adds AWS's violations for a table name at `member` (e.g. "tableName").
pub fn check_table_name(_name: &str, _member: &str, _v: &mut ConstraintViolations) {}
