//! `GET /v1/public/institutions?county=&q=`: names of a county's registry institutions matching
//! what the citizen typed. A county's registry (a few hundred names) is read once a minute per
//! instance and kept: a citizen asks again with every pause in typing, and an import shows up
//! within the minute (the answer is cached by browsers and the CDN for five minutes anyway).

use serde::Serialize;
use shared::app::App;
use shared::domain::registry::search::{MAX_QUERY_CHARS, Suggestion, suggest};
use shared::domain::text::normalise;
use shared::http::request::{county_param, query_param};
use shared::http::{ApiError, Request};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a county's registry is kept.
const KEPT: Duration = Duration::from_secs(60);

#[derive(Debug, Serialize)]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
}

/// Registries read, by table and county (one process may serve several tables: the tests').
type Kept = HashMap<(String, String), (Instant, Arc<Vec<Suggestion>>)>;

fn kept() -> &'static Mutex<Kept> {
    static KEPT_REGISTRIES: OnceLock<Mutex<Kept>> = OnceLock::new();
    KEPT_REGISTRIES.get_or_init(|| Mutex::new(HashMap::new()))
}

async fn registry(app: &App, county: &str) -> Result<Arc<Vec<Suggestion>>, ApiError> {
    let key = (app.records.table().to_owned(), county.to_owned());
    let now = Instant::now();
    if let Ok(map) = kept().lock()
        && let Some((at, list)) = map.get(&key)
        && now.duration_since(*at) < KEPT
    {
        return Ok(list.clone());
    }
    let list = Arc::new(app.records.suggestions(county).await?);
    if let Ok(mut map) = kept().lock() {
        map.retain(|_, (at, _)| now.duration_since(*at) < KEPT);
        map.insert(key, (now, list.clone()));
    }
    Ok(list)
}

pub async fn suggestions(app: &App, request: &Request) -> Result<Suggestions, ApiError> {
    let county = county_param(request, &app.directory.regions)?;
    let query = query_param(request, "q").ok_or_else(|| ApiError::invalid("q", "请输入机构名称"))?;
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::invalid("q", format!("机构名称不能超过{MAX_QUERY_CHARS}个字")));
    }
    // Only spaces and punctuation so far: nothing to match yet, and nothing to read.
    if normalise(&query).is_empty() {
        return Ok(Suggestions { items: Vec::new() });
    }
    let registry = registry(app, &county).await?;
    Ok(Suggestions {
        items: suggest(registry.iter(), &query),
    })
}
