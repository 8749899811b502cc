//! The settings stage: parsed command-line arguments (and, for `check`, the policy file) turned
//! into the validated settings a command runs on. Nothing below this module sees a clap type.
//! Flag values were already checked by clap's value parsers ([`crate::cli`]); what needs a file
//! (the policy) is read and validated here, every problem collected, before any dataset is read.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::analysis::AnalysisSettings;
use crate::cli::{CheckFormat, Cli, Command, Format, InputArgs, ValidateFormat};
use crate::ingest::LoadOptions;
use crate::metrics::Thresholds;
use crate::model::CutSpec;
use crate::policy::config::{self, Policy};
use crate::problem::Problem;
use crate::whatif::WhatIfSettings;

/// The policy file `check` reads when `--policy` is not given, if it exists.
const DEFAULT_POLICY: &str = "scrisk.toml";

/// Validated settings of one command.
#[derive(Debug)]
pub(crate) enum Settings {
    Validate(Validate),
    Analyze(Analyze),
    Whatif(Whatif),
    Generate(Generate),
    Init(Init),
    Check(Check),
    Diff(Diff),
}

/// Which datasets to load and how.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    /// Dataset directories, workbooks, or directories of datasets, as given.
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) load: LoadOptions,
}

/// `scrisk validate`.
#[derive(Debug)]
pub(crate) struct Validate {
    pub(crate) input: Input,
    /// `--format json`: one JSON document on stdout instead of summary lines.
    pub(crate) json: bool,
}

/// `scrisk analyze`.
#[derive(Debug)]
pub(crate) struct Analyze {
    pub(crate) input: Input,
    pub(crate) out: PathBuf,
    pub(crate) markdown: bool,
    pub(crate) json: bool,
    /// The `--cut` flags, checked for syntax; resolved against each dataset's firms.
    pub(crate) cuts: Vec<CutSpec>,
    pub(crate) analysis: AnalysisSettings,
    pub(crate) progress: bool,
    pub(crate) timings: bool,
}

/// `scrisk whatif`.
#[derive(Debug)]
pub(crate) struct Whatif {
    pub(crate) input: Input,
    /// Never empty.
    pub(crate) cuts: Vec<CutSpec>,
    pub(crate) days: Option<f64>,
    pub(crate) whatif: WhatIfSettings,
}

/// `scrisk generate`.
#[derive(Debug)]
pub(crate) struct Generate {
    pub(crate) out: PathBuf,
    pub(crate) firms: usize,
    pub(crate) seed: u64,
    /// Also write the capacity model's data (MODEL.md section 8) and turn it on.
    pub(crate) capacity: bool,
    pub(crate) force: bool,
}

/// `scrisk init`.
#[derive(Debug)]
pub(crate) struct Init {
    pub(crate) path: PathBuf,
    pub(crate) force: bool,
}

/// `scrisk check`.
#[derive(Debug)]
pub(crate) struct Check {
    pub(crate) input: Input,
    pub(crate) policy: Policy,
    /// The file the policy was read from, as given; `None` for the built-in defaults.
    pub(crate) policy_file: Option<PathBuf>,
    /// Said on stderr before checking (e.g. that the default policy is used).
    pub(crate) policy_note: Option<String>,
    /// The date waivers are checked against.
    pub(crate) today: Date,
    pub(crate) format: CheckFormat,
    /// `--output`: the file the findings are written to instead of stdout.
    pub(crate) output: Option<PathBuf>,
    pub(crate) analysis: AnalysisSettings,
}

/// `scrisk diff`.
#[derive(Debug)]
pub(crate) struct Diff {
    pub(crate) old: PathBuf,
    pub(crate) new: PathBuf,
}

impl Settings {
    /// Resolves the command line; `Err` holds every problem found (the policy file's).
    pub(crate) fn resolve(cli: Cli) -> Result<Settings, Vec<Problem>> {
        Ok(match cli.command {
            Command::Validate(a) => Settings::Validate(Validate {
                input: input(a.input),
                json: a.format == ValidateFormat::Json,
            }),
            Command::Analyze(a) => Settings::Analyze(Analyze {
                input: input(a.input),
                out: a.out,
                markdown: matches!(a.format, Format::Markdown | Format::Both),
                json: matches!(a.format, Format::Json | Format::Both),
                cuts: a.cuts,
                analysis: analysis(a.recovery.recovery_days, !a.no_sweep),
                progress: !a.no_progress,
                timings: a.timings,
            }),
            Command::Whatif(a) => Settings::Whatif(Whatif {
                input: input(a.input),
                cuts: a.cuts,
                days: a.days,
                whatif: analysis(a.recovery.recovery_days, false).whatif,
            }),
            Command::Generate(a) => Settings::Generate(Generate {
                out: a.out,
                firms: a.firms,
                seed: a.seed,
                capacity: a.capacity,
                force: a.force,
            }),
            Command::Init(a) => Settings::Init(Init {
                path: a.path,
                force: a.force,
            }),
            Command::Check(a) => {
                let (policy, policy_file, policy_note) = load_policy(a.policy.as_deref())?;
                Settings::Check(Check {
                    input: input(a.input),
                    policy,
                    policy_file,
                    policy_note,
                    today: a.today.unwrap_or_else(today_utc),
                    format: a.format,
                    output: a.output,
                    analysis: AnalysisSettings {
                        whatif: WhatIfSettings {
                            recovery_gaps: true,
                            ..analysis(a.recovery.recovery_days, true).whatif
                        },
                        ..analysis(a.recovery.recovery_days, true)
                    },
                })
            }
            Command::Diff(a) => Settings::Diff(Diff {
                old: a.old,
                new: a.new,
            }),
        })
    }
}

fn input(a: InputArgs) -> Input {
    Input {
        paths: a.paths,
        load: LoadOptions {
            normalize_shares: a.normalize_shares,
            capacity: a.capacity,
        },
    }
}

fn analysis(default_recovery_days: f64, sweep: bool) -> AnalysisSettings {
    AnalysisSettings {
        thresholds: Thresholds::default(),
        // The report's stock verdicts for chokepoints read the recorded gaps.
        whatif: WhatIfSettings {
            default_recovery_days,
            sweep,
            recovery_gaps: true,
        },
    }
}

/// Today's date in UTC, from the system clock.
fn today_utc() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// A policy, the file it was read from (`None` for the defaults) and a note for stderr.
type LoadedPolicy = (Policy, Option<PathBuf>, Option<String>);

/// Reads and validates the policy: `--policy`, else ./scrisk.toml, else the defaults (with a
/// note saying so).
fn load_policy(path: Option<&Path>) -> Result<LoadedPolicy, Vec<Problem>> {
    let default = Path::new(DEFAULT_POLICY);
    let path = match path {
        Some(p) => p,
        None if default.is_file() => default,
        None => {
            let note = "note: no scrisk.toml here and no --policy: using the default policy \
                        (`scrisk init` writes it)";
            return Ok((Policy::default(), None, Some(note.to_string())));
        }
    };
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![Problem::file(file.clone(), format!("cannot read: {e}"))])?;
    let policy = config::parse(text.trim_start_matches('\u{feff}'), &file)?;
    Ok((policy, Some(path.to_path_buf()), None))
}
