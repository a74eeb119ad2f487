//! The database behind the API: the table catalog, item operations and (as they arrive)
//! queries, indexes, transactions and streams. No HTTP and no JSON text here: typed requests in,
//! typed responses or `gannet_model::Error` out.
#![deny(unsafe_code)]

mod batch_ops;
mod batch_write_plain;
mod capacity;
mod catalog;
mod clock;
mod database;
mod idempotency;
mod item_key;
mod item_ops;
mod item_page;
mod key_condition_range;
mod key_locks;
mod keys;
mod layout_migration;
mod legacy;
mod query;
mod read_expressions;
mod read_members;
mod request_expressions;
mod scan;
mod select;
mod start_key;
mod stored_item;
mod table_ops;
mod table_schema;
mod table_statistics;
mod transact_ops;

pub use clock::{Clock, SystemClock};
pub use database::{Database, DatabaseConfig};
