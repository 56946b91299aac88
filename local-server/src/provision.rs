//! Creates the local table from the SAM template's own definition, and the evidence bucket.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction,
    GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CorsConfiguration, CorsRule, CreateBucketConfiguration,
    VersioningConfiguration,
};
use serde::Deserialize;
use thiserror::Error;

/// The template's table resource.
pub const TABLE_RESOURCE: &str = "ReportsTable";

#[derive(Debug, Error)]
pub enum ProvisionError {
    #[error("template: {0}")]
    Template(String),
    #[error("{0}")]
    Aws(String),
}

fn aws(error: impl std::error::Error + 'static) -> ProvisionError {
    ProvisionError::Aws(aws_smithy_types::error::display::DisplayErrorContext(&error).to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CfnAttribute {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CfnKey {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CfnProjection {
    pub projection_type: String,
    #[serde(default)]
    pub non_key_attributes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CfnIndex {
    pub index_name: String,
    pub key_schema: Vec<CfnKey>,
    pub projection: CfnProjection,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CfnStream {
    pub stream_view_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CfnTtl {
    pub attribute_name: String,
    pub enabled: bool,
}

/// The parts of `AWS::DynamoDB::Table` that shape the data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDefinition {
    pub attribute_definitions: Vec<CfnAttribute>,
    pub key_schema: Vec<CfnKey>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<CfnIndex>,
    pub stream_specification: Option<CfnStream>,
    pub time_to_live_specification: Option<CfnTtl>,
}

/// Reads the table's properties out of a SAM template.
pub fn table_definition(template: &str) -> Result<TableDefinition, ProvisionError> {
    let bad = |what: &str| ProvisionError::Template(what.to_owned());
    let document: serde_yaml_ng::Value = serde_yaml_ng::from_str(template).map_err(|e| bad(&e.to_string()))?;
    let properties = document
        .get("Resources")
        .and_then(|r| r.get(TABLE_RESOURCE))
        .and_then(|t| t.get("Properties"))
        .ok_or_else(|| bad("no Resources.ReportsTable.Properties"))?;
    serde_yaml_ng::from_value(properties.clone()).map_err(|e| bad(&e.to_string()))
}

fn key(k: &CfnKey) -> Result<KeySchemaElement, ProvisionError> {
    KeySchemaElement::builder()
        .attribute_name(&k.attribute_name)
        .key_type(KeyType::from(k.key_type.as_str()))
        .build()
        .map_err(aws)
}

fn keys(keys: &[CfnKey]) -> Result<Vec<KeySchemaElement>, ProvisionError> {
    keys.iter().map(key).collect()
}

fn attribute(a: &CfnAttribute) -> Result<AttributeDefinition, ProvisionError> {
    AttributeDefinition::builder()
        .attribute_name(&a.attribute_name)
        .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
        .build()
        .map_err(aws)
}

fn projection(p: &CfnProjection) -> Projection {
    Projection::builder()
        .projection_type(ProjectionType::from(p.projection_type.as_str()))
        .set_non_key_attributes((!p.non_key_attributes.is_empty()).then(|| p.non_key_attributes.clone()))
        .build()
}

fn global_index(index: &CfnIndex) -> Result<GlobalSecondaryIndex, ProvisionError> {
    GlobalSecondaryIndex::builder()
        .index_name(&index.index_name)
        .set_key_schema(Some(keys(&index.key_schema)?))
        .projection(projection(&index.projection))
        .build()
        .map_err(aws)
}

/// An index's projection, comparable: its type and its sorted non-key attributes.
fn projected(p: Option<&Projection>) -> (String, Vec<String>) {
    let mut attributes = p.map(|p| p.non_key_attributes().to_vec()).unwrap_or_default();
    attributes.sort();
    let kind = p
        .and_then(|p| p.projection_type())
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default();
    (kind, attributes)
}

/// A table kept from an older template (`scripts/local`'s store) gets the indexes added since,
/// one per UpdateTable as DynamoDB requires; DynamoDB Local fills them from the items at once.
/// An index whose projection the template changed is made again (DynamoDB cannot change one in
/// place; a deployed stack needs a new index name for it, docs/data-model.md).
async fn add_missing_indexes(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    definition: &TableDefinition,
) -> Result<(), ProvisionError> {
    let described = client.describe_table().table_name(table).send().await.map_err(aws)?;
    let existing: Vec<(String, (String, Vec<String>))> = described
        .table()
        .map(|t| t.global_secondary_indexes())
        .unwrap_or_default()
        .iter()
        .filter_map(|i| Some((i.index_name()?.to_owned(), projected(i.projection()))))
        .collect();
    for index in &definition.global_secondary_indexes {
        let wanted = projected(Some(&projection(&index.projection)));
        match existing.iter().find(|(name, _)| *name == index.index_name) {
            Some((_, stored)) if *stored == wanted => continue,
            Some(_) => {
                let delete = DeleteGlobalSecondaryIndexAction::builder()
                    .index_name(&index.index_name)
                    .build()
                    .map_err(aws)?;
                client
                    .update_table()
                    .table_name(table)
                    .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().delete(delete).build())
                    .send()
                    .await
                    .map_err(aws)?;
                tracing::info!(index = %index.index_name, "making again an index whose projection the template changed");
                wait_for_index(client, table, &index.index_name, Awaited::Gone).await?;
            }
            None => {}
        }
        let mut update = client.update_table().table_name(table);
        for name in index.key_schema.iter().map(|k| &k.attribute_name) {
            let defined = definition
                .attribute_definitions
                .iter()
                .find(|a| &a.attribute_name == name)
                .ok_or_else(|| ProvisionError::Template(format!("no attribute definition for {name}")))?;
            update = update.attribute_definitions(attribute(defined)?);
        }
        let create = CreateGlobalSecondaryIndexAction::builder()
            .index_name(&index.index_name)
            .set_key_schema(Some(keys(&index.key_schema)?))
            .projection(projection(&index.projection))
            .build()
            .map_err(aws)?;
        update
            .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(create).build())
            .send()
            .await
            .map_err(aws)?;
        tracing::info!(index = %index.index_name, "adding an index the template gained since the table was made");
        wait_for_index(client, table, &index.index_name, Awaited::Active).await?;
    }
    Ok(())
}

/// What an index is waited for: gone after a delete, or active after a create (DynamoDB Local
/// fills a new index in the background and fails queries on it until then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Awaited {
    Gone,
    Active,
}

async fn wait_for_index(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    index: &str,
    awaited: Awaited,
) -> Result<(), ProvisionError> {
    for _ in 0..1200 {
        let described = client.describe_table().table_name(table).send().await.map_err(aws)?;
        let found = described
            .table()
            .map(|t| t.global_secondary_indexes())
            .unwrap_or_default()
            .iter()
            .find(|i| i.index_name() == Some(index))
            .map(|i| i.index_status() == Some(&IndexStatus::Active));
        let done = match awaited {
            Awaited::Gone => found.is_none(),
            Awaited::Active => found == Some(true),
        };
        if done {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    Err(ProvisionError::Aws(format!(
        "index {index} of {table} was not {awaited:?} after 5 minutes"
    )))
}

/// Creates `table` as the template defines it; an existing table gains the indexes it lacks.
pub async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    definition: &TableDefinition,
) -> Result<(), ProvisionError> {
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest);
    for a in &definition.attribute_definitions {
        request = request.attribute_definitions(attribute(a)?);
    }
    request = request.set_key_schema(Some(keys(&definition.key_schema)?));
    for index in &definition.global_secondary_indexes {
        request = request.global_secondary_indexes(global_index(index)?);
    }
    if let Some(stream) = &definition.stream_specification {
        request = request.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(stream.stream_view_type.as_str()))
                .build()
                .map_err(aws)?,
        );
    }
    match request.send().await {
        Ok(_) => {}
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            return add_missing_indexes(client, table, definition).await;
        }
        Err(error) => return Err(aws(error)),
    }
    if let Some(ttl) = &definition.time_to_live_specification {
        client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(&ttl.attribute_name)
                    .enabled(ttl.enabled)
                    .build()
                    .map_err(aws)?,
            )
            .send()
            .await
            .map_err(aws)?;
    }
    Ok(())
}

/// Creates the evidence bucket (idempotent) as the template does: versioned, Object Lock on (so
/// a sealed copy can be locked), with CORS open for local pages.
pub async fn create_bucket(client: &aws_sdk_s3::Client, bucket: &str, region: &str) -> Result<(), ProvisionError> {
    let created = client
        .create_bucket()
        .bucket(bucket)
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        )
        .object_lock_enabled_for_bucket(true)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists()) => {}
        Err(error) => return Err(aws(error)),
    }
    client
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .map_err(aws)?;
    let rule = CorsRule::builder()
        .allowed_methods("PUT")
        .allowed_methods("GET")
        .allowed_origins("*")
        .allowed_headers("*")
        .build()
        .map_err(aws)?;
    client
        .put_bucket_cors()
        .bucket(bucket)
        .cors_configuration(CorsConfiguration::builder().cors_rules(rule).build().map_err(aws)?)
        .send()
        .await
        .map_err(aws)?;
    Ok(())
}

/// Creates the key that signs evidence packages as the template does (ECC_NIST_P256, sign and
/// verify); its id. moto keeps keys in memory: each local start has a new one.
pub async fn create_signing_key(sdk: &aws_config::SdkConfig) -> Result<String, ProvisionError> {
    use aws_sdk_kms::types::{KeySpec, KeyUsageType};
    let created = aws_sdk_kms::Client::new(sdk)
        .create_key()
        .key_spec(KeySpec::EccNistP256)
        .key_usage(KeyUsageType::SignVerify)
        .description("suishoupai local: signs evidence packages")
        .send()
        .await
        .map_err(aws)?;
    created
        .key_metadata
        .map(|m| m.key_id)
        .ok_or_else(|| ProvisionError::Aws("a created key without its id".into()))
}
