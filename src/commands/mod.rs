//! One file per subcommand. A command takes its validated [`crate::settings`], orchestrates the
//! library (load, analyse, render, judge) and the [`crate::output`], and returns an
//! [`ExitStatus`]; it never exits the process. This file holds what several commands share:
//! finding the datasets and loading each one with its problems reported.

pub(crate) mod analyze;
pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod generate;
pub(crate) mod init;
pub(crate) mod validate;
pub(crate) mod whatif;

use std::path::{Path, PathBuf};

use crate::exit::ExitStatus;
use crate::graph::SupplyGraph;
use crate::ingest::{self, LoadOptions};
use crate::model::{Cut, CutSpec, Dataset};
use crate::output::Out;
use crate::problem::Problem;
use crate::text::plural;

/// Expands the command-line paths into dataset directories, reporting paths that hold none.
/// The status is `Error` when some path held no dataset.
fn discover(paths: &[PathBuf], out: &mut Out) -> (Vec<PathBuf>, ExitStatus) {
    let (dirs, problems) = discover_or_problems(paths, out);
    (dirs, ExitStatus::error_if(!problems.is_empty()))
}

/// [`discover`], keeping the problems (paths that hold no dataset) after printing them.
fn discover_or_problems(paths: &[PathBuf], out: &mut Out) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        match ingest::discover(p) {
            Ok(found) => dirs.extend(found),
            Err(e) => problems.push(e),
        }
    }
    out.problems(&problems);
    (dirs, problems)
}

/// Loads one dataset and builds its graph, printing its notes, or its problems and a summary.
fn load(dir: &Path, opts: LoadOptions, out: &mut Out) -> Option<(Dataset, SupplyGraph)> {
    load_or_problems(dir, opts, out).ok()
}

/// [`load`], keeping the problems for a caller that reports them again (`validate --format
/// json`).
fn load_or_problems(
    dir: &Path,
    opts: LoadOptions,
    out: &mut Out,
) -> Result<(Dataset, SupplyGraph), Vec<Problem>> {
    match ingest::load(dir, opts) {
        Ok(ds) => {
            for n in &ds.notes {
                out.diag(&format!("warning: {}: {}\n", n.file, n.message));
            }
            let g = SupplyGraph::build(&ds);
            Ok((ds, g))
        }
        Err(problems) => {
            out.problems(&problems);
            out.diag(&format!(
                "error: {}: {} found; fix {} and run again\n",
                dir.display(),
                plural(problems.len(), "problem", "problems"),
                if problems.len() == 1 { "it" } else { "them" }
            ));
            Err(problems)
        }
    }
}

/// Resolves the `--cut` flags against a dataset; a cut that matches no firm (an edge cut: no
/// sourcing row) is reported (naming the dataset) and gives `None`.
fn resolve_cuts(ds: &Dataset, cuts: &[CutSpec], out: &mut Out) -> Option<Vec<Cut>> {
    let mut problems = Vec::new();
    let mut resolved = Vec::new();
    for c in cuts {
        match c.resolve(ds.cut_target()) {
            Ok(cut) => resolved.push(cut),
            Err(e) => {
                let mut p = Problem::file(
                    format!("--cut {}", c.text),
                    format!("{} (dataset {})", e.message, ds.path.display()),
                );
                p.hint = e.hint;
                problems.push(p);
            }
        }
    }
    out.problems(&problems);
    problems.is_empty().then_some(resolved)
}

/// A one-line summary of a dataset.
fn summary_line(ds: &Dataset, g: &SupplyGraph) -> String {
    format!(
        "{}: {}, {}, {}, {}, {}, {}",
        ds.path.display(),
        plural(ds.firms.len(), "firm", "firms"),
        plural(ds.used_components().len(), "component", "components"),
        plural(ds.sourcing.len(), "sourcing row", "sourcing rows"),
        plural(g.end_firms.len(), "end firm", "end firms"),
        plural(ds.countries().len(), "country", "countries"),
        plural(g.cycles().count(), "cycle", "cycles"),
    )
}
