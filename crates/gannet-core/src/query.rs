//! Query: the items of one partition, optionally narrowed by a sort-key condition, in sort-key
//! order (or reversed), one page at a time.

use std::collections::{BTreeMap, BTreeSet};

use gannet_expr::legacy::{ComparisonOperator, check_operands, lower_filter};
use gannet_expr::{Condition, KeyCondition, Operand, values_equal};
use gannet_model::api::{Condition as LegacyCondition, QueryInput, QueryOutput};
use gannet_model::error::ConstraintViolations;
use gannet_model::{Error, Item};
use gannet_storage::Direction;

use crate::capacity::{CapacityReport, read_units};
use crate::database::Database;
use crate::item_page::{PageRequest, read_page};
use crate::key_condition_range::{check_key_condition_values, key_condition_range, resume_after};
use crate::legacy;
use crate::read_expressions::{
    ReadExpressionMembers, check_filter_avoids_keys, check_no_nested_key_paths,
    check_read_members_mix, condition_paths, parse_read_expressions,
};
use crate::read_members::{
    check_conditional_operator, check_index_name_member, check_limit,
    check_return_consumed_capacity, check_table_name,
};
use crate::select::{ProjectionMember, Select, effective_select, parse_select};
use crate::start_key::query_start_key;
use crate::table_schema::PrimaryKey;

const CONDITION_COUNT: &str = "Conditions can be of length 1 or 2 only";

impl Database {
    pub fn query(&self, input: QueryInput) -> Result<QueryOutput, Error> {
        let mut violations = ConstraintViolations::new();
        let requested_select = parse_select(input.select.as_deref(), &mut violations);
        check_index_name_member(input.index_name.as_deref(), &mut violations);
        check_return_consumed_capacity(input.return_consumed_capacity.as_deref(), &mut violations);
        check_table_name(input.table_name.as_deref(), &mut violations);
        check_conditional_operator(input.conditional_operator.as_deref(), &mut violations);
        let limit = check_limit(input.limit, &mut violations);
        violations.into_result()?;
        let Some(table_name) = input.table_name.as_deref() else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };
        let capacity = CapacityReport::parse(input.return_consumed_capacity.as_deref())?;

        let members = ReadExpressionMembers {
            names: input.expression_attribute_names.as_ref(),
            values: input.expression_attribute_values.as_ref(),
            key_condition: input.key_condition_expression.as_deref(),
            filter: input.filter_expression.as_deref(),
            projection: input.projection_expression.as_deref(),
            allowed: &[
                "ProjectionExpression",
                "FilterExpression",
                "KeyConditionExpression",
            ],
        };
        check_read_members_mix(
            &members,
            &[
                ("AttributesToGet", input.attributes_to_get.is_some()),
                ("QueryFilter", input.query_filter.is_some()),
                ("ConditionalOperator", input.conditional_operator.is_some()),
                ("KeyConditions", input.key_conditions.is_some()),
            ],
        )?;
        let legacy_filter = match &input.query_filter {
            Some(filter) => {
                lower_filter(filter, input.conditional_operator.as_deref(), "queryFilter")?
            }
            None => None,
        };
        let legacy_projection = legacy::attributes_to_get(input.attributes_to_get.as_deref())?;
        if input.key_conditions.is_none() && input.key_condition_expression.is_none() {
            return Err(Error::validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
            ));
        }
        let expressions = parse_read_expressions(members)?;
        match (&expressions.key_condition, &input.key_conditions) {
            (Some(condition), _) => check_expression_condition_count(condition)?,
            (None, Some(conditions)) => check_legacy_condition_count(conditions)?,
            (None, None) => {}
        }
        let projection_member = match (&expressions.projection, &legacy_projection) {
            (Some(_), _) => Some(ProjectionMember::ProjectionExpression),
            (None, Some(_)) => Some(ProjectionMember::AttributesToGet),
            (None, None) => None,
        };
        let select = effective_select(
            requested_select,
            projection_member,
            input.index_name.as_deref(),
        )?;

        let table = self.table_for_items(table_name)?;
        if let Some(index_name) = &input.index_name {
            return Err(Error::Validation(format!(
                "The table does not have the specified index: {index_name}"
            )));
        }
        let primary_key = &table.primary_key;
        let sort_key_name = primary_key.range.as_ref().map(|r| r.name.as_str());
        let key_condition = match (&expressions.key_condition, &input.key_conditions) {
            (Some(condition), _) => {
                KeyCondition::from_condition(condition, &primary_key.hash.name, sort_key_name)?
            }
            (None, Some(conditions)) => KeyCondition::from_key_conditions(
                conditions,
                &primary_key.hash.name,
                sort_key_name,
            )?,
            (None, None) => return Err(Error::Internal("key condition missing".to_owned())),
        };
        check_key_condition_values(&key_condition, primary_key)?;

        let forward = input.scan_index_forward.unwrap_or(true);
        let mut range = key_condition_range(table.id, &key_condition);
        if let Some(start_key) = &input.exclusive_start_key {
            let storage_key = query_start_key(table.id, primary_key, start_key)?;
            check_start_key_within(start_key, &key_condition, primary_key)?;
            range = resume_after(range, storage_key, forward);
        }

        let projection = expressions.projection.or(legacy_projection);
        if let Some(projection) = &projection {
            check_no_nested_key_paths(&projection.paths, primary_key)?;
        }
        if let Some(filter) = &input.query_filter {
            check_filter_avoids_keys(
                filter.keys().map(String::as_str),
                primary_key,
                "QueryFilter",
            )?;
        }
        if let Some(filter) = &expressions.filter {
            let paths = condition_paths(filter);
            check_filter_avoids_keys(
                paths.iter().map(|path| path.top_level_name()),
                primary_key,
                "Filter Expression",
            )?;
        }
        let filter = expressions.filter.or(legacy_filter);

        let page = read_page(
            self.engine.as_ref(),
            &PageRequest {
                range,
                direction: if forward {
                    Direction::Forward
                } else {
                    Direction::Reverse
                },
                limit,
                filter: filter.as_ref(),
                projection: projection.as_ref(),
                count_only: select == Select::Count,
                primary_key,
            },
        )?;
        tracing::debug!(
            table = %table.description.table_name,
            scanned = page.scanned_count,
            count = page.count,
            bytes = page.bytes_read,
            more = page.last_evaluated_key.is_some(),
            "query page"
        );
        let consistent = input.consistent_read.unwrap_or(false);
        Ok(QueryOutput {
            count: page.count,
            scanned_count: page.scanned_count,
            // A partition of a hash-only table holds one item: nothing to resume.
            last_evaluated_key: page
                .last_evaluated_key
                .filter(|_| primary_key.range.is_some()),
            items: (select != Select::Count).then_some(page.items),
            consumed_capacity: capacity.report(
                &table.description.table_name,
                read_units(
                    usize::try_from(page.bytes_read).unwrap_or(usize::MAX),
                    consistent,
                ),
            ),
        })
    }
}

/// More than two distinct, well-formed key conditions joined by AND. Malformed ones are left
/// to [`KeyCondition::from_condition`], whose messages AWS gives first.
fn check_expression_condition_count(condition: &Condition) -> Result<(), Error> {
    let mut leaves = Vec::new();
    if !collect_and_leaves(condition, &mut leaves) || leaves.len() <= 2 {
        return Ok(());
    }
    let mut names = BTreeSet::new();
    for leaf in &leaves {
        match leaf_key_name(leaf) {
            Some(name) if names.insert(name) => {}
            _ => return Ok(()),
        }
    }
    Err(Error::validation(CONDITION_COUNT))
}

/// The comparisons joined by AND; false if any other operator appears.
fn collect_and_leaves<'c>(condition: &'c Condition, leaves: &mut Vec<&'c Condition>) -> bool {
    match condition {
        Condition::And(first, second) => {
            collect_and_leaves(first, leaves) && collect_and_leaves(second, leaves)
        }
        Condition::Compare { .. } | Condition::Between { .. } | Condition::BeginsWith { .. } => {
            leaves.push(condition);
            true
        }
        _ => false,
    }
}

/// The one top-level attribute a key-condition comparison is about.
fn leaf_key_name(leaf: &Condition) -> Option<&str> {
    let operands: Vec<&Operand> = match leaf {
        Condition::Compare { left, right, .. } => vec![left, right],
        Condition::Between {
            operand,
            lower,
            upper,
        } => vec![operand, lower, upper],
        Condition::BeginsWith { operand, prefix } => vec![operand, prefix],
        _ => return None,
    };
    let mut paths = operands.into_iter().filter_map(|operand| match operand {
        Operand::Path(path) => Some(path),
        _ => None,
    });
    match (paths.next(), paths.next()) {
        (Some(path), None) if path.is_top_level() => Some(path.top_level_name()),
        _ => None,
    }
}

/// Legacy KeyConditions: each entry is checked first, then their number.
fn check_legacy_condition_count(
    conditions: &BTreeMap<String, LegacyCondition>,
) -> Result<(), Error> {
    for (attribute, entry) in conditions {
        let member = format!("keyConditions.{attribute}.member.comparisonOperator");
        let Some(operator) = &entry.comparison_operator else {
            let mut violations = ConstraintViolations::new();
            violations.null(&member);
            return violations.into_result();
        };
        let operator = ComparisonOperator::parse(operator, &member)?;
        check_operands(
            operator,
            entry.attribute_value_list.as_deref().unwrap_or_default(),
        )?;
    }
    if conditions.is_empty() || conditions.len() > 2 {
        return Err(Error::validation(CONDITION_COUNT));
    }
    Ok(())
}

/// ExclusiveStartKey must lie inside what the key condition selects.
fn check_start_key_within(
    start_key: &Item,
    condition: &KeyCondition,
    primary_key: &PrimaryKey,
) -> Result<(), Error> {
    let same_partition = start_key
        .get(&primary_key.hash.name)
        .is_some_and(|value| values_equal(value, &condition.partition_value));
    match &condition.sort_key {
        None if !same_partition => Err(Error::validation(
            "The provided starting key is outside query boundaries based on provided conditions",
        )),
        None => Ok(()),
        Some(sort) => {
            if !start_key
                .get(&sort.name)
                .is_some_and(|value| sort.range.contains(value))
            {
                return Err(Error::validation(
                    "The provided starting key does not match the range key predicate",
                ));
            }
            if !same_partition {
                return Err(Error::validation(
                    "The query can return at most one row and cannot be restarted",
                ));
            }
            Ok(())
        }
    }
}
