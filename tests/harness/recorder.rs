//! Records the IAM action and resource each AWS call of a function needs, as the template names
//! them, for the least-privilege test to compare with what the template grants.

use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_s3::operation::copy_object::CopyObjectInput;
use aws_sdk_s3::operation::delete_object::DeleteObjectInput;
use aws_sdk_s3::operation::get_object::GetObjectInput;
use aws_sdk_s3::operation::head_object::HeadObjectInput;
use aws_sdk_s3::operation::put_object::PutObjectInput;
use aws_sdk_s3::operation::put_object_tagging::PutObjectTaggingInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// An IAM action and the resource it was used on, named as the template names it: the logical
/// resource and what follows its ARN (`ReportsTable/index/by_city`, `EvidenceBucket/uploads/…`).
pub type Grant = (String, String);

/// Records the IAM action and resource each AWS call needs.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<BTreeSet<Grant>>>);

impl Recorder {
    pub fn calls(&self) -> BTreeSet<Grant> {
        self.0.lock().unwrap().clone()
    }
}

/// The functions' table and bucket are the stack's `ReportsTable` and `EvidenceBucket`.
fn table_resource(index: Option<&str>) -> String {
    match index {
        Some(index) => format!("ReportsTable/index/{index}"),
        None => "ReportsTable".into(),
    }
}

fn object_resource(key: Option<&str>) -> String {
    format!("EvidenceBucket/{}", key.unwrap_or_default())
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "Recorder"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // (Metadata is in the bag from serialization on, not at `read_before_execution`.)
        let Some(meta) = cfg.load::<Metadata>() else {
            // An operation we cannot name would pass unseen: make the comparison fail instead.
            self.0
                .lock()
                .unwrap()
                .insert(("(unnamed operation)".into(), String::new()));
            return Ok(());
        };
        let input = context.input();
        let mut calls: Vec<Grant> = Vec::new();
        match (meta.service(), meta.name()) {
            // A transaction needs the action of each of its items.
            ("DynamoDB", "TransactWriteItems") => {
                let input = input.downcast_ref::<TransactWriteItemsInput>().expect("input");
                for item in input.transact_items() {
                    let action = if item.put().is_some() {
                        "dynamodb:PutItem"
                    } else if item.update().is_some() {
                        "dynamodb:UpdateItem"
                    } else if item.delete().is_some() {
                        "dynamodb:DeleteItem"
                    } else {
                        "dynamodb:ConditionCheckItem"
                    };
                    calls.push((action.into(), table_resource(None)));
                }
            }
            ("DynamoDB", "Query") => {
                let index = input.downcast_ref::<QueryInput>().expect("input").index_name();
                calls.push(("dynamodb:Query".into(), table_resource(index)));
            }
            ("DynamoDB", op) => calls.push((format!("dynamodb:{op}"), table_resource(None))),
            ("S3", "HeadObject") => {
                let key = input.downcast_ref::<HeadObjectInput>().expect("input").key();
                calls.push(("s3:GetObject".into(), object_resource(key)));
            }
            // A version named needs the version's own action.
            ("S3", "GetObject") => {
                let input = input.downcast_ref::<GetObjectInput>().expect("input");
                let action = if input.version_id().is_some() {
                    "s3:GetObjectVersion"
                } else {
                    "s3:GetObject"
                };
                calls.push((action.into(), object_resource(input.key())));
            }
            ("S3", "DeleteObject") => {
                let input = input.downcast_ref::<DeleteObjectInput>().expect("input");
                let action = if input.version_id().is_some() {
                    "s3:DeleteObjectVersion"
                } else {
                    "s3:DeleteObject"
                };
                calls.push((action.into(), object_resource(input.key())));
            }
            // A copy reads its source (`bucket/key?versionId=…`) and writes, tags and locks its key.
            ("S3", "CopyObject") => {
                let input = input.downcast_ref::<CopyObjectInput>().expect("input");
                let source = input.copy_source().unwrap_or_default();
                let (source, version) = source.split_once("?versionId=").unwrap_or((source, ""));
                let source_key = source.split_once('/').map(|(_, key)| key);
                let read = if version.is_empty() {
                    "s3:GetObject"
                } else {
                    "s3:GetObjectVersion"
                };
                calls.push((read.into(), object_resource(source_key)));
                calls.push(("s3:PutObject".into(), object_resource(input.key())));
                if input.tagging().is_some() {
                    calls.push(("s3:PutObjectTagging".into(), object_resource(input.key())));
                }
                if input.object_lock_mode().is_some() {
                    calls.push(("s3:PutObjectRetention".into(), object_resource(input.key())));
                }
            }
            ("S3", "PutObject") => {
                let input = input.downcast_ref::<PutObjectInput>().expect("input");
                calls.push(("s3:PutObject".into(), object_resource(input.key())));
                if input.tagging().is_some() {
                    calls.push(("s3:PutObjectTagging".into(), object_resource(input.key())));
                }
            }
            ("S3", "PutObjectTagging") => {
                let key = input.downcast_ref::<PutObjectTaggingInput>().expect("input").key();
                calls.push(("s3:PutObjectTagging".into(), object_resource(key)));
            }
            // The stack's one signing key.
            ("KMS", op) => calls.push((format!("kms:{op}"), "EvidenceSigningKey".into())),
            // SMS to a phone number has no resource ARN.
            ("SNS", op) => calls.push((format!("sns:{op}"), "*".into())),
            // The stack's staff user pool.
            (service, op) if service.contains("Cognito") => {
                calls.push((format!("cognito-idp:{op}"), "StaffUserPool".into()))
            }
            (service, op) => calls.push((format!("{service}:{op}"), "(unknown)".into())),
        }
        self.0.lock().unwrap().extend(calls);
        Ok(())
    }
}
