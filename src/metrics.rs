//! Concentration, single-source exposure and vertical integration (MODEL.md §3–4).
//!
//! Pure functions of a [`Dataset`]: no I/O. Sums run over rows in their sorted order (buyer,
//! component, supplier) and over countries and groups in key order, so every number is the
//! same on every run.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::{SupplyGraph, Visits};
use crate::model::{pair_runs, CompIdx, Dataset, FirmIdx, SourcingRow};

/// HHI level thresholds (US 2023 Merger Guidelines by default).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Thresholds {
    /// Above this is `high` (1,800).
    pub(crate) high: f64,
    /// From this up to `high` is `moderate` (1,000).
    pub(crate) moderate: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            high: 1800.0,
            moderate: 1000.0,
        }
    }
}

/// Concentration level of an HHI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Low,
    Moderate,
    High,
}

impl Level {
    /// `high` above `t.high`, `moderate` from `t.moderate` to `t.high`, else `low`.
    pub(crate) fn of(hhi: f64, t: Thresholds) -> Level {
        if hhi > t.high {
            Level::High
        } else if hhi >= t.moderate {
            Level::Moderate
        } else {
            Level::Low
        }
    }

    /// The name used in reports.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Moderate => "moderate",
            Level::High => "high",
        }
    }
}

/// How a (buyer, component) pair is sourced (MODEL §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Exposure {
    SingleSource,
    InHouse,
    SingleCountry,
    MultiSource,
}

impl Exposure {
    /// The name used in reports and JSON.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Exposure::SingleSource => "single-source",
            Exposure::InHouse => "in-house",
            Exposure::SingleCountry => "single-country",
            Exposure::MultiSource => "multi-source",
        }
    }
}

/// Herfindahl–Hirschman index of shares (fractions): sum of (100 s)², 0 to 10,000.
pub(crate) fn hhi<I: IntoIterator<Item = f64>>(shares: I) -> f64 {
    shares.into_iter().map(|s| (100.0 * s) * (100.0 * s)).sum()
}

/// Effective number of suppliers: 10,000 / HHI (infinite for HHI 0, which cannot occur for a
/// pair with suppliers).
pub(crate) fn effective_number(hhi: f64) -> f64 {
    10_000.0 / hhi
}

/// HHI after adding up the shares of rows with the same key.
fn hhi_by<K: Ord>(items: impl Iterator<Item = (K, f64)>) -> f64 {
    let mut by: BTreeMap<K, f64> = BTreeMap::new();
    for (k, s) in items {
        *by.entry(k).or_insert(0.0) += s;
    }
    hhi(by.into_values())
}

/// Metrics of one (buyer, component) pair.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PairMetrics {
    pub(crate) buyer: FirmIdx,
    pub(crate) component: CompIdx,
    /// Range of the pair's rows in the sorted sourcing table.
    pub(crate) rows: std::ops::Range<usize>,
    pub(crate) suppliers: usize,
    pub(crate) hhi_supplier: f64,
    pub(crate) hhi_country: f64,
    pub(crate) hhi_group: f64,
    pub(crate) level: Level,
    pub(crate) exposure: Exposure,
    /// Sum of the rows' `annual_value`; `None` when the dataset has no values.
    pub(crate) annual_value: Option<f64>,
}

/// Dataset-wide metrics of one component, value-weighted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ComponentMetrics {
    pub(crate) component: CompIdx,
    pub(crate) hhi_supplier: f64,
    pub(crate) hhi_country: f64,
    pub(crate) hhi_group: f64,
    pub(crate) level: Level,
    pub(crate) top_supplier: FirmIdx,
    pub(crate) top_supplier_share: f64,
    pub(crate) top_country: String,
    pub(crate) top_country_share: f64,
    /// Total weight (value, or sum of shares without values).
    pub(crate) weight: f64,
    /// Number of distinct suppliers.
    pub(crate) suppliers: usize,
}

/// All of §3–4 for a dataset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Metrics {
    pub(crate) pairs: Vec<PairMetrics>,
    pub(crate) components: Vec<ComponentMetrics>,
    /// (buyer, in-house share) for every firm that buys, sorted by firm.
    pub(crate) in_house: Vec<(FirmIdx, f64)>,
    pub(crate) thresholds: Thresholds,
}

/// Splits the sorted sourcing rows into (buyer, component) runs.
pub(crate) fn pair_ranges(rows: &[SourcingRow]) -> Vec<std::ops::Range<usize>> {
    let mut start = 0;
    pair_runs(rows)
        .map(|run| {
            let range = start..start + run.len();
            start = range.end;
            range
        })
        .collect()
}

/// Computes pair, component and in-house metrics.
pub(crate) fn compute(ds: &Dataset, t: Thresholds) -> Metrics {
    let pairs: Vec<PairMetrics> = pair_ranges(&ds.sourcing)
        .into_iter()
        .map(|range| pair_metrics(ds, range, t))
        .collect();
    // Rows of each component, gathered in one pass (in row order, so sums keep their order).
    let mut by_component: Vec<Vec<&SourcingRow>> = vec![Vec::new(); ds.components.len()];
    for r in &ds.sourcing {
        by_component[r.component].push(r);
    }
    let components = ds
        .used_components()
        .into_iter()
        .map(|k| component_metrics(ds, k, &by_component[k], t))
        .collect();
    let in_house = in_house_shares(ds, &pairs);
    Metrics {
        pairs,
        components,
        in_house,
        thresholds: t,
    }
}

fn pair_metrics(ds: &Dataset, range: std::ops::Range<usize>, t: Thresholds) -> PairMetrics {
    let rows = &ds.sourcing[range.clone()];
    let buyer = rows[0].buyer;
    let firm = |r: &SourcingRow| &ds.firms[r.supplier];
    let hhi_supplier = hhi(rows.iter().map(|r| r.share));
    let hhi_country = hhi_by(rows.iter().map(|r| (firm(r).country.as_str(), r.share)));
    let hhi_group = hhi_by(rows.iter().map(|r| (firm(r).group.as_str(), r.share)));
    let exposure = match rows {
        [only] if only.supplier == buyer => Exposure::InHouse,
        [_] => Exposure::SingleSource,
        _ if rows
            .iter()
            .all(|r| firm(r).country == firm(&rows[0]).country) =>
        {
            Exposure::SingleCountry
        }
        _ => Exposure::MultiSource,
    };
    PairMetrics {
        buyer,
        component: rows[0].component,
        rows: range,
        suppliers: rows.len(),
        hhi_supplier,
        hhi_country,
        hhi_group,
        level: Level::of(hhi_supplier, t),
        exposure,
        annual_value: ds
            .has_values
            .then(|| rows.iter().map(|r| r.annual_value.unwrap_or(0.0)).sum()),
    }
}

/// The key with the largest value; ties go to the smaller key (BTreeMap order).
fn top<K: Ord + Clone>(m: &BTreeMap<K, f64>) -> (K, f64) {
    let mut best: Option<(&K, f64)> = None;
    for (k, &v) in m {
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((k, v));
        }
    }
    let (k, v) = best.expect("a used component has rows");
    (k.clone(), v)
}

fn component_metrics(
    ds: &Dataset,
    k: CompIdx,
    rows: &[&SourcingRow],
    t: Thresholds,
) -> ComponentMetrics {
    // By value, or by share summed over all the component's rows (with values that are all
    // zero there is no market to share; documented in docs/metrics.md).
    let weights = ds.weights(rows.iter().copied());
    let w = |r: &SourcingRow| weights.of(r);
    let total: f64 = rows.iter().map(|r| w(r)).sum();
    let mut by_supplier: BTreeMap<&str, f64> = BTreeMap::new();
    let mut by_country: BTreeMap<&str, f64> = BTreeMap::new();
    let mut by_group: BTreeMap<&str, f64> = BTreeMap::new();
    for r in rows {
        let f = &ds.firms[r.supplier];
        *by_supplier.entry(f.id.as_str()).or_insert(0.0) += w(r);
        *by_country.entry(f.country.as_str()).or_insert(0.0) += w(r);
        *by_group.entry(f.group.as_str()).or_insert(0.0) += w(r);
    }
    let share = |m: BTreeMap<&str, f64>| -> BTreeMap<String, f64> {
        m.into_iter()
            .map(|(k, v)| (k.to_string(), v / total))
            .collect()
    };
    let (s, c, g) = (share(by_supplier), share(by_country), share(by_group));
    let hhi_supplier = hhi(s.values().copied());
    let (top_supplier, top_supplier_share) = top(&s);
    let (top_country, top_country_share) = top(&c);
    ComponentMetrics {
        component: k,
        hhi_supplier,
        hhi_country: hhi(c.values().copied()),
        hhi_group: hhi(g.values().copied()),
        level: Level::of(hhi_supplier, t),
        top_supplier: ds.firm_index(&top_supplier).expect("supplier is a firm"),
        top_supplier_share,
        top_country,
        top_country_share,
        weight: total,
        suppliers: s.len(),
    }
}

/// In-house share of every buyer (MODEL §4): by value, or without values (or with a zero
/// value total) the mean over its components of the in-house share of each.
fn in_house_shares(ds: &Dataset, pairs: &[PairMetrics]) -> Vec<(FirmIdx, f64)> {
    pairs
        .chunk_by(|a, b| a.buyer == b.buyer)
        .map(|buyer| {
            let rows = &ds.sourcing[buyer[0].rows.start..buyer[buyer.len() - 1].rows.end];
            (
                buyer[0].buyer,
                ds.purchase_share(rows, SourcingRow::is_in_house),
            )
        })
        .collect()
}

/// Data coverage of an end firm: the share of its purchases (value-weighted, else each
/// component equally) bought from suppliers whose own sourcing is mapped — suppliers that buy
/// something in the dataset, are mines (nothing upstream), or the firm itself.
pub(crate) fn coverage(ds: &Dataset, g: &SupplyGraph, end: FirmIdx) -> f64 {
    let mapped = |r: &SourcingRow| {
        r.is_in_house()
            || !g.rows_of(r.supplier).is_empty()
            || ds.firms[r.supplier]
                .kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("mine"))
    };
    ds.purchase_share(&ds.sourcing[g.rows_of(end)], mapped)
}

/// An end firm's coverage followed all the way up (docs/metrics.md, "Data coverage").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeepCoverage {
    pub(crate) firm: FirmIdx,
    /// Share of its purchases (weighted as [`coverage`]) whose whole upstream ends at chain
    /// starts ([`crate::model::Firm::is_chain_start`]); in-house rows count as mapped when the
    /// firm's own other purchases are.
    pub(crate) share: f64,
    /// Dead ends upstream of it: firms that buy nothing and are not chain starts, sorted.
    pub(crate) dead_ends: Vec<FirmIdx>,
}

/// Which firms have their whole upstream mapped: a firm that buys nothing is mapped when it is
/// a chain start; any other firm when every supplier of its non-in-house rows is. The greatest
/// such assignment, so a supply cycle is mapped when everything feeding it from outside is.
/// A worklist from the dead ends down to their buyers: linear in the edges.
pub(crate) fn mapped_firms(ds: &Dataset, g: &SupplyGraph) -> Vec<bool> {
    let n = ds.firms.len();
    let buys = |f: FirmIdx| !g.suppliers(f).is_empty();
    let mut mapped: Vec<bool> = (0..n)
        .map(|f| buys(f) || ds.firms[f].is_chain_start())
        .collect();
    let mut work: Vec<FirmIdx> = (0..n).filter(|&f| !mapped[f]).collect();
    while let Some(f) = work.pop() {
        for &b in g.buyers(f) {
            if mapped[b] {
                mapped[b] = false;
                work.push(b);
            }
        }
    }
    mapped
}

/// [`DeepCoverage`] of every end firm, in `g.end_firms` order.
pub(crate) fn deep_coverage(ds: &Dataset, g: &SupplyGraph) -> Vec<DeepCoverage> {
    let mapped = mapped_firms(ds, g);
    let dead_ends = dead_ends_upstream(ds, g);
    g.end_firms
        .iter()
        .zip(dead_ends)
        .map(|(&e, dead_ends)| {
            let rows = &ds.sourcing[g.rows_of(e)];
            DeepCoverage {
                firm: e,
                share: ds.purchase_share(rows, |r| mapped[r.supplier]),
                dead_ends,
            }
        })
        .collect()
}

/// The dead ends upstream of each end firm (firms that buy nothing and are not chain starts;
/// an end firm is not its own), sorted, in `g.end_firms` order. Walked from whichever side
/// is smaller: down from each dead end to the end firms it reaches, or up from each end firm
/// (a network with a million firms has tens of thousands of end firms sharing most of their
/// upstream, and usually few dead ends). The walks are iterative and share one visit stamp
/// array, so each costs only what it visits.
fn dead_ends_upstream(ds: &Dataset, g: &SupplyGraph) -> Vec<Vec<FirmIdx>> {
    let dead = dead_ends(ds, g);
    let down = dead.len() <= g.end_firms.len();
    dead_ends_walked(ds, g, &dead, down)
}

/// Firms that buy nothing and are not chain starts, sorted.
fn dead_ends(ds: &Dataset, g: &SupplyGraph) -> Vec<FirmIdx> {
    (0..ds.firms.len())
        .filter(|&f| g.suppliers(f).is_empty() && !ds.firms[f].is_chain_start())
        .collect()
}

/// [`dead_ends_upstream`] of the `dead` ends ([`dead_ends`]), walking down from them (`down`)
/// or up from the end firms.
fn dead_ends_walked(
    ds: &Dataset,
    g: &SupplyGraph,
    dead: &[FirmIdx],
    down: bool,
) -> Vec<Vec<FirmIdx>> {
    let n = ds.firms.len();
    let mut lists = vec![Vec::new(); g.end_firms.len()];
    if dead.is_empty() {
        return lists;
    }
    let mut seen = Visits::new(n);
    if down {
        let mut end_index = vec![usize::MAX; n];
        for (i, &e) in g.end_firms.iter().enumerate() {
            end_index[e] = i;
        }
        for (k, &d) in dead.iter().enumerate() {
            seen.walk(
                &[d],
                k as u32 + 1,
                |f| g.buyers(f),
                |f| {
                    if end_index[f] != usize::MAX && f != d {
                        lists[end_index[f]].push(d);
                    }
                },
            );
        }
    } else {
        for (i, &e) in g.end_firms.iter().enumerate() {
            let list = &mut lists[i];
            seen.walk(
                &[e],
                i as u32 + 1,
                |f| g.suppliers(f),
                |f| {
                    if f != e && dead.binary_search(&f).is_ok() {
                        list.push(f);
                    }
                },
            );
            list.sort_unstable();
        }
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

    #[test]
    fn dead_ends_are_the_same_walked_down_or_up() {
        for seed in 1..4 {
            let mut ds = crate::testing::synthetic(300, seed);
            // Some firms that buy nothing lose their kind: dead ends.
            for (i, f) in ds.firms.iter_mut().enumerate() {
                if i % 3 == 0 {
                    f.kind = None;
                }
            }
            let g = SupplyGraph::build(&ds);
            let dead = dead_ends(&ds, &g);
            assert!(!dead.is_empty() && dead.len() < ds.firms.len());
            // A plain walk up from each end firm, as a second method.
            let naive: Vec<Vec<FirmIdx>> = g
                .end_firms
                .iter()
                .map(|&e| {
                    let mut seen = vec![false; ds.firms.len()];
                    let mut stack = vec![e];
                    let mut found = Vec::new();
                    while let Some(f) = stack.pop() {
                        for &s in g.suppliers(f) {
                            if !seen[s] {
                                seen[s] = true;
                                stack.push(s);
                                if dead.contains(&s) {
                                    found.push(s);
                                }
                            }
                        }
                    }
                    found.sort_unstable();
                    found
                })
                .collect();
            assert!(naive.iter().any(|l| !l.is_empty()));
            assert_eq!(dead_ends_walked(&ds, &g, &dead, true), naive, "seed {seed}");
            assert_eq!(
                dead_ends_walked(&ds, &g, &dead, false),
                naive,
                "seed {seed}"
            );
        }
    }

    #[test]
    fn deep_coverage_follows_every_path_to_a_chain_start() {
        // oem buys k0 from a (which buys from mine m) and k1 from b (which buys from x, a
        // dead end: it buys nothing and is no mine); in-house k2. a's chain is mapped, b's not.
        let mut ds = Net::new()
            .buys("oem", "k0", "a", 1.0)
            .value(60.0)
            .buys("oem", "k1", "b", 1.0)
            .value(30.0)
            .buys("oem", "k2", "oem", 1.0)
            .value(10.0)
            .buys("a", "k3", "m", 1.0)
            .value(5.0)
            .buys("b", "k4", "x", 1.0)
            .value(5.0)
            .build();
        let m = ds.firm_index("m").expect("m");
        ds.firms[m].kind = Some(" Mine ".into());
        let g = SupplyGraph::build(&ds);
        let mapped = mapped_firms(&ds, &g);
        let id = |f: &str| ds.firm_index(f).expect("firm");
        assert!(mapped[id("a")] && mapped[id("m")]);
        assert!(!mapped[id("b")] && !mapped[id("x")]);
        // The in-house row is mapped only if oem's own purchases all are: they are not.
        assert!(!mapped[id("oem")]);
        let d = deep_coverage(&ds, &g);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].dead_ends, [id("x")]);
        // By value: a's 60 of 100 (b's 30 and the in-house 10 are not mapped).
        assert!((d[0].share - 0.6).abs() < 1e-12, "{}", d[0].share);
        // Marking x a recycler maps everything.
        let x = id("x");
        ds.firms[x].kind = Some("recycler".into());
        let d = deep_coverage(&ds, &g);
        assert!(d[0].dead_ends.is_empty());
        assert!((d[0].share - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hhi_of_hand_computed_shares() {
        assert!((hhi([0.4, 0.3, 0.2, 0.1]) - 3000.0).abs() < 1e-9);
        assert!((hhi([0.3, 0.3, 0.2, 0.2]) - 2600.0).abs() < 1e-9);
        assert_eq!(hhi([1.0]), 10_000.0);
        assert!((effective_number(hhi([0.25; 4])) - 4.0).abs() < 1e-12);
    }

    #[test]
    fn levels_follow_the_guidelines() {
        let t = Thresholds::default();
        assert_eq!(Level::of(1800.1, t), Level::High);
        assert_eq!(Level::of(1800.0, t), Level::Moderate);
        assert_eq!(Level::of(1000.0, t), Level::Moderate);
        assert_eq!(Level::of(999.9, t), Level::Low);
    }

    #[test]
    fn pair_exposures_and_country_hhi() {
        // oem buys k0 from a (CN 0.6) and b (CN 0.4): single-country, HHI 5200, country 10000.
        // k1 from a alone: single-source. k2 in-house. k3 from a (CN) and c (DE): multi-source.
        let ds = Net::new()
            .firm("c")
            .country("DE")
            .buys("oem", "k0", "a", 0.6)
            .value(6.0)
            .buys("oem", "k0", "b", 0.4)
            .value(4.0)
            .buys("oem", "k1", "a", 1.0)
            .value(5.0)
            .buys("oem", "k2", "oem", 1.0)
            .value(5.0)
            .buys("oem", "k3", "a", 0.5)
            .value(1.0)
            .buys("oem", "k3", "c", 0.5)
            .value(1.0)
            .build();
        let m = compute(&ds, Thresholds::default());
        let e: Vec<Exposure> = m.pairs.iter().map(|p| p.exposure).collect();
        assert_eq!(
            e,
            [
                Exposure::SingleCountry,
                Exposure::SingleSource,
                Exposure::InHouse,
                Exposure::MultiSource
            ]
        );
        assert!((m.pairs[0].hhi_supplier - 5200.0).abs() < 1e-9);
        assert_eq!(m.pairs[0].hhi_country, 10_000.0);
        assert!((m.pairs[3].hhi_country - 5000.0).abs() < 1e-9);
        assert_eq!(m.pairs[0].annual_value, Some(10.0));
        // In-house share by value: 5 of 22.
        assert_eq!(m.in_house, vec![(3, 5.0 / 22.0)]);
    }

    #[test]
    fn component_shares_are_value_weighted_with_ties_to_the_smaller_id() {
        let ds = Net::new()
            .firm("b")
            .country("US")
            .buys("x", "k0", "a", 0.5)
            .value(30.0)
            .buys("x", "k0", "b", 0.5)
            .value(10.0)
            .buys("y", "k0", "b", 1.0)
            .value(20.0)
            .build();
        let m = compute(&ds, Thresholds::default());
        let c = &m.components[0];
        // a 30/60, b 30/60: HHI 5000; tie goes to "a".
        assert!((c.hhi_supplier - 5000.0).abs() < 1e-9);
        assert_eq!(c.top_supplier, 0);
        assert_eq!(c.top_country, "CN");
        assert!((c.top_supplier_share - 0.5).abs() < 1e-15);
    }

    #[test]
    fn in_house_share_without_values_is_the_mean_over_components() {
        let ds = Net::new()
            .buys("oem", "k0", "oem", 1.0)
            .buys("oem", "k1", "a", 0.5)
            .buys("oem", "k1", "oem", 0.5)
            .buys("oem", "k2", "a", 1.0)
            .build();
        let m = compute(&ds, Thresholds::default());
        // (1 + 0.5 + 0) / 3 components.
        assert!((m.in_house[0].1 - 0.5).abs() < 1e-15);
    }

    /// The weighting rule (`Dataset::weights`) with values that are all zero for one buyer:
    /// its shares count, summed over rows for a component and averaged over components for a
    /// buyer, while another buyer with values is weighted by value.
    #[test]
    fn zero_values_fall_back_to_shares() {
        // oem: k0 from a 0.25 / oem 0.75 (in-house), k1 from m 1.0, all values 0.
        // x: k0 from a, value 30 (in-house 10).
        let ds = Net::new()
            .firm("m")
            .kind("mine")
            .firm("b")
            .country("US")
            .buys("oem", "k0", "a", 0.25)
            .value(0.0)
            .buys("oem", "k0", "oem", 0.75)
            .value(0.0)
            .buys("oem", "k1", "m", 1.0)
            .value(0.0)
            .buys("oem", "k1", "b", 0.0)
            .value(0.0)
            .buys("x", "k0", "a", 0.75)
            .value(30.0)
            .buys("x", "k0", "x", 0.25)
            .value(10.0)
            .build();
        assert!(ds.has_values);
        let id = |s: &str| ds.firm_index(s).unwrap();
        let rows = |f: &str| {
            ds.sourcing
                .iter()
                .filter(|r| r.buyer == id(f))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(ds.weights(&rows("oem")), crate::model::Weights::Share);
        assert_eq!(ds.weights(&rows("x")), crate::model::Weights::Value);
        let m = compute(&ds, Thresholds::default());
        // In-house: oem by share (0.75 + 0) / 2 components; x by value 10 / 40.
        assert_eq!(m.in_house, vec![(id("oem"), 0.375), (id("x"), 0.25)]);
        // Component k0 over all buyers: total value 40 > 0, so by value: a 30, oem 0, x 10.
        let k0 = &m.components[0];
        assert_eq!(k0.weight, 40.0);
        assert_eq!(k0.top_supplier, id("a"));
        assert_eq!(k0.top_supplier_share, 0.75);
        // Component k1: values all 0, so by share summed over rows: m 1.0 (b, with share 0, is
        // a qualified alternate and no row at all).
        let k1 = &m.components[1];
        assert_eq!(k1.weight, 1.0);
        assert_eq!(k1.top_country, "CN");
        assert_eq!(k1.top_country_share, 1.0);
        // Coverage of oem by share: k0 (a buys nothing, not a mine: 0.75 in-house only), k1 (m
        // is a mine: 1.0) => (0.75 + 1.0) / 2.
        let g = SupplyGraph::build(&ds);
        assert_eq!(coverage(&ds, &g, id("oem")), 0.875);
    }
}
