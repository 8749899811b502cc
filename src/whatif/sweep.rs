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
pub(crate) struct SweepEntry {
    pub(crate) key: String,
    pub(crate) value_at_risk: f64,
    pub(crate) max_loss: f64,
    /// End firms this entry stops completely, sorted.
    pub(crate) chokepoint_for: Vec<FirmIdx>,
    /// Firm sweep only.
    pub(crate) time_weighted_loss: Option<f64>,
    /// Firm sweep only: time-weighted loss over the largest of any firm.
    pub(crate) risk_exposure_index: Option<f64>,
}

/// All four sweeps, each sorted by value at risk descending, then key.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Sweeps {
    pub(crate) firms: Vec<SweepEntry>,
    pub(crate) countries: Vec<SweepEntry>,
    pub(crate) regions: Vec<SweepEntry>,
    pub(crate) groups: Vec<SweepEntry>,
}

/// Sorts entries by value at risk descending, then key ascending: a total order (keys are
/// unique), so the ranking does not depend on the order entries were computed or merged in.
pub(crate) fn rank(entries: &mut [SweepEntry]) {
    entries.sort_by(|a, b| {
        b.value_at_risk
            .total_cmp(&a.value_at_risk)
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// The fewest firms one thread of the firm sweep takes at a time.
const FIRM_SWEEP_MIN_LEN: usize = 64;

/// What the firm sweep returns: its entries (in the order of the firms asked for, without a
/// risk exposure index: see [`rank_firms`]), the recovery gaps of the firms (when asked for, in
/// the same order), and whether some cycle failed to converge.
pub(crate) type FirmSweep = (Vec<SweepEntry>, Vec<FirmRecovery>, bool);

/// The firm sweep of `firms` (every firm, or one shard's): each cut alone, loss summed over the
/// other end firms. Each entry depends only on its own firm, never on which others are swept.
pub(crate) fn firm_sweep(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    settings: WhatIfSettings,
    firms: &[FirmIdx],
    tick: &(dyn Fn() + Sync),
) -> FirmSweep {
    let sweep = FirmCut::new(ds, g, engine, settings);
    let results: Vec<(SweepEntry, Option<FirmRecovery>, bool)> = firms
        .par_iter()
        // Each split allocates a scratch space the size of the network: not too many splits.
        .with_min_len(FIRM_SWEEP_MIN_LEN)
        .map_init(
            || (engine.scratch(), Vec::new()),
            |(s, ends), &n| {
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
    (entries, recovery, unconverged)
}

/// Sets the risk exposure index of every entry of the whole firm sweep (time-weighted loss over
/// the largest of any firm) and ranks the entries.
pub(crate) fn rank_firms(entries: &mut [SweepEntry]) {
    let worst = entries
        .iter()
        .filter_map(|e| e.time_weighted_loss)
        .fold(0.0, f64::max);
    for e in entries.iter_mut() {
        let twl = e.time_weighted_loss.unwrap_or(0.0);
        e.risk_exposure_index = Some(if worst > 0.0 { twl / worst } else { 0.0 });
    }
    rank(entries);
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

impl<'a> FirmCut<'a> {
    fn new(
        ds: &'a Dataset,
        g: &'a SupplyGraph,
        engine: &'a Engine<'a>,
        settings: WhatIfSettings,
    ) -> Self {
        // Position of each end firm in `g.end_firms`. When every end firm is at full
        // availability in the intact network (shares summing exactly to 1), an end firm the cut
        // did not touch has loss 0 and adds nothing: only the touched ones are visited, in
        // end-firm order, which gives the same sums as visiting all of them.
        let mut end_pos: Vec<Option<usize>> = vec![None; ds.firms.len()];
        for (i, &e) in g.end_firms.iter().enumerate() {
            end_pos[e] = Some(i);
        }
        FirmCut {
            ds,
            g,
            engine,
            settings,
            end_pos,
            intact: g.end_firms.iter().all(|&e| engine.baseline()[e] == 1.0),
        }
    }

    /// Cuts firm `n` fully: its sweep entry and, when asked for, the end firms whose stock runs
    /// out before it recovers. `ends` is reusable scratch.
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
            let gap = tts.filter(|&t| t < ttr && loss > 0.0);
            if let Some(t) = gap.filter(|_| self.settings.recovery_gaps) {
                short.push(RecoveryGap {
                    end_firm: e,
                    tts_days: t,
                    loss,
                });
            }
        }
        entry.time_weighted_loss = Some(twl);
        engine.reset(s);
        let recovery = (self.settings.recovery_gaps && !short.is_empty()).then_some(FirmRecovery {
            firm: n,
            ttr_days: ttr,
            short,
        });
        (entry, recovery)
    }
}

/// The recovery gaps of `firms` (each cut alone, as in the firm sweep): for the few firms a
/// report leads with when the sweep did not record every firm's. Firms with no end firm left
/// short are left out; in the order of `firms`.
pub(crate) fn recovery_gaps(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    settings: WhatIfSettings,
    firms: &[FirmIdx],
) -> Vec<FirmRecovery> {
    let settings = WhatIfSettings {
        recovery_gaps: true,
        ..settings
    };
    let sweep = FirmCut::new(ds, g, engine, settings);
    let (mut s, mut ends) = (engine.scratch(), Vec::new());
    firms
        .iter()
        .filter_map(|&n| sweep.cut(&mut s, &mut ends, n).1)
        .collect()
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

/// A set sweep's entries (in key order, unranked: see [`rank`]), each entry's losses per end
/// firm (keyed by the set's name), and whether some cycle failed to converge.
pub(crate) type SetSweep = (Vec<SweepEntry>, Vec<(String, Vec<f64>)>, bool);

/// A sweep over named sets of firms (countries, regions or groups), restricted to the sets
/// named in `only` (every set, or one shard's); also returns each entry's losses per end firm.
pub(crate) fn set_sweep(
    g: &SupplyGraph,
    engine: &Engine,
    sets: &BTreeMap<String, Vec<FirmIdx>>,
    only: &[String],
    tick: &(dyn Fn() + Sync),
) -> SetSweep {
    let sets: Vec<(&String, &Vec<FirmIdx>)> =
        only.iter().filter_map(|k| sets.get_key_value(k)).collect();
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
    let entries: Vec<SweepEntry> = results.into_iter().map(|r| r.0).collect();
    (entries, losses, unconverged)
}

pub(crate) type Sets = BTreeMap<String, Vec<FirmIdx>>;

pub(crate) fn sweep_sets(ds: &Dataset) -> (Sets, Sets, Sets) {
    (
        ds.firms_by(|f| Some(f.country.as_str())),
        ds.firms_by(|f| f.region.as_deref()),
        ds.firms_by(|f| f.group_named.then_some(f.group.as_str())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

    /// The firm sweep of a dataset, ranked.
    fn firm_sweep_of(ds: &Dataset, settings: WhatIfSettings) -> FirmSweep {
        let g = SupplyGraph::build(ds);
        let engine = Engine::new(ds, &g);
        let all: Vec<FirmIdx> = (0..ds.firms.len()).collect();
        let mut sweep = firm_sweep(ds, &g, &engine, settings, &all, &|| {});
        rank_firms(&mut sweep.0);
        sweep
    }

    /// The country sweep of a dataset, ranked: entries and losses per end firm.
    fn country_sweep_of(ds: &Dataset) -> SetSweep {
        let g = SupplyGraph::build(ds);
        let engine = Engine::new(ds, &g);
        let sets = sweep_sets(ds).0;
        let all: Vec<String> = sets.keys().cloned().collect();
        let mut sweep = set_sweep(&g, &engine, &sets, &all, &|| {});
        rank(&mut sweep.0);
        sweep
    }

    fn keys(entries: &[SweepEntry]) -> Vec<&str> {
        entries.iter().map(|e| e.key.as_str()).collect()
    }

    /// Time-weighted loss as MODEL §6 writes it: loss × exposure days / 365 × V(E).
    fn twl(loss: f64, exposure_days: f64, value: f64) -> f64 {
        loss * exposure_days / 365.0 * value
    }

    /// oem1 (V 100) needs k0 from a (0.5, 10 days) and b (0.5, no days); oem2 (V 100) needs k0
    /// from c alone (20 days). Recovery 30 days.
    fn two_oems() -> Dataset {
        Net::new()
            .firm("oem1")
            .output(100.0)
            .firm("oem2")
            .output(100.0)
            .buys("oem1", "k0", "a", 0.5)
            .days(10.0)
            .buys("oem1", "k0", "b", 0.5)
            .buys("oem2", "k0", "c", 1.0)
            .days(20.0)
            .build()
    }

    #[test]
    fn firm_sweep_values_ranking_ties_and_risk_exposure_index() {
        let ds = two_oems();
        let (entries, recovery, unconverged) = firm_sweep_of(&ds, WhatIfSettings::default());
        assert!(!unconverged && recovery.is_empty());
        // By hand: cutting a or b leaves oem1 at 0.5 (loss 0.5, 50 at risk); cutting c stops
        // oem2 (loss 1, 100 at risk); cutting an end firm costs the other end firm nothing.
        // Ties (a and b at 50, the OEMs at 0) go to the smaller key.
        assert_eq!(keys(&entries), ["c", "a", "b", "oem1", "oem2"]);
        let var: Vec<f64> = entries.iter().map(|e| e.value_at_risk).collect();
        assert_eq!(var, [100.0, 50.0, 50.0, 0.0, 0.0]);
        assert_eq!(entries[0].chokepoint_for, [ds.firm_index("oem2").unwrap()]);
        assert!(entries[1..].iter().all(|e| e.chokepoint_for.is_empty()));
        assert_eq!(entries[1].max_loss, 0.5);
        // Exposure days = recovery 30 - time to survive: a 30 - 10, b 30 - 0, c 30 - 20.
        let (a, b, c) = (
            twl(0.5, 20.0, 100.0),
            twl(0.5, 30.0, 100.0),
            twl(1.0, 10.0, 100.0),
        );
        let got: Vec<f64> = entries
            .iter()
            .map(|e| e.time_weighted_loss.unwrap())
            .collect();
        assert_eq!(got, [c, a, b, 0.0, 0.0]);
        // The index divides by the largest time-weighted loss (b's): b is 1, the largest.
        let rei: Vec<f64> = entries
            .iter()
            .map(|e| e.risk_exposure_index.unwrap())
            .collect();
        assert_eq!(rei, [c / b, a / b, 1.0, 0.0, 0.0]);
        assert!((rei[0] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(rei.iter().copied().fold(0.0, f64::max), 1.0);
    }

    #[test]
    fn finished_stock_lengthens_the_time_to_survive_of_the_firm_sweep() {
        // two_oems with stock_days a 5, c 40, oem1 3 (recovery 30 days). By hand:
        // cut a: TTS(a -> oem1) = 5 + 10 + 3 = 18, exposure 12; cut b: 0 + 0 + 3 = 3,
        // exposure 27; cut c: 40 + 20 + 0 = 60 >= 30, no exposure (c's own stock already
        // outlasts the recovery, so the search does not even leave c).
        let ds = Net::new()
            .firm("a")
            .stock(5.0)
            .firm("c")
            .stock(40.0)
            .firm("oem1")
            .stock(3.0)
            .output(100.0)
            .firm("oem2")
            .output(100.0)
            .buys("oem1", "k0", "a", 0.5)
            .days(10.0)
            .buys("oem1", "k0", "b", 0.5)
            .buys("oem2", "k0", "c", 1.0)
            .days(20.0)
            .build();
        let (entries, _, _) = firm_sweep_of(&ds, WhatIfSettings::default());
        let twl_of = |k: &str| {
            let e = entries.iter().find(|e| e.key == k).unwrap();
            e.time_weighted_loss.unwrap()
        };
        assert_eq!(twl_of("a"), twl(0.5, 12.0, 100.0));
        assert_eq!(twl_of("b"), twl(0.5, 27.0, 100.0));
        assert_eq!(twl_of("c"), 0.0);
        assert_eq!(
            entries[0].value_at_risk, 100.0,
            "stock changes no value at risk"
        );
    }

    #[test]
    fn risk_exposure_index_is_zero_without_time_weighted_loss() {
        // Recovery in 0 days: no firm's cut outlasts any stock, so no time-weighted loss and
        // every index is 0 (not 0/0).
        let settings = WhatIfSettings {
            default_recovery_days: 0.0,
            ..WhatIfSettings::default()
        };
        let (entries, _, _) = firm_sweep_of(&two_oems(), settings);
        assert_eq!(entries[0].value_at_risk, 100.0);
        for e in &entries {
            assert_eq!(e.time_weighted_loss, Some(0.0), "{}", e.key);
            assert_eq!(e.risk_exposure_index, Some(0.0), "{}", e.key);
        }
    }

    /// A network where one cut reaches several end firms, through a cycle, and the order in
    /// which the propagation touches them is not end-firm order.
    fn branching() -> Dataset {
        Net::new()
            .firm("z1")
            .output(7.0)
            .firm("z2")
            .output(3.0)
            .buys("m1", "ore", "mine", 0.7)
            .days(5.0)
            .buys("m1", "ore", "mine2", 0.3)
            .buys("m1", "cat", "m2", 0.5)
            .buys("m1", "cat", "mine", 0.5)
            .buys("m2", "cell", "m1", 1.0)
            .days(2.0)
            .buys("z2", "cell", "m2", 0.25)
            .buys("z2", "cell", "mine2", 0.75)
            .buys("z1", "cell", "m2", 0.6)
            .days(1.0)
            .buys("z1", "cell", "m1", 0.4)
            .buys("z1", "pack", "z2", 1.0)
            .build()
    }

    #[test]
    fn the_intact_shortcut_gives_the_same_entries_as_visiting_every_end_firm() {
        let ds = branching();
        let g = SupplyGraph::build(&ds);
        let engine = Engine::new(&ds, &g);
        let settings = WhatIfSettings::default();
        let shortcut = FirmCut::new(&ds, &g, &engine, settings);
        assert!(shortcut.intact, "every end firm is whole with nothing cut");
        let every = FirmCut {
            intact: false,
            ..FirmCut::new(&ds, &g, &engine, settings)
        };
        let mut s = engine.scratch();
        let mut ends = Vec::new();
        let mut losses = 0;
        for n in 0..ds.firms.len() {
            let (x, _) = shortcut.cut(&mut s, &mut ends, n);
            let (y, _) = every.cut(&mut s, &mut ends, n);
            assert_eq!(x, y, "firm {}", ds.firms[n].id);
            losses += usize::from(x.value_at_risk > 0.0);
        }
        assert!(losses >= 4, "the network exercises the sweep");

        // The same with a second, separate network whose end firm is short with nothing cut
        // (shares summing to 0.5) and worth nothing: the firm sweep then visits every end
        // firm, and each entry of the first network is unchanged but for the largest loss,
        // which sees the short firm's 0.5.
        let mut net = Net::new().firm("z1").output(7.0).firm("z2").output(3.0);
        for r in &ds.sourcing {
            let id = |f: usize| ds.firms[f].id.as_str();
            net = net.buys(
                id(r.buyer),
                &ds.components[r.component].id,
                id(r.supplier),
                r.share,
            );
            if let Some(d) = r.inventory_days {
                net = net.days(d);
            }
        }
        let short = net
            .firm("zz")
            .output(0.0)
            .buys("zz", "ore", "yy", 0.5)
            .build();
        let (base, _, _) = firm_sweep_of(&ds, settings);
        let (wide, _, _) = firm_sweep_of(&short, settings);
        let g2 = SupplyGraph::build(&short);
        assert!(Engine::new(&short, &g2).baseline()[short.firm_index("zz").unwrap()] < 1.0);
        let wide: Vec<&SweepEntry> = wide
            .iter()
            .filter(|e| e.key != "zz" && e.key != "yy")
            .collect();
        assert_eq!(base.len(), wide.len());
        for (x, y) in base.iter().zip(wide) {
            assert_eq!(x.key, y.key);
            assert_eq!(x.value_at_risk, y.value_at_risk, "{}", x.key);
            assert_eq!(x.time_weighted_loss, y.time_weighted_loss, "{}", x.key);
            assert_eq!(x.risk_exposure_index, y.risk_exposure_index, "{}", x.key);
            assert_eq!(x.max_loss.max(0.5), y.max_loss, "{}", x.key);
            let ids = |v: &[FirmIdx], d: &Dataset| -> Vec<String> {
                v.iter().map(|&f| d.firms[f].id.clone()).collect()
            };
            assert_eq!(ids(&x.chokepoint_for, &ds), ids(&y.chokepoint_for, &short));
        }
    }

    #[test]
    fn an_end_firm_in_a_cycle_is_not_hurt_by_its_own_cut_in_a_set_sweep() {
        // e (DE, V 100, an end firm because it has an output value) needs k0 from p (CN) alone;
        // p needs k1 half from e and half from m (US): e and p form a cycle.
        let ds = Net::new()
            .firm("e")
            .country("DE")
            .output(100.0)
            .firm("m")
            .country("US")
            .buys("e", "k0", "p", 1.0)
            .buys("p", "k1", "e", 0.5)
            .buys("p", "k1", "m", 0.5)
            .build();
        let (entries, losses, unconverged) = country_sweep_of(&ds);
        assert!(!unconverged);
        // By hand. CN (p): e gets nothing of k0, loss 1. US (m): p = 0.5 e and e = p, whose
        // greatest fixed point is 0, reached to within the convergence bound: loss about 1.
        // DE (e alone): e's own cut must not come back to it through p, so e is solved with
        // nothing cut: loss 0 (cutting e and reading its inputs would give p = 0.5, loss 0.5).
        assert_eq!(keys(&entries), ["CN", "US", "DE"]);
        let loss = |c: &str| losses.iter().find(|l| l.0 == c).unwrap().1[0];
        assert_eq!(loss("CN"), 1.0);
        assert!(loss("US") >= CHOKEPOINT_LOSS, "{}", loss("US"));
        assert_eq!(loss("DE"), 0.0);
        assert_eq!(entries[2].value_at_risk, 0.0);
        assert_eq!(entries[1].chokepoint_for, [ds.firm_index("e").unwrap()]);
    }

    #[test]
    fn an_end_firm_outside_cycles_in_the_cut_set_keeps_what_its_inputs_allow() {
        // o (DE) buys k0 from s (DE) 0.5 and t (CN) 0.5; cutting DE cuts o's own capacity too,
        // but its loss is what its suppliers still deliver at full own capacity: 0.5.
        let ds = Net::new()
            .firm("o")
            .country("DE")
            .firm("s")
            .country("DE")
            .buys("o", "k0", "s", 0.5)
            .buys("o", "k0", "t", 0.5)
            .build();
        let (entries, losses, _) = country_sweep_of(&ds);
        assert_eq!(keys(&entries), ["CN", "DE"]);
        assert_eq!(losses[0], ("CN".to_string(), vec![0.5]));
        assert_eq!(losses[1], ("DE".to_string(), vec![0.5]));
        // Equal value at risk: the tie goes to the smaller key.
        assert_eq!(entries[0].value_at_risk, entries[1].value_at_risk);
    }

    #[test]
    fn hidden_concentration_by_value_and_by_share() {
        // oem (US) needs k0 from a (DE) alone and k1 from b (CN, share 0.8) and c (DE, 0.2);
        // a needs k2 from m (CN). Values: a 100, b 100, c 200 (m 50).
        let build = |values: bool| {
            let net = Net::new()
                .firm("oem")
                .country("US")
                .firm("a")
                .country("DE")
                .firm("c")
                .country("DE")
                .buys("oem", "k0", "a", 1.0);
            let rows = [
                ("oem", "k1", "b", 0.8, 100.0),
                ("oem", "k1", "c", 0.2, 200.0),
                ("a", "k2", "m", 1.0, 50.0),
            ];
            let net = if values { net.value(100.0) } else { net };
            rows.iter()
                .fold(net, |n, &(b, k, s, share, v)| {
                    let n = n.buys(b, k, s, share);
                    if values {
                        n.value(v)
                    } else {
                        n
                    }
                })
                .build()
        };
        for (values, de, cn) in [(true, 0.75, 0.25), (false, 0.6, 0.4)] {
            // By value: DE (100 + 200) / 400, CN 100 / 400. By share, the mean over oem's two
            // components: DE (1 + 0.2) / 2, CN (0 + 0.8) / 2.
            let ds = build(values);
            let g = SupplyGraph::build(&ds);
            let (_, losses, _) = country_sweep_of(&ds);
            let hidden = crate::whatif::hidden::hidden_concentration(&ds, &g, &losses);
            let oem = ds.firm_index("oem").unwrap();
            // Both countries stop oem entirely (CN through m, the only source of a's k2); the
            // US (oem alone) costs it nothing and it buys nothing there: no entry.
            let got: Vec<(&str, f64, f64)> = hidden
                .iter()
                .map(|h| {
                    assert_eq!(h.firm, oem);
                    (h.country.as_str(), h.tier1_share, h.all_tier_exposure)
                })
                .collect();
            assert_eq!(got.len(), 2, "{got:?}");
            assert_eq!((got[0].0, got[0].2), ("CN", 1.0));
            assert_eq!((got[1].0, got[1].2), ("DE", 1.0));
            assert!((got[0].1 - cn).abs() < 1e-15, "values {values}: {got:?}");
            assert!((got[1].1 - de).abs() < 1e-15, "values {values}: {got:?}");
        }
    }

    #[test]
    fn recovery_gaps_are_end_firms_whose_stock_runs_out_first() {
        // s (recovery 60 days) supplies oem_a directly (10 days of stock) and oem_b through x
        // (50 + 40 = 90 days); t (no recovery days: the default 30) supplies oem_a's k2 with
        // no stock.
        let ds = Net::new()
            .firm("s")
            .recovery(60.0)
            .buys("oem_a", "k0", "s", 1.0)
            .days(10.0)
            .buys("oem_a", "k2", "t", 1.0)
            .buys("x", "k0", "s", 1.0)
            .days(50.0)
            .buys("oem_b", "k1", "x", 1.0)
            .days(40.0)
            .build();
        let id = |f: &str| ds.firm_index(f).unwrap();
        let settings = WhatIfSettings {
            recovery_gaps: true,
            ..WhatIfSettings::default()
        };
        let (entries, recovery, _) = firm_sweep_of(&ds, settings);
        // s recovers in 60 days: oem_a runs out after 10 < 60 days, oem_b after 90 >= 60 days
        // (beyond the search limit: not short). t recovers in the default 30 days and oem_a
        // holds none of its k2: short at once. Firms in firm order.
        assert_eq!(
            recovery,
            [
                FirmRecovery {
                    firm: id("s"),
                    ttr_days: 60.0,
                    short: vec![RecoveryGap {
                        end_firm: id("oem_a"),
                        tts_days: 10.0,
                        loss: 1.0,
                    }],
                },
                FirmRecovery {
                    firm: id("t"),
                    ttr_days: 30.0,
                    short: vec![RecoveryGap {
                        end_firm: id("oem_a"),
                        tts_days: 0.0,
                        loss: 1.0,
                    }],
                },
            ]
        );
        // s's time-weighted loss: oem_a loses all for 60 - 10 days (V = 1 without values);
        // oem_b's stock outlasts the recovery.
        let s_entry = entries.iter().find(|e| e.key == "s").unwrap();
        assert_eq!(s_entry.time_weighted_loss, Some(twl(1.0, 50.0, 1.0)));
        assert_eq!(s_entry.value_at_risk, 2.0);
        // Not asked for: none.
        let (_, none, _) = firm_sweep_of(&ds, WhatIfSettings::default());
        assert!(none.is_empty());
    }

    #[test]
    fn without_every_firms_gaps_the_analysis_records_those_of_the_firms_the_report_leads_with() {
        // Seven suppliers s0..s6, each the only source of one component of oem; s_i's rows
        // carry 6 - i days of stock, so with the default 30 days to recover s6 loses the most
        // over the event (30 of 30 days), then s5, ... All seven are chokepoints.
        let mut net = Net::new();
        for i in 0..7 {
            net = net
                .buys("oem", &format!("k{i}"), &format!("s{i}"), 1.0)
                .days((6 - i) as f64);
        }
        let ds = net.build();
        let g = SupplyGraph::build(&ds);
        let run = |recovery_gaps| {
            let settings = WhatIfSettings {
                recovery_gaps,
                ..WhatIfSettings::default()
            };
            crate::whatif::analyse(
                &ds,
                &g,
                None,
                settings,
                &crate::whatif::Quiet,
                crate::whatif::Sweeping::Run,
            )
            .expect("no capacity model")
        };
        let (all, some) = (run(true), run(false));
        assert!(all.swept && some.swept);
        let firms = |w: &crate::whatif::WhatIf| -> Vec<String> {
            w.recovery
                .iter()
                .map(|r| ds.firms[r.firm].id.clone())
                .collect()
        };
        assert_eq!(firms(&all), ["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
        // The first five by the finding order (event loss first): s6 down to s2.
        assert_eq!(firms(&some), ["s2", "s3", "s4", "s5", "s6"]);
        // Each recorded list is the one the full recording gives.
        for r in &some.recovery {
            assert_eq!(Some(r), all.recovery_of(r.firm));
        }
        // The sweeps themselves do not depend on it.
        assert_eq!(all.sweeps, some.sweeps);
    }
}
