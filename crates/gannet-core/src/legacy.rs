//! The legacy (pre-expression) parameters, lowered into expression trees by gannet-expr.

use std::collections::BTreeMap;

use gannet_expr::legacy::{lower_attribute_updates, lower_attributes_to_get, lower_expected};
use gannet_expr::{Condition, Projection, UpdateExpression};
use gannet_model::Error;
use gannet_model::api::{AttributeValueUpdate, ExpectedAttributeValue};

/// `Expected` with `ConditionalOperator`, which needs at least two expected conditions to join.
pub fn expected_condition(
    expected: Option<&BTreeMap<String, ExpectedAttributeValue>>,
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>, Error> {
    if conditional_operator.is_some() {
        // An operator outside the enum is reported first (joining nothing checks just that).
        lower_expected(&BTreeMap::new(), conditional_operator)?;
        match expected.map_or(0, BTreeMap::len) {
            0 => {
                return Err(Error::validation(
                    "ConditionalOperator cannot be used without Filter or Expected",
                ));
            }
            1 => {
                return Err(Error::validation(
                    "ConditionalOperator can only be used when Filter or Expected has two or more elements",
                ));
            }
            _ => {}
        }
    }
    match expected {
        None => Ok(None),
        Some(expected) => lower_expected(expected, conditional_operator),
    }
}

/// `AttributeUpdates`.
pub fn attribute_updates(
    updates: Option<&BTreeMap<String, AttributeValueUpdate>>,
) -> Result<Option<UpdateExpression>, Error> {
    updates.map(lower_attribute_updates).transpose()
}

/// `AttributesToGet`.
pub fn attributes_to_get(names: Option<&[String]>) -> Result<Option<Projection>, Error> {
    names.map(lower_attributes_to_get).transpose()
}
