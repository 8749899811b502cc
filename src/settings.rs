//! The settings stage: parsed command-line arguments (and, for `check`, the policy file) turned
//! into the validated settings a command runs on. Nothing below this module sees a clap type.
//! Flag values were already checked by clap's value parsers ([`crate::cli`]); what needs a file
//! (the policy) is read and validated here, every problem collected, before any dataset is read.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::analysis::AnalysisSettings;
use crate::cli::{CheckFormat, Cli, Command, Format, InputArgs, ShardArg, ValidateFormat};
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
    Merge(Merge),
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
    /// `--shard`: compute one shard of the sweeps and write it as a part.
    pub(crate) shard: Option<Shard>,
}

/// Shard `k` of `n` (1 <= k <= n) of a sharded sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shard {
    pub(crate) k: usize,
    pub(crate) n: usize,
}

/// `scrisk merge`.
#[derive(Debug)]
pub(crate) struct Merge {
    pub(crate) parts: Vec<PathBuf>,
    pub(crate) out: PathBuf,
    pub(crate) data: Option<PathBuf>,
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
                shard: match a.shard {
                    None => None,
                    Some(ShardArg::Fixed { k, n }) => Some(Shard { k, n }),
                    Some(ShardArg::Auto) => Some(
                        shard_from_env(|name| std::env::var(name).ok())
                            .map_err(|e| vec![Problem::file("--shard auto", e)])?,
                    ),
                },
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
            Command::Merge(a) => Settings::Merge(Merge {
                parts: a.parts,
                out: a.out,
                data: a.data,
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

/// The settings of an analysis with the defaults but for the time to recover and the sweeps
/// (`scrisk merge` analyses with the options the parts record).
pub(crate) fn analysis(default_recovery_days: f64, sweep: bool) -> AnalysisSettings {
    AnalysisSettings {
        thresholds: Thresholds::default(),
        // Every firm's recovery gaps only for the policy gate (`check`); the report's stock
        // verdicts need only the firms it leads with, which the sweep records anyway.
        whatif: WhatIfSettings {
            default_recovery_days,
            sweep,
            recovery_gaps: false,
        },
    }
}

/// The count of shards a job array leaves to the job's own environment (Kubernetes Indexed
/// Jobs set only the index; AWS Batch may not pass the array size).
const SHARDS_VAR: &str = "SCRISK_SHARDS";

/// `--shard auto`: K and N from the job array scrisk runs in, read through `var`. Slurm arrays
/// first (their task ids need not start at 0 or step by 1), then Kubernetes Indexed Jobs, then
/// AWS Batch array jobs; the index of each is turned into K from 1.
pub(crate) fn shard_from_env(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let num = |name: &str| -> Result<Option<usize>, String> {
        match var(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<usize>()
                .map(Some)
                .map_err(|_| format!("{name}={v:?} is not a whole number")),
        }
    };
    let need = |name: &str, what: &str| -> Result<usize, String> {
        num(name)?.ok_or_else(|| format!("{name} is not set ({what})"))
    };
    let count = |own: Option<&str>| -> Result<usize, String> {
        if let Some(n) = own.map(num).transpose()?.flatten() {
            return Ok(n);
        }
        need(
            SHARDS_VAR,
            "the number of shards, which this job array does not pass itself",
        )
    };
    let (index, n, scheduler) = if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
        let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let offset = id
            .checked_sub(min)
            .filter(|o| o % step == 0)
            .ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID {id} is not SLURM_ARRAY_TASK_MIN {min} plus a multiple of the step {step}")
            })?;
        (
            offset / step,
            count(Some("SLURM_ARRAY_TASK_COUNT"))?,
            "Slurm",
        )
    } else if let Some(i) = num("JOB_COMPLETION_INDEX")? {
        (i, count(None)?, "Kubernetes")
    } else if let Some(i) = num("AWS_BATCH_JOB_ARRAY_INDEX")? {
        (i, count(Some("AWS_BATCH_JOB_ARRAY_SIZE"))?, "AWS Batch")
    } else {
        return Err(
            "no job array found: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX and \
                    AWS_BATCH_JOB_ARRAY_INDEX is set; give --shard K/N"
                .to_string(),
        );
    };
    if index >= n {
        return Err(format!(
            "{scheduler} task {} is beyond the {n} shards the job array declares",
            index + 1
        ));
    }
    Ok(Shard { k: index + 1, n })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<Shard, String> {
        shard_from_env(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn auto_shards_come_from_the_job_array() {
        let shard = |k, n| Ok(Shard { k, n });
        // Slurm: `--array=1-7` numbers tasks 1..7; `--array=0-12:4` gives 0, 4, 8, 12.
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "7"),
        ];
        assert_eq!(from(&slurm), shard(3, 7));
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "8"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_STEP", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(from(&stepped), shard(3, 4));
        // Kubernetes: the index from 0, the count from the Job's own variable.
        let k8s = [("JOB_COMPLETION_INDEX", "0"), ("SCRISK_SHARDS", "5")];
        assert_eq!(from(&k8s), shard(1, 5));
        // AWS Batch: the array size when passed, else SCRISK_SHARDS.
        let aws = [
            ("AWS_BATCH_JOB_ARRAY_INDEX", "4"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "5"),
        ];
        assert_eq!(from(&aws), shard(5, 5));
        let aws = [("AWS_BATCH_JOB_ARRAY_INDEX", "1"), ("SCRISK_SHARDS", "2")];
        assert_eq!(from(&aws), shard(2, 2));
    }

    #[test]
    fn auto_shards_refuse_what_does_not_add_up() {
        let err = |vars: &[(&str, &str)], want: &str| {
            let e = from(vars).expect_err("refused");
            assert!(e.contains(want), "{e}");
        };
        err(&[], "no job array found");
        err(&[("JOB_COMPLETION_INDEX", "0")], "SCRISK_SHARDS is not set");
        err(
            &[("JOB_COMPLETION_INDEX", "5"), ("SCRISK_SHARDS", "5")],
            "beyond the 5 shards",
        );
        err(
            &[("JOB_COMPLETION_INDEX", "x"), ("SCRISK_SHARDS", "5")],
            "is not a whole number",
        );
        err(
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ],
            "is not SLURM_ARRAY_TASK_MIN",
        );
    }
}
