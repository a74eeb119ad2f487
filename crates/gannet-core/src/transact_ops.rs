//! TransactWriteItems and TransactGetItems: all-or-nothing, isolated, one storage commit.
//!
//! A transaction locks all its items without waiting (see `key_locks`), reads them, checks
//! every condition, computes every new item, and commits everything in one atomic batch, so a
//! crash leaves all of it or none. Any failed check cancels the whole transaction with one
//! reason per item in request order.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use gannet_expr::{Condition, UpdateExpression, apply_update};
use gannet_model::api::{
    CancellationReason, ItemResponse, TransactGetItemsInput, TransactGetItemsOutput,
    TransactWriteItemsInput, TransactWriteItemsOutput, TransactWriteOperation,
};
use gannet_model::error::ConstraintViolations;
use gannet_model::limits::{MAX_ITEM_SIZE, MAX_NESTED_CONTAINERS, TOO_DEEP};
use gannet_model::size::{item_size, nested_containers};
use gannet_model::{Error, Item};
use gannet_storage::WriteBatch;

use crate::capacity::{
    CapacityReport, UnitsInRequestOrder, collect_write_reports, read_units, write_units,
};
use crate::catalog::TableMeta;
use crate::database::{Database, storage_error};
use crate::idempotency::{TokenDecision, encode_applied};
use crate::item_key::{
    item_key_shape_error, key_attributes, key_shape_error, storage_key_from_item,
    storage_key_from_key,
};
use crate::key_locks::TRANSACTION_ONGOING;
use crate::keys::token_key;
use crate::request_expressions::{ExpressionMembers, ParsedExpressions, parse_expressions};
use crate::stored_item::{
    check_item_limits, decode_stored_item, encode_stored_item, stored_item_size,
};

const MAX_TRANSACTION_ITEMS: usize = 100;
/// Total size of the items a transaction writes.
const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;
const SAME_ITEM_TWICE: &str = "Transaction request cannot include multiple operations on one item";
const TRANSACTION_TOO_LARGE: &str =
    "Transaction request size exceeded the maximum allowed size of 4 MB";

enum WriteKind {
    ConditionCheck,
    /// The item and its size, measured once when the action was checked.
    Put(Item, usize),
    Delete,
    Update(UpdateExpression),
}

struct PlannedWrite {
    table: Arc<TableMeta>,
    key: Item,
    storage_key: Vec<u8>,
    kind: WriteKind,
    condition: Option<Condition>,
    return_old_on_failure: bool,
}

fn one_operation(
    item: gannet_model::api::TransactWriteItem,
) -> Result<(&'static str, TransactWriteOperation), Error> {
    let present = [
        ("conditionCheck", item.condition_check),
        ("put", item.put),
        ("delete", item.delete),
        ("update", item.update),
    ];
    let mut found = present
        .into_iter()
        .filter_map(|(name, op)| op.map(|op| (name, op)));
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        _ => Err(Error::validation(
            "TransactItems can only contain one of Check, Put, Update or Delete",
        )),
    }
}

fn fingerprint(text: &str) -> u64 {
    // A fixed-key hasher so the same request always yields the same fingerprint.
    let mut hasher =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .build_hasher();
    hasher.write(text.as_bytes());
    hasher.finish()
}

impl Database {
    pub async fn transact_write_items(
        &self,
        input: TransactWriteItemsInput,
    ) -> Result<TransactWriteItemsOutput, Error> {
        let mut violations = ConstraintViolations::new();
        match input.transact_items.as_ref().map(Vec::len) {
            None => violations.null("transactItems"),
            Some(0) => violations.invalid_raw(
                "'[]'",
                "transactItems",
                "Member must have length greater than or equal to 1",
            ),
            Some(n) if n > MAX_TRANSACTION_ITEMS => violations.invalid_raw(
                &format!("'[{n} items]'"),
                "transactItems",
                "Member must have length less than or equal to 100",
            ),
            Some(_) => {}
        }
        if let Some(token) = input.client_request_token.as_deref()
            && (token.is_empty() || token.len() > 36)
        {
            violations.invalid(
                token,
                "clientRequestToken",
                if token.is_empty() {
                    "Member must have length greater than or equal to 1"
                } else {
                    "Member must have length less than or equal to 36"
                },
            );
        }
        // Every failing member in one message, in this order (captured from DynamoDB).
        let capacity = collect_write_reports(
            input.return_consumed_capacity.as_deref(),
            input.return_item_collection_metrics.as_deref(),
            &mut violations,
        );
        violations.into_result()?;
        // A replay must match the whole request: "a change in other parameters" under the
        // same token is a mismatch.
        let request_fingerprint = fingerprint(&format!(
            "{:?} {:?} {:?}",
            input.transact_items,
            input.return_consumed_capacity,
            input.return_item_collection_metrics
        ));
        let items = input.transact_items.unwrap_or_default();

        // Every action's members and expressions are checked before any table is looked up:
        // DynamoDB reports a malformed expression on a later action ahead of a missing table
        // on an earlier one.
        let actions = items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let (member, op) = one_operation(item)?;
                check_write_action(index, member, op)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let action_count = actions.len();
        let mut plan = Vec::with_capacity(action_count);
        let mut seen = BTreeSet::new();
        let mut written_bytes = 0usize;
        for (index, action) in actions.into_iter().enumerate() {
            let planned = match self.plan_write(action)? {
                Ok(planned) => planned,
                Err(reason) => return Err(action_cancellation(action_count, index, reason)),
            };
            if let WriteKind::Put(_, size) = &planned.kind {
                written_bytes += size;
            }
            if !seen.insert(planned.storage_key.clone()) {
                return Err(Error::validation(SAME_ITEM_TWICE));
            }
            plan.push(planned);
        }
        if written_bytes > MAX_TRANSACTION_BYTES {
            return Err(Error::validation(TRANSACTION_TOO_LARGE));
        }

        let token = input.client_request_token;
        if let Some(token) = token.as_deref() {
            match self
                .idempotency
                .begin(token, request_fingerprint, self.now_millis())?
            {
                TokenDecision::Replay => {
                    return Ok(TransactWriteItemsOutput {
                        consumed_capacity: self.replay_capacity(capacity, &plan)?,
                    });
                }
                TokenDecision::Apply => {}
            }
        }
        // The token's record commits with the items, so a retry after a crash still replays.
        let applied_at = self.now_millis();
        let token_writes = token.as_deref().map(|token| TokenWrites {
            record: (
                token_key(token, applied_at),
                encode_applied(request_fingerprint),
            ),
            expired: self.idempotency.take_expired(),
        });
        let result = self.apply_transaction(&plan, token_writes.as_ref()).await;
        if let Some(token) = token.as_deref() {
            match &result {
                Ok(_) => self.idempotency.finish(token, applied_at),
                Err(_) => {
                    self.idempotency.abandon(token);
                    if let Some(writes) = token_writes {
                        self.idempotency.requeue_expired(writes.expired);
                    }
                }
            }
        }
        let sizes = result?;
        Ok(TransactWriteItemsOutput {
            consumed_capacity: transaction_capacity(capacity, &plan, &sizes),
        })
    }

    /// A replayed request writes nothing; DynamoDB reports the read units of reading its items.
    fn replay_capacity(
        &self,
        report: CapacityReport,
        plan: &[PlannedWrite],
    ) -> Result<Option<Vec<gannet_model::api::ConsumedCapacity>>, Error> {
        if report == CapacityReport::None {
            return Ok(None);
        }
        let mut units = UnitsInRequestOrder::default();
        for planned in plan {
            let stored = self
                .engine
                .get(&planned.storage_key)
                .map_err(storage_error)?;
            let size = stored.as_deref().map_or(0, stored_item_size) as usize;
            units.add(
                &planned.table.description.table_name,
                read_units(size, true),
            );
        }
        Ok(report.report_per_table(units))
    }

    /// Locks, checks and commits; returns the size written per item index.
    async fn apply_transaction(
        &self,
        plan: &[PlannedWrite],
        token_writes: Option<&TokenWrites>,
    ) -> Result<BTreeMap<usize, usize>, Error> {
        let keys: Vec<&[u8]> = plan.iter().map(|p| p.storage_key.as_slice()).collect();
        let _guards = self
            .key_locks
            .lock_transaction(&keys)
            .await
            .map_err(|conflict| conflict_cancellation(plan.len(), conflict))?;

        let mut reasons = vec![CancellationReason::none(); plan.len()];
        let mut cancelled = false;
        let mut batch = WriteBatch::new();
        let mut sizes = BTreeMap::new();
        // The plan already refused Puts alone over 4 MB (before taking locks); an update's
        // new item is only known here, so the whole total is checked again.
        let mut written_bytes = 0usize;
        for (index, planned) in plan.iter().enumerate() {
            let old = self
                .engine
                .get(&planned.storage_key)
                .map_err(storage_error)?
                .as_deref()
                .map(decode_stored_item)
                .transpose()?;
            let empty = Item::new();
            if let Some(condition) = planned.condition.as_ref()
                && !condition.matches(old.as_ref().unwrap_or(&empty))
            {
                reasons[index] = CancellationReason {
                    item: old.filter(|_| planned.return_old_on_failure),
                    ..CancellationReason::new(
                        "ConditionalCheckFailed",
                        "The conditional request failed",
                    )
                };
                cancelled = true;
                continue;
            }
            match &planned.kind {
                WriteKind::ConditionCheck => {}
                WriteKind::Put(item, size) => {
                    written_bytes += size;
                    sizes.insert(index, *size);
                    batch.put(planned.storage_key.clone(), encode_stored_item(item, *size));
                }
                WriteKind::Delete => {
                    sizes.insert(index, old.as_ref().map_or(0, item_size));
                    if old.is_some() {
                        batch.delete(planned.storage_key.clone());
                    }
                }
                WriteKind::Update(update) => {
                    let key_names: Vec<&str> = planned
                        .table
                        .primary_key
                        .attributes()
                        .map(|a| a.name.as_str())
                        .collect();
                    let existed = old.is_some();
                    let mut new_item = old.unwrap_or_else(|| planned.key.clone());
                    match apply_update(&mut new_item, existed, update, &key_names) {
                        Ok(_) => {
                            let size = item_size(&new_item);
                            if size > MAX_ITEM_SIZE {
                                reasons[index] = CancellationReason::new(
                                    "ValidationError",
                                    "Item size to update has exceeded the maximum allowed size",
                                );
                                cancelled = true;
                                continue;
                            }
                            written_bytes += size;
                            sizes.insert(index, size);
                            batch.put(
                                planned.storage_key.clone(),
                                encode_stored_item(&new_item, size),
                            );
                        }
                        Err(e) => {
                            reasons[index] =
                                CancellationReason::new("ValidationError", &e.to_string());
                            cancelled = true;
                        }
                    }
                }
            }
        }
        if cancelled {
            return Err(Error::TransactionCanceled { reasons });
        }
        if written_bytes > MAX_TRANSACTION_BYTES {
            return Err(Error::validation(TRANSACTION_TOO_LARGE));
        }
        if let Some(TokenWrites {
            record: (key, value),
            expired,
        }) = token_writes
        {
            for old_key in expired {
                batch.delete(old_key.clone());
            }
            batch.put(key.clone(), value.clone());
        }
        if !batch.is_empty() {
            self.commit(batch).await?;
        }
        Ok(sizes)
    }

    /// The action's table and key. `Ok(Err(reason))` for a key that does not fit the table's
    /// key schema, which DynamoDB reports as the action's `ValidationError` cancellation
    /// reason, not as a refused request (an empty key value is still refused).
    fn plan_write(&self, action: CheckedWrite) -> Result<Result<PlannedWrite, String>, Error> {
        let CheckedWrite {
            member,
            op,
            parsed,
            return_old_on_failure,
            put_size,
        } = action;
        let table = self.table_for_items(op.table_name.as_deref().unwrap_or_default())?;
        let (storage_key, key, kind) = match member {
            "put" => {
                let item = op.item.unwrap_or_default();
                if let Some(mismatch) = item_key_shape_error(&table.primary_key, &item) {
                    return Ok(Err(mismatch.to_string()));
                }
                let storage_key = storage_key_from_item(table.id, &table.primary_key, &item)?;
                (
                    storage_key,
                    key_attributes(&table.primary_key, &item),
                    WriteKind::Put(item, put_size),
                )
            }
            _ => {
                let key = op.key.unwrap_or_default();
                if let Some(mismatch) = key_shape_error(&table.primary_key, &key) {
                    return Ok(Err(mismatch.to_string()));
                }
                let storage_key = storage_key_from_key(table.id, &table.primary_key, &key)?;
                let kind = match (member, parsed.update) {
                    ("update", Some(update)) => {
                        let key_names: Vec<&str> = table
                            .primary_key
                            .attributes()
                            .map(|a| a.name.as_str())
                            .collect();
                        gannet_expr::check_key_attributes_untouched(&update, &key_names)?;
                        WriteKind::Update(update)
                    }
                    ("delete", _) => WriteKind::Delete,
                    _ => WriteKind::ConditionCheck,
                };
                (storage_key, key, kind)
            }
        };
        Ok(Ok(PlannedWrite {
            table,
            key,
            storage_key,
            kind,
            condition: parsed.condition,
            return_old_on_failure,
        }))
    }

    pub fn transact_get_items(
        &self,
        input: TransactGetItemsInput,
    ) -> Result<TransactGetItemsOutput, Error> {
        let mut violations = ConstraintViolations::new();
        match input.transact_items.as_ref().map(Vec::len) {
            None => violations.null("transactItems"),
            Some(0) => violations.invalid_raw(
                "'[]'",
                "transactItems",
                "Member must have length greater than or equal to 1",
            ),
            Some(n) if n > MAX_TRANSACTION_ITEMS => violations.invalid_raw(
                &format!("'[{n} items]'"),
                "transactItems",
                "Member must have length less than or equal to 100",
            ),
            Some(_) => {}
        }
        let capacity =
            CapacityReport::collect(input.return_consumed_capacity.as_deref(), &mut violations);
        violations.into_result()?;
        // As for writes: every Get's members and expression first, then tables and keys.
        let mut gets = Vec::new();
        for (index, item) in input
            .transact_items
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let prefix = format!("transactItems.{}.member.get", index + 1);
            let Some(get) = item.get else {
                let mut violations = ConstraintViolations::new();
                violations.null(&format!("transactItems.{}.member.get", index + 1));
                violations.into_result()?;
                continue;
            };
            let mut violations = ConstraintViolations::new();
            if get.table_name.is_none() {
                violations.null(&format!("{prefix}.tableName"));
            }
            if get.key.is_none() {
                violations.null(&format!("{prefix}.key"));
            }
            violations.into_result()?;
            let parsed = parse_expressions(
                ExpressionMembers {
                    names: get.expression_attribute_names.as_ref(),
                    projection: get.projection_expression.as_deref(),
                    allowed: &["ProjectionExpression"],
                    ..Default::default()
                },
                &[],
            )?;
            gets.push((get, parsed.projection));
        }
        let get_count = gets.len();
        let mut reads = Vec::with_capacity(get_count);
        // DynamoDB refuses a read transaction naming one item twice too (recorded from it in
        // 2026-10, without the words; these are TransactWriteItems').
        let mut seen = BTreeSet::new();
        for (index, (get, projection)) in gets.into_iter().enumerate() {
            let table = self.table_for_items(get.table_name.as_deref().unwrap_or_default())?;
            let key = get.key.unwrap_or_default();
            if let Some(mismatch) = key_shape_error(&table.primary_key, &key) {
                return Err(action_cancellation(get_count, index, mismatch.to_string()));
            }
            let storage_key = storage_key_from_key(table.id, &table.primary_key, &key)?;
            if !seen.insert(storage_key.clone()) {
                return Err(Error::validation(SAME_ITEM_TWICE));
            }
            reads.push((table, storage_key, projection));
        }
        let keys: Vec<&[u8]> = reads.iter().map(|(_, key, _)| key.as_slice()).collect();
        // Holding every item's shared lock while reading gives one consistent view across them.
        let _guards = self
            .key_locks
            .try_read_transaction(&keys)
            .map_err(|conflict| conflict_cancellation(reads.len(), conflict))?;
        let mut responses = Vec::with_capacity(reads.len());
        let mut units = UnitsInRequestOrder::default();
        let mut read_bytes = 0usize;
        for (table, storage_key, projection) in &reads {
            let stored = self.engine.get(storage_key).map_err(storage_error)?;
            let size = stored.as_deref().map_or(0, stored_item_size) as usize;
            read_bytes += size;
            if read_bytes > MAX_TRANSACTION_BYTES {
                return Err(Error::validation(TRANSACTION_TOO_LARGE));
            }
            units.add(&table.description.table_name, 2.0 * read_units(size, true));
            let item = stored.as_deref().map(decode_stored_item).transpose()?;
            responses.push(ItemResponse {
                item: match (item, projection) {
                    (Some(item), Some(projection)) => Some(projection.apply(&item)),
                    (item, _) => item,
                },
            });
        }
        Ok(TransactGetItemsOutput {
            responses,
            consumed_capacity: capacity.report_per_table(units),
        })
    }
}

/// What a transaction with a ClientRequestToken writes besides its items.
struct TokenWrites {
    /// The token's application record.
    record: (Vec<u8>, Vec<u8>),
    /// Records of applications whose window has passed.
    expired: Vec<Vec<u8>>,
}

/// An action whose members and expressions have been checked, not yet its table or key.
struct CheckedWrite {
    member: &'static str,
    op: TransactWriteOperation,
    parsed: ParsedExpressions,
    return_old_on_failure: bool,
    /// A Put's item size (0 for the other actions).
    put_size: usize,
}

fn check_write_action(
    index: usize,
    member: &'static str,
    op: TransactWriteOperation,
) -> Result<CheckedWrite, Error> {
    let prefix = format!("transactItems.{}.member.{member}", index + 1);
    let mut violations = ConstraintViolations::new();
    if op.table_name.is_none() {
        violations.null(&format!("{prefix}.tableName"));
    }
    match member {
        "put" if op.item.is_none() => violations.null(&format!("{prefix}.item")),
        "delete" | "update" | "conditionCheck" if op.key.is_none() => {
            violations.null(&format!("{prefix}.key"))
        }
        _ => {}
    }
    if member == "update" && op.update_expression.is_none() {
        violations.null(&format!("{prefix}.updateExpression"));
    }
    if member == "conditionCheck" && op.condition_expression.is_none() {
        violations.null(&format!("{prefix}.conditionExpression"));
    }
    let return_old_on_failure = match op.return_values_on_condition_check_failure.as_deref() {
        None | Some("NONE") => false,
        Some("ALL_OLD") => true,
        Some(other) => {
            violations.invalid(
                other,
                &format!("{prefix}.returnValuesOnConditionCheckFailure"),
                "Member must satisfy enum value set: [ALL_OLD, NONE]",
            );
            false
        }
    };
    violations.into_result()?;
    let allowed: &'static [&'static str] = if member == "update" {
        &["UpdateExpression", "ConditionExpression"]
    } else {
        &["ConditionExpression"]
    };
    let parsed = parse_expressions(
        ExpressionMembers {
            names: op.expression_attribute_names.as_ref(),
            values: op.expression_attribute_values.as_ref(),
            condition: op.condition_expression.as_deref(),
            update: op.update_expression.as_deref(),
            allowed,
            ..Default::default()
        },
        &[],
    )?;
    // A Put's item limits (nesting, size) are checked here too: DynamoDB reports a too deep
    // item on an earlier action ahead of a malformed expression on a later one.
    let put_size = op.item.as_ref().map(check_item_limits).transpose()?;
    // So is a Key value nested too deep (it cannot fit a key schema either, but the depth is
    // reported first, as a refusal rather than a cancellation).
    if op.key.as_ref().is_some_and(|key| {
        key.values()
            .any(|v| nested_containers(v) > MAX_NESTED_CONTAINERS)
    }) {
        return Err(Error::validation(TOO_DEEP));
    }
    Ok(CheckedWrite {
        member,
        op,
        parsed,
        return_old_on_failure,
        put_size: put_size.unwrap_or_default(),
    })
}

/// A transaction cancelled before it ran because action `index` was invalid.
fn action_cancellation(len: usize, index: usize, message: String) -> Error {
    cancelled_at(
        len,
        index,
        CancellationReason::new("ValidationError", &message),
    )
}

fn conflict_cancellation(len: usize, conflict: usize) -> Error {
    cancelled_at(
        len,
        conflict,
        CancellationReason::new("TransactionConflict", TRANSACTION_ONGOING),
    )
}

/// A cancellation whose only reason is `reason`, at `index` of `len` actions.
fn cancelled_at(len: usize, index: usize, reason: CancellationReason) -> Error {
    let mut reasons = vec![CancellationReason::none(); len];
    if let Some(slot) = reasons.get_mut(index) {
        *slot = reason;
    }
    Error::TransactionCanceled { reasons }
}

/// Transactions cost two units per unit a plain write would.
fn transaction_capacity(
    report: CapacityReport,
    plan: &[PlannedWrite],
    sizes: &BTreeMap<usize, usize>,
) -> Option<Vec<gannet_model::api::ConsumedCapacity>> {
    if report == CapacityReport::None {
        return None;
    }
    let mut units = UnitsInRequestOrder::default();
    for (index, planned) in plan.iter().enumerate() {
        let size = sizes.get(&index).copied().unwrap_or(0);
        units.add(
            &planned.table.description.table_name,
            2.0 * write_units(size),
        );
    }
    report.report_per_table(units)
}
