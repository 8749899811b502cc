//! The linear programs of MODEL.md §8 — lost value over T days (TTR), time to survive (TTS)
//! and the smallest extra stock that closes a gap — built from a [`Network`] and a
//! [`Disruption`], and solved with microlp's simplex.
//!
//! **Units.** In money the problem is badly scaled (a mine's flows and an automaker's sales
//! differ by orders of magnitude), so every quantity is measured in days of its own normal
//! flow: a firm's production in days of its normal output o(F) (of its capacity, for a firm
//! with capacity but no normal output), a delivery in days of the row's normal flow q (of the
//! buyer's daily need, for an alternate), in-house work in days of the in-house flow, final
//! sales and lost sales in days of the end firm's final sales. Each input constraint is divided
//! by the buyer's daily need of the component and each output constraint by the supplier's
//! scale, so every coefficient is a ratio of flows and the normal plan is the all-T point. The
//! objective is normalised by the total final sales it counts and scaled back afterwards.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Solution, SolveOptions, Variable};

use super::network::Network;
use crate::model::FirmIdx;

/// The longest horizon of the TTS problem, in days; an optimum this close to it means the
/// network never runs short (MODEL §8).
pub(crate) const TTS_CAP_DAYS: f64 = 36_500.0;

/// What a scenario or a sweep entry does to the network.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Disruption {
    /// c(F): the fraction of each firm's capacity left (1 for firms no cut matches).
    pub(crate) firm_capacity: Vec<f64>,
    /// e: the pass-through of each row of [`Network::rows`] (1 for rows no edge cut matches).
    pub(crate) pass: Vec<f64>,
    /// An end firm whose own demand is left out of both problems (the firm sweep's own firm).
    pub(crate) skip_demand: Option<FirmIdx>,
}

impl Disruption {
    /// Nothing cut.
    pub(crate) fn none(net: &Network) -> Self {
        Disruption {
            firm_capacity: vec![1.0; net.output.len()],
            pass: vec![1.0; net.rows.len()],
            skip_demand: None,
        }
    }

    /// Firm `f` stopped, as in the firm sweep: its capacity is 0 and, when it is an end firm,
    /// its own demand is left out.
    pub(crate) fn firm_alone(net: &Network, f: FirmIdx) -> Self {
        let mut d = Disruption::none(net);
        d.firm_capacity[f] = 0.0;
        if net.end_firms.binary_search(&f).is_ok() {
            d.skip_demand = Some(f);
        }
        d
    }
}

/// A solve that failed: the solver's message. The problems are always feasible and bounded,
/// so this is a numerical failure and is reported as such.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SolveError(pub(crate) String);

impl std::fmt::Display for SolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the capacity model's solver failed: {}", self.0)
    }
}

/// Which problem to build.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Goal {
    /// Minimise the lost final sales over `days`.
    Lost { days: f64 },
    /// Maximise the horizon with no loss.
    Survive,
    /// Minimise the days of `firm`'s normal deliveries that its buyers would have to hold as
    /// extra stock for no loss over `days`.
    ExtraStock { days: f64, firm: FirmIdx },
}

/// The unit of firm `f`'s production: its normal output, else its capacity.
fn firm_scale(net: &Network, f: FirmIdx) -> f64 {
    if net.output[f] > 0.0 {
        net.output[f]
    } else {
        net.capacity[f]
    }
}

/// A variable >= 0 at most `most` (none when `most` is infinite).
fn var(p: &mut Problem, obj: f64, most: f64) -> Variable {
    p.add_var(obj, (0.0, most.max(0.0)))
}

/// A built problem and the variables later edits need.
struct Model {
    p: Problem,
    vars: Vars,
}

/// The variables of a built problem that later edits and the objective's scale need.
struct Vars {
    /// Each firm's production variable, if it can produce.
    production: Vec<Option<Variable>>,
    /// Each firm's in-house work variables.
    in_house: Vec<Vec<Variable>>,
    /// For re-solving (see [`Base`]): each counted end firm's demand waiver, a variable in its
    /// demand row that, left free, removes the row.
    waiver: Vec<Option<Variable>>,
    /// 1 / T where it is a variable: the survival problem's objective, or, for re-solving
    /// losses over different horizons, a variable fixed at 1 / T.
    inverse: Option<Variable>,
    /// The total final sales per day the objective of the loss problem is normalised by.
    total: f64,
}

/// Builds a problem.
///
/// Every problem is written per day of the horizon T: each variable is its quantity over the
/// T days divided by T and by its unit (a firm's production in units of its normal output, or
/// of its capacity for a firm with capacity but no normal output; a delivery in units of the
/// row's normal flow, or of the buyer's daily need for an alternate; in-house work in units of
/// the in-house flow; final and lost sales in units of the end firm's final sales). So the
/// normal plan is the all-ones point, bounds are the capacities and pass-throughs themselves,
/// each input row is divided by the buyer's daily need and each output row by the supplier's
/// unit, and T appears only where stock does (as stock / T). For the survival problem 1 / T
/// is the variable, minimised from 1 / 36,500: only the rows with stock carry it.
///
/// `reusable`: the problem is to be re-solved after edits ([`Base`]): every counted end firm
/// gets a demand waiver, and the loss problem's 1 / T is a variable (to be fixed).
fn build(net: &Network, d: &Disruption, goal: Goal, reusable: bool) -> Model {
    let n = net.output.len();
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let (per_day, inverse) = match goal {
        Goal::Lost { .. } if reusable => (0.0, Some(p.add_var(0.0, (0.0, f64::INFINITY)))),
        Goal::Lost { days } | Goal::ExtraStock { days, .. } => (1.0 / days, None),
        Goal::Survive => (
            0.0,
            Some(p.add_var(1.0, (1.0 / TTS_CAP_DAYS, f64::INFINITY))),
        ),
    };
    let extra = match goal {
        Goal::ExtraStock { .. } => Some(p.add_var(1.0, (0.0, f64::INFINITY))),
        _ => None,
    };
    // Stock `v` (in the row's units) on the left of a `<=` row: a constant moved to the right,
    // or the 1 / T variable's coefficient.
    let stock_term = |row: &mut Vec<(Variable, f64)>, v: f64| -> f64 {
        match inverse {
            Some(t) if v > 0.0 => {
                row.push((t, -v));
                0.0
            }
            Some(_) => 0.0,
            None => v * per_day,
        }
    };

    let production: Vec<Option<Variable>> = (0..n)
        .map(|f| {
            net.can_produce(f).then(|| {
                let k = d.firm_capacity[f] * net.capacity[f] / firm_scale(net, f);
                var(&mut p, 0.0, k)
            })
        })
        .collect();

    // Deliveries.
    let mut inputs: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); net.pairs.len()];
    let mut outputs: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); n];
    let mut extra_stock: Vec<f64> = vec![0.0; net.pairs.len()];
    for (i, r) in net.rows.iter().enumerate() {
        let Some(pi) = r.pair else { continue };
        let need = net.pairs[pi].daily_need;
        if let Goal::ExtraStock { firm, .. } = goal {
            if r.supplier == firm {
                extra_stock[pi] += r.q;
            }
        }
        let delivers = production[r.supplier].is_some() || net.finished[r.supplier] > 0.0;
        if need <= 0.0 || !delivers {
            continue;
        }
        let scale = if r.q > 0.0 { r.q } else { need };
        let e = d.pass[i];
        let most = if e < 1.0 {
            let normal = if r.alternate {
                d.firm_capacity[r.supplier] * net.capacity[r.supplier]
            } else {
                r.q
            };
            e * normal / scale
        } else {
            f64::INFINITY
        };
        let y = var(&mut p, 0.0, most);
        inputs[pi].push((y, -scale / need));
        outputs[r.supplier].push((y, scale / firm_scale(net, r.supplier)));
    }

    // Inputs: need(B, K) u(B) <= deliveries + in-house work + stock (+ the extra stock).
    let mut in_house = vec![Vec::new(); n];
    for (pi, pair) in net.pairs.iter().enumerate() {
        let need = pair.daily_need;
        if need <= 0.0 {
            continue;
        }
        let b = pair.buyer;
        let mut row = std::mem::take(&mut inputs[pi]);
        if let Some(u) = production[b] {
            row.push((u, 1.0));
        }
        if pair.in_house > 0.0 {
            let h = var(&mut p, 0.0, d.firm_capacity[b]);
            in_house[b].push(h);
            row.push((h, -pair.in_house / need));
        }
        if let Some(s) = extra.filter(|_| extra_stock[pi] > 0.0) {
            row.push((s, -extra_stock[pi] / need * per_day));
        }
        let rhs = stock_term(&mut row, pair.stock / need);
        p.add_constraint(row.as_slice(), ComparisonOp::Le, rhs);
    }

    // Final sales (and lost sales) against demand.
    let counted: Vec<FirmIdx> = net
        .end_firms
        .iter()
        .copied()
        .filter(|&e| net.final_sales[e] > 0.0 && d.skip_demand != Some(e))
        .collect();
    let total: f64 = counted.iter().map(|&e| net.final_sales[e]).sum();
    let mut waiver = vec![None; n];
    for &e in &counted {
        let z = var(&mut p, 0.0, f64::INFINITY);
        let mut row = vec![(z, 1.0)];
        if let Goal::Lost { .. } = goal {
            row.push((var(&mut p, net.final_sales[e] / total, f64::INFINITY), 1.0));
        }
        if reusable {
            let w = var(&mut p, 0.0, f64::INFINITY);
            waiver[e] = Some(w);
            row.push((w, 1.0));
        }
        p.add_constraint(row.as_slice(), ComparisonOp::Ge, 1.0);
        outputs[e].push((z, net.final_sales[e] / firm_scale(net, e)));
    }

    // Outputs: deliveries + final sales <= production + finished goods.
    for (f, mut row) in outputs.into_iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        if let Some(u) = production[f] {
            row.push((u, -1.0));
        }
        let rhs = stock_term(&mut row, net.finished[f] / firm_scale(net, f));
        p.add_constraint(row.as_slice(), ComparisonOp::Le, rhs);
    }
    Model {
        p,
        vars: Vars {
            production,
            in_house,
            waiver,
            inverse,
            total,
        },
    }
}

fn options() -> SolveOptions {
    let mut options = SolveOptions::default();
    options.tolerances.feasibility = 1e-10;
    options
}

/// A solve's outcome: the solution, `None` when the problem is infeasible (the extra-stock
/// problem when no stock of the firm's deliveries helps; the survival problem when the
/// network is short from the first day), or the solver's error.
fn outcome(
    r: Result<microlp::SolveOutcome, microlp::Error>,
    goal: Goal,
) -> Result<Option<Solution>, SolveError> {
    match r {
        Ok(o) => o
            .into_solution()
            .map(Some)
            .map_err(|_| SolveError("the solve was interrupted".into())),
        // The loss problem is always feasible (lose everything); the other two need not be.
        Err(microlp::Error::Infeasible) if !matches!(goal, Goal::Lost { .. }) => Ok(None),
        Err(e) => Err(SolveError(e.to_string())),
    }
}

/// The optimum in the goal's own units: lost value in money over `days`, days otherwise.
fn value(goal: Goal, total: f64, days: f64, s: Option<&Solution>) -> Option<f64> {
    let objective = s?.objective();
    Some(match goal {
        Goal::Lost { .. } => (objective * total * days).max(0.0),
        Goal::Survive => 1.0 / objective,
        Goal::ExtraStock { .. } => objective.max(0.0),
    })
}

/// Builds and solves one problem from scratch.
fn solve(net: &Network, d: &Disruption, goal: Goal) -> Result<Option<f64>, SolveError> {
    let m = build(net, d, goal, false);
    let s = outcome(m.p.solve_with(options()), goal)?;
    let days = match goal {
        Goal::Lost { days } | Goal::ExtraStock { days, .. } => days,
        Goal::Survive => 0.0,
    };
    Ok(value(goal, m.vars.total, days, s.as_ref()))
}

/// A problem solved once with nothing cut, from whose optimal basis each firm's cut is
/// re-solved: a copy of the solution gets the edits (the firm's production and in-house work
/// at 0, its demand waiver released when it is an end firm, 1 / T fixed at its own horizon)
/// and the simplex goes on from there, usually in a few pivots. The edited problem is exactly
/// the one [`solve`] would build for [`Disruption::firm_alone`], so the optimum is the same.
pub(crate) struct Base {
    goal: Goal,
    solution: Solution,
    vars: Vars,
}

/// An edit's solution, where the edit cannot make the problem infeasible.
fn solved(
    r: Result<microlp::SolveOutcome, microlp::Error>,
    goal: Goal,
) -> Result<Solution, SolveError> {
    outcome(r, goal)?.ok_or_else(|| SolveError("a feasible problem was reported infeasible".into()))
}

impl Base {
    /// The loss problem (horizons are set per firm) or the survival problem, solved with
    /// nothing cut and every demand waiver fixed at 0.
    pub(crate) fn new(net: &Network, survive: bool) -> Result<Base, SolveError> {
        let goal = if survive {
            Goal::Survive
        } else {
            Goal::Lost { days: 1.0 }
        };
        let m = build(net, &Disruption::none(net), goal, true);
        let mut solution = solved(m.p.solve_with(options()), goal)?;
        for &w in m.vars.waiver.iter().flatten() {
            solution = solved(solution.fix_var(w, 0.0), goal)?;
        }
        if let (Goal::Lost { .. }, Some(t)) = (goal, m.vars.inverse) {
            solution = solved(solution.fix_var(t, 1.0), goal)?;
        }
        Ok(Base {
            goal,
            solution,
            vars: m.vars,
        })
    }

    /// The optimum with firm `f` stopped alone over `days` (ignored by the survival problem):
    /// lost value, or the time to survive (`None`: short from the first day).
    pub(crate) fn firm_alone(&self, f: FirmIdx, days: f64) -> Result<Option<f64>, SolveError> {
        let goal = self.goal;
        let mut s = self.solution.clone();
        let v = &self.vars;
        if let (Goal::Lost { .. }, Some(t)) = (goal, v.inverse) {
            if days != 1.0 {
                s = solved(s.fix_var(t, 1.0 / days), goal)?;
            }
        }
        if let Some(w) = v.waiver[f] {
            s = solved(s.unfix_var(w).map(|(o, _)| o), goal)?;
        }
        let stop: Vec<(Variable, f64)> = v.production[f]
            .iter()
            .chain(&v.in_house[f])
            .map(|&v| (v, 1.0))
            .collect();
        let s = if stop.is_empty() {
            Some(s)
        } else {
            outcome(
                s.add_constraint(stop.as_slice(), ComparisonOp::Le, 0.0),
                goal,
            )?
        };
        Ok(value(goal, v.total, days, s.as_ref()))
    }
}

/// Lost final sales over `days` (the TTR problem's optimum), in the currency of the values.
pub(crate) fn lost_value(net: &Network, d: &Disruption, days: f64) -> Result<f64, SolveError> {
    if days <= 0.0 {
        return Ok(0.0);
    }
    solve(net, d, Goal::Lost { days }).map(|v| v.unwrap_or(0.0))
}

/// Days until the first counted end firm runs short (the TTS problem's optimum); `None` when
/// the network never runs short.
pub(crate) fn time_to_survive(net: &Network, d: &Disruption) -> Result<Option<f64>, SolveError> {
    Ok(survival(solve(net, d, Goal::Survive)?))
}

/// The time to survive from the survival problem's optimum: infeasible (`None`) means that no
/// horizon, however short, is met from stock, so the network is short at once (0); an optimum
/// at the cap means it never runs short (`None`).
pub(crate) fn survival(optimum: Option<f64>) -> Option<f64> {
    let t = optimum.unwrap_or(0.0);
    (t < TTS_CAP_DAYS * (1.0 - 1e-9)).then_some(t)
}

/// The fewest days of `firm`'s normal deliveries that its buyers would have to hold as extra
/// stock (on top of what they hold) so that the disruption `d` loses nothing over `days`;
/// `None` when no such stock exists (the firm delivers nothing to other firms, or the loss
/// does not come through its deliveries).
pub(crate) fn extra_stock_days(
    net: &Network,
    d: &Disruption,
    firm: FirmIdx,
    days: f64,
) -> Result<Option<f64>, SolveError> {
    solve(net, d, Goal::ExtraStock { days, firm })
}
