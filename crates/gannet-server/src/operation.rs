//! Every DynamoDB and DynamoDB Streams operation, parsed from `X-Amz-Target`.

macro_rules! operations {
    ($($service:literal => [$($name:ident),* $(,)?]),* $(,)?) => {
        /// An API operation. Listing all of them up front means an operation Gannet does not
        /// implement yet is answered by name instead of looking like a typo.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Operation {
            $($($name,)*)*
        }

        impl Operation {
            /// Parses `DynamoDB_20120810.PutItem` or `DynamoDBStreams_20120810.GetRecords`.
            pub fn from_target(target: &str) -> Option<Operation> {
                let (service, name) = target.split_once('.')?;
                match service {
                    $($service => match name {
                        $(stringify!($name) => Some(Operation::$name),)*
                        _ => None,
                    },)*
                    _ => None,
                }
            }

            pub fn name(self) -> &'static str {
                match self {
                    $($(Operation::$name => stringify!($name),)*)*
                }
            }
        }
    };
}

operations! {
    "DynamoDB_20120810" => [
        BatchExecuteStatement, BatchGetItem, BatchWriteItem, CreateBackup, CreateGlobalTable,
        CreateTable, DeleteBackup, DeleteItem, DeleteResourcePolicy, DeleteTable, DescribeBackup,
        DescribeContinuousBackups, DescribeContributorInsights, DescribeEndpoints, DescribeExport,
        DescribeGlobalTable, DescribeGlobalTableSettings, DescribeImport,
        DescribeKinesisStreamingDestination, DescribeLimits, DescribeTable,
        DescribeTableReplicaAutoScaling, DescribeTimeToLive, DisableKinesisStreamingDestination,
        EnableKinesisStreamingDestination, ExecuteStatement, ExecuteTransaction,
        ExportTableToPointInTime, GetItem, GetResourcePolicy, ImportTable, ListBackups,
        ListContributorInsights, ListExports, ListGlobalTables, ListImports, ListTables,
        ListTagsOfResource, PutItem, PutResourcePolicy, Query, RestoreTableFromBackup,
        RestoreTableToPointInTime, Scan, TagResource, TransactGetItems, TransactWriteItems,
        UntagResource, UpdateContinuousBackups, UpdateContributorInsights, UpdateGlobalTable,
        UpdateGlobalTableSettings, UpdateItem, UpdateKinesisStreamingDestination, UpdateTable,
        UpdateTableReplicaAutoScaling, UpdateTimeToLive,
    ],
    "DynamoDBStreams_20120810" => [DescribeStream, GetRecords, GetShardIterator, ListStreams],
}

#[cfg(test)]
mod tests {
    use super::Operation;

    #[test]
    fn parses_both_services() {
        assert_eq!(
            Operation::from_target("DynamoDB_20120810.PutItem"),
            Some(Operation::PutItem)
        );
        assert_eq!(
            Operation::from_target("DynamoDBStreams_20120810.GetRecords"),
            Some(Operation::GetRecords)
        );
        assert_eq!(Operation::from_target("DynamoDB_20120810.GetRecords"), None);
        assert_eq!(Operation::from_target("DynamoDB_20120810.Nope"), None);
        assert_eq!(Operation::from_target("PutItem"), None);
        assert_eq!(Operation::PutItem.name(), "PutItem");
    }
}
