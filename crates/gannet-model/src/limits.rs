//! DynamoDB's published limits.

/// Maximum item size, attribute names included.
pub const MAX_ITEM_SIZE: usize = 400 * 1024;
/// Maximum size of a partition key value.
pub const MAX_PARTITION_KEY_SIZE: usize = 2048;
/// Maximum size of a sort key value.
pub const MAX_SORT_KEY_SIZE: usize = 1024;
/// Largest request body DynamoDB accepts (16 MB, the BatchWriteItem bound).
pub const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;
/// Containers (maps and lists) that may nest inside one top-level attribute: DynamoDB allows
/// 32 levels of nesting counting the attribute itself.
pub const MAX_NESTED_CONTAINERS: usize = 31;
/// DynamoDB's message for an item nested past that.
pub const TOO_DEEP: &str = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
