//! The partial document a shard writes (`analyze --shard K/N`) and `scrisk merge` reads back:
//! a manifest saying what the part belongs to (scrisk version, the input's and the options'
//! SHA-256, N, K and the keys it covers) and the sweep results of those keys, by id. The
//! results hold exactly what the merge needs to finish the sweeps as an unsharded run would
//! (the firm sweep's time-weighted loss before the risk exposure index, each country's loss
//! per end firm for hidden concentration), at full precision (shortest round-trip form).
//!
//! The manifest's `results_sha256` is the SHA-256 of the results as this module serialises
//! them (compact JSON): a part edited after it was written no longer matches it. It is a check
//! against accidents and careless edits; someone who rewrites the results can rewrite the hash
//! too, and the merge then catches only what the other checks catch (keys, options, input).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::schema::Entry;
use crate::model::{Dataset, FirmIdx};
use crate::whatif::capacity::{FirmOutcome, Outcome};
use crate::whatif::recovery::{FirmRecovery, RecoveryGap};
use crate::whatif::shard::Keys;
use crate::whatif::sweep::SweepEntry;
use crate::whatif::SweepPart;

/// The version of the partial document's layout; a merge refuses parts of another layout.
pub(crate) const LAYOUT: u32 = 1;

/// One shard's partial document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Partial {
    /// [`LAYOUT`].
    pub(crate) scrisk_partial: u32,
    pub(crate) manifest: Manifest,
    pub(crate) results: Results,
}

/// What a part belongs to and what it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    /// The version of scrisk that wrote the part.
    pub(crate) scrisk_version: String,
    /// The dataset's name (its report file names).
    pub(crate) dataset: String,
    /// The dataset's path as the shard saw it (absolute when it could be resolved): where the
    /// merge reads the dataset unless told otherwise.
    pub(crate) data: String,
    /// SHA-256 of the dataset's input files ([`input_digest`]).
    pub(crate) input_sha256: String,
    pub(crate) options: Options,
    /// SHA-256 of `options` as compact JSON.
    pub(crate) options_sha256: String,
    /// K, from 1.
    pub(crate) shard: usize,
    /// N.
    pub(crate) shards: usize,
    pub(crate) keys: KeyList,
    /// SHA-256 of `results` as compact JSON.
    pub(crate) results_sha256: String,
}

/// The options of `analyze` that change a report: the merge writes its reports with them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Options {
    /// Write the markdown report.
    pub(crate) markdown: bool,
    /// Write the JSON report.
    pub(crate) json: bool,
    pub(crate) normalize_shares: bool,
    /// `--capacity` (the dataset may also turn the model on itself).
    pub(crate) capacity: bool,
    pub(crate) recovery_days: f64,
    /// The `--cut` flags as typed.
    pub(crate) cuts: Vec<String>,
}

impl Options {
    /// SHA-256 of the options as compact JSON.
    pub(crate) fn digest(&self) -> String {
        sha256_hex(
            serde_json::to_string(self)
                .expect("options always serialise")
                .as_bytes(),
        )
    }
}

/// The keys of each sweep a part covers, by id and sorted as [`Keys`] sorts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyList {
    pub(crate) firms: Vec<String>,
    pub(crate) countries: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) groups: Vec<String>,
    pub(crate) capacity: Vec<String>,
}

impl KeyList {
    pub(crate) fn of(ds: &Dataset, keys: &Keys) -> KeyList {
        let ids = |v: &[FirmIdx]| v.iter().map(|&f| ds.firms[f].id.clone()).collect();
        KeyList {
            firms: ids(&keys.firms),
            countries: keys.countries.clone(),
            regions: keys.regions.clone(),
            groups: keys.groups.clone(),
            capacity: ids(&keys.capacity),
        }
    }
}

/// The sweep results of a part's keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Results {
    /// Firm sweep entries in key order, without a risk exposure index.
    pub(crate) firms: Vec<Entry>,
    pub(crate) countries: Vec<CountryEntry>,
    pub(crate) regions: Vec<Entry>,
    pub(crate) groups: Vec<Entry>,
    pub(crate) recovery: Vec<Recovery>,
    /// Some cycle hit the iteration bound in these entries.
    pub(crate) unconverged: bool,
    /// The capacity model's firm sweep, without a risk exposure index.
    pub(crate) capacity: Vec<CapacityEntry>,
}

impl Results {
    /// SHA-256 of the results as compact JSON.
    pub(crate) fn digest(&self) -> String {
        sha256_hex(
            serde_json::to_string(self)
                .expect("results always serialise")
                .as_bytes(),
        )
    }
}

/// A country sweep entry with its loss per end firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountryEntry {
    pub(crate) entry: Entry,
    /// Loss of each end firm, in the order of the report's `end_firms`.
    pub(crate) losses: Vec<f64>,
}

/// A firm whose recovery outlasts some end firm's stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Recovery {
    pub(crate) firm: String,
    pub(crate) ttr_days: f64,
    /// (end firm, time to survive, loss).
    pub(crate) short: Vec<(String, f64, f64)>,
}

/// One entry of the capacity model's firm sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CapacityEntry {
    pub(crate) firm: String,
    pub(crate) ttr_days: f64,
    pub(crate) lost_value: f64,
    pub(crate) tts_days: Option<f64>,
    pub(crate) exposure_days: f64,
}

/// SHA-256 of `bytes` in lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The results of a sweep part, by id.
pub(crate) fn results(ds: &Dataset, part: &SweepPart) -> Results {
    let id = |f: FirmIdx| ds.firms[f].id.clone();
    let entry = |e: &SweepEntry| Entry {
        key: e.key.clone(),
        value_at_risk: e.value_at_risk,
        max_loss: e.max_loss,
        chokepoint_for: e.chokepoint_for.iter().map(|&f| id(f)).collect(),
        time_weighted_loss: e.time_weighted_loss,
        risk_exposure_index: None,
    };
    Results {
        firms: part.firms.iter().map(entry).collect(),
        countries: part
            .countries
            .iter()
            .zip(&part.country_losses)
            .map(|(e, (_, losses))| CountryEntry {
                entry: entry(e),
                losses: losses.clone(),
            })
            .collect(),
        regions: part.regions.iter().map(entry).collect(),
        groups: part.groups.iter().map(entry).collect(),
        recovery: part
            .recovery
            .iter()
            .map(|r| Recovery {
                firm: id(r.firm),
                ttr_days: r.ttr_days,
                short: r
                    .short
                    .iter()
                    .map(|s| (id(s.end_firm), s.tts_days, s.loss))
                    .collect(),
            })
            .collect(),
        unconverged: part.unconverged,
        capacity: part
            .capacity
            .iter()
            .map(|e| CapacityEntry {
                firm: id(e.firm),
                ttr_days: e.ttr_days,
                lost_value: e.outcome.lost_value,
                tts_days: e.outcome.tts_days,
                exposure_days: e.outcome.exposure_days,
            })
            .collect(),
    }
}

/// A part's results back as a sweep part of `ds`, which has `end_firms` end firms; `Err` says
/// what does not fit the dataset (an unknown firm, a loss list of the wrong length).
pub(crate) fn sweep_part(ds: &Dataset, end_firms: usize, r: &Results) -> Result<SweepPart, String> {
    let firm = |id: &str| {
        ds.firm_index(id)
            .ok_or_else(|| format!("names firm {id:?}, which the dataset does not have"))
    };
    let entry = |e: &Entry| -> Result<SweepEntry, String> {
        Ok(SweepEntry {
            key: e.key.clone(),
            value_at_risk: e.value_at_risk,
            max_loss: e.max_loss,
            chokepoint_for: e
                .chokepoint_for
                .iter()
                .map(|f| firm(f))
                .collect::<Result<_, _>>()?,
            time_weighted_loss: e.time_weighted_loss,
            risk_exposure_index: None,
        })
    };
    let entries = |v: &[Entry]| v.iter().map(entry).collect::<Result<Vec<_>, _>>();
    let mut country_losses = Vec::with_capacity(r.countries.len());
    for c in &r.countries {
        if c.losses.len() != end_firms {
            return Err(format!(
                "country {:?} has {} losses for {end_firms} end firms",
                c.entry.key,
                c.losses.len(),
            ));
        }
        country_losses.push((c.entry.key.clone(), c.losses.clone()));
    }
    let recovery = r
        .recovery
        .iter()
        .map(|x| {
            let short = x
                .short
                .iter()
                .map(|(e, t, l)| {
                    Ok(RecoveryGap {
                        end_firm: firm(e)?,
                        tts_days: *t,
                        loss: *l,
                    })
                })
                .collect::<Result<_, String>>()?;
            Ok(FirmRecovery {
                firm: firm(&x.firm)?,
                ttr_days: x.ttr_days,
                short,
            })
        })
        .collect::<Result<_, String>>()?;
    let capacity = r
        .capacity
        .iter()
        .map(|e| {
            Ok(FirmOutcome {
                firm: firm(&e.firm)?,
                ttr_days: e.ttr_days,
                outcome: Outcome {
                    lost_value: e.lost_value,
                    tts_days: e.tts_days,
                    exposure_days: e.exposure_days,
                },
                risk_exposure_index: 0.0,
            })
        })
        .collect::<Result<_, String>>()?;
    let countries: Vec<Entry> = r.countries.iter().map(|c| c.entry.clone()).collect();
    Ok(SweepPart {
        firms: entries(&r.firms)?,
        countries: entries(&countries)?,
        country_losses,
        regions: entries(&r.regions)?,
        groups: entries(&r.groups)?,
        recovery,
        unconverged: r.unconverged,
        capacity,
    })
}

/// The keys a part's results hold, per sweep, in the order written.
pub(crate) fn result_keys(r: &Results) -> KeyList {
    let keys = |v: &[Entry]| v.iter().map(|e| e.key.clone()).collect();
    KeyList {
        firms: keys(&r.firms),
        countries: r.countries.iter().map(|c| c.entry.key.clone()).collect(),
        regions: keys(&r.regions),
        groups: keys(&r.groups),
        capacity: r.capacity.iter().map(|e| e.firm.clone()).collect(),
    }
}

/// Renders a partial document: compact JSON (it is for machines), one trailing newline.
pub(crate) fn render(p: &Partial) -> String {
    let mut s = serde_json::to_string(p).expect("partial documents always serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_inputs() {
        // FIPS 180-2's examples.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
