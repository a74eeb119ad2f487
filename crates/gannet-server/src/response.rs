//! Building HTTP answers: JSON bodies, AWS error bodies, and the headers SDKs check.

use bytes::Bytes;
use gannet_model::Error;
use http_body_util::Full;
use hyper::Response;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde::Serialize;

pub type Body = Full<Bytes>;

const JSON_1_0: HeaderValue = HeaderValue::from_static("application/x-amz-json-1.0");

/// A 200 answer carrying `value` as JSON.
pub fn json<T: Serialize>(value: &T, request_id: &str) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(body) => with_body(200, body, request_id),
        Err(e) => error(
            &Error::Internal(format!("response encoding failed: {e}")),
            request_id,
        ),
    }
}

/// An AWS error answer. The type goes in the body because boto3, the AWS CLI and PynamoDB read
/// it only from there.
pub fn error(err: &Error, request_id: &str) -> Response<Body> {
    if err.status() >= 500 {
        tracing::error!(request_id, error = %err, "request failed");
    }
    #[derive(Serialize)]
    struct ErrorBody<'a> {
        #[serde(rename = "__type")]
        kind: String,
        message: &'a str,
        #[serde(rename = "Item", skip_serializing_if = "Option::is_none")]
        item: Option<&'a gannet_model::Item>,
    }
    /// DynamoDB capitalises `Message` in this one exception's body.
    #[derive(Serialize)]
    struct CancellationBody<'a> {
        #[serde(rename = "__type")]
        kind: String,
        #[serde(rename = "CancellationReasons")]
        reasons: &'a [gannet_model::api::CancellationReason],
        #[serde(rename = "Message")]
        message: &'a str,
    }
    let message = err.to_string();
    let encoded = match err {
        Error::TransactionCanceled { reasons } => serde_json::to_vec(&CancellationBody {
            kind: err.aws_type(),
            reasons,
            message: &message,
        }),
        _ => serde_json::to_vec(&ErrorBody {
            kind: err.aws_type(),
            message: &message,
            item: match err {
                Error::ConditionalCheckFailed { item, .. } => item.as_ref(),
                _ => None,
            },
        }),
    };
    let bytes = encoded.unwrap_or_else(|_| b"{}".to_vec());
    with_body(err.status(), bytes, request_id)
}

fn with_body(status: u16, body: Vec<u8>, request_id: &str) -> Response<Body> {
    let crc = crc32fast::hash(&body);
    let len = body.len();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, JSON_1_0);
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert("x-amz-crc32", HeaderValue::from(crc));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// A request id in DynamoDB's form: 52 upper-case letters and digits.
pub fn new_request_id() -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    // 25 five-bit characters per 122-bit random uuid.
    let random = [
        uuid::Uuid::new_v4().as_u128(),
        uuid::Uuid::new_v4().as_u128(),
        uuid::Uuid::new_v4().as_u128(),
    ];
    (0..52)
        .map(|i| {
            let bits = random[i / 25] >> ((i % 25) * 5);
            char::from(ALPHABET[(bits & 31) as usize])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_look_like_dynamodb_ones() {
        let id = super::new_request_id();
        assert_eq!(id.len(), 52);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_ne!(id, super::new_request_id());
    }
}
