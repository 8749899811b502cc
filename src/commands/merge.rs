//! `scrisk merge PARTS... --out DIR`: the parts of a sharded sweep (`analyze --shard K/N`) into
//! the reports an unsharded run writes. First every part is checked on its own (readable, this
//! layout and scrisk version, options and results matching their recorded SHA-256, results
//! covering the keys the manifest lists), then each dataset's parts together (the same input,
//! options and N; every shard exactly once; each covering exactly its shard's keys of the
//! split). Any problem names the file, exits 2, and nothing is written.
//!
//! The sweeps come from the parts; everything else in a report (metrics, scenarios, coverage,
//! the capacity model's scenarios) is computed again from the dataset, which is cheap next to
//! the sweeps, with the same code as an unsharded run: the reports are the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::shard::part_file_name;
use super::{cli_scenario, input_digest, load, report_files, summary_line, write_files};
use crate::analysis::Analysis;
use crate::exit::ExitStatus;
use crate::ingest::LoadOptions;
use crate::model::CutSpec;
use crate::output::Out;
use crate::problem::Problem;
use crate::report::shard::{self, result_keys, KeyList, Manifest, Partial, LAYOUT};
use crate::settings::{self, Merge};
use crate::text::plural;
use crate::whatif::shard::split;
use crate::whatif::{Quiet, SweepPart, Sweeping};

/// One part as read.
struct Part {
    /// Its path, as given.
    file: String,
    doc: Partial,
}

impl Part {
    fn m(&self) -> &Manifest {
        &self.doc.manifest
    }
}

/// Runs `scrisk merge`.
pub(crate) fn run(s: &Merge, out: &mut Out) -> ExitStatus {
    let mut problems = Vec::new();
    let mut groups: BTreeMap<String, Vec<Part>> = BTreeMap::new();
    for path in &s.parts {
        match read_part(path) {
            Ok(p) => groups.entry(p.m().dataset.clone()).or_default().push(p),
            Err(e) => problems.push(e),
        }
    }
    if s.data.is_some() && groups.len() > 1 {
        let names: Vec<&str> = groups.keys().map(String::as_str).collect();
        problems.push(
            Problem::file(
                "--data",
                format!(
                    "names one dataset, but the parts are of {}",
                    names.join(", ")
                ),
            )
            .with_hint("merge each dataset's parts in a run of its own"),
        );
    }
    if !problems.is_empty() {
        return refuse(&problems, out);
    }
    // Every dataset is merged in memory before anything is written.
    let mut merged = Vec::new();
    for parts in groups.values() {
        match merge_one(s, parts, out) {
            Ok(m) => merged.push(m),
            Err(problems) => return refuse(&problems, out),
        }
    }
    let mut status = ExitStatus::Ok;
    for (summary, files) in merged {
        let (written, st) = write_files(&s.out, &files, out);
        status = status.max(st);
        if !written.is_empty() {
            out.line(&format!("{summary} -> {}", written.join(", ")));
        }
    }
    status
}

/// Reports the problems and that nothing was written.
fn refuse(problems: &[Problem], out: &mut Out) -> ExitStatus {
    out.problems(problems);
    out.diag(&format!(
        "error: {} found; nothing written\n",
        plural(problems.len(), "problem", "problems")
    ));
    ExitStatus::Error
}

/// Reads one part and checks it on its own.
fn read_part(path: &Path) -> Result<Part, Problem> {
    let file = path.display().to_string();
    let problem = |message: String| Problem::file(file.clone(), message);
    let text = std::fs::read_to_string(path).map_err(|e| problem(format!("cannot read: {e}")))?;
    let doc: Partial = serde_json::from_str(&text).map_err(|e| {
        problem(format!("is not a part of a sharded sweep ({e})")).with_hint(
            "parts are the <dataset>.shard-K-of-N.json files that analyze --shard K/N writes",
        )
    })?;
    let m = &doc.manifest;
    let ours = env!("CARGO_PKG_VERSION");
    if doc.scrisk_partial != LAYOUT {
        return Err(problem(format!(
            "is a part of layout {}; this scrisk reads layout {LAYOUT}",
            doc.scrisk_partial
        )));
    }
    if m.scrisk_version != ours {
        return Err(problem(format!(
            "was written by scrisk {}; this is scrisk {ours}",
            m.scrisk_version
        ))
        .with_hint("run every shard and the merge with the same version of scrisk"));
    }
    if m.shard == 0 || m.shard > m.shards {
        return Err(problem(format!(
            "claims to be shard {} of {}",
            m.shard, m.shards
        )));
    }
    let modified = "was modified after it was written, or damaged";
    if m.options.digest() != m.options_sha256 {
        return Err(problem(format!(
            "{modified}: its options do not match their SHA-256"
        )));
    }
    if doc.results.digest() != m.results_sha256 {
        return Err(problem(format!(
            "{modified}: its results do not match their SHA-256"
        )));
    }
    if result_keys(&doc.results) != m.keys {
        return Err(problem(format!(
            "{modified}: its results are not those of the keys its manifest lists"
        )));
    }
    Ok(Part { file, doc })
}

/// The value most parts share (ties: the first part's) and the parts that differ from it.
fn odd_ones<T: PartialEq>(parts: &[Part], value: impl Fn(&Manifest) -> T) -> (T, Vec<&Part>) {
    let values: Vec<T> = parts.iter().map(|p| value(p.m())).collect();
    let count = |v: &T| values.iter().filter(|w| *w == v).count();
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if count(v) > count(&values[best]) {
            best = i;
        }
    }
    let odd = parts
        .iter()
        .zip(&values)
        .filter(|(_, v)| **v != values[best])
        .map(|(p, _)| p)
        .collect();
    (value(parts[best].m()), odd)
}

/// One dataset's merged reports: its summary line and (file name, contents) of each report.
type Merged = (String, Vec<(String, String)>);

/// Checks one dataset's parts together, then analyses the dataset with their sweeps.
fn merge_one(s: &Merge, parts: &[Part], out: &mut Out) -> Result<Merged, Vec<Problem>> {
    let first = parts[0].m();
    let data = s.data.clone().unwrap_or_else(|| PathBuf::from(&first.data));
    let n = check_together(parts, &data)?;
    let by_shard = check_each_once(parts, n)?;
    let opts = &first.options;
    let load_opts = LoadOptions {
        normalize_shares: opts.normalize_shares,
        capacity: opts.capacity,
    };
    let Some((mut ds, g)) = load(&data, load_opts, out) else {
        return Err(vec![Problem::file(
            data.display().to_string(),
            "the dataset no longer loads",
        )]);
    };
    // The name the shards saw: the dataset may be mounted elsewhere for the merge.
    ds.name.clone_from(&first.dataset);
    let mut problems = Vec::new();
    let mut all = SweepPart::default();
    for (keys, part) in split(&ds, &g, n).iter().zip(&by_shard) {
        if KeyList::of(&ds, keys) != part.m().keys {
            problems.push(Problem::file(
                part.file.clone(),
                format!(
                    "covers other keys than shard {} of {n} of this dataset",
                    part.m().shard
                ),
            ));
            continue;
        }
        match shard::sweep_part(&ds, g.end_firms.len(), &part.doc.results) {
            Ok(p) => all.absorb(p),
            Err(e) => problems.push(Problem::file(part.file.clone(), e)),
        }
    }
    let mut cuts = Vec::new();
    for text in &opts.cuts {
        match text.parse::<CutSpec>() {
            Ok(c) => cuts.push(c),
            Err(e) => problems.push(Problem::file(
                parts[0].file.clone(),
                format!(
                    "records the cut {text:?}, which does not parse: {}",
                    e.message
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(cli) = cli_scenario(&ds, &cuts, out) else {
        return Err(vec![Problem::file(
            parts[0].file.clone(),
            "records a --cut that matches nothing in the dataset",
        )]);
    };
    let settings = settings::analysis(opts.recovery_days, true);
    let sweeping = Sweeping::Given(Box::new(all));
    let analysis = Analysis::run_with(&ds, &g, cli.as_ref(), settings, &Quiet, sweeping)
        .map_err(|e| vec![Problem::file(data.display().to_string(), e.to_string())])?;
    let files = report_files(opts.markdown, opts.json, &analysis);
    Ok((summary_line(&ds, &g), files))
}

/// The parts were computed from the input `data` holds now, with the same options and the
/// same N (returned).
fn check_together(parts: &[Part], data: &Path) -> Result<usize, Vec<Problem>> {
    let shown = data.display().to_string();
    if !data.exists() {
        return Err(vec![Problem::file(
            shown,
            format!(
                "no such file or directory (the dataset {} recorded in {})",
                parts[0].m().dataset,
                parts[0].file
            ),
        )
        .with_hint("give the dataset's path with --data")]);
    }
    let digest = input_digest(data).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    for p in parts.iter().filter(|p| p.m().input_sha256 != digest) {
        problems.push(
            Problem::file(
                p.file.clone(),
                format!(
                    "was computed from other input than {shown} holds now (input SHA-256 differs)"
                ),
            )
            .with_hint("run the shards again on the dataset as it is now"),
        );
    }
    let (n, odd) = odd_ones(parts, |m| m.shards);
    for p in odd {
        problems.push(Problem::file(
            p.file.clone(),
            format!(
                "is shard {} of {}, but the other parts are of {n} shards",
                p.m().shard,
                p.m().shards
            ),
        ));
    }
    let (_, odd) = odd_ones(parts, |m| m.options_sha256.clone());
    for p in odd {
        problems.push(Problem::file(
            p.file.clone(),
            "was run with other options than the other parts (--format, --cut, --recovery-days, \
             --normalize-shares or --capacity)",
        ));
    }
    if problems.is_empty() {
        Ok(n)
    } else {
        Err(problems)
    }
}

/// The parts by shard, each shard exactly once.
fn check_each_once(parts: &[Part], n: usize) -> Result<Vec<&Part>, Vec<Problem>> {
    let mut by_shard: Vec<Option<&Part>> = vec![None; n];
    let mut problems = Vec::new();
    for p in parts {
        let k = p.m().shard;
        match by_shard[k - 1] {
            Some(seen) => problems.push(Problem::file(
                p.file.clone(),
                format!("is shard {k} of {n} again ({} is too)", seen.file),
            )),
            None => by_shard[k - 1] = Some(p),
        }
    }
    let dir = Path::new(&parts[0].file)
        .parent()
        .unwrap_or_else(|| Path::new(""));
    for (i, _) in by_shard.iter().enumerate().filter(|(_, p)| p.is_none()) {
        let name = part_file_name(&parts[0].m().dataset, i + 1, n);
        problems.push(Problem::file(
            dir.join(name).display().to_string(),
            format!("missing: shard {} of {n} was not given", i + 1),
        ));
    }
    if problems.is_empty() {
        Ok(by_shard.into_iter().flatten().collect())
    } else {
        Err(problems)
    }
}
