//! N-1 sweeps (MODEL.md §6): every firm cut alone, and every country, region and named group
//! cut as a set; each entry's value at risk, largest loss, chokepoints and (firms) time-weighted
//! loss and risk exposure index.
//!
//! Sweep entries are independent; they run in parallel with rayon through an indexed
//! `map_init(..).collect()`, so results come back in input order and every sum inside an entry
//! runs sequentially — the output is identical for any number of threads.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::graph::SupplyGraph;
use crate::model::{Dataset, FirmIdx};
use crate::whatif::engine::{Engine, Scratch};
use crate::whatif::recovery::{FirmRecovery, RecoveryGap};
use crate::whatif::{WhatIfSettings, CHOKEPOINT_LOSS};

/// One entry of an N-1 sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepEntry {
    pub key: String,
    pub value_at_risk: f64,
    pub max_loss: f64,
    /// End firms this entry stops completely, sorted.
    pub chokepoint_for: Vec<FirmIdx>,
    /// Firm sweep only.
    pub time_weighted_loss: Option<f64>,
    /// Firm sweep only: time-weighted loss over the largest of any firm.
    pub risk_exposure_index: Option<f64>,
}

/// All four sweeps, each sorted by value at risk descending, then key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sweeps {
    pub firms: Vec<SweepEntry>,
    pub countries: Vec<SweepEntry>,
    pub regions: Vec<SweepEntry>,
    pub groups: Vec<SweepEntry>,
}

/// Sorts entries by value at risk descending, then key ascending.
fn rank(entries: &mut [SweepEntry]) {
    entries.sort_by(|a, b| {
        b.value_at_risk
            .total_cmp(&a.value_at_risk)
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// What the firm sweep returns: its entries (ranked), the recovery gaps of firms with a known
/// recovery time (when asked for), and whether some cycle failed to converge.
pub(crate) type FirmSweep = (Vec<SweepEntry>, Vec<FirmRecovery>, bool);

/// The firm sweep: each firm cut alone, loss summed over the other end firms.
pub(crate) fn firm_sweep(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    settings: WhatIfSettings,
    tick: &(dyn Fn() + Sync),
) -> FirmSweep {
    // Position of each end firm in `g.end_firms`. When every end firm is at full availability
    // in the intact network (shares summing exactly to 1), an end firm the cut did not touch
    // has loss 0 and adds nothing: only the touched ones are visited, in end-firm order, which
    // gives the same sums as visiting all of them.
    let mut end_pos: Vec<Option<usize>> = vec![None; ds.firms.len()];
    for (i, &e) in g.end_firms.iter().enumerate() {
        end_pos[e] = Some(i);
    }
    let sweep = FirmCut {
        ds,
        g,
        engine,
        settings,
        end_pos,
        intact: g.end_firms.iter().all(|&e| engine.baseline()[e] == 1.0),
    };
    let results: Vec<(SweepEntry, Option<FirmRecovery>, bool)> = (0..ds.firms.len())
        .into_par_iter()
        // Each split allocates a scratch space the size of the network: not too many splits.
        .with_min_len(64)
        .map_init(
            || (engine.scratch(), Vec::new()),
            |(s, ends), n| {
                let (entry, recovery) = sweep.cut(s, ends, n);
                tick();
                (entry, recovery, std::mem::take(&mut s.unconverged))
            },
        )
        .collect();
    let unconverged = results.iter().any(|r| r.2);
    let mut entries = Vec::with_capacity(results.len());
    let mut recovery = Vec::new();
    for (entry, gaps, _) in results {
        entries.push(entry);
        recovery.extend(gaps);
    }
    let worst = entries
        .iter()
        .filter_map(|e| e.time_weighted_loss)
        .fold(0.0, f64::max);
    for e in &mut entries {
        let twl = e.time_weighted_loss.unwrap_or(0.0);
        e.risk_exposure_index = Some(if worst > 0.0 { twl / worst } else { 0.0 });
    }
    rank(&mut entries);
    (entries, recovery, unconverged)
}

/// One firm cut alone, with what every cut shares.
struct FirmCut<'a> {
    ds: &'a Dataset,
    g: &'a SupplyGraph,
    engine: &'a Engine<'a>,
    settings: WhatIfSettings,
    /// Position of each firm in `g.end_firms`, if it is an end firm.
    end_pos: Vec<Option<usize>>,
    /// Every end firm is at full availability with nothing cut.
    intact: bool,
}

impl FirmCut<'_> {
    /// Cuts firm `n` fully: its sweep entry and, when asked for and `n` has a recovery time,
    /// the end firms whose stock runs out before it recovers. `ends` is reusable scratch.
    fn cut(
        &self,
        s: &mut Scratch,
        ends: &mut Vec<usize>,
        n: FirmIdx,
    ) -> (SweepEntry, Option<FirmRecovery>) {
        let (ds, g, engine) = (self.ds, self.g, self.engine);
        engine.propagate(s, &[(n, 0.0)]);
        ends.clear();
        if self.intact {
            ends.extend(s.touched().iter().filter_map(|&f| self.end_pos[f]));
            ends.sort_unstable();
        } else {
            ends.extend(0..g.end_firms.len());
        }
        let ttr = ds.firms[n]
            .recovery_days
            .unwrap_or(self.settings.default_recovery_days);
        let any_loss = ends
            .iter()
            .any(|&i| g.end_firms[i] != n && s.a(g.end_firms[i]) < 1.0);
        if any_loss && ttr > 0.0 {
            engine.time_to_survive_below(s, &[n], ttr);
        }
        let mut entry = SweepEntry {
            key: ds.firms[n].id.clone(),
            value_at_risk: 0.0,
            max_loss: 0.0,
            chokepoint_for: Vec::new(),
            time_weighted_loss: Some(0.0),
            risk_exposure_index: None,
        };
        let mut short = Vec::new();
        let mut twl = 0.0;
        for &i in ends.iter() {
            let (e, v) = (g.end_firms[i], g.end_values[i]);
            if e == n {
                continue;
            }
            let loss = 1.0 - s.a(e);
            entry.value_at_risk += loss * v;
            entry.max_loss = entry.max_loss.max(loss);
            if loss >= CHOKEPOINT_LOSS {
                entry.chokepoint_for.push(e);
            }
            let tts = s.tts(e);
            let exposure = tts.map_or(0.0, |t| (ttr - t).max(0.0));
            twl += loss * exposure / 365.0 * v;
            if let Some(t) = tts.filter(|&t| t < ttr && loss > 0.0) {
                short.push(RecoveryGap {
                    end_firm: e,
                    tts_days: t,
                    loss,
                });
            }
        }
        entry.time_weighted_loss = Some(twl);
        engine.reset(s);
        let recovery = (self.settings.recovery_gaps
            && ds.firms[n].recovery_days.is_some()
            && !short.is_empty())
        .then_some(FirmRecovery {
            firm: n,
            ttr_days: ttr,
            short,
        });
        (entry, recovery)
    }
}

/// Loss of every end firm (in `g.end_firms` order) when every firm of `set` except the end
/// firm itself is cut.
fn set_losses(g: &SupplyGraph, engine: &Engine, s: &mut Scratch, set: &[FirmIdx]) -> Vec<f64> {
    let mut losses = vec![0.0; g.end_firms.len()];
    let in_set = |f: FirmIdx| set.binary_search(&f).is_ok();
    // End firms in the set inside a cycle: their own cut could come back to them through the
    // cycle, so they get a propagation of their own without themselves.
    for (i, &e) in g.end_firms.iter().enumerate() {
        if in_set(e) && g.sccs[g.scc_of[e]].len() > 1 {
            let caps: Vec<(FirmIdx, f64)> =
                set.iter().filter(|&&f| f != e).map(|&f| (f, 0.0)).collect();
            engine.propagate(s, &caps);
            losses[i] = 1.0 - s.a(e);
            engine.reset(s);
        }
    }
    let caps: Vec<(FirmIdx, f64)> = set.iter().map(|&f| (f, 0.0)).collect();
    engine.propagate(s, &caps);
    for (i, &e) in g.end_firms.iter().enumerate() {
        if !in_set(e) {
            losses[i] = 1.0 - s.a(e);
        } else if g.sccs[g.scc_of[e]].len() == 1 {
            // Not in a cycle: its suppliers are unaffected by its own cut, so its availability
            // is what its inputs allow at full own capacity.
            losses[i] = 1.0 - engine.eval_uncut(s, e);
        }
    }
    engine.reset(s);
    losses
}

/// A set sweep's entries, each entry's losses per end firm (keyed by the set's name), and
/// whether some cycle failed to converge.
pub(crate) type SetSweep = (Vec<SweepEntry>, Vec<(String, Vec<f64>)>, bool);

/// A sweep over named sets of firms (countries, regions or groups); also returns each entry's
/// losses per end firm.
pub(crate) fn set_sweep(
    g: &SupplyGraph,
    engine: &Engine,
    sets: &BTreeMap<String, Vec<FirmIdx>>,
    tick: &(dyn Fn() + Sync),
) -> SetSweep {
    let sets: Vec<(&String, &Vec<FirmIdx>)> = sets.iter().collect();
    let results: Vec<(SweepEntry, Vec<f64>, bool)> = sets
        .par_iter()
        .map_init(
            || engine.scratch(),
            |s, (key, set)| {
                let losses = set_losses(g, engine, s, set);
                let mut entry = SweepEntry {
                    key: (*key).clone(),
                    value_at_risk: 0.0,
                    max_loss: 0.0,
                    chokepoint_for: Vec::new(),
                    time_weighted_loss: None,
                    risk_exposure_index: None,
                };
                for ((&e, &v), &loss) in g.end_firms.iter().zip(&g.end_values).zip(&losses) {
                    entry.value_at_risk += loss * v;
                    entry.max_loss = entry.max_loss.max(loss);
                    if loss >= CHOKEPOINT_LOSS {
                        entry.chokepoint_for.push(e);
                    }
                }
                tick();
                let unconverged = std::mem::take(&mut s.unconverged);
                (entry, losses, unconverged)
            },
        )
        .collect();
    let unconverged = results.iter().any(|r| r.2);
    let losses = results
        .iter()
        .map(|r| (r.0.key.clone(), r.1.clone()))
        .collect();
    let mut entries: Vec<SweepEntry> = results.into_iter().map(|r| r.0).collect();
    rank(&mut entries);
    (entries, losses, unconverged)
}

/// Number of sweep entries (for a progress bar).
pub fn sweep_size(ds: &Dataset) -> u64 {
    let (c, r, g) = sweep_sets(ds);
    (ds.firms.len() + c.len() + r.len() + g.len()) as u64
}

pub(crate) type Sets = BTreeMap<String, Vec<FirmIdx>>;

pub(crate) fn sweep_sets(ds: &Dataset) -> (Sets, Sets, Sets) {
    (
        ds.firms_by(|f| Some(f.country.as_str())),
        ds.firms_by(|f| f.region.as_deref()),
        ds.firms_by(|f| f.group_named.then_some(f.group.as_str())),
    )
}
