//! Requests nested deeper than serde_json's default limit of 128 levels. Only an attribute
//! value nested far past DynamoDB's 32 levels makes a request that deep, and DynamoDB still
//! reads such a request whole: it reports the first problem in request order, which may be a
//! malformed expression or an empty attribute name ahead of the too deep value. So these
//! requests are parsed again without the limit, on a stack that grows as needed, and then go
//! through the same checks as any other. Past `MAX_DEPTH` levels a request is refused as too
//! deep without being parsed, so its memory stays bounded.

use gannet_model::Error;
use gannet_model::limits::TOO_DEEP;
use gannet_model::value::json_error;
use serde::de::DeserializeOwned;

/// JSON nesting parsed without serde_json's limit: an attribute value of about 250 nested
/// maps, far past anything DynamoDB stores.
const MAX_DEPTH: usize = 512;

/// Whether `error` is serde_json stopping at its recursion limit.
pub fn is_recursion_limit(error: &serde_json::Error) -> bool {
    error.is_syntax() && error.to_string().starts_with("recursion limit exceeded")
}

/// Parses a request serde_json refused for its depth.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    if nesting_depth(body) > MAX_DEPTH {
        return Err(Error::validation(TOO_DEEP));
    }
    let mut json = serde_json::Deserializer::from_slice(body);
    json.disable_recursion_limit();
    let value = T::deserialize(serde_stacker::Deserializer::new(&mut json)).map_err(json_error)?;
    json.end().map_err(json_error)?;
    Ok(value)
}

/// The deepest nesting of arrays and objects in `body`, brackets inside strings aside.
fn nesting_depth(body: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in body {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        let mut value = r#"{"S":"leaf"}"#.to_owned();
        for _ in 0..depth {
            value = format!(r#"{{"M":{{"n":{value}}}}}"#);
        }
        format!(r#"{{"Item":{{"pk":{{"S":"a"}},"d":{value}}}}}"#)
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(br#"{"a":"{[{[\"{"}"#), 1);
        assert_eq!(nesting_depth(br#"[[{"a":[]}]]"#), 4);
        assert_eq!(nesting_depth(b"17"), 0);
    }

    #[test]
    fn deep_requests_parse_past_serde_json_s_limit() {
        let body = nested(100);
        let error = serde_json::from_slice::<serde_json::Value>(body.as_bytes())
            .expect_err("serde_json's own limit");
        assert!(is_recursion_limit(&error));
        let value: serde_json::Value = parse(body.as_bytes()).expect("parsed without the limit");
        assert_eq!(value["Item"]["pk"]["S"], "a");
    }

    #[test]
    fn requests_past_the_cap_are_too_deep() {
        let result = parse::<serde_json::Value>(nested(300).as_bytes());
        assert_eq!(
            result.err().map(|e| e.to_string()),
            Some(TOO_DEEP.to_owned())
        );
    }
}
