//! One file per subcommand. A command takes its validated [`crate::settings`], orchestrates the
//! library (load, analyse, render, judge) and the [`crate::output`], and returns an
//! [`ExitStatus`]; it never exits the process. This file holds what several commands share:
//! finding the datasets and loading each one with its problems reported.

pub(crate) mod analyze;
pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod generate;
pub(crate) mod init;
pub(crate) mod merge;
pub(crate) mod shard;
pub(crate) mod validate;
pub(crate) mod whatif;

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::analysis::Analysis;
use crate::exit::ExitStatus;
use crate::graph::SupplyGraph;
use crate::ingest::{self, LoadOptions};
use crate::model::country::is_other;
use crate::model::cut::CLI_SCENARIO;
use crate::model::{Cut, CutSpec, Dataset, Scenario};
use crate::output::write::{safe_file_stem, write_atomic};
use crate::output::Out;
use crate::problem::Problem;
use crate::report;
use crate::report::shard::hex;
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

/// The scenario of the `--cut` flags (`None` without any), resolved against a dataset; `None`
/// outside when a cut matches nothing (reported).
fn cli_scenario(ds: &Dataset, cuts: &[CutSpec], out: &mut Out) -> Option<Option<Scenario>> {
    if cuts.is_empty() {
        return Some(None);
    }
    let cuts = resolve_cuts(ds, cuts, out)?;
    Some(Some(Scenario {
        name: CLI_SCENARIO.into(),
        description: Some("cuts given on the command line".into()),
        cuts,
        duration_days: None,
        line: None,
    }))
}

/// A one-line summary of a dataset. The user-assigned codes (`XA`–`XZ`, `ZZ`) stand for other or
/// unknown countries: they are not counted as countries, only said to be there.
fn summary_line(ds: &Dataset, g: &SupplyGraph) -> String {
    let countries = ds.countries();
    let known = countries.iter().filter(|c| !is_other(c)).count();
    let other = if known < countries.len() {
        " (and other/unknown)"
    } else {
        ""
    };
    format!(
        "{}: {}, {}, {}, {}, {}{other}, {}",
        ds.path.display(),
        plural(ds.firms.len(), "firm", "firms"),
        plural(ds.used_components().len(), "component", "components"),
        plural(ds.sourcing.len(), "sourcing row", "sourcing rows"),
        plural(g.end_firms.len(), "end firm", "end firms"),
        plural(known, "country", "countries"),
        plural(g.cycles().count(), "cycle", "cycles"),
    )
}

/// SHA-256 over a dataset's input files ([`ingest::input_files`]): for each, its file name,
/// its length and its bytes, in path order. File names, not paths: the same files give the
/// same digest wherever the dataset is mounted.
fn input_digest(dir: &Path) -> Result<String, Problem> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    for path in ingest::input_files(dir) {
        let cannot = |e: std::io::Error| {
            Problem::file(path.display().to_string(), format!("cannot read: {e}"))
        };
        let mut f = std::fs::File::open(&path).map_err(cannot)?;
        let len = f.metadata().map_err(cannot)?.len();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(len.to_le_bytes());
        loop {
            let read = f.read(&mut buf).map_err(cannot)?;
            if read == 0 {
                break;
            }
            hasher.update(&buf[..read]);
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// The reports of an analysis, as (file name, contents): markdown, then JSON, as asked for.
fn report_files(markdown: bool, json: bool, a: &Analysis) -> Vec<(String, String)> {
    let stem = safe_file_stem(&a.ds.name);
    let mut files = Vec::new();
    if markdown {
        files.push((format!("{stem}.md"), report::markdown::render(a)));
    }
    if json {
        files.push((format!("{stem}.json"), report::json::render(a)));
    }
    files
}

/// Writes files (name, contents) to `dir`; returns the paths written, and `Error` if some
/// write failed (said on stderr).
fn write_files(dir: &Path, files: &[(String, String)], out: &mut Out) -> (Vec<String>, ExitStatus) {
    let mut written = Vec::new();
    let mut status = ExitStatus::Ok;
    for (name, text) in files {
        match write_atomic(dir, name, text) {
            Ok(p) => written.push(p.display().to_string()),
            Err(e) => {
                out.diag(&format!("error: {e:#}\n"));
                status = ExitStatus::Error;
            }
        }
    }
    (written, status)
}
