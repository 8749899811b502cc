//! The capacity-and-substitution model (MODEL.md §8): how much end-firm output is lost over
//! an outage once stock is drawn down, spare capacity is used and qualified alternates take
//! over (the time-to-recover LP), how long the network lasts with no loss at all (the
//! time-to-survive LP), and the firm sweep ranked by lost value with its Risk Exposure Index.
//!
//! [`network`] reads the model's data once per dataset; [`lp`] builds and solves each problem;
//! [`survive`] finds a scenario's time to survive on the loss problem's curve over horizons
//! (faster than the survival problem itself, which is kept as the fallback and the tests'
//! second method). A scenario's problems are solved on the whole network. The firm sweep's
//! (and the extra stock's) are solved by [`local`] on a region around the stopped firm, grown
//! until an upper and a lower bound on the whole network's optimum meet: exact, and much
//! smaller, since substitution seldom reaches far.

#[cfg(feature = "highs")]
mod highs;
mod local;
pub(crate) mod lp;
pub(crate) mod network;
mod survive;
#[cfg(test)]
mod tests;

use rayon::prelude::*;

use self::lp::{Disruption, SolveError, Solver};
use self::network::Network;
use crate::model::{Cut, Dataset, FirmIdx};

/// What the capacity model says about one disruption.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Outcome {
    /// Lost final sales over the time to recover, in the currency of the values.
    pub(crate) lost_value: f64,
    /// Days until the first end firm runs short; `None`: the network never runs short.
    pub(crate) tts_days: Option<f64>,
    /// max(0, TTR - TTS): days of shortfall (0 when TTS is `None`).
    pub(crate) exposure_days: f64,
}

/// Solves both problems of a disruption with time to recover `ttr_days`, with this build's
/// solver.
pub(crate) fn outcome(net: &Network, d: &Disruption, ttr_days: f64) -> Result<Outcome, SolveError> {
    outcome_with(net, d, ttr_days, Solver::DEFAULT)
}

/// [`outcome`] with the given solver: the loss problem is solved over the time to recover,
/// then re-solved over other horizons to find the time to survive ([`lp::Curve`]).
pub(crate) fn outcome_with(
    net: &Network,
    d: &Disruption,
    ttr_days: f64,
    solver: Solver,
) -> Result<Outcome, SolveError> {
    let mut curve = lp::Curve::new(net, d, if ttr_days > 0.0 { ttr_days } else { 1.0 }, solver)?;
    let lost_value = curve.lost_value(ttr_days)?;
    let tts_days = lp::time_to_survive(
        &mut curve,
        ttr_days,
        || lp::Curve::new(net, d, lp::TTS_CAP_DAYS, solver),
        || lp::time_to_survive_directly(net, d, solver),
    )?;
    Ok(Outcome {
        lost_value,
        tts_days,
        exposure_days: tts_days.map_or(0.0, |t| (ttr_days - t).max(0.0)),
    })
}

/// What a scenario's cuts do in the model: firm cuts lower capacities as in MODEL §5 (the
/// product of (1 - severity) over the cuts that match a firm), edge cuts lower what the rows
/// they match deliver — qualified alternates included.
pub(crate) fn disruption(ds: &Dataset, net: &Network, cuts: &[Cut]) -> Disruption {
    let mut d = Disruption::none(net);
    for (f, c) in crate::whatif::scenario::capacities(cuts) {
        d.firm_capacity[f] = c;
    }
    for c in cuts {
        if c.selector.is_edge() {
            for (i, origin) in net.origin.iter().enumerate() {
                let row = match *origin {
                    Ok(r) => &ds.sourcing[r],
                    Err(r) => &ds.alternates[r],
                };
                if c.selector.matches_row(&ds.firms, &ds.components, row) {
                    d.pass[i] *= 1.0 - c.severity;
                }
            }
        }
    }
    d
}

/// [`outcome_with`] by the two problems of MODEL §8 solved each on its own, the survival
/// problem itself included: the second method the loss curve's time to survive is tested
/// against.
#[cfg(test)]
pub(crate) fn outcome_directly(
    net: &Network,
    d: &Disruption,
    ttr_days: f64,
    solver: Solver,
) -> Result<Outcome, SolveError> {
    let lost_value = lp::lost_value(net, d, ttr_days, solver)?;
    let tts_days = lp::time_to_survive_directly(net, d, solver)?;
    Ok(Outcome {
        lost_value,
        tts_days,
        exposure_days: tts_days.map_or(0.0, |t| (ttr_days - t).max(0.0)),
    })
}

/// One entry of the capacity firm sweep.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FirmOutcome {
    pub(crate) firm: FirmIdx,
    /// The firm's time to recover: its `recovery_days`, else the default.
    pub(crate) ttr_days: f64,
    pub(crate) outcome: Outcome,
    /// lost_value / the largest lost_value of any firm (0 when that is 0).
    pub(crate) risk_exposure_index: f64,
}

/// The whole firm sweep, ranked ([`firm_sweep_of`] every sweep firm, then [`rank`]).
#[cfg(test)]
pub(crate) fn firm_sweep(
    ds: &Dataset,
    net: &Network,
    default_recovery_days: f64,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<FirmOutcome>, SolveError> {
    firm_sweep_with(ds, net, default_recovery_days, tick, Solver::DEFAULT)
}

/// [`firm_sweep`] with the given solver.
#[cfg(test)]
pub(crate) fn firm_sweep_with(
    ds: &Dataset,
    net: &Network,
    default_recovery_days: f64,
    tick: &(dyn Fn() + Sync),
    solver: Solver,
) -> Result<Vec<FirmOutcome>, SolveError> {
    let firms = net.sweep_firms(ds);
    let mut entries = sweep_of(ds, net, &firms, default_recovery_days, tick, solver)?;
    rank(ds, &mut entries);
    Ok(entries)
}

/// The firm sweep of MODEL §8 over `firms` (every firm with normal output or a
/// `capacity_value`, [`Network::sweep_firms`], or one shard's): each stopped alone for its time
/// to recover, in parallel; in the order given, each Risk Exposure Index 0 until [`rank`] sets
/// it and ranks them by lost value descending, then id. `tick` is called once per firm, from
/// any thread. Each firm's loss problem and survival problem are cut out of the uncut
/// network's ([`local::Template`], built once) on a region around the firm, grown until its
/// optimum is proved to be the whole network's. The result is independent of the number of
/// threads and of which other firms are swept: each entry is solved on its own and the ranking
/// is a total order. This build's solver.
pub(crate) fn firm_sweep_of(
    ds: &Dataset,
    net: &Network,
    firms: &[FirmIdx],
    default_recovery_days: f64,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<FirmOutcome>, SolveError> {
    sweep_of(ds, net, firms, default_recovery_days, tick, Solver::DEFAULT)
}

/// [`firm_sweep_of`] with the given solver.
fn sweep_of(
    ds: &Dataset,
    net: &Network,
    firms: &[FirmIdx],
    default_recovery_days: f64,
    tick: &(dyn Fn() + Sync),
    solver: Solver,
) -> Result<Vec<FirmOutcome>, SolveError> {
    if firms.is_empty() {
        return Ok(Vec::new());
    }
    let loss = local::Template::loss(net);
    let survival = local::Template::survival(net);
    firms
        .par_iter()
        .map(|&f| {
            let ttr_days = ds.firms[f].recovery_days.unwrap_or(default_recovery_days);
            let lost_value = loss.lost_value(f, ttr_days, solver)?;
            let tts_days = survival.time_to_survive(f, solver)?;
            tick();
            Ok(FirmOutcome {
                firm: f,
                ttr_days,
                outcome: Outcome {
                    lost_value,
                    tts_days,
                    exposure_days: tts_days.map_or(0.0, |t| (ttr_days - t).max(0.0)),
                },
                risk_exposure_index: 0.0,
            })
        })
        .collect()
}

/// Sets each entry's Risk Exposure Index and ranks the entries: lost value descending, then id.
pub(crate) fn rank(ds: &Dataset, entries: &mut [FirmOutcome]) {
    let top = entries
        .iter()
        .map(|e| e.outcome.lost_value)
        .fold(0.0, f64::max);
    for e in entries.iter_mut() {
        e.risk_exposure_index = if top > 0.0 {
            e.outcome.lost_value / top
        } else {
            0.0
        };
    }
    entries.sort_by(|a, b| {
        b.outcome
            .lost_value
            .total_cmp(&a.outcome.lost_value)
            .then_with(|| ds.firms[a.firm].id.cmp(&ds.firms[b.firm].id))
    });
}

/// The firm sweep solved from scratch, firm by firm, each problem on its own (the survival
/// problem itself, not the loss curve): the second method the region sweep is tested against.
#[cfg(test)]
pub(crate) fn firm_sweep_from_scratch(
    ds: &Dataset,
    net: &Network,
    default_recovery_days: f64,
) -> Result<Vec<FirmOutcome>, SolveError> {
    let mut entries = net
        .sweep_firms(ds)
        .into_iter()
        .map(|f| {
            let ttr_days = ds.firms[f].recovery_days.unwrap_or(default_recovery_days);
            let d = Disruption::firm_alone(net, f);
            Ok(FirmOutcome {
                firm: f,
                ttr_days,
                outcome: outcome_directly(net, &d, ttr_days, Solver::DEFAULT)?,
                risk_exposure_index: 0.0,
            })
        })
        .collect::<Result<Vec<_>, SolveError>>()?;
    rank(ds, &mut entries);
    Ok(entries)
}

/// For a sweep entry with a loss: the days of the firm's normal deliveries that its buyers
/// would have to hold as extra stock for the outage to cost nothing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StockCover {
    pub(crate) firm: FirmIdx,
    pub(crate) ttr_days: f64,
    pub(crate) lost_value: f64,
    /// `None` when no stock of its deliveries closes the gap.
    pub(crate) extra_stock_days: Option<f64>,
}

/// [`StockCover`] of the first `count` entries of a ranked sweep that lose something.
pub(crate) fn stock_covers(
    net: &Network,
    ranked: &[FirmOutcome],
    count: usize,
) -> Result<Vec<StockCover>, SolveError> {
    ranked
        .iter()
        .filter(|e| e.outcome.lost_value > 0.0)
        .take(count)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|e| {
            Ok(StockCover {
                firm: e.firm,
                ttr_days: e.ttr_days,
                lost_value: e.outcome.lost_value,
                extra_stock_days: local::Template::extra_stock(net, e.firm, e.ttr_days)
                    .extra_stock_days(e.firm, Solver::DEFAULT)?,
            })
        })
        .collect()
}
