//! What-if cutoffs (MODEL.md §5–6): scenarios, N-1 sweeps and hidden concentration, on top of
//! the propagation [`engine`]. Pure computation: the caller observes progress through an
//! [`Observer`].

pub(crate) mod capacity;
pub(crate) mod engine;
pub(crate) mod hidden;
pub(crate) mod recovery;
pub(crate) mod scenario;
pub(crate) mod sweep;

use crate::graph::SupplyGraph;
use crate::model::{Dataset, Scenario};

use self::capacity::lp::SolveError;
use self::capacity::network::Network;
use self::capacity::{FirmOutcome, Outcome, StockCover};

use self::engine::Engine;
use self::hidden::Hidden;
use self::recovery::FirmRecovery;
use self::scenario::{run_scenario, ScenarioResult};
use self::sweep::Sweeps;

/// Watches a long analysis: `tick` once per sweep entry (from any thread), `phase_done` after
/// each phase (from the calling thread). The library keeps no clock; the caller times phases.
pub(crate) trait Observer: Sync {
    /// One sweep entry is done.
    fn tick(&self) {}
    /// A phase (named for `--timings`) is done.
    fn phase_done(&self, _phase: &'static str) {}
}

/// An observer that ignores everything.
pub(crate) struct Quiet;

impl Observer for Quiet {}

/// An end firm's loss counts as a full stop (a chokepoint) from this loss on.
pub(crate) const CHOKEPOINT_LOSS: f64 = 1.0 - 1e-9;

/// Settings of the what-if analyses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WhatIfSettings {
    /// Time to recover when neither a scenario duration nor a firm's recovery_days applies.
    pub(crate) default_recovery_days: f64,
    /// Run the N-1 sweeps (and hidden concentration, which needs the country sweep).
    pub(crate) sweep: bool,
    /// Record, during the firm sweep, the end firms whose stock runs out before a firm
    /// recovers ([`WhatIf::recovery`]; the policy gate and the report's stock verdicts read it).
    pub(crate) recovery_gaps: bool,
}

impl Default for WhatIfSettings {
    fn default() -> Self {
        WhatIfSettings {
            default_recovery_days: 30.0,
            sweep: true,
            recovery_gaps: false,
        }
    }
}

/// Everything §5–6 produces for a dataset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WhatIf {
    pub(crate) scenarios: Vec<ScenarioResult>,
    pub(crate) sweeps: Sweeps,
    pub(crate) hidden: Vec<Hidden>,
    /// Firms whose recovery outlasts some end firm's stock, in firm order (only with
    /// [`WhatIfSettings::recovery_gaps`] and the sweeps).
    pub(crate) recovery: Vec<FirmRecovery>,
    /// Whether `recovery` was recorded (asked for, and the sweeps ran): without it an empty
    /// list says nothing about stock.
    pub(crate) recovery_recorded: bool,
    /// Whether some cycle hit the iteration bound before converging.
    pub(crate) unconverged: bool,
    /// Whether the sweeps ran (`--no-sweep` skips them).
    pub(crate) swept: bool,
    /// The capacity model's results (MODEL §8), when it is on.
    pub(crate) capacity: Option<CapacityResults>,
}

/// How many of the capacity sweep's top firms get the extra stock that would close their gap.
pub(crate) const COVERED_FIRMS: usize = 5;

/// What the capacity model (MODEL §8) produces for a dataset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CapacityResults {
    /// One per scenario, in the order of [`WhatIf::scenarios`].
    pub(crate) scenarios: Vec<Outcome>,
    /// The capacity firm sweep, ranked (empty when the sweeps are skipped).
    pub(crate) firms: Vec<FirmOutcome>,
    /// The extra stock that would close the gap of each of the first [`COVERED_FIRMS`] firms
    /// of the sweep that lose something.
    pub(crate) covers: Vec<StockCover>,
}

/// Runs every scenario (dataset scenarios, then `extra`), the four sweeps and hidden
/// concentration, and, when the dataset turns it on, the capacity model's scenarios and firm
/// sweep. Fails only when the capacity model's solver does.
pub(crate) fn analyse(
    ds: &Dataset,
    g: &SupplyGraph,
    extra: Option<&Scenario>,
    settings: WhatIfSettings,
    observer: &dyn Observer,
) -> Result<WhatIf, SolveError> {
    let engine = Engine::new(ds, g);
    let mut s = engine.scratch();
    let all: Vec<&Scenario> = ds.scenarios.iter().chain(extra).collect();
    let scenarios: Vec<ScenarioResult> = all
        .iter()
        .map(|sc| run_scenario(ds, g, &engine, &mut s, sc, settings))
        .collect();
    let mut unconverged = s.unconverged;
    observer.phase_done("scenarios");
    let capacity = if ds.capacity {
        Some(capacity_results(ds, &all, &scenarios, settings, observer)?)
    } else {
        None
    };
    if !settings.sweep {
        return Ok(WhatIf {
            scenarios,
            sweeps: Sweeps::default(),
            hidden: Vec::new(),
            recovery: Vec::new(),
            recovery_recorded: false,
            unconverged,
            swept: false,
            capacity,
        });
    }
    let tick = || observer.tick();
    let (firms, recovery, u1) = sweep::firm_sweep(ds, g, &engine, settings, &tick);
    observer.phase_done("firm sweep");
    let (country_sets, region_sets, group_sets) = sweep::sweep_sets(ds);
    let (countries, country_losses, u2) = sweep::set_sweep(g, &engine, &country_sets, &tick);
    let (regions, _, u3) = sweep::set_sweep(g, &engine, &region_sets, &tick);
    let (groups, _, u4) = sweep::set_sweep(g, &engine, &group_sets, &tick);
    observer.phase_done("set sweeps");
    unconverged |= u1 || u2 || u3 || u4;
    let hidden = hidden::hidden_concentration(ds, g, &country_losses);
    observer.phase_done("hidden concentration");
    Ok(WhatIf {
        scenarios,
        sweeps: Sweeps {
            firms,
            countries,
            regions,
            groups,
        },
        hidden,
        recovery,
        recovery_recorded: settings.recovery_gaps,
        unconverged,
        swept: true,
        capacity,
    })
}

/// The capacity model on every scenario (with the scenario's time to recover) and, with the
/// sweeps, its firm sweep and the extra stock of its top firms.
fn capacity_results(
    ds: &Dataset,
    all: &[&Scenario],
    results: &[ScenarioResult],
    settings: WhatIfSettings,
    observer: &dyn Observer,
) -> Result<CapacityResults, SolveError> {
    let net = Network::new(ds);
    let scenarios = all
        .iter()
        .zip(results)
        .map(|(sc, r)| {
            let d = capacity::disruption(ds, &net, &sc.cuts);
            capacity::outcome(&net, &d, r.ttr_days)
        })
        .collect::<Result<Vec<_>, _>>()?;
    observer.phase_done("capacity scenarios");
    if !settings.sweep {
        return Ok(CapacityResults {
            scenarios,
            firms: Vec::new(),
            covers: Vec::new(),
        });
    }
    let tick = || observer.tick();
    let firms = capacity::firm_sweep(ds, &net, settings.default_recovery_days, &tick)?;
    let covers = capacity::stock_covers(&net, &firms, COVERED_FIRMS)?;
    observer.phase_done("capacity sweep");
    Ok(CapacityResults {
        scenarios,
        firms,
        covers,
    })
}
