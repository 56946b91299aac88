//! The SMS the local AWS recorded as sent (moto keeps them instead of sending); read from the
//! `/_local/sms` route that `scripts/moto_local.py` adds to moto.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub phone_number: String,
    pub message: String,
}

#[derive(Debug, Deserialize)]
struct Listing {
    items: Vec<Sent>,
}

/// Every SMS sent so far, oldest first.
pub async fn sent(endpoint: &str) -> Result<Vec<Sent>, String> {
    let url = format!("{}/_local/sms", endpoint.trim_end_matches('/'));
    shared::adapters::install_tls_provider();
    let response = reqwest::get(&url)
        .await
        .map_err(|e| e.to_string())?
        .error_for_status()
        .map_err(|e| e.to_string())?;
    let listing: Listing = response.json().await.map_err(|e| e.to_string())?;
    Ok(listing.items)
}
