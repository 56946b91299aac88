//! `roster-add SUB NAME ROLE AGENCY_OR_REGION`: puts someone on the roster (人员管理) on the
//! platform's own authority, recorded as 系统. A new deployment's first province supervisor is put
//! there this way (`roster-add <sub> 省级管理员 province 420000`); everyone else is added by a
//! supervisor in the admin site. Someone already on the roster is left as they are. Same
//! environment as the `staff-action` function (`TABLE_NAME`, the region files), AWS credentials
//! from the usual chain.

use shared::adapters::dynamo::{DynamoClient, GuardedWrite, Records};
use shared::app::Settings;
use shared::domain::staff::roster::{MemberInput, enrolled};
use shared::domain::time::{format, now_cst};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    shared::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [sub, name, role, place] = args.as_slice() else {
        return Err("usage: roster-add SUB NAME handler|city|province AGENCY_ID|REGION".into());
    };
    let (agency_id, region) = match role.as_str() {
        "handler" => (place.clone(), String::new()),
        _ => (String::new(), place.clone()),
    };
    let settings = Settings::from_env()?;
    let sdk = shared::adapters::sdk::load().await;
    let directory = settings.load_province(&sdk).await?;
    let input = MemberInput {
        sub: sub.clone(),
        name: name.clone(),
        role: role.clone(),
        agency_id,
        region,
        phone: String::new(),
    };
    let now = now_cst();
    let member = enrolled(&input, directory, &format(&now)).map_err(|e| e.to_string())?;
    let records = Records::new(DynamoClient::new(&sdk), settings.table.clone());
    match records.enrol(&member, directory, now.timestamp()).await? {
        GuardedWrite::Written => println!("{sub}: on the roster as {}", member.describe(directory)),
        _ => println!("{sub}: already on the roster, left as it is"),
    }
    Ok(())
}
