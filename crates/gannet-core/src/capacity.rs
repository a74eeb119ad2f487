//! Consumed capacity as DynamoDB reports it: one write unit per started KB written, one read
//! unit per started 4 KB read strongly (half for an eventually consistent read).

use gannet_model::Error;
use gannet_model::api::{Capacity, ConsumedCapacity};

/// Parsed ReturnConsumedCapacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityReport {
    None,
    Total,
    Indexes,
}

impl CapacityReport {
    pub fn parse(value: Option<&str>) -> Result<CapacityReport, Error> {
        match value {
            None | Some("NONE") => Ok(CapacityReport::None),
            Some("TOTAL") => Ok(CapacityReport::Total),
            Some("INDEXES") => Ok(CapacityReport::Indexes),
            Some(other) => Err(Error::Validation(format!(
                "1 validation error detected: Value '{other}' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
            ))),
        }
    }

    /// One entry per table, for the operations that answer a list (batches, transactions).
    pub fn report_per_table(
        self,
        units: std::collections::BTreeMap<String, f64>,
    ) -> Option<Vec<ConsumedCapacity>> {
        (self != CapacityReport::None).then(|| {
            units
                .into_iter()
                .filter_map(|(table, units)| self.report(&table, units))
                .collect()
        })
    }

    pub fn report(self, table_name: &str, units: f64) -> Option<ConsumedCapacity> {
        match self {
            CapacityReport::None => None,
            // Tables have no secondary indexes yet, so under INDEXES the table's share is the
            // whole.
            CapacityReport::Total | CapacityReport::Indexes => Some(ConsumedCapacity {
                table_name: table_name.to_owned(),
                capacity_units: units,
                table: (self == CapacityReport::Indexes).then_some(Capacity {
                    capacity_units: units,
                }),
            }),
        }
    }
}

pub fn write_units(item_size: usize) -> f64 {
    item_size.div_ceil(1024).max(1) as f64
}

pub fn read_units(item_size: usize, consistent: bool) -> f64 {
    let units = item_size.div_ceil(4096).max(1) as f64;
    if consistent { units } else { units / 2.0 }
}
