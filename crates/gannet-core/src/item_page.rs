//! One page of a Query or Scan: items visited in key order from one storage snapshot, until
//! Limit items have been evaluated or 1 MB of item data has been read.

use std::ops::ControlFlow;

use gannet_expr::{Condition, Projection};
use gannet_model::{Error, Item};
use gannet_storage::{Direction, Engine, KeyRange};

use crate::database::storage_error;
use crate::item_key::key_attributes;
use crate::stored_item::{decode_stored_item, stored_item_size};
use crate::table_schema::PrimaryKey;

/// DynamoDB stops a page once it has read this much item data, filters notwithstanding.
pub const MAX_PAGE_BYTES: u64 = 1024 * 1024;

/// What to read and how to shape what was read.
pub struct PageRequest<'a> {
    pub range: KeyRange,
    pub direction: Direction,
    /// Items to evaluate at most (before the filter).
    pub limit: Option<usize>,
    pub filter: Option<&'a Condition>,
    pub projection: Option<&'a Projection>,
    /// Select COUNT: count matches, return no items.
    pub count_only: bool,
    /// Names the attributes of LastEvaluatedKey.
    pub primary_key: &'a PrimaryKey,
}

#[derive(Debug, Default)]
pub struct Page {
    /// Matching items after projection; empty when counting only.
    pub items: Vec<Item>,
    /// Items that passed the filter.
    pub count: usize,
    /// Items evaluated (read), before the filter.
    pub scanned_count: usize,
    /// Key of the last evaluated item when the page stopped early (Limit or size).
    pub last_evaluated_key: Option<Item>,
    /// AWS item sizes of every evaluated item, for consumed capacity.
    pub bytes_read: u64,
}

/// Reads one page. The engine visit holds a snapshot only for the page, never for a whole
/// table, so memory stays bounded by the page.
pub fn read_page(engine: &dyn Engine, request: &PageRequest<'_>) -> Result<Page, Error> {
    let mut page = Page::default();
    if request.range.is_empty() || request.limit == Some(0) {
        return Ok(page);
    }
    let mut failure = None;
    engine
        .visit(&request.range, request.direction, &mut |_, value| {
            evaluate(request, &mut page, value).unwrap_or_else(|e| {
                failure = Some(e);
                ControlFlow::Break(())
            })
        })
        .map_err(storage_error)?;
    match failure {
        Some(e) => Err(e),
        None => Ok(page),
    }
}

/// Evaluates one stored item; breaks once the page is full. The item that reaches a limit
/// is part of the page and names LastEvaluatedKey, even when no item follows it.
fn evaluate(
    request: &PageRequest<'_>,
    page: &mut Page,
    stored: &[u8],
) -> Result<ControlFlow<()>, Error> {
    page.scanned_count += 1;
    page.bytes_read += stored_item_size(stored);
    let needs_item = request.filter.is_some() || !request.count_only;
    let mut item = if needs_item {
        Some(decode_stored_item(stored)?)
    } else {
        None
    };
    let matches = match (request.filter, &item) {
        (Some(filter), Some(item)) => filter.matches(item),
        _ => true,
    };
    let full = request
        .limit
        .is_some_and(|limit| page.scanned_count >= limit)
        || page.bytes_read >= MAX_PAGE_BYTES;
    if full {
        let evaluated = match &item {
            Some(item) => item,
            None => item.insert(decode_stored_item(stored)?),
        };
        page.last_evaluated_key = Some(key_attributes(request.primary_key, evaluated));
    }
    if matches {
        page.count += 1;
        if !request.count_only
            && let Some(item) = item
        {
            page.items.push(match request.projection {
                Some(projection) => projection.apply(&item),
                None => item,
            });
        }
    }
    Ok(if full {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    })
}
