//! The policy commands: `scrisk init` (write the template), `scrisk check` (evaluate a policy,
//! exit 1 on unwaived deny findings) and `scrisk diff` (changes between two JSON reports).
//! The I/O around [`crate::policy`], which does the work.

use std::path::Path;

use crate::analysis::{Analysis, AnalysisSettings};
use crate::cli::{CheckArgs, CheckFormat, DiffArgs, InitArgs};
use crate::metrics::Thresholds;
use crate::policy::{self, config};
use crate::problem::Problem;
use crate::run::{discover_all, load_one, Out, EXIT_ERROR, EXIT_OK};
use crate::sweep::WhatIfSettings;

/// `scrisk init`: writes the commented template, never over an existing file without --force.
pub fn init_command(args: &InitArgs, out: &mut Out) -> u8 {
    if args.path.exists() && !args.force {
        out.problems(&[
            Problem::file(args.path.display().to_string(), "already exists")
                .with_hint("pass --force to overwrite it"),
        ]);
        return EXIT_ERROR;
    }
    match std::fs::write(&args.path, config::TEMPLATE) {
        Ok(()) => {
            out.line(&format!("wrote {}", args.path.display()));
            EXIT_OK
        }
        Err(e) => {
            out.problems(&[Problem::file(
                args.path.display().to_string(),
                format!("cannot write: {e}"),
            )]);
            EXIT_ERROR
        }
    }
}

/// Reads and validates the policy: `--policy`, else ./scrisk.toml, else the defaults.
fn load_policy(path: Option<&Path>, out: &mut Out) -> Result<config::Policy, ()> {
    let default = Path::new("scrisk.toml");
    let path = match path {
        Some(p) => p,
        None if default.is_file() => default,
        None => {
            out.diag("note: no scrisk.toml here and no --policy: using the default policy (`scrisk init` writes it)\n");
            return Ok(config::Policy::default());
        }
    };
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            out.problems(&[Problem::file(file, format!("cannot read: {e}"))]);
            return Err(());
        }
    };
    config::parse(text.trim_start_matches('\u{feff}'), &file)
        .map_err(|problems| out.problems(&problems))
}

/// Today's date from the system clock (UTC).
fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    policy::civil_from_days((secs / 86_400) as i64)
}

/// `scrisk check`.
pub fn check_command(args: &CheckArgs, out: &mut Out) -> u8 {
    let Ok(policy) = load_policy(args.policy.as_deref(), out) else {
        return EXIT_ERROR;
    };
    let today = match &args.today {
        Some(t) => match config::parse_date(t) {
            Some(d) => d,
            None => {
                out.problems(&[Problem::file(
                    "--today",
                    format!("{t:?} is not a date YYYY-MM-DD"),
                )]);
                return EXIT_ERROR;
            }
        },
        None => today(),
    };
    if !(args.recovery_days.is_finite() && args.recovery_days >= 0.0) {
        out.problems(&[Problem::file(
            "--recovery-days",
            "must be a number of days >= 0",
        )]);
        return EXIT_ERROR;
    }
    let (dirs, problems) = discover_all(&args.input.paths);
    let mut status = if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    };
    out.problems(&problems);
    let settings = AnalysisSettings {
        thresholds: Thresholds::default(),
        whatif: WhatIfSettings {
            default_recovery_days: args.recovery_days,
            sweep: true,
        },
    };
    let mut json = Vec::new();
    let mut used = vec![false; policy.waivers.len()];
    for dir in &dirs {
        let Some((ds, g)) = load_one(dir, &args.input, out) else {
            status = EXIT_ERROR;
            continue;
        };
        let analysis = Analysis::run(&ds, &g, None, settings.clone(), &|| {});
        let (findings, matched) = policy::evaluate(&analysis, &policy, today);
        for (u, m) in used.iter_mut().zip(matched) {
            *u |= m;
        }
        if policy::exit_status(&findings) == 1 && status == EXIT_OK {
            status = 1;
        }
        match args.format {
            CheckFormat::Text => out.line(policy::render_text(&ds.name, &findings).trim_end()),
            CheckFormat::Json => json.push(serde_json::json!({
                "dataset": ds.name,
                "passed": policy::exit_status(&findings) == 0,
                "findings": findings,
            })),
        }
    }
    // Stale waivers, over every dataset checked (only meaningful when every one was loaded).
    let unused = if status == EXIT_ERROR {
        Vec::new()
    } else {
        policy::unused_waivers(&policy, &used)
    };
    if args.format == CheckFormat::Text {
        for f in &unused {
            out.line(&format!(
                "{}[{}] {}: {}\n  at: {}",
                f.level.as_str(),
                f.code,
                f.subject,
                f.message,
                f.rows.join(", ")
            ));
        }
    }
    if args.format == CheckFormat::Json {
        let doc = serde_json::json!({ "datasets": json, "policy": unused });
        out.line(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    status
}

/// `scrisk diff`.
pub fn diff_command(args: &DiffArgs, out: &mut Out) -> u8 {
    let mut read = |path: &Path| -> Option<serde_json::Value> {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                out.problems(&[Problem::file(file, format!("cannot read: {e}"))]);
                return None;
            }
        };
        match serde_json::from_str(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                let mut p = Problem::file(file, format!("is not valid JSON: {e}"));
                p.row = Some(e.line());
                out.problems(&[p]);
                None
            }
        }
    };
    let (Some(old), Some(new)) = (read(&args.old), read(&args.new)) else {
        return EXIT_ERROR;
    };
    match policy::diff::render(&old, &new) {
        Ok(md) => {
            out.line(md.trim_end());
            EXIT_OK
        }
        Err(e) => {
            out.problems(&[Problem::file("diff", e)]);
            EXIT_ERROR
        }
    }
}
