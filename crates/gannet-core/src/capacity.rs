//! Consumed capacity as DynamoDB reports it: one write unit per started KB written, one read
//! unit per started 4 KB read strongly (half for an eventually consistent read).

use gannet_model::Error;
use gannet_model::api::{Capacity, ConsumedCapacity};
use gannet_model::error::ConstraintViolations;

/// Parsed ReturnConsumedCapacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityReport {
    None,
    Total,
    Indexes,
}

/// ReturnItemCollectionMetrics must be SIZE or NONE. Metrics are answered only for tables with
/// local secondary indexes, which Gannet does not have yet, so only the value is checked.
pub fn check_item_collection_metrics(value: Option<&str>) -> Result<(), Error> {
    let mut violations = ConstraintViolations::new();
    collect_item_collection_metrics(value, &mut violations);
    violations.into_result()
}

/// ReturnConsumedCapacity then ReturnItemCollectionMetrics of a batch or transaction write,
/// into the request's other member violations: DynamoDB reports every failing member in one
/// message, in this order.
pub fn collect_write_reports(
    consumed_capacity: Option<&str>,
    item_collection_metrics: Option<&str>,
    violations: &mut ConstraintViolations,
) -> CapacityReport {
    let report = CapacityReport::collect(consumed_capacity, violations);
    collect_item_collection_metrics(item_collection_metrics, violations);
    report
}

fn collect_item_collection_metrics(value: Option<&str>, violations: &mut ConstraintViolations) {
    if let Some(other) = value.filter(|v| !matches!(*v, "SIZE" | "NONE")) {
        violations.invalid(
            other,
            "returnItemCollectionMetrics",
            "Member must satisfy enum value set: [SIZE, NONE]",
        );
    }
}

impl CapacityReport {
    pub fn parse(value: Option<&str>) -> Result<CapacityReport, Error> {
        let mut violations = ConstraintViolations::new();
        let report = Self::collect(value, &mut violations);
        violations.into_result().map(|()| report)
    }

    /// As `parse`, into a request's other member violations; `None` when invalid.
    pub fn collect(value: Option<&str>, violations: &mut ConstraintViolations) -> CapacityReport {
        match value {
            None | Some("NONE") => CapacityReport::None,
            Some("TOTAL") => CapacityReport::Total,
            Some("INDEXES") => CapacityReport::Indexes,
            Some(other) => {
                violations.invalid(
                    other,
                    "returnConsumedCapacity",
                    "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
                );
                CapacityReport::None
            }
        }
    }

    /// One entry per table, for the operations that answer a list (batches, transactions).
    pub fn report_per_table(
        self,
        units: impl IntoIterator<Item = (String, f64)>,
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

/// Units per table in the order the tables first appear in a request: transactions list
/// their ConsumedCapacity "ordered according to the ordering of the TransactItems".
#[derive(Debug, Default)]
pub struct UnitsInRequestOrder(Vec<(String, f64)>);

impl UnitsInRequestOrder {
    pub fn add(&mut self, table_name: &str, units: f64) {
        match self.0.iter_mut().find(|(name, _)| name == table_name) {
            Some((_, total)) => *total += units,
            None => self.0.push((table_name.to_owned(), units)),
        }
    }
}

impl IntoIterator for UnitsInRequestOrder {
    type Item = (String, f64);
    type IntoIter = std::vec::IntoIter<(String, f64)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
