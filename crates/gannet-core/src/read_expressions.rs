//! The expressions of a Query or Scan (KeyConditionExpression, FilterExpression,
//! ProjectionExpression) parsed through one placeholder context, and AWS's rules about key
//! attributes appearing in them.

use std::collections::BTreeMap;

use gannet_expr::legacy::{check_parameter_mix, check_placeholder_maps_have_expressions};
use gannet_expr::{
    AttributePath, Condition, ExpressionContext, ExpressionKind, Operand, Projection,
};
use gannet_model::{AttributeValue, Error};

use crate::table_schema::PrimaryKey;

/// The expression members of a read request; `key_condition` only for Query.
pub struct ReadExpressionMembers<'a> {
    pub names: Option<&'a BTreeMap<String, String>>,
    pub values: Option<&'a BTreeMap<String, AttributeValue>>,
    pub key_condition: Option<&'a str>,
    pub filter: Option<&'a str>,
    pub projection: Option<&'a str>,
    /// The operation's expression members in AWS's order, for the mixing messages.
    pub allowed: &'static [&'static str],
}

#[derive(Default)]
pub struct ReadExpressions {
    pub key_condition: Option<Condition>,
    pub filter: Option<Condition>,
    pub projection: Option<Projection>,
}

/// Rejects mixes of legacy and expression members, and placeholder maps without expressions.
pub fn check_read_members_mix(
    members: &ReadExpressionMembers<'_>,
    legacy: &[(&'static str, bool)],
) -> Result<(), Error> {
    let present = present_expressions(members);
    check_parameter_mix(legacy, &present)?;
    check_placeholder_maps_have_expressions(
        members.names.is_some(),
        members.values.is_some(),
        &present,
    )
}

/// Parses every expression (key condition, filter, projection: AWS's order) and rejects
/// placeholders none of them used.
pub fn parse_read_expressions(
    members: ReadExpressionMembers<'_>,
) -> Result<ReadExpressions, Error> {
    let mut context = ExpressionContext::new(members.names, members.values)?;
    let parsed = ReadExpressions {
        key_condition: members
            .key_condition
            .map(|text| context.parse_condition(ExpressionKind::KeyCondition, text))
            .transpose()?,
        filter: members
            .filter
            .map(|text| context.parse_condition(ExpressionKind::Filter, text))
            .transpose()?,
        projection: members
            .projection
            .map(|text| context.parse_projection(text))
            .transpose()?,
    };
    context.check_unused()?;
    Ok(parsed)
}

/// The operation's expression members with whether the request carries each.
fn present_expressions(members: &ReadExpressionMembers<'_>) -> Vec<(&'static str, bool)> {
    members
        .allowed
        .iter()
        .map(|name| {
            let present = match *name {
                "KeyConditionExpression" => members.key_condition.is_some(),
                "FilterExpression" => members.filter.is_some(),
                "ProjectionExpression" => members.projection.is_some(),
                _ => false,
            };
            (*name, present)
        })
        .collect()
}

/// Every attribute path a condition reads.
pub fn condition_paths(condition: &Condition) -> Vec<&AttributePath> {
    let mut paths = Vec::new();
    collect_condition_paths(condition, &mut paths);
    paths
}

fn collect_condition_paths<'c>(condition: &'c Condition, paths: &mut Vec<&'c AttributePath>) {
    match condition {
        Condition::Compare { left, right, .. } => {
            collect_operand_paths(left, paths);
            collect_operand_paths(right, paths);
        }
        Condition::Between {
            operand,
            lower,
            upper,
        } => {
            for operand in [operand, lower, upper] {
                collect_operand_paths(operand, paths);
            }
        }
        Condition::In {
            operand,
            candidates,
        } => {
            collect_operand_paths(operand, paths);
            for candidate in candidates {
                collect_operand_paths(candidate, paths);
            }
        }
        Condition::AttributeExists(path) | Condition::AttributeNotExists(path) => paths.push(path),
        Condition::AttributeType { path, .. } => paths.push(path),
        Condition::BeginsWith { operand, prefix } => {
            collect_operand_paths(operand, paths);
            collect_operand_paths(prefix, paths);
        }
        Condition::Contains { operand, needle } => {
            collect_operand_paths(operand, paths);
            collect_operand_paths(needle, paths);
        }
        Condition::And(first, second) | Condition::Or(first, second) => {
            collect_condition_paths(first, paths);
            collect_condition_paths(second, paths);
        }
        Condition::Not(inner) => collect_condition_paths(inner, paths),
    }
}

fn collect_operand_paths<'c>(operand: &'c Operand, paths: &mut Vec<&'c AttributePath>) {
    match operand {
        Operand::Path(path) => paths.push(path),
        Operand::Size(inner) => collect_operand_paths(inner, paths),
        Operand::Value(_) => {}
    }
}

/// Key attributes are scalars: a path into one (`pk.a`, `pk[0]`) is an error.
pub fn check_no_nested_key_paths<'p>(
    paths: impl IntoIterator<Item = &'p AttributePath>,
    primary_key: &PrimaryKey,
) -> Result<(), Error> {
    for path in paths {
        if !path.is_top_level()
            && primary_key
                .attributes()
                .any(|key| key.name == path.top_level_name())
        {
            return Err(Error::Validation(format!(
                "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: {}",
                path.top_level_name()
            )));
        }
    }
    Ok(())
}

/// A Query filter may not read the key attributes (the key condition already decides them).
/// `names` are the top-level attributes the filter reads; `parameter` names the filter in the
/// message ("Filter Expression" or "QueryFilter").
pub fn check_filter_avoids_keys<'n>(
    names: impl Iterator<Item = &'n str> + Clone,
    primary_key: &PrimaryKey,
    parameter: &str,
) -> Result<(), Error> {
    for key in primary_key.attributes() {
        if names.clone().any(|name| name == key.name) {
            return Err(Error::Validation(format!(
                "{parameter} can only contain non-primary key attributes: Primary key attribute: {}",
                key.name
            )));
        }
    }
    Ok(())
}
