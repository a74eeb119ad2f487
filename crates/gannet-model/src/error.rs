//! The one error type behind every API answer. Two exhaustive matches give each variant its
//! AWS `__type` and HTTP status, so a new variant cannot be added without deciding both.

use crate::api::CancellationReason;
use crate::value::Item;

/// Prefix of the service's own exception types.
const DYNAMODB: &str = "com.amazonaws.dynamodb.v20120810#";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Input that failed validation; the message is AWS's wording.
    #[error("{0}")]
    Validation(String),
    /// A body that is not the JSON the operation expects.
    #[error("{0}")]
    Serialization(String),
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    ResourceInUse(String),
    #[error("{message}")]
    ConditionalCheckFailed {
        message: String,
        /// The item as it was, when ReturnValuesOnConditionCheckFailure=ALL_OLD asked for it.
        item: Option<Item>,
    },
    #[error("{0}")]
    UnknownOperation(String),
    #[error("{0}")]
    MissingAuthenticationToken(String),
    #[error("{0}")]
    InvalidSignature(String),
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    TransactionConflict(String),
    /// A transaction that did not happen, with one reason per item in request order.
    #[error("{}", transaction_cancelled_message(reasons))]
    TransactionCanceled { reasons: Vec<CancellationReason> },
    #[error("{0}")]
    TransactionInProgress(String),
    #[error("{0}")]
    IdempotentParameterMismatch(String),
    #[error("{0}")]
    ItemCollectionSizeLimitExceeded(String),
    #[error("{0}")]
    RequestEntityTooLarge(String),
    /// A bug or a storage failure: logged, answered with 500.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// The `__type` AWS puts in the error body.
    pub fn aws_type(&self) -> String {
        match self {
            Error::Validation(_) => "com.amazon.coral.validate#ValidationException".to_owned(),
            Error::Serialization(_) => "com.amazon.coral.service#SerializationException".to_owned(),
            Error::UnknownOperation(_) => {
                "com.amazon.coral.service#UnknownOperationException".to_owned()
            }
            Error::MissingAuthenticationToken(_) => {
                "com.amazon.coral.service#MissingAuthenticationTokenException".to_owned()
            }
            Error::InvalidSignature(_) => {
                "com.amazon.coral.service#InvalidSignatureException".to_owned()
            }
            Error::RequestEntityTooLarge(_) => {
                "com.amazon.coral.service#RequestEntityTooLargeException".to_owned()
            }
            Error::ResourceNotFound(_) => format!("{DYNAMODB}ResourceNotFoundException"),
            Error::ResourceInUse(_) => format!("{DYNAMODB}ResourceInUseException"),
            Error::ConditionalCheckFailed { .. } => {
                format!("{DYNAMODB}ConditionalCheckFailedException")
            }
            Error::LimitExceeded(_) => format!("{DYNAMODB}LimitExceededException"),
            Error::TransactionConflict(_) => format!("{DYNAMODB}TransactionConflictException"),
            Error::TransactionCanceled { .. } => {
                format!("{DYNAMODB}TransactionCanceledException")
            }
            Error::TransactionInProgress(_) => {
                format!("{DYNAMODB}TransactionInProgressException")
            }
            Error::IdempotentParameterMismatch(_) => {
                format!("{DYNAMODB}IdempotentParameterMismatchException")
            }
            Error::ItemCollectionSizeLimitExceeded(_) => {
                format!("{DYNAMODB}ItemCollectionSizeLimitExceededException")
            }
            Error::Internal(_) => format!("{DYNAMODB}InternalServerError"),
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Error::Validation(_)
            | Error::Serialization(_)
            | Error::UnknownOperation(_)
            | Error::ResourceNotFound(_)
            | Error::ResourceInUse(_)
            | Error::ConditionalCheckFailed { .. }
            | Error::LimitExceeded(_)
            | Error::TransactionConflict(_)
            | Error::TransactionCanceled { .. }
            | Error::TransactionInProgress(_)
            | Error::IdempotentParameterMismatch(_)
            | Error::ItemCollectionSizeLimitExceeded(_)
            | Error::MissingAuthenticationToken(_)
            | Error::InvalidSignature(_) => 400,
            Error::RequestEntityTooLarge(_) => 413,
            Error::Internal(_) => 500,
        }
    }

    /// Shorthand for a validation error.
    pub fn validation(message: impl Into<String>) -> Self {
        Error::Validation(message.into())
    }

    /// AWS's "Requested resource not found" answer for a missing table.
    pub fn table_not_found(table_name: &str) -> Self {
        Error::ResourceNotFound(format!(
            "Requested resource not found: Table: {table_name} not found"
        ))
    }

    /// The ConditionalCheckFailedException AWS gives for a false condition.
    pub fn condition_failed(item: Option<Item>) -> Self {
        Error::ConditionalCheckFailed {
            message: "The conditional request failed".to_owned(),
            item,
        }
    }
}

/// AWS's message, the one thing the AWS CLI shows: the reason codes in request order.
fn transaction_cancelled_message(reasons: &[CancellationReason]) -> String {
    let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
    format!(
        "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
        codes.join(", ")
    )
}

/// Collects constraint violations into AWS's "N validation errors detected: …" message.
#[derive(Debug, Default)]
pub struct ConstraintViolations {
    messages: Vec<String>,
}

impl ConstraintViolations {
    pub fn new() -> Self {
        Self::default()
    }

    /// `Value null at 'tableName' failed to satisfy constraint: Member must not be null`.
    pub fn null(&mut self, member: &str) {
        self.messages.push(format!(
            "Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ));
    }

    /// A violation with the offending value rendered as AWS does (`Value 'x' at 'member' …`).
    pub fn invalid(&mut self, value: &str, member: &str, constraint: &str) {
        self.messages.push(format!(
            "Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// A violation whose value is rendered verbatim (numbers, lists).
    pub fn invalid_raw(&mut self, value: &str, member: &str, constraint: &str) {
        self.messages.push(format!(
            "Value {value} at '{member}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// A violation in the wording of DynamoDB's newer validation, which names the member by
    /// its wire path and does not echo the value (`Value at 'RequestItems.t.member' …`).
    pub fn invalid_unechoed(&mut self, member: &str, constraint: &str) {
        self.messages.push(format!(
            "Value at '{member}' failed to satisfy constraint: {constraint}"
        ));
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// `Ok(())` when nothing was violated, else the combined ValidationException.
    pub fn into_result(self) -> Result<(), Error> {
        match self.messages.len() {
            0 => Ok(()),
            n => Err(Error::Validation(format!(
                "{n} validation error{} detected: {}",
                if n == 1 { "" } else { "s" },
                self.messages.join("; ")
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_use_aws_wording() {
        let mut v = ConstraintViolations::new();
        v.null("tableName");
        assert_eq!(
            v.into_result().unwrap_err().to_string(),
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
        );
        let mut v = ConstraintViolations::new();
        v.null("tableName");
        v.null("key");
        assert!(
            v.into_result()
                .unwrap_err()
                .to_string()
                .starts_with("2 validation errors detected: Value null at 'tableName'")
        );
    }

    #[test]
    fn every_client_error_is_4xx() {
        assert_eq!(Error::validation("x").status(), 400);
        assert_eq!(Error::Internal("x".into()).status(), 500);
        assert_eq!(
            Error::table_not_found("t").aws_type(),
            "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
        );
    }
}
