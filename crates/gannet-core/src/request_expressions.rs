//! The expressions of one item request, parsed together so that placeholders unused by all of
//! them are reported, and so that expression and legacy parameters are never mixed.

use std::collections::BTreeMap;

use gannet_expr::legacy::{check_parameter_mix, check_placeholder_maps_have_expressions};
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
    /// The operation's expression members, in AWS's order.
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
    let expressions: Vec<(&str, bool)> = members
        .allowed
        .iter()
        .map(|name| {
            let present = match *name {
                "UpdateExpression" => members.update.is_some(),
                "ConditionExpression" => members.condition.is_some(),
                "ProjectionExpression" => members.projection.is_some(),
                _ => false,
            };
            (*name, present)
        })
        .collect();
    check_parameter_mix(legacy, &expressions)?;
    check_placeholder_maps_have_expressions(
        members.names.is_some(),
        members.values.is_some(),
        &expressions,
    )?;
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
