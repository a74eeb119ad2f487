//! The DynamoDB expression language. Filled in by the expressions work.
#![deny(unsafe_code)]
