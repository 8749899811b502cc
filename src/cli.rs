//! Command-line arguments as the user typed them (clap derive). Each value is checked by a clap
//! value parser as it is read — days, dates and cut syntax — so a bad flag is reported once,
//! with exit status 2, before any dataset is read; [`crate::settings`] then turns the parsed
//! arguments into the settings the commands run on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::CutSpec;

const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  policy findings at deny level (scrisk check)
  2  error: bad input (every problem is listed with file, row and column), I/O or usage";

/// scrisk — supply-chain dependency risk analysis.
///
/// Reads component-sourcing tables (who buys which component from whom, with shares, values and
/// stock), builds the multi-tier supplier graph and measures concentration, single-source
/// exposure, in-house shares and the damage of what-if cutoffs of firms, countries, regions,
/// groups, trade lanes or components. See README.md for the dataset format.
#[derive(Debug, Parser)]
#[command(name = "scrisk", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check datasets against the format and print a one-line summary of each valid one.
    ///
    /// Every problem is reported with its file, row (header = row 1) and column; nothing is
    /// written. PATH is a dataset directory (holding firms.csv and sourcing.csv, or .parquet)
    /// or a directory of such directories.
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Analyse datasets and write one report per dataset to the output directory.
    ///
    /// Writes reports/<dataset>.md (and .json with --format json|both). A dataset with bad
    /// input is reported on stderr and gets no report (an older report is left untouched); the
    /// others are still analysed.
    #[command(after_help = EXIT_CODES)]
    Analyze(AnalyzeArgs),
    /// Answer one what-if question on stdout, without writing reports.
    ///
    /// Cuts firms, countries, regions, groups, lanes or components and prints a markdown table of
    /// every end firm's lost output over the outage, exposure days, time to survive, share lost,
    /// availability and annual output at risk (if the outage lasted a year).
    /// No sweep is run, so it answers at once even for large datasets.
    #[command(after_help = EXIT_CODES)]
    Whatif(WhatifArgs),
    /// Write a deterministic synthetic supply network (for benchmarks and experiments).
    ///
    /// Six tiers from mines to OEMs, a skewed country mix with regions, parent groups, in-house
    /// rows, a few supply cycles and about ten sourcing rows per firm. The same --firms and
    /// --seed always give the same files. --capacity adds spare capacity, finished-goods stock
    /// and qualified alternates, and turns the capacity model on in dataset.toml.
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Write a fully commented policy file (scrisk.toml) for `scrisk check`.
    #[command(after_help = EXIT_CODES)]
    Init(InitArgs),
    /// Check datasets against a policy; exit status 1 when any deny-level finding is not waived.
    ///
    /// Rules: component concentration (HHI), a third country's share of a component at any
    /// tier, single-source pairs, chokepoints, time to survive shorter than time to recover,
    /// scenario value at risk. Waivers in the policy accept known findings until a date.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Compare two JSON reports (from `analyze --format json`) and print the changes as markdown.
    ///
    /// New or removed single-source pairs, component HHI changes above 100 points, new or
    /// removed chokepoints, and per scenario the lost output over the outage and the annual output
    /// at risk: a pull-request comment.
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Merge the parts of a sharded sweep (`analyze --shard K/N`) into the reports an unsharded
    /// run writes, byte for byte.
    ///
    /// Checks that the parts belong together — the same scrisk version, input files, options
    /// and N, every shard exactly once, every part unmodified — and refuses them otherwise
    /// (exit status 2, naming the file, nothing written). Reads the dataset again (from the path
    /// the parts record, or --data) for everything that is not a sweep. See docs/scale.md.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The parts (`<dataset>.shard-K-of-N.json`), all N of them; parts of several datasets
    /// may be given together.
    #[arg(value_name = "PART", required = true)]
    pub(crate) parts: Vec<PathBuf>,
    /// Directory the reports are written to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub(crate) out: PathBuf,
    /// The dataset, when it is no longer at the path the parts record (e.g. mounted elsewhere
    /// in the merge job). Only with the parts of one dataset.
    #[arg(long, value_name = "PATH")]
    pub(crate) data: Option<PathBuf>,
}

/// Which shard of a sharded sweep to compute (`--shard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShardArg {
    /// Shard K of N, K from 1.
    Fixed { k: usize, n: usize },
    /// From the job array's environment variables.
    Auto,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Where to write the policy.
    #[arg(value_name = "FILE", default_value = "scrisk.toml")]
    pub(crate) path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub(crate) force: bool,
}

/// Output formats of `scrisk check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// A readable list of findings.
    Text,
    /// The findings as JSON.
    Json,
    /// The findings as SARIF 2.1.0, for GitHub code scanning (not written when a dataset
    /// cannot be checked).
    Sarif,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// The policy file. Without it, ./scrisk.toml if present, else the built-in defaults
    /// (the ones `scrisk init` writes).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
    /// The date waivers are checked against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(crate) today: Option<jiff::civil::Date>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub(crate) format: CheckFormat,
    /// Write the findings to FILE (replaced atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) recovery: RecoveryArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The earlier JSON report.
    #[arg(value_name = "OLD.json")]
    pub(crate) old: PathBuf,
    /// The later JSON report.
    #[arg(value_name = "NEW.json")]
    pub(crate) new: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Directory to write firms.csv, sourcing.csv, scenarios.toml and dataset.toml to.
    #[arg(value_name = "OUT")]
    pub(crate) out: PathBuf,
    /// Number of firms (at least 12: two per tier).
    #[arg(long, default_value_t = 10_000, value_parser = parse_firms)]
    pub(crate) firms: usize,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Also write the data of the capacity model: capacity_value on about a third of firms,
    /// stock_days on a fifth, a qualified alternate (share 0) on one pair in eight, and
    /// `[analysis] capacity = true` in dataset.toml. Other columns and rows are the same with or
    /// without it.
    #[arg(long)]
    pub(crate) capacity: bool,
    /// Overwrite existing dataset files in OUT.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct WhatifArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// A cut: firm:ID, country:CC, region:NAME or group:NAME, or an edge cut lane:FROM>TO or
    /// component:K; optionally =SEVERITY in (0, 1] (default 1, a full stop). Repeatable; at least
    /// one.
    #[arg(long = "cut", value_name = "SELECTOR[=SEVERITY]", required = true)]
    pub(crate) cuts: Vec<CutSpec>,
    /// How long the disruption lasts (time to recover), in days. Default: the largest
    /// recovery_days of the cut firms (edge cuts cut none), else --recovery-days.
    #[arg(long, value_name = "N", value_parser = parse_days, allow_negative_numbers = true)]
    pub(crate) days: Option<f64>,
    #[command(flatten)]
    pub(crate) recovery: RecoveryArgs,
}

/// The time to recover of firms that give none, shared by every command that runs what-ifs.
#[derive(Debug, Args)]
pub(crate) struct RecoveryArgs {
    /// Time to recover, in days, for a cut whose scenario gives no duration and whose firms give
    /// no recovery_days (scenarios, sweeps and the time-to-survive rule).
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 30.0,
        value_parser = parse_days,
        allow_negative_numbers = true
    )]
    pub(crate) recovery_days: f64,
}

/// Options shared by every command that loads datasets.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Dataset directories (firms and sourcing as .csv or .parquet, or one .xlsx workbook with
    /// sheets firms and sourcing), .xlsx workbooks, or directories whose sub-directories are
    /// datasets.
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Rescale the shares of a (buyer, component) that do not sum to 1, instead of rejecting
    /// them; the report says which pairs were rescaled.
    #[arg(long)]
    pub(crate) normalize_shares: bool,
    /// Turn on the capacity-and-substitution model (as `[analysis] capacity = true` in
    /// dataset.toml does): lost output over each outage once stock, spare capacity and
    /// qualified alternates are used, solved as linear programs. It needs annual_value on
    /// every sourcing row and annual_output_value on every end firm, and checks capacity_value
    /// against each firm's normal output. Its firm sweep solves two programs per firm: minutes
    /// or more beyond a few hundred firms (`analyze --no-sweep` runs the scenarios only).
    #[arg(long)]
    pub(crate) capacity: bool,
}

/// Output formats of `scrisk validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ValidateFormat {
    /// A summary line per valid dataset on stdout; problems on stderr.
    Text,
    /// One JSON document on stdout: each dataset's summary, or every problem found in it (file,
    /// row, column, message, hint; not capped at 50 per file), and the paths that hold no
    /// dataset. stderr is the same as with text.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub(crate) format: ValidateFormat,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Markdown for people (reports/<dataset>.md).
    Markdown,
    /// JSON for machines (reports/<dataset>.json).
    Json,
    /// Both.
    Both,
}

#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Directory the reports are written to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub(crate) out: PathBuf,
    /// Which reports to write.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub(crate) format: Format,
    /// A what-if cut, reported as the scenario "cli": firm:ID, country:CC, region:NAME or
    /// group:NAME, or an edge cut lane:FROM>TO or component:K; optionally =SEVERITY in (0, 1]
    /// (default 1, a full stop). Repeatable.
    #[arg(long = "cut", value_name = "SELECTOR[=SEVERITY]")]
    pub(crate) cuts: Vec<CutSpec>,
    #[command(flatten)]
    pub(crate) recovery: RecoveryArgs,
    /// Never show a progress bar (it is shown only when stderr is a terminal anyway).
    #[arg(long)]
    pub(crate) no_progress: bool,
    /// Print the wall time of each phase (load, metrics, sweeps, rendering) to stderr.
    #[arg(long)]
    pub(crate) timings: bool,
    /// Skip the N-1 sweeps over firms, countries, regions and groups (and hidden
    /// concentration, which needs the country sweep): for very large datasets.
    #[arg(long)]
    pub(crate) no_sweep: bool,
    /// Compute only shard K of N (K from 1) of every sweep and write it as
    /// <dataset>.shard-K-of-N.json instead of the reports; `scrisk merge` joins the N parts.
    /// The split is balanced by each cut's downstream cone. `auto` reads K and N from a job
    /// array: Slurm (SLURM_ARRAY_TASK_ID, _MIN, _STEP, _COUNT), a Kubernetes Indexed Job
    /// (JOB_COMPLETION_INDEX, with N in SCRISK_SHARDS, which the Job sets) or AWS Batch
    /// (AWS_BATCH_JOB_ARRAY_INDEX, AWS_BATCH_JOB_ARRAY_SIZE). See docs/scale.md.
    #[arg(
        long,
        value_name = "K/N|auto",
        value_parser = parse_shard,
        conflicts_with = "no_sweep"
    )]
    pub(crate) shard: Option<ShardArg>,
}

/// `--shard`: `K/N` with 1 <= K <= N, or `auto`.
fn parse_shard(text: &str) -> Result<ShardArg, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("auto") {
        return Ok(ShardArg::Auto);
    }
    let number = |t: &str| t.trim().parse::<usize>().ok();
    match text.split_once('/').map(|(k, n)| (number(k), number(n))) {
        Some((Some(k), Some(n))) if (1..=n).contains(&k) => Ok(ShardArg::Fixed { k, n }),
        _ => Err("expected K/N with 1 <= K <= N (e.g. 2/8), or auto".to_string()),
    }
}

/// A number of firms for `generate`: at least two per tier.
fn parse_firms(text: &str) -> Result<usize, String> {
    let min = crate::synth::MIN_FIRMS;
    match text.trim().parse::<usize>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!(
            "expected a whole number of firms >= {min} (two per tier)"
        )),
    }
}

/// A number of days: finite and not negative.
fn parse_days(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(d) if d.is_finite() && d >= 0.0 => Ok(d),
        _ => Err("expected a number of days >= 0".to_string()),
    }
}

/// A calendar date written strictly as YYYY-MM-DD (the form waivers use; one parser for both,
/// [`crate::text::parse_date`]).
pub(crate) fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    // The flag's own message: clap already quotes the value and names the flag.
    crate::text::parse_date(text)
        .map_err(|_| "expected a calendar date written YYYY-MM-DD".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn days_must_be_finite_and_not_negative() {
        assert_eq!(parse_days("30"), Ok(30.0));
        assert_eq!(parse_days("0"), Ok(0.0));
        assert!(parse_days("-1").is_err());
        assert!(parse_days("inf").is_err());
        assert!(parse_days("NaN").is_err());
        assert!(parse_days("soon").is_err());
    }

    #[test]
    fn dates_are_strict() {
        let d = parse_date("2026-01-31").expect("a date");
        assert_eq!(d, jiff::civil::date(2026, 1, 31));
        for bad in [
            "26-1-1",
            "2026-1-1",
            " 2026-01-01",
            "2026-02-30",
            "2026/01/01",
            "2026-01-01T00:00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_are_k_of_n_from_one_or_auto() {
        assert_eq!(parse_shard("1/1"), Ok(ShardArg::Fixed { k: 1, n: 1 }));
        assert_eq!(parse_shard("7/7"), Ok(ShardArg::Fixed { k: 7, n: 7 }));
        assert_eq!(parse_shard(" 2 / 8 "), Ok(ShardArg::Fixed { k: 2, n: 8 }));
        assert_eq!(parse_shard("AUTO"), Ok(ShardArg::Auto));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "1/2/3", "-1/2", ""] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bad_cut_is_a_usage_error_before_anything_is_read() {
        let err = Cli::try_parse_from(["scrisk", "analyze", "/nonexistent", "--cut", "plant:x"])
            .expect_err("rejected");
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("unknown selector kind"), "{err}");
    }
}
