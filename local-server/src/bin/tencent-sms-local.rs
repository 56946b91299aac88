//! `tencent-sms-local`: the Tencent Cloud SMS stand-in on 127.0.0.1 (`scripts/local` starts it
//! with `SMS_PROVIDER=tencent`). Environment: `PORT` (5125), `TENCENT_SMS_SECRET_ID`,
//! `TENCENT_SMS_SECRET_KEY`, `TENCENT_SMS_APP_ID`, `TENCENT_SMS_TEMPLATE_TO_AGENCY`,
//! `TENCENT_SMS_TEMPLATE_TO_REPORTER`, `TENCENT_SMS_TEMPLATE_ON_ACCEPT`,
//! `TENCENT_SMS_TEMPLATE_ON_QUESTION` (the account as
//! "registered"); the signature name and the
//! templates' words come from the catalog's SMS texts, as docs/deploy.md says to register them.

use local_server::setup::{BoxError, var};
use local_server::tencent_sms::{Account, router};
use shared::adapters::sms::tencent::template_text;
use shared::domain::directory::catalog::Catalog;
use std::collections::HashMap;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    shared::telemetry::init();
    let port: u16 = var("PORT", "5125").parse()?;
    // The templates of the province the local server serves (PROVINCE, as scripts/local sets it).
    let catalog = match std::env::var("PROVINCE").ok().filter(|p| !p.is_empty() && p != "hubei") {
        Some(province) => Catalog::install(
            Some(&std::fs::read_to_string(format!("provinces/{province}/catalog.json"))?),
            None,
        )?,
        None => Catalog::get(),
    };
    let (sign_name, to_agency) = template_text(&catalog.sms_to_agency).ok_or("the agency text has no 【signature】")?;
    let (_, to_reporter) = template_text(&catalog.sms_to_reporter).ok_or("the reporter text has no 【signature】")?;
    let (_, on_question) = template_text(&catalog.sms_on_question).ok_or("the 补充材料 text has no 【signature】")?;
    let mut templates = HashMap::from([
        (var("TENCENT_SMS_TEMPLATE_TO_AGENCY", "2001"), to_agency),
        (var("TENCENT_SMS_TEMPLATE_TO_REPORTER", "2002"), to_reporter),
        (var("TENCENT_SMS_TEMPLATE_ON_QUESTION", "2004"), on_question),
    ]);
    if let Some(on_accept) = &catalog.sms_on_accept {
        let (_, text) = template_text(on_accept).ok_or("the 受理 text has no 【signature】")?;
        templates.insert(var("TENCENT_SMS_TEMPLATE_ON_ACCEPT", "2003"), text);
    }
    let account = Account {
        secret_id: var("TENCENT_SMS_SECRET_ID", "AKIDlocalstandin"),
        secret_key: var("TENCENT_SMS_SECRET_KEY", "local-stand-in-key"),
        app_id: var("TENCENT_SMS_APP_ID", "1400000001"),
        sign_name,
        templates,
        // The provider's defaults for one number: 1 message in 30 s, 10 a day.
        per_phone_30s: 1,
        per_phone_daily: 10,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tracing::info!("Tencent Cloud SMS stand-in on http://127.0.0.1:{port}");
    axum::serve(listener, router(account)).await?;
    Ok(())
}
