//! Scan: every item of a table in partition-hash order, one page at a time; parallel scans
//! split the hash space into Segment / TotalSegments slices.

use std::ops::Bound;

use gannet_expr::legacy::lower_filter;
use gannet_model::Error;
use gannet_model::api::{ScanInput, ScanOutput};
use gannet_model::error::ConstraintViolations;
use gannet_storage::{Direction, KeyRange};

use crate::capacity::{CapacityReport, read_units};
use crate::database::Database;
use crate::item_page::{PageRequest, read_page};
use crate::key_condition_range::resume_after;
use crate::keys::{BASE_INDEX, index_prefix};
use crate::legacy;
use crate::read_expressions::{
    ReadExpressionMembers, check_no_nested_key_paths, check_read_members_mix, condition_paths,
    parse_read_expressions,
};
use crate::read_members::{
    check_conditional_operator, check_index_name_member, check_integer_range, check_limit,
    check_return_consumed_capacity, check_table_name,
};
use crate::select::{ProjectionMember, Select, effective_select, parse_select};
use crate::start_key::scan_start_key;

/// AWS's bound on TotalSegments.
pub const MAX_TOTAL_SEGMENTS: i64 = 1_000_000;

/// One slice of a parallel scan: partition hashes in `[index·2⁶⁴/total, (index+1)·2⁶⁴/total)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanSegment {
    pub index: u64,
    pub total: u64,
}

impl ScanSegment {
    /// The whole hash space.
    pub const WHOLE: ScanSegment = ScanSegment { index: 0, total: 1 };

    /// First partition hash of the segment.
    pub fn first_hash(self) -> u64 {
        Self::boundary(self.index, self.total).unwrap_or(u64::MAX)
    }

    /// First partition hash after the segment; `None` for the last segment.
    pub fn end_hash(self) -> Option<u64> {
        Self::boundary(self.index + 1, self.total)
    }

    /// `index·2⁶⁴/total`, or `None` at 2⁶⁴ itself.
    fn boundary(index: u64, total: u64) -> Option<u64> {
        let total = u128::from(total.max(1));
        u64::try_from((u128::from(index) << 64) / total).ok()
    }

    pub fn contains_hash(self, hash: u64) -> bool {
        hash >= self.first_hash() && self.end_hash().is_none_or(|end| hash < end)
    }

    /// The storage keys of the table's items whose partition hash is in the segment.
    pub fn key_range(self, table_id: u64) -> KeyRange {
        let base = index_prefix(table_id, BASE_INDEX);
        let at = |hash: u64| {
            let mut key = base.clone();
            key.extend_from_slice(&hash.to_be_bytes());
            key
        };
        let end = match self.end_hash() {
            Some(end) => Bound::Excluded(at(end)),
            None => KeyRange::prefix(&base).end,
        };
        KeyRange {
            start: Bound::Included(at(self.first_hash())),
            end,
        }
    }
}

/// The partition hash recorded in a base-item storage key.
fn storage_key_hash(table_id: u64, storage_key: &[u8]) -> Option<u64> {
    let offset = index_prefix(table_id, BASE_INDEX).len();
    storage_key
        .get(offset..)
        .and_then(|rest| rest.first_chunk::<8>())
        .map(|bytes| u64::from_be_bytes(*bytes))
}

/// Segment and TotalSegments come together, with Segment below TotalSegments.
fn scan_segment(segment: Option<i64>, total: Option<i64>) -> Result<ScanSegment, Error> {
    match (segment, total) {
        (None, None) => Ok(ScanSegment::WHOLE),
        (Some(_), None) => Err(Error::validation(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
        )),
        (None, Some(_)) => Err(Error::validation(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
        )),
        (Some(segment), Some(total)) if segment >= total => Err(Error::Validation(format!(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
        ))),
        (Some(segment), Some(total)) => match (u64::try_from(segment), u64::try_from(total)) {
            (Ok(index), Ok(total)) => Ok(ScanSegment { index, total }),
            _ => Err(Error::Internal("validated segment out of range".to_owned())),
        },
    }
}

impl Database {
    pub fn scan(&self, input: ScanInput) -> Result<ScanOutput, Error> {
        let mut violations = ConstraintViolations::new();
        let requested_select = parse_select(input.select.as_deref(), &mut violations);
        check_index_name_member(input.index_name.as_deref(), &mut violations);
        check_integer_range(
            input.total_segments,
            "totalSegments",
            1,
            MAX_TOTAL_SEGMENTS,
            &mut violations,
        );
        check_return_consumed_capacity(input.return_consumed_capacity.as_deref(), &mut violations);
        check_table_name(input.table_name.as_deref(), &mut violations);
        check_conditional_operator(input.conditional_operator.as_deref(), &mut violations);
        check_integer_range(
            input.segment,
            "segment",
            0,
            MAX_TOTAL_SEGMENTS - 1,
            &mut violations,
        );
        let limit = check_limit(input.limit, &mut violations);
        violations.into_result()?;
        let Some(table_name) = input.table_name.as_deref() else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };
        let capacity = CapacityReport::parse(input.return_consumed_capacity.as_deref())?;

        let members = ReadExpressionMembers {
            names: input.expression_attribute_names.as_ref(),
            values: input.expression_attribute_values.as_ref(),
            key_condition: None,
            filter: input.filter_expression.as_deref(),
            projection: input.projection_expression.as_deref(),
            allowed: &["ProjectionExpression", "FilterExpression"],
        };
        check_read_members_mix(
            &members,
            &[
                ("AttributesToGet", input.attributes_to_get.is_some()),
                ("ScanFilter", input.scan_filter.is_some()),
                ("ConditionalOperator", input.conditional_operator.is_some()),
            ],
        )?;
        let legacy_projection = legacy::attributes_to_get(input.attributes_to_get.as_deref())?;
        let legacy_filter = match &input.scan_filter {
            Some(filter) => {
                lower_filter(filter, input.conditional_operator.as_deref(), "scanFilter")?
            }
            None => None,
        };
        let segment = scan_segment(input.segment, input.total_segments)?;
        let expressions = parse_read_expressions(members)?;
        let projection_member = match (&expressions.projection, &legacy_projection) {
            (Some(_), _) => Some(ProjectionMember::ProjectionExpression),
            (None, Some(_)) => Some(ProjectionMember::AttributesToGet),
            (None, None) => None,
        };
        let select = effective_select(
            requested_select,
            projection_member,
            input.index_name.as_deref(),
        )?;

        let table = self.table_for_items(table_name)?;
        if let Some(index_name) = &input.index_name {
            return Err(Error::Validation(format!(
                "The table does not have the specified index: {index_name}"
            )));
        }
        let primary_key = &table.primary_key;
        let mut range = segment.key_range(table.id);
        if let Some(start_key) = &input.exclusive_start_key {
            let storage_key = scan_start_key(table.id, primary_key, start_key)?;
            if !storage_key_hash(table.id, &storage_key).is_some_and(|h| segment.contains_hash(h)) {
                return Err(Error::Validation(format!(
                    "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: {} Segment: {}",
                    segment.total, segment.index
                )));
            }
            range = resume_after(range, storage_key, true);
        }

        let projection = expressions.projection.or(legacy_projection);
        if let Some(projection) = &projection {
            check_no_nested_key_paths(&projection.paths, primary_key)?;
        }
        if let Some(filter) = &expressions.filter {
            check_no_nested_key_paths(condition_paths(filter), primary_key)?;
        }
        let filter = expressions.filter.or(legacy_filter);

        let page = read_page(
            self.engine.as_ref(),
            &PageRequest {
                range,
                direction: Direction::Forward,
                limit,
                filter: filter.as_ref(),
                projection: projection.as_ref(),
                count_only: select == Select::Count,
                primary_key,
            },
        )?;
        tracing::debug!(
            table = %table.description.table_name,
            segment = segment.index,
            total_segments = segment.total,
            scanned = page.scanned_count,
            count = page.count,
            bytes = page.bytes_read,
            more = page.last_evaluated_key.is_some(),
            "scan page"
        );
        let consistent = input.consistent_read.unwrap_or(false);
        Ok(ScanOutput {
            count: page.count,
            scanned_count: page.scanned_count,
            last_evaluated_key: page.last_evaluated_key,
            items: (select != Select::Count).then_some(page.items),
            consumed_capacity: capacity.report(
                &table.description.table_name,
                read_units(
                    usize::try_from(page.bytes_read).unwrap_or(usize::MAX),
                    consistent,
                ),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_tile_the_hash_space() {
        for total in [1u64, 2, 3, 4, 7, 1000, 1_000_000] {
            for index in [0, 1, total / 2, total - 1] {
                if index >= total {
                    continue;
                }
                let segment = ScanSegment { index, total };
                if index == 0 {
                    assert_eq!(segment.first_hash(), 0);
                }
                if index + 1 == total {
                    assert_eq!(segment.end_hash(), None);
                    assert!(segment.contains_hash(u64::MAX));
                } else {
                    let next = ScanSegment {
                        index: index + 1,
                        total,
                    };
                    assert_eq!(segment.end_hash(), Some(next.first_hash()));
                    assert!(!segment.contains_hash(next.first_hash()));
                    assert!(next.contains_hash(next.first_hash()));
                }
            }
        }
        let half = ScanSegment { index: 1, total: 2 };
        assert_eq!(half.first_hash(), 1 << 63);
    }

    #[test]
    fn segment_members_go_together() {
        let message = |segment, total| scan_segment(segment, total).unwrap_err().to_string();
        assert_eq!(
            message(Some(1), None),
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
        );
        assert_eq!(
            message(None, Some(2)),
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
        );
        assert_eq!(
            message(Some(4), Some(4)),
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4"
        );
        assert_eq!(
            scan_segment(Some(3), Some(4)).unwrap(),
            ScanSegment { index: 3, total: 4 }
        );
    }
}
