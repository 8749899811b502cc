//! `scrisk analyze`: load each dataset, analyse it, write its reports. A dataset with bad input
//! gets no report (an older one stays untouched); the others are still analysed. Two datasets
//! that would write the same report file are refused before anything is written.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use super::{cli_scenario, discover, load, report_files, summary_line, write_files};
use crate::analysis::Analysis;
use crate::exit::ExitStatus;
use crate::ingest;
use crate::output::progress::{has_bar, spinner, sweep_bar};
use crate::output::write::safe_file_stem;
use crate::output::Out;
use crate::problem::Problem;
use crate::settings::Analyze;
use crate::whatif::{shard::Keys, Observer};

/// Runs `scrisk analyze`.
pub(crate) fn run(s: &Analyze, out: &mut Out) -> ExitStatus {
    let (dirs, mut status) = discover(&s.input.paths, out);
    let clashes = report_name_clashes(&dirs);
    if !clashes.is_empty() {
        out.problems(&clashes);
        return ExitStatus::Error;
    }
    for dir in &dirs {
        status = status.max(analyze_one(s, dir, out));
    }
    status
}

/// Datasets whose reports would have the same file name (compared without case, as macOS and
/// Windows file systems do): the second would replace the first's report.
fn report_name_clashes(dirs: &[PathBuf]) -> Vec<Problem> {
    let mut by_stem: BTreeMap<String, Vec<&PathBuf>> = BTreeMap::new();
    for d in dirs {
        let stem = safe_file_stem(&ingest::dataset_name(d)).to_lowercase();
        by_stem.entry(stem).or_default().push(d);
    }
    by_stem
        .into_values()
        .filter(|ds| ds.len() > 1)
        .map(|ds| {
            let names: Vec<String> = ds.iter().map(|d| d.display().to_string()).collect();
            Problem::file(
                names[0].clone(),
                format!(
                    "{} would all write the same report file; nothing was written",
                    names.join(", ")
                ),
            )
            .with_hint("analyse them in separate runs with different --out directories")
        })
        .collect()
}

/// Loads, analyses and writes the reports of one dataset.
fn analyze_one(s: &Analyze, dir: &std::path::Path, out: &mut Out) -> ExitStatus {
    let clock = Instant::now();
    // A spinner names the phase of a long run (reading a ten-million-row table takes a while);
    // like the sweep bar it is drawn only on a terminal.
    let reading = spinner(s.progress, &format!("reading {}", dir.display()));
    let loaded = load(dir, s.input.load, out);
    reading.finish_and_clear();
    let Some((ds, g)) = loaded else {
        return ExitStatus::Error;
    };
    let load_time = clock.elapsed();
    let Some(cli) = cli_scenario(&ds, &s.cuts, out) else {
        return ExitStatus::Error;
    };
    if let Some(shard) = s.shard {
        // The cuts were resolved above though the merge runs the scenarios: a bad one is said
        // now, not after the sweep.
        return super::shard::run(s, shard, dir, &ds, &g, load_time, out);
    }
    let size = if s.analysis.whatif.sweep {
        Keys::all(&ds).count() as u64
    } else {
        0
    };
    let watch = Watch::new(sweep_bar(size, s.progress, &ds.name));
    let working = spinner(
        s.progress && !has_bar(size),
        &format!("analysing {}", ds.name),
    );
    let analysis = Analysis::run(&ds, &g, cli.as_ref(), s.analysis.clone(), &watch);
    working.finish_and_clear();
    watch.bar.finish_and_clear();
    let analysis = match analysis {
        Ok(a) => a,
        Err(e) => {
            // Nothing is written: an older report stays untouched.
            out.diag(&format!("error: {}: {e}; no report written\n", ds.name));
            return ExitStatus::Error;
        }
    };
    let clock = Instant::now();
    let (written, status) = write_reports(s, &analysis, out);
    if s.timings {
        let mut t = vec![("load and graph", load_time)];
        t.extend(watch.laps());
        t.push(("render and write", clock.elapsed()));
        let parts: Vec<String> = t
            .iter()
            .map(|(n, d)| format!("{n} {:.2} s", d.as_secs_f64()))
            .collect();
        out.diag(&format!("timings {}: {}\n", ds.name, parts.join(", ")));
    }
    if !written.is_empty() {
        out.line(&format!(
            "{} -> {}",
            summary_line(&ds, &g),
            written.join(", ")
        ));
    }
    status
}

/// Renders and writes the requested reports; returns the paths written.
fn write_reports(s: &Analyze, analysis: &Analysis, out: &mut Out) -> (Vec<String>, ExitStatus) {
    write_files(&s.out, &report_files(s.markdown, s.json, analysis), out)
}

/// Watches an analysis: advances the sweep bar and times each phase for `--timings`.
pub(super) struct Watch {
    pub(super) bar: ProgressBar,
    since: Mutex<Instant>,
    laps: Mutex<Vec<(&'static str, Duration)>>,
}

impl Watch {
    pub(super) fn new(bar: ProgressBar) -> Self {
        Watch {
            bar,
            since: Mutex::new(Instant::now()),
            laps: Mutex::new(Vec::new()),
        }
    }

    pub(super) fn laps(&self) -> Vec<(&'static str, Duration)> {
        self.laps.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Observer for Watch {
    fn tick(&self) {
        self.bar.inc(1);
    }

    fn phase_done(&self, phase: &'static str) {
        if let (Ok(mut since), Ok(mut laps)) = (self.since.lock(), self.laps.lock()) {
            laps.push((phase, since.elapsed()));
            *since = Instant::now();
        }
    }
}
