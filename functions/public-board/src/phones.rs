//! 举报电话 as supervisors keep them (机构与电话): the public phones saved for a city's agencies,
//! read at most once a minute per instance, so that a campaign day's readers of one city cost
//! one Query a minute and a change shows within a minute.

use shared::adapters::fresh::Fresh;
use shared::app::App;
use shared::domain::directory::offices::Offices;
use shared::http::ApiError;
use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

/// How stale a saved phone may be on the board.
const FRESH_FOR: Duration = Duration::from_secs(60);

type Phones = HashMap<String, String>;

/// (table, scope): one process may serve several tables (the tests' environments).
type Key = (String, String);

/// What each scope's saved public phones were when read.
static SAVED: LazyLock<Fresh<Key, Phones>> = LazyLock::new(|| Fresh::new(FRESH_FOR));

async fn saved(app: &App, scope: &str) -> Result<Phones, ApiError> {
    let key = (app.records.table().to_owned(), scope.to_owned());
    SAVED
        .get(key, || async {
            Ok::<_, ApiError>(app.records.public_phones(scope).await?.into_iter().collect())
        })
        .await
}

/// The offices with the public phones supervisors saved in place of the province folder's.
pub async fn with_saved_phones(app: &App, mut offices: Offices) -> Result<Offices, ApiError> {
    let saved = saved(app, &app.directory.scope_of(&offices.city.code)).await?;
    for office in offices.categories.iter_mut().flat_map(|c| c.offices.iter_mut()) {
        if let Some(phone) = saved.get(&office.agency_id) {
            office.phone = Some(phone.clone()).filter(|p| !p.is_empty());
        }
    }
    Ok(offices)
}
