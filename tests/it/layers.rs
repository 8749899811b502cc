//! The one-way flow of `src/lib.rs`, checked on the source: every `crate::…` path outside test
//! code names a module of a lower layer (or its own module), and a few edges that the layers
//! would allow are ruled out because they mean work done in the wrong place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Layers from the bottom up; modules on one line are siblings and may not import each other.
const LAYERS: &[&[&str]] = &[
    &["exit", "problem", "text", "synth"],
    &["model"],
    &["ingest", "graph"],
    &["metrics", "whatif"],
    &["analysis"],
    &["highlights"],
    &["report", "policy"],
    &["output"],
    &["cli"],
    &["settings"],
    &["commands"],
    &["run", "fuzzing"],
    &["lib", "main"],
];

/// Edges the layers allow but the design does not: the renderers and the gate read results,
/// they do not walk the graph or re-run propagation.
const FORBIDDEN: &[(&str, &str)] = &[
    ("report", "graph"),
    ("report", "whatif::engine"),
    ("policy", "whatif::engine"),
    ("highlights", "whatif::engine"),
];

/// Files that are test code as a whole.
const TEST_FILES: &[&str] = &[
    "proptests.rs",
    "testing.rs",
    "ingest/tests.rs",
    "whatif/capacity/tests.rs",
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` module (at the end).
fn production_code(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]")
            && lines.peek().is_some_and(|n| {
                n.trim_start().starts_with("mod ") || n.trim_start().starts_with("pub(crate) mod ")
            })
        {
            break;
        }
        if !t.starts_with("//") {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

/// Every `crate::a::b` path in `code`, as "a::b" (`crate::{a, b}` gives "a" and "b").
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            for part in inner[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(name.trim_end_matches(':').to_string());
        }
    }
    out
}

/// Upward, sideways and forbidden imports: (file, imported path, why).
fn violations(src: &Path) -> Vec<(String, String, &'static str)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        if TEST_FILES.contains(&rel.as_str()) {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        let Some(own) = rank(&module) else {
            found.push((rel.clone(), module.clone(), "module missing from LAYERS"));
            continue;
        };
        let code = production_code(&std::fs::read_to_string(&f).expect("read"));
        for path in crate_paths(&code) {
            let target = path.split("::").next().unwrap_or("").to_string();
            if target == module {
                continue;
            }
            match rank(&target) {
                None => found.push((rel.clone(), path.clone(), "module missing from LAYERS")),
                Some(r) if r > own => {
                    found.push((rel.clone(), path.clone(), "imports from a layer above"))
                }
                Some(r) if r == own => found.push((rel.clone(), path.clone(), "imports a sibling")),
                _ => {}
            }
            for (from, to) in FORBIDDEN {
                if module == *from && (path == *to || path.starts_with(&format!("{to}::"))) {
                    found.push((rel.clone(), path.clone(), "forbidden edge"));
                }
            }
        }
    }
    found
}

#[test]
fn every_import_points_down_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let v = violations(&src);
    let mut by_file: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (file, path, why) in &v {
        by_file
            .entry(file)
            .or_default()
            .push(format!("crate::{path} ({why})"));
    }
    assert!(v.is_empty(), "imports against the flow:\n{by_file:#?}");
}

#[test]
fn the_check_sees_an_upward_import() {
    // The checker itself can fail: a metrics file that imports the report is caught, a use of
    // the model is not, and test modules are ignored.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("metrics.rs"),
        "use crate::model::Dataset;\n// crate::commands in a comment\nuse crate::{report::json, text};\n\
         #[cfg(test)]\nmod tests {\n    use crate::commands;\n}\n",
    )
    .expect("write");
    let v = violations(dir.path());
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].1, "report::json");
    assert_eq!(v[0].2, "imports from a layer above");
}
