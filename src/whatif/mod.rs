//! What-if cutoffs (MODEL.md §5–6): scenarios, N-1 sweeps and hidden concentration, on top of
//! the propagation [`engine`]. Pure computation: the caller observes progress through an
//! [`Observer`].

pub(crate) mod capacity;
pub(crate) mod engine;
pub(crate) mod hidden;
pub(crate) mod order;
pub(crate) mod recovery;
pub(crate) mod scenario;
pub(crate) mod shard;
pub(crate) mod sweep;

use rayon::prelude::*;

use crate::graph::SupplyGraph;
use crate::model::{Dataset, FirmIdx, Scenario};

use self::capacity::lp::SolveError;
use self::capacity::network::Network;
use self::capacity::{FirmOutcome, Outcome, StockCover};

use self::engine::Engine;
use self::hidden::Hidden;
use self::recovery::FirmRecovery;
use self::scenario::{run_scenario, ScenarioResult};
use self::shard::Keys;
use self::sweep::{SweepEntry, Sweeps};

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
    /// Record, during the firm sweep, for every swept firm the end firms whose stock runs out
    /// before it recovers ([`WhatIf::recovery`]; the policy gate reads it). Without it only the
    /// firms the report can lead with are recorded ([`order::report_firms`]), after the sweep:
    /// a list per firm of a large network costs hundreds of MiB.
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
    /// Firms whose recovery outlasts some end firm's stock, in firm order: every such firm
    /// with [`WhatIfSettings::recovery_gaps`], else those among [`order::report_firms`]; none
    /// without the sweeps (then an empty list says nothing about stock: see `swept`).
    pub(crate) recovery: Vec<FirmRecovery>,
    /// Whether some cycle hit the iteration bound before converging.
    pub(crate) unconverged: bool,
    /// Whether the sweeps ran (`--no-sweep` skips them).
    pub(crate) swept: bool,
    /// The capacity model's results (MODEL §8), when it is on.
    pub(crate) capacity: Option<CapacityResults>,
}

impl WhatIf {
    /// The recovery gaps the firm sweep recorded for `firm` (`recovery` is in firm order).
    pub(crate) fn recovery_of(&self, firm: FirmIdx) -> Option<&FirmRecovery> {
        (self.recovery.binary_search_by_key(&firm, |r| r.firm).ok()).map(|i| &self.recovery[i])
    }
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

/// The sweep results of some keys ([`shard::Keys`]), before ranking: what one shard computes,
/// and what the shards' parts add up to ([`SweepPart::absorb`]). Every entry depends only on
/// its own key, and [`finish`] ranks with total orders, so the parts of any split give the
/// results of the whole sweep.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct SweepPart {
    /// Firm sweep entries, without a risk exposure index.
    pub(crate) firms: Vec<SweepEntry>,
    pub(crate) countries: Vec<SweepEntry>,
    /// Each country entry's loss per end firm (in `g.end_firms` order), for hidden
    /// concentration.
    pub(crate) country_losses: Vec<(String, Vec<f64>)>,
    pub(crate) regions: Vec<SweepEntry>,
    pub(crate) groups: Vec<SweepEntry>,
    /// Recovery gaps of the swept firms (with [`WhatIfSettings::recovery_gaps`]).
    pub(crate) recovery: Vec<FirmRecovery>,
    /// Whether some cycle hit the iteration bound in these entries.
    pub(crate) unconverged: bool,
    /// The capacity model's firm sweep entries, without a risk exposure index.
    pub(crate) capacity: Vec<FirmOutcome>,
}

impl SweepPart {
    /// Adds another part's entries to this one.
    pub(crate) fn absorb(&mut self, other: SweepPart) {
        self.firms.extend(other.firms);
        self.countries.extend(other.countries);
        self.country_losses.extend(other.country_losses);
        self.regions.extend(other.regions);
        self.groups.extend(other.groups);
        self.recovery.extend(other.recovery);
        self.unconverged |= other.unconverged;
        self.capacity.extend(other.capacity);
    }
}

/// Where an analysis' sweep results come from.
#[derive(Debug)]
pub(crate) enum Sweeping {
    /// Run every sweep here.
    Run,
    /// Already computed, e.g. by shards (the union of their parts).
    Given(Box<SweepPart>),
}

/// Runs every scenario (dataset scenarios, then `extra`), the four sweeps (or takes their
/// results from `sweeping`, e.g. the shards' parts) and hidden concentration, and, when the
/// dataset turns it on, the capacity model's scenarios and firm sweep. Fails only when the
/// capacity model's solver does.
pub(crate) fn analyse(
    ds: &Dataset,
    g: &SupplyGraph,
    extra: Option<&Scenario>,
    settings: WhatIfSettings,
    observer: &dyn Observer,
    sweeping: Sweeping,
) -> Result<WhatIf, SolveError> {
    let engine = Engine::new(ds, g);
    let mut s = engine.scratch();
    let all: Vec<&Scenario> = ds.scenarios.iter().chain(extra).collect();
    let scenarios: Vec<ScenarioResult> = all
        .iter()
        .map(|sc| run_scenario(ds, g, &engine, &mut s, sc, settings))
        .collect();
    observer.phase_done("scenarios");
    let net = ds.capacity.then(|| Network::new(ds));
    let capacity_scenarios = match &net {
        Some(net) => {
            let outcomes = capacity_scenarios(ds, net, &all, &scenarios)?;
            observer.phase_done("capacity scenarios");
            Some(outcomes)
        }
        None => None,
    };
    let mut whatif = WhatIf {
        scenarios,
        sweeps: Sweeps::default(),
        hidden: Vec::new(),
        recovery: Vec::new(),
        unconverged: s.unconverged,
        swept: false,
        capacity: capacity_scenarios.map(|scenarios| CapacityResults {
            scenarios,
            firms: Vec::new(),
            covers: Vec::new(),
        }),
    };
    if !settings.sweep {
        return Ok(whatif);
    }
    let part = match sweeping {
        Sweeping::Given(part) => *part,
        Sweeping::Run => sweep_with(
            ds,
            g,
            &engine,
            net.as_ref(),
            &Keys::all(ds),
            settings,
            observer,
        )?,
    };
    finish(ds, g, &engine, net.as_ref(), settings, part, &mut whatif)?;
    observer.phase_done("hidden concentration");
    Ok(whatif)
}

/// The sweep results of `keys` alone (one shard's part). Fails only when the capacity model's
/// solver does.
pub(crate) fn sweep_part(
    ds: &Dataset,
    g: &SupplyGraph,
    keys: &Keys,
    settings: WhatIfSettings,
    observer: &dyn Observer,
) -> Result<SweepPart, SolveError> {
    let engine = Engine::new(ds, g);
    let net = (ds.capacity && !keys.capacity.is_empty()).then(|| Network::new(ds));
    sweep_with(ds, g, &engine, net.as_ref(), keys, settings, observer)
}

/// The sweeps of `keys`, with the engine and the capacity model's network (when it is on).
fn sweep_with(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    net: Option<&Network>,
    keys: &Keys,
    settings: WhatIfSettings,
    observer: &dyn Observer,
) -> Result<SweepPart, SolveError> {
    let tick = || observer.tick();
    let capacity = match net {
        Some(net) => {
            let days = settings.default_recovery_days;
            let entries = capacity::firm_sweep_of(ds, net, &keys.capacity, days, &tick)?;
            observer.phase_done("capacity sweep");
            entries
        }
        None => Vec::new(),
    };
    let (firms, recovery, u1) = sweep::firm_sweep(ds, g, engine, settings, &keys.firms, &tick);
    observer.phase_done("firm sweep");
    let (country_sets, region_sets, group_sets) = sweep::sweep_sets(ds);
    let (countries, country_losses, u2) =
        sweep::set_sweep(g, engine, &country_sets, &keys.countries, &tick);
    let (regions, _, u3) = sweep::set_sweep(g, engine, &region_sets, &keys.regions, &tick);
    let (groups, _, u4) = sweep::set_sweep(g, engine, &group_sets, &keys.groups, &tick);
    observer.phase_done("set sweeps");
    Ok(SweepPart {
        firms,
        countries,
        country_losses,
        regions,
        groups,
        recovery,
        unconverged: u1 || u2 || u3 || u4,
        capacity,
    })
}

/// Ranks the entries of the whole sweep (`part` holds every key), sets the risk exposure
/// indices, records the recovery gaps of the firms the report can lead with (when the sweep
/// did not record every firm's), derives hidden concentration and the capacity model's stock
/// covers, into `whatif`.
fn finish(
    ds: &Dataset,
    g: &SupplyGraph,
    engine: &Engine,
    net: Option<&Network>,
    settings: WhatIfSettings,
    mut part: SweepPart,
    whatif: &mut WhatIf,
) -> Result<(), SolveError> {
    sweep::rank_firms(&mut part.firms);
    if !settings.recovery_gaps {
        // The sweep (or every shard) recorded none.
        let firms: Vec<FirmIdx> = order::report_firms(&part.firms)
            .into_iter()
            .filter_map(|i| ds.firm_index(&part.firms[i].key))
            .collect();
        part.recovery
            .extend(sweep::recovery_gaps(ds, g, engine, settings, &firms));
    }
    for entries in [&mut part.countries, &mut part.regions, &mut part.groups] {
        sweep::rank(entries);
    }
    part.country_losses.sort_by(|a, b| a.0.cmp(&b.0));
    part.recovery.sort_by_key(|r| r.firm);
    whatif.hidden = hidden::hidden_concentration(ds, g, &part.country_losses);
    whatif.sweeps = Sweeps {
        firms: part.firms,
        countries: part.countries,
        regions: part.regions,
        groups: part.groups,
    };
    whatif.recovery = part.recovery;
    whatif.unconverged |= part.unconverged;
    whatif.swept = true;
    if let (Some(net), Some(results)) = (net, whatif.capacity.as_mut()) {
        capacity::rank(ds, &mut part.capacity);
        results.covers = capacity::stock_covers(net, &part.capacity, COVERED_FIRMS)?;
        results.firms = part.capacity;
    }
    Ok(())
}

/// The capacity model on every scenario, with the scenario's time to recover.
fn capacity_scenarios(
    ds: &Dataset,
    net: &Network,
    all: &[&Scenario],
    results: &[ScenarioResult],
) -> Result<Vec<Outcome>, SolveError> {
    // Each scenario's problems are solved on their own: in parallel, in order.
    all.par_iter()
        .zip(results)
        .map(|(sc, r)| {
            let d = capacity::disruption(ds, net, &sc.cuts);
            capacity::outcome(net, &d, r.ttr_days)
        })
        .collect()
}
