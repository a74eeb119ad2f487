//! Values and wire types shared by every Gannet crate: attribute values with exact numbers,
//! their DynamoDB JSON form, item size rules, key and item encodings, names, limits and the one
//! error type every API answer is rendered from.
#![deny(unsafe_code)]

pub mod api;
pub mod error;
pub mod itemcodec;
pub mod keycodec;
pub mod limits;
pub mod names;
pub mod number;
pub mod plain_batch;
pub mod size;
pub mod value;

pub use error::Error;
pub use number::Number;
pub use value::{AttributeValue, Item};
