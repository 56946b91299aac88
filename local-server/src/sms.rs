//! The SMS the local AWS recorded as sent (moto keeps them instead of sending).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub phone_number: String,
    pub message: String,
}

#[derive(Debug, Deserialize)]
struct Data {
    sns: Sns,
}

#[derive(Debug, Deserialize)]
struct Sns {
    #[serde(rename = "SMS", default)]
    sms: Vec<Sent>,
}

/// Every SMS sent so far, oldest first.
pub async fn sent(endpoint: &str) -> Result<Vec<Sent>, String> {
    let url = format!("{}/moto-api/data.json", endpoint.trim_end_matches('/'));
    let response = reqwest::get(&url).await.map_err(|e| e.to_string())?;
    let data: Data = response.json().await.map_err(|e| e.to_string())?;
    Ok(data.sns.sms)
}
