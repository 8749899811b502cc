//! One what-if scenario (MODEL.md §5–6): the cuts' capacities propagated through the network,
//! each end firm's availability, loss, value at risk, time to survive and exposure days.

use std::collections::BTreeMap;

use crate::graph::SupplyGraph;
use crate::model::{Cut, Dataset, FirmIdx, Scenario};
use crate::whatif::engine::{Engine, Scratch};
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
    pub(crate) total_value_at_risk: f64,
    pub(crate) end_firms: Vec<EndFirmImpact>,
}

/// Capacities of a list of cuts: the product of (1 - severity) over matching cuts.
pub(crate) fn capacities(cuts: &[Cut]) -> Vec<(FirmIdx, f64)> {
    let mut cap: BTreeMap<FirmIdx, f64> = BTreeMap::new();
    for c in cuts {
        for &f in &c.firms {
            *cap.entry(f).or_insert(1.0) *= 1.0 - c.severity;
        }
    }
    cap.into_iter().collect()
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
