//! Problems found in one expression before it runs. Each renders as the text DynamoDB puts
//! after `"Invalid <Parameter>: "` in its ValidationException.

use gannet_model::{AttributeValue, Error};

use crate::kind::ExpressionKind;
use crate::path::AttributePath;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExpressionError {
    #[error("The expression can not be empty;")]
    Empty,
    #[error("Expression size has exceeded the maximum allowed size; expression size: {0}")]
    TooLarge(usize),
    #[error("Syntax error; token: \"{token}\", near: \"{near}\"")]
    Syntax { token: String, near: String },
    #[error("Attribute name is a reserved keyword; reserved keyword: {0}")]
    ReservedKeyword(String),
    #[error(
        "An expression attribute name used in the document path is not defined; attribute name: {0}"
    )]
    UndefinedName(String),
    #[error(
        "An expression attribute value used in expression is not defined; attribute value: {0}"
    )]
    UndefinedValue(String),
    #[error("Invalid function name; function: {0}")]
    UnknownFunction(String),
    /// A condition function (`size`, `contains`, ...) in an update expression.
    #[error("The function is not allowed in an update expression; function: {0}")]
    NotAnUpdateFunction(String),
    /// `if_not_exists` or `list_append` in a condition.
    #[error("The function is not allowed in a condition expression; function: {0}")]
    NotAConditionFunction(String),
    #[error(
        "Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {count}"
    )]
    WrongOperandCount { function: String, count: usize },
    #[error("Operator or function requires a document path; operator or function: {0}")]
    PathRequired(String),
    #[error(
        "Incorrect operand type for operator or function; operator or function: {function}, operand type: {operand_type}"
    )]
    FunctionOperandType {
        function: String,
        operand_type: String,
    },
    /// ADD and DELETE name the wrong type in words (`STRING`, `LIST`, ...).
    #[error(
        "Incorrect operand type for operator or function; operator: {operator}, operand type: {operand_type}"
    )]
    ActionOperandType {
        operator: &'static str,
        operand_type: &'static str,
    },
    #[error("The function is not allowed to be used this way in an expression; function: {0}")]
    MisusedFunction(String),
    #[error(
        "The first operand must be distinct from the remaining operands for this operator or function; operator: {operator}, first operand: {path}"
    )]
    OperandsNotDistinct {
        operator: String,
        path: AttributePath,
    },
    #[error(
        "Invalid attribute type name found; type: {0}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}"
    )]
    InvalidTypeName(String),
    #[error(
        "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
        describe_value(.lower), describe_value(.upper)
    )]
    BetweenBoundTypes {
        lower: AttributeValue,
        upper: AttributeValue,
    },
    #[error(
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
        describe_value(.lower), describe_value(.upper)
    )]
    BetweenBoundsReversed {
        lower: AttributeValue,
        upper: AttributeValue,
    },
    #[error("The expression has redundant parentheses;")]
    RedundantParentheses,
    #[error("The \"{0}\" section can only be used once in an update expression;")]
    RepeatedSection(&'static str),
    #[error(
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {0}, path two: {1}"
    )]
    PathsOverlap(AttributePath, AttributePath),
    #[error(
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {0}, path two: {1}"
    )]
    PathsConflict(AttributePath, AttributePath),
    #[error("The expression contains too many operators; operator count: {0}")]
    TooManyOperators(usize),
    // Wording not confirmed against DynamoDB.
    #[error("The document path has too many nesting levels; nesting levels: {0}")]
    PathTooDeep(usize),
    // DynamoDB's wording, as recorded from the service; the digits as written.
    #[error("List index is not within the allowable range; index: [{0}]")]
    ListIndexOutOfRange(String),
    // Gannet's own guard against deep recursion; DynamoDB stops such input by its other limits.
    #[error("The expression has too many nested levels; nesting depth: {0}")]
    NestedTooDeep(usize),
    // Wording not confirmed against DynamoDB.
    #[error("The IN operator accepts at most 100 operands; number of operands: {0}")]
    TooManyInOperands(usize),
}

impl ExpressionError {
    /// The ValidationException for this problem in an expression of `kind`.
    pub fn into_api_error(self, kind: ExpressionKind) -> Error {
        // DynamoDB names the size of an oversized condition or filter only.
        if matches!(self, ExpressionError::TooLarge(_))
            && !matches!(kind, ExpressionKind::Condition | ExpressionKind::Filter)
        {
            return Error::Validation(format!(
                "Invalid {}: Expression size has exceeded the maximum allowed size;",
                kind.parameter_name()
            ));
        }
        Error::Validation(format!("Invalid {}: {self}", kind.parameter_name()))
    }
}

/// AWS's `{N:5}` rendering of a scalar in BETWEEN messages.
fn describe_value(value: &AttributeValue) -> String {
    let shown = match value {
        AttributeValue::S(s) => s.clone(),
        AttributeValue::N(n) => n.to_string(),
        AttributeValue::B(bytes) => format!("{bytes:?}"),
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Null(b) => b.to_string(),
        other => format!("{other:?}"),
    };
    format!("{{{}:{shown}}}", value.type_name())
}

/// The word ADD and DELETE use for a type in "operand type: ..." messages.
pub(crate) fn action_type_word(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "STRING",
        AttributeValue::N(_) => "NUMBER",
        AttributeValue::B(_) => "BINARY",
        AttributeValue::Bool(_) => "BOOLEAN",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::M(_) => "MAP",
        AttributeValue::L(_) => "LIST",
        AttributeValue::Ss(_) => "STRING_SET",
        AttributeValue::Ns(_) => "NUMBER_SET",
        AttributeValue::Bs(_) => "BINARY_SET",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_with_the_parameter() {
        let error = ExpressionError::ReservedKeyword("name".to_owned())
            .into_api_error(ExpressionKind::Update);
        assert_eq!(
            error.to_string(),
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"
        );
    }

    #[test]
    fn only_conditions_and_filters_name_an_oversized_expression_size() {
        let message = |kind| {
            ExpressionError::TooLarge(5000)
                .into_api_error(kind)
                .to_string()
        };
        assert_eq!(
            message(ExpressionKind::Filter),
            "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 5000"
        );
        for kind in [
            ExpressionKind::Update,
            ExpressionKind::Projection,
            ExpressionKind::KeyCondition,
        ] {
            assert_eq!(
                message(kind),
                format!("Invalid {kind}: Expression size has exceeded the maximum allowed size;")
            );
        }
    }

    #[test]
    fn renders_paths_like_aws() {
        let one = AttributePath::top_level("a");
        let two = AttributePath::top_level("a").with_attribute("b");
        assert_eq!(
            ExpressionError::PathsOverlap(one, two).to_string(),
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
        );
    }
}
