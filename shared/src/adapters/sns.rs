//! SNS: SMS to agencies' duty phones and to reporters, in the partitions where SNS sends SMS.

use super::StoreError;
use super::sms::{Outgoing, SmsSender};
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;

#[derive(Debug, Clone)]
pub struct Sns {
    client: Client,
}

impl Sns {
    pub fn new(client: Client) -> Sns {
        Sns { client }
    }
}

impl SmsSender for Sns {
    async fn send(&self, sms: &Outgoing<'_>) -> Result<(), StoreError> {
        let transactional = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| StoreError::request("sns", "send_sms", e))?;
        self.client
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
