//! SNS: SMS to agencies' duty phones and to reporters. `SmsSender` is the seam where tests put
//! a sender that fails on purpose (a fault the local AWS cannot produce); the SDK is never mocked.

use super::StoreError;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use std::future::Future;

/// Sends one text message.
pub trait SmsSender: Send + Sync {
    fn send(&self, phone: &str, text: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Mainland mobile numbers in E.164 (`+8613812341234`); other forms are not SMS-capable.
pub fn e164(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let national = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
        .unwrap_or(&digits);
    (national.len() == 11 && national.starts_with('1') && national.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("+86{national}"))
}

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
    async fn send(&self, phone: &str, text: &str) -> Result<(), StoreError> {
        let transactional = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| StoreError::request("sns", "send_sms", e))?;
        self.client
            .publish()
            .phone_number(phone)
            .message(text)
            .message_attributes("AWS.SNS.SMS.SMSType", transactional)
            .send()
            .await
            .map_err(|e| StoreError::call("sns", "send_sms", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_become_e164_and_landlines_do_not() {
        assert_eq!(e164("13812341234").as_deref(), Some("+8613812341234"));
        assert_eq!(e164("+86 138-1234-1234").as_deref(), Some("+8613812341234"));
        assert_eq!(e164("8613812341234").as_deref(), Some("+8613812341234"));
        assert_eq!(e164("0519-87223713"), None);
        assert_eq!(e164(""), None);
    }
}
