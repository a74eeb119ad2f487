//! A Query's key condition as a range of storage keys: the partition's prefix, narrowed by
//! the sort-key condition. Order-preserving key encoding makes every sort-key operator a
//! contiguous range, so a Query never reads outside its answer.

use std::ops::Bound;

use gannet_expr::{KeyCondition, SortKeyRange};
use gannet_model::keycodec::{encode_key_prefix, encode_key_value};
use gannet_model::limits::{MAX_PARTITION_KEY_SIZE, MAX_SORT_KEY_SIZE};
use gannet_model::{AttributeValue, Error};
use gannet_storage::{KeyRange, prefix_successor};

use crate::item_key::partition_prefix;
use crate::table_schema::{KeyAttribute, PrimaryKey};

/// Checks the condition's values against the key schema: types, emptiness and sizes.
pub fn check_key_condition_values(
    condition: &KeyCondition,
    primary_key: &PrimaryKey,
) -> Result<(), Error> {
    check_value(&primary_key.hash, &condition.partition_value, true)?;
    if let (Some(sort), Some(attribute)) = (&condition.sort_key, &primary_key.range) {
        let values: Vec<&AttributeValue> = match &sort.range {
            SortKeyRange::Equal(v)
            | SortKeyRange::Less(v)
            | SortKeyRange::LessOrEqual(v)
            | SortKeyRange::Greater(v)
            | SortKeyRange::GreaterOrEqual(v)
            | SortKeyRange::BeginsWith(v) => vec![v],
            SortKeyRange::Between(low, high) => vec![low, high],
        };
        for value in values {
            check_value(attribute, value, false)?;
        }
    }
    Ok(())
}

fn check_value(
    attribute: &KeyAttribute,
    value: &AttributeValue,
    is_hash: bool,
) -> Result<(), Error> {
    let (len, kind) = match (value, attribute.ty.as_str()) {
        (AttributeValue::S(s), "S") => (s.len(), "string"),
        (AttributeValue::B(b), "B") => (b.len(), "binary"),
        (AttributeValue::N(_), "N") => return Ok(()),
        _ => {
            return Err(Error::validation(
                "One or more parameter values were invalid: Condition parameter type does not match schema type",
            ));
        }
    };
    if len == 0 {
        return Err(Error::Validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {}",
            attribute.name
        )));
    }
    if is_hash && len > MAX_PARTITION_KEY_SIZE {
        return Err(Error::Validation(format!(
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of{MAX_PARTITION_KEY_SIZE} bytes"
        )));
    }
    if !is_hash && len > MAX_SORT_KEY_SIZE {
        return Err(Error::Validation(format!(
            "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of {MAX_SORT_KEY_SIZE} bytes"
        )));
    }
    Ok(())
}

/// The storage keys whose items satisfy the (value-checked) key condition.
pub fn key_condition_range(table_id: u64, condition: &KeyCondition) -> KeyRange {
    let partition = partition_prefix(table_id, &condition.partition_value);
    let Some(sort) = &condition.sort_key else {
        return KeyRange::prefix(&partition);
    };
    let at = |value: &AttributeValue| {
        let mut key = partition.clone();
        encode_key_value(value, &mut key);
        key
    };
    let partition_start = Bound::Included(partition.clone());
    let partition_end = match prefix_successor(&partition) {
        Some(end) => Bound::Excluded(end),
        None => Bound::Unbounded,
    };
    let (start, end) = match &sort.range {
        SortKeyRange::Equal(v) => (Bound::Included(at(v)), Bound::Included(at(v))),
        SortKeyRange::Less(v) => (partition_start, Bound::Excluded(at(v))),
        SortKeyRange::LessOrEqual(v) => (partition_start, Bound::Included(at(v))),
        SortKeyRange::Greater(v) => (Bound::Excluded(at(v)), partition_end),
        SortKeyRange::GreaterOrEqual(v) => (Bound::Included(at(v)), partition_end),
        SortKeyRange::Between(low, high) => (Bound::Included(at(low)), Bound::Included(at(high))),
        SortKeyRange::BeginsWith(prefix) => {
            let mut begins = partition.clone();
            encode_key_prefix(prefix, &mut begins);
            let end = match prefix_successor(&begins) {
                Some(end) => Bound::Excluded(end),
                None => Bound::Unbounded,
            };
            (Bound::Included(begins), end)
        }
    };
    KeyRange { start, end }
}

/// Narrows `range` to the keys after `start_key` in reading order (before it when reading in
/// reverse): where a page resumes.
pub fn resume_after(mut range: KeyRange, start_key: Vec<u8>, forward: bool) -> KeyRange {
    if forward {
        if !bound_excludes_below(&range.start, &start_key) {
            range.start = Bound::Excluded(start_key);
        }
    } else if !bound_excludes_above(&range.end, &start_key) {
        range.end = Bound::Excluded(start_key);
    }
    range
}

/// Whether a start bound already excludes `key` and everything below it.
fn bound_excludes_below(start: &Bound<Vec<u8>>, key: &[u8]) -> bool {
    match start {
        Bound::Included(s) => s.as_slice() > key,
        Bound::Excluded(s) => s.as_slice() >= key,
        Bound::Unbounded => false,
    }
}

/// Whether an end bound already excludes `key` and everything above it.
fn bound_excludes_above(end: &Bound<Vec<u8>>, key: &[u8]) -> bool {
    match end {
        Bound::Included(e) => e.as_slice() < key,
        Bound::Excluded(e) => e.as_slice() <= key,
        Bound::Unbounded => false,
    }
}
