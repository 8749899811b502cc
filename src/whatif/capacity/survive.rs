//! The time to survive (MODEL.md §8) found on the loss problem's curve, by Newton's method,
//! instead of by solving the survival problem itself.
//!
//! Write t = 1 / T and L(t) for the loss problem's optimum per day with the stock of every pair
//! and firm spread over T days (the counted end firms' lost sales per day, as a fraction of
//! their normal final sales). The survival problem asks for the longest T with no loss at all,
//! that is the smallest t >= 1 / 36,500 with L(t) = 0. As a function of t, L is the optimum of
//! a linear program whose right-hand side moves linearly with t (stock / T), so it is convex
//! and piecewise linear; more stock per day never hurts, so it is non-increasing; and it is
//! never negative. Newton's method from the left therefore reaches the root from below without
//! passing it, and lands on it exactly once it is on the last linear piece: at most one step
//! per piece, two loss solves a step.
//!
//! Each step takes the slope of the secant on the left of the current point. By convexity that
//! secant is at least as steep as the curve on the right, so the step never overshoots the
//! root, and on the last piece the secant is that piece. (The survival problem itself, with
//! 1 / T as a variable in every row that holds stock, is the slow one for both solvers: on a
//! generated 1,000-firm network microlp took 17 s a firm for it against 2.3 s for the loss
//! problem.)
//!
//! Where the search cannot decide — the curve flattens above 0 but not clearly, a step would
//! leave the range where the solver's numbers are trustworthy, or too many steps — it says so
//! and the caller solves the survival problem directly.

use super::lp::TTS_CAP_DAYS;

/// The width of the left secant, relative to t.
pub(crate) const SECANT: f64 = 1e-3;
/// At most this many Newton steps (each is one piece of the curve, or more).
const MAX_STEPS: usize = 60;
/// A loss per day below this (a fraction of normal final sales) is no loss: what the solvers
/// return for an exact 0 is within about 1e-16 of it.
const NO_LOSS: f64 = 1e-14;
/// A secant whose drop is below this fraction of the loss is flat: no more stock helps.
const FLAT: f64 = 1e-9;
/// The shortest horizon the search looks at, in days: a loss even then means the network is
/// short within 1e-6 days, which MODEL §8 counts as 0 (1e-6 absolute near 0).
const SHORTEST_DAYS: f64 = 1e-6;

/// What the search found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Found {
    /// The time to survive in days (`None`: no loss even over 36,500 days). A value of
    /// 0 means short from the first day.
    Days(Option<f64>),
    /// The search could not decide: solve the survival problem itself.
    Unsure,
}

/// Whether a loss per day (a fraction of normal final sales) is no loss at all.
pub(crate) fn no_loss(l: f64) -> bool {
    l <= NO_LOSS
}

/// 1 / T of the longest horizon: where the search starts when nothing is known.
pub(crate) const FIRST: f64 = 1.0 / TTS_CAP_DAYS;
/// The least 1 / T the search asks for: the secant's on the left of [`FIRST`].
pub(crate) const LEAST: f64 = FIRST * (1.0 - SECANT);

/// The time to survive from the loss curve `loss(t)` (t = 1 / T; see the module comment),
/// searched from the longest horizon.
#[cfg(test)]
pub(crate) fn time_to_survive<E>(mut loss: impl FnMut(f64) -> Result<f64, E>) -> Result<Found, E> {
    let la = loss(FIRST)?;
    if no_loss(la) {
        return Ok(Found::Days(None));
    }
    time_to_survive_from(FIRST, la, loss)
}

/// The time to survive from the loss curve `loss(t)`, searched from `a` >= 1 / 36,500, a point
/// known to lose `la` > 0 (so the root is on its right).
pub(crate) fn time_to_survive_from<E>(
    mut a: f64,
    mut la: f64,
    mut loss: impl FnMut(f64) -> Result<f64, E>,
) -> Result<Found, E> {
    let last = 1.0 / SHORTEST_DAYS;
    for _ in 0..MAX_STEPS {
        let h = a * SECANT;
        let drop = loss(a - h)? - la;
        if drop <= FLAT * la {
            // Flat from here on (convex and non-increasing): the loss stays whatever the
            // stock, unless the drop was lost in rounding; the shortest horizon decides.
            return Ok(if loss(last)? > NO_LOSS {
                Found::Days(Some(0.0))
            } else {
                Found::Unsure
            });
        }
        let next = a + la * h / drop;
        if next >= last {
            return Ok(if loss(last)? > NO_LOSS {
                Found::Days(Some(0.0))
            } else {
                Found::Unsure
            });
        }
        let ln = loss(next)?;
        // On the root: the loss fell by ten orders of magnitude in one step (the step landed
        // on the root; what is left is rounding), or to nothing at all.
        if ln <= 1e-10 * la || ln <= 0.0 {
            return Ok(Found::Days(Some(1.0 / next)));
        }
        a = next;
        la = ln;
    }
    Ok(Found::Unsure)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// max(0, max over lines of (c - s t)): convex, piecewise linear, non-increasing; its
    /// root is the largest c / s.
    fn curve(lines: &[(f64, f64)], floor: f64) -> impl FnMut(f64) -> Result<f64, ()> + '_ {
        move |t| {
            Ok(lines
                .iter()
                .map(|&(c, s)| c - s * t)
                .fold(floor, f64::max)
                .max(0.0))
        }
    }

    fn days(lines: &[(f64, f64)]) -> f64 {
        match time_to_survive(curve(lines, 0.0)).unwrap() {
            Found::Days(Some(d)) => d,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_piece_is_found_in_one_step_exactly() {
        // Loss 0.5 - 10 t: no loss from t = 0.05, 20 days.
        let mut calls = 0;
        let found = time_to_survive(|t| {
            calls += 1;
            Ok::<_, ()>((0.5 - 10.0 * t).max(0.0))
        })
        .unwrap();
        let Found::Days(Some(d)) = found else {
            panic!("{found:?}")
        };
        assert!((d - 20.0).abs() <= 1e-9 * 20.0, "{d}");
        assert_eq!(calls, 3, "the first point, the secant, the root");
    }

    #[test]
    fn many_pieces_end_on_the_largest_root() {
        // Roots at t = 0.01, 0.02, 0.04 and 0.005: the last to reach 0 is 0.04 (25 days).
        let lines = [(0.1, 10.0), (0.2, 10.0), (0.04, 1.0), (1.0, 200.0)];
        let d = days(&lines);
        assert!((d - 25.0).abs() <= 1e-9 * 25.0, "{d}");
        // A steep piece near the root and a shallow one far out.
        let lines = [(0.9, 0.9 / 0.5), (0.001, 0.001 / 0.0001)];
        let d = days(&lines);
        assert!((d - 2.0).abs() <= 1e-9 * 2.0, "{d}");
    }

    #[test]
    fn no_loss_at_the_longest_horizon_is_never_short() {
        let found = time_to_survive(curve(&[(0.001, 100.0)], 0.0)).unwrap();
        assert_eq!(found, Found::Days(None));
    }

    #[test]
    fn a_loss_no_stock_removes_is_short_at_once() {
        // Stock helps at first, then the loss stays at 0.2 whatever the stock.
        let found = time_to_survive(curve(&[(0.5, 10.0)], 0.2)).unwrap();
        assert_eq!(found, Found::Days(Some(0.0)));
        let found = time_to_survive(curve(&[], 0.3)).unwrap();
        assert_eq!(found, Found::Days(Some(0.0)));
    }

    #[test]
    fn a_root_beyond_the_shortest_horizon_is_zero_and_a_near_flat_curve_is_unsure() {
        // Root at t = 1e8 (1e-8 days): 0 within 1e-6 days.
        let found = time_to_survive(curve(&[(1.0, 1e-8)], 0.0)).unwrap();
        assert_eq!(found, Found::Days(Some(0.0)));
        // A slope too shallow for the secant, with the root (5e5, 2e-6 days) before the
        // shortest horizon: the search gives up rather than guess.
        let found = time_to_survive(curve(&[(1.0, 2e-6)], 0.0)).unwrap();
        assert_eq!(found, Found::Unsure);
    }

    #[test]
    fn errors_of_the_loss_solve_are_passed_on() {
        let r = time_to_survive(|_| Err::<f64, _>("solver failed"));
        assert_eq!(r, Err("solver failed"));
    }
}
