//! Request authentication. By default any well-formed SigV4 request is accepted (as local
//! DynamoDB tools do); verifying signatures against configured keys comes with IAM support.

use gannet_model::Error;
use hyper::HeaderMap;

/// Checks that the request carries SigV4 credentials, in the Authorization header or in a
/// presigned query string.
pub fn check_credentials(headers: &HeaderMap, query: Option<&str>) -> Result<(), Error> {
    if let Some(value) = headers.get(hyper::header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or_default();
        return if value.starts_with("AWS4-HMAC-SHA256 ") && value.contains("Credential=") {
            Ok(())
        } else if value.trim().is_empty() {
            Err(missing_token())
        } else {
            Err(Error::InvalidSignature(
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                    .to_owned(),
            ))
        };
    }
    if query.is_some_and(|q| q.contains("X-Amz-Credential=")) {
        return Ok(());
    }
    Err(missing_token())
}

fn missing_token() -> Error {
    Error::MissingAuthenticationToken("Request is missing Authentication Token".to_owned())
}
