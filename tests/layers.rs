//! The shape of `shared/src`: no module imports one that imports it back (directly or round a
//! ring), and the domain knows no AWS. Read from the sources, outside `#[cfg(test)]` parts.

use crate::harness::repo_root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`domain::report`) → the source outside its tests.
fn modules(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            modules(&path, root, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(root).unwrap().with_extension("");
        let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
            parts.pop();
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let code = source.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
        out.insert(parts.join("::"), code);
    }
}

/// The modules `name` refers to through `crate::…` and `super::…` paths.
fn imports(name: &str, code: &str, known: &BTreeSet<&str>) -> BTreeSet<String> {
    let own: Vec<&str> = name.split("::").filter(|p| !p.is_empty()).collect();
    let mut found = BTreeSet::new();
    for (start, _) in code.match_indices("crate::").chain(code.match_indices("super::")) {
        if code[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[start..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let segments: Vec<&str> = rest[..end].split("::").filter(|s| !s.is_empty()).collect();
        // `super` is the parent module (a file's directory, a `mod.rs`'s directory's parent).
        let mut path: Vec<&str> = match segments[0] {
            "crate" => Vec::new(),
            _ => own[..own.len().saturating_sub(1)].to_vec(),
        };
        path.extend(&segments[1..]);
        for len in (1..=path.len()).rev() {
            let candidate = path[..len].join("::");
            if known.contains(candidate.as_str()) {
                if candidate != name && !name.starts_with(&format!("{candidate}::")) {
                    found.insert(candidate);
                }
                break;
            }
        }
    }
    found
}

#[test]
fn shared_has_no_import_circle_and_a_pure_domain() {
    let root = repo_root().join("shared/src");
    let mut sources = BTreeMap::new();
    modules(&root, &root, &mut sources);
    let known: BTreeSet<&str> = sources.keys().map(String::as_str).collect();
    let graph: BTreeMap<&str, BTreeSet<String>> = sources
        .iter()
        .map(|(name, code)| (name.as_str(), imports(name, code, &known)))
        .collect();
    assert!(
        graph["domain::report"].contains("domain::draft"),
        "the reader sees imports"
    );

    // A module is on a circle if it can reach itself.
    for start in graph.keys() {
        let mut stack: Vec<&str> = graph[start].iter().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            assert_ne!(next, *start, "{start} imports itself back through {seen:?}");
            if seen.insert(next) {
                stack.extend(graph.get(next).into_iter().flatten().map(String::as_str));
            }
        }
    }
    for (name, code) in &sources {
        if name.starts_with("domain") {
            assert!(!code.contains("aws_"), "{name}: the domain knows no AWS");
            assert!(
                !graph[name.as_str()]
                    .iter()
                    .any(|m| m.starts_with("adapters") || m.starts_with("http")),
                "{name}: the domain imports neither adapters nor HTTP"
            );
        }
    }
}
