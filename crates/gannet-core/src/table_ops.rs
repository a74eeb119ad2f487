//! Table-level operations: CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables,
//! tagging, DescribeLimits and DescribeEndpoints.

use std::collections::BTreeSet;
use std::sync::Arc;

use gannet_model::Error;
use gannet_model::api::{
    AttributeDefinition, AttributeDefinitionInput, BillingModeSummary, CreateTableInput,
    DescribeEndpointsOutput, DescribeLimitsOutput, DescribeTableOutput, Endpoint, KeySchemaElement,
    KeySchemaElementInput, KeyType, ListTablesInput, ListTablesOutput, ListTagsOfResourceInput,
    ListTagsOfResourceOutput, ProvisionedThroughputDescription, ProvisionedThroughputInput,
    ScalarAttributeType, StreamSpecification, TableClassSummary, TableDescription,
    TableDescriptionOutput, TableNameInput, Tag, TagResourceInput, UntagResourceInput,
    UpdateTableInput,
};
use gannet_model::error::ConstraintViolations;
use gannet_model::names::{check_table_name, check_table_name_or_arn};
use gannet_storage::{Direction, KeyRange, SharedEngine, WriteBatch};

use crate::catalog::TableMeta;
use crate::database::{Database, storage_error, table_name_of};
use crate::keys::{BASE_INDEX, NEXT_TABLE_ID, catalog_key, dropped_key, index_prefix};
use crate::stored_item::stored_item_size;
use crate::table_schema::PrimaryKey;
use crate::table_statistics::TableStatistics;

const INVALID: &str = "One or more parameter values were invalid";
const MAX_CAPACITY_UNITS: i64 = 1_000_000_000_000;
const STREAM_VIEW_TYPES: [&str; 4] = ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"];

impl Database {
    pub async fn create_table(
        self: &Arc<Self>,
        input: CreateTableInput,
    ) -> Result<TableDescriptionOutput, Error> {
        let validated = validate_create_table(&input)?;
        let _ddl = self.ddl_lock.lock().await;
        if self.live_table(&validated.table_name).is_some() {
            return Err(Error::ResourceInUse(format!(
                "Table already exists: {}",
                validated.table_name
            )));
        }
        let now_millis = self.now_millis();
        let now = now_millis as f64 / 1000.0;
        let id = self.next_table_id()?;
        let arn = self.table_arn(&validated.table_name);
        let (stream_specification, latest_stream_label, latest_stream_arn) =
            stream_members(input.stream_specification.as_ref(), &arn, now_millis);
        let (read, write) = validated.throughput.unwrap_or((0, 0));
        let description = TableDescription {
            attribute_definitions: validated.attribute_definitions,
            table_name: validated.table_name.clone(),
            key_schema: validated.key_schema,
            table_status: "ACTIVE".to_owned(),
            creation_date_time: now,
            provisioned_throughput: ProvisionedThroughputDescription {
                read_capacity_units: read,
                write_capacity_units: write,
                ..Default::default()
            },
            table_size_bytes: 0,
            item_count: 0,
            table_arn: arn,
            table_id: uuid::Uuid::new_v4().to_string(),
            billing_mode_summary: validated.pay_per_request.then(|| BillingModeSummary {
                billing_mode: "PAY_PER_REQUEST".to_owned(),
                last_update_to_pay_per_request_date_time: Some(now),
            }),
            stream_specification,
            latest_stream_label,
            latest_stream_arn,
            table_class_summary: input
                .table_class
                .as_ref()
                .filter(|class| class.as_str() != "STANDARD")
                .map(|class| TableClassSummary {
                    table_class: class.clone(),
                    last_update_date_time: None,
                }),
            deletion_protection_enabled: input.deletion_protection_enabled.unwrap_or(false),
        };
        let Some(primary_key) = PrimaryKey::from_description(&description) else {
            return Err(Error::Internal(
                "validated key schema is inconsistent".to_owned(),
            ));
        };
        let meta = TableMeta {
            id,
            description,
            primary_key,
            tags: validated.tags,
            transitional_status: Some("CREATING".to_owned()),
            transition_ends_millis: now_millis + self.config.transition_delay.as_millis() as u64,
            deleted: false,
        };
        let mut batch = WriteBatch::new();
        batch.put(catalog_key(&validated.table_name), meta.to_bytes()?);
        batch.put(NEXT_TABLE_ID.to_vec(), (id + 1).to_be_bytes().to_vec());
        self.commit(batch).await?;
        let mut description = meta.description.clone();
        description.table_status = "CREATING".to_owned();
        self.catalog.insert(meta);
        Ok(TableDescriptionOutput {
            table_description: description,
        })
    }

    pub async fn describe_table(
        &self,
        input: TableNameInput,
    ) -> Result<DescribeTableOutput, Error> {
        let table_name = required_table_name(input.table_name.as_deref())?;
        let meta = self.table_for_metadata(table_name)?;
        Ok(DescribeTableOutput {
            table: self.live_description(&meta).await?,
        })
    }

    pub async fn delete_table(
        self: &Arc<Self>,
        input: TableNameInput,
    ) -> Result<TableDescriptionOutput, Error> {
        let table_name = required_table_name(input.table_name.as_deref())?;
        let _ddl = self.ddl_lock.lock().await;
        let meta = self.table_for_metadata(table_name)?;
        let table_name = meta.description.table_name.as_str();
        let now = self.now_millis();
        match meta.status_at(now) {
            "DELETING" => {
                return Err(Error::ResourceInUse(format!(
                    "Attempt to change a resource which is still in use: Table is being deleted: {table_name}"
                )));
            }
            "CREATING" => {
                return Err(Error::ResourceInUse(format!(
                    "Attempt to change a resource which is still in use: Table is being created: {table_name}"
                )));
            }
            "UPDATING" => {
                return Err(Error::ResourceInUse(format!(
                    "Attempt to change a resource which is still in use: Table is being updated: {table_name}"
                )));
            }
            _ => {}
        }
        if meta.description.deletion_protection_enabled {
            return Err(Error::validation(
                "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
            ));
        }
        let mut description = self.live_description(&meta).await?;
        description.table_status = "DELETING".to_owned();
        let mut batch = WriteBatch::new();
        batch.delete(catalog_key(table_name));
        batch.put(dropped_key(meta.id), Vec::new());
        self.commit(batch).await?;
        if self.config.transition_delay.is_zero() {
            self.catalog.remove(table_name);
        } else {
            let mut deleting = (*meta).clone();
            deleting.deleted = true;
            deleting.transitional_status = Some("DELETING".to_owned());
            deleting.transition_ends_millis = now + self.config.transition_delay.as_millis() as u64;
            self.catalog.insert(deleting);
        }
        self.purge_table_data(meta.id);
        Ok(TableDescriptionOutput {
            table_description: description,
        })
    }

    pub async fn update_table(
        self: &Arc<Self>,
        input: UpdateTableInput,
    ) -> Result<TableDescriptionOutput, Error> {
        let mut violations = ConstraintViolations::new();
        match input.table_name.as_deref() {
            None => violations.null("tableName"),
            Some(name) => check_table_name_or_arn(name, "tableName", &mut violations),
        }
        check_billing_mode(input.billing_mode.as_deref(), &mut violations);
        check_throughput(input.provisioned_throughput.as_ref(), &mut violations);
        check_table_class(input.table_class.as_deref(), &mut violations);
        violations.into_result()?;
        let table_name = input.table_name.as_deref().unwrap_or_default();
        if input.global_secondary_index_updates.is_some() || input.replica_updates.is_some() {
            return Err(Error::validation(
                "Gannet does not support secondary indexes or replicas yet (GlobalSecondaryIndexUpdates / ReplicaUpdates)",
            ));
        }
        if input.billing_mode.is_none()
            && input.provisioned_throughput.is_none()
            && input.deletion_protection_enabled.is_none()
            && input.table_class.is_none()
            && input.stream_specification.is_none()
            && input.sse_specification.is_none()
        {
            return Err(Error::validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required",
            ));
        }

        let _ddl = self.ddl_lock.lock().await;
        let meta = self.table_for_metadata(table_name)?;
        let table_name = meta.description.table_name.as_str();
        let now_millis = self.now_millis();
        let now = now_millis as f64 / 1000.0;
        if meta.status_at(now_millis) != "ACTIVE" {
            return Err(Error::ResourceInUse(format!(
                "Attempt to change a resource which is still in use: Table is being {}: {table_name}",
                match meta.status_at(now_millis) {
                    "CREATING" => "created",
                    "DELETING" => "deleted",
                    _ => "updated",
                }
            )));
        }
        let mut updated = (*meta).clone();
        let description = &mut updated.description;
        let currently_on_demand = description
            .billing_mode_summary
            .as_ref()
            .is_some_and(|s| s.billing_mode == "PAY_PER_REQUEST");
        let to_on_demand = match input.billing_mode.as_deref() {
            Some("PAY_PER_REQUEST") => true,
            Some(_) => false,
            None => currently_on_demand,
        };
        if to_on_demand {
            if input.provisioned_throughput.is_some() {
                return Err(Error::Validation(format!(
                    "{INVALID}: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
                )));
            }
            if !currently_on_demand {
                description.billing_mode_summary = Some(BillingModeSummary {
                    billing_mode: "PAY_PER_REQUEST".to_owned(),
                    last_update_to_pay_per_request_date_time: Some(now),
                });
                description.provisioned_throughput.read_capacity_units = 0;
                description.provisioned_throughput.write_capacity_units = 0;
            }
        } else {
            match input.provisioned_throughput.as_ref() {
                Some(ProvisionedThroughputInput {
                    read_capacity_units: Some(read),
                    write_capacity_units: Some(write),
                }) => {
                    let throughput = &mut description.provisioned_throughput;
                    if !currently_on_demand
                        && *read == throughput.read_capacity_units
                        && *write == throughput.write_capacity_units
                    {
                        return Err(Error::Validation(format!(
                            "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: {}. Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the table: {}. Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
                            throughput.read_capacity_units, throughput.write_capacity_units
                        )));
                    }
                    if *read > throughput.read_capacity_units
                        || *write > throughput.write_capacity_units
                    {
                        throughput.last_increase_date_time = Some(now);
                    }
                    if !currently_on_demand
                        && (*read < throughput.read_capacity_units
                            || *write < throughput.write_capacity_units)
                    {
                        throughput.last_decrease_date_time = Some(now);
                        throughput.number_of_decreases_today += 1;
                    }
                    throughput.read_capacity_units = *read;
                    throughput.write_capacity_units = *write;
                    if currently_on_demand {
                        description.billing_mode_summary = Some(BillingModeSummary {
                            billing_mode: "PROVISIONED".to_owned(),
                            last_update_to_pay_per_request_date_time: description
                                .billing_mode_summary
                                .as_ref()
                                .and_then(|s| s.last_update_to_pay_per_request_date_time),
                        });
                    }
                }
                Some(_) => {
                    return Err(Error::Validation(format!(
                        "{INVALID}: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
                    )));
                }
                None if currently_on_demand => {
                    return Err(Error::Validation(format!(
                        "{INVALID}: ProvisionedThroughput must be specified when BillingMode is PROVISIONED"
                    )));
                }
                None => {}
            }
        }
        if let Some(protection) = input.deletion_protection_enabled {
            description.deletion_protection_enabled = protection;
        }
        if let Some(class) = input.table_class.as_ref() {
            description.table_class_summary = Some(TableClassSummary {
                table_class: class.clone(),
                last_update_date_time: Some(now),
            });
        }
        if let Some(spec) = input.stream_specification.as_ref() {
            check_stream_specification(spec)?;
            let enabled = description
                .stream_specification
                .as_ref()
                .is_some_and(|s| s.stream_enabled == Some(true));
            match (spec.stream_enabled == Some(true), enabled) {
                (true, true) => {
                    return Err(Error::Validation(format!(
                        "Table already has an enabled stream: {}",
                        description.table_arn
                    )));
                }
                (false, false) => {
                    return Err(Error::Validation(format!(
                        "Table already has no enabled stream: {}",
                        description.table_arn
                    )));
                }
                (true, false) => {
                    let (spec, label, arn) =
                        stream_members(Some(spec), &description.table_arn, now_millis);
                    description.stream_specification = spec;
                    description.latest_stream_label = label;
                    description.latest_stream_arn = arn;
                }
                (false, true) => {
                    description.stream_specification = Some(StreamSpecification {
                        stream_enabled: Some(false),
                        stream_view_type: None,
                    });
                }
            }
        }
        updated.transitional_status = Some("UPDATING".to_owned());
        updated.transition_ends_millis =
            now_millis + self.config.transition_delay.as_millis() as u64;
        let mut batch = WriteBatch::new();
        batch.put(catalog_key(table_name), updated.to_bytes()?);
        self.commit(batch).await?;
        let mut description = self.live_description(&updated).await?;
        description.table_status = "UPDATING".to_owned();
        self.catalog.insert(updated);
        Ok(TableDescriptionOutput {
            table_description: description,
        })
    }

    pub fn list_tables(&self, input: ListTablesInput) -> Result<ListTablesOutput, Error> {
        let mut violations = ConstraintViolations::new();
        if let Some(limit) = input.limit {
            if limit < 1 {
                violations.invalid(
                    &limit.to_string(),
                    "limit",
                    "Member must have value greater than or equal to 1",
                );
            } else if limit > 100 {
                violations.invalid(
                    &limit.to_string(),
                    "limit",
                    "Member must have value less than or equal to 100",
                );
            }
        }
        if let Some(start) = input.exclusive_start_table_name.as_deref() {
            check_table_name(start, "exclusiveStartTableName", &mut violations);
        }
        violations.into_result()?;
        let limit = input.limit.unwrap_or(100) as usize;
        let names: Vec<String> = self
            .catalog
            .names_after(input.exclusive_start_table_name.as_deref())
            .into_iter()
            .filter(|name| self.live_table(name).is_some())
            .collect();
        let more = names.len() > limit;
        let table_names: Vec<String> = names.into_iter().take(limit).collect();
        Ok(ListTablesOutput {
            last_evaluated_table_name: if more {
                table_names.last().cloned()
            } else {
                None
            },
            table_names,
        })
    }

    pub async fn tag_resource(&self, input: TagResourceInput) -> Result<(), Error> {
        let mut violations = ConstraintViolations::new();
        if input.resource_arn.is_none() {
            violations.null("resourceArn");
        }
        if input.tags.is_none() {
            violations.null("tags");
        }
        violations.into_result()?;
        let tags = validate_tags(input.tags.unwrap_or_default())?;
        let _ddl = self.ddl_lock.lock().await;
        let meta = self.table_for_arn(input.resource_arn.as_deref().unwrap_or_default())?;
        let mut updated = (*meta).clone();
        for (key, value) in tags {
            match updated.tags.iter_mut().find(|(k, _)| *k == key) {
                Some(existing) => existing.1 = value,
                None => updated.tags.push((key, value)),
            }
        }
        if updated.tags.len() > 50 {
            return Err(Error::validation(
                "One or more parameter values were invalid: The number of tags exceeds the limit of 50 tags per resource",
            ));
        }
        self.store_meta(updated).await
    }

    pub async fn untag_resource(&self, input: UntagResourceInput) -> Result<(), Error> {
        let mut violations = ConstraintViolations::new();
        if input.resource_arn.is_none() {
            violations.null("resourceArn");
        }
        if input.tag_keys.is_none() {
            violations.null("tagKeys");
        }
        violations.into_result()?;
        let _ddl = self.ddl_lock.lock().await;
        let meta = self.table_for_arn(input.resource_arn.as_deref().unwrap_or_default())?;
        let keys: BTreeSet<String> = input.tag_keys.unwrap_or_default().into_iter().collect();
        let mut updated = (*meta).clone();
        updated.tags.retain(|(k, _)| !keys.contains(k));
        self.store_meta(updated).await
    }

    pub fn list_tags_of_resource(
        &self,
        input: ListTagsOfResourceInput,
    ) -> Result<ListTagsOfResourceOutput, Error> {
        let Some(arn) = input.resource_arn.as_deref() else {
            let mut violations = ConstraintViolations::new();
            violations.null("resourceArn");
            violations.into_result()?;
            return Err(Error::Internal("validated members missing".to_owned()));
        };
        let meta = self.table_for_arn(arn)?;
        Ok(ListTagsOfResourceOutput {
            tags: meta
                .tags
                .iter()
                .map(|(k, v)| Tag {
                    key: Some(k.clone()),
                    value: Some(v.clone()),
                })
                .collect(),
            next_token: None,
        })
    }

    pub fn describe_limits(&self) -> DescribeLimitsOutput {
        DescribeLimitsOutput {
            account_max_read_capacity_units: 80_000,
            account_max_write_capacity_units: 80_000,
            table_max_read_capacity_units: 40_000,
            table_max_write_capacity_units: 40_000,
        }
    }

    pub fn describe_endpoints(&self) -> DescribeEndpointsOutput {
        DescribeEndpointsOutput {
            endpoints: vec![Endpoint {
                address: self.config.endpoint_address.clone(),
                cache_period_in_minutes: 1440,
            }],
        }
    }

    fn table_arn(&self, table_name: &str) -> String {
        format!(
            "arn:aws:dynamodb:{}:{}:table/{table_name}",
            self.config.region, self.config.account_id
        )
    }

    fn table_for_metadata(&self, table_name: &str) -> Result<Arc<TableMeta>, Error> {
        self.live_table(table_name)
            .ok_or_else(|| Error::table_not_found(table_name_of(table_name)))
    }

    fn table_for_arn(&self, arn: &str) -> Result<Arc<TableMeta>, Error> {
        let prefix = format!(
            "arn:aws:dynamodb:{}:{}:table/",
            self.config.region, self.config.account_id
        );
        let Some(table_name) = arn
            .strip_prefix("arn:aws:dynamodb:")
            .and_then(|_| arn.split_once(":table/").map(|(_, name)| name))
        else {
            return Err(Error::Validation(format!(
                "Invalid TableArn: Invalid ResourceArn provided as input {arn}"
            )));
        };
        match self.live_table(table_name) {
            Some(meta) if arn.starts_with(&prefix) => Ok(meta),
            _ => Err(Error::ResourceNotFound(format!(
                "Requested resource not found: ResourcArn: {arn} not found"
            ))),
        }
    }

    async fn store_meta(&self, meta: TableMeta) -> Result<(), Error> {
        let mut batch = WriteBatch::new();
        batch.put(catalog_key(&meta.description.table_name), meta.to_bytes()?);
        self.commit(batch).await?;
        self.catalog.insert(meta);
        Ok(())
    }

    fn next_table_id(&self) -> Result<u64, Error> {
        let stored = self.engine.get(NEXT_TABLE_ID).map_err(storage_error)?;
        Ok(stored
            .as_deref()
            .and_then(|b| b.first_chunk::<8>())
            .map(|b| u64::from_be_bytes(*b))
            .unwrap_or(1))
    }

    /// The description with the current status and live item statistics.
    async fn live_description(&self, meta: &TableMeta) -> Result<TableDescription, Error> {
        let now = self.now_millis();
        let mut description = meta.description.clone();
        description.table_status = meta.status_at(now).to_owned();
        let statistics = match self.table_statistics.fresh(meta.id, now) {
            Some(statistics) => statistics,
            None => {
                // Counting walks the whole table: keep it off the request threads.
                let engine = self.engine.clone();
                let table_id = meta.id;
                let statistics =
                    tokio::task::spawn_blocking(move || count_items(&engine, table_id))
                        .await
                        .map_err(|err| Error::Internal(format!("item count failed: {err}")))??;
                self.table_statistics.store(meta.id, now, statistics);
                statistics
            }
        };
        description.item_count = statistics.item_count as i64;
        description.table_size_bytes = statistics.size_bytes as i64;
        Ok(description)
    }
}

fn count_items(engine: &SharedEngine, table_id: u64) -> Result<TableStatistics, Error> {
    let (mut count, mut bytes) = (0u64, 0u64);
    engine
        .visit(
            &KeyRange::prefix(&index_prefix(table_id, BASE_INDEX)),
            Direction::Forward,
            &mut |_, value| {
                count += 1;
                bytes += stored_item_size(value);
                std::ops::ControlFlow::Continue(())
            },
        )
        .map_err(storage_error)?;
    Ok(TableStatistics {
        item_count: count,
        size_bytes: bytes,
    })
}

fn required_table_name(name: Option<&str>) -> Result<&str, Error> {
    let mut violations = ConstraintViolations::new();
    match name {
        None => violations.null("tableName"),
        Some(name) => check_table_name_or_arn(name, "tableName", &mut violations),
    }
    violations.into_result()?;
    name.ok_or_else(|| Error::Internal("validated members missing".to_owned()))
}

struct ValidatedCreateTable {
    table_name: String,
    attribute_definitions: Vec<AttributeDefinition>,
    key_schema: Vec<KeySchemaElement>,
    pay_per_request: bool,
    throughput: Option<(i64, i64)>,
    tags: Vec<(String, String)>,
}

fn check_billing_mode(mode: Option<&str>, violations: &mut ConstraintViolations) {
    if let Some(mode) = mode
        && !matches!(mode, "PROVISIONED" | "PAY_PER_REQUEST")
    {
        violations.invalid(
            mode,
            "billingMode",
            "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
        );
    }
}

fn check_table_class(class: Option<&str>, violations: &mut ConstraintViolations) {
    if let Some(class) = class
        && !matches!(class, "STANDARD" | "STANDARD_INFREQUENT_ACCESS")
    {
        violations.invalid(
            class,
            "tableClass",
            "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]",
        );
    }
}

fn check_throughput(
    throughput: Option<&ProvisionedThroughputInput>,
    violations: &mut ConstraintViolations,
) {
    let Some(throughput) = throughput else { return };
    for (value, member) in [
        (
            throughput.write_capacity_units,
            "provisionedThroughput.writeCapacityUnits",
        ),
        (
            throughput.read_capacity_units,
            "provisionedThroughput.readCapacityUnits",
        ),
    ] {
        match value {
            None => violations.null(member),
            Some(v) if v < 1 => violations.invalid(
                &v.to_string(),
                member,
                "Member must have value greater than or equal to 1",
            ),
            Some(_) => {}
        }
    }
}

fn check_stream_specification(spec: &StreamSpecification) -> Result<(), Error> {
    let mut violations = ConstraintViolations::new();
    if spec.stream_enabled.is_none() {
        violations.null("streamSpecification.streamEnabled");
    }
    if let Some(view) = spec.stream_view_type.as_deref()
        && !STREAM_VIEW_TYPES.contains(&view)
    {
        violations.invalid(
            view,
            "streamSpecification.streamViewType",
            "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]",
        );
    }
    violations.into_result()?;
    match (spec.stream_enabled, spec.stream_view_type.as_deref()) {
        (Some(true), None) => Err(Error::Validation(format!(
            "{INVALID}: You must specify a StreamViewType when enabling a stream"
        ))),
        (Some(false), Some(_)) => Err(Error::Validation(format!(
            "{INVALID}: You cannot modify or specify a StreamViewType when disabling a stream"
        ))),
        _ => Ok(()),
    }
}

/// StreamSpecification, LatestStreamLabel and LatestStreamArn of a table whose stream is set
/// as `spec` asks at `now_millis`.
fn stream_members(
    spec: Option<&StreamSpecification>,
    table_arn: &str,
    now_millis: u64,
) -> (Option<StreamSpecification>, Option<String>, Option<String>) {
    match spec {
        Some(spec) if spec.stream_enabled == Some(true) => {
            let label = stream_label(now_millis);
            let arn = format!("{table_arn}/stream/{label}");
            (Some(spec.clone()), Some(label), Some(arn))
        }
        _ => (None, None, None),
    }
}

/// An ISO-8601 UTC timestamp with milliseconds, the form of DynamoDB's stream labels.
fn stream_label(now_millis: u64) -> String {
    let seconds = now_millis / 1000;
    let millis = now_millis % 1000;
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    let (hour, minute, second) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil-from-days (Howard Hinnant's algorithm), so no date crate is needed for one format.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}")
}

fn validate_tags(tags: Vec<Tag>) -> Result<Vec<(String, String)>, Error> {
    let mut violations = ConstraintViolations::new();
    let mut out = Vec::with_capacity(tags.len());
    for (i, tag) in tags.into_iter().enumerate() {
        let member = i + 1;
        match tag.key {
            None => violations.null(&format!("tags.{member}.member.key")),
            Some(ref k) if k.is_empty() || k.chars().count() > 128 => violations.invalid(
                k,
                &format!("tags.{member}.member.key"),
                if k.is_empty() {
                    "Member must have length greater than or equal to 1"
                } else {
                    "Member must have length less than or equal to 128"
                },
            ),
            _ => {}
        }
        match tag.value {
            None => violations.null(&format!("tags.{member}.member.value")),
            Some(ref v) if v.chars().count() > 256 => violations.invalid(
                v,
                &format!("tags.{member}.member.value"),
                "Member must have length less than or equal to 256",
            ),
            _ => {}
        }
        if let (Some(k), Some(v)) = (tag.key, tag.value) {
            out.push((k, v));
        }
    }
    violations.into_result()?;
    Ok(out)
}

fn validate_create_table(input: &CreateTableInput) -> Result<ValidatedCreateTable, Error> {
    let mut violations = ConstraintViolations::new();
    match input.table_name.as_deref() {
        None => violations.null("tableName"),
        Some(name) => check_table_name(name, "tableName", &mut violations),
    }
    match input.attribute_definitions.as_ref() {
        None => violations.null("attributeDefinitions"),
        Some(definitions) => {
            for (i, d) in definitions.iter().enumerate() {
                let member = format!("attributeDefinitions.{}.member", i + 1);
                if d.attribute_name.is_none() {
                    violations.null(&format!("{member}.attributeName"));
                }
                match d.attribute_type.as_deref() {
                    None => violations.null(&format!("{member}.attributeType")),
                    Some("S" | "N" | "B") => {}
                    Some(other) => violations.invalid(
                        other,
                        &format!("{member}.attributeType"),
                        "Member must satisfy enum value set: [B, N, S]",
                    ),
                }
            }
        }
    }
    match input.key_schema.as_ref() {
        None => violations.null("keySchema"),
        Some(schema) => {
            if schema.is_empty() || schema.len() > 2 {
                violations.invalid(
                    &render_key_schema(schema),
                    "keySchema",
                    if schema.is_empty() {
                        "Member must have length greater than or equal to 1"
                    } else {
                        "Member must have length less than or equal to 2"
                    },
                );
            }
            for (i, e) in schema.iter().enumerate() {
                let member = format!("keySchema.{}.member", i + 1);
                if e.attribute_name.is_none() {
                    violations.null(&format!("{member}.attributeName"));
                }
                match e.key_type.as_deref() {
                    None => violations.null(&format!("{member}.keyType")),
                    Some("HASH" | "RANGE") => {}
                    Some(other) => violations.invalid(
                        other,
                        &format!("{member}.keyType"),
                        "Member must satisfy enum value set: [HASH, RANGE]",
                    ),
                }
            }
        }
    }
    check_billing_mode(input.billing_mode.as_deref(), &mut violations);
    check_throughput(input.provisioned_throughput.as_ref(), &mut violations);
    check_table_class(input.table_class.as_deref(), &mut violations);
    violations.into_result()?;

    let (Some(table_name), Some(definitions), Some(schema)) = (
        input.table_name.clone(),
        input.attribute_definitions.as_ref(),
        input.key_schema.as_ref(),
    ) else {
        return Err(Error::Internal("validated members missing".to_owned()));
    };

    let pay_per_request = input.billing_mode.as_deref() == Some("PAY_PER_REQUEST");
    let throughput = if pay_per_request {
        if input.provisioned_throughput.is_some() {
            return Err(Error::Validation(format!(
                "{INVALID}: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )));
        }
        None
    } else {
        let Some(ProvisionedThroughputInput {
            read_capacity_units: Some(read),
            write_capacity_units: Some(write),
        }) = input.provisioned_throughput
        else {
            return Err(Error::Validation(format!(
                "{INVALID}: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
            )));
        };
        for (value, name) in [(read, "ReadCapacityUnits"), (write, "WriteCapacityUnits")] {
            if value > MAX_CAPACITY_UNITS {
                return Err(Error::Validation(format!(
                    "Given value {value} for {name} is out of bounds"
                )));
            }
        }
        Some((read, write))
    };

    let defined: Vec<&str> = definitions
        .iter()
        .filter_map(|d| d.attribute_name.as_deref())
        .collect();
    let keys: Vec<&str> = schema
        .iter()
        .filter_map(|e| e.attribute_name.as_deref())
        .collect();
    if keys.len() > defined.len() {
        return Err(Error::validation(
            "Invalid KeySchema: Some index key attribute have no definition",
        ));
    }
    if keys.iter().any(|k| !defined.contains(k)) {
        return Err(Error::Validation(format!(
            "{INVALID}: Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            keys.join(", "),
            defined.join(", ")
        )));
    }
    if keys.len() == 2 && keys[0] == keys[1] {
        return Err(Error::validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ));
    }
    if schema.first().and_then(|e| e.key_type.as_deref()) != Some("HASH") {
        return Err(Error::validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ));
    }
    if schema
        .get(1)
        .is_some_and(|e| e.key_type.as_deref() != Some("RANGE"))
    {
        return Err(Error::validation(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ));
    }
    if input.global_secondary_indexes.is_some() || input.local_secondary_indexes.is_some() {
        return Err(Error::validation(
            "Gannet does not support secondary indexes yet (GlobalSecondaryIndexes / LocalSecondaryIndexes)",
        ));
    }
    let mut seen = BTreeSet::new();
    if let Some(duplicate) = defined.iter().find(|name| !seen.insert(**name)) {
        return Err(Error::Validation(format!(
            "{INVALID}: Duplicate AttributeName {duplicate} in AttributeDefinitions"
        )));
    }
    if schema.len() != definitions.len() {
        return Err(Error::Validation(format!(
            "{INVALID}: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
        )));
    }
    if let Some(spec) = input.stream_specification.as_ref() {
        check_stream_specification(spec)?;
    }
    let tags = validate_tags(input.tags.clone().unwrap_or_default())?;

    Ok(ValidatedCreateTable {
        table_name,
        attribute_definitions: definitions.iter().filter_map(to_definition).collect(),
        key_schema: schema.iter().filter_map(to_key_element).collect(),
        pay_per_request,
        throughput,
        tags,
    })
}

fn to_definition(d: &AttributeDefinitionInput) -> Option<AttributeDefinition> {
    Some(AttributeDefinition {
        attribute_name: d.attribute_name.clone()?,
        attribute_type: match d.attribute_type.as_deref()? {
            "S" => ScalarAttributeType::S,
            "N" => ScalarAttributeType::N,
            "B" => ScalarAttributeType::B,
            _ => return None,
        },
    })
}

fn to_key_element(e: &KeySchemaElementInput) -> Option<KeySchemaElement> {
    Some(KeySchemaElement {
        attribute_name: e.attribute_name.clone()?,
        key_type: match e.key_type.as_deref()? {
            "HASH" => KeyType::Hash,
            "RANGE" => KeyType::Range,
            _ => return None,
        },
    })
}

fn render_key_schema(schema: &[KeySchemaElementInput]) -> String {
    let elements: Vec<String> = schema
        .iter()
        .map(|e| {
            format!(
                "KeySchemaElement(attributeName={}, keyType={})",
                e.attribute_name.as_deref().unwrap_or("null"),
                e.key_type.as_deref().unwrap_or("null")
            )
        })
        .collect();
    format!("[{}]", elements.join(", "))
}

#[cfg(test)]
mod tests {
    use super::stream_label;

    #[test]
    fn stream_labels_are_iso_timestamps() {
        assert_eq!(stream_label(0), "1970-01-01T00:00:00.000");
        assert_eq!(stream_label(1_764_063_000_123), "2025-11-25T09:30:00.123");
        assert_eq!(stream_label(951_782_400_000), "2000-02-29T00:00:00.000");
    }
}
