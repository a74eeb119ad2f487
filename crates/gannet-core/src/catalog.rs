//! The table catalog: every table's metadata, persisted in the engine and mirrored in memory so
//! the hot path (every item operation) resolves a table name without touching storage.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use gannet_model::Error;
use gannet_model::api::TableDescription;
use gannet_storage::{Direction, Engine, KeyRange};
use serde::{Deserialize, Serialize};

use crate::keys::CATALOG_PREFIX;
use crate::table_schema::PrimaryKey;

/// Everything Gannet keeps about a table. `description.table_status` is the status the table
/// settles in; `transition_ends_millis` says until when the previous status stays visible.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableMeta {
    pub id: u64,
    pub description: TableDescription,
    pub primary_key: PrimaryKey,
    pub tags: Vec<(String, String)>,
    /// Status shown until `transition_ends_millis` (CREATING, UPDATING or DELETING).
    pub transitional_status: Option<String>,
    pub transition_ends_millis: u64,
    /// Deleted, and kept visible as DELETING until `transition_ends_millis`; never persisted.
    #[serde(default, skip_serializing)]
    pub deleted: bool,
}

impl TableMeta {
    /// The status a caller sees at `now_millis`.
    pub fn status_at(&self, now_millis: u64) -> &str {
        match &self.transitional_status {
            Some(status) if now_millis < self.transition_ends_millis => status,
            _ => &self.description.table_status,
        }
    }

    /// Whether items can be read and written (not CREATING or DELETING).
    pub fn accepts_item_operations(&self, now_millis: u64) -> bool {
        !matches!(self.status_at(now_millis), "CREATING" | "DELETING")
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self).map_err(|e| Error::Internal(format!("catalog encoding: {e}")))
    }
}

#[derive(Default)]
pub struct TableCatalog {
    tables: RwLock<BTreeMap<String, Arc<TableMeta>>>,
}

impl TableCatalog {
    /// Loads every catalog entry from the engine.
    pub fn load(engine: &dyn Engine) -> Result<TableCatalog, Error> {
        let mut tables = BTreeMap::new();
        let mut failure = None;
        engine
            .visit(
                &KeyRange::prefix(CATALOG_PREFIX),
                Direction::Forward,
                &mut |_, value| match serde_json::from_slice::<TableMeta>(value) {
                    Ok(meta) => {
                        tables.insert(meta.description.table_name.clone(), Arc::new(meta));
                        std::ops::ControlFlow::Continue(())
                    }
                    Err(e) => {
                        failure = Some(e.to_string());
                        std::ops::ControlFlow::Break(())
                    }
                },
            )
            .map_err(|e| Error::Internal(e.to_string()))?;
        if let Some(e) = failure {
            return Err(Error::Internal(format!("catalog entry unreadable: {e}")));
        }
        Ok(TableCatalog {
            tables: RwLock::new(tables),
        })
    }

    pub fn get(&self, name: &str) -> Option<Arc<TableMeta>> {
        self.read().get(name).cloned()
    }

    pub fn insert(&self, meta: TableMeta) {
        self.write()
            .insert(meta.description.table_name.clone(), Arc::new(meta));
    }

    pub fn remove(&self, name: &str) {
        self.write().remove(name);
    }

    /// Removes `name` only if it is still `meta` (not re-created meanwhile).
    pub fn remove_if_same(&self, name: &str, meta: &Arc<TableMeta>) {
        let mut tables = self.write();
        if tables
            .get(name)
            .is_some_and(|current| Arc::ptr_eq(current, meta))
        {
            tables.remove(name);
        }
    }

    /// Table names after `start` (exclusive), in order.
    pub fn names_after(&self, start: Option<&str>) -> Vec<String> {
        let tables = self.read();
        match start {
            Some(start) => tables
                .range::<str, _>((std::ops::Bound::Excluded(start), std::ops::Bound::Unbounded))
                .map(|(name, _)| name.clone())
                .collect(),
            None => tables.keys().cloned().collect(),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Arc<TableMeta>>> {
        // A panic while holding the lock cannot leave the map half-updated (every update is
        // one insert or remove), so a poisoned lock is still safe to use.
        self.tables.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Arc<TableMeta>>> {
        self.tables.write().unwrap_or_else(|e| e.into_inner())
    }
}
