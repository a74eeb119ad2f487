//! `AttributeUpdates` (UpdateItem) lowered to an [`UpdateExpression`]: PUT sets, DELETE
//! without a value removes, DELETE with a set removes elements, ADD adds a number, set
//! elements or (unlike the expression language) list elements.

use std::collections::BTreeMap;

use gannet_model::api::AttributeValueUpdate;
use gannet_model::{AttributeValue, Error};

use crate::ast::{AddAction, DeleteAction, SetAction, SetValue, UpdateExpression, UpdateOperand};
use crate::path::AttributePath;

const INVALID: &str = "One or more parameter values were invalid: ";

pub fn lower_attribute_updates(
    updates: &BTreeMap<String, AttributeValueUpdate>,
) -> Result<UpdateExpression, Error> {
    let mut lowered = UpdateExpression::default();
    for (attribute, update) in updates {
        let path = AttributePath::top_level(attribute);
        let action = update.action.as_deref().unwrap_or("PUT");
        match (action, &update.value) {
            ("PUT" | "ADD", None) => {
                return Err(Error::Validation(format!(
                    "{INVALID}Only DELETE action is allowed when no attribute value is specified"
                )));
            }
            ("PUT", Some(value)) => lowered.set.push(SetAction {
                path,
                value: SetValue::Operand(UpdateOperand::Value(value.clone())),
            }),
            ("ADD", Some(value)) => {
                if !matches!(
                    value,
                    AttributeValue::N(_)
                        | AttributeValue::L(_)
                        | AttributeValue::Ss(_)
                        | AttributeValue::Ns(_)
                        | AttributeValue::Bs(_)
                ) {
                    return Err(Error::Validation(format!(
                        "{INVALID}ADD action is not supported for the type {}",
                        value.type_name()
                    )));
                }
                lowered.add.push(AddAction {
                    path,
                    value: value.clone(),
                });
            }
            ("DELETE", None) => lowered.remove.push(path),
            ("DELETE", Some(value)) => {
                if !matches!(
                    value,
                    AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)
                ) {
                    return Err(Error::Validation(format!(
                        "{INVALID}DELETE action with value is not supported for the type {}",
                        value.type_name()
                    )));
                }
                lowered.delete.push(DeleteAction {
                    path,
                    value: value.clone(),
                });
            }
            (other, _) => {
                return Err(Error::Validation(format!(
                    "1 validation error detected: Value '{other}' at 'attributeUpdates.{attribute}.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
                )));
            }
        }
    }
    Ok(lowered)
}
