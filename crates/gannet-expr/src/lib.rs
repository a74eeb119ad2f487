//! The DynamoDB expression language: parsing, placeholder resolution, condition evaluation,
//! update application and projection, plus the legacy (pre-expression) request parameters
//! lowered into the same trees. Every error is a [`gannet_model::Error::Validation`] carrying
//! DynamoDB's message.
//!
//! # Parsing a request's expressions
//!
//! 1. [`legacy::check_parameter_mix`] and [`legacy::check_placeholder_maps_have_expressions`]
//!    reject requests mixing legacy and expression parameters, or placeholder maps sent
//!    without an expression.
//! 2. One [`ExpressionContext`] per request, built from `ExpressionAttributeNames` and
//!    `ExpressionAttributeValues` (empty maps and malformed keys are rejected here).
//! 3. Each expression of the request is parsed through that context:
//!    [`ExpressionContext::parse_condition`] with the [`ExpressionKind`] naming the parameter
//!    (Condition, Filter, KeyCondition), [`ExpressionContext::parse_update`],
//!    [`ExpressionContext::parse_projection`].
//! 4. [`ExpressionContext::check_unused`] once all are parsed: a placeholder no expression of
//!    the request used is an error.
//!
//! # Using the trees, per operation
//!
//! - PutItem / DeleteItem: `condition.matches(&old_item)` (a missing item is an empty map);
//!   false means ConditionalCheckFailedException. Legacy `Expected` + `ConditionalOperator`:
//!   [`legacy::lower_expected`] gives the same [`Condition`].
//! - UpdateItem: [`check_key_attributes_untouched`] at validation time, the condition as
//!   above, then [`apply_update`] on the old item (or on the key alone, with
//!   `item_existed = false`). ReturnValues: ALL_OLD / ALL_NEW are the whole items;
//!   UPDATED_OLD is [`UpdatedPaths::updated_old`] of the old item and UPDATED_NEW is
//!   [`UpdatedPaths::updated_new`] of the new one (sparse documents of the touched paths).
//!   Legacy `AttributeUpdates`: [`legacy::lower_attribute_updates`].
//! - GetItem / BatchGetItem / Query / Scan projections: [`Projection::apply`]; legacy
//!   `AttributesToGet`: [`legacy::lower_attributes_to_get`].
//! - Query: [`KeyCondition::from_condition`] on the parsed KeyConditionExpression (or
//!   [`KeyCondition::from_key_conditions`] for legacy `KeyConditions`) with the table's or
//!   index's key names; the core still checks the values' types against the key schema.
//! - Query / Scan filters: `filter.matches(&item)` on each item read, before projection;
//!   legacy `QueryFilter` / `ScanFilter`: [`legacy::lower_filter`].
#![deny(unsafe_code)]

mod apply;
mod ast;
mod context;
mod error;
mod eval;
mod key_condition;
mod kind;
pub mod legacy;
mod lexer;
mod limits;
mod parser;
mod path;
mod projection;
mod reserved;
mod value_order;

pub use apply::{UpdatedPaths, apply_update, check_key_attributes_untouched};
pub use ast::{
    AddAction, Comparator, Condition, DeleteAction, Operand, Projection, SetAction, SetValue,
    UpdateExpression, UpdateOperand,
};
pub use context::ExpressionContext;
pub use error::ExpressionError;
pub use key_condition::{KeyCondition, SortKeyCondition, SortKeyRange};
pub use kind::ExpressionKind;
pub use limits::{MAX_EXPRESSION_BYTES, MAX_IN_OPERANDS, MAX_OPERATORS, MAX_PATH_DEPTH};
pub use path::{AttributePath, PathElement, PathRelation};
pub use projection::project_paths;
pub use reserved::is_reserved_word;
pub use value_order::{compare_ordered, values_equal};
