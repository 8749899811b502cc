//! The pipeline the binary runs on one dataset, for the fuzz targets in `fuzz/` (a separate
//! crate): load; on problems, render them; else build the graph, analyse and render every
//! report. Not an API: it exists so the rest of the crate can stay `pub(crate)`.

use std::path::Path;

use crate::analysis::{Analysis, AnalysisSettings};
use crate::graph::SupplyGraph;
use crate::ingest::{self, LoadOptions};
use crate::report;
use crate::whatif::Quiet;

/// Runs the pipeline on the dataset in `dir`, panicking only on a broken invariant (a load
/// that fails without a problem, a JSON report that is not JSON). The property under test is
/// that nothing else panics, whatever bytes the files hold.
pub fn exercise(dir: &Path, normalize_shares: bool) {
    match ingest::load(
        dir,
        LoadOptions {
            normalize_shares,
            capacity: false,
        },
    ) {
        Err(problems) => {
            assert!(!problems.is_empty(), "load failed without a problem");
            let text = crate::problem::render(&problems);
            assert!(text.starts_with("error: "), "rendered problems: {text:?}");
        }
        Ok(ds) => {
            let g = SupplyGraph::build(&ds);
            let a =
                Analysis::run(&ds, &g, None, AnalysisSettings::default(), &Quiet).expect("solved");
            assert!(!report::markdown::render(&a).is_empty());
            let json = report::json::render(&a);
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
                panic!("the JSON report is not valid JSON ({e}):\n{json}");
            }
            for s in &a.whatif.scenarios {
                let _ = report::markdown::render_whatif(&ds, &g.end_values, s, None);
            }
        }
    }
}
