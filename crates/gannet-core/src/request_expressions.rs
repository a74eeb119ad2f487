//! The expressions of one item request, parsed together so that placeholders unused by all of
//! them are reported, and so that expression and legacy parameters are never mixed.

use std::collections::BTreeMap;

use gannet_expr::{Condition, ExpressionContext, ExpressionKind, Projection, UpdateExpression};
use gannet_model::{AttributeValue, Error};

/// The expression members a request may carry.
#[derive(Default)]
pub struct ExpressionMembers<'a> {
    pub names: Option<&'a BTreeMap<String, String>>,
    pub values: Option<&'a BTreeMap<String, AttributeValue>>,
    pub condition: Option<&'a str>,
    pub update: Option<&'a str>,
    pub projection: Option<&'a str>,
    /// Which expression members the operation has, in AWS's order, for the "can only be
    /// specified when using expressions" message.
    pub allowed: &'static [&'static str],
}

/// Legacy members present in the request, by name (`Expected`, `AttributeUpdates`, …).
pub type LegacyMembers<'a> = &'a [(&'static str, bool)];

#[derive(Default)]
pub struct ParsedExpressions {
    pub condition: Option<Condition>,
    pub update: Option<UpdateExpression>,
    pub projection: Option<Projection>,
}

pub fn parse_expressions(
    members: ExpressionMembers<'_>,
    legacy: LegacyMembers<'_>,
) -> Result<ParsedExpressions, Error> {
    let expression_params: Vec<&str> = [
        ("UpdateExpression", members.update.is_some()),
        ("ConditionExpression", members.condition.is_some()),
        ("ProjectionExpression", members.projection.is_some()),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(name, _)| name)
    .collect();
    let legacy_params: Vec<&str> = legacy
        .iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| *name)
        .collect();
    if !expression_params.is_empty() && !legacy_params.is_empty() {
        return Err(Error::Validation(format!(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
            legacy_params.join(", "),
            expression_params.join(", ")
        )));
    }
    if expression_params.is_empty() {
        for (member, present) in [
            ("ExpressionAttributeNames", members.names.is_some()),
            ("ExpressionAttributeValues", members.values.is_some()),
        ] {
            if present {
                return Err(Error::Validation(format!(
                    "{member} can only be specified when using expressions: {}",
                    null_list(members.allowed)
                )));
            }
        }
    }
    let mut context = ExpressionContext::new(members.names, members.values)?;
    let parsed = ParsedExpressions {
        update: members
            .update
            .map(|text| context.parse_update(text))
            .transpose()?,
        condition: members
            .condition
            .map(|text| context.parse_condition(ExpressionKind::Condition, text))
            .transpose()?,
        projection: members
            .projection
            .map(|text| context.parse_projection(text))
            .transpose()?,
    };
    context.check_unused()?;
    Ok(parsed)
}

/// "ConditionExpression is null", "UpdateExpression and ConditionExpression are null".
fn null_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("{one} is null"),
        [init @ .., last] => format!("{} and {last} are null", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::null_list;

    #[test]
    fn null_lists_read_like_aws() {
        assert_eq!(
            null_list(&["ConditionExpression"]),
            "ConditionExpression is null"
        );
        assert_eq!(
            null_list(&["UpdateExpression", "ConditionExpression"]),
            "UpdateExpression and ConditionExpression are null"
        );
    }
}
