//! Scenarios, N-1 sweeps and hidden concentration (MODEL.md §5–6), on top of the propagation
//! [`Engine`]. Pure computation: the caller supplies a progress callback.
//!
//! Sweep entries are independent; they run in parallel with rayon through an indexed
//! `map_init(..).collect()`, so results come back in input order and every sum inside an entry
//! runs sequentially — the output is identical for any number of threads.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::graph::SupplyGraph;
use crate::model::{Cut, Dataset, FirmIdx, Scenario};
use crate::whatif::{Engine, Scratch};

/// An end firm's loss counts as a full stop (a chokepoint) from this loss on.
pub const CHOKEPOINT_LOSS: f64 = 1.0 - 1e-9;

/// Settings of the what-if analyses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WhatIfSettings {
    /// Time to recover when neither a scenario duration nor a firm's recovery_days applies.
    pub default_recovery_days: f64,
    /// Run the N-1 sweeps (and hidden concentration, which needs the country sweep).
    pub sweep: bool,
}

impl Default for WhatIfSettings {
    fn default() -> Self {
        WhatIfSettings {
            default_recovery_days: 30.0,
            sweep: true,
        }
    }
}

/// One end firm under a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct EndFirmImpact {
    pub firm: FirmIdx,
    pub availability: f64,
    pub loss: f64,
    pub value_at_risk: f64,
    /// Time to survive; `None` when no cut firm reaches the end firm.
    pub tts_days: Option<f64>,
    pub exposure_days: f64,
    pub time_weighted_loss: f64,
}

/// The result of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioResult {
    pub name: String,
    pub description: Option<String>,
    /// Cuts as written.
    pub cuts: Vec<String>,
    /// The time to recover used.
    pub ttr_days: f64,
    pub total_value_at_risk: f64,
    pub end_firms: Vec<EndFirmImpact>,
}

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

/// Tier-1 share of a country next to the all-tier exposure to it, for one end firm.
#[derive(Debug, Clone, PartialEq)]
pub struct Hidden {
    pub firm: FirmIdx,
    pub country: String,
    pub tier1_share: f64,
    pub all_tier_exposure: f64,
}

/// Everything §5–6 produces for a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub scenarios: Vec<ScenarioResult>,
    pub sweeps: Sweeps,
    pub hidden: Vec<Hidden>,
    /// Whether some cycle hit the iteration bound before converging.
    pub unconverged: bool,
    /// Whether the sweeps ran (`--no-sweep` skips them).
    pub swept: bool,
}

/// Capacities of a list of cuts: the product of (1 - severity) over matching cuts.
pub fn capacities(cuts: &[Cut]) -> Vec<(FirmIdx, f64)> {
    let mut cap: BTreeMap<FirmIdx, f64> = BTreeMap::new();
    for c in cuts {
        for &f in &c.firms {
            *cap.entry(f).or_insert(1.0) *= 1.0 - c.severity;
        }
    }
    cap.into_iter().collect()
}

/// Runs a scenario.
pub fn run_scenario(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    s: &mut Scratch,
    scenario: &Scenario,
    settings: WhatIfSettings,
) -> ScenarioResult {
    let caps = capacities(&scenario.cuts);
    let cut_firms: Vec<FirmIdx> = caps.iter().map(|&(f, _)| f).collect();
    let ttr = scenario.duration_days.unwrap_or_else(|| {
        cut_firms
            .iter()
            .filter_map(|&f| ds.firms[f].recovery_days)
            .reduce(f64::max)
            .unwrap_or(settings.default_recovery_days)
    });
    engine.propagate(s, &caps);
    engine.time_to_survive(s, &cut_firms);
    let mut total = 0.0;
    let end_firms = g
        .end_firms
        .iter()
        .zip(&g.end_values)
        .map(|(&e, &v)| {
            let availability = s.a(e);
            let loss = 1.0 - availability;
            let tts = s.tts(e);
            let exposure_days = tts.map_or(0.0, |t| (ttr - t).max(0.0));
            total += loss * v;
            EndFirmImpact {
                firm: e,
                availability,
                loss,
                value_at_risk: loss * v,
                tts_days: tts,
                exposure_days,
                time_weighted_loss: loss * exposure_days / 365.0 * v,
            }
        })
        .collect();
    engine.reset(s);
    ScenarioResult {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        cuts: scenario.cuts.iter().map(|c| c.text.clone()).collect(),
        ttr_days: ttr,
        total_value_at_risk: total,
        end_firms,
    }
}

/// Runs one scenario on its own (no sweeps): the quick answer of `scrisk whatif`.
pub fn run_single(
    ds: &Dataset,
    g: &SupplyGraph,
    scenario: &Scenario,
    settings: WhatIfSettings,
) -> ScenarioResult {
    let engine = Engine::new(ds, g);
    let mut s = engine.scratch();
    run_scenario(ds, g, &engine, &mut s, scenario, settings)
}

/// Sorts entries by value at risk descending, then key ascending.
fn rank(entries: &mut [SweepEntry]) {
    entries.sort_by(|a, b| {
        b.value_at_risk
            .total_cmp(&a.value_at_risk)
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// The firm sweep: each firm cut alone, loss summed over the other end firms.
fn firm_sweep(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    settings: WhatIfSettings,
    tick: &(dyn Fn() + Sync),
) -> (Vec<SweepEntry>, bool) {
    // Position of each end firm in `g.end_firms`. When every end firm is at full availability
    // in the intact network (shares summing exactly to 1), an end firm the cut did not touch
    // has loss 0 and adds nothing: only the touched ones are visited, in end-firm order, which
    // gives the same sums as visiting all of them.
    let mut end_pos: Vec<Option<usize>> = vec![None; ds.firms.len()];
    for (i, &e) in g.end_firms.iter().enumerate() {
        end_pos[e] = Some(i);
    }
    let intact = g.end_firms.iter().all(|&e| engine.baseline()[e] == 1.0);
    let results: Vec<(SweepEntry, bool)> = (0..ds.firms.len())
        .into_par_iter()
        // Each split allocates a scratch space the size of the network: not too many splits.
        .with_min_len(64)
        .map_init(
            || (engine.scratch(), Vec::new()),
            |(s, ends), n| {
                engine.propagate(s, &[(n, 0.0)]);
                ends.clear();
                if intact {
                    ends.extend(s.touched().iter().filter_map(|&f| end_pos[f]));
                    ends.sort_unstable();
                } else {
                    ends.extend(0..g.end_firms.len());
                }
                let ttr = ds.firms[n]
                    .recovery_days
                    .unwrap_or(settings.default_recovery_days);
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
                    let exposure = s.tts(e).map_or(0.0, |t| (ttr - t).max(0.0));
                    twl += loss * exposure / 365.0 * v;
                }
                entry.time_weighted_loss = Some(twl);
                engine.reset(s);
                tick();
                let unconverged = std::mem::take(&mut s.unconverged);
                (entry, unconverged)
            },
        )
        .collect();
    let unconverged = results.iter().any(|r| r.1);
    let mut entries: Vec<SweepEntry> = results.into_iter().map(|r| r.0).collect();
    let worst = entries
        .iter()
        .filter_map(|e| e.time_weighted_loss)
        .fold(0.0, f64::max);
    for e in &mut entries {
        let twl = e.time_weighted_loss.unwrap_or(0.0);
        e.risk_exposure_index = Some(if worst > 0.0 { twl / worst } else { 0.0 });
    }
    rank(&mut entries);
    (entries, unconverged)
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
type SetSweep = (Vec<SweepEntry>, Vec<(String, Vec<f64>)>, bool);

/// A sweep over named sets of firms (countries, regions or groups); also returns each entry's
/// losses per end firm.
fn set_sweep(
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

type Sets = BTreeMap<String, Vec<FirmIdx>>;

fn sweep_sets(ds: &Dataset) -> (Sets, Sets, Sets) {
    (
        ds.firms_by(|f| Some(f.country.as_str())),
        ds.firms_by(|f| f.region.as_deref()),
        ds.firms_by(|f| f.group_named.then_some(f.group.as_str())),
    )
}

/// Tier-1 share of each country in an end firm's purchases: value-weighted, or without values
/// (or a zero value total) the mean over its components of the share bought from the country.
fn tier1_shares<'d>(ds: &'d Dataset, g: &SupplyGraph, e: FirmIdx) -> BTreeMap<&'d str, f64> {
    let rows = &ds.sourcing[g.rows_of(e)];
    let country = |f: FirmIdx| ds.firms[f].country.as_str();
    let mut out: BTreeMap<&str, f64> = BTreeMap::new();
    let total: f64 = rows.iter().map(|r| r.annual_value.unwrap_or(0.0)).sum();
    if ds.has_values && total > 0.0 {
        for r in rows {
            *out.entry(country(r.supplier)).or_insert(0.0) += r.annual_value.unwrap_or(0.0);
        }
        for v in out.values_mut() {
            *v /= total;
        }
    } else {
        let pairs = crate::metrics::pair_ranges(rows);
        for p in &pairs {
            for r in &rows[p.clone()] {
                *out.entry(country(r.supplier)).or_insert(0.0) += r.share;
            }
        }
        for v in out.values_mut() {
            *v /= pairs.len() as f64;
        }
    }
    out
}

/// Runs every scenario (dataset scenarios, then `extra`), the four sweeps and hidden
/// concentration. `tick` is called once per sweep entry.
pub fn analyse(
    ds: &Dataset,
    g: &SupplyGraph,
    extra: Option<&Scenario>,
    settings: WhatIfSettings,
    tick: &(dyn Fn() + Sync),
    timings: &mut Vec<(&'static str, std::time::Duration)>,
) -> WhatIf {
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<_>| {
        timings.push((name, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let engine = Engine::new(ds, g);
    let mut s = engine.scratch();
    let scenarios = ds
        .scenarios
        .iter()
        .chain(extra)
        .map(|sc| run_scenario(ds, g, &engine, &mut s, sc, settings))
        .collect();
    let mut unconverged = s.unconverged;
    lap("scenarios", timings);
    if !settings.sweep {
        return WhatIf {
            scenarios,
            sweeps: Sweeps::default(),
            hidden: Vec::new(),
            unconverged,
            swept: false,
        };
    }
    let (firms, u1) = firm_sweep(ds, g, &engine, settings, tick);
    lap("firm sweep", timings);
    let (country_sets, region_sets, group_sets) = sweep_sets(ds);
    let (countries, country_losses, u2) = set_sweep(g, &engine, &country_sets, tick);
    let (regions, _, u3) = set_sweep(g, &engine, &region_sets, tick);
    let (groups, _, u4) = set_sweep(g, &engine, &group_sets, tick);
    lap("set sweeps", timings);
    unconverged |= u1 || u2 || u3 || u4;

    let mut hidden = Vec::new();
    for (i, &e) in g.end_firms.iter().enumerate() {
        let tier1 = tier1_shares(ds, g, e);
        for (country, losses) in &country_losses {
            let t1 = tier1.get(country.as_str()).copied().unwrap_or(0.0);
            let exposure = losses[i];
            if t1 > 0.0 || exposure > 0.0 {
                hidden.push(Hidden {
                    firm: e,
                    country: country.clone(),
                    tier1_share: t1,
                    all_tier_exposure: exposure,
                });
            }
        }
    }
    lap("hidden concentration", timings);
    WhatIf {
        scenarios,
        sweeps: Sweeps {
            firms,
            countries,
            regions,
            groups,
        },
        hidden,
        unconverged,
        swept: true,
    }
}
