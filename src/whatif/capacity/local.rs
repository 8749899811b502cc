//! The firm sweep's problems (MODEL.md §8) solved exactly on a region of the network around the
//! stopped firm, grown until a bound proves the region's optimum is the whole network's.
//!
//! **Why a region can be exact.** Every problem here is built from the uncut network's problem
//! (a [`Template`], built once) by stopping one firm. Each constraint belongs to one firm (the
//! buyer of an input row, the supplier of an output row, the end firm of a demand row), and
//! the normal plan — every firm making, delivering and selling its normal daily flow, with no
//! stock used and nothing lost — meets every constraint of every firm that is not stopped, at
//! any horizon (it needs no stock). For a set R of firms that contains the stopped one, cut out
//! the constraints of the firms in R, and call a delivery variable between a firm in R and a
//! firm outside it a *boundary* variable. Two problems on R bound the whole network's optimum
//! OPT:
//!
//! - **Upper bound** (`Fixed`): boundary deliveries held at their normal value. Any solution of
//!   it, with every firm outside R on its normal plan, is a solution of the whole problem (the
//!   outside firms' constraints see only normal values, which they meet), with the same
//!   objective (nothing is lost outside R). So its optimum UB >= OPT.
//! - **Lower bound** (`Relaxed`): boundary deliveries free within their own bounds, and the
//!   outside firms' constraints dropped. Every solution of the whole problem is a solution of
//!   it, so its optimum LB <= OPT; and when it has none, neither has the whole problem.
//!
//! When UB - LB is within a 1e-9 relative gap (or UB is at the least value the objective can
//! take), UB is OPT to that precision, whatever lies outside R. Otherwise R grows by the
//! outside firms at the boundary deliveries the lower bound moved away from their normal value
//! (`Guide`: among the lower bound's optima, one that moves the boundary least, in total), or,
//! when none moved, by every firm at the boundary, and both are solved again. Past half the
//! network, R becomes the whole network, where both problems are the whole problem. Two
//! savings keep the answer: the lower bound and the guide hold each boundary delivery on the
//! side of its normal value that eases the region's constraints (an input delivered into R
//! at least its normal value, an output delivered out of R at most), which moves no optimum
//! ([`Template::easing`]) and halves the guide's variables; and a round after one whose lower
//! bound did not meet the upper bound first solves only the guide at that lower bound: when it
//! moves a boundary delivery, the bounds cannot meet yet (they would leave a solution that
//! moves none) and R grows by it, one solve instead of three. So the answer is always the whole
//! network's optimum; the region only decides how much of the network the solver sees. A cut's effect seldom travels far (its buyers draw on stock,
//! alternates and spare capacity nearby, and what cannot be replaced is lost along the way to
//! the end firms), so on generated networks the regions hold tens of firms, not thousands.
//!
//! Each firm's regions and problems depend only on the firm and the template, so the sweep's
//! numbers do not depend on threads or on which firms a thread solved before.

use std::collections::HashMap;

use super::lp::{self, build, Disruption, Goal, Lp, Reuse, SolveError, Solver, Var, Vars};
use super::network::Network;
use crate::model::FirmIdx;

/// The relative gap between the two bounds at which the upper one is taken as the optimum.
const GAP: f64 = 1e-9;
/// The absolute gap below which the bounds count as equal (the objectives are normalised: a
/// fraction of the end firms' sales per day, or 1 / T).
const GAP_FLOOR: f64 = 1e-15;
/// A boundary delivery that moves less than this (in days of its normal flow per day) does
/// not grow the region.
const MOVED: f64 = 1e-9;
/// How far a constraint of constants alone may miss (the solvers' feasibility tolerance).
const FEASIBLE: f64 = 1e-10;

/// A problem of the uncut network, built once, from which each firm's problem is cut out.
pub(crate) struct Template {
    lp: Lp,
    vars: Vars,
    /// The variable the rows of many firms share (1 / T, or the extra stock), which is never a
    /// boundary variable: it appears only beside stock, which the normal plan does not use.
    global: Var,
    /// The least value the objective can take (0 lost; 1 / T at the longest horizon).
    floor: f64,
    /// For each firm, the constraints it owns.
    rows_of: Vec<Vec<usize>>,
    /// For each variable, the constraints it appears in and its coefficient there:
    /// `col_entries[col_start[j]..col_start[j + 1]]`.
    col_start: Vec<usize>,
    col_entries: Vec<(usize, f64)>,
}

/// How a region's problem treats its boundary deliveries.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Held at their normal value: the upper bound.
    Fixed,
    /// Free within their own bounds: the lower bound. `eased`: each held on the side of its
    /// normal value that eases the region's constraints, where it has one (same optimum,
    /// [`Template::easing`]).
    Relaxed { eased: bool },
    /// As in `Relaxed`, with the objective at most `most`, minimising how far the boundary
    /// deliveries move (each as its normal value + up - down).
    Guide { most: f64 },
}

/// A variable of the template in a region's problem.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// A variable of the region's problem.
    Var(Var),
    /// A constant: a boundary delivery held at its normal value.
    Fixed(f64),
    /// A boundary delivery as normal + up - down: the up variable (down is the next one).
    Moved(Var),
}

/// A region's problem and its boundary deliveries (template variable, slot).
struct Cut {
    lp: Lp,
    boundary: Vec<(Var, Slot)>,
    /// A constraint of only constants that does not hold: the problem has no solution.
    infeasible: bool,
}

impl Cut {
    /// Its optimum and every variable's value (`None`: no solution).
    fn solve(&self, solver: Solver) -> Result<Option<(f64, Vec<f64>)>, SolveError> {
        if self.infeasible {
            return Ok(None);
        }
        lp::solve_values(&self.lp, solver)
    }
}

/// The firms of a region.
struct Region {
    inside: Vec<bool>,
    firms: Vec<FirmIdx>,
}

impl Region {
    fn add(&mut self, f: FirmIdx) {
        if !self.inside[f] {
            self.inside[f] = true;
            self.firms.push(f);
        }
    }
}

impl Template {
    /// The loss problem with nothing cut and 1 / T a variable (fixed per solve).
    pub(crate) fn loss(net: &Network) -> Template {
        let m = build(
            net,
            &Disruption::none(net),
            Goal::Lost { days: 1.0 },
            Reuse::Horizon,
        );
        Template::new(m.lp, m.vars, 0.0)
    }

    /// The survival problem with nothing cut.
    pub(crate) fn survival(net: &Network) -> Template {
        let m = build(net, &Disruption::none(net), Goal::Survive, Reuse::Once);
        let floor = 1.0 / lp::TTS_CAP_DAYS;
        Template::new(m.lp, m.vars, floor)
    }

    /// The problem of the smallest extra stock of firm `f`'s deliveries, in days, that its
    /// buyers would need for no loss over `days` with `f` stopped ([`lp::extra_stock_days`]).
    /// Its extra stock appears only in the rows of `f`'s buyers, which every region holds.
    pub(crate) fn extra_stock(net: &Network, f: FirmIdx, days: f64) -> Template {
        let m = build(
            net,
            &Disruption::none(net),
            Goal::ExtraStock { days, firm: f },
            Reuse::Once,
        );
        Template::new(m.lp, m.vars, 0.0)
    }

    fn new(lp: Lp, vars: Vars, floor: f64) -> Template {
        let global = vars
            .inverse
            .or(vars.extra)
            .expect("the problems cut into regions have 1 / T or the extra stock as a variable");
        let n = vars.production.len();
        let mut rows_of = vec![Vec::new(); n];
        for (i, r) in lp.rows.iter().enumerate() {
            rows_of[r.owner].push(i);
        }
        let (col_start, col_entries) = lp.columns();
        Template {
            lp,
            vars,
            global,
            floor,
            rows_of,
            col_start,
            col_entries,
        }
    }

    /// The constraints variable `j` appears in, with its coefficient there.
    fn entries(&self, j: Var) -> &[(usize, f64)] {
        &self.col_entries[self.col_start[j]..self.col_start[j + 1]]
    }

    /// The constraints variable `j` appears in.
    fn rows_with(&self, j: Var) -> impl Iterator<Item = usize> + '_ {
        self.entries(j).iter().map(|&(i, _)| i)
    }

    /// Which way a boundary delivery `j` can move without making any constraint of the region
    /// harder to meet: +1 up (it only supplies the region's firms: an input of a buyer
    /// inside), -1 down (it only draws on them: an output of a supplier inside), 0 neither or
    /// both, or when it has a cost. In a solution of the lower bound problem, moving such a
    /// delivery back to its normal value keeps every constraint of the region met at the same
    /// objective; so the lower bound and the guide may hold it on that side of its normal
    /// value (at least normal for +1, at most for -1) without changing their optimum.
    fn easing(&self, j: Var, inside: &[bool]) -> f64 {
        let c = &self.lp.cols[j];
        if c.cost != 0.0 || !(c.lower <= c.normal && c.normal <= c.upper) {
            return 0.0;
        }
        let mut way = 0.0;
        for &(i, a) in self.entries(j) {
            let row = &self.lp.rows[i];
            if !inside[row.owner] || a == 0.0 {
                continue;
            }
            let up = if row.at_least { a > 0.0 } else { a < 0.0 };
            let w = if up { 1.0 } else { -1.0 };
            if way != 0.0 && way != w {
                return 0.0;
            }
            way = w;
        }
        way
    }

    /// Whether variable `j` appears in a constraint of a firm outside the region.
    fn crosses(&self, j: Var, inside: &[bool]) -> bool {
        j != self.global && self.rows_with(j).any(|i| !inside[self.lp.rows[i].owner])
    }

    /// The firms outside the region whose constraints variable `j` appears in.
    fn outside_owners(&self, j: Var, inside: &[bool], into: &mut Vec<FirmIdx>) {
        if j == self.global {
            return;
        }
        for i in self.rows_with(j) {
            let o = self.lp.rows[i].owner;
            if !inside[o] {
                into.push(o);
            }
        }
    }

    /// Lost final sales over `days` with firm `f` stopped alone (its own demand left out, as in
    /// the firm sweep), in the currency of the values.
    pub(crate) fn lost_value(
        &self,
        f: FirmIdx,
        days: f64,
        solver: Solver,
    ) -> Result<f64, SolveError> {
        if days <= 0.0 {
            return Ok(0.0);
        }
        let t = 1.0 / days;
        let optimum = self
            .optimum(f, (t, t), solver)?
            .0
            .ok_or_else(|| SolveError("a feasible problem was reported infeasible".into()))?;
        Ok((optimum * self.vars.total * days).max(0.0))
    }

    /// Days until the first counted end firm runs short with firm `f` stopped alone (`None`:
    /// never), from the survival problem.
    pub(crate) fn time_to_survive(
        &self,
        f: FirmIdx,
        solver: Solver,
    ) -> Result<Option<f64>, SolveError> {
        let optimum = self.optimum(f, self.built_bounds(), solver)?.0;
        Ok(lp::survival(optimum.map(|o| 1.0 / o)))
    }

    /// The extra stock's optimum with firm `f` stopped, in days of `f`'s normal deliveries
    /// (`None`: no extra stock of them closes the gap).
    pub(crate) fn extra_stock_days(
        &self,
        f: FirmIdx,
        solver: Solver,
    ) -> Result<Option<f64>, SolveError> {
        let optimum = self.optimum(f, self.built_bounds(), solver)?.0;
        Ok(optimum.map(|o| o.max(0.0)))
    }

    /// The bounds the shared variable was built with (the survival problem's 1 / T, the extra
    /// stock).
    fn built_bounds(&self) -> (f64, f64) {
        let c = &self.lp.cols[self.global];
        (c.lower, c.upper)
    }

    /// The first region of firm `f`: it and its trading partners (its own balance cannot hold
    /// without them).
    fn first_region(&self, f: FirmIdx) -> Region {
        let mut region = Region {
            inside: vec![false; self.rows_of.len()],
            firms: Vec::new(),
        };
        region.add(f);
        let mut grow = Vec::new();
        for &i in &self.rows_of[f] {
            for &(j, _) in &self.lp.rows[i].terms {
                self.outside_owners(j, &region.inside, &mut grow);
            }
        }
        for g in grow {
            region.add(g);
        }
        region
    }

    /// The optimum with firm `f` stopped and 1 / T within `global` (`None`: infeasible), and
    /// the number of firms of the region it was proved on.
    fn optimum(
        &self,
        f: FirmIdx,
        global: (f64, f64),
        solver: Solver,
    ) -> Result<(Option<f64>, usize), SolveError> {
        let n = self.rows_of.len();
        let mut region = self.first_region(f);
        let mut grow = Vec::new();
        // The last round's lower bound (a larger region's is never below a smaller one's).
        let mut last_lb: Option<f64> = None;
        loop {
            for g in grow.drain(..) {
                region.add(g);
            }
            if region.firms.len() * 2 > n {
                for g in 0..n {
                    region.add(g);
                }
            }
            let whole = region.firms.len() == n;
            if let Some(lb) = last_lb.filter(|_| !whole) {
                // While the lower bound stays where it was, the bounds meet only when the
                // upper bound comes down to it, and then the guide at the last lower bound has
                // a solution that moves no boundary delivery. So the guide alone decides the
                // round when it moves something: it grows the region, one solve instead of
                // three. When it moves nothing, has no solution (the lower bound has risen)
                // or fails, a full round follows.
                if self.guide(f, global, &region, guide_most(lb), solver, &mut grow)
                    && !grow.is_empty()
                {
                    continue;
                }
            }
            let fixed = self.cut(f, global, &region, Mode::Fixed);
            let upper = match fixed.solve(solver) {
                Ok(solved) => solved.map(|(o, _)| o),
                Err(e) if whole => return Err(e),
                // A held boundary can leave a problem the solver cannot settle (microlp does
                // not always prove infeasibility): no upper bound from this region.
                Err(_) => None,
            };
            if whole {
                return Ok((upper, n));
            }
            if let Some(ub) = upper {
                if close(ub, self.floor) {
                    return Ok((upper, region.firms.len()));
                }
            }
            let relaxed = self.cut(f, global, &region, Mode::Relaxed { eased: true });
            // A solver failure on a region's problem only grows the region (below): the whole
            // network's problem, where errors are reported, is the last resort.
            let lb = match relaxed.solve(solver) {
                Ok(Some((lb, _))) => Some(lb),
                // No solution even without the outside firms' constraints.
                Ok(None) => return Ok((None, region.firms.len())),
                Err(_) => None,
            };
            if let (Some(ub), Some(lb)) = (upper, lb) {
                if close(ub, lb) {
                    return Ok((upper, region.firms.len()));
                }
            }
            last_lb = lb;
            if let Some(lb) = lb {
                self.guide(f, global, &region, guide_most(lb), solver, &mut grow);
            }
            if grow.is_empty() {
                for &(j, _) in &fixed.boundary {
                    self.outside_owners(j, &region.inside, &mut grow);
                }
            }
            if grow.is_empty() {
                // No boundary (the region is whole groups of connected firms) and still no
                // answer (a solver failure): the whole network decides.
                grow.extend(0..n);
            }
        }
    }

    /// Adds to `grow` the firms outside `region` at the boundary deliveries that the guide
    /// problem (objective at most `most`) moves away from their normal value. `false` when it
    /// has no solution or the solver fails.
    fn guide(
        &self,
        f: FirmIdx,
        global: (f64, f64),
        region: &Region,
        most: f64,
        solver: Solver,
        grow: &mut Vec<FirmIdx>,
    ) -> bool {
        let guide = self.cut(f, global, region, Mode::Guide { most });
        let Ok(Some((_, x))) = guide.solve(solver) else {
            return false;
        };
        for &(j, slot) in &guide.boundary {
            let moved = match slot {
                Slot::Moved(up) => x[up] + x[up + 1],
                Slot::Var(v) => (x[v] - self.lp.cols[j].normal).abs(),
                Slot::Fixed(_) => 0.0,
            };
            if moved > MOVED {
                self.outside_owners(j, &region.inside, grow);
            }
        }
        true
    }

    /// The problem of the firms of `region` with firm `f` stopped (its production and in-house
    /// work 0, its own demand row left out) and 1 / T within `global`, in `mode`. The region's
    /// firms are taken in index order, so a region always gives the same problem.
    fn cut(&self, f: FirmIdx, global: (f64, f64), region: &Region, mode: Mode) -> Cut {
        let mut firms = region.firms.clone();
        firms.sort_unstable();
        let stopped: Vec<Var> = self.vars.production[f]
            .iter()
            .chain(&self.vars.in_house[f])
            .copied()
            .collect();
        let mut lp = Lp::default();
        let mut slots: HashMap<Var, Slot> = HashMap::new();
        let mut boundary = Vec::new();
        let mut objective = Vec::new();
        let mut infeasible = false;
        for &g in &firms {
            for &i in &self.rows_of[g] {
                let row = &self.lp.rows[i];
                if g == f && row.at_least {
                    continue;
                }
                let mut rhs = row.rhs;
                let mut terms = Vec::with_capacity(row.terms.len());
                for &(j, a) in &row.terms {
                    let slot = *slots.entry(j).or_insert_with(|| {
                        let c = &self.lp.cols[j];
                        if self.crosses(j, &region.inside) {
                            let way = match mode {
                                Mode::Relaxed { eased: false } => 0.0,
                                _ => self.easing(j, &region.inside),
                            };
                            let eased = if way > 0.0 {
                                (c.normal.max(c.lower), c.upper)
                            } else if way < 0.0 {
                                (c.lower, c.normal.min(c.upper))
                            } else {
                                (c.lower, c.upper)
                            };
                            let slot = match mode {
                                Mode::Fixed => Slot::Fixed(c.normal),
                                Mode::Relaxed { .. } => Slot::Var(lp.add_var(c.cost, eased)),
                                // Its move from the normal value, (x - normal) * way.
                                Mode::Guide { .. } if way != 0.0 => {
                                    Slot::Var(lp.add_var(way, eased))
                                }
                                Mode::Guide { .. } => {
                                    let up = lp.add_var(1.0, (0.0, c.upper - c.normal));
                                    lp.add_var(1.0, (0.0, c.normal - c.lower));
                                    Slot::Moved(up)
                                }
                            };
                            boundary.push((j, slot));
                            return slot;
                        }
                        let bounds = if j == self.global {
                            global
                        } else if stopped.contains(&j) {
                            (0.0, 0.0)
                        } else {
                            (c.lower, c.upper)
                        };
                        match mode {
                            Mode::Guide { .. } => {
                                let v = lp.add_var(0.0, bounds);
                                if c.cost != 0.0 {
                                    objective.push((v, c.cost));
                                }
                                Slot::Var(v)
                            }
                            _ => Slot::Var(lp.add_var(c.cost, bounds)),
                        }
                    });
                    match slot {
                        Slot::Var(v) => terms.push((v, a)),
                        Slot::Fixed(x) => rhs -= a * x,
                        Slot::Moved(up) => {
                            rhs -= a * self.lp.cols[j].normal;
                            terms.push((up, a));
                            terms.push((up + 1, -a));
                        }
                    }
                }
                if terms.is_empty() {
                    // Only held deliveries: a constant that holds or not.
                    let holds = if row.at_least {
                        rhs <= FEASIBLE
                    } else {
                        rhs >= -FEASIBLE
                    };
                    if !holds {
                        infeasible = true;
                    }
                    continue;
                }
                lp.add_constraint(g, terms, row.at_least, rhs);
            }
        }
        if let Mode::Guide { most } = mode {
            lp.add_constraint(f, objective, false, most);
        }
        Cut {
            lp,
            boundary,
            infeasible,
        }
    }
}

/// The most the objective may be in the guide problem of a region whose lower bound is `lb`:
/// the lower bound with room for the solver's tolerance.
fn guide_most(lb: f64) -> f64 {
    lb + GAP * lb.abs() + 1e-12
}

/// Whether an upper bound `ub` and a lower bound `lb` of the same optimum are equal to the
/// precision the sweep needs.
fn close(ub: f64, lb: f64) -> bool {
    ub - lb <= GAP * ub.abs() + GAP_FLOOR
}

#[cfg(test)]
impl Template {
    /// The number of firms of the region firm `f`'s problem was proved on, over `days` (the
    /// loss problem) or over any horizon (the survival problem: `days` is not used).
    pub(crate) fn region(&self, f: FirmIdx, days: f64, solver: Solver) -> usize {
        let global = if self.floor > 0.0 {
            self.built_bounds()
        } else {
            (1.0 / days, 1.0 / days)
        };
        self.optimum(f, global, solver).expect("solved").1
    }

    /// The number of firms of the first region of firm `f`: it and its trading partners.
    pub(crate) fn partners(&self, f: FirmIdx) -> usize {
        self.first_region(f).firms.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(got: f64, want: f64) -> bool {
        (got - want).abs() <= 1e-7 * want.abs() || (got - want).abs() <= 1e-6
    }

    /// The lower bound with boundary deliveries held on their easing side of the normal value
    /// has the optimum of the lower bound with them free, on first regions and on regions
    /// grown by every boundary firm, for the loss and the survival problems.
    #[test]
    fn easing_the_boundary_keeps_the_lower_bound() {
        let ds = crate::testing::synthetic_with(160, 3, true);
        let net = Network::new(&ds);
        let mut compared = 0;
        let mut eased = 0;
        for (template, global) in [
            (Template::loss(&net), (1.0 / 60.0, 1.0 / 60.0)),
            (
                Template::survival(&net),
                Template::survival(&net).built_bounds(),
            ),
        ] {
            for f in net.sweep_firms(&ds).into_iter().step_by(4) {
                let mut region = template.first_region(f);
                for _ in 0..2 {
                    let free = template.cut(f, global, &region, Mode::Relaxed { eased: false });
                    let held = template.cut(f, global, &region, Mode::Relaxed { eased: true });
                    let a = free.solve(Solver::DEFAULT).expect("free");
                    let b = held.solve(Solver::DEFAULT).expect("held");
                    match (a, b) {
                        (Some((a, _)), Some((b, _))) => {
                            assert!(near(b, a), "firm {f}: eased {b} vs free {a}")
                        }
                        (a, b) => assert_eq!(a.is_some(), b.is_some(), "firm {f}"),
                    }
                    compared += 1;
                    eased += held
                        .boundary
                        .iter()
                        .filter(|&&(j, _)| template.easing(j, &region.inside) != 0.0)
                        .count();
                    let mut grow = Vec::new();
                    for &(j, _) in &free.boundary {
                        template.outside_owners(j, &region.inside, &mut grow);
                    }
                    for g in grow {
                        region.add(g);
                    }
                }
            }
        }
        assert!(
            compared > 40 && eased > 1000,
            "{compared} compared, {eased} eased"
        );
    }

    /// Every problem the sweep cuts into regions, against the same problem solved whole, on
    /// generated networks: lost value over the firm's own horizon and over a long one (where
    /// more of the network takes part), the time to survive, and the extra stock of the firms
    /// that lose. Most regions must be much smaller than the network (else this tests nothing
    /// but the whole-network case), and some must have grown past the stopped firm's trading
    /// partners.
    #[test]
    fn a_region_gives_the_whole_networks_optimum() {
        use rayon::prelude::*;
        // Per firm: (loses, runs short, extra stock checked, small region, grown region).
        let mut counts = [0usize; 5];
        let mut checked = 0;
        for (firms, seed) in [(160, 2), (240, 5)] {
            let ds = crate::testing::synthetic_with(firms, seed, true);
            let net = Network::new(&ds);
            let loss = Template::loss(&net);
            let survival = Template::survival(&net);
            let n = net.output.len();
            let sample: Vec<FirmIdx> = net.sweep_firms(&ds).into_iter().step_by(3).collect();
            let per_firm: Vec<[usize; 5]> = sample
                .par_iter()
                .map(|&f| {
                    let d = Disruption::firm_alone(&net, f);
                    let ttr = ds.firms[f].recovery_days.unwrap_or(45.0);
                    let mut c = [0; 5];
                    for days in [ttr, 2_000.0] {
                        let got = loss.lost_value(f, days, Solver::DEFAULT).expect("region");
                        let want = lp::lost_value(&net, &d, days, Solver::DEFAULT).expect("whole");
                        assert!(
                            near(got, want),
                            "firm {f} over {days} days: {got} vs {want}"
                        );
                        c[0] += usize::from(want > 0.0);
                    }
                    let got = survival
                        .time_to_survive(f, Solver::DEFAULT)
                        .expect("region");
                    let want =
                        lp::time_to_survive_directly(&net, &d, Solver::DEFAULT).expect("whole");
                    match (got, want) {
                        (Some(a), Some(b)) => assert!(near(a, b), "firm {f}: tts {a} vs {b}"),
                        (a, b) => assert_eq!(a, b, "firm {f}: tts"),
                    }
                    c[1] = usize::from(want.is_some());
                    if lp::lost_value(&net, &d, ttr, Solver::DEFAULT).expect("whole") > 0.0 {
                        let got = Template::extra_stock(&net, f, ttr)
                            .extra_stock_days(f, Solver::DEFAULT)
                            .expect("region");
                        let want =
                            lp::extra_stock_days(&net, &d, f, ttr, Solver::DEFAULT).expect("whole");
                        match (got, want) {
                            (Some(a), Some(b)) => {
                                assert!(near(a, b), "firm {f}: extra stock {a} vs {b}")
                            }
                            (a, b) => assert_eq!(a, b, "firm {f}: extra stock"),
                        }
                        c[2] = 1;
                    }
                    let region = loss.region(f, ttr, Solver::DEFAULT);
                    c[3] = usize::from(region * 4 < n);
                    c[4] = usize::from(region > loss.partners(f) && region < n);
                    c
                })
                .collect();
            for c in per_firm {
                for (total, x) in counts.iter_mut().zip(c) {
                    *total += x;
                }
                checked += 1;
            }
        }
        let [lossy, short, covered, small, grown] = counts;
        assert!(
            lossy > 10 && short > 10 && covered > 5,
            "{lossy} lossy, {short} short, {covered} covered"
        );
        assert!(
            small * 2 > checked,
            "only {small} of {checked} regions under a quarter of the network"
        );
        assert!(grown > 0, "no region grew past the stopped firm's partners");
    }
}
