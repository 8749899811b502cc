//! Helpers shared by the fuzz targets: a scratch dataset directory and the pipeline the
//! `scrisk` binary runs on a dataset (load, render problems or analyse and render reports).
//!
//! The property under test is that none of it panics, whatever bytes a file holds.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scrisk::analysis::{Analysis, AnalysisSettings};
use scrisk::graph::SupplyGraph;
use scrisk::ingest::LoadOptions;

/// A valid firms table naming every firm of the seed datasets (tests/corpus/good, the example).
pub const FIRMS: &[u8] = include_bytes!("../base/firms.csv");
/// A valid sourcing table over [`FIRMS`] (the example dataset's).
pub const SOURCING: &[u8] = include_bytes!("../base/sourcing.csv");
/// A one-row sourcing table (`leap` buys `cell` from `catl-nd`): the two firms every seed
/// firms table names, and a component every seed components table lists.
pub const SOURCING_MIN: &[u8] = include_bytes!("../base/sourcing-min.csv");

const FILES: [&str; 5] = [
    "firms.csv",
    "sourcing.csv",
    "components.csv",
    "scenarios.toml",
    "dataset.toml",
];

/// This process's scratch dataset directory (`$TMPDIR/scrisk-fuzz-<pid>/ds`), created once and
/// reused by every run; `-fork`/`-jobs` workers are separate processes with their own.
pub fn dataset_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir()
            .join(format!("scrisk-fuzz-{}", std::process::id()))
            .join("ds");
        std::fs::create_dir_all(&dir).expect("create the scratch dataset directory");
        dir
    })
}

/// Replaces the dataset's files with `files` (name, content); every other dataset file is
/// removed, so nothing leaks from one run into the next.
pub fn write_dataset(files: &[(&str, &[u8])]) -> &'static Path {
    let dir = dataset_dir();
    for name in FILES {
        if !files.iter().any(|(n, _)| *n == name) {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write a dataset file");
    }
    dir
}

/// What the binary does with a dataset: load it; on problems, render them; else build the
/// graph, run the analysis (metrics, sweeps, scenarios) and render every report.
pub fn exercise(dir: &Path, opts: LoadOptions) {
    match scrisk::ingest::load(dir, opts) {
        Err(problems) => {
            assert!(!problems.is_empty(), "load failed without a problem");
            let text = scrisk::problem::render(&problems);
            assert!(text.starts_with("error: "), "rendered problems: {text:?}");
        }
        Ok(ds) => {
            let g = SupplyGraph::build(&ds);
            let a = Analysis::run(&ds, &g, None, AnalysisSettings::default(), &scrisk::whatif::Quiet);
            let md = scrisk::report::markdown::render(&a);
            assert!(!md.is_empty());
            let json = scrisk::report::json::render(&a);
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
                panic!("the JSON report is not valid JSON ({e}):\n{json}");
            }
            for s in &a.whatif.scenarios {
                let _ = scrisk::report::markdown::render_whatif(&ds, &g.end_values, s);
            }
        }
    }
}
