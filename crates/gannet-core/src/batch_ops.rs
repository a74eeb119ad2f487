//! BatchWriteItem and BatchGetItem. A batch write is validated whole before anything is written
//! and then committed as one atomic storage batch (DynamoDB only promises per-item atomicity);
//! requests whose items a transaction holds are left out of it and returned as UnprocessedItems.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use gannet_model::api::{
    BatchGetItemInput, BatchGetItemOutput, BatchWriteItemInput, BatchWriteItemOutput,
    DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest,
};
use gannet_model::error::ConstraintViolations;
use gannet_model::names::check_table_name_or_arn;
use gannet_model::plain_batch::PlainWrite;
use gannet_model::{Error, Item};
use gannet_storage::WriteBatch;

use crate::capacity::{CapacityReport, collect_write_reports, read_units, write_units};
use crate::catalog::TableMeta;
use crate::database::{Database, storage_error};
use crate::item_key::{storage_key_from_batch_item, storage_key_from_key};
use crate::legacy;
use crate::request_expressions::{ExpressionMembers, parse_expressions};
use crate::stored_item::{
    check_item_limits, decode_stored_item, encode_stored_item, stored_item_size,
};

pub(crate) const MAX_BATCH_WRITES: usize = 25;
const MAX_BATCH_GETS: usize = 100;
/// BatchGetItem answers at most 16 MB; keys past that come back as UnprocessedKeys.
const MAX_BATCH_GET_BYTES: usize = 16 * 1024 * 1024;
const DUPLICATE_KEYS: &str = "Provided list of item keys contains duplicates";

/// A validated write of a BatchWriteItem.
pub(crate) struct PlannedWrite<'r> {
    /// Into the batch's tables.
    pub table: usize,
    pub request: RequestOf<'r>,
    pub key: Vec<u8>,
    /// `None` for a delete.
    pub value: Option<Vec<u8>>,
    pub size: usize,
}

/// The request a planned write came from, to answer it in UnprocessedItems as it was asked.
pub(crate) enum RequestOf<'r> {
    Parsed(&'r WriteRequest),
    Plain(&'r PlainWrite<'r>),
}

impl RequestOf<'_> {
    fn to_request(&self) -> WriteRequest {
        match self {
            RequestOf::Parsed(request) => (*request).clone(),
            RequestOf::Plain(PlainWrite::Put(item)) => WriteRequest {
                put_request: Some(PutRequest {
                    item: Some(item.to_item()),
                }),
                delete_request: None,
            },
            RequestOf::Plain(PlainWrite::Delete(key)) => WriteRequest {
                put_request: None,
                delete_request: Some(DeleteRequest {
                    key: Some(key.to_item()),
                }),
            },
        }
    }
}

// The wordings of RequestItems' constraints are DynamoDB's as captured from it in 2026-10:
// most are its newer validation's (member path, no echo of the value); an empty write list
// for a table still has the older wording, echoing the map entry.

fn check_request_items_shape(count: Option<usize>, violations: &mut ConstraintViolations) {
    match count {
        None => violations.null("requestItems"),
        Some(0) => violations.invalid_unechoed(
            "RequestItems",
            "Member must have length greater than or equal to 1",
        ),
        Some(_) => {}
    }
}

/// A table name (or ARN) that fails its constraints is reported once for the whole map,
/// echoing the map (`echo`), with every constraint a table name has.
fn check_request_table_names<'a>(
    names: impl IntoIterator<Item = &'a String>,
    echo: impl FnOnce() -> String,
    violations: &mut ConstraintViolations,
) {
    let any_invalid = names.into_iter().any(|name| {
        let mut own = ConstraintViolations::new();
        check_table_name_or_arn(name, "requestItems", &mut own);
        !own.is_empty()
    });
    if any_invalid {
        violations.invalid(
            &echo(),
            "requestItems",
            "Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]",
        );
    }
}

impl Database {
    pub async fn batch_write_item(
        &self,
        input: BatchWriteItemInput,
    ) -> Result<BatchWriteItemOutput, Error> {
        // DynamoDB answers BatchWriteItem's unknown enum values alone, ahead of any constraint
        // on RequestItems (a malformed table name included); both enums in one message.
        let mut violations = ConstraintViolations::new();
        let capacity = collect_write_reports(
            input.return_consumed_capacity.as_deref(),
            input.return_item_collection_metrics.as_deref(),
            &mut violations,
        );
        violations.into_result()?;
        if input.request_items.as_ref().is_some_and(BTreeMap::is_empty) {
            // BatchGetItem moved to the newer wording for this in 2026-09; nearly every region
            // still answers BatchWriteItem's with this sentence.
            return Err(Error::validation(
                "The requestItems parameter is required for BatchWriteItem",
            ));
        }
        let mut violations = ConstraintViolations::new();
        check_request_items_shape(
            input.request_items.as_ref().map(BTreeMap::len),
            &mut violations,
        );
        if let Some(requests) = input.request_items.as_ref() {
            check_request_table_names(
                requests.keys(),
                || java_echo_of_writes(requests),
                &mut violations,
            );
            for (table_name, writes) in requests {
                if writes.is_empty() {
                    violations.invalid(
                        &format!("{{{table_name}=[]}}"),
                        "requestItems",
                        "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
                    );
                } else if writes.len() > MAX_BATCH_WRITES {
                    violations.invalid_unechoed(
                        &format!("RequestItems.{table_name}.member"),
                        "Member must have length less than or equal to 25",
                    );
                }
            }
        }
        violations.into_result()?;
        let requests = input.request_items.unwrap_or_default();
        if requests.values().map(Vec::len).sum::<usize>() > MAX_BATCH_WRITES {
            return Err(Error::validation(
                "Too many items requested for the BatchWriteItem call",
            ));
        }

        // Validate every request (and resolve every table) before writing anything.
        // (the table's own name, the name or ARN the request used) per table of the request.
        let mut tables: Vec<(String, &str)> = Vec::with_capacity(requests.len());
        let mut writes: Vec<PlannedWrite<'_>> = Vec::with_capacity(MAX_BATCH_WRITES);
        for (table_name, requests) in &requests {
            let table = self.table_for_items(table_name)?;
            let table_index = tables.len();
            tables.push((table.description.table_name.clone(), table_name));
            for request in requests {
                let (key, value, size) = match (&request.put_request, &request.delete_request) {
                    (Some(put), None) => {
                        let Some(item) = put.item.as_ref() else {
                            return Err(null_member(&format!(
                                "requestItems.{table_name}.member.putRequest.item"
                            )));
                        };
                        let key = storage_key_from_batch_item(table.id, &table.primary_key, item)?;
                        let size = check_item_limits(item)?;
                        let value = encode_stored_item(item, size);
                        (key, Some(value), size)
                    }
                    (None, Some(delete)) => {
                        let Some(key) = delete.key.as_ref() else {
                            return Err(null_member(&format!(
                                "requestItems.{table_name}.member.deleteRequest.key"
                            )));
                        };
                        (
                            storage_key_from_key(table.id, &table.primary_key, key)?,
                            None,
                            0,
                        )
                    }
                    _ => {
                        return Err(Error::validation(
                            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
                        ));
                    }
                };
                // Across tables too: a table named once by name and once by ARN is one table
                // (storage keys carry the table, so other tables' keys never match). At most
                // 25 keys: a scan beats building a set of copies.
                if writes.iter().any(|write| write.key == key) {
                    return Err(Error::validation(DUPLICATE_KEYS));
                }
                writes.push(PlannedWrite {
                    table: table_index,
                    request: RequestOf::Parsed(request),
                    key,
                    value,
                    size,
                });
            }
        }
        self.apply_batch_writes(tables, writes, capacity).await
    }

    /// Writes a validated batch. `tables` holds, per table of the request, the table's own
    /// name and the name or ARN the request used.
    pub(crate) async fn apply_batch_writes(
        &self,
        tables: Vec<(String, &str)>,
        writes: Vec<PlannedWrite<'_>>,
        capacity: CapacityReport,
    ) -> Result<BatchWriteItemOutput, Error> {
        // BatchWriteItem has no TransactionConflictException: a request whose item a
        // transaction holds is returned in UnprocessedItems (the others are written).
        let keys: Vec<&[u8]> = writes.iter().map(|w| w.key.as_slice()).collect();
        let (_guards, busy) = self.key_locks.lock_batch(&keys).await;
        let mut batch = WriteBatch::with_capacity(writes.len());
        let mut table_units = vec![0.0; tables.len()];
        let mut unprocessed_items: BTreeMap<String, Vec<WriteRequest>> = BTreeMap::new();
        for (index, write) in writes.into_iter().enumerate() {
            if busy.contains(&index) {
                if let Some((_, request_table)) = tables.get(write.table) {
                    unprocessed_items
                        .entry((*request_table).to_owned())
                        .or_default()
                        .push(write.request.to_request());
                }
                continue;
            }
            if let Some(units) = table_units.get_mut(write.table) {
                *units += write_units(write.size);
            }
            match write.value {
                Some(value) => batch.put(write.key, value),
                None => batch.delete(write.key),
            }
        }
        if !batch.is_empty() {
            self.commit(batch).await?;
        }
        let mut units: BTreeMap<String, f64> = BTreeMap::new();
        for ((table_name, _), table_units) in tables.into_iter().zip(table_units) {
            *units.entry(table_name).or_default() += table_units;
        }
        Ok(BatchWriteItemOutput {
            unprocessed_items,
            consumed_capacity: capacity.report_per_table(units),
        })
    }

    pub fn batch_get_item(&self, input: BatchGetItemInput) -> Result<BatchGetItemOutput, Error> {
        let mut violations = ConstraintViolations::new();
        check_request_items_shape(
            input.request_items.as_ref().map(BTreeMap::len),
            &mut violations,
        );
        if let Some(requests) = input.request_items.as_ref() {
            check_request_table_names(
                requests.keys(),
                || serde_json::to_string(requests).unwrap_or_default(),
                &mut violations,
            );
            for (table_name, request) in requests {
                let member = format!("RequestItems.{table_name}.member.Keys");
                match request.keys.as_ref().map(Vec::len) {
                    None => violations.null(&format!("requestItems.{table_name}.member.keys")),
                    Some(0) => violations.invalid_unechoed(
                        &member,
                        "Member must have length greater than or equal to 1",
                    ),
                    Some(n) if n > MAX_BATCH_GETS => violations.invalid_unechoed(
                        &member,
                        "Member must have length less than or equal to 100",
                    ),
                    Some(_) => {}
                }
            }
        }
        // BatchGetItem, unlike BatchWriteItem, reports an unknown ReturnConsumedCapacity
        // together with RequestItems' constraints, after them.
        let capacity =
            CapacityReport::collect(input.return_consumed_capacity.as_deref(), &mut violations);
        violations.into_result()?;
        let requests = input.request_items.unwrap_or_default();
        if requests
            .values()
            .map(|r| r.keys.as_ref().map_or(0, Vec::len))
            .sum::<usize>()
            > MAX_BATCH_GETS
        {
            return Err(Error::validation(
                "Too many items requested for the BatchGetItem call",
            ));
        }

        struct TableRead {
            table: Arc<TableMeta>,
            keys: Vec<(Item, Vec<u8>)>,
            projection: Option<gannet_expr::Projection>,
            consistent: bool,
            request: KeysAndAttributes,
        }
        let mut reads = Vec::with_capacity(requests.len());
        // One set for all tables: a table named once by name and once by ARN is one table.
        let mut seen = BTreeSet::new();
        for (table_name, request) in requests {
            let parsed = parse_expressions(
                ExpressionMembers {
                    names: request.expression_attribute_names.as_ref(),
                    projection: request.projection_expression.as_deref(),
                    allowed: &["ProjectionExpression"],
                    ..Default::default()
                },
                &[("AttributesToGet", request.attributes_to_get.is_some())],
            )?;
            let projection = match parsed.projection {
                Some(projection) => Some(projection),
                None => legacy::attributes_to_get(request.attributes_to_get.as_deref())?,
            };
            let table = self.table_for_items(&table_name)?;
            let mut keys = Vec::new();
            for key in request.keys.iter().flatten() {
                let storage_key = storage_key_from_key(table.id, &table.primary_key, key)?;
                if !seen.insert(storage_key.clone()) {
                    return Err(Error::validation(DUPLICATE_KEYS));
                }
                keys.push((key.clone(), storage_key));
            }
            reads.push(TableRead {
                table,
                keys,
                projection,
                consistent: request.consistent_read.unwrap_or(false),
                request,
            });
        }

        let mut output = BatchGetItemOutput::default();
        let mut units: BTreeMap<String, f64> = BTreeMap::new();
        let mut answered_bytes = 0usize;
        // Set at the first item that would take the answer past 16 MB: it and every key after
        // it are left unprocessed.
        let mut full = false;
        for read in reads {
            let table_name = read.table.description.table_name.clone();
            let items = output.responses.entry(table_name.clone()).or_default();
            let mut unprocessed = Vec::new();
            for (key, storage_key) in read.keys {
                if full {
                    unprocessed.push(key);
                    continue;
                }
                let stored = self.engine.get(&storage_key).map_err(storage_error)?;
                let size = stored.as_deref().map_or(0, stored_item_size) as usize;
                if answered_bytes + size > MAX_BATCH_GET_BYTES {
                    full = true;
                    unprocessed.push(key);
                    continue;
                }
                *units.entry(table_name.clone()).or_default() += read_units(size, read.consistent);
                if let Some(bytes) = stored {
                    answered_bytes += size;
                    let item = decode_stored_item(&bytes)?;
                    items.push(match read.projection.as_ref() {
                        Some(projection) => projection.apply(&item),
                        None => item,
                    });
                }
            }
            if !unprocessed.is_empty() {
                output.unprocessed_keys.insert(
                    table_name,
                    KeysAndAttributes {
                        keys: Some(unprocessed),
                        ..read.request
                    },
                );
            }
        }
        output.consumed_capacity = capacity.report_per_table(units);
        Ok(output)
    }
}

fn null_member(member: &str) -> Error {
    let mut violations = ConstraintViolations::new();
    violations.null(member);
    violations
        .into_result()
        .err()
        .unwrap_or_else(|| Error::validation(member.to_owned()))
}

/// RequestItems of a BatchWriteItem the way DynamoDB echoes it in a constraint message: its
/// Java model's `toString`, with each item's values as their JSON.
fn java_echo_of_writes(requests: &BTreeMap<String, Vec<WriteRequest>>) -> String {
    let tables: Vec<String> = requests
        .iter()
        .map(|(table, writes)| {
            let writes: Vec<String> = writes.iter().map(java_echo_of_write).collect();
            format!("{table}=[{}]", writes.join(", "))
        })
        .collect();
    format!("{{{}}}", tables.join(", "))
}

fn java_echo_of_write(write: &WriteRequest) -> String {
    let put = match &write.put_request {
        Some(put) => format!("PutRequest(item={})", java_echo_of_item(put.item.as_ref())),
        None => "null".to_owned(),
    };
    let delete = match &write.delete_request {
        Some(delete) => format!(
            "DeleteRequest(key={})",
            java_echo_of_item(delete.key.as_ref())
        ),
        None => "null".to_owned(),
    };
    format!("WriteRequest(putRequest={put}, deleteRequest={delete})")
}

fn java_echo_of_item(item: Option<&Item>) -> String {
    let Some(item) = item else {
        return "null".to_owned();
    };
    let members: Vec<String> = item
        .iter()
        .map(|(name, value)| {
            format!(
                "{name}={}",
                serde_json::to_string(value).unwrap_or_default()
            )
        })
        .collect();
    format!("{{{}}}", members.join(", "))
}
