//! DynamoDB's published limits.

/// Maximum item size, attribute names included.
pub const MAX_ITEM_SIZE: usize = 400 * 1024;
/// Maximum size of a partition key value.
pub const MAX_PARTITION_KEY_SIZE: usize = 2048;
/// Maximum size of a sort key value.
pub const MAX_SORT_KEY_SIZE: usize = 1024;
/// Largest request body DynamoDB accepts (16 MB, the BatchWriteItem bound).
pub const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;
