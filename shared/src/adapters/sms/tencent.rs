//! Tencent Cloud SMS (API 3.0, `SendSms` of version 2021-01-11): the provider for deployments in
//! mainland China, where SNS sends no SMS. China's rules allow only registered templates under a
//! registered signature, so a message is its template id and parameters (the serial), not its
//! text. Calls are signed with TC3-HMAC-SHA256 (`tc3`) and sent over HTTPS with rustls.
//!
//! The provider has no idempotency key: a message is sent at most once by notify's claim on its
//! SMS record, not by the provider.

use super::{Outgoing, SmsSender, TextKind, tc3};
use crate::adapters::StoreError;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

const SERVICE: &str = "sms";
const ACTION: &str = "SendSms";
const VERSION: &str = "2021-01-11";
/// The public endpoint; the local stand-in replaces it.
pub const ENDPOINT: &str = "https://sms.tencentcloudapi.com";

/// What a deployment registered with the provider (`TENCENT_SMS_*`).
#[derive(Debug, Clone)]
pub struct TencentConfig {
    pub endpoint: String,
    /// `X-TC-Region`, e.g. `ap-guangzhou`.
    pub region: String,
    /// `SmsSdkAppId` of the SMS application.
    pub app_id: String,
    /// The registered signature (签名), e.g. `湖北省政务服务`.
    pub sign_name: String,
    /// Template ids of the texts: `{1}` is the serial, and the 受理 text's `{2}` the reply date.
    pub template_to_agency: String,
    pub template_to_reporter: String,
    /// The 补充材料 text's (one parameter, the serial).
    pub template_on_question: String,
    /// Only where the province sends a 受理 text.
    pub template_on_accept: Option<String>,
}

/// An API key pair (read from Secrets Manager at cold start).
#[derive(Clone, Deserialize)]
pub struct TencentCredentials {
    #[serde(rename = "SecretId")]
    pub secret_id: String,
    #[serde(rename = "SecretKey")]
    pub secret_key: String,
}

impl std::fmt::Debug for TencentCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentCredentials")
            .field("secret_id", &self.secret_id)
            .finish_non_exhaustive()
    }
}

pub struct TencentSms {
    http: reqwest::Client,
    config: TencentConfig,
    host: String,
    credentials: TencentCredentials,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    response: Answer,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    error: Option<Status>,
    #[serde(default)]
    send_status_set: Vec<Status>,
    request_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Status {
    code: String,
    message: String,
}

/// What an error code of the provider means for the message.
fn failure(code: &str, message: &str, request_id: Option<&str>) -> StoreError {
    let detail = format!("{code}: {message} (RequestId {})", request_id.unwrap_or("-"));
    // Per-phone and per-account frequency limits, and the API's own rate limit: later, it goes.
    if code.starts_with("LimitExceeded.") || code == "RequestLimitExceeded" {
        StoreError::Throttled {
            service: SERVICE,
            operation: "send_sms",
            detail,
        }
    } else if code.starts_with("InternalError") {
        StoreError::Unavailable {
            service: SERVICE,
            operation: "send_sms",
            detail,
        }
    } else {
        StoreError::Service {
            service: SERVICE,
            operation: "send_sms",
            detail,
        }
    }
}

/// A registered template's text: the catalog's words without the `【signature】` (the provider
/// adds it) and with `{1}` for the serial. `None` when the text has no signature.
pub fn template_text(catalog_text: &str) -> Option<(String, String)> {
    let rest = catalog_text.strip_prefix('【')?;
    let (sign, body) = rest.split_once('】')?;
    Some((
        sign.to_owned(),
        body.replace("{serial}", "{1}").replace("{reply_by}", "{2}"),
    ))
}

impl TencentSms {
    pub fn new(config: TencentConfig, credentials: TencentCredentials) -> Result<TencentSms, String> {
        crate::adapters::install_tls_provider();
        let url = reqwest::Url::parse(&config.endpoint).map_err(|e| format!("TENCENT_SMS_ENDPOINT: {e}"))?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(format!("TENCENT_SMS_ENDPOINT has no host: {}", config.endpoint)),
        };
        // Shorter than notify's timeout; the stream retries a message that timed out.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(8))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(TencentSms {
            http,
            config,
            host,
            credentials,
        })
    }

    /// The JSON body of one message.
    /// The JSON body of one message; none for a text no template was registered for.
    pub fn payload(&self, sms: &Outgoing<'_>) -> Option<String> {
        let template = match sms.kind {
            TextKind::ToAgency => &self.config.template_to_agency,
            TextKind::ToReporter => &self.config.template_to_reporter,
            TextKind::Question => &self.config.template_on_question,
            TextKind::Accepted => self.config.template_on_accept.as_ref()?,
        };
        Some(
            json!({
                "PhoneNumberSet": [sms.phone],
                "SmsSdkAppId": self.config.app_id,
                "SignName": self.config.sign_name,
                "TemplateId": template,
                "TemplateParamSet": sms.params,
            })
            .to_string(),
        )
    }
}

impl SmsSender for TencentSms {
    async fn send(&self, sms: &Outgoing<'_>) -> Result<(), StoreError> {
        let payload = self.payload(sms).ok_or_else(|| {
            StoreError::request(
                SERVICE,
                "send_sms",
                "no template registered for the 受理 text (TENCENT_SMS_TEMPLATE_ON_ACCEPT)",
            )
        })?;
        let timestamp = chrono::Utc::now().timestamp();
        let credentials = &self.credentials;
        let authorization = tc3::authorization(
            &credentials.secret_id,
            &credentials.secret_key,
            SERVICE,
            &self.host,
            &payload,
            timestamp,
        );
        let unavailable = |detail: String| StoreError::Unavailable {
            service: SERVICE,
            operation: "send_sms",
            detail,
        };
        let response = self
            .http
            .post(&self.config.endpoint)
            .header("Authorization", authorization)
            .header("Content-Type", tc3::CONTENT_TYPE)
            .header("Host", &self.host)
            .header("X-TC-Action", ACTION)
            .header("X-TC-Version", VERSION)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Region", &self.config.region)
            .body(payload)
            .send()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| unavailable(e.to_string()))?;
        if !status.is_success() {
            return Err(unavailable(format!("HTTP {status}")));
        }
        let answer = serde_json::from_str::<Envelope>(&body)
            .map_err(|e| StoreError::request(SERVICE, "send_sms", format!("unreadable answer: {e}")))?
            .response;
        let request_id = answer.request_id.as_deref();
        if let Some(error) = &answer.error {
            return Err(failure(&error.code, &error.message, request_id));
        }
        match answer.send_status_set.first() {
            Some(sent) if sent.code == "Ok" => Ok(()),
            Some(refused) => Err(failure(&refused.code, &refused.message, request_id)),
            None => Err(StoreError::request(SERVICE, "send_sms", "no status for the number")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender() -> TencentSms {
        TencentSms::new(
            TencentConfig {
                endpoint: "http://127.0.0.1:9/".into(),
                region: "ap-guangzhou".into(),
                app_id: "1400000000".into(),
                sign_name: "湖北省政务服务".into(),
                template_to_agency: "100001".into(),
                template_to_reporter: "100002".into(),
                template_on_question: "100004".into(),
                template_on_accept: Some("100003".into()),
            },
            TencentCredentials {
                secret_id: "id".into(),
                secret_key: "key".into(),
            },
        )
        .unwrap()
    }

    #[test]
    fn a_message_is_its_template_and_the_serial() {
        let params = ["221215164056656".to_owned()];
        let sms = Outgoing {
            phone: "+8613800000000",
            kind: TextKind::ToReporter,
            params: &params,
            text: "ignored: the template holds the words",
        };
        let body: serde_json::Value = serde_json::from_str(&sender().payload(&sms).unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "PhoneNumberSet": ["+8613800000000"],
                "SmsSdkAppId": "1400000000",
                "SignName": "湖北省政务服务",
                "TemplateId": "100002",
                "TemplateParamSet": ["221215164056656"],
            })
        );
        assert_eq!(sender().host, "127.0.0.1:9");
        // 受理: its own template, with the reply date as the second parameter.
        let params = ["221215164056656".to_owned(), "2023年1月11日".to_owned()];
        let accepted = Outgoing {
            kind: TextKind::Accepted,
            params: &params,
            ..sms
        };
        let body: serde_json::Value = serde_json::from_str(&sender().payload(&accepted).unwrap()).unwrap();
        assert_eq!(body["TemplateId"], "100003");
        assert_eq!(body["TemplateParamSet"], json!(["221215164056656", "2023年1月11日"]));
    }

    #[test]
    fn the_catalog_texts_become_templates_with_one_parameter() {
        assert_eq!(
            template_text("【湖北省政务服务】您的举报(流水号为:{serial})已处理完成。"),
            Some(("湖北省政务服务".into(), "您的举报(流水号为:{1})已处理完成。".into()))
        );
        assert_eq!(template_text("no signature {serial}"), None);
    }

    #[test]
    fn frequency_limits_are_retried_later_and_configuration_errors_are_not_hidden() {
        assert!(failure("LimitExceeded.PhoneNumberDailyLimit", "x", None).is_throttled());
        assert!(failure("LimitExceeded.PhoneNumberThirtySecondLimit", "x", None).is_throttled());
        assert!(failure("RequestLimitExceeded", "x", None).is_throttled());
        assert!(matches!(
            failure("InternalError.Timeout", "x", None),
            StoreError::Unavailable { .. }
        ));
        let refused = failure("FailedOperation.TemplateIncorrectOrUnapproved", "未审核", Some("r-1"));
        assert!(matches!(refused, StoreError::Service { .. }));
        assert!(
            refused
                .to_string()
                .contains("FailedOperation.TemplateIncorrectOrUnapproved")
        );
        assert!(refused.to_string().contains("r-1"));
    }
}
