//! The DynamoDB expression language: parsing, placeholder resolution, condition evaluation,
//! update application and projection, plus the legacy (pre-expression) request parameters
//! lowered into the same trees.
//!
//! # Entry points
//!
//! 1. Build one [`ExpressionContext`] per request from its `ExpressionAttributeNames` and
//!    `ExpressionAttributeValues` (this rejects empty maps and malformed keys).
//! 2. Parse each expression the request carries through that context:
//!    [`ExpressionContext::parse_condition`] (condition, filter, key condition),
//!    [`ExpressionContext::parse_update`], [`ExpressionContext::parse_projection`].
//! 3. Call [`ExpressionContext::check_unused`] once all are parsed: placeholders unused by
//!    every expression of the request are an error.
//! 4. Use the trees: [`Condition::matches`] on an item (an absent item is an empty map),
//!    [`apply_update`] for UpdateItem (its [`UpdatedPaths`] yields UPDATED_OLD/UPDATED_NEW),
//!    [`Projection::apply`] to cut an item down to the projected paths.
//!
//! Every error is a [`gannet_model::Error::Validation`] carrying DynamoDB's message.
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
