//! The legacy (pre-expression) parameters, lowered into expression trees.

use gannet_expr::{Condition, Projection, UpdateExpression};
use gannet_model::Error;

fn unsupported(member: &str) -> Error {
    Error::Validation(format!(
        "Gannet does not support the legacy {member} parameter yet"
    ))
}

/// `Expected` with `ConditionalOperator`.
pub fn expected_condition(
    expected: Option<&serde_json::Value>,
    _conditional_operator: Option<&str>,
) -> Result<Option<Condition>, Error> {
    match expected {
        None => Ok(None),
        Some(_) => Err(unsupported("Expected")),
    }
}

/// `AttributeUpdates`.
pub fn attribute_updates(
    updates: Option<&serde_json::Value>,
) -> Result<Option<UpdateExpression>, Error> {
    match updates {
        None => Ok(None),
        Some(_) => Err(unsupported("AttributeUpdates")),
    }
}

/// `AttributesToGet`.
pub fn attributes_to_get(names: Option<&[String]>) -> Result<Option<Projection>, Error> {
    match names {
        None => Ok(None),
        Some(_) => Err(unsupported("AttributesToGet")),
    }
}
