//! Request and response shapes of the DynamoDB JSON protocol. Inputs keep every member optional
//! so that validation, not the JSON parser, reports a missing one with AWS's wording.

mod batch;
mod item;
mod legacy;
mod query;
mod table;
mod transact;

pub use batch::*;
pub use item::*;
pub use legacy::*;
pub use query::*;
pub use table::*;
pub use transact::*;
