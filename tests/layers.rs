//! The shape of `shared/src`: no module imports one that imports it back (directly or round a
//! ring), the domain knows no AWS, and the domain's folders depend one way, each only on those
//! before it. Read from the sources, outside `#[cfg(test)]` parts and test-only modules.

use crate::harness::repo_root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The domain's layers, lowest first: the root's small shared values (`""`), then each folder. A
/// module may import its own layer and those before it, never one after.
const DOMAIN_LAYERS: [&str; 7] = ["", "directory", "registry", "report", "staff", "views", "reporting"];

/// The layer of a domain module (`domain::report::serial` → `report`; `domain::time` → the root).
fn layer(module: &str) -> Option<usize> {
    let mut parts = module.split("::");
    if parts.next() != Some("domain") {
        return None;
    }
    let folder = parts.next().unwrap_or_default();
    Some(DOMAIN_LAYERS.iter().position(|l| *l == folder).unwrap_or(0))
}

/// Imports of domain modules against the layer order: `(module, import)` pairs.
fn against_the_order(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let mut wrong = Vec::new();
    for (name, imports) in graph {
        let Some(own) = layer(name) else { continue };
        for import in imports {
            if layer(import).is_some_and(|theirs| theirs > own) {
                wrong.push((name.clone(), import.clone()));
            }
        }
    }
    wrong
}

/// Module path (`domain::report`) → the source outside its tests; `test_only` gathers the
/// modules declared `#[cfg(test)] mod name;`, which are tests whatever they import.
fn modules(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>, test_only: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            modules(&path, root, out, test_only);
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
        let name = parts.join("::");
        let source = std::fs::read_to_string(&path).unwrap();
        for child in test_only_children(&source) {
            test_only.push(if name.is_empty() {
                child
            } else {
                format!("{name}::{child}")
            });
        }
        let code = source.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
        out.insert(name, code);
    }
}

/// The children a module declares only for tests (`#[cfg(test)]` then `mod name;`).
fn test_only_children(source: &str) -> Vec<String> {
    let lines: Vec<&str> = source
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("///"))
        .collect();
    lines
        .windows(2)
        .filter(|pair| pair[0] == "#[cfg(test)]")
        .filter_map(|pair| pair[1].strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned))
        .collect()
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

/// Every module of `shared/src` with what it imports.
fn import_graph() -> (BTreeMap<String, String>, BTreeMap<String, BTreeSet<String>>) {
    let root = repo_root().join("shared/src");
    let (mut sources, mut test_only) = (BTreeMap::new(), Vec::new());
    modules(&root, &root, &mut sources, &mut test_only);
    for name in test_only {
        sources.remove(&name);
    }
    let known: BTreeSet<&str> = sources.keys().map(String::as_str).collect();
    let graph = sources
        .iter()
        .map(|(name, code)| (name.clone(), imports(name, code, &known)))
        .collect();
    (sources, graph)
}

#[test]
fn shared_has_no_import_circle_and_a_pure_domain() {
    let (sources, graph) = import_graph();
    assert!(
        graph["domain::report"].contains("domain::report::draft"),
        "the reader sees imports"
    );
    assert!(
        !sources.contains_key("domain::lifecycle_props"),
        "test-only modules are left out"
    );

    // A module is on a circle if it can reach itself.
    for start in graph.keys() {
        let mut stack: Vec<&str> = graph[start].iter().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            assert_ne!(next, start, "{start} imports itself back through {seen:?}");
            if seen.insert(next) {
                stack.extend(graph.get(next).into_iter().flatten().map(String::as_str));
            }
        }
    }
    for (name, code) in &sources {
        if name.starts_with("domain") {
            assert!(!code.contains("aws_"), "{name}: the domain knows no AWS");
            assert!(
                !graph[name]
                    .iter()
                    .any(|m| m.starts_with("adapters") || m.starts_with("http")),
                "{name}: the domain imports neither adapters nor HTTP"
            );
        }
    }
}

#[test]
fn the_domains_folders_depend_one_way() {
    let (_, graph) = import_graph();
    let reporting = graph
        .keys()
        .filter(|name| layer(name) == Some(DOMAIN_LAYERS.len() - 1))
        .count();
    assert!(reporting > 0, "the reader finds the folders");
    let wrong: Vec<String> = against_the_order(&graph)
        .into_iter()
        .map(|(module, import)| format!("{module} imports {import}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "against the order {DOMAIN_LAYERS:?} (root first):\n{}",
        wrong.join("\n")
    );
}
