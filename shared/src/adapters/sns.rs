//! SNS: SMS to agencies' duty phones and to reporters, in the partitions where SNS sends SMS.

use super::StoreError;
use super::sms::{Outgoing, SmsSender};
use aws_sdk_sns::types::MessageAttributeValue;
use aws_sdk_sns::{Client, Config};
use std::sync::{Arc, OnceLock};

/// SNS for SMS. The client is built at the first message, as `EvidenceStore`'s is at its first
/// use: most of notify's invocations (sweeps, steps that text nobody) send none, and building it
/// is a sixth of notify's cold start (docs/performance.md, "Cold starts").
#[derive(Debug, Clone)]
pub struct Sns(Arc<Lazy>);

#[derive(Debug)]
struct Lazy {
    config: Config,
    client: OnceLock<Client>,
}

impl Sns {
    pub fn new(config: Config) -> Sns {
        Sns(Arc::new(Lazy {
            config,
            client: OnceLock::new(),
        }))
    }

    fn client(&self) -> &Client {
        self.0.client.get_or_init(|| Client::from_conf(self.0.config.clone()))
    }
}

impl SmsSender for Sns {
    async fn send(&self, sms: &Outgoing<'_>) -> Result<(), StoreError> {
        let transactional = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| StoreError::request("sns", "send_sms", e))?;
        self.client()
            .publish()
            .phone_number(sms.phone)
            .message(sms.text)
            .message_attributes("AWS.SNS.SMS.SMSType", transactional)
            .send()
            .await
            .map_err(|e| StoreError::call("sns", "send_sms", e))?;
        Ok(())
    }
}
