//! Text messages: the `SmsSender` seam every provider implements (SNS in `adapters::sns`, Tencent
//! Cloud SMS here; notify chooses one by `SMS_PROVIDER`). Tests put a sender that fails on
//! purpose at this seam (a fault no local provider produces); the SDK is never mocked.

pub mod tc3;
pub mod tencent;

use super::StoreError;
use std::future::Future;

/// Which of the platform's texts a message is: China's providers send only templates registered
/// in advance, so each text has its own template there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// A report arrived at an agency (new, or handed on).
    ToAgency,
    /// The report was answered.
    ToReporter,
    /// An agency signed for the report (受理), with the expected reply date.
    Accepted,
    /// The agency asks the reporter for more (补充材料).
    Question,
}

/// One message: the whole text (for providers that send text) and what it was filled from (for
/// those that send a template and its parameters).
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// E.164.
    pub phone: &'a str,
    pub kind: TextKind,
    /// The template's parameters in order: the serial, then (受理) the reply date.
    pub params: &'a [String],
    pub text: &'a str,
}

/// Sends one text message.
pub trait SmsSender: Send + Sync {
    fn send(&self, sms: &Outgoing<'_>) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// False where the deployment sends no SMS at all: messages are recorded as not sent.
    fn enabled(&self) -> bool {
        true
    }
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
