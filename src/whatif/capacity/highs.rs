//! HiGHS, the reference solver (the `highs` feature): solves an [`Lp`] with HiGHS' dual
//! simplex through its C API, from scratch ([`solve`], [`solve_values`]) or, after bound
//! changes, from the basis the last solve left ([`Session`]).
//!
//! This is the one module of the crate that uses `unsafe`: every call hands HiGHS an instance
//! this module created (and destroys on drop) and pointers into vectors it owns, whose lengths
//! are the sizes it passes with them. The bindings are `highs-sys`' (the C API itself), which
//! let a loaded instance change bounds and run again from where it stands.
#![allow(unsafe_code)]

use std::ffi::{c_void, CStr};

use highs_sys::{
    HighsInt, Highs_changeColBounds, Highs_create, Highs_destroy, Highs_getModelStatus,
    Highs_getObjectiveValue, Highs_getSolution, Highs_passLp, Highs_run, Highs_setBoolOptionValue,
    Highs_setDoubleOptionValue, Highs_setIntOptionValue, Highs_setStringOptionValue,
    MATRIX_FORMAT_COLUMN_WISE, MODEL_STATUS_INFEASIBLE, MODEL_STATUS_OPTIMAL,
    MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE, OBJECTIVE_SENSE_MINIMIZE, STATUS_ERROR,
};

use super::lp::{Lp, SolveError, Var};

/// The feasibility tolerances: HiGHS' tightest (its defaults are 1e-7, which can miss these
/// optima by more than the contract's 1e-7 relative).
const TOLERANCE: f64 = 1e-10;

fn failed(what: &str) -> SolveError {
    SolveError(format!("HiGHS: {what} failed"))
}

fn int(n: usize) -> Result<HighsInt, SolveError> {
    HighsInt::try_from(n).map_err(|_| SolveError("HiGHS: the problem is too large".into()))
}

/// An [`Lp`] in HiGHS' column-wise form.
struct Csc {
    cost: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    start: Vec<HighsInt>,
    index: Vec<HighsInt>,
    value: Vec<f64>,
}

impl Csc {
    fn new(lp: &Lp) -> Result<Csc, SolveError> {
        let (start, entries) = lp.columns();
        let index = entries
            .iter()
            .map(|&(i, _)| int(i))
            .collect::<Result<_, _>>()?;
        let value = entries.iter().map(|&(_, a)| a).collect();
        let (row_lower, row_upper) = lp
            .rows
            .iter()
            .map(|r| {
                if r.at_least {
                    (r.rhs, f64::INFINITY)
                } else {
                    (f64::NEG_INFINITY, r.rhs)
                }
            })
            .unzip();
        Ok(Csc {
            cost: lp.cols.iter().map(|c| c.cost).collect(),
            lower: lp.cols.iter().map(|c| c.lower).collect(),
            upper: lp.cols.iter().map(|c| c.upper).collect(),
            row_lower,
            row_upper,
            start: start[..lp.cols.len()]
                .iter()
                .map(|&s| int(s))
                .collect::<Result<_, _>>()?,
            index,
            value,
        })
    }
}

/// One HiGHS instance, quiet, single-threaded (the sweep runs many at once), with tight
/// tolerances.
struct Instance(*mut c_void);

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: the pointer came from Highs_create and is destroyed once, here.
        unsafe { Highs_destroy(self.0) }
    }
}

fn check(status: HighsInt, what: &str) -> Result<(), SolveError> {
    if status == STATUS_ERROR {
        Err(failed(what))
    } else {
        Ok(())
    }
}

impl Instance {
    /// An instance loaded with `c`, with presolve on (a solve from scratch) or off.
    fn new(c: &Csc, presolve: bool) -> Result<Instance, SolveError> {
        // SAFETY: Highs_create takes nothing and returns a new instance (null on failure).
        let h = Instance(unsafe { Highs_create() });
        if h.0.is_null() {
            return Err(failed("creating an instance"));
        }
        h.set_bool(c"output_flag", false)?;
        h.set_int(c"threads", 1)?;
        h.set_string(c"solver", c"simplex")?;
        h.set_string(c"presolve", if presolve { c"choose" } else { c"off" })?;
        h.set_double(c"primal_feasibility_tolerance", TOLERANCE)?;
        h.set_double(c"dual_feasibility_tolerance", TOLERANCE)?;
        let (n, m) = (c.cost.len(), c.row_lower.len());
        // SAFETY: every array has the length HiGHS reads from it: n columns (cost, bounds,
        // starts), m rows (bounds), nnz entries (indices, values); each start is at most nnz
        // and each index below m, by construction in Csc::new.
        let status = unsafe {
            Highs_passLp(
                h.0,
                int(n)?,
                int(m)?,
                int(c.value.len())?,
                MATRIX_FORMAT_COLUMN_WISE,
                OBJECTIVE_SENSE_MINIMIZE,
                0.0,
                c.cost.as_ptr(),
                c.lower.as_ptr(),
                c.upper.as_ptr(),
                c.row_lower.as_ptr(),
                c.row_upper.as_ptr(),
                c.start.as_ptr(),
                c.index.as_ptr(),
                c.value.as_ptr(),
            )
        };
        check(status, "loading the problem")?;
        Ok(h)
    }

    fn set_bool(&self, name: &CStr, v: bool) -> Result<(), SolveError> {
        // SAFETY: a live instance and a NUL-terminated option name.
        check(
            unsafe { Highs_setBoolOptionValue(self.0, name.as_ptr(), HighsInt::from(v)) },
            "setting an option",
        )
    }

    fn set_int(&self, name: &CStr, v: HighsInt) -> Result<(), SolveError> {
        // SAFETY: as in set_bool.
        check(
            unsafe { Highs_setIntOptionValue(self.0, name.as_ptr(), v) },
            "setting an option",
        )
    }

    fn set_double(&self, name: &CStr, v: f64) -> Result<(), SolveError> {
        // SAFETY: as in set_bool.
        check(
            unsafe { Highs_setDoubleOptionValue(self.0, name.as_ptr(), v) },
            "setting an option",
        )
    }

    fn set_string(&self, name: &CStr, v: &CStr) -> Result<(), SolveError> {
        // SAFETY: as in set_bool, and a NUL-terminated value.
        check(
            unsafe { Highs_setStringOptionValue(self.0, name.as_ptr(), v.as_ptr()) },
            "setting an option",
        )
    }

    /// Runs the solver: the optimal objective, `None` when the problem is infeasible.
    fn run(&self) -> Result<Option<f64>, SolveError> {
        // SAFETY: a live, loaded instance.
        check(unsafe { Highs_run(self.0) }, "solving")?;
        // SAFETY: as above.
        let status = unsafe { Highs_getModelStatus(self.0) };
        // These problems are never unbounded (costs >= 0 on variables >= 0), so "unbounded
        // or infeasible" is infeasible.
        if status == MODEL_STATUS_OPTIMAL {
            // SAFETY: as above.
            Ok(Some(unsafe { Highs_getObjectiveValue(self.0) }))
        } else if status == MODEL_STATUS_INFEASIBLE
            || status == MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE
        {
            Ok(None)
        } else {
            Err(SolveError(format!(
                "HiGHS ended with model status {status}"
            )))
        }
    }
}

/// Solves `lp` from scratch: the optimum, `None` when infeasible.
pub(super) fn solve(lp: &Lp) -> Result<Option<f64>, SolveError> {
    Instance::new(&Csc::new(lp)?, true)?.run()
}

/// Solves `lp` from scratch: the optimum and every variable's value, `None` when infeasible.
pub(super) fn solve_values(lp: &Lp) -> Result<Option<(f64, Vec<f64>)>, SolveError> {
    let c = Csc::new(lp)?;
    let h = Instance::new(&c, true)?;
    let Some(optimum) = h.run()? else {
        return Ok(None);
    };
    let (n, m) = (c.cost.len(), c.row_lower.len());
    let (mut col_value, mut col_dual) = (vec![0.0; n], vec![0.0; n]);
    let (mut row_value, mut row_dual) = (vec![0.0; m], vec![0.0; m]);
    // SAFETY: a live, solved instance; each array has one entry per column or per row of the
    // loaded problem, as HiGHS writes them.
    let status = unsafe {
        Highs_getSolution(
            h.0,
            col_value.as_mut_ptr(),
            col_dual.as_mut_ptr(),
            row_value.as_mut_ptr(),
            row_dual.as_mut_ptr(),
        )
    };
    check(status, "reading the solution")?;
    Ok(Some((optimum, col_value)))
}

/// One instance re-solved after each change of bounds from the basis it holds (HiGHS keeps
/// the last optimal basis of a loaded problem and starts its next run from it).
pub(super) struct Session(Instance);

impl Session {
    /// `lp` solved from scratch (with presolve); later solves start from its optimal basis.
    pub(super) fn new(lp: &Lp) -> Result<Session, SolveError> {
        let h = Instance::new(&Csc::new(lp)?, true)?;
        if h.run()?.is_none() {
            return Err(SolveError(
                "a feasible problem was reported infeasible".into(),
            ));
        }
        // Presolve would start each later run from scratch.
        h.set_string(c"presolve", c"off")?;
        Ok(Session(h))
    }

    fn change(&self, edits: &[(Var, f64, f64)]) -> Result<(), SolveError> {
        for &(v, lower, upper) in edits {
            // SAFETY: a live instance; the index is a column of the loaded problem.
            let status = unsafe { Highs_changeColBounds(self.0 .0, int(v)?, lower, upper) };
            check(status, "changing a bound")?;
        }
        Ok(())
    }

    /// The optimum with each `(variable, lower, upper)` of `edits` as its bounds (`None`:
    /// infeasible), from the basis the last solve left.
    pub(super) fn solve(&mut self, edits: &[(Var, f64, f64)]) -> Result<Option<f64>, SolveError> {
        self.change(edits)?;
        self.0.run()
    }
}
