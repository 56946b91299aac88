//! Reply templates (回复模板) per violation type and finding, from `data/reply-templates.json`.

use crate::domain::directory::catalog::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
struct TemplateFile {
    templates: BTreeMap<String, String>,
    violation_phrases: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyTemplate {
    pub violation_type: String,
    pub finding: String,
    pub text: String,
}

fn file() -> &'static TemplateFile {
    static FILE: OnceLock<TemplateFile> = OnceLock::new();
    FILE.get_or_init(|| {
        serde_json::from_str(include_str!("../../../data/reply-templates.json"))
            .unwrap_or_else(|e| panic!("the embedded reply templates are invalid: {e}"))
    })
}

/// Templates for one violation type, or for all when `violation_type` is none.
pub fn templates(violation_type: Option<&str>) -> Vec<ReplyTemplate> {
    let file = file();
    Catalog::get()
        .violation_types
        .iter()
        .filter(|v| violation_type.is_none_or(|wanted| wanted == v.code))
        .flat_map(|v| {
            let phrase = file
                .violation_phrases
                .get(&v.code)
                .cloned()
                .unwrap_or_else(|| v.name.clone());
            file.templates.iter().map(move |(finding, text)| ReplyTemplate {
                violation_type: v.code.clone(),
                finding: finding.clone(),
                text: text.replace("{violation}", &phrase),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_violation_type_has_a_template_per_finding() {
        let all = templates(None);
        assert_eq!(all.len(), Catalog::get().violation_types.len() * 3);
        assert!(all.iter().all(|t| !t.text.contains("{violation}")));
        let unlicensed = templates(Some("unlicensed"));
        assert_eq!(unlicensed.len(), 3);
        assert!(unlicensed[0].text.contains("无证无照"));
        assert!(templates(Some("nope")).is_empty());
    }
}
