//! The linear programs of MODEL.md §8 — lost value over T days (TTR), time to survive (TTS)
//! and the smallest extra stock that closes a gap — built from a [`Network`] and a
//! [`Disruption`] as one solver-neutral [`Lp`], and solved with microlp's simplex or, in a
//! build with the `highs` feature, with HiGHS ([`Solver`]).
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
    /// its own demand is left out. (The sweep cuts its problems out of the uncut network's,
    /// [`super::local`]; the tests solve this disruption whole as the second method.)
    #[cfg(test)]
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
pub(super) enum Goal {
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

/// Which solver solves the problems. Both get the same [`Lp`], built once per problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Solver {
    /// microlp's sparse simplex (pure Rust): the default build's solver. With `highs` only
    /// the tests use it, to check it against HiGHS.
    #[cfg_attr(all(feature = "highs", not(test)), allow(dead_code))]
    Microlp,
    /// HiGHS' dual simplex (C++, the `highs` feature): the reference solver, and the one a
    /// build with the feature uses.
    #[cfg(feature = "highs")]
    Highs,
}

impl Solver {
    /// The solver of this build: HiGHS when built with the `highs` feature, else microlp.
    #[cfg(feature = "highs")]
    pub(crate) const DEFAULT: Solver = Solver::Highs;
    /// The solver of this build: HiGHS when built with the `highs` feature, else microlp.
    #[cfg(not(feature = "highs"))]
    pub(crate) const DEFAULT: Solver = Solver::Microlp;
}

/// A variable of an [`Lp`]: its index.
pub(super) type Var = usize;

/// A variable's objective coefficient and bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Col {
    pub(super) cost: f64,
    pub(super) lower: f64,
    pub(super) upper: f64,
    /// Its value in the normal plan, per day (1 for production, deliveries, in-house work and
    /// final sales of normal flows; 0 otherwise): the plan that meets every row of the uncut
    /// problem with no loss ([`super::local`]).
    pub(super) normal: f64,
}

/// A constraint: the sum of its terms at most `rhs`, or at least `rhs`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Constraint {
    pub(super) terms: Vec<(Var, f64)>,
    pub(super) at_least: bool,
    pub(super) rhs: f64,
    /// The firm whose balance it is: the buyer of an input row, the supplier of an output row,
    /// the end firm of a demand row ([`super::local`] cuts problems out by firm).
    pub(super) owner: FirmIdx,
    /// How many variables existed when it was added: microlp gets the variables and
    /// constraints in the order they were built.
    vars_before: usize,
}

/// A linear program to minimise, as built: what every solver is given.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Lp {
    pub(super) cols: Vec<Col>,
    pub(super) rows: Vec<Constraint>,
}

impl Lp {
    /// A variable with objective coefficient `cost`, at least `lower`, at most `upper`.
    pub(super) fn add_var(&mut self, cost: f64, (lower, upper): (f64, f64)) -> Var {
        self.cols.push(Col {
            cost,
            lower,
            upper,
            normal: 0.0,
        });
        self.cols.len() - 1
    }

    /// Variable `v` with its value in the normal plan set to `x`.
    fn normal(&mut self, v: Var, x: f64) -> Var {
        self.cols[v].normal = x;
        v
    }

    /// A variable >= 0 at most `most` (none when `most` is infinite).
    fn var(&mut self, cost: f64, most: f64) -> Var {
        self.add_var(cost, (0.0, most.max(0.0)))
    }

    pub(super) fn add_constraint(
        &mut self,
        owner: FirmIdx,
        terms: Vec<(Var, f64)>,
        at_least: bool,
        rhs: f64,
    ) {
        self.rows.push(Constraint {
            terms,
            at_least,
            rhs,
            owner,
            vars_before: self.cols.len(),
        });
    }

    /// The constraints column by column (the transpose of `rows`): variable `j` appears in
    /// `entries[start[j]..start[j + 1]]`, each (constraint, coefficient), constraints in
    /// ascending order. `start` has one more element than there are variables.
    pub(super) fn columns(&self) -> (Vec<usize>, Vec<(usize, f64)>) {
        let n = self.cols.len();
        let mut start = vec![0usize; n + 1];
        for r in &self.rows {
            for &(j, _) in &r.terms {
                start[j + 1] += 1;
            }
        }
        for j in 0..n {
            start[j + 1] += start[j];
        }
        let mut next = start.clone();
        let mut entries = vec![(0, 0.0); start[n]];
        for (i, r) in self.rows.iter().enumerate() {
            for &(j, a) in &r.terms {
                entries[next[j]] = (i, a);
                next[j] += 1;
            }
        }
        (start, entries)
    }

    /// The same problem for microlp, variables and constraints added in the order they were
    /// built, and each variable's microlp handle.
    fn microlp(&self) -> (Problem, Vec<Variable>) {
        let mut p = Problem::new(OptimizationDirection::Minimize);
        let mut vars = Vec::with_capacity(self.cols.len());
        let add = |p: &mut Problem, vars: &mut Vec<Variable>, upto: usize| {
            while vars.len() < upto {
                let c = self.cols[vars.len()];
                vars.push(p.add_var(c.cost, (c.lower, c.upper)));
            }
        };
        for r in &self.rows {
            add(&mut p, &mut vars, r.vars_before);
            let terms: Vec<(Variable, f64)> = r.terms.iter().map(|&(v, a)| (vars[v], a)).collect();
            let op = if r.at_least {
                ComparisonOp::Ge
            } else {
                ComparisonOp::Le
            };
            p.add_constraint(terms.as_slice(), op, r.rhs);
        }
        add(&mut p, &mut vars, self.cols.len());
        (p, vars)
    }
}

/// How a built problem is to be re-solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reuse {
    /// Solved once, as built.
    Once,
    /// The loss problem of one disruption, re-solved over other horizons ([`Curve`]), or cut
    /// into regions at any horizon ([`super::local`]): its 1 / T is a variable (to be fixed).
    Horizon,
}

/// A built problem and the variables later edits need.
pub(super) struct Model {
    pub(super) lp: Lp,
    pub(super) vars: Vars,
}

/// The variables of a built problem that later edits and the objective's scale need.
#[derive(Debug, Clone)]
pub(super) struct Vars {
    /// Each firm's production variable, if it can produce.
    pub(super) production: Vec<Option<Var>>,
    /// Each firm's in-house work variables.
    pub(super) in_house: Vec<Vec<Var>>,
    /// 1 / T where it is a variable: the survival problem's objective, or, for re-solving
    /// losses over different horizons, a variable fixed at 1 / T.
    pub(super) inverse: Option<Var>,
    /// The extra-stock problem's objective: days of the firm's normal deliveries held as
    /// extra stock by its buyers.
    pub(super) extra: Option<Var>,
    /// The total final sales per day the objective of the loss problem is normalised by.
    pub(super) total: f64,
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
/// `reuse`: how the problem is to be re-solved after edits (see [`Reuse`]).
pub(super) fn build(net: &Network, d: &Disruption, goal: Goal, reuse: Reuse) -> Model {
    let n = net.output.len();
    let mut p = Lp::default();
    let (per_day, inverse) = match goal {
        Goal::Lost { .. } if reuse != Reuse::Once => {
            (0.0, Some(p.add_var(0.0, (0.0, f64::INFINITY))))
        }
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
    let stock_term = |row: &mut Vec<(Var, f64)>, v: f64| -> f64 {
        match inverse {
            Some(t) if v > 0.0 => {
                row.push((t, -v));
                0.0
            }
            Some(_) => 0.0,
            None => v * per_day,
        }
    };

    let production: Vec<Option<Var>> = (0..n)
        .map(|f| {
            net.can_produce(f).then(|| {
                let k = d.firm_capacity[f] * net.capacity[f] / firm_scale(net, f);
                let u = p.var(0.0, k);
                p.normal(u, if net.output[f] > 0.0 { 1.0 } else { 0.0 })
            })
        })
        .collect();

    // Deliveries.
    let mut inputs: Vec<Vec<(Var, f64)>> = vec![Vec::new(); net.pairs.len()];
    let mut outputs: Vec<Vec<(Var, f64)>> = vec![Vec::new(); n];
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
        let y = p.var(0.0, most);
        p.normal(y, if r.q > 0.0 { 1.0 } else { 0.0 });
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
            let h = p.var(0.0, d.firm_capacity[b]);
            p.normal(h, 1.0);
            in_house[b].push(h);
            row.push((h, -pair.in_house / need));
        }
        if let Some(s) = extra.filter(|_| extra_stock[pi] > 0.0) {
            row.push((s, -extra_stock[pi] / need * per_day));
        }
        let rhs = stock_term(&mut row, pair.stock / need);
        p.add_constraint(b, row, false, rhs);
    }

    // Final sales (and lost sales) against demand.
    let counted: Vec<FirmIdx> = net
        .end_firms
        .iter()
        .copied()
        .filter(|&e| net.final_sales[e] > 0.0 && d.skip_demand != Some(e))
        .collect();
    let total: f64 = counted.iter().map(|&e| net.final_sales[e]).sum();
    for &e in &counted {
        let z = p.var(0.0, f64::INFINITY);
        p.normal(z, 1.0);
        let mut row = vec![(z, 1.0)];
        if let Goal::Lost { .. } = goal {
            row.push((p.var(net.final_sales[e] / total, f64::INFINITY), 1.0));
        }
        p.add_constraint(e, row, true, 1.0);
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
        p.add_constraint(f, row, false, rhs);
    }
    Model {
        lp: p,
        vars: Vars {
            production,
            in_house,
            inverse,
            extra,
            total,
        },
    }
}

fn options() -> SolveOptions {
    let mut options = SolveOptions::default();
    options.tolerances.feasibility = 1e-10;
    options
}

/// A microlp solve's outcome: the solution, `None` when the problem is infeasible (the
/// extra-stock problem when no stock of the firm's deliveries helps; the survival problem when
/// the network is short from the first day), or the solver's error.
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

/// The optimum in the goal's own units, from the problem's optimal objective (`None`:
/// infeasible): lost value in money over `days`, days otherwise.
fn value(goal: Goal, total: f64, days: f64, objective: Option<f64>) -> Option<f64> {
    let objective = objective?;
    Some(match goal {
        Goal::Lost { .. } => (objective * total * days).max(0.0),
        Goal::Survive => 1.0 / objective,
        Goal::ExtraStock { .. } => objective.max(0.0),
    })
}

/// Builds and solves one problem from scratch.
fn solve(
    net: &Network,
    d: &Disruption,
    goal: Goal,
    solver: Solver,
) -> Result<Option<f64>, SolveError> {
    let m = build(net, d, goal, Reuse::Once);
    let objective = match solver {
        Solver::Microlp => {
            let (p, _) = m.lp.microlp();
            outcome(p.solve_with(options()), goal)?.map(|s| s.objective())
        }
        #[cfg(feature = "highs")]
        Solver::Highs => infeasible_is_none(super::highs::solve(&m.lp)?, goal)?,
    };
    let days = match goal {
        Goal::Lost { days } | Goal::ExtraStock { days, .. } => days,
        Goal::Survive => 0.0,
    };
    Ok(value(goal, m.vars.total, days, objective))
}

/// HiGHS' optimum, `None` when infeasible; an infeasible loss problem (which always has a
/// solution: lose everything) is an error.
#[cfg(feature = "highs")]
fn infeasible_is_none(optimum: Option<f64>, goal: Goal) -> Result<Option<f64>, SolveError> {
    match (optimum, goal) {
        (None, Goal::Lost { .. }) => Err(SolveError(
            "a feasible problem was reported infeasible".into(),
        )),
        _ => Ok(optimum),
    }
}

/// Solves `lp` from scratch: the optimum and every variable's value, `None` when the problem
/// is infeasible (which a problem cut out of a larger one can be, [`super::local`]).
pub(super) fn solve_values(lp: &Lp, solver: Solver) -> Result<Option<(f64, Vec<f64>)>, SolveError> {
    match solver {
        Solver::Microlp => {
            let (p, handles) = lp.microlp();
            match p.solve_with(options()) {
                Ok(o) => {
                    let s = o
                        .into_solution()
                        .map_err(|_| SolveError("the solve was interrupted".into()))?;
                    let values = handles.iter().map(|&v| s.var_value(v)).collect();
                    Ok(Some((s.objective(), values)))
                }
                Err(microlp::Error::Infeasible) => Ok(None),
                Err(e) => Err(SolveError(e.to_string())),
            }
        }
        #[cfg(feature = "highs")]
        Solver::Highs => super::highs::solve_values(lp),
    }
}

/// An edit's solution, where the edit cannot make the problem infeasible.
fn solved(
    r: Result<microlp::SolveOutcome, microlp::Error>,
    goal: Goal,
) -> Result<Solution, SolveError> {
    outcome(r, goal)?.ok_or_else(|| SolveError("a feasible problem was reported infeasible".into()))
}

/// The goal of every loss curve's solve (its horizon is the 1 / T variable's).
const LOSS: Goal = Goal::Lost { days: 1.0 };

/// The loss problem of one disruption, solved, and re-solved over another horizon from where
/// it stands (1 / T is a variable whose fixed value is changed): the lost value over the time
/// to recover, and the curve the time to survive is searched on ([`super::survive`]). Each
/// curve is walked by one thread, through the same horizons in the same order, so its numbers
/// do not depend on other curves or threads.
pub(crate) struct Curve {
    /// The total final sales per day the objective is normalised by.
    total: f64,
    state: CurveState,
    /// The last solve's 1 / T and optimum: asked again (the time to survive starts where the
    /// lost value was solved), it is not solved again.
    last: Option<(f64, f64)>,
}

enum CurveState {
    Microlp {
        /// `None` only after a failed solve (whose error was returned).
        solution: Option<Solution>,
        handle: Variable,
    },
    /// The session and the 1 / T variable.
    #[cfg(feature = "highs")]
    Highs(super::highs::Session, Var),
}

impl Curve {
    /// The loss problem of `d` solved from scratch over `days` (> 0), as a curve.
    pub(crate) fn new(
        net: &Network,
        d: &Disruption,
        days: f64,
        solver: Solver,
    ) -> Result<Curve, SolveError> {
        let mut m = build(net, d, LOSS, Reuse::Horizon);
        let inverse = m
            .vars
            .inverse
            .expect("a horizon curve has 1 / T as a variable");
        let state = match solver {
            // microlp fixes a variable only within the bounds it was built with: solved with
            // 1 / T free, then fixed. For the longest horizon 1 / T starts at the least value
            // the search asks for, so that a network that is never short needs no pivot to
            // fix it (a large move of 1 / T can take many).
            Solver::Microlp => {
                m.lp.cols[inverse].lower = if days >= TTS_CAP_DAYS {
                    super::survive::LEAST
                } else {
                    // The least the search asks for on this curve: it goes on at shorter
                    // horizons only.
                    (1.0 - super::survive::SECANT) / days
                };
                let (p, handles) = m.lp.microlp();
                let s = solved(p.solve_with(options()), LOSS)?;
                let s = solved(s.fix_var(handles[inverse], 1.0 / days), LOSS)?;
                CurveState::Microlp {
                    solution: Some(s),
                    handle: handles[inverse],
                }
            }
            #[cfg(feature = "highs")]
            Solver::Highs => {
                let mut lp = m.lp;
                lp.cols[inverse].lower = 1.0 / days;
                lp.cols[inverse].upper = 1.0 / days;
                CurveState::Highs(super::highs::Session::new(&lp)?, inverse)
            }
        };
        Ok(Curve {
            total: m.vars.total,
            state,
            last: None,
        })
    }

    /// L(t): the optimum with 1 / T = `t`, the counted end firms' lost sales per day as a
    /// fraction of their final sales per day.
    pub(crate) fn loss(&mut self, t: f64) -> Result<f64, SolveError> {
        if let Some((_, loss)) = self.last.filter(|&(at, _)| at == t) {
            return Ok(loss);
        }
        let loss = self.solve_at(t)?;
        self.last = Some((t, loss));
        Ok(loss)
    }

    fn solve_at(&mut self, t: f64) -> Result<f64, SolveError> {
        match &mut self.state {
            CurveState::Microlp { solution, handle } => {
                let s = solution
                    .take()
                    .ok_or_else(|| SolveError("an earlier solve failed".into()))?;
                let s = solved(s.fix_var(*handle, t), LOSS)?;
                let objective = s.objective();
                *solution = Some(s);
                Ok(objective)
            }
            #[cfg(feature = "highs")]
            CurveState::Highs(session, inverse) => session
                .solve(&[(*inverse, t, t)])?
                .ok_or_else(|| SolveError("a feasible problem was reported infeasible".into())),
        }
    }

    /// Lost final sales over `days` (the TTR problem's optimum), in the currency of the
    /// values; 0 over no time.
    pub(crate) fn lost_value(&mut self, days: f64) -> Result<f64, SolveError> {
        if days <= 0.0 {
            return Ok(0.0);
        }
        Ok((self.loss(1.0 / days)? * self.total * days).max(0.0))
    }
}

/// Days until the first counted end firm runs short (`None`: never), found on loss curves
/// ([`super::survive`]). `at_ttr` is the curve after its lost value over `ttr_days`: when that
/// loses, the root lies at shorter horizons and the search goes on from there, on the same
/// curve. Otherwise it starts from the longest horizon, on the curve `longest` gives (solved
/// at that horizon from the start: a large move of 1 / T on one curve can take many pivots).
/// Where the search cannot decide, `fallback` solves the survival problem itself.
pub(crate) fn time_to_survive(
    at_ttr: &mut Curve,
    ttr_days: f64,
    longest: impl FnOnce() -> Result<Curve, SolveError>,
    fallback: impl FnOnce() -> Result<Option<f64>, SolveError>,
) -> Result<Option<f64>, SolveError> {
    use super::survive::{no_loss, time_to_survive_from, Found, FIRST};
    let start = 1.0 / ttr_days;
    let found = if ttr_days > 0.0 && start > FIRST {
        let l = at_ttr.loss(start)?;
        if no_loss(l) {
            None
        } else {
            Some(time_to_survive_from(start, l, |t| at_ttr.loss(t))?)
        }
    } else {
        None
    };
    let found = match found {
        Some(found) => found,
        None => {
            let mut curve = longest()?;
            let l = curve.loss(FIRST)?;
            if no_loss(l) {
                Found::Days(None)
            } else {
                time_to_survive_from(FIRST, l, |t| curve.loss(t))?
            }
        }
    };
    match found {
        Found::Days(days) => Ok(days.and_then(capped)),
        Found::Unsure => fallback(),
    }
}

/// Lost final sales over `days` (the TTR problem's optimum), in the currency of the values,
/// solved from scratch: the second method [`Curve::lost_value`] is tested against.
#[cfg(test)]
pub(crate) fn lost_value(
    net: &Network,
    d: &Disruption,
    days: f64,
    solver: Solver,
) -> Result<f64, SolveError> {
    if days <= 0.0 {
        return Ok(0.0);
    }
    solve(net, d, Goal::Lost { days }, solver).map(|v| v.unwrap_or(0.0))
}

/// Days until the first counted end firm runs short (the TTS problem's optimum); `None` when
/// the network never runs short. The survival problem itself, solved from scratch.
pub(crate) fn time_to_survive_directly(
    net: &Network,
    d: &Disruption,
    solver: Solver,
) -> Result<Option<f64>, SolveError> {
    Ok(survival(solve(net, d, Goal::Survive, solver)?))
}

/// The time to survive from the survival problem's optimum: infeasible (`None`) means that no
/// horizon, however short, is met from stock, so the network is short at once (0); an optimum
/// at the cap means it never runs short (`None`).
pub(crate) fn survival(optimum: Option<f64>) -> Option<f64> {
    capped(optimum.unwrap_or(0.0))
}

/// A time to survive of `days`, `None` when it reaches the cap (MODEL §8: null at 36,500
/// days × (1 - 1e-9) or more).
fn capped(days: f64) -> Option<f64> {
    (days < TTS_CAP_DAYS * (1.0 - 1e-9)).then_some(days)
}

/// The fewest days of `firm`'s normal deliveries that its buyers would have to hold as extra
/// stock (on top of what they hold) so that the disruption `d` loses nothing over `days`;
/// `None` when no such stock exists (the firm delivers nothing to other firms, or the loss
/// does not come through its deliveries). Solved whole: the second method the sweep's
/// ([`super::local`]) is tested against.
#[cfg(test)]
pub(crate) fn extra_stock_days(
    net: &Network,
    d: &Disruption,
    firm: FirmIdx,
    days: f64,
    solver: Solver,
) -> Result<Option<f64>, SolveError> {
    solve(net, d, Goal::ExtraStock { days, firm }, solver)
}
