//! The layering the README describes, checked on the source: the engine, scenario and trace code
//! never mention the web (only `src/wasm/` does), and the engine's modules import one another
//! without cycles (small shared value types live in `engine/types.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_wasm_boundary_mentions_the_web() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for layer in ["engine", "scenario", "trace"] {
        let mut files = Vec::new();
        rust_files(&root.join(layer), &mut files);
        assert!(!files.is_empty());
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            for web in ["wasm_bindgen", "js_sys", "web_sys", "JsValue"] {
                assert!(!text.contains(web), "{} mentions {web}", f.display());
            }
        }
    }
}

#[test]
fn the_engine_modules_import_each_other_without_cycles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    // Module of a file: its first path component under engine/ (machine/access.rs → machine).
    let module_of = |p: &Path| {
        let rel = p.strip_prefix(&dir).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        first.trim_end_matches(".rs").to_string()
    };
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let from = module_of(f);
        if from == "mod" {
            continue;
        }
        let text = fs::read_to_string(f).unwrap();
        // Only the code, not the tests: a test may use anything.
        let code = text.split("#[cfg(test)]").next().unwrap();
        let prefixes: &[&str] = if f.parent() == Some(dir.as_path()) {
            &["super::", "crate::engine::"]
        } else {
            &["super::super::", "crate::engine::"]
        };
        // Every path into another engine module, in `use` lines and inline (comments skipped).
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for prefix in prefixes {
                for rest in line.split(prefix).skip(1) {
                    let to: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    let is_module = dir.join(format!("{to}.rs")).exists() || dir.join(&to).is_dir();
                    if is_module && to != from {
                        deps.entry(from.clone()).or_default().insert(to);
                    }
                }
            }
        }
    }
    assert!(deps.get("machine").is_some_and(|d| d.contains("page_table")), "the scan finds imports: {deps:?}");
    // Depth-first search for a cycle.
    fn visit(
        m: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            return Some(path[i..].to_vec());
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in deps.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(d, deps, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in deps.keys() {
        if let Some(cycle) = visit(m, &deps, &mut Vec::new(), &mut done) {
            panic!("the engine's modules import each other in a cycle: {}", cycle.join(" → "));
        }
    }
}
