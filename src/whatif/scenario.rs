//! One what-if scenario (MODEL.md §5–6): the cuts' capacities and the edge cuts'
//! pass-throughs propagated through the network, each end firm's availability, loss, value at
//! risk, time to survive and exposure days.

use std::collections::BTreeMap;

use crate::graph::SupplyGraph;
use crate::model::{Cut, Dataset, FirmIdx, Scenario};
use crate::whatif::engine::{Engine, RowPass, Scratch};
use crate::whatif::WhatIfSettings;

/// One end firm under a scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EndFirmImpact {
    pub(crate) firm: FirmIdx,
    pub(crate) availability: f64,
    pub(crate) loss: f64,
    pub(crate) value_at_risk: f64,
    /// Time to survive; `None` when no cut firm reaches the end firm.
    pub(crate) tts_days: Option<f64>,
    pub(crate) exposure_days: f64,
    pub(crate) time_weighted_loss: f64,
}

/// The result of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScenarioResult {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    /// Cuts as written.
    pub(crate) cuts: Vec<String>,
    /// The time to recover used.
    pub(crate) ttr_days: f64,
    /// Sourcing rows the scenario's edge cuts (`lane:`, `component:`) stop or reduce.
    pub(crate) cut_rows: usize,
    pub(crate) total_value_at_risk: f64,
    pub(crate) end_firms: Vec<EndFirmImpact>,
}

/// Capacities of a list of cuts: the product of (1 - severity) over matching cuts. Edge cuts
/// match no firm and change no capacity.
pub(crate) fn capacities(cuts: &[Cut]) -> Vec<(FirmIdx, f64)> {
    let mut cap: BTreeMap<FirmIdx, f64> = BTreeMap::new();
    for c in cuts {
        for &f in &c.firms {
            *cap.entry(f).or_insert(1.0) *= 1.0 - c.severity;
        }
    }
    cap.into_iter().collect()
}

/// Pass-throughs of the rows a list of cuts matches, in row order: the product of
/// (1 - severity) over the edge cuts that match each row (MODEL §5's e).
pub(crate) fn pass_throughs(ds: &Dataset, cuts: &[Cut]) -> Vec<RowPass> {
    let mut pass: BTreeMap<usize, f64> = BTreeMap::new();
    for c in cuts {
        for &r in &c.rows {
            *pass.entry(r).or_insert(1.0) *= 1.0 - c.severity;
        }
    }
    pass.into_iter()
        .map(|(row, pass)| RowPass {
            row,
            buyer: ds.sourcing[row].buyer,
            pass,
        })
        .collect()
}

/// Where the time-to-survive paths of a scenario start (MODEL §6): every cut firm at 0 days,
/// and the buyer of every cut row at that row's inventory days (missing = 0), so that the
/// search takes the smallest over a buyer's cut rows.
fn tts_starts<'a>(
    ds: &'a Dataset,
    cut_firms: &'a [FirmIdx],
    edges: &'a [RowPass],
) -> impl Iterator<Item = (FirmIdx, f64)> + 'a {
    let firms = cut_firms.iter().map(|&f| (f, 0.0));
    let rows = edges.iter().map(|e| {
        let days = ds.sourcing[e.row].inventory_days.unwrap_or(0.0);
        (e.buyer, days)
    });
    firms.chain(rows)
}

/// Runs a scenario.
pub(crate) fn run_scenario(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    s: &mut Scratch,
    scenario: &Scenario,
    settings: WhatIfSettings,
) -> ScenarioResult {
    let caps = capacities(&scenario.cuts);
    let edges = pass_throughs(ds, &scenario.cuts);
    // Edge cuts stop no firm, so they add nothing to the recovery rule (MODEL §6).
    let cut_firms: Vec<FirmIdx> = caps.iter().map(|&(f, _)| f).collect();
    let ttr = scenario.duration_days.unwrap_or_else(|| {
        cut_firms
            .iter()
            .filter_map(|&f| ds.firms[f].recovery_days)
            .reduce(f64::max)
            .unwrap_or(settings.default_recovery_days)
    });
    engine.propagate_edges(s, &caps, &edges);
    engine.time_to_survive(s, tts_starts(ds, &cut_firms, &edges));
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
        cut_rows: edges.len(),
        total_value_at_risk: total,
        end_firms,
    }
}

/// Runs one scenario on its own (no sweeps): the quick answer of `scrisk whatif`.
pub(crate) fn run_single(
    ds: &Dataset,
    g: &SupplyGraph,
    scenario: &Scenario,
    settings: WhatIfSettings,
) -> ScenarioResult {
    let engine = Engine::new(ds, g);
    let mut s = engine.scratch();
    run_scenario(ds, g, &engine, &mut s, scenario, settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cut::resolve_cut;
    use crate::testing::Net;

    /// Runs the cuts (as written) as one scenario; end firms in `SupplyGraph::end_firms` order.
    fn run(ds: &Dataset, cuts: &[&str], duration_days: Option<f64>) -> ScenarioResult {
        let scenario = Scenario {
            name: "t".into(),
            description: None,
            cuts: cuts
                .iter()
                .map(|c| resolve_cut(c, ds.cut_target()).expect("cut"))
                .collect(),
            duration_days,
            line: None,
        };
        let g = SupplyGraph::build(ds);
        run_single(ds, &g, &scenario, WhatIfSettings::default())
    }

    /// Availability of end firm `id` under the cuts.
    fn avail(ds: &Dataset, cuts: &[&str], id: &str) -> f64 {
        let f = ds.firm_index(id).expect("firm");
        let r = run(ds, cuts, None);
        r.end_firms
            .iter()
            .find(|e| e.firm == f)
            .expect("end firm")
            .availability
    }

    /// oem (US, output 100) buys k0 60% from a (CN) and 40% from b (DE), and k1 from c (DE);
    /// cn (CN) buys k0 from a too (domestic).
    fn two_suppliers() -> Dataset {
        Net::new()
            .firm("oem")
            .country("US")
            .output(100.0)
            .firm("b")
            .country("DE")
            .firm("c")
            .country("DE")
            .buys("oem", "k0", "a", 0.6)
            .buys("oem", "k0", "b", 0.4)
            .buys("oem", "k1", "c", 1.0)
            .buys("cn", "k0", "a", 1.0)
            .build()
    }

    #[test]
    fn a_lane_cut_reduces_only_the_rows_on_the_lane() {
        let ds = two_suppliers();
        let r = run(&ds, &["lane:cn>us=0.5"], None);
        // oem: k0 = 0.6 * (0.5 * 1) + 0.4 * 1 = 0.7; k1 = 1  =>  0.7, loss 0.3, 30 at risk.
        // cn buys from a on the CN>CN lane, which the cut does not match: 1.
        let oem = ds.firm_index("oem").unwrap();
        let e = r.end_firms.iter().find(|e| e.firm == oem).unwrap();
        assert!((e.availability - 0.7).abs() < 1e-15, "{e:?}");
        assert!((e.value_at_risk - 30.0).abs() < 1e-12);
        assert_eq!(avail(&ds, &["lane:CN>US=0.5"], "cn"), 1.0);
        assert!((r.total_value_at_risk - 30.0).abs() < 1e-12);
        assert_eq!(r.cut_rows, 1);
        // The domestic lane stops cn's only supply and leaves oem whole.
        assert_eq!(avail(&ds, &["lane:CN>CN"], "cn"), 0.0);
        assert_eq!(avail(&ds, &["lane:CN>CN"], "oem"), 1.0);
    }

    #[test]
    fn a_component_cut_scales_that_input_and_spares_in_house_rows() {
        let ds = two_suppliers();
        // k1 at 0.75 of normal: min(k0 = 1, k1 = 0.75) = 0.75.
        assert!((avail(&ds, &["component:k1=0.25"], "oem") - 0.75).abs() < 1e-15);
        // k0 halved on every bought row: oem 0.5 * (0.6 + 0.4) = 0.5, cn 0.5.
        assert!((avail(&ds, &["component:k0=0.5"], "oem") - 0.5).abs() < 1e-15);
        assert!((avail(&ds, &["component:k0=0.5"], "cn") - 0.5).abs() < 1e-15);
        // m makes half of k2 itself and buys half from d: cutting k2 leaves the in-house half.
        let ds = Net::new()
            .buys("m", "k2", "m", 0.5)
            .buys("m", "k2", "d", 0.5)
            .build();
        assert!((avail(&ds, &["component:k2"], "m") - 0.5).abs() < 1e-15);
    }

    #[test]
    fn edge_and_firm_cuts_multiply() {
        let ds = two_suppliers();
        // b at half capacity, a's lane halved: 0.6 * 0.5 + 0.4 * 0.5 = 0.5.
        let v = avail(&ds, &["lane:CN>US=0.5", "firm:b=0.5"], "oem");
        assert!((v - 0.5).abs() < 1e-15, "{v}");
        // a at half capacity on a lane halved: x = 0.5 * 0.5, so 0.6 * 0.25 + 0.4 = 0.55.
        let v = avail(&ds, &["lane:CN>US=0.5", "firm:a=0.5"], "oem");
        assert!((v - 0.55).abs() < 1e-15, "{v}");
        // Two edge cuts on one row multiply: a's row 0.5 * 0.5, b's row 0.5 (component only):
        // 0.6 * 0.25 + 0.4 * 0.5 = 0.35.
        let v = avail(&ds, &["lane:CN>US=0.5", "component:k0=0.5"], "oem");
        assert!((v - 0.35).abs() < 1e-15, "{v}");
    }

    #[test]
    fn an_edge_cut_upstream_travels_down_and_into_a_cycle() {
        // m (DE) sells k0 to a (CN), half of a's k0; b sells the other half. b buys k1 from a,
        // and oem buys k1 from b: a and b form a cycle.
        let ds = Net::new()
            .firm("m")
            .country("DE")
            .buys("a", "k0", "m", 0.5)
            .buys("a", "k0", "b", 0.5)
            .buys("b", "k1", "a", 1.0)
            .buys("oem", "k1", "b", 1.0)
            .build();
        // lane DE>CN halves m -> a: a = 0.5 * 0.5 + 0.5 * b, b = a  =>  a = 0.25 / 0.5 = 0.5.
        let v = avail(&ds, &["lane:DE>CN=0.5"], "oem");
        assert!((v - 0.5).abs() < 1e-10, "{v}");
        // component k1 halved on b <- a and oem <- b: b = 0.5 a, a = 0.5 + 0.5 b = 0.5 + 0.25 a
        //  =>  a = 2/3, b = 1/3, oem = 0.5 * b = 1/6.
        let v = avail(&ds, &["component:k1=0.5"], "oem");
        assert!((v - 1.0 / 6.0).abs() < 1e-10, "{v}");
    }

    /// m -> x -> oem and m -> y -> oem; x buys k0 (5 days) and k2 (2 days) from m, y buys k0
    /// (4 days); oem holds 10 days of x's k1 and 13 of y's. x is in DE, the rest in CN. m takes
    /// 90 days to recover, x 10.
    fn buffered() -> Dataset {
        Net::new()
            .firm("x")
            .country("DE")
            .recovery(10.0)
            .firm("m")
            .recovery(90.0)
            .buys("x", "k0", "m", 1.0)
            .days(5.0)
            .buys("x", "k2", "m", 1.0)
            .days(2.0)
            .buys("y", "k0", "m", 1.0)
            .days(4.0)
            .buys("oem", "k1", "x", 0.5)
            .days(10.0)
            .buys("oem", "k1", "y", 0.5)
            .days(13.0)
            .build()
    }

    #[test]
    fn time_to_survive_of_an_edge_cut_starts_at_the_cut_row() {
        let ds = buffered();
        let tts = |cuts: &[&str]| run(&ds, cuts, None).end_firms[0].tts_days;
        // Cutting m: the edge m -> x carries min(5, 2) = 2 days: min(2 + 10, 4 + 13) = 12.
        assert_eq!(tts(&["firm:m"]), Some(12.0));
        // Cutting k0 only: x's k0 stock (5 days, not k2's 2) + 10 = 15, or y's 4 + 13 = 17.
        assert_eq!(tts(&["component:k0"]), Some(15.0));
        assert_eq!(tts(&["component:k2"]), Some(12.0));
        // The lane CN>DE is m -> x alone (both rows): min(5, 2) + 10 = 12.
        assert_eq!(tts(&["lane:CN>DE"]), Some(12.0));
        assert_eq!(tts(&["lane:CN>DE", "component:k0"]), Some(12.0));
        // A firm cut joins the search at 0: y cut, oem's TTS = min(5 + 10, 0 + 13) = 13.
        assert_eq!(tts(&["component:k0", "firm:y=0.5"]), Some(13.0));
        // The row oem <- x (DE to CN) itself: its 10 days.
        assert_eq!(tts(&["lane:DE>CN"]), Some(10.0));
        let r = run(&ds, &["lane:DE>CN"], None);
        // oem loses x's half of k1: loss 0.5. Default TTR 30: 30 - 10 = 20 exposure days.
        let e = &r.end_firms[0];
        assert_eq!((e.loss, e.exposure_days), (0.5, 20.0));
        // Time-weighted loss = 0.5 * 20 / 365 * V(oem), V = 1 (no values, no output value).
        assert!((e.time_weighted_loss - 10.0 / 365.0).abs() < 1e-15);
    }

    #[test]
    fn edge_cuts_add_no_firm_to_the_time_to_recover() {
        let ds = buffered();
        let ttr = |cuts: &[&str], d: Option<f64>| run(&ds, cuts, d).ttr_days;
        // m (90 days) supplies every cut row, but only firm cuts count: the default 30.
        assert_eq!(ttr(&["component:k0"], None), 30.0);
        assert_eq!(ttr(&["lane:CN>DE"], None), 30.0);
        // With a firm cut, that firm's recovery: x's 10, not m's 90.
        assert_eq!(ttr(&["component:k0", "firm:x=0.5"], None), 10.0);
        assert_eq!(ttr(&["component:k0", "country:DE"], None), 10.0);
        // duration_days wins.
        assert_eq!(ttr(&["component:k0"], Some(5.0)), 5.0);
    }
}
