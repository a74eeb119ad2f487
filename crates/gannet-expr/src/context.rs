//! The placeholders of one request. Every expression of a request (say a ConditionExpression,
//! an UpdateExpression and a ProjectionExpression) shares ExpressionAttributeNames and
//! ExpressionAttributeValues, and DynamoDB rejects a placeholder none of them uses. So one
//! context parses them all, remembers what was used, and is asked about the rest at the end.

use std::collections::{BTreeMap, BTreeSet};

use gannet_model::{AttributeValue, Error};

use crate::ast::{Condition, Projection, UpdateExpression};
use crate::kind::ExpressionKind;
use crate::parser;

/// Placeholder maps of one request and which of their keys the parsed expressions used.
#[derive(Debug)]
pub struct ExpressionContext<'a> {
    names: Option<&'a BTreeMap<String, String>>,
    values: Option<&'a BTreeMap<String, AttributeValue>>,
    used_names: BTreeSet<String>,
    used_values: BTreeSet<String>,
}

impl<'a> ExpressionContext<'a> {
    /// Checks the maps' own shape: present maps must not be empty and keys must be
    /// `#name` / `:value` tokens.
    pub fn new(
        names: Option<&'a BTreeMap<String, String>>,
        values: Option<&'a BTreeMap<String, AttributeValue>>,
    ) -> Result<Self, Error> {
        if let Some(names) = names {
            check_keys("ExpressionAttributeNames", '#', names.keys())?;
            if let Some((key, _)) = names.iter().find(|(_, name)| name.is_empty()) {
                return Err(Error::Validation(format!(
                    "ExpressionAttributeNames contains invalid value: Empty attribute name for key {key}"
                )));
            }
        }
        if let Some(values) = values {
            check_keys("ExpressionAttributeValues", ':', values.keys())?;
        }
        Ok(ExpressionContext {
            names,
            values,
            used_names: BTreeSet::new(),
            used_values: BTreeSet::new(),
        })
    }

    /// Parses a ConditionExpression, FilterExpression or KeyConditionExpression; `kind` names
    /// the parameter in error messages.
    pub fn parse_condition(
        &mut self,
        kind: ExpressionKind,
        text: &str,
    ) -> Result<Condition, Error> {
        parser::parse_condition(self, text).map_err(|e| e.into_api_error(kind))
    }

    /// Parses an UpdateExpression.
    pub fn parse_update(&mut self, text: &str) -> Result<UpdateExpression, Error> {
        parser::parse_update(self, text).map_err(|e| e.into_api_error(ExpressionKind::Update))
    }

    /// Parses a ProjectionExpression.
    pub fn parse_projection(&mut self, text: &str) -> Result<Projection, Error> {
        parser::parse_projection(self, text)
            .map_err(|e| e.into_api_error(ExpressionKind::Projection))
    }

    /// After every expression of the request is parsed: rejects placeholders none used.
    pub fn check_unused(&self) -> Result<(), Error> {
        if let Some(names) = self.names {
            let unused: Vec<&str> = names
                .keys()
                .filter(|key| !self.used_names.contains(*key))
                .map(String::as_str)
                .collect();
            if !unused.is_empty() {
                return Err(Error::Validation(format!(
                    "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}",
                    unused.join(", ")
                )));
            }
        }
        if let Some(values) = self.values {
            let unused: Vec<&str> = values
                .keys()
                .filter(|key| !self.used_values.contains(*key))
                .map(String::as_str)
                .collect();
            if !unused.is_empty() {
                return Err(Error::Validation(format!(
                    "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
                    unused.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The attribute name `#placeholder` stands for, marking it used.
    pub(crate) fn resolve_name(&mut self, placeholder: &str) -> Option<String> {
        let name = self.names?.get(placeholder)?;
        self.used_names.insert(placeholder.to_owned());
        Some(name.clone())
    }

    /// The value `:placeholder` stands for, marking it used.
    pub(crate) fn resolve_value(&mut self, placeholder: &str) -> Option<AttributeValue> {
        let value = self.values?.get(placeholder)?;
        self.used_values.insert(placeholder.to_owned());
        Some(value.clone())
    }
}

/// Longest placeholder key, sigil included, in bytes.
const MAX_PLACEHOLDER_KEY_BYTES: usize = 255;

/// A placeholder map must not be empty and its keys must be the sigil plus `[A-Za-z0-9_]+`,
/// at most 255 bytes (a key's length is checked before its syntax).
fn check_keys<'k>(
    parameter: &str,
    sigil: char,
    keys: impl ExactSizeIterator<Item = &'k String>,
) -> Result<(), Error> {
    if keys.len() == 0 {
        return Err(Error::Validation(format!("{parameter} must not be empty")));
    }
    for key in keys {
        if key.len() > MAX_PLACEHOLDER_KEY_BYTES {
            // DynamoDB names the size for ExpressionAttributeNames only.
            let size = if sigil == '#' {
                format!(" size of key: {}", key.len())
            } else {
                String::new()
            };
            return Err(Error::Validation(format!(
                "{parameter} contains invalid key: The expression attribute map contains a key that is too long;{size}"
            )));
        }
        if !is_placeholder_key(key, sigil) {
            return Err(Error::Validation(format!(
                "{parameter} contains invalid key: Syntax error; key: \"{key}\""
            )));
        }
    }
    Ok(())
}

fn is_placeholder_key(key: &str, sigil: char) -> bool {
    match key.strip_prefix(sigil) {
        Some(rest) => {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn empty_maps_are_rejected() {
        let empty_names = BTreeMap::new();
        let error = ExpressionContext::new(Some(&empty_names), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeNames must not be empty"
        );
        let empty_values = BTreeMap::new();
        let error = ExpressionContext::new(None, Some(&empty_values)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeValues must not be empty"
        );
    }

    #[test]
    fn malformed_keys_are_rejected() {
        let bad = names(&[("#ok", "a"), ("nohash", "b")]);
        let error = ExpressionContext::new(Some(&bad), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"nohash\""
        );
    }

    #[test]
    fn overlong_keys_are_rejected_before_their_syntax() {
        let long_name = format!("#{}-x", "a".repeat(255));
        let bad = names(&[(long_name.as_str(), "a")]);
        let error = ExpressionContext::new(Some(&bad), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 258"
        );
        let at_limit = format!("#{}", "a".repeat(254));
        let ok = names(&[(at_limit.as_str(), "a")]);
        ExpressionContext::new(Some(&ok), None).unwrap();
        let values: BTreeMap<String, AttributeValue> =
            [(format!(":{}", "v".repeat(255)), AttributeValue::Null(true))].into();
        let error = ExpressionContext::new(None, Some(&values)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;"
        );
    }

    #[test]
    fn empty_attribute_names_are_rejected() {
        let bad = names(&[("#a", "a"), ("#b", "")]);
        let error = ExpressionContext::new(Some(&bad), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeNames contains invalid value: Empty attribute name for key #b"
        );
    }

    #[test]
    fn unused_names_are_listed() {
        let map = names(&[("#a", "a"), ("#b", "b"), ("#c", "c")]);
        let mut context = ExpressionContext::new(Some(&map), None).unwrap();
        assert_eq!(context.resolve_name("#b").as_deref(), Some("b"));
        assert_eq!(
            context.check_unused().unwrap_err().to_string(),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #c}"
        );
    }

    #[test]
    fn list_indexes_stop_at_4294967294() {
        let mut context = ExpressionContext::new(None, None).unwrap();
        assert!(context.parse_projection("l[4294967294]").is_ok());
        for index in ["4294967295", "99999999999999999999999999"] {
            assert_eq!(
                context
                    .parse_projection(&format!("l[{index}]"))
                    .unwrap_err()
                    .to_string(),
                format!(
                    "Invalid ProjectionExpression: List index is not within the allowable range; index: [{index}]"
                )
            );
        }
        assert!(
            context
                .parse_projection("l[1.5]")
                .unwrap_err()
                .to_string()
                .contains("Syntax error")
        );
    }
}
