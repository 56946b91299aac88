//! A function as Lambda runs it, for tests that watch its AWS calls: its app with an interceptor
//! on every client, and API Gateway events for any route.

use super::{Env, read_repo_file};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use lambda_http::request::from_str;
use serde_json::{Value, json};
use shared::adapters::cognito::StaffPool;
use shared::adapters::dynamo::Records;
use shared::adapters::kms::EvidenceSigner;
use shared::adapters::s3::EvidenceStore;
use shared::app::App;

impl Env {
    /// The app a function would have in Lambda, its DynamoDB and S3 clients running `interceptor`.
    pub fn app_intercepted<I: Intercept + Clone + 'static>(&self, interceptor: I) -> &'static App {
        let dynamo = aws_sdk_dynamodb::config::Builder::from(&self.table_sdk)
            .interceptor(interceptor.clone())
            .build();
        let s3 = aws_sdk_s3::config::Builder::from(&self.sdk)
            .force_path_style(true)
            .interceptor(interceptor.clone())
            .interceptor(local_server::aws::MotoLockedCopy)
            .build();
        let signer = self.app.signer.as_ref().map(|signer| {
            let kms = aws_sdk_kms::config::Builder::from(&self.sdk)
                .interceptor(interceptor.clone())
                .build();
            EvidenceSigner::new(kms, signer.key_id())
        });
        let staff_pool = self.app.settings.staff_pool_id.as_ref().map(|pool| {
            let cognito = super::env::pool_config(&self.sdk)
                .interceptor(interceptor.clone())
                .build();
            StaffPool::new(cognito, pool.clone())
        });
        Box::leak(Box::new(App {
            records: Records::new(aws_sdk_dynamodb::Client::from_conf(dynamo), self.app.records.table()),
            evidence: EvidenceStore::new(s3, self.app.evidence.bucket(), self.sdk.credentials_provider()),
            signer,
            staff_pool,
            directory: self.app.directory,
            holidays: self.app.holidays.clone(),
            settings: self.app.settings.clone(),
        }))
    }
}

/// An API Gateway event like the samples in events/, for any route, caller and body.
pub fn api_event(
    route: &str,
    path: &str,
    params: Value,
    query: Value,
    claims: Option<Value>,
    body: Option<Value>,
) -> lambda_http::Request {
    let mut event: Value = serde_json::from_str(&read_repo_file("events/public-board/meta.json")).unwrap();
    let method = route.split(' ').next().unwrap();
    event["routeKey"] = json!(route);
    event["rawPath"] = json!(path);
    event["requestContext"]["routeKey"] = json!(route);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    event["pathParameters"] = params;
    let raw: Vec<String> = query
        .as_object()
        .map(|q| q.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap())).collect())
        .unwrap_or_default();
    event["rawQueryString"] = json!(raw.join("&"));
    event["queryStringParameters"] = query;
    if let Some(claims) = claims {
        event["requestContext"]["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
    }
    if let Some(body) = body {
        event["body"] = json!(body.to_string());
    }
    from_str(&event.to_string()).unwrap()
}

/// A citizen's claims as the identity provider gives them, for `api_event`.
pub fn citizen_claims(sub: &str) -> Value {
    json!({"sub": sub, "name": "测试", "phone_number": "13900000099"})
}
