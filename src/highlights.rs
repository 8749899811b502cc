//! What the results lead with, as data: the most critical firm, the chokepoints and the supply
//! paths from the first of them, the worst country and scenario, the most concentrated
//! components, the country that leads the most components, which end firms' single-sourcing
//! matters most, the hidden-concentration order and the unverified sources.
//!
//! A pure step between `analysis` and the readers of results (`report`, `policy`): selection
//! and ranking happen here once, so the renderers only render and every reader picks the same
//! finding. Wherever one finding is picked from several, [`finding_order`] decides. The JSON
//! lists keep the order MODEL.md §7 fixes; these selections are indices into them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::Analysis;
use crate::graph::SupplyGraph;
use crate::metrics::{ComponentMetrics, Exposure, PairMetrics};
use crate::model::{CompIdx, Dataset, FirmIdx};
use crate::whatif::scenario::ScenarioResult;
use crate::whatif::sweep::SweepEntry;

/// What a finding is ranked by (see [`finding_order`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Severity<'a> {
    /// Time-weighted loss (MODEL §6): loss × output value × exposure days / 365, the output
    /// lost over the event ("lost output over the outage" in the markdown report).
    pub(crate) event_loss: f64,
    /// JSON `value_at_risk` (MODEL §5): loss × a year of output, "annual output at risk (if
    /// the outage lasted a year)" in the markdown report.
    pub(crate) value_at_risk: f64,
    /// The finding's id: a firm, country or scenario name.
    pub(crate) id: &'a str,
}

impl Severity<'_> {
    /// A sweep entry's severity; entries without a time-weighted loss (the country, region and
    /// group sweeps) rank by annual output at risk.
    pub(crate) fn of_entry(e: &SweepEntry) -> Severity<'_> {
        Severity {
            event_loss: e.time_weighted_loss.unwrap_or(0.0),
            value_at_risk: e.value_at_risk,
            id: &e.key,
        }
    }

    /// A scenario's severity: its end firms' time-weighted losses summed in end-firm order.
    pub(crate) fn of_scenario(s: &ScenarioResult) -> Severity<'_> {
        Severity {
            event_loss: s.end_firms.iter().map(|e| e.time_weighted_loss).sum(),
            value_at_risk: s.total_value_at_risk,
            id: &s.name,
        }
    }
}

/// The one rule for picking a finding: the larger event (time-weighted) loss first, then the
/// larger annual output at risk (`value_at_risk`), then the smaller id. Total on floats
/// (`total_cmp`), so the choice never depends on input order. The JSON ranking of §7
/// (`value_at_risk`, then key) is a
/// list order and stays as MODEL.md fixes it; this rule is for choosing what to lead with.
pub(crate) fn finding_order(a: &Severity, b: &Severity) -> Ordering {
    b.event_loss
        .total_cmp(&a.event_loss)
        .then_with(|| b.value_at_risk.total_cmp(&a.value_at_risk))
        .then_with(|| a.id.cmp(b.id))
}

/// Indices of `items` that `keep` accepts, most severe first by [`finding_order`].
fn ranked<T>(
    items: &[T],
    keep: impl Fn(&T) -> bool,
    severity: impl Fn(&T) -> Severity,
) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..items.len()).filter(|&i| keep(&items[i])).collect();
    idx.sort_by(|&i, &j| finding_order(&severity(&items[i]), &severity(&items[j])));
    idx
}

/// A source's verification status as the dataset's author tags it in `dataset.toml` (the tags
/// of the research notes the shipped datasets are built from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceStatus {
    /// `V`: seen in the source.
    Verified,
    /// `V2`: seen in a transcription of the source.
    Transcribed,
    /// `R`: not verified in any source.
    Unverified,
    /// `D`: derived from verified figures.
    Derived,
}

impl SourceStatus {
    /// The status of a tag (case and surrounding space ignored); `None` for other text.
    pub(crate) fn parse(tag: &str) -> Option<Self> {
        match tag.trim().to_ascii_uppercase().as_str() {
            "V" => Some(Self::Verified),
            "V2" => Some(Self::Transcribed),
            "R" => Some(Self::Unverified),
            "D" => Some(Self::Derived),
            _ => None,
        }
    }

    /// The tag as written in `dataset.toml`.
    pub(crate) fn tag(self) -> &'static str {
        match self {
            Self::Verified => "V",
            Self::Transcribed => "V2",
            Self::Unverified => "R",
            Self::Derived => "D",
        }
    }
}

/// Per end firm with single-source pairs: its largest one and how much is single-sourced.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SingleSource {
    pub(crate) end_firm: FirmIdx,
    /// The single-sourced component of the largest value (ties: the smaller component).
    pub(crate) component: CompIdx,
    pub(crate) supplier: FirmIdx,
    pub(crate) amount: SingleSourced,
}

/// How much of an end firm's purchases is single-sourced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SingleSourced {
    /// By purchase value (the dataset has values and the firm's total is positive).
    Value { single: f64, total: f64 },
    /// By count of components otherwise.
    Count { single: usize, pairs: usize },
}

impl SingleSourced {
    /// What the end firms are ranked by.
    fn weight(self) -> f64 {
        match self {
            SingleSourced::Value { single, .. } => single,
            SingleSourced::Count { single, .. } => single as f64,
        }
    }
}

/// The country that supplies more than half of the most components.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DominantCountry {
    pub(crate) country: String,
    /// Indices into `metrics.components`, largest country share first (ties: component).
    pub(crate) components: Vec<usize>,
}

/// Every firm on a supply path from a chokepoint to the end firms it stops.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChokepointPaths {
    /// Index into `whatif.sweeps.firms`.
    pub(crate) entry: usize,
    pub(crate) firm: FirmIdx,
    /// End firms it stops, sorted.
    pub(crate) stops: Vec<FirmIdx>,
    /// Firms downstream of `firm` and upstream of `stops` (both ends included), sorted.
    pub(crate) nodes: Vec<FirmIdx>,
}

impl ChokepointPaths {
    /// The sourcing edges between the nodes, as (supplier, buyer, component), sorted and
    /// without in-house rows. Computed on demand: only a diagram small enough to draw needs it.
    pub(crate) fn edges(&self, ds: &Dataset) -> Vec<(FirmIdx, FirmIdx, CompIdx)> {
        let on = |f: FirmIdx| self.nodes.binary_search(&f).is_ok();
        let set: BTreeSet<(FirmIdx, FirmIdx, CompIdx)> = ds
            .sourcing
            .iter()
            .filter(|r| !r.is_in_house() && on(r.supplier) && on(r.buyer))
            .map(|r| (r.supplier, r.buyer, r.component))
            .collect();
        set.into_iter().collect()
    }
}

/// What the report leads with. Indices refer to the lists of the [`Analysis`] it was computed
/// from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Highlights {
    /// The firm of each firm-sweep entry (its key is the firm's id), in sweep order.
    pub(crate) sweep_firms: Vec<FirmIdx>,
    /// Firm-sweep entry leading by [`finding_order`] among those with annual output at risk.
    pub(crate) most_critical: Option<usize>,
    /// Firm-sweep entries that stop an end firm completely, by [`finding_order`].
    pub(crate) chokepoints: Vec<usize>,
    /// Paths from the first chokepoint.
    pub(crate) paths: Option<ChokepointPaths>,
    /// Country-sweep entry leading by [`finding_order`] among those with annual output at risk.
    pub(crate) worst_country: Option<usize>,
    /// Scenario leading by [`finding_order`] among those with annual output at risk.
    pub(crate) worst_scenario: Option<usize>,
    /// `metrics.components` by supplier HHI, then weight, descending, then component.
    pub(crate) by_concentration: Vec<usize>,
    /// The component most dependent on one country (share, then weight, then component).
    pub(crate) most_country_dependent: Option<usize>,
    pub(crate) dominant_country: Option<DominantCountry>,
    /// End firms with single-source pairs, most single-sourced (value or count) first.
    pub(crate) single_source: Vec<SingleSource>,
    /// `whatif.hidden` by gap (all-tier exposure − tier-1 share) descending, then firm, country.
    pub(crate) hidden: Vec<usize>,
    /// `whatif.hidden` rows of the end firm of the largest gap, by exposure descending, then
    /// country.
    pub(crate) hidden_chart: Vec<usize>,
    /// Indices into `meta.sources` tagged [`SourceStatus::Unverified`].
    pub(crate) unverified_sources: Vec<usize>,
    /// Number of supply cycles.
    pub(crate) cycles: usize,
}

impl Highlights {
    /// Selects the highlights of an analysis.
    pub(crate) fn compute(a: &Analysis) -> Highlights {
        let w = &a.whatif;
        let sweep_firms: Vec<FirmIdx> = w
            .sweeps
            .firms
            .iter()
            .map(|e| {
                a.ds.firm_index(&e.key)
                    .expect("the firm sweep is keyed by firm id")
            })
            .collect();
        let has_var = |e: &SweepEntry| e.value_at_risk > 0.0;
        let chokepoints = ranked(
            &w.sweeps.firms,
            |e| !e.chokepoint_for.is_empty(),
            Severity::of_entry,
        );
        let paths = chokepoints.first().map(|&i| {
            let e = &w.sweeps.firms[i];
            chokepoint_paths(a.g, a.ds.firms.len(), i, sweep_firms[i], &e.chokepoint_for)
        });
        let by_concentration = by_concentration(&a.metrics.components);
        let hidden = hidden_order(&w.hidden);
        Highlights {
            most_critical: ranked(&w.sweeps.firms, has_var, Severity::of_entry)
                .first()
                .copied(),
            worst_country: ranked(&w.sweeps.countries, has_var, Severity::of_entry)
                .first()
                .copied(),
            worst_scenario: ranked(
                &w.scenarios,
                |s| s.total_value_at_risk > 0.0,
                Severity::of_scenario,
            )
            .first()
            .copied(),
            most_country_dependent: most_country_dependent(&a.metrics.components),
            dominant_country: dominant_country(&a.metrics.components),
            single_source: single_source(a),
            hidden_chart: hidden_chart(&w.hidden, hidden.first().copied()),
            hidden,
            unverified_sources: (a.ds.meta.sources.iter().enumerate())
                .filter(|(_, s)| {
                    s.status.as_deref().and_then(SourceStatus::parse)
                        == Some(SourceStatus::Unverified)
                })
                .map(|(i, _)| i)
                .collect(),
            cycles: a.g.cycles().count(),
            sweep_firms,
            chokepoints,
            paths,
            by_concentration,
        }
    }
}

/// Firms reachable from `starts` (included) along `next`; iterative, so the input cannot drive
/// recursion depth.
fn reach<'g>(n: usize, starts: &[FirmIdx], next: impl Fn(FirmIdx) -> &'g [FirmIdx]) -> Vec<bool> {
    let mut seen = vec![false; n];
    let mut stack: Vec<FirmIdx> = starts.to_vec();
    for &s in starts {
        seen[s] = true;
    }
    while let Some(f) = stack.pop() {
        for &m in next(f) {
            if !seen[m] {
                seen[m] = true;
                stack.push(m);
            }
        }
    }
    seen
}

/// Downstream of `firm`, then upstream of the end firms it stops: the intersection is every
/// firm on a path from it to them.
fn chokepoint_paths(
    g: &SupplyGraph,
    n: usize,
    entry: usize,
    firm: FirmIdx,
    stops: &[FirmIdx],
) -> ChokepointPaths {
    let down = reach(n, &[firm], |f| g.buyers(f));
    let up = reach(n, stops, |f| g.suppliers(f));
    ChokepointPaths {
        entry,
        firm,
        stops: stops.to_vec(),
        nodes: (0..n).filter(|&f| down[f] && up[f]).collect(),
    }
}

fn by_concentration(comps: &[ComponentMetrics]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..comps.len()).collect();
    idx.sort_by(|&i, &j| {
        let (a, b) = (&comps[i], &comps[j]);
        b.hhi_supplier
            .total_cmp(&a.hhi_supplier)
            .then_with(|| b.weight.total_cmp(&a.weight))
            .then_with(|| a.component.cmp(&b.component))
    });
    idx
}

fn most_country_dependent(comps: &[ComponentMetrics]) -> Option<usize> {
    (0..comps.len()).min_by(|&i, &j| {
        let (a, b) = (&comps[i], &comps[j]);
        b.top_country_share
            .total_cmp(&a.top_country_share)
            .then_with(|| b.weight.total_cmp(&a.weight))
            .then_with(|| a.component.cmp(&b.component))
    })
}

/// The country with more than half of the most components (ties: the smaller code); none with
/// fewer than two components, where "most components" says nothing.
fn dominant_country(comps: &[ComponentMetrics]) -> Option<DominantCountry> {
    if comps.len() < 2 {
        return None;
    }
    let mut by_country: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in comps.iter().enumerate() {
        if c.top_country_share > 0.5 {
            by_country
                .entry(c.top_country.as_str())
                .or_default()
                .push(i);
        }
    }
    let (country, mut components) = by_country
        .into_iter()
        .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)))?;
    components.sort_by(|&i, &j| {
        comps[j]
            .top_country_share
            .total_cmp(&comps[i].top_country_share)
            .then_with(|| comps[i].component.cmp(&comps[j].component))
    });
    Some(DominantCountry {
        country: country.to_string(),
        components,
    })
}

/// The pairs of buyer `f` (pairs are sorted by buyer).
fn pairs_of(pairs: &[PairMetrics], f: FirmIdx) -> &[PairMetrics] {
    let start = pairs.partition_point(|p| p.buyer < f);
    let end = pairs.partition_point(|p| p.buyer <= f);
    &pairs[start..end]
}

/// Per end firm with single-source pairs: the largest one and the single-sourced share of its
/// purchases; the most single-sourced value (or count) first, ties by end firm.
fn single_source(a: &Analysis) -> Vec<SingleSource> {
    let ds = a.ds;
    let mut found: Vec<SingleSource> = Vec::new();
    for &e in &a.g.end_firms {
        let pairs = pairs_of(&a.metrics.pairs, e);
        let single: Vec<&PairMetrics> = pairs
            .iter()
            .filter(|p| p.exposure == Exposure::SingleSource)
            .collect();
        let Some(biggest) = single.iter().max_by(|a, b| {
            a.annual_value
                .unwrap_or(0.0)
                .total_cmp(&b.annual_value.unwrap_or(0.0))
                .then_with(|| b.component.cmp(&a.component))
        }) else {
            continue;
        };
        let amount = if ds.weights(&ds.sourcing[a.g.rows_of(e)]).by_value() {
            SingleSourced::Value {
                single: single.iter().filter_map(|p| p.annual_value).sum(),
                total: pairs.iter().filter_map(|p| p.annual_value).sum(),
            }
        } else {
            SingleSourced::Count {
                single: single.len(),
                pairs: pairs.len(),
            }
        };
        found.push(SingleSource {
            end_firm: e,
            component: biggest.component,
            supplier: ds.sourcing[biggest.rows.start].supplier,
            amount,
        });
    }
    found.sort_by(|a, b| {
        b.amount
            .weight()
            .total_cmp(&a.amount.weight())
            .then_with(|| a.end_firm.cmp(&b.end_firm))
    });
    found
}

fn hidden_order(hidden: &[crate::whatif::hidden::Hidden]) -> Vec<usize> {
    let gap = |i: usize| hidden[i].all_tier_exposure - hidden[i].tier1_share;
    let mut idx: Vec<usize> = (0..hidden.len()).collect();
    idx.sort_by(|&i, &j| {
        gap(j).total_cmp(&gap(i)).then_with(|| {
            (hidden[i].firm, &hidden[i].country).cmp(&(hidden[j].firm, &hidden[j].country))
        })
    });
    idx
}

/// The rows of the end firm of `first` (the largest gap).
fn hidden_chart(hidden: &[crate::whatif::hidden::Hidden], first: Option<usize>) -> Vec<usize> {
    let Some(first) = first else {
        return Vec::new();
    };
    let firm = hidden[first].firm;
    let mut rows: Vec<usize> = (0..hidden.len())
        .filter(|&i| hidden[i].firm == firm)
        .collect();
    rows.sort_by(|&i, &j| {
        hidden[j]
            .all_tier_exposure
            .total_cmp(&hidden[i].all_tier_exposure)
            .then_with(|| hidden[i].country.cmp(&hidden[j].country))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AnalysisSettings;
    use crate::testing::Net;
    use crate::whatif::Quiet;

    fn sev(event_loss: f64, value_at_risk: f64, id: &str) -> Severity<'_> {
        Severity {
            event_loss,
            value_at_risk,
            id,
        }
    }

    fn entry(key: &str, var: f64, twl: f64, stops: Vec<FirmIdx>) -> SweepEntry {
        SweepEntry {
            key: key.into(),
            value_at_risk: var,
            max_loss: 1.0,
            chokepoint_for: stops,
            time_weighted_loss: Some(twl),
            risk_exposure_index: Some(0.0),
        }
    }

    /// Two end firms: `car` buys k0 from `a` and k1 from `b` (each single-sourced, `b` via
    /// `m`), `van` buys k0 from `a` and `c` (DE); values when `values`.
    fn net(values: bool) -> Dataset {
        let mut net = (Net::new().firm("a").firm("b").firm("m"))
            .firm("c")
            .country("DE")
            .firm("car")
            .country("PL")
            .firm("van")
            .country("PL");
        for (buyer, k, supplier, share, value) in [
            ("car", "k0", "a", 1.0, 60.0),
            ("car", "k1", "b", 1.0, 40.0),
            ("b", "k2", "m", 1.0, 10.0),
            ("van", "k0", "a", 0.5, 30.0),
            ("van", "k0", "c", 0.5, 30.0),
        ] {
            net = net.buys(buyer, k, supplier, share);
            if values {
                net = net.value(value);
            }
        }
        net.build()
    }

    fn settings(sweep: bool) -> AnalysisSettings {
        let mut s = AnalysisSettings::default();
        s.whatif.sweep = sweep;
        s
    }

    #[test]
    fn finding_order_is_event_loss_then_value_at_risk_then_id() {
        let mut list = [
            sev(1.0, 9.0, "big-value"),
            sev(2.0, 1.0, "z-long"),
            sev(2.0, 1.0, "a-long"),
            sev(2.0, 3.0, "m-more-value"),
        ];
        list.sort_by(finding_order);
        let ids: Vec<&str> = list.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["m-more-value", "a-long", "z-long", "big-value"]);
        assert_eq!(
            finding_order(&sev(1.0, 1.0, "x"), &sev(1.0, 1.0, "x")),
            Ordering::Equal
        );
    }

    #[test]
    fn the_most_critical_firm_and_chokepoints_use_the_finding_order() {
        let ds = net(true);
        let g = SupplyGraph::build(&ds);
        let mut a = Analysis::run(&ds, &g, None, settings(true), &Quiet).expect("solved");
        let car = ds.firm_index("car").expect("car");
        // `a` has the larger annual output at risk, `b` and `m` the larger event loss; `b` and
        // `m` tie on both, so the id decides. The JSON order (`value_at_risk` first) would lead
        // with `a`.
        a.whatif.sweeps.firms = vec![
            entry("a", 200.0, 10.0, vec![car]),
            entry("b", 100.0, 50.0, vec![car]),
            entry("m", 100.0, 50.0, vec![car]),
            entry("c", 0.0, 0.0, vec![]),
        ];
        let h = Highlights::compute(&a);
        assert_eq!(h.most_critical, Some(1));
        assert_eq!(h.chokepoints, [1, 2, 0]);
        let p = h.paths.expect("a chokepoint has paths");
        assert_eq!(
            (p.entry, p.firm, p.stops.clone()),
            (1, ds.firm_index("b").expect("b"), vec![car])
        );
        assert_eq!(p.nodes, [ds.firm_index("b").expect("b"), car]);
        assert_eq!(p.edges(&ds), [(p.firm, car, 1)]);
        let firms: Vec<&str> = h.sweep_firms.iter().map(|&f| a.id(f)).collect();
        assert_eq!(firms, ["a", "b", "m", "c"]);
    }

    #[test]
    fn without_sweeps_nothing_is_chosen_from_them() {
        let ds = net(true);
        let g = SupplyGraph::build(&ds);
        let a = Analysis::run(&ds, &g, None, settings(false), &Quiet).expect("solved");
        let h = Highlights::compute(&a);
        assert_eq!((h.most_critical, h.worst_country), (None, None));
        assert!(h.chokepoints.is_empty() && h.paths.is_none() && h.sweep_firms.is_empty());
        assert!(h.hidden.is_empty() && h.hidden_chart.is_empty());
        // What does not need the sweeps is still there.
        assert_eq!(h.single_source.len(), 1);
        assert!(h.dominant_country.is_some());
    }

    #[test]
    fn with_sweeps_the_results_lead_with_real_findings() {
        let ds = net(true);
        let g = SupplyGraph::build(&ds);
        let a = Analysis::run(&ds, &g, None, settings(true), &Quiet).expect("solved");
        let h = Highlights::compute(&a);
        let critical = h
            .most_critical
            .map(|i| a.whatif.sweeps.firms[i].key.as_str());
        // `a` stops car (60 + 40 of output) and halves van; `b` and `m` stop car only.
        assert_eq!(critical, Some("a"));
        let country = h
            .worst_country
            .map(|i| a.whatif.sweeps.countries[i].key.as_str());
        assert_eq!(country, Some("CN"));
        assert!(!h.hidden.is_empty());
        let chart_firm = a.whatif.hidden[h.hidden_chart[0]].firm;
        assert_eq!(chart_firm, a.whatif.hidden[h.hidden[0]].firm);
    }

    #[test]
    fn single_sourcing_is_by_value_with_values_and_by_count_without() {
        let ds = net(true);
        let g = SupplyGraph::build(&ds);
        let a = Analysis::run(&ds, &g, None, settings(false), &Quiet).expect("solved");
        let s = &Highlights::compute(&a).single_source;
        assert_eq!(s.len(), 1, "van buys from two suppliers");
        assert_eq!((a.id(s[0].end_firm), a.id(s[0].supplier)), ("car", "a"));
        assert_eq!(s[0].component, 0, "the larger single-sourced purchase");
        assert_eq!(
            s[0].amount,
            SingleSourced::Value {
                single: 100.0,
                total: 100.0
            }
        );

        let ds = net(false);
        let g = SupplyGraph::build(&ds);
        let a = Analysis::run(&ds, &g, None, settings(false), &Quiet).expect("solved");
        let s = &Highlights::compute(&a).single_source;
        // Without values both purchases weigh the same: the smaller component is named.
        assert_eq!(s[0].component, 0);
        assert_eq!(
            s[0].amount,
            SingleSourced::Count {
                single: 2,
                pairs: 2
            }
        );
    }

    #[test]
    fn single_sourcing_ties_go_to_the_smaller_end_firm() {
        let ds = (Net::new()
            .firm("s")
            .firm("y")
            .country("PL")
            .firm("x")
            .country("PL"))
        .buys("y", "k0", "s", 1.0)
        .buys("x", "k0", "s", 1.0)
        .build();
        let g = SupplyGraph::build(&ds);
        let a = Analysis::run(&ds, &g, None, settings(false), &Quiet).expect("solved");
        let s = &Highlights::compute(&a).single_source;
        let firms: Vec<&str> = s.iter().map(|x| a.id(x.end_firm)).collect();
        assert_eq!(firms, ["x", "y"]);
    }

    #[test]
    fn a_network_without_end_firms_has_no_firm_findings() {
        // a and b supply each other only: a cycle, no end firm.
        let ds = (Net::new().firm("a").firm("b").country("DE"))
            .buys("a", "k0", "b", 1.0)
            .buys("b", "k1", "a", 1.0)
            .build();
        let g = SupplyGraph::build(&ds);
        assert!(g.end_firms.is_empty());
        let a = Analysis::run(&ds, &g, None, settings(true), &Quiet).expect("solved");
        let h = Highlights::compute(&a);
        assert!(h.single_source.is_empty());
        assert_eq!(
            (h.most_critical, h.worst_country, h.worst_scenario),
            (None, None, None)
        );
        assert!(h.chokepoints.is_empty() && h.paths.is_none());
        assert_eq!(h.cycles, 1);
    }

    #[test]
    fn the_dominant_country_needs_two_components_and_ties_go_to_the_smaller_code() {
        // One component: no dominant country, however concentrated.
        let one = (Net::new().firm("s").firm("x").country("PL"))
            .buys("x", "k0", "s", 1.0)
            .build();
        let g = SupplyGraph::build(&one);
        let a = Analysis::run(&one, &g, None, settings(false), &Quiet).expect("solved");
        assert_eq!(Highlights::compute(&a).dominant_country, None);
        // Two components, one led by US and one by CN: CN (the smaller code) wins the tie.
        let two = (Net::new()
            .firm("s")
            .country("US")
            .firm("t")
            .firm("x")
            .country("PL"))
        .buys("x", "k0", "s", 1.0)
        .buys("x", "k1", "t", 1.0)
        .build();
        let g = SupplyGraph::build(&two);
        let a = Analysis::run(&two, &g, None, settings(false), &Quiet).expect("solved");
        let d = Highlights::compute(&a)
            .dominant_country
            .expect("two components");
        assert_eq!(d.country, "CN");
        assert_eq!(d.components.len(), 1);
    }

    #[test]
    fn source_status_tags_have_one_home() {
        for st in [
            SourceStatus::Verified,
            SourceStatus::Transcribed,
            SourceStatus::Unverified,
            SourceStatus::Derived,
        ] {
            assert_eq!(SourceStatus::parse(st.tag()), Some(st));
        }
        assert_eq!(SourceStatus::parse(" r "), Some(SourceStatus::Unverified));
        assert_eq!(SourceStatus::parse("V3"), None);
    }
}
