//! BatchWriteItem of a request of the plain shape (`gannet_model::plain_batch`): the writes
//! are computed from the borrowed items straight into storage keys and stored encodings. This
//! path only ever answers requests the general one would accept whole; at the first thing the
//! general path checks and might refuse, it gives up before doing anything, and the general
//! path answers with its exact error.

use gannet_model::Error;
use gannet_model::api::BatchWriteItemOutput;
use gannet_model::error::ConstraintViolations;
use gannet_model::limits::MAX_ITEM_SIZE;
use gannet_model::names::check_table_name_or_arn;
use gannet_model::plain_batch::{PlainBatchWrite, PlainWrite};

use crate::batch_ops::{MAX_BATCH_WRITES, PlannedWrite, RequestOf};
use crate::capacity::collect_write_reports;
use crate::database::Database;
use crate::item_key::{storage_key_from_plain_item, storage_key_from_plain_key};
use crate::stored_item::encode_stored_plain_item;

impl Database {
    /// `None` when the general path must answer the request, with nothing done yet.
    pub async fn batch_write_plain(
        &self,
        request: &PlainBatchWrite<'_>,
    ) -> Option<Result<BatchWriteItemOutput, Error>> {
        let mut violations = ConstraintViolations::new();
        let capacity = collect_write_reports(
            request.return_consumed_capacity,
            request.return_item_collection_metrics,
            &mut violations,
        );
        let count: usize = request.tables.iter().map(|t| t.writes.len()).sum();
        if !violations.is_empty() || request.tables.is_empty() || count > MAX_BATCH_WRITES {
            return None;
        }
        let mut tables = Vec::with_capacity(request.tables.len());
        let mut writes: Vec<PlannedWrite<'_>> = Vec::with_capacity(count);
        for (index, table_writes) in request.tables.iter().enumerate() {
            let name = table_writes.table_name;
            // A table named twice in the JSON map is left to the general path, whose map
            // keeps only the last one.
            let repeated = request
                .tables
                .get(..index)
                .is_some_and(|earlier| earlier.iter().any(|t| t.table_name == name));
            if table_writes.writes.is_empty() || repeated || !valid_table_name(name) {
                return None;
            }
            let table = self.table_for_items(name).ok()?;
            let table_index = tables.len();
            tables.push((table.description.table_name.clone(), name));
            for write in &table_writes.writes {
                let (key, value, size) = match write {
                    PlainWrite::Put(item) => {
                        if item.has_empty_name() {
                            return None;
                        }
                        let key = storage_key_from_plain_item(table.id, &table.primary_key, item)?;
                        let size = item.size();
                        if size > MAX_ITEM_SIZE {
                            return None;
                        }
                        (key, Some(encode_stored_plain_item(item, size)), size)
                    }
                    PlainWrite::Delete(key) => {
                        let key = storage_key_from_plain_key(table.id, &table.primary_key, key)?;
                        (key, None, 0)
                    }
                };
                if writes.iter().any(|planned| planned.key == key) {
                    return None;
                }
                writes.push(PlannedWrite {
                    table: table_index,
                    request: RequestOf::Plain(write),
                    key,
                    value,
                    size,
                });
            }
        }
        Some(self.apply_batch_writes(tables, writes, capacity).await)
    }
}

fn valid_table_name(name: &str) -> bool {
    let mut violations = ConstraintViolations::new();
    check_table_name_or_arn(name, "requestItems", &mut violations);
    violations.is_empty()
}
