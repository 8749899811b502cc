//! The `analyze` command: load each dataset, analyse it, write its reports. A dataset with bad
//! input gets no report (an older one stays untouched); the others are still analysed.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::analysis::{Analysis, AnalysisSettings};
use crate::cli::{AnalyzeArgs, Format, WhatifArgs};
use crate::ingest::resolve_cut;
use crate::metrics::Thresholds;
use crate::model::{Dataset, Scenario};
use crate::output::{safe_file_stem, write_atomic};
use crate::problem::Problem;
use crate::report;
use crate::run::{discover_all, load_one, Out, EXIT_ERROR, EXIT_OK};
use crate::sweep::{self, WhatIfSettings};

/// The `--cut` flags as the scenario "cli", resolved against a dataset's firms.
pub fn cli_scenario(
    ds: &Dataset,
    cuts: &[String],
    duration: Option<f64>,
) -> Result<Option<Scenario>, Vec<Problem>> {
    if cuts.is_empty() {
        return Ok(None);
    }
    let mut problems = Vec::new();
    let mut resolved = Vec::new();
    for c in cuts {
        match resolve_cut(c, &ds.firms) {
            Ok(cut) => resolved.push(cut),
            Err(e) => {
                let mut p = Problem::file(
                    format!("--cut {c}"),
                    format!("{} (dataset {})", e.message, ds.path.display()),
                );
                p.hint = e.hint;
                problems.push(p);
            }
        }
    }
    if problems.is_empty() {
        Ok(Some(Scenario {
            name: "cli".into(),
            description: Some("cuts given on the command line".into()),
            cuts: resolved,
            duration_days: duration,
        }))
    } else {
        Err(problems)
    }
}

/// Checks a number of days given on the command line.
fn check_days(flag: &str, days: f64) -> Result<(), Problem> {
    if !(days.is_finite() && days >= 0.0) {
        return Err(Problem::file(
            flag,
            format!("{days} must be a number of days >= 0"),
        ));
    }
    Ok(())
}

/// Checks settings that do not depend on a dataset.
fn check_settings(args: &AnalyzeArgs) -> Result<(), Problem> {
    check_days("--recovery-days", args.recovery_days)
}

/// Runs `scrisk whatif`: the cuts as one scenario on each dataset, a markdown table on stdout.
pub fn whatif_command(args: &WhatifArgs, out: &mut Out) -> u8 {
    let checks = [
        check_days("--recovery-days", args.recovery_days),
        args.days.map_or(Ok(()), |d| check_days("--days", d)),
    ];
    let bad: Vec<Problem> = checks.into_iter().filter_map(Result::err).collect();
    if !bad.is_empty() {
        out.problems(&bad);
        return EXIT_ERROR;
    }
    let (dirs, problems) = discover_all(&args.input.paths);
    let mut failed = !problems.is_empty();
    out.problems(&problems);
    let settings = WhatIfSettings {
        default_recovery_days: args.recovery_days,
        sweep: true,
    };
    for dir in &dirs {
        let Some((ds, g)) = load_one(dir, &args.input, out) else {
            failed = true;
            continue;
        };
        let scenario = match cli_scenario(&ds, &args.cuts, args.days) {
            Ok(Some(s)) => s,
            Ok(None) => continue,
            Err(problems) => {
                out.problems(&problems);
                failed = true;
                continue;
            }
        };
        let result = sweep::run_single(&ds, &g, &scenario, settings);
        out.line(report::markdown::render_whatif(&ds, &g, &result).trim_end());
    }
    if failed {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

/// Runs `scrisk analyze`.
pub fn analyze_command(args: &AnalyzeArgs, out: &mut Out) -> u8 {
    if let Err(p) = check_settings(args) {
        out.problems(&[p]);
        return EXIT_ERROR;
    }
    let (dirs, problems) = discover_all(&args.input.paths);
    let mut failed = !problems.is_empty();
    out.problems(&problems);
    let settings = AnalysisSettings {
        thresholds: Thresholds::default(),
        whatif: WhatIfSettings {
            default_recovery_days: args.recovery_days,
            sweep: !args.no_sweep,
        },
    };
    for dir in &dirs {
        let clock = std::time::Instant::now();
        // A spinner names the phase of a long run (reading a ten-million-row table takes a
        // while); like the sweep bar it is drawn only on a terminal.
        let reading = spinner(!args.no_progress, &format!("reading {}", dir.display()));
        let loaded = load_one(dir, &args.input, out);
        reading.finish_and_clear();
        let Some((ds, g)) = loaded else {
            failed = true;
            continue;
        };
        let load_time = clock.elapsed();
        let cli = match cli_scenario(&ds, &args.cuts, None) {
            Ok(c) => c,
            Err(problems) => {
                out.problems(&problems);
                failed = true;
                continue;
            }
        };
        let size = if args.no_sweep {
            0
        } else {
            sweep::sweep_size(&ds)
        };
        let bar = progress_bar(size, !args.no_progress, &ds.name);
        let tick = || bar.inc(1);
        let working = spinner(
            !args.no_progress && size < 1000,
            &format!("analysing {}", ds.name),
        );
        let analysis = Analysis::run(&ds, &g, cli.as_ref(), settings.clone(), &tick);
        working.finish_and_clear();
        bar.finish_and_clear();
        let clock = std::time::Instant::now();
        let stem = safe_file_stem(&ds.name);
        let mut outputs = Vec::new();
        if matches!(args.format, Format::Markdown | Format::Both) {
            outputs.push((format!("{stem}.md"), report::markdown::render(&analysis)));
        }
        if matches!(args.format, Format::Json | Format::Both) {
            outputs.push((format!("{stem}.json"), report::json::render(&analysis)));
        }
        let mut written = Vec::new();
        for (name, text) in &outputs {
            match write_atomic(&args.out, name, text) {
                Ok(p) => written.push(p.display().to_string()),
                Err(e) => {
                    out.diag(&format!("error: {e:#}\n"));
                    failed = true;
                }
            }
        }
        if args.timings {
            let mut t = vec![("load and graph", load_time)];
            t.extend(analysis.timings.iter().copied());
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
                crate::run::summary_line(&ds, &g),
                written.join(", ")
            ));
        }
    }
    if failed {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

/// A spinner with a message on stderr, only when stderr is a terminal and progress is wanted.
fn spinner(wanted: bool, message: &str) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let s = ProgressBar::new_spinner();
    s.set_message(message.to_string());
    s.enable_steady_tick(std::time::Duration::from_millis(200));
    s
}

/// A progress bar on stderr, only when stderr is a terminal and progress is wanted.
fn progress_bar(len: u64, wanted: bool, name: &str) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() || len < 1000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} sweep {bar:40} {pos}/{len} ({eta})") {
        bar.set_style(style);
    }
    bar.set_message(name.to_string());
    bar
}
