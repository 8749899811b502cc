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
use crate::graph::{SupplyGraph, Visits};
use crate::metrics::{ComponentMetrics, Exposure, Level, PairMetrics};
use crate::model::country::is_other;
use crate::model::{CompIdx, Dataset, FirmIdx};
pub(crate) use crate::whatif::order::{finding_order, Severity, LEADS, STOCK_NEEDS};
use crate::whatif::scenario::EndFirmImpact;
use crate::whatif::sweep::SweepEntry;

/// Below this share lost an end firm counts as untouched.
const NO_LOSS: f64 = 1e-9;

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

/// The entries after `order[0]` that tie with it on both numbers of [`finding_order`] (only the
/// id tells them apart): the report says "tied with …" rather than let the id pick silently.
fn ties<T>(items: &[T], order: &[usize], severity: impl Fn(&T) -> Severity) -> Vec<usize> {
    let Some(&first) = order.first() else {
        return Vec::new();
    };
    let lead = severity(&items[first]);
    order[1..]
        .iter()
        .copied()
        .take_while(|&i| {
            let s = severity(&items[i]);
            s.event_loss == lead.event_loss && s.value_at_risk == lead.value_at_risk
        })
        .collect()
}

/// The first of a ranking and the entries tied with it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pick {
    pub(crate) first: usize,
    /// Entries equal to `first` on event loss and annual output at risk, in id order.
    pub(crate) tied: Vec<usize>,
}

/// The first of `order` (if any) with its ties.
fn pick<T>(items: &[T], order: &[usize], severity: impl Fn(&T) -> Severity) -> Option<Pick> {
    order.first().map(|&first| Pick {
        first,
        tied: ties(items, order, severity),
    })
}

/// What an end firm's stock does for it under a scenario (MODEL §6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Verdict {
    /// The scenario takes nothing from it.
    NotHit,
    /// It would lose output, but its stock lasts until the cut firms recover (TTS ≥ TTR).
    Covered,
    /// Its stock runs out this many days before the cut firms recover (TTR − TTS).
    Short(f64),
}

impl Verdict {
    /// The verdict of one end firm's impact.
    pub(crate) fn of(e: &EndFirmImpact) -> Verdict {
        if e.loss < NO_LOSS {
            Verdict::NotHit
        } else if e.exposure_days > 0.0 {
            Verdict::Short(e.exposure_days)
        } else {
            Verdict::Covered
        }
    }
}

/// A finding the summary leads with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lead {
    /// Index into `whatif.scenarios`.
    Scenario(usize),
    /// Index into `whatif.sweeps.firms`.
    Firm(usize),
}

/// The extra stock that would carry the end firms through a chokepoint's time to recover.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StockNeed {
    /// Index into `whatif.sweeps.firms`.
    pub(crate) entry: usize,
    pub(crate) firm: FirmIdx,
    /// Its time to recover, where known (recorded, or its `recovery_days`).
    pub(crate) ttr_days: Option<f64>,
    /// The largest TTR − TTS over the end firms it leaves short: days of extra stock, on the
    /// best-buffered path from it, that would cover its time to recover; 0 when stock does.
    pub(crate) extra_days: f64,
    /// The end firms whose stock runs out first, sorted.
    pub(crate) short: Vec<FirmIdx>,
}

/// How much of a finding's supply paths rests on rows of each kind of source (the optional
/// `source` column of sourcing): purchase value (or share, without values) of the sourcing
/// rows on every path from the cut firms to the end firms that lose output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Provenance {
    pub(crate) total: f64,
    /// Rows whose source has status `R` (unverified).
    pub(crate) unverified: f64,
    /// Rows without a source.
    pub(crate) unsourced: f64,
}

/// How a component's concentration is read in the report's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// By group HHI: every supplier is a firm, and a maker's plants and lines (one `group`) are
    /// one supplier, not competitors. Without a `group` each firm is its own group, so this is
    /// the supplier HHI.
    Group,
    /// By country HHI: some supplier is an aggregate (a whole industry), whose supplier HHI is
    /// an artefact.
    Country,
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
    /// Other single-sourced components of the same value, in component order.
    pub(crate) tied: Vec<CompIdx>,
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

/// Shares by country, largest first (ties: the smaller code); other/unknown codes (`XA`–`XZ`,
/// `ZZ`) included, for the renderer to set apart.
pub(crate) type CountryShares = Vec<(String, f64)>;

/// Where things are made: the end firms' output by country and each component's supply by
/// country, so that "country X makes n% of the cars and m% of the cells" can be read off the
/// data.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct MadeIn {
    /// End-firm output by country, in output value (MODEL §2's V(E)): an end firm's output is
    /// placed in its country, except what it buys ready-made from another end firm (with
    /// values), which is placed in that end firm's country. Amounts (not shares), largest
    /// first, ties by code.
    pub(crate) output: Vec<(String, f64)>,
    /// The sum of `output`.
    pub(crate) output_total: f64,
    /// The value of the ready-made goods end firms buy from other end firms (placed where made).
    pub(crate) resold: f64,
    /// Per used component, largest purchase weight first (ties: component).
    pub(crate) components: Vec<ComponentMade>,
    /// The component of the largest purchases the end firms make from other firms (by the
    /// weights of MODEL §3; in-house rows left out): what they depend on most.
    pub(crate) main_input: Option<CompIdx>,
}

/// Where one component is made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ComponentMade {
    pub(crate) component: CompIdx,
    /// Its purchases across the dataset, weighted as MODEL §3 (value, else share); in-house rows
    /// count (the buyer is a producer).
    pub(crate) weight: f64,
    /// Shares of `weight` by the suppliers' country.
    pub(crate) supply: CountryShares,
    /// Shares of its makers' capacity (`capacity_value`) by country, when every firm that
    /// sells it to another firm has a capacity and sells nothing else (so its capacity is
    /// capacity for this component), and none makes it in-house for itself.
    pub(crate) capacity: Option<CountryShares>,
}

/// Amounts by country as shares of their total (none when the total is not positive), largest
/// first, ties by code.
fn shares(by: BTreeMap<String, f64>) -> CountryShares {
    let total: f64 = by.values().sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut v: CountryShares = by.into_iter().map(|(c, x)| (c, x / total)).collect();
    // A stable sort of the code order: ties keep the smaller code first.
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

/// Where the end firms' output and each component are made ([`MadeIn`]).
fn made_in(a: &Analysis) -> MadeIn {
    let ds = a.ds;
    let g = a.g;
    let is_end = |f: FirmIdx| g.end_firms.binary_search(&f).is_ok();
    let mut output: BTreeMap<String, f64> = BTreeMap::new();
    let mut resold = 0.0;
    for (j, &e) in g.end_firms.iter().enumerate() {
        let mut own = g.end_values[j];
        if ds.has_values {
            for r in &ds.sourcing[g.rows_of(e)] {
                if !r.is_in_house() && is_end(r.supplier) {
                    // Never more than the buyer's own output: a buyer cannot resell more
                    // than it sells.
                    let v = r.annual_value.unwrap_or(0.0).min(own);
                    own -= v;
                    resold += v;
                    *output
                        .entry(ds.firms[r.supplier].country.clone())
                        .or_insert(0.0) += v;
                }
            }
        }
        *output.entry(ds.firms[e].country.clone()).or_insert(0.0) += own;
    }
    output.retain(|_, v| *v > 0.0);
    let output_total: f64 = output.values().sum();
    let mut amounts: Vec<(String, f64)> = output.into_iter().collect();
    amounts.sort_by(|a, b| b.1.total_cmp(&a.1));

    // Per component: supply by country, and the firms that sell it to others.
    let n = ds.components.len();
    let mut rows_of: Vec<Vec<&crate::model::SourcingRow>> = vec![Vec::new(); n];
    for r in ds.sourcing.iter() {
        rows_of[r.component].push(r);
    }
    // What each firm sells to other firms, and whether it makes anything for itself.
    let mut sells: Vec<BTreeSet<CompIdx>> = vec![BTreeSet::new(); ds.firms.len()];
    for r in ds.sourcing.iter().filter(|r| !r.is_in_house()) {
        sells[r.supplier].insert(r.component);
    }
    let mut components: Vec<ComponentMade> = Vec::new();
    let mut bought_by_ends = vec![0.0; n];
    for (k, rows) in rows_of.iter().enumerate() {
        if rows.is_empty() {
            continue;
        }
        let weights = ds.weights(rows.iter().copied());
        let mut supply: BTreeMap<String, f64> = BTreeMap::new();
        for r in rows {
            *supply
                .entry(ds.firms[r.supplier].country.clone())
                .or_insert(0.0) += weights.of(r);
            if !r.is_in_house() && is_end(r.buyer) {
                bought_by_ends[k] += weights.of(r);
            }
        }
        let weight = supply.values().sum();
        let makers: BTreeSet<FirmIdx> = rows.iter().map(|r| r.supplier).collect();
        let capacity = (!rows.iter().any(|r| r.is_in_house())
            && makers
                .iter()
                .all(|&f| ds.firms[f].capacity_value.is_some() && sells[f].len() == 1))
        .then(|| {
            let mut by: BTreeMap<String, f64> = BTreeMap::new();
            for &f in &makers {
                *by.entry(ds.firms[f].country.clone()).or_insert(0.0) +=
                    ds.firms[f].capacity_value.unwrap_or(0.0);
            }
            shares(by)
        })
        .filter(|c| !c.is_empty());
        components.push(ComponentMade {
            component: k,
            weight,
            supply: shares(supply),
            capacity,
        });
    }
    components.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.component.cmp(&b.component))
    });
    let main_input = (0..n)
        .filter(|&k| bought_by_ends[k] > 0.0)
        .max_by(|&i, &j| {
            bought_by_ends[i]
                .total_cmp(&bought_by_ends[j])
                .then_with(|| j.cmp(&i))
        });
    MadeIn {
        output: amounts,
        output_total,
        resold,
        components,
        main_input,
    }
}

/// What the report leads with. Indices refer to the lists of the [`Analysis`] it was computed
/// from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Highlights {
    /// The firm of each firm-sweep entry (its key is the firm's id), in sweep order.
    pub(crate) sweep_firms: Vec<FirmIdx>,
    /// Firm-sweep entry leading by [`finding_order`] among the firms that are not aggregates
    /// with annual output at risk, and the entries tied with it.
    pub(crate) most_critical: Option<Pick>,
    /// Firm-sweep entries that stop an end firm completely, by [`finding_order`].
    pub(crate) chokepoints: Vec<usize>,
    /// Paths from the first chokepoint.
    pub(crate) paths: Option<ChokepointPaths>,
    /// Country-sweep entry leading by [`finding_order`] among those with annual output at risk,
    /// other/unknown codes (`XA`–`XZ`, `ZZ`) left out, and the entries tied with it.
    pub(crate) worst_country: Option<Pick>,
    /// Scenario leading by [`finding_order`] among those with annual output at risk, and the
    /// scenarios tied with it.
    pub(crate) worst_scenario: Option<Pick>,
    /// Every scenario by [`finding_order`] (the summary's scenario table).
    pub(crate) scenario_order: Vec<usize>,
    /// The summary's findings: scenarios and firm-sweep entries with a loss over the event, by
    /// [`finding_order`], at most [`LEADS`].
    pub(crate) leads: Vec<Lead>,
    /// The firm sweep by [`finding_order`] (the report's table order; JSON keeps §7's).
    pub(crate) firm_order: Vec<usize>,
    /// Per lead (same order): its provenance, when the dataset's sourcing cites sources and
    /// the lead's paths are known.
    pub(crate) provenance: Vec<Option<Provenance>>,
    /// Extra stock for the first [`STOCK_NEEDS`] chokepoints; empty without the
    /// sweeps.
    pub(crate) stock_needs: Vec<StockNeed>,
    /// The same for each firm among the leads (chokepoint or not), in lead order; empty without
    /// the sweeps.
    pub(crate) lead_needs: Vec<StockNeed>,
    /// How each of `metrics.components` is read (same order).
    pub(crate) views: Vec<View>,
    /// `metrics.components` by the HHI of their view, then weight, descending, then component.
    pub(crate) by_concentration: Vec<usize>,
    /// Components (indices into `metrics.components`) above the EU CRMA benchmark: one
    /// country outside the EU, not other/unknown, supplies more than 65%; by share descending.
    pub(crate) above_crma: Vec<usize>,
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
    /// Where the end firms' output and each component are made, by country.
    pub(crate) made_in: MadeIn,
    /// Number of supply cycles.
    pub(crate) cycles: usize,
}

impl Highlights {
    /// Selects the highlights of an analysis.
    pub(crate) fn compute(a: &Analysis) -> Highlights {
        let w = &a.whatif;
        let ds = a.ds;
        let sweep_firms: Vec<FirmIdx> = w
            .sweeps
            .firms
            .iter()
            .map(|e| {
                ds.firm_index(&e.key)
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
            chokepoint_paths(a.g, ds.firms.len(), i, sweep_firms[i], &e.chokepoint_for)
        });
        let views = views(ds, &a.metrics.components);
        let by_concentration = by_concentration(&a.metrics.components, &views);
        let hidden = hidden_order(ds, &w.hidden);
        let firms = &w.sweeps.firms;
        let real = |e: &SweepEntry| {
            has_var(e)
                && !ds
                    .firm_index(&e.key)
                    .is_some_and(|f| ds.firms[f].is_aggregate())
        };
        let critical = ranked(firms, real, Severity::of_entry);
        let countries = &w.sweeps.countries;
        let worst_countries = ranked(
            countries,
            |e| has_var(e) && !is_other(&e.key),
            Severity::of_entry,
        );
        let scenarios = ranked(
            &w.scenarios,
            |s| s.total_value_at_risk > 0.0,
            Severity::of_scenario,
        );
        let leads = leads(a);
        Highlights {
            most_critical: pick(firms, &critical, Severity::of_entry),
            worst_country: pick(countries, &worst_countries, Severity::of_entry),
            worst_scenario: pick(&w.scenarios, &scenarios, Severity::of_scenario),
            scenario_order: ranked(&w.scenarios, |_| true, Severity::of_scenario),
            provenance: leads.iter().map(|&l| provenance(a, l)).collect(),
            firm_order: ranked(firms, |_| true, Severity::of_entry),
            stock_needs: stock_needs(a, chokepoints.iter().take(STOCK_NEEDS), &sweep_firms),
            lead_needs: stock_needs(
                a,
                leads.iter().filter_map(|l| match l {
                    Lead::Firm(i) => Some(i),
                    Lead::Scenario(_) => None,
                }),
                &sweep_firms,
            ),
            leads,
            most_country_dependent: most_country_dependent(&a.metrics.components),
            above_crma: above_crma(ds, &a.metrics.components),
            dominant_country: dominant_country(ds, &a.metrics.components),
            single_source: single_source(a),
            hidden_chart: hidden_chart(ds, &w.hidden, hidden.first().copied()),
            hidden,
            unverified_sources: unverified_sources(ds),
            made_in: made_in(a),
            cycles: a.g.cycles().count(),
            sweep_firms,
            chokepoints,
            paths,
            views,
            by_concentration,
        }
    }
}

/// Indices into `meta.sources` tagged [`SourceStatus::Unverified`].
fn unverified_sources(ds: &Dataset) -> Vec<usize> {
    (ds.meta.sources.iter().enumerate())
        .filter(|(_, s)| {
            s.status.as_deref().and_then(SourceStatus::parse) == Some(SourceStatus::Unverified)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Scenarios and firm-sweep entries with a loss over the event, by [`finding_order`]; the first
/// [`LEADS`].
fn leads(a: &Analysis) -> Vec<Lead> {
    let w = &a.whatif;
    let mut all: Vec<(Lead, Severity)> = Vec::new();
    for (i, s) in w.scenarios.iter().enumerate() {
        all.push((Lead::Scenario(i), Severity::of_scenario(s)));
    }
    for (i, e) in w.sweeps.firms.iter().enumerate() {
        all.push((Lead::Firm(i), Severity::of_entry(e)));
    }
    all.retain(|(_, s)| s.event_loss > 0.0);
    // A scenario and a firm may share an id: scenarios first among equals, so the order is
    // total.
    all.sort_by(|a, b| {
        finding_order(&a.1, &b.1).then_with(|| match (a.0, b.0) {
            (Lead::Scenario(x), Lead::Scenario(y)) | (Lead::Firm(x), Lead::Firm(y)) => x.cmp(&y),
            (Lead::Scenario(_), Lead::Firm(_)) => Ordering::Less,
            (Lead::Firm(_), Lead::Scenario(_)) => Ordering::Greater,
        })
    });
    all.into_iter().take(LEADS).map(|(l, _)| l).collect()
}

/// The provenance of a lead's supply paths; `None` when no sourcing row cites a source, or
/// the lead's cuts are not the dataset's (the command line's scenario).
fn provenance(a: &Analysis, lead: Lead) -> Option<Provenance> {
    let ds = a.ds;
    if ds.row_sources.sourcing.is_empty() {
        return None;
    }
    let w = &a.whatif;
    let (starts, ends): (Vec<FirmIdx>, Vec<FirmIdx>) = match lead {
        Lead::Scenario(i) => {
            let cuts = &ds.scenarios.get(i)?.cuts;
            let mut starts: Vec<FirmIdx> =
                cuts.iter().flat_map(|c| c.firms.iter().copied()).collect();
            starts.extend(
                (cuts.iter().flat_map(|c| c.rows.iter())).map(|&r| ds.sourcing[r].supplier),
            );
            let ends = (w.scenarios[i].end_firms.iter())
                .filter(|e| matches!(Verdict::of(e), Verdict::Short(_)))
                .map(|e| e.firm)
                .collect();
            (starts, ends)
        }
        Lead::Firm(i) => {
            let f = ds.firm_index(&w.sweeps.firms[i].key)?;
            let mut ends: Vec<FirmIdx> = (w.recovery_of(f))
                .map(|r| r.short.iter().map(|g| g.end_firm).collect())
                .unwrap_or_default();
            ends.extend(w.sweeps.firms[i].chokepoint_for.iter().copied());
            (vec![f], ends)
        }
    };
    let n = ds.firms.len();
    let down = reach(n, &starts, |f| a.g.buyers(f));
    let up = reach(n, &ends, |f| a.g.suppliers(f));
    let on = |f: FirmIdx| down[f] && up[f];
    let weights = ds.weights(&ds.sourcing);
    let mut p = Provenance {
        total: 0.0,
        unverified: 0.0,
        unsourced: 0.0,
    };
    for r in ds.sourcing.iter() {
        if r.is_in_house() || !on(r.supplier) || !on(r.buyer) {
            continue;
        }
        let v = weights.of(r);
        p.total += v;
        match ds.row_sources.sourcing.get(&r.row) {
            None => p.unsourced += v,
            Some(&s) => {
                let status = ds.meta.sources[s].status.as_deref();
                if status.and_then(SourceStatus::parse) == Some(SourceStatus::Unverified) {
                    p.unverified += v;
                }
            }
        }
    }
    (p.total > 0.0).then_some(p)
}

/// For firm-sweep entries: the days of extra stock that would cover their time to recover,
/// from the recovery gaps recorded for them (none without the sweeps).
fn stock_needs<'e>(
    a: &Analysis,
    entries: impl Iterator<Item = &'e usize>,
    sweep_firms: &[FirmIdx],
) -> Vec<StockNeed> {
    let w = &a.whatif;
    if !w.swept {
        return Vec::new();
    }
    entries
        .map(|&i| {
            let firm = sweep_firms[i];
            let rec = w.recovery_of(firm);
            let mut short: Vec<FirmIdx> = rec
                .map(|r| r.short.iter().map(|g| g.end_firm).collect())
                .unwrap_or_default();
            short.sort_unstable();
            StockNeed {
                entry: i,
                firm,
                ttr_days: rec.map(|r| r.ttr_days).or(a.ds.firms[firm].recovery_days),
                extra_days: rec.map_or(0.0, |r| {
                    (r.short.iter())
                        .map(|g| r.ttr_days - g.tts_days)
                        .fold(0.0, f64::max)
                }),
                short,
            }
        })
        .collect()
}

/// Country view for components with an aggregate supplier, else group view.
fn views(ds: &Dataset, comps: &[ComponentMetrics]) -> Vec<View> {
    let mut aggregate = vec![false; ds.components.len()];
    for r in ds.sourcing.iter().filter(|r| !r.is_in_house()) {
        if ds.firms[r.supplier].is_aggregate() {
            aggregate[r.component] = true;
        }
    }
    comps
        .iter()
        .map(|c| {
            if aggregate[c.component] {
                View::Country
            } else {
                View::Group
            }
        })
        .collect()
}

/// The HHI a component is read by.
pub(crate) fn view_hhi(c: &ComponentMetrics, v: View) -> f64 {
    match v {
        View::Group => c.hhi_group,
        View::Country => c.hhi_country,
    }
}

/// The level of a component's HHI in its view.
pub(crate) fn view_level(a: &Analysis, i: usize, v: View) -> Level {
    Level::of(view_hhi(&a.metrics.components[i], v), a.metrics.thresholds)
}

/// Components above the EU CRMA benchmark; components only ever made in-house are not
/// counted (a firm's own plant is no dependence on its country).
fn above_crma(ds: &Dataset, comps: &[ComponentMetrics]) -> Vec<usize> {
    use crate::model::country::{CRMA_MAX_THIRD_COUNTRY, EU};
    let bought = bought_components(ds);
    let mut idx: Vec<usize> = (0..comps.len())
        .filter(|&i| {
            let c = &comps[i];
            bought[c.component]
                && c.top_country_share > CRMA_MAX_THIRD_COUNTRY
                && !is_other(&c.top_country)
                && !EU.contains(&c.top_country.as_str())
        })
        .collect();
    idx.sort_by(|&i, &j| {
        comps[j]
            .top_country_share
            .total_cmp(&comps[i].top_country_share)
            .then_with(|| comps[i].component.cmp(&comps[j].component))
    });
    idx
}

/// Firms reachable from `starts` (included) along `next`; iterative, so the input cannot drive
/// recursion depth.
fn reach<'g>(n: usize, starts: &[FirmIdx], next: impl Fn(FirmIdx) -> &'g [FirmIdx]) -> Vec<bool> {
    let mut walk = Visits::new(n);
    walk.walk(starts, 1, next, |_| {});
    walk.reached(1)
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

fn by_concentration(comps: &[ComponentMetrics], views: &[View]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..comps.len()).collect();
    idx.sort_by(|&i, &j| {
        let (a, b) = (&comps[i], &comps[j]);
        view_hhi(b, views[j])
            .total_cmp(&view_hhi(a, views[i]))
            .then_with(|| b.weight.total_cmp(&a.weight))
            .then_with(|| a.component.cmp(&b.component))
    });
    idx
}

fn most_country_dependent(comps: &[ComponentMetrics]) -> Option<usize> {
    (0..comps.len())
        .filter(|&i| !is_other(&comps[i].top_country))
        .min_by(|&i, &j| {
            let (a, b) = (&comps[i], &comps[j]);
            b.top_country_share
                .total_cmp(&a.top_country_share)
                .then_with(|| b.weight.total_cmp(&a.weight))
                .then_with(|| a.component.cmp(&b.component))
        })
}

/// Per component: whether some firm buys it from another (not only in-house).
fn bought_components(ds: &Dataset) -> Vec<bool> {
    let mut bought = vec![false; ds.components.len()];
    for r in ds.sourcing.iter().filter(|r| !r.is_in_house()) {
        bought[r.component] = true;
    }
    bought
}

/// The country with more than half of the most components (ties: the smaller code); none with
/// fewer than two components, where "most components" says nothing. Components only ever made
/// in-house are left out (a firm's own plant is not a dependence on its country), and so are
/// other/unknown codes.
fn dominant_country(ds: &Dataset, comps: &[ComponentMetrics]) -> Option<DominantCountry> {
    if comps.len() < 2 {
        return None;
    }
    let bought = bought_components(ds);
    let mut by_country: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in comps.iter().enumerate() {
        if c.top_country_share > 0.5 && bought[c.component] && !is_other(&c.top_country) {
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
        let value = |p: &PairMetrics| p.annual_value.unwrap_or(0.0);
        let mut tied: Vec<CompIdx> = (single.iter())
            .filter(|p| p.component != biggest.component && value(p) == value(biggest))
            .map(|p| p.component)
            .collect();
        tied.sort_unstable();
        found.push(SingleSource {
            end_firm: e,
            component: biggest.component,
            supplier: ds.sourcing[biggest.rows.start].supplier,
            tied,
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

/// Rows of `hidden` by gap descending; an end firm's own country (its own plants are not a
/// dependence) and other/unknown codes are left out.
fn hidden_order(ds: &Dataset, hidden: &[crate::whatif::hidden::Hidden]) -> Vec<usize> {
    let gap = |i: usize| hidden[i].all_tier_exposure - hidden[i].tier1_share;
    let mut idx: Vec<usize> = (0..hidden.len())
        .filter(|&i| {
            let h = &hidden[i];
            h.country != ds.firms[h.firm].country && !is_other(&h.country)
        })
        .collect();
    idx.sort_by(|&i, &j| {
        gap(j).total_cmp(&gap(i)).then_with(|| {
            (hidden[i].firm, &hidden[i].country).cmp(&(hidden[j].firm, &hidden[j].country))
        })
    });
    idx
}

/// The rows of the end firm of `first` (the largest gap).
fn hidden_chart(
    ds: &Dataset,
    hidden: &[crate::whatif::hidden::Hidden],
    first: Option<usize>,
) -> Vec<usize> {
    let Some(first) = first else {
        return Vec::new();
    };
    let firm = hidden[first].firm;
    let mut rows: Vec<usize> = (0..hidden.len())
        .filter(|&i| {
            let h = &hidden[i];
            h.firm == firm && h.country != ds.firms[firm].country && !is_other(&h.country)
        })
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
    use crate::whatif::scenario::ScenarioResult;
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
        assert_eq!(
            h.most_critical,
            Some(Pick {
                first: 1,
                tied: vec![2]
            })
        );
        assert_eq!(h.firm_order, [1, 2, 0, 3]);
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
        let critical =
            (h.most_critical.as_ref()).map(|p| a.whatif.sweeps.firms[p.first].key.as_str());
        // `a` stops car (60 + 40 of output) and halves van; `b` and `m` stop car only.
        assert_eq!(critical, Some("a"));
        let country =
            (h.worst_country.as_ref()).map(|p| a.whatif.sweeps.countries[p.first].key.as_str());
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

    fn impact(loss: f64, exposure_days: f64) -> EndFirmImpact {
        EndFirmImpact {
            firm: 0,
            availability: 1.0 - loss,
            loss,
            value_at_risk: loss,
            tts_days: Some(10.0),
            exposure_days,
            time_weighted_loss: loss * exposure_days / 365.0,
        }
    }

    #[test]
    fn an_end_firm_is_covered_by_stock_or_short_for_its_exposure_days() {
        assert_eq!(Verdict::of(&impact(0.0, 0.0)), Verdict::NotHit);
        assert_eq!(Verdict::of(&impact(1e-12, 5.0)), Verdict::NotHit);
        assert_eq!(Verdict::of(&impact(0.5, 0.0)), Verdict::Covered);
        assert_eq!(Verdict::of(&impact(0.5, 20.0)), Verdict::Short(20.0));
    }

    /// `s` (recovery 60 days) supplies `oem` (output 100) with 10 days of stock; `agg` (an
    /// aggregate, recovery 365) supplies `oem` with 40 days; `zz` (country ZZ, the default 30
    /// days to recover) supplies `van` (output 200) with none.
    fn stocked() -> Dataset {
        (Net::new()
            .firm("s")
            .recovery(60.0)
            .firm("agg")
            .kind("Aggregate")
            .recovery(365.0)
            .firm("zz")
            .country("ZZ")
            .firm("oem")
            .country("PL")
            .output(100.0)
            .firm("van")
            .country("PL")
            .output(200.0))
        .buys("oem", "k0", "s", 1.0)
        .days(10.0)
        .buys("oem", "k1", "agg", 1.0)
        .days(40.0)
        .buys("van", "k2", "zz", 1.0)
        .days(0.0)
        .build()
    }

    #[test]
    fn chokepoints_get_the_stock_that_covers_their_time_to_recover() {
        let ds = stocked();
        let g = SupplyGraph::build(&ds);
        let mut st = settings(true);
        st.whatif.recovery_gaps = true;
        let a = Analysis::run(&ds, &g, None, st, &Quiet).expect("solved");
        let h = Highlights::compute(&a);
        let id = |f: &str| ds.firm_index(f).expect("firm");
        let needs: Vec<(&str, Option<f64>, f64, Vec<FirmIdx>)> = (h.stock_needs.iter())
            .map(|n| (a.id(n.firm), n.ttr_days, n.extra_days, n.short.clone()))
            .collect();
        // By event loss: agg 325 days short at oem (89.0), zz 30 days at van (16.4), s 50
        // days at oem (13.7).
        assert_eq!(
            needs,
            [
                ("agg", Some(365.0), 325.0, vec![id("oem")]),
                ("zz", Some(30.0), 30.0, vec![id("van")]),
                ("s", Some(60.0), 50.0, vec![id("oem")]),
            ]
        );
        // The aggregate is never the most critical single firm; ZZ (annual output at risk 200)
        // is never the worst country, CN (100) is.
        let critical = h
            .most_critical
            .map(|p| a.whatif.sweeps.firms[p.first].key.clone());
        assert_eq!(critical.as_deref(), Some("zz"));
        let country = h
            .worst_country
            .map(|p| a.whatif.sweeps.countries[p.first].key.clone());
        assert_eq!(country.as_deref(), Some("CN"));
        // Without every firm's gaps (as `analyze` runs), the firms the report leads with still
        // get theirs: the same needs.
        let b = Analysis::run(&ds, &g, None, settings(true), &Quiet).expect("solved");
        assert_eq!(Highlights::compute(&b).stock_needs, h.stock_needs);
        // Without the sweeps nothing is said about stock.
        let c = Analysis::run(&ds, &g, None, settings(false), &Quiet).expect("solved");
        assert!(Highlights::compute(&c).stock_needs.is_empty());
    }

    #[test]
    fn the_summary_leads_with_scenarios_and_firms_by_event_loss() {
        let ds = stocked();
        let g = SupplyGraph::build(&ds);
        let mut a = Analysis::run(&ds, &g, None, settings(true), &Quiet).expect("solved");
        let end = |firm: FirmIdx, twl: f64| EndFirmImpact {
            firm,
            availability: 0.0,
            loss: 1.0,
            value_at_risk: 100.0,
            tts_days: Some(0.0),
            exposure_days: 1.0,
            time_weighted_loss: twl,
        };
        let scenario = |name: &str, twl: f64| ScenarioResult {
            name: name.into(),
            description: None,
            cuts: vec![],
            ttr_days: 30.0,
            cut_rows: 0,
            total_value_at_risk: 100.0,
            end_firms: vec![end(0, twl)],
        };
        a.whatif.scenarios = vec![scenario("x", 5.0), scenario("y", 0.0), scenario("z", 5.0)];
        a.whatif.sweeps.firms = vec![
            entry("s", 100.0, 7.0, vec![]),
            entry("agg", 100.0, 5.0, vec![]),
            entry("zz", 100.0, 0.0, vec![]),
        ];
        let h = Highlights::compute(&a);
        // s (7) first; x, agg and z tie at 5 with the same annual output at risk: by id
        // ("agg" < "x" < "z"); y and zz cost nothing over the event.
        assert_eq!(
            h.leads,
            [
                Lead::Firm(0),
                Lead::Firm(1),
                Lead::Scenario(0),
                Lead::Scenario(2)
            ]
        );
        // x and z tie on both numbers: z is named with x.
        assert_eq!(
            h.worst_scenario,
            Some(Pick {
                first: 0,
                tied: vec![2]
            })
        );
    }

    #[test]
    fn output_is_placed_where_it_is_made_and_components_by_their_makers_country() {
        // cn-car (CN, output 600) buys cells from cell-cn (200) and cell-kr (200) and makes its
        // body itself (50); us-car (US, 300) buys cells from cell-kr (100); eu-imp (XE, 100)
        // resells cars it buys ready-made from cn-car (100).
        let ds = (Net::new()
            .firm("cell-cn")
            .capacity(300.0)
            .firm("cell-kr")
            .country("KR")
            .capacity(100.0)
            .firm("cn-car")
            .output(600.0)
            .firm("us-car")
            .country("US")
            .output(300.0)
            .firm("eu-imp")
            .country("XE")
            .output(100.0))
        .buys("cn-car", "cell", "cell-cn", 0.5)
        .value(200.0)
        .buys("cn-car", "cell", "cell-kr", 0.5)
        .value(200.0)
        .buys("cn-car", "body", "cn-car", 1.0)
        .value(50.0)
        .buys("us-car", "cell", "cell-kr", 1.0)
        .value(100.0)
        .buys("eu-imp", "car", "cn-car", 1.0)
        .value(100.0)
        .build();
        let g = SupplyGraph::build(&ds);
        let a = Analysis::run(&ds, &g, None, settings(false), &Quiet).expect("solved");
        let m = Highlights::compute(&a).made_in;
        // The importer's cars count in CN, where cn-car makes them: CN 600 + 100, US 300.
        assert_eq!(
            m.output,
            [("CN".to_string(), 700.0), ("US".to_string(), 300.0)]
        );
        assert_eq!((m.output_total, m.resold), (1000.0, 100.0));
        let comp = |id: &str| (ds.components.iter().position(|k| k.id == id)).expect("component");
        let order: Vec<CompIdx> = m.components.iter().map(|x| x.component).collect();
        // By purchase value: cell 500, car 100, body 50.
        assert_eq!(order, [comp("cell"), comp("car"), comp("body")]);
        let cell = &m.components[0];
        assert_eq!(cell.weight, 500.0);
        // KR 300 of 500, CN 200; capacity CN 300 of 400, KR 100.
        assert_eq!(
            cell.supply,
            [("KR".to_string(), 0.6), ("CN".to_string(), 0.4)]
        );
        assert_eq!(
            cell.capacity,
            Some(vec![("CN".to_string(), 0.75), ("KR".to_string(), 0.25)])
        );
        // cn-car has no capacity, and the body is made in-house: no capacity view.
        assert_eq!(
            (
                m.components[1].capacity.clone(),
                m.components[2].capacity.clone()
            ),
            (None, None)
        );
        // The end firms buy cells (500) and cars (100) from others; the body is in-house.
        assert_eq!(m.main_input, Some(comp("cell")));
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
