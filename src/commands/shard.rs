//! `scrisk analyze --shard K/N`: one shard's part of every sweep of a loaded dataset, written
//! as `<dataset>.shard-K-of-N.json` (a [`Partial`]) instead of the reports. The split is
//! [`whatif::shard::split`]; the scenarios, metrics and the rest of the report are left to
//! `scrisk merge`, which reads the dataset again.

use std::path::Path;
use std::time::{Duration, Instant};

use super::analyze::Watch;
use super::{input_digest, write_files};
use crate::exit::ExitStatus;
use crate::graph::SupplyGraph;
use crate::model::Dataset;
use crate::output::progress::sweep_bar;
use crate::output::write::safe_file_stem;
use crate::output::Out;
use crate::report::shard::{self, KeyList, Manifest, Options, Partial, LAYOUT};
use crate::settings::{Analyze, Shard};
use crate::text::plural;
use crate::whatif;

/// The file name of shard `k` of `n` of a dataset's sweeps.
pub(crate) fn part_file_name(dataset: &str, k: usize, n: usize) -> String {
    format!("{}.shard-{k}-of-{n}.json", safe_file_stem(dataset))
}

/// The options of `analyze` a part records (and the merge writes its reports with).
pub(crate) fn options(s: &Analyze) -> Options {
    Options {
        markdown: s.markdown,
        json: s.json,
        normalize_shares: s.input.load.normalize_shares,
        capacity: s.input.load.capacity,
        recovery_days: s.analysis.whatif.default_recovery_days,
        cuts: s.cuts.iter().map(|c| c.text.clone()).collect(),
    }
}

/// Computes and writes shard `shard` of the sweeps of `ds` (loaded from `dir` in `load_time`).
pub(crate) fn run(
    s: &Analyze,
    shard: Shard,
    dir: &Path,
    ds: &Dataset,
    g: &SupplyGraph,
    load_time: Duration,
    out: &mut Out,
) -> ExitStatus {
    let input_sha256 = match input_digest(dir) {
        Ok(d) => d,
        Err(p) => {
            out.problems(&[p]);
            return ExitStatus::Error;
        }
    };
    let clock = Instant::now();
    let keys = whatif::shard::split(ds, g, shard.n).swap_remove(shard.k - 1);
    let split_time = clock.elapsed();
    let watch = Watch::new(sweep_bar(keys.count() as u64, s.progress, &ds.name));
    let part = whatif::sweep_part(ds, g, &keys, s.analysis.whatif, &watch);
    watch.bar.finish_and_clear();
    let part = match part {
        Ok(p) => p,
        Err(e) => {
            out.diag(&format!("error: {}: {e}; no part written\n", ds.name));
            return ExitStatus::Error;
        }
    };
    let clock = Instant::now();
    let results = shard::results(ds, &part);
    let options = options(s);
    let data = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let partial = Partial {
        scrisk_partial: LAYOUT,
        manifest: Manifest {
            scrisk_version: env!("CARGO_PKG_VERSION").to_string(),
            dataset: ds.name.clone(),
            data: data.display().to_string(),
            input_sha256,
            options_sha256: options.digest(),
            options,
            shard: shard.k,
            shards: shard.n,
            keys: KeyList::of(ds, &keys),
            results_sha256: results.digest(),
        },
        results,
    };
    let name = part_file_name(&ds.name, shard.k, shard.n);
    let (written, status) = write_files(&s.out, &[(name, shard::render(&partial))], out);
    if s.timings {
        let mut t = vec![("load and graph", load_time), ("split", split_time)];
        t.extend(watch.laps());
        t.push(("write", clock.elapsed()));
        let parts: Vec<String> = t
            .iter()
            .map(|(n, d)| format!("{n} {:.2} s", d.as_secs_f64()))
            .collect();
        out.diag(&format!(
            "timings {} shard {}/{}: {}\n",
            ds.name,
            shard.k,
            shard.n,
            parts.join(", ")
        ));
    }
    if let Some(path) = written.first() {
        out.line(&format!(
            "{}: shard {} of {}, {} -> {path}",
            dir.display(),
            shard.k,
            shard.n,
            plural(keys.count(), "sweep entry", "sweep entries"),
        ));
    }
    status
}
