//! The SMS provider of this deployment, built once at cold start from `SMS_PROVIDER`:
//! `sns` (default), `tencent` (Tencent Cloud SMS, for mainland China; its API key read from
//! Secrets Manager) or `none`. Only the chosen provider's client is built.

use shared::adapters::StoreError;
use shared::adapters::sms::tencent::{ENDPOINT, TencentConfig, TencentCredentials, TencentSms};
use shared::adapters::sms::{Outgoing, SmsSender};
use shared::adapters::sns::Sns;

/// The provider a deployment sends through (`SMS_PROVIDER`).
pub enum Provider {
    /// `none`: no SMS (a partition or an account without a provider); messages are recorded as
    /// not sent and never retried.
    Off,
    Sns(Sns),
    Tencent(Box<TencentSms>),
}

impl SmsSender for Provider {
    async fn send(&self, sms: &Outgoing<'_>) -> Result<(), StoreError> {
        match self {
            Provider::Off => Ok(()),
            Provider::Sns(sns) => sns.send(sms).await,
            Provider::Tencent(tencent) => tencent.send(sms).await,
        }
    }

    fn enabled(&self) -> bool {
        !matches!(self, Provider::Off)
    }
}

/// Which provider, and what it needs.
#[derive(Debug, Clone)]
pub enum SmsSettings {
    Off,
    Sns,
    /// Tencent's settings (`TENCENT_SMS_*`) and the secret holding its API key
    /// (`TENCENT_SMS_SECRET_ARN`: JSON `{"SecretId": …, "SecretKey": …}`).
    Tencent {
        config: Box<TencentConfig>,
        secret: String,
    },
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn required(name: &'static str) -> Result<String, String> {
    var(name).ok_or_else(|| format!("{name} is required with SMS_PROVIDER=tencent"))
}

impl SmsSettings {
    pub fn from_env() -> Result<SmsSettings, String> {
        match var("SMS_PROVIDER").as_deref().unwrap_or("sns") {
            "sns" => Ok(SmsSettings::Sns),
            "none" => Ok(SmsSettings::Off),
            "tencent" => Ok(SmsSettings::Tencent {
                config: Box::new(TencentConfig {
                    endpoint: var("TENCENT_SMS_ENDPOINT").unwrap_or_else(|| ENDPOINT.to_owned()),
                    region: var("TENCENT_SMS_REGION").unwrap_or_else(|| "ap-guangzhou".to_owned()),
                    app_id: required("TENCENT_SMS_APP_ID")?,
                    sign_name: required("TENCENT_SMS_SIGN_NAME")?,
                    template_to_agency: required("TENCENT_SMS_TEMPLATE_TO_AGENCY")?,
                    template_to_reporter: required("TENCENT_SMS_TEMPLATE_TO_REPORTER")?,
                    template_on_question: required("TENCENT_SMS_TEMPLATE_ON_QUESTION")?,
                    // Only a province with a 受理 text registers a third template.
                    template_on_accept: var("TENCENT_SMS_TEMPLATE_ON_ACCEPT"),
                }),
                secret: required("TENCENT_SMS_SECRET_ARN")?,
            }),
            other => Err(format!("SMS_PROVIDER must be none, sns or tencent, not {other:?}")),
        }
    }

    /// The provider, with its client (and, for Tencent, its key read once).
    pub async fn build(&self, sdk: &aws_config::SdkConfig) -> Result<Provider, String> {
        match self {
            SmsSettings::Off => Ok(Provider::Off),
            SmsSettings::Sns => Ok(Provider::Sns(Sns::new(aws_sdk_sns::Config::from(sdk)))),
            SmsSettings::Tencent { config, secret } => {
                let value = aws_sdk_secretsmanager::Client::new(sdk)
                    .get_secret_value()
                    .secret_id(secret)
                    .send()
                    .await
                    .map_err(|e| StoreError::call("secretsmanager", "get_secret_value", e).to_string())?;
                let credentials: TencentCredentials =
                    serde_json::from_str(value.secret_string().unwrap_or_default())
                        .map_err(|e| format!("{secret} must hold {{\"SecretId\", \"SecretKey\"}}: {e}"))?;
                Ok(Provider::Tencent(Box::new(TencentSms::new(
                    (**config).clone(),
                    credentials,
                )?)))
            }
        }
    }
}

/// The provider `SMS_PROVIDER` names.
pub async fn from_env(sdk: &aws_config::SdkConfig) -> Result<Provider, String> {
    SmsSettings::from_env()?.build(sdk).await
}
