//! Semantic problems found while parsing. DynamoDB reports a syntax error before any of
//! these, and among these reports one category before another regardless of where in the
//! string each occurred, so the parser notes them here and picks the winner at the end.

use crate::error::ExpressionError;

/// The categories DynamoDB ranks; the first problem of each category is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    RedundantParentheses,
    UnknownFunction,
    MisusedFunction,
    Reserved,
    RepeatedSection,
    UndefinedPlaceholder,
    PathOverlap,
    PathConflict,
    /// Wrong number or kind of operands, or a wrong value type, for an operator or function.
    Operand,
    Distinct,
}

/// Ranking for condition, filter and key-condition expressions.
pub(crate) const CONDITION_ORDER: &[Category] = &[
    Category::RedundantParentheses,
    Category::UnknownFunction,
    Category::MisusedFunction,
    Category::Reserved,
    Category::UndefinedPlaceholder,
    Category::Distinct,
    Category::Operand,
];

/// Ranking for update expressions.
pub(crate) const UPDATE_ORDER: &[Category] = &[
    Category::Reserved,
    Category::UnknownFunction,
    Category::RepeatedSection,
    Category::UndefinedPlaceholder,
    Category::PathOverlap,
    Category::PathConflict,
    Category::MisusedFunction,
    Category::Operand,
];

/// Ranking for projection expressions.
pub(crate) const PROJECTION_ORDER: &[Category] = &[
    Category::Reserved,
    Category::UndefinedPlaceholder,
    Category::PathOverlap,
    Category::PathConflict,
];

#[derive(Debug, Default)]
pub(crate) struct DeferredErrors {
    first_of_each: Vec<(Category, ExpressionError)>,
}

impl DeferredErrors {
    /// Records `error` unless its category already has one.
    pub fn note(&mut self, category: Category, error: ExpressionError) {
        if !self.first_of_each.iter().any(|(c, _)| *c == category) {
            self.first_of_each.push((category, error));
        }
    }

    /// The error DynamoDB would report, by `order`.
    pub fn into_result(mut self, order: &[Category]) -> Result<(), ExpressionError> {
        for category in order {
            if let Some(index) = self.first_of_each.iter().position(|(c, _)| c == category) {
                return Err(self.first_of_each.swap_remove(index).1);
            }
        }
        // A category missing from `order` still fails the expression.
        match self.first_of_each.pop() {
            Some((_, error)) => Err(error),
            None => Ok(()),
        }
    }
}
