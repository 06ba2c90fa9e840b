//! The crate's layers, held: the folders of `src/` are layers (the one sort, json, contract,
//! check, then the gate and the survey), each module imports only modules of its own layer or below, and no
//! module imports one that imports it back, directly or through others. Read from the source, so
//! a new import that breaks the layering fails here, not in a reviewer's head.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Layers, lowest first; a module's layer is its first path segment.
const LAYERS: &[&[&str]] = &[
    &["order"],
    &["json"],
    &["contract"],
    &["check"],
    &["gate", "survey"],
];

fn sources(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// `src/check/walk.rs` is `check::walk`; `src/gate/mod.rs` is `gate`; `src/lib.rs` is ``.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut segments: Vec<String> = relative
        .iter()
        .map(|segment| segment.to_string_lossy().into_owned())
        .collect();
    if segments
        .last()
        .is_some_and(|last| last == "mod" || last == "lib")
    {
        segments.pop();
    }
    segments.join("::")
}

/// Every `crate::...` path in a file's code (comments left out), as the module it names: the
/// longest prefix of the path that is a module.
fn imports(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            let module = (1..=segments.len())
                .rev()
                .map(|length| segments[..length].join("::"))
                .find(|candidate| modules.contains(candidate));
            if let Some(module) = module {
                found.insert(module);
            }
        }
    }
    found
}

fn layer_of(module: &str) -> Option<usize> {
    let top = module.split("::").next()?;
    LAYERS.iter().position(|layer| layer.contains(&top))
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|file| module_of(&src, file)).collect();
    files
        .iter()
        .map(|file| {
            let module = module_of(&src, file);
            let text = std::fs::read_to_string(file).unwrap();
            let mut imported = imports(&text, &modules);
            imported.remove(&module);
            (module, imported)
        })
        // The crate root re-exports the public surface, and the oracle may use anything: neither
        // is a layer.
        .filter(|(module, _)| !module.is_empty() && !module.starts_with("oracle"))
        .collect()
}

#[test]
fn every_module_imports_only_its_layer_and_those_below() {
    let graph = graph();
    assert!(graph.len() > 30, "only {} modules found", graph.len());
    for (module, imported) in &graph {
        let own = layer_of(module).unwrap_or_else(|| panic!("{module} is in no layer"));
        for import in imported {
            assert!(
                !import.starts_with("oracle"),
                "{module} imports the oracle, which no build but the tests has"
            );
            let theirs = layer_of(import).unwrap_or_else(|| panic!("{import} is in no layer"));
            assert!(
                theirs <= own,
                "{module} (layer {}) imports {import} (layer {}), a layer above it",
                LAYERS[own][0],
                LAYERS[theirs][0]
            );
        }
    }
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = graph();
    // Depth-first search for a cycle, reporting the first one found as a path.
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|on| on == module) {
            let mut cycle = path[at..].to_vec();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!("import circle: {}", cycle.join(" -> "));
        }
    }
}
