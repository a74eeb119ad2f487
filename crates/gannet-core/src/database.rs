//! The database handle the server calls into.

use std::sync::Arc;
use std::time::Duration;

use gannet_model::Error;
use gannet_storage::{Direction, KeyRange, SharedEngine, WriteBatch};
use tokio::sync::Mutex;

use crate::catalog::{TableCatalog, TableMeta};
use crate::clock::{Clock, SystemClock};
use crate::idempotency::IdempotencyTokens;
use crate::key_locks::KeyLocks;
use crate::keys::{DROPPED_PREFIX, TOKEN_PREFIX, dropped_key, table_prefix};
use crate::layout_migration;
use crate::table_statistics::StatisticsCache;

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// Region named in ARNs.
    pub region: String,
    /// Account id named in ARNs.
    pub account_id: String,
    /// How long CREATING/UPDATING/DELETING stay visible; zero makes tables ACTIVE at once.
    pub transition_delay: Duration,
    /// Address reported by DescribeEndpoints.
    pub endpoint_address: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            region: "us-east-1".to_owned(),
            account_id: "000000000000".to_owned(),
            transition_delay: Duration::ZERO,
            endpoint_address: "127.0.0.1:8000".to_owned(),
        }
    }
}

pub struct Database {
    pub(crate) engine: SharedEngine,
    pub(crate) catalog: TableCatalog,
    pub(crate) config: DatabaseConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) key_locks: KeyLocks,
    pub(crate) idempotency: IdempotencyTokens,
    pub(crate) table_statistics: StatisticsCache,
    /// Serializes table-level changes (create, update, delete, tags) with each other.
    pub(crate) ddl_lock: Mutex<()>,
}

impl Database {
    pub fn open(engine: SharedEngine, config: DatabaseConfig) -> Result<Arc<Database>, Error> {
        Self::open_with_clock(engine, config, Arc::new(SystemClock))
    }

    pub fn open_with_clock(
        engine: SharedEngine,
        config: DatabaseConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Database>, Error> {
        let catalog = TableCatalog::load(engine.as_ref())?;
        layout_migration::migrate_legacy_item_keys(engine.as_ref())?;
        let database = Arc::new(Database {
            engine,
            catalog,
            config,
            clock,
            key_locks: KeyLocks::new(),
            idempotency: IdempotencyTokens::default(),
            table_statistics: StatisticsCache::default(),
            ddl_lock: Mutex::new(()),
        });
        database.resume_purges()?;
        database.restore_tokens()?;
        Ok(database)
    }

    /// Makes everything committed durable; called at shutdown.
    pub fn flush(&self) -> Result<(), Error> {
        self.engine.flush().map_err(storage_error)
    }

    pub(crate) fn now_millis(&self) -> u64 {
        self.clock.now_millis()
    }

    pub(crate) async fn commit(&self, batch: WriteBatch) -> Result<(), Error> {
        self.engine.commit(batch).await.map_err(storage_error)
    }

    /// The table an item operation addresses; CREATING and DELETING tables are not found, as
    /// in DynamoDB.
    pub(crate) fn table_for_items(&self, table_name: &str) -> Result<Arc<TableMeta>, Error> {
        let now = self.now_millis();
        match self.live_table(table_name) {
            Some(meta) if meta.accepts_item_operations(now) => Ok(meta),
            _ => Err(Error::ResourceNotFound(
                "Requested resource not found".to_owned(),
            )),
        }
    }

    /// The table named `name` (or by its ARN), unless it is gone; a table deleted under
    /// `--transition-delay` stays visible as DELETING until the delay has passed.
    pub(crate) fn live_table(&self, name: &str) -> Option<Arc<TableMeta>> {
        let name = table_name_of(name);
        let meta = self.catalog.get(name)?;
        if meta.deleted && self.now_millis() >= meta.transition_ends_millis {
            self.catalog.remove_if_same(name, &meta);
            return None;
        }
        Some(meta)
    }

    /// Removes a dropped table's items in the background; the `dropped/` marker written with
    /// the catalog removal makes the purge resume after a restart.
    pub(crate) fn purge_table_data(self: &Arc<Self>, table_id: u64) {
        self.table_statistics.forget(table_id);
        let database = Arc::clone(self);
        tokio::spawn(async move {
            let prefix = table_prefix(table_id);
            let mut batch = WriteBatch::new();
            if let Some(end) = gannet_storage::prefix_successor(&prefix) {
                batch.delete_range(prefix, end);
            }
            batch.delete(dropped_key(table_id));
            if let Err(e) = database.commit(batch).await {
                tracing::warn!(table_id, error = %e, "purging a deleted table's items failed");
            }
        });
    }

    /// Loads the ClientRequestTokens applied within their window before the restart.
    fn restore_tokens(&self) -> Result<(), Error> {
        let now = self.now_millis();
        self.engine
            .visit(
                &KeyRange::prefix(TOKEN_PREFIX),
                Direction::Forward,
                &mut |key, value| {
                    self.idempotency.restore(key, value, now);
                    std::ops::ControlFlow::Continue(())
                },
            )
            .map_err(storage_error)
    }

    fn resume_purges(self: &Arc<Self>) -> Result<(), Error> {
        let mut ids = Vec::new();
        self.engine
            .visit(
                &KeyRange::prefix(DROPPED_PREFIX),
                Direction::Forward,
                &mut |key, _| {
                    if let Some(id) = key
                        .get(DROPPED_PREFIX.len()..)
                        .and_then(|b| b.first_chunk::<8>())
                    {
                        ids.push(u64::from_be_bytes(*id));
                    }
                    std::ops::ControlFlow::Continue(())
                },
            )
            .map_err(storage_error)?;
        if !ids.is_empty() && tokio::runtime::Handle::try_current().is_ok() {
            for id in ids {
                self.purge_table_data(id);
            }
        }
        Ok(())
    }
}

/// A table name, or the name inside a table ARN (`arn:aws:dynamodb:…:table/NAME`).
pub(crate) fn table_name_of(name_or_arn: &str) -> &str {
    match name_or_arn.split_once(":table/") {
        Some((_, name)) if name_or_arn.starts_with("arn:") => name,
        _ => name_or_arn,
    }
}

pub(crate) fn storage_error(e: gannet_storage::StorageError) -> Error {
    tracing::error!(error = %e, "storage failure");
    Error::Internal(format!("Internal server error: {e}"))
}
