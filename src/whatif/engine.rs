//! What-if cutoffs (MODEL.md §5–6): availability propagation, time to survive, and the
//! incremental re-propagation that makes N-1 sweeps cost about the sum of downstream cones.
//!
//! Availability is computed once for the intact network ([`Engine::baseline`]). A cut then
//! lowers capacities and re-evaluates only what lies downstream of it, strongly connected
//! component by component in topological order; a firm whose value does not change stops the
//! wave. All scratch state lives in [`Scratch`], one per thread, and is reset after each use.
//!
//! An edge cut (`lane:`, `component:`) lowers what some sourcing rows deliver instead of a
//! capacity: [`Engine::propagate_edges`] sets those rows' pass-through and starts the wave at
//! their buyers. The pass-through array exists only while a scenario with edge cuts is being
//! evaluated; without one, [`Engine::eval`] runs its plain inner loop, so the sweeps (which
//! never cut edges) pay nothing for it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::SupplyGraph;
use crate::model::{Dataset, FirmIdx};

/// Iteration inside a cycle stops when no value changes by more than this (MODEL §5).
pub(crate) const CONVERGENCE: f64 = 1e-12;
/// Safety bound on the work inside one cycle, in evaluations per member (with a floor and a
/// ceiling), so that no input can make scrisk spin for ever.
const MAX_CYCLE_SWEEPS: usize = 2_000;

/// The propagation engine for one dataset.
pub(crate) struct Engine<'a> {
    g: &'a SupplyGraph,
    /// Availability of every firm with nothing cut.
    base: Vec<f64>,
    /// The sourcing rows as (supplier, share), in the dataset's order (by buyer, component,
    /// supplier): a compact copy that keeps the inner loop of [`Engine::eval`] in cache.
    input_supplier: Vec<u32>,
    input_share: Vec<f64>,
    /// For each firm, its first component group in `group_end` (CSR offsets, firms + 1).
    group_start: Vec<u32>,
    /// For each (buyer, component) group, the end of its rows in the input arrays.
    group_end: Vec<u32>,
    /// Each firm's `stock_days` (missing = 0): the weight of a firm on a time-to-survive path.
    stock: Vec<f64>,
    /// Each firm's unit of work in a wave ([`Unit`]).
    unit: Vec<Unit>,
    /// Each firm's buyers as (their unit, its level), in [`SupplyGraph::buyers`] order: CSR
    /// offsets (firms + 1) and entries. A wave reads only these when a firm changes: one
    /// sequential read per firm instead of three scattered ones per buyer (its component, that
    /// component's level and its queued flag were most of the sweep's cache misses).
    buyer_start: Vec<u32>,
    buyer_units: Vec<(Unit, u32)>,
    /// Every edge's inventory days and every firm's `stock_days` is a whole number: time to
    /// survive is then found with a bucket queue instead of a heap ([`Engine::time_to_survive_from`]).
    whole_days: bool,
}

/// The longest search limit, in days, that the bucket queue of time to survive handles; past
/// it (or with fractional days) the search uses a binary heap.
const BUCKET_DAYS: f64 = 65_536.0;

/// What a wave solves as one step: a firm outside every cycle (its index), or a whole cycle
/// (its index in [`SupplyGraph::sccs`] with [`CYCLE`] set). A firm outside cycles is its own
/// component, so the queue holds firm indices directly and never looks the component up.
type Unit = u32;
/// Marks a [`Unit`] that is a cycle.
const CYCLE: Unit = 1 << 31;

/// The pass-through of one sourcing row under a scenario's edge cuts (MODEL §5's e(B, K, S)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RowPass {
    /// Index of the row in [`Dataset::sourcing`].
    pub(crate) row: usize,
    /// The row's buyer, where the change enters the network.
    pub(crate) buyer: FirmIdx,
    /// The product of (1 - severity) over the edge cuts that match the row, in [0, 1).
    pub(crate) pass: f64,
}

/// Per-thread scratch space for propagation and time-to-survive searches.
pub(crate) struct Scratch {
    a: Vec<f64>,
    cap: Vec<f64>,
    touched: Vec<FirmIdx>,
    is_touched: Vec<bool>,
    /// Units waiting to be solved, bucketed by level; `levels` holds the non-empty ones.
    buckets: Vec<Vec<Unit>>,
    levels: BinaryHeap<Reverse<u32>>,
    /// Bit sets of the queued units: firms outside cycles, and cycles.
    queued_firms: Vec<u64>,
    queued_cycles: Vec<u64>,
    dist: Vec<f64>,
    dist_touched: Vec<FirmIdx>,
    /// The bucket queue of time to survive: firms by whole days reached.
    days: Vec<Vec<u32>>,
    /// Scratch of the radix sort of a level's units.
    sorted: Vec<Unit>,
    /// Pass-through of each sourcing row (MODEL §5's e), in the dataset's row order, while edge
    /// cuts are propagated; empty otherwise (every row passes everything).
    pass: Vec<f64>,
    /// Set when a cycle hit [`MAX_CYCLE_SWEEPS`] before converging.
    pub(crate) unconverged: bool,
}

/// Total order on non-negative distances for the Dijkstra heap.
struct Dist(f64);
impl PartialEq for Dist {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o).is_eq()
    }
}
impl Eq for Dist {}
impl PartialOrd for Dist {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Dist {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}

impl<'a> Engine<'a> {
    /// Computes the baseline availability (nothing cut).
    pub(crate) fn new(ds: &'a Dataset, g: &'a SupplyGraph) -> Self {
        let input_supplier: Vec<u32> = ds.sourcing.iter().map(|r| r.supplier as u32).collect();
        let input_share: Vec<f64> = ds.sourcing.iter().map(|r| r.share).collect();
        let mut group_start = Vec::with_capacity(ds.firms.len() + 1);
        let mut group_end = Vec::new();
        for f in 0..ds.firms.len() {
            group_start.push(group_end.len() as u32);
            let rows = g.rows_of(f);
            let mut end = rows.start;
            for run in ds.sourcing[rows].chunk_by(|a, b| a.component == b.component) {
                end += run.len();
                group_end.push(end as u32);
            }
        }
        group_start.push(group_end.len() as u32);
        let n = ds.firms.len();
        assert!(
            n < CYCLE as usize && g.sccs.len() < CYCLE as usize,
            "the engine indexes firms and components with 31 bits"
        );
        let unit: Vec<Unit> = (0..n)
            .map(|f| {
                let c = g.scc_of[f];
                if g.sccs[c].len() > 1 {
                    c as Unit | CYCLE
                } else {
                    f as Unit
                }
            })
            .collect();
        let mut buyer_start = Vec::with_capacity(n + 1);
        let mut buyer_units = Vec::new();
        for f in 0..n {
            buyer_start.push(buyer_units.len() as u32);
            buyer_units.extend((g.buyers(f).iter()).map(|&b| (unit[b], g.levels[g.scc_of[b]])));
        }
        buyer_start.push(buyer_units.len() as u32);
        let mut e = Engine {
            g,
            base: vec![1.0; ds.firms.len()],
            input_supplier,
            input_share,
            group_start,
            group_end,
            stock: ds
                .firms
                .iter()
                .map(|f| f.stock_days.unwrap_or(0.0))
                .collect(),
            unit,
            buyer_start,
            buyer_units,
            whole_days: false,
        };
        let whole = |d: f64| (0.0..BUCKET_DAYS).contains(&d) && d.fract() == 0.0;
        e.whole_days =
            (0..n).all(|f| whole(e.stock[f]) && g.buyer_days(f).iter().all(|&d| whole(d)));
        let cap = vec![1.0; ds.firms.len()];
        let mut a = cap.clone();
        let mut unconverged = false;
        for c in 0..g.sccs.len() {
            e.solve_scc(c, &mut a, &cap, &[], &mut unconverged);
        }
        e.base = a;
        e
    }

    /// Availability with nothing cut.
    pub(crate) fn baseline(&self) -> &[f64] {
        &self.base
    }

    /// Fresh scratch space for this engine.
    pub(crate) fn scratch(&self) -> Scratch {
        let n = self.base.len();
        Scratch {
            a: self.base.clone(),
            cap: vec![1.0; n],
            touched: Vec::new(),
            is_touched: vec![false; n],
            buckets: vec![Vec::new(); self.g.levels.iter().max().map_or(0, |&l| l as usize + 1)],
            levels: BinaryHeap::new(),
            queued_firms: vec![0; n.div_ceil(64)],
            queued_cycles: vec![0; self.g.sccs.len().div_ceil(64)],
            dist: vec![f64::INFINITY; n],
            dist_touched: Vec::new(),
            days: Vec::new(),
            sorted: Vec::new(),
            pass: Vec::new(),
            unconverged: false,
        }
    }

    /// The right-hand side of MODEL §5 for firm `f`: min of its capacity and, over each
    /// component it buys, min(1, sum of share × supplier availability). `pass` is the
    /// pass-through of every row while edge cuts are propagated, else empty (every row passes
    /// everything).
    fn eval(&self, f: FirmIdx, a: &[f64], cap: &[f64], pass: &[f64]) -> f64 {
        if !pass.is_empty() {
            return self.eval_passing(f, a, cap, pass);
        }
        let mut value = cap[f];
        let mut start = self.g.rows_of(f).start;
        let groups = self.group_start[f] as usize..self.group_start[f + 1] as usize;
        for &end in &self.group_end[groups] {
            let end = end as usize;
            let mut sum = 0.0;
            for (&supplier, &share) in self.input_supplier[start..end]
                .iter()
                .zip(&self.input_share[start..end])
            {
                let supplier = supplier as usize;
                let x = if supplier == f { cap[f] } else { a[supplier] };
                sum += share * x;
            }
            value = smaller(value, smaller(sum, 1.0));
            start = end;
        }
        value
    }

    /// [`Engine::eval`] under edge cuts: the same loop with each bought row's delivery scaled by
    /// its pass-through (the in-house row delivers the firm's own capacity; no edge cut matches
    /// it). Kept apart from `eval`'s loop, which every sweep runs: written once for both, the
    /// row index it needs cost the sweeps about 9% more instructions in that loop.
    fn eval_passing(&self, f: FirmIdx, a: &[f64], cap: &[f64], pass: &[f64]) -> f64 {
        let mut value = cap[f];
        let mut start = self.g.rows_of(f).start;
        let groups = self.group_start[f] as usize..self.group_start[f + 1] as usize;
        for &end in &self.group_end[groups] {
            let end = end as usize;
            let mut sum = 0.0;
            for ((&supplier, &share), &e) in self.input_supplier[start..end]
                .iter()
                .zip(&self.input_share[start..end])
                .zip(&pass[start..end])
            {
                let supplier = supplier as usize;
                let x = if supplier == f {
                    cap[f]
                } else {
                    e * a[supplier]
                };
                sum += share * x;
            }
            value = smaller(value, smaller(sum, 1.0));
            start = end;
        }
        value
    }

    /// Solves one strongly connected component in place; returns nothing, `a` holds the result.
    fn solve_scc(
        &self,
        c: usize,
        a: &mut [f64],
        cap: &[f64],
        pass: &[f64],
        unconverged: &mut bool,
    ) {
        let members = &self.g.sccs[c];
        if let [f] = members.as_slice() {
            a[*f] = self.eval(*f, a, cap, pass);
            return;
        }
        // Inside a cycle: start no higher than capacity and iterate to the greatest fixed
        // point; values never increase. A worklist (first every member in id order, then the
        // in-cycle buyers of whatever changed, first in first out) carries a change around a
        // long cycle in one pass where plain sweeps in id order could need one sweep per firm.
        // A member is re-queued only when its supplier moved by more than CONVERGENCE.
        for &f in members {
            a[f] = a[f].min(cap[f]);
        }
        let mut queue: std::collections::VecDeque<FirmIdx> = members.iter().copied().collect();
        let mut queued: std::collections::HashSet<FirmIdx> = members.iter().copied().collect();
        // Enough for geometric convergence at any realistic rate; past it, the values are
        // upper bounds and the report says so, instead of running for ever.
        let budget = members
            .len()
            .saturating_mul(MAX_CYCLE_SWEEPS)
            .clamp(1_000_000, 200_000_000);
        let mut evaluations = 0usize;
        while let Some(f) = queue.pop_front() {
            queued.remove(&f);
            evaluations += 1;
            if evaluations > budget {
                *unconverged = true;
                return;
            }
            let v = self.eval(f, a, cap, pass);
            let change = a[f] - v;
            a[f] = v;
            if change.abs() > CONVERGENCE {
                for &b in self.g.buyers(f) {
                    if self.g.scc_of[b] == c && queued.insert(b) {
                        queue.push_back(b);
                    }
                }
            }
        }
    }

    /// Propagates the capacities `cuts` ((firm, remaining capacity) pairs) through the
    /// network, touching only what lies downstream. Read results with [`Scratch::a`], then
    /// call [`Engine::reset`].
    pub(crate) fn propagate(&self, s: &mut Scratch, cuts: &[(FirmIdx, f64)]) {
        self.propagate_edges(s, cuts, &[]);
    }

    /// [`Engine::propagate`] with edge cuts too: `edges` gives the pass-through of the rows
    /// they match. A cut row changes its buyer's inputs, not any capacity, so the wave starts
    /// at the buyers of the cut rows as well as at the cut firms.
    pub(crate) fn propagate_edges(
        &self,
        s: &mut Scratch,
        cuts: &[(FirmIdx, f64)],
        edges: &[RowPass],
    ) {
        for &(f, c) in cuts {
            s.cap[f] = c;
            self.touch(s, f);
            self.enqueue(s, self.unit[f], self.g.levels[self.g.scc_of[f]]);
        }
        if !edges.is_empty() {
            s.pass.resize(self.input_share.len(), 1.0);
        }
        for e in edges {
            s.pass[e.row] = e.pass;
            self.touch(s, e.buyer);
            self.enqueue(s, self.unit[e.buyer], self.g.levels[self.g.scc_of[e.buyer]]);
        }
        let mut before: Vec<f64> = Vec::new();
        while let Some(Reverse(level)) = s.levels.pop() {
            let mut bucket = std::mem::take(&mut s.buckets[level as usize]);
            // Units of one level are independent, so their order is free: in index order the
            // firms' rows and buyer lists are read front to back (the hardware prefetches
            // them) instead of at random, most of the cost of a large sweep.
            sort_units(&mut bucket, &mut s.sorted);
            for &u in &bucket {
                if u & CYCLE == 0 {
                    let f = u as usize;
                    clear_bit(&mut s.queued_firms, f);
                    let old = s.a[f];
                    s.a[f] = self.eval(f, &s.a, &s.cap, &s.pass);
                    if s.a[f] != old {
                        self.changed(s, f, u);
                    }
                    continue;
                }
                let c = (u & !CYCLE) as usize;
                clear_bit(&mut s.queued_cycles, c);
                let members = &self.g.sccs[c];
                before.clear();
                before.extend(members.iter().map(|&f| s.a[f]));
                self.solve_scc(c, &mut s.a, &s.cap, &s.pass, &mut s.unconverged);
                for (&f, &old) in members.iter().zip(&before) {
                    if s.a[f] != old {
                        self.changed(s, f, u);
                    }
                }
            }
            bucket.clear();
            s.buckets[level as usize] = bucket;
        }
    }

    /// Queues a unit (at its component's `level`) for solving.
    fn enqueue(&self, s: &mut Scratch, u: Unit, level: u32) {
        let queued = if u & CYCLE == 0 {
            set_bit(&mut s.queued_firms, u as usize)
        } else {
            set_bit(&mut s.queued_cycles, (u & !CYCLE) as usize)
        };
        if !queued {
            // Components of one level never feed each other, so a wave can solve a level's
            // units in any order ([`SupplyGraph::levels`]).
            let bucket = &mut s.buckets[level as usize];
            if bucket.is_empty() {
                s.levels.push(Reverse(level));
            }
            bucket.push(u);
        }
    }

    /// Firm `f` (in unit `u`) changed: it is touched and its buyers' units queued (not its
    /// own cycle's members: the cycle is being solved).
    fn changed(&self, s: &mut Scratch, f: FirmIdx, u: Unit) {
        self.touch(s, f);
        let range = self.buyer_start[f] as usize..self.buyer_start[f + 1] as usize;
        for &(bu, level) in &self.buyer_units[range] {
            if bu != u {
                self.enqueue(s, bu, level);
            }
        }
    }

    /// Availability of `f` from the current state as if `f` itself were not cut (capacity 1):
    /// what an end firm can make from what its suppliers still deliver.
    pub(crate) fn eval_uncut(&self, s: &mut Scratch, f: FirmIdx) -> f64 {
        let saved = s.cap[f];
        s.cap[f] = 1.0;
        let v = self.eval(f, &s.a, &s.cap, &s.pass);
        s.cap[f] = saved;
        v
    }

    fn touch(&self, s: &mut Scratch, f: FirmIdx) {
        if !s.is_touched[f] {
            s.is_touched[f] = true;
            s.touched.push(f);
        }
    }

    /// Restores the scratch space to the baseline.
    pub(crate) fn reset(&self, s: &mut Scratch) {
        for &f in &s.touched {
            s.a[f] = self.base[f];
            s.cap[f] = 1.0;
            s.is_touched[f] = false;
        }
        s.touched.clear();
        s.pass.clear();
        for &f in &s.dist_touched {
            s.dist[f] = f64::INFINITY;
        }
        s.dist_touched.clear();
    }

    /// Time to survive from a cut to every firm downstream (MODEL §6): the smallest sum, along
    /// a path from any of the `starts`, of the inventory days on its edges and the
    /// `stock_days` of its firms. Each start is a firm and the days already survived on
    /// reaching it: 0 for a cut firm (its own stock is then added: both ends of a path count),
    /// for an edge cut its buyer and the cut rows' inventory days (the buyer's stock is added,
    /// the supplier's never: it is behind the cut). Unreached firms stay infinite. Read with
    /// [`Scratch::tts`]; [`Engine::reset`] clears it.
    pub(crate) fn time_to_survive(
        &self,
        s: &mut Scratch,
        starts: impl IntoIterator<Item = (FirmIdx, f64)>,
    ) {
        self.time_to_survive_from(s, starts, f64::INFINITY);
    }

    /// [`Engine::time_to_survive`] from cut firms only, searching only paths shorter than
    /// `limit` days: firms farther away stay unreached. A sweep needs no more: a time to
    /// survive at or beyond the time to recover means no exposure days.
    pub(crate) fn time_to_survive_below(&self, s: &mut Scratch, sources: &[FirmIdx], limit: f64) {
        self.time_to_survive_from(s, sources.iter().map(|&f| (f, 0.0)), limit);
    }

    /// The multi-source search behind both: Dijkstra from every start at its own distance.
    /// With whole days and a finite limit (the sweeps), a bucket per day replaces the heap
    /// (Dial's algorithm). Both settle each firm once at its final distance and relax its
    /// buyers from there, so every distance is the same smallest sum, computed the same way.
    fn time_to_survive_from(
        &self,
        s: &mut Scratch,
        starts: impl IntoIterator<Item = (FirmIdx, f64)>,
        limit: f64,
    ) {
        let starts: Vec<(FirmIdx, f64)> = starts
            .into_iter()
            .map(|(f, d)| (f, d + self.stock[f]))
            .collect();
        let buckets = self.whole_days
            && limit <= BUCKET_DAYS
            && starts.iter().all(|&(_, d)| d.fract() == 0.0);
        if buckets {
            self.survive_by_day(s, &starts, limit);
        } else {
            self.survive_by_heap(s, &starts, limit);
        }
    }

    /// Sets firm `f`'s distance to `d` if that is shorter and within `limit`; returns whether.
    fn reach(s: &mut Scratch, f: FirmIdx, d: f64, limit: f64) -> bool {
        if d < s.dist[f] && d < limit {
            if s.dist[f].is_infinite() {
                s.dist_touched.push(f);
            }
            s.dist[f] = d;
            true
        } else {
            false
        }
    }

    /// [`Engine::time_to_survive_from`] with a binary heap. Firm weights (finished stock) are
    /// added where a path enters a firm, its start included (`starts` carry theirs); all
    /// weights are >= 0, so Dijkstra holds.
    fn survive_by_heap(&self, s: &mut Scratch, starts: &[(FirmIdx, f64)], limit: f64) {
        let mut heap: BinaryHeap<Reverse<(Dist, FirmIdx)>> = BinaryHeap::new();
        for &(f, d) in starts {
            if Self::reach(s, f, d, limit) {
                heap.push(Reverse((Dist(d), f)));
            }
        }
        while let Some(Reverse((Dist(d), f))) = heap.pop() {
            if d > s.dist[f] {
                continue;
            }
            for (&b, &days) in self.g.buyers(f).iter().zip(self.g.buyer_days(f)) {
                let nd = d + days + self.stock[b];
                if Self::reach(s, b, nd, limit) {
                    heap.push(Reverse((Dist(nd), b)));
                }
            }
        }
    }

    /// [`Engine::time_to_survive_from`] with a bucket per whole day below `limit`
    /// (<= [`BUCKET_DAYS`]): every distance is a whole number of days, so the buckets are
    /// visited in order and a firm is settled when its bucket is reached (a zero-day edge
    /// adds to the bucket being visited).
    fn survive_by_day(&self, s: &mut Scratch, starts: &[(FirmIdx, f64)], limit: f64) {
        let top = limit.ceil() as usize;
        if s.days.len() < top {
            s.days.resize_with(top, Vec::new);
        }
        let mut last = 0;
        for &(f, d) in starts {
            if Self::reach(s, f, d, limit) {
                s.days[d as usize].push(f as u32);
                last = last.max(d as usize);
            }
        }
        let mut day = 0;
        while day <= last {
            let mut bucket = std::mem::take(&mut s.days[day]);
            let mut k = 0;
            while k < bucket.len() {
                let f = bucket[k] as usize;
                k += 1;
                let d = day as f64;
                if d > s.dist[f] {
                    continue;
                }
                for (&b, &days) in self.g.buyers(f).iter().zip(self.g.buyer_days(f)) {
                    let nd = d + days + self.stock[b];
                    if Self::reach(s, b, nd, limit) {
                        let i = nd as usize;
                        if i == day {
                            bucket.push(b as u32);
                        } else {
                            s.days[i].push(b as u32);
                            last = last.max(i);
                        }
                    }
                }
            }
            bucket.clear();
            s.days[day] = bucket;
            day += 1;
        }
    }
}

/// The smaller of two availabilities. They are never NaN (shares, capacities and
/// availabilities are finite), so this is `f64::min` without its NaN handling, which cost a
/// few instructions in the innermost loop.
#[inline]
fn smaller(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// Sorts a level's units in index order: a radix sort (three passes of 11 bits) for long
/// lists, where the comparison sort was a tenth of a large sweep's time.
fn sort_units(units: &mut Vec<Unit>, tmp: &mut Vec<Unit>) {
    if units.len() < 256 {
        units.sort_unstable();
        return;
    }
    tmp.clear();
    tmp.resize(units.len(), 0);
    let mut counts = [0usize; 2048];
    for shift in [0u32, 11, 22] {
        counts.fill(0);
        for &u in units.iter() {
            counts[(u >> shift) as usize & 2047] += 1;
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = at;
            at += n;
        }
        for &u in units.iter() {
            let d = (u >> shift) as usize & 2047;
            tmp[counts[d]] = u;
            counts[d] += 1;
        }
        std::mem::swap(units, tmp);
    }
}

/// Sets bit `i`; returns whether it was set already.
fn set_bit(bits: &mut [u64], i: usize) -> bool {
    let (word, mask) = (i / 64, 1u64 << (i % 64));
    let was = bits[word] & mask != 0;
    bits[word] |= mask;
    was
}

fn clear_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] &= !(1u64 << (i % 64));
}

impl Scratch {
    /// Firms whose capacity or availability the last propagation changed (in no particular
    /// order); every other firm is at its baseline.
    pub(crate) fn touched(&self) -> &[FirmIdx] {
        &self.touched
    }

    /// Current availability of a firm.
    pub(crate) fn a(&self, f: FirmIdx) -> f64 {
        self.a[f]
    }

    /// Time to survive of a firm after [`Engine::time_to_survive`]; `None` when unreached.
    pub(crate) fn tts(&self, f: FirmIdx) -> Option<f64> {
        let d = self.dist[f];
        d.is_finite().then_some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

    /// Time to survive from `n` below `limit` by one search, as a vector over firms.
    fn survival(e: &Engine, s: &mut Scratch, n: FirmIdx, limit: f64, buckets: bool) -> Vec<f64> {
        let start = [(n, e.stock[n])];
        if buckets {
            e.survive_by_day(s, &start, limit);
        } else {
            e.survive_by_heap(s, &start, limit);
        }
        let out = s.dist.clone();
        e.reset(s);
        out
    }

    #[test]
    fn the_radix_sort_of_units_sorts() {
        let mut x: u64 = 12345;
        let mut tmp = Vec::new();
        for len in [0, 1, 255, 256, 257, 5000] {
            let mut units: Vec<Unit> = (0..len)
                .map(|i| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let u = (x >> 40) as Unit % 200_000;
                    if i % 7 == 0 {
                        u | CYCLE
                    } else {
                        u
                    }
                })
                .collect();
            let mut want = units.clone();
            want.sort_unstable();
            sort_units(&mut units, &mut tmp);
            assert_eq!(units, want, "length {len}");
        }
    }

    #[test]
    fn the_bucket_queue_finds_the_heaps_times_to_survive_bit_for_bit() {
        // A generated network (whole inventory days, supply cycles), every firm cut in turn.
        let ds = crate::testing::synthetic(600, 7);
        let g = SupplyGraph::build(&ds);
        let e = Engine::new(&ds, &g);
        assert!(e.whole_days, "generated inventory days are whole");
        let mut s = e.scratch();
        let mut reached = 0;
        for n in 0..ds.firms.len() {
            for limit in [1.0, 30.0, 95.5, 400.0] {
                let heap = survival(&e, &mut s, n, limit, false);
                let days = survival(&e, &mut s, n, limit, true);
                assert_eq!(heap, days, "firm {n}, limit {limit}");
                reached += heap.iter().filter(|d| d.is_finite()).count();
            }
        }
        assert!(
            reached > 10 * ds.firms.len(),
            "the searches go somewhere: {reached}"
        );
        // Fractional days anywhere: the heap is used.
        let half = Net::new().buys("oem", "k0", "a", 1.0).days(2.5).build();
        let g = SupplyGraph::build(&half);
        assert!(!Engine::new(&half, &g).whole_days);
    }

    fn run(ds: &Dataset, cuts: &[(&str, f64)]) -> Vec<f64> {
        let g = SupplyGraph::build(ds);
        let e = Engine::new(ds, &g);
        let mut s = e.scratch();
        let cuts: Vec<(FirmIdx, f64)> = cuts
            .iter()
            .map(|&(id, c)| (ds.firm_index(id).unwrap(), c))
            .collect();
        e.propagate(&mut s, &cuts);
        let out = (0..ds.firms.len()).map(|f| s.a(f)).collect();
        e.reset(&mut s);
        assert_eq!(s.a, e.base, "reset restores the baseline");
        out
    }

    #[test]
    fn leontief_min_over_inputs_and_sum_over_suppliers() {
        // oem needs k0 (a 0.6, b 0.4) and k1 (c 1.0).
        let ds = Net::new()
            .firm("c")
            .country("DE")
            .buys("oem", "k0", "a", 0.6)
            .buys("oem", "k0", "b", 0.4)
            .buys("oem", "k1", "c", 1.0)
            .build();
        let oem = 3;
        assert_eq!(run(&ds, &[("a", 0.0)])[oem], 0.4);
        assert_eq!(run(&ds, &[("a", 0.5)])[oem], 0.7);
        assert_eq!(run(&ds, &[("c", 0.25)])[oem], 0.25);
        assert_eq!(run(&ds, &[("a", 0.0), ("c", 0.25)])[oem], 0.25);
        assert_eq!(run(&ds, &[("oem", 0.1)])[oem], 0.1);
        assert_eq!(run(&ds, &[])[oem], 1.0);
    }

    #[test]
    fn in_house_rows_use_own_capacity() {
        // oem makes 40% of k0 itself, buys 60% from a.
        let ds = Net::new()
            .buys("oem", "k0", "a", 0.6)
            .buys("oem", "k0", "oem", 0.4)
            .build();
        // Cut a: only the in-house 40% is left.
        assert!((run(&ds, &[("a", 0.0)])[1] - 0.4).abs() < 1e-15);
        // oem at 20% capacity: min(0.2, 0.6 + 0.4 * 0.2) = 0.2.
        assert!((run(&ds, &[("oem", 0.2)])[1] - 0.2).abs() < 1e-15);
    }

    #[test]
    fn cycles_converge_to_the_greatest_fixed_point() {
        // a needs k0 from m (0.5) and from b (0.5); b needs k1 from a (1.0). oem buys from b.
        // Cut m: a = 0.5 * 0 + 0.5 * b, b = a  =>  greatest fixed point 0.
        let ds = Net::new()
            .buys("a", "k0", "m", 0.5)
            .buys("a", "k0", "b", 0.5)
            .buys("b", "k1", "a", 1.0)
            .buys("oem", "k1", "b", 1.0)
            .build();
        let a = run(&ds, &[("m", 0.0)]);
        assert!(a[3] <= 1e-11, "oem {}", a[3]);
        // Halving m: a = 0.25 + 0.5 a  =>  a = 0.5.
        let a = run(&ds, &[("m", 0.5)]);
        assert!((a[3] - 0.5).abs() < 1e-11);
    }

    #[test]
    fn time_to_survive_is_the_best_buffered_path() {
        // m -> x -> oem with 5 + 10 days, m -> y -> oem with 4 + 3 days.
        let ds = Net::new()
            .buys("x", "k0", "m", 1.0)
            .days(5.0)
            .buys("y", "k0", "m", 1.0)
            .days(4.0)
            .buys("oem", "k1", "x", 0.5)
            .days(10.0)
            .buys("oem", "k1", "y", 0.5)
            .days(3.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let e = Engine::new(&ds, &g);
        let mut s = e.scratch();
        let id = |x: &str| ds.firm_index(x).unwrap();
        e.time_to_survive(&mut s, [(id("m"), 0.0)]);
        // m->x->oem 15, m->y->oem 7.
        assert_eq!(s.tts(id("oem")), Some(7.0));
        assert_eq!(s.tts(id("m")), Some(0.0));
        e.reset(&mut s);
        assert_eq!(s.tts(id("oem")), None);
    }

    #[test]
    fn time_to_survive_adds_the_finished_stock_of_every_firm_on_the_path() {
        // The network above, with stock_days m 2, x 1, y 20, oem 6. By hand (MODEL §6: edge
        // days plus the stock of every firm of the path, both ends included):
        // m->x->oem = 2 + 5 + 1 + 10 + 6 = 24; m->y->oem = 2 + 4 + 20 + 3 + 6 = 35.
        let ds = Net::new()
            .firm("m")
            .stock(2.0)
            .firm("x")
            .stock(1.0)
            .firm("y")
            .stock(20.0)
            .firm("oem")
            .stock(6.0)
            .buys("x", "k0", "m", 1.0)
            .days(5.0)
            .buys("y", "k0", "m", 1.0)
            .days(4.0)
            .buys("oem", "k1", "x", 0.5)
            .days(10.0)
            .buys("oem", "k1", "y", 0.5)
            .days(3.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let e = Engine::new(&ds, &g);
        let mut s = e.scratch();
        let id = |x: &str| ds.firm_index(x).unwrap();
        e.time_to_survive(&mut s, [(id("m"), 0.0)]);
        assert_eq!(s.tts(id("m")), Some(2.0));
        assert_eq!(s.tts(id("x")), Some(8.0));
        assert_eq!(s.tts(id("y")), Some(26.0));
        assert_eq!(s.tts(id("oem")), Some(24.0));
        e.reset(&mut s);
        // A cut end firm survives on its own finished stock: TTS(E -> E) = stock_days(E).
        e.time_to_survive(&mut s, [(id("oem"), 0.0)]);
        assert_eq!(s.tts(id("oem")), Some(6.0));
        e.reset(&mut s);
        // Below a limit, only paths shorter than it count: 24 is not below 24.
        e.time_to_survive_below(&mut s, &[id("m")], 24.0);
        assert_eq!(s.tts(id("oem")), None);
        assert_eq!(s.tts(id("x")), Some(8.0));
        e.reset(&mut s);
        e.time_to_survive_below(&mut s, &[id("y")], 20.0);
        assert_eq!(s.tts(id("y")), None, "its own stock reaches the limit");
        e.reset(&mut s);
        // Several sources: the best path from any of them (y->oem = 20 + 3 + 6 = 29 > 24).
        e.time_to_survive(&mut s, [(id("y"), 0.0), (id("m"), 0.0)]);
        assert_eq!(s.tts(id("oem")), Some(24.0));
    }

    #[test]
    fn an_edge_cut_starts_at_the_buyer_and_reset_forgets_it() {
        // oem buys k0 from a (0.6) and b (0.4); x buys k0 from a.
        let ds = Net::new()
            .buys("oem", "k0", "a", 0.6)
            .buys("oem", "k0", "b", 0.4)
            .buys("x", "k0", "a", 1.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let e = Engine::new(&ds, &g);
        let mut s = e.scratch();
        let id = |x: &str| ds.firm_index(x).unwrap();
        let row = ds
            .sourcing
            .iter()
            .position(|r| r.buyer == id("oem") && r.supplier == id("a"))
            .unwrap();
        let edge = RowPass {
            row,
            buyer: id("oem"),
            pass: 0.25,
        };
        e.propagate_edges(&mut s, &[], &[edge]);
        // oem: 0.6 * 0.25 * a + 0.4 * b = 0.15 + 0.4 = 0.55; a itself and x are not touched.
        assert!((s.a(id("oem")) - 0.55).abs() < 1e-15);
        assert_eq!((s.a(id("a")), s.a(id("x"))), (1.0, 1.0));
        assert_eq!(s.touched(), [id("oem")]);
        e.reset(&mut s);
        assert_eq!(s.a, e.base);
        assert!(s.pass.is_empty(), "the sweeps get the plain loop again");
        // A firm cut after the reset sees no edge cut: cutting b leaves oem 0.6.
        e.propagate(&mut s, &[(id("b"), 0.0)]);
        assert!((s.a(id("oem")) - 0.6).abs() < 1e-15);
    }

    #[test]
    fn time_to_survive_takes_each_start_at_its_own_distance() {
        // a -> b -> c with 4 + 6 days; starting b at 3 and a at 0: c = min(0 + 4 + 6, 3 + 6) = 9.
        let ds = Net::new()
            .buys("b", "k0", "a", 1.0)
            .days(4.0)
            .buys("c", "k1", "b", 1.0)
            .days(6.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let e = Engine::new(&ds, &g);
        let mut s = e.scratch();
        let id = |x: &str| ds.firm_index(x).unwrap();
        e.time_to_survive(&mut s, [(id("a"), 0.0), (id("b"), 3.0)]);
        assert_eq!(
            [s.tts(id("a")), s.tts(id("b")), s.tts(id("c"))],
            [Some(0.0), Some(3.0), Some(9.0)]
        );
        e.reset(&mut s);
        // A start farther than the path through a: b = min(0 + 4, 7) = 4.
        e.time_to_survive(&mut s, [(id("b"), 7.0), (id("a"), 0.0)]);
        assert_eq!(s.tts(id("b")), Some(4.0));
    }
}
