//! Finding an institution as a citizen types its name: every spelling (width, spaces,
//! punctuation, aliases) matched through keys computed once at import, best matches first.

use crate::domain::text::normalise;
use serde::{Deserialize, Serialize};

/// A suggestion for the citizen typing a target: a name, and the id that links the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: String,
    pub name: String,
    /// What a suggestion is ranked by (`search_keys`), read with it and never answered.
    #[serde(default, skip_serializing)]
    pub search: Vec<String>,
}

/// Suggestions answered at most.
pub const MAX_SUGGESTIONS: usize = 10;
/// The longest query text taken.
pub const MAX_QUERY_CHARS: usize = 50;

/// The normalised name, then each normalised alias: what suggestions match, computed once when
/// an institution is read from a file rather than for every query.
pub fn search_keys(name: &str, aliases: &[String]) -> Vec<String> {
    std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .map(normalise)
        .collect()
}

/// Whether `query` (normalised) names an institution with these `search_keys`, and how well: a
/// prefix of its name first, then of an alias, then a part of either.
pub fn rank(search: &[String], query: &str) -> Option<u8> {
    if query.is_empty() {
        return None;
    }
    let (name, aliases) = search.split_first()?;
    if name.starts_with(query) {
        Some(0)
    } else if aliases.iter().any(|a| a.starts_with(query)) {
        Some(1)
    } else if search.iter().any(|k| k.contains(query)) {
        Some(2)
    } else {
        None
    }
}

/// The best `MAX_SUGGESTIONS` for `query` (as typed): by rank, then the shorter name, then name.
/// Only the chosen few are copied.
pub fn suggest<'a>(candidates: impl IntoIterator<Item = &'a Suggestion>, query: &str) -> Vec<Suggestion> {
    let query = normalise(query);
    let mut found: Vec<(u8, &Suggestion)> = candidates
        .into_iter()
        .filter_map(|s| rank(&s.search, &query).map(|r| (r, s)))
        .collect();
    found.sort_by(|(ra, a), (rb, b)| (ra, a.name.chars().count(), &a.name).cmp(&(rb, b.name.chars().count(), &b.name)));
    found
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, s)| Suggestion {
            id: s.id.clone(),
            name: s.name.clone(),
            search: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_match_width_spaces_and_aliases() {
        let search = search_keys("ＡＢＣ 英语学校", &["小蜜蜂".to_owned()]);
        assert_eq!(search, ["abc英语学校", "小蜜蜂"]);
        assert_eq!(rank(&search, &normalise("abc英语")), Some(0));
        assert_eq!(rank(&search, &normalise("小 蜜")), Some(1));
        assert_eq!(rank(&search, &normalise("英语")), Some(2));
        assert_eq!(rank(&search, &normalise("数学")), None);
        assert_eq!(rank(&search, ""), None);
    }

    #[test]
    fn suggestions_come_best_first_and_a_few() {
        let named = |name: &str, alias: &str| {
            let aliases: Vec<String> = [alias]
                .iter()
                .filter(|a| !a.is_empty())
                .map(|a| a.to_string())
                .collect();
            Suggestion {
                id: name.into(),
                name: name.into(),
                search: search_keys(name, &aliases),
            }
        };
        let list = vec![
            named("小学英语辅导班", ""),
            named("星光英语", ""),
            named("英语之家培训学校", ""),
            named("阳光书院", "英语角"),
            named("英语乐园", ""),
        ];
        let names: Vec<String> = suggest(&list, "英语").into_iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            ["英语乐园", "英语之家培训学校", "阳光书院", "星光英语", "小学英语辅导班"]
        );
        let many: Vec<Suggestion> = (0..30).map(|i| named(&format!("英语{i}"), "")).collect();
        assert_eq!(suggest(&many, "英语").len(), MAX_SUGGESTIONS);
        assert!(serde_json::to_value(named("甲", "")).unwrap().get("search").is_none());
    }
}
