//! The supplier graph (MODEL.md §2), built once from a [`Dataset`] and never mutated.
//!
//! The graph is a petgraph [`DiGraph`]: nodes are firms in sorted id order (node index ==
//! [`FirmIdx`]); each distinct supplier → buyer pair of the sourcing rows is one edge, whose
//! weight is the pair's inventory days (the smallest over its rows; missing = 0). In-house rows
//! are not edges: they are the firm's own production and stay reachable through
//! [`SupplyGraph::rows_of`]. petgraph's iterative `kosaraju_scc` finds the supply cycles; the
//! condensation levels and the flat (CSR) adjacency arrays that the propagation's hot loop
//! reads are derived from the graph here, once. A what-if cut is a capacity vector over the
//! nodes, never a removed node.

use std::ops::Range;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::NodeFiltered;
use rayon::prelude::*;

use crate::model::{Dataset, FirmIdx};

/// Reusable state of walks over the graph: a visit stamp per firm (the walk's mark) and an
/// explicit stack (no recursion, whatever the depth).
pub(crate) struct Visits {
    stamp: Vec<u32>,
    stack: Vec<FirmIdx>,
}

impl Visits {
    /// State for walks over `n` firms.
    pub(crate) fn new(n: usize) -> Self {
        Visits {
            stamp: vec![0; n],
            stack: Vec::new(),
        }
    }

    /// Visits everything reachable from `starts` along `next` (the starts included), marking it
    /// with `mark`, which must differ from 0 and from every earlier walk's.
    pub(crate) fn walk<'g>(
        &mut self,
        starts: &[FirmIdx],
        mark: u32,
        next: impl Fn(FirmIdx) -> &'g [FirmIdx],
        mut visit: impl FnMut(FirmIdx),
    ) {
        for &s in starts {
            if self.stamp[s] != mark {
                self.stamp[s] = mark;
                self.stack.push(s);
            }
        }
        while let Some(f) = self.stack.pop() {
            visit(f);
            for &x in next(f) {
                if self.stamp[x] != mark {
                    self.stamp[x] = mark;
                    self.stack.push(x);
                }
            }
        }
    }

    /// Which firms the walk marked `mark` reached.
    pub(crate) fn reached(&self, mark: u32) -> Vec<bool> {
        self.stamp.iter().map(|&s| s == mark).collect()
    }
}

/// The supplier graph and the structure derived from it.
#[derive(Debug, Clone)]
pub(crate) struct SupplyGraph {
    /// End firms (MODEL §2), sorted.
    pub(crate) end_firms: Vec<FirmIdx>,
    /// V(E) for each entry of `end_firms`.
    pub(crate) end_values: Vec<f64>,
    /// Strongly connected components in topological order (suppliers before buyers): by
    /// condensation level, then by first firm. The firms inside each are sorted.
    pub(crate) sccs: Vec<Vec<FirmIdx>>,
    /// Position in `sccs` of each firm's component.
    pub(crate) scc_of: Vec<usize>,
    /// Level of each entry of `sccs` in the condensation: 0 for components that buy from no
    /// other, else one more than the highest level they buy from. Components of one level
    /// never feed each other.
    pub(crate) levels: Vec<u32>,
    /// Sourcing rows of each firm as a buyer (a range into the sorted sourcing table).
    rows: Vec<Range<usize>>,
    /// Distinct buyers of each firm (excluding itself), sorted: CSR offsets and targets.
    buyer_start: Vec<usize>,
    buyer_list: Vec<FirmIdx>,
    /// Inventory days on each edge of `buyer_list` (the edge weights, in the same order).
    buyer_days: Vec<f64>,
    /// Distinct suppliers of each firm (excluding itself), sorted: CSR offsets and targets.
    supplier_start: Vec<usize>,
    supplier_list: Vec<FirmIdx>,
}

impl SupplyGraph {
    /// Builds the graph. The dataset's sourcing rows must be sorted by buyer (ingest does that).
    pub(crate) fn build(ds: &Dataset) -> Self {
        let n = ds.firms.len();
        let mut rows = vec![0..0; n];
        let mut start = 0;
        for run in ds.sourcing.chunk_by(|a, b| a.buyer == b.buyer) {
            rows[run[0].buyer] = start..start + run.len();
            start += run.len();
        }
        let graph = supply_graph(ds);
        let adjacency = Adjacency::of(&graph);

        let end_firms = ds.end_firms();
        let end_values = end_firms
            .iter()
            .map(|&f| match ds.firms[f].annual_output_value {
                Some(v) => v,
                None if ds.has_values => ds.sourcing[rows[f].clone()]
                    .iter()
                    .map(|r| r.annual_value.unwrap_or(0.0))
                    .sum(),
                None => 1.0,
            })
            .collect();

        let (sccs, levels) = components(&graph, &adjacency);
        let mut scc_of = vec![0; n];
        for (i, c) in sccs.iter().enumerate() {
            for &f in c {
                scc_of[f] = i;
            }
        }
        // The petgraph graph has served (edges deduplicated, adjacency, SCCs): it is dropped
        // here rather than kept as a second copy of every edge beside the arrays.
        let Adjacency {
            buyer_start,
            buyer_list,
            buyer_days,
            supplier_start,
            supplier_list,
        } = adjacency;
        SupplyGraph {
            end_firms,
            end_values,
            sccs,
            scc_of,
            levels,
            rows,
            buyer_start,
            buyer_list,
            buyer_days,
            supplier_start,
            supplier_list,
        }
    }

    /// Number of distinct supplier → buyer edges.
    #[cfg(test)]
    fn edge_count(&self) -> usize {
        self.buyer_list.len()
    }

    /// The range of [`Dataset::sourcing`] holding `firm`'s rows as a buyer.
    pub(crate) fn rows_of(&self, firm: FirmIdx) -> Range<usize> {
        self.rows[firm].clone()
    }

    /// Distinct firms `firm` supplies (other than itself), sorted.
    pub(crate) fn buyers(&self, firm: FirmIdx) -> &[FirmIdx] {
        &self.buyer_list[self.buyer_start[firm]..self.buyer_start[firm + 1]]
    }

    /// Inventory days on the edges to [`Self::buyers`], in the same order.
    pub(crate) fn buyer_days(&self, firm: FirmIdx) -> &[f64] {
        &self.buyer_days[self.buyer_start[firm]..self.buyer_start[firm + 1]]
    }

    /// Distinct firms that supply `firm` (other than itself), sorted.
    pub(crate) fn suppliers(&self, firm: FirmIdx) -> &[FirmIdx] {
        &self.supplier_list[self.supplier_start[firm]..self.supplier_start[firm + 1]]
    }

    /// Strongly connected components with more than one firm: the supply cycles.
    pub(crate) fn cycles(&self) -> impl Iterator<Item = &Vec<FirmIdx>> {
        self.sccs.iter().filter(|c| c.len() > 1)
    }
}

/// The graph of a dataset: every firm a node, every distinct supplier → buyer pair of its
/// (non-in-house) rows one edge, added in (supplier, buyer) order, carrying the smallest
/// inventory days of the pair's rows.
fn supply_graph(ds: &Dataset) -> DiGraph<(), f64> {
    // (supplier, buyer) packed into one key: a sort of ten million edges on all cores.
    let mut edges: Vec<(u64, f64)> = ds
        .sourcing
        .par_iter()
        .filter(|r| !r.is_in_house())
        .map(|r| {
            let key = ((r.supplier as u64) << 32) | r.buyer as u64;
            (key, r.inventory_days.unwrap_or(0.0))
        })
        .collect();
    edges.par_sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
    edges.dedup_by_key(|e| e.0);
    let mut graph = DiGraph::with_capacity(ds.firms.len(), edges.len());
    for _ in &ds.firms {
        graph.add_node(());
    }
    for (key, days) in edges {
        let (s, b) = ((key >> 32) as usize, (key & u64::from(u32::MAX)) as usize);
        graph.add_edge(NodeIndex::new(s), NodeIndex::new(b), days);
    }
    graph
}

/// The flat (CSR) adjacency the propagation reads, derived from the graph's edge list in one
/// pass each way (walking petgraph's per-node edge lists would chase a pointer per edge).
struct Adjacency {
    /// Distinct buyers of each firm, sorted: offsets (firms + 1) and targets.
    buyer_start: Vec<usize>,
    buyer_list: Vec<FirmIdx>,
    /// The weight (inventory days) of each edge of `buyer_list`.
    buyer_days: Vec<f64>,
    /// Distinct suppliers of each firm, sorted: offsets (firms + 1) and sources.
    supplier_start: Vec<usize>,
    supplier_list: Vec<FirmIdx>,
}

impl Adjacency {
    fn of(graph: &DiGraph<(), f64>) -> Self {
        let n = graph.node_count();
        let edges = graph.raw_edges();
        let (buyer_start, by_source) = buckets(n, edges.iter().map(|e| e.source().index()));
        let (supplier_start, by_target) = buckets(n, edges.iter().map(|e| e.target().index()));
        let mut buyer: Vec<(FirmIdx, f64)> = by_source
            .iter()
            .map(|&e| (edges[e].target().index(), edges[e].weight))
            .collect();
        let mut supplier_list: Vec<FirmIdx> = by_target
            .iter()
            .map(|&e| edges[e].source().index())
            .collect();
        // Each bucket keeps the edge list's order: sorted already when the edges were added in
        // (supplier, buyer) order, as supply_graph does.
        for f in 0..n {
            let slice = &mut buyer[buyer_start[f]..buyer_start[f + 1]];
            if !slice.is_sorted_by_key(|b| b.0) {
                slice.sort_unstable_by_key(|b| b.0);
            }
            let slice = &mut supplier_list[supplier_start[f]..supplier_start[f + 1]];
            if !slice.is_sorted() {
                slice.sort_unstable();
            }
        }
        let (buyer_list, buyer_days) = buyer.into_iter().unzip();
        Adjacency {
            buyer_start,
            buyer_list,
            buyer_days,
            supplier_start,
            supplier_list,
        }
    }

    fn buyers(&self, f: FirmIdx) -> &[FirmIdx] {
        &self.buyer_list[self.buyer_start[f]..self.buyer_start[f + 1]]
    }

    fn suppliers(&self, f: FirmIdx) -> &[FirmIdx] {
        &self.supplier_list[self.supplier_start[f]..self.supplier_start[f + 1]]
    }
}

/// A counting sort of items by key: offsets (keys + 1) and the items' positions, in each bucket
/// in their original order.
fn buckets(n: usize, keys: impl Iterator<Item = usize> + Clone) -> (Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; n + 1];
    for k in keys.clone() {
        start[k + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut items = vec![0usize; start[n]];
    for (i, k) in keys.enumerate() {
        items[next[k]] = i;
        next[k] += 1;
    }
    (start, items)
}

/// Strongly connected components in topological order (suppliers before buyers), each sorted,
/// and their condensation levels.
///
/// Most firms of a supply network are on no cycle. A firm that buys from no firm still in the
/// graph, or sells to none, is on no cycle; removing such firms one after another ("trimming",
/// the first step of the parallel SCC algorithms of Hong et al., 2013) leaves the core of firms
/// that lie both downstream and upstream of a cycle. petgraph's `kosaraju_scc` finds the
/// components of that core (it is iterative: its depth-first searches keep explicit stacks,
/// where `tarjan_scc` would recurse once per firm on a path and overflow on a chain a million
/// tiers deep); every trimmed firm is a component of its own. Levels follow in one pass over
/// the condensation in topological order (Kahn's algorithm). The components are then ordered by
/// (level, first firm): topological, and firms of one tier (close in id order in most data)
/// get neighbouring component indices, which keeps the propagation's per-component arrays in
/// cache.
fn components(graph: &DiGraph<(), f64>, adj: &Adjacency) -> (Vec<Vec<FirmIdx>>, Vec<u32>) {
    let n = graph.node_count();
    let core = cycle_core(n, adj);
    let mut sccs: Vec<Vec<FirmIdx>> = (0..n).filter(|&f| !core[f]).map(|f| vec![f]).collect();
    if core.iter().any(|&c| c) {
        let on_core = NodeFiltered::from_fn(graph, |f: NodeIndex| core[f.index()]);
        sccs.extend(petgraph::algo::kosaraju_scc(&on_core).into_iter().map(|c| {
            let mut members: Vec<FirmIdx> = c.into_iter().map(|f| f.index()).collect();
            members.sort_unstable();
            members
        }));
    }
    let mut of = vec![0u32; n];
    for (i, c) in sccs.iter().enumerate() {
        for &f in c {
            of[f] = i as u32;
        }
    }
    let level = condensation_levels(&sccs, &of, adj);
    let mut order: Vec<usize> = (0..sccs.len()).collect();
    order.sort_unstable_by_key(|&i| (level[i], sccs[i][0]));
    let levels = order.iter().map(|&i| level[i]).collect();
    // Fresh vectors allocated in the final order: the propagation reads `sccs[c]` of every
    // component it visits in about this order, so their heap blocks are laid out in it too.
    let sccs = order.iter().map(|&i| sccs[i].clone()).collect();
    (sccs, levels)
}

/// Which firms are left after trimming, again and again, every firm without a supplier left and
/// then every firm without a buyer left: the firms both downstream and upstream of a cycle.
/// A firm on a cycle is never trimmed (its cycle neighbours stay), so every trimmed firm is a
/// component of its own.
fn cycle_core(n: usize, adj: &Adjacency) -> Vec<bool> {
    let mut left = vec![true; n];
    let mut degree: Vec<usize> = (0..n).map(|f| adj.suppliers(f).len()).collect();
    let mut queue: Vec<FirmIdx> = (0..n).filter(|&f| degree[f] == 0).collect();
    while let Some(f) = queue.pop() {
        left[f] = false;
        for &b in adj.buyers(f) {
            degree[b] -= 1;
            if degree[b] == 0 {
                queue.push(b);
            }
        }
    }
    // What is left lies downstream of a cycle, and so do all its buyers.
    for f in 0..n {
        degree[f] = if left[f] { adj.buyers(f).len() } else { 0 };
    }
    queue.extend((0..n).filter(|&f| left[f] && degree[f] == 0));
    while let Some(f) = queue.pop() {
        left[f] = false;
        for &s in adj.suppliers(f) {
            if left[s] {
                degree[s] -= 1;
                if degree[s] == 0 {
                    queue.push(s);
                }
            }
        }
    }
    left
}

/// The level of each component: 0 when it buys from no other, else one more than the highest
/// level it buys from (Kahn's algorithm over the condensation, first in, first out, so that
/// components are visited about tier by tier; `of` maps firms to components). The counters are
/// `u32` so that the arrays read at random stay small enough for the processor's cache.
fn condensation_levels(sccs: &[Vec<FirmIdx>], of: &[u32], adj: &Adjacency) -> Vec<u32> {
    // A lone firm has no edge to itself: all its suppliers are in other components.
    let mut waiting: Vec<u32> = sccs
        .iter()
        .enumerate()
        .map(|(c, members)| match members.as_slice() {
            [f] => adj.suppliers(*f).len() as u32,
            _ => members
                .iter()
                .map(|&f| {
                    adj.suppliers(f)
                        .iter()
                        .filter(|&&s| of[s] as usize != c)
                        .count() as u32
                })
                .sum(),
        })
        .collect();
    let mut level = vec![0u32; sccs.len()];
    let mut queue: Vec<u32> = (0..sccs.len() as u32)
        .filter(|&c| waiting[c as usize] == 0)
        .collect();
    let mut next = 0;
    while let Some(&c) = queue.get(next) {
        next += 1;
        for &f in &sccs[c as usize] {
            for &b in adj.buyers(f) {
                let cb = of[b];
                if cb != c {
                    let cb = cb as usize;
                    level[cb] = level[cb].max(level[c as usize] + 1);
                    waiting[cb] -= 1;
                    if waiting[cb] == 0 {
                        queue.push(cb as u32);
                    }
                }
            }
        }
    }
    // The condensation of a graph has no cycle: every component is reached.
    assert_eq!(queue.len(), sccs.len(), "the condensation has a cycle");
    level
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

    /// A petgraph graph of `n` nodes and the given edges.
    fn digraph(n: usize, edges: &[(usize, usize)]) -> DiGraph<(), f64> {
        let mut g = DiGraph::with_capacity(n, edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        for &(a, b) in edges {
            g.add_edge(NodeIndex::new(a), NodeIndex::new(b), 0.0);
        }
        g
    }

    #[test]
    fn components_match_tarjan_and_come_in_topological_order_with_levels() {
        // Pseudo-random graphs, checked against petgraph's tarjan_scc as a second method.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for round in 0..200 {
            let n = 1 + round % 13;
            let mut edges = Vec::new();
            for _ in 0..(round % 29) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                edges.push(((x % n as u64) as usize, ((x >> 20) % n as u64) as usize));
            }
            edges.retain(|e| e.0 != e.1);
            edges.sort_unstable();
            edges.dedup();
            let g = digraph(n, &edges);
            let (ours, levels) = components(&g, &Adjacency::of(&g));
            let mut theirs: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&g)
                .into_iter()
                .map(|c| {
                    let mut v: Vec<usize> = c.into_iter().map(|i| i.index()).collect();
                    v.sort_unstable();
                    v
                })
                .collect();
            theirs.sort();
            let mut sorted = ours.clone();
            sorted.sort();
            assert_eq!(sorted, theirs, "round {round}: {edges:?}");
            let mut position = vec![0; n];
            for (i, c) in ours.iter().enumerate() {
                for &f in c {
                    position[f] = i;
                }
            }
            // Level: 0 without suppliers in other components, else one more than the highest.
            let mut expected = vec![0u32; ours.len()];
            for _ in 0..n {
                for &(a, b) in &edges {
                    let (ca, cb) = (position[a], position[b]);
                    if ca != cb {
                        expected[cb] = expected[cb].max(expected[ca] + 1);
                    }
                }
            }
            assert_eq!(levels, expected, "round {round}: {edges:?}");
            for &(a, b) in &edges {
                assert!(
                    position[a] <= position[b],
                    "edge {a}->{b} against the order"
                );
            }
            // Ordered by (level, first firm).
            let keys: Vec<(u32, usize)> =
                ours.iter().zip(&levels).map(|(c, &l)| (l, c[0])).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        }
    }

    #[test]
    fn a_chain_a_million_deep_does_not_overflow_the_stack() {
        let n = 1_000_000;
        let edges: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
        let g = digraph(n, &edges);
        let (sccs, levels) = components(&g, &Adjacency::of(&g));
        assert_eq!(sccs.len(), n);
        assert_eq!(sccs[0], [0]);
        assert_eq!(sccs[n - 1], [n - 1]);
        assert_eq!(levels[n - 1], (n - 1) as u32);
    }

    #[test]
    fn end_firms_tiers_and_cycles() {
        // mine -> a <-> b -> oem, oem makes k2 in-house, k3 -> oem2 from oem (with output value).
        let ds = Net::new()
            .firm("oem")
            .output(10.0)
            .firm("oem2")
            .country("PL")
            .buys("a", "k0", "mine", 1.0)
            .buys("a", "k1", "b", 1.0)
            .buys("b", "k0", "a", 1.0)
            .buys("oem", "k1", "b", 1.0)
            .buys("oem", "k2", "oem", 1.0)
            .buys("oem2", "k3", "oem", 1.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let id = |s: &str| ds.firm_index(s).unwrap();
        assert_eq!(g.end_firms, vec![id("oem"), id("oem2")]);
        assert_eq!(g.end_values, vec![10.0, 1.0]);
        assert_eq!(g.cycles().count(), 1);
        assert_eq!(g.cycles().next().unwrap(), &vec![id("a"), id("b")]);
        // Topological: mine's component comes before the cycle, which comes before oem.
        assert!(g.scc_of[id("mine")] < g.scc_of[id("a")]);
        assert!(g.scc_of[id("a")] < g.scc_of[id("oem")]);
        assert!(g.scc_of[id("oem")] < g.scc_of[id("oem2")]);
        let level = |s: &str| g.levels[g.scc_of[id(s)]];
        assert_eq!(
            [level("mine"), level("a"), level("oem"), level("oem2")],
            [0, 1, 2, 3]
        );
        // The in-house row is no edge.
        assert_eq!(g.edge_count(), 5);
        assert_eq!(g.rows_of(id("oem")).len(), 2);
    }

    #[test]
    fn qualified_alternates_are_no_edge_and_make_no_end_firm() {
        // oem buys k0 from a; x has qualified oem (share 0) and buys k1 from b. As a real row,
        // x <- oem would make oem a supplier of another firm (no end firm without an output
        // value); as an alternate it changes nothing.
        let ds = Net::new()
            .buys("oem", "k0", "a", 1.0)
            .buys("x", "k1", "b", 1.0)
            .buys("x", "k1", "oem", 0.0)
            .buys("b", "k2", "a", 0.0)
            .buys("b", "k2", "b", 1.0)
            .build();
        assert_eq!(ds.alternates.len(), 2);
        let g = SupplyGraph::build(&ds);
        let id = |s: &str| ds.firm_index(s).unwrap();
        assert_eq!(g.end_firms, vec![id("oem"), id("x")]);
        assert_eq!(g.edge_count(), 2);
        assert!(g.buyers(id("oem")).is_empty());
        assert!(g.suppliers(id("b")).is_empty());
        // b still buys (in-house), so it is a buyer but supplies x: no end firm.
        assert_eq!(g.rows_of(id("b")).len(), 1);
    }

    #[test]
    fn one_edge_per_pair_with_the_smallest_days_and_sorted_adjacency() {
        // oem buys two components from a (days 9 and 4) and one from b (no days): two edges.
        let ds = Net::new()
            .buys("oem", "k0", "a", 1.0)
            .days(9.0)
            .buys("oem", "k1", "a", 0.5)
            .days(4.0)
            .buys("oem", "k1", "b", 0.5)
            .buys("x", "k0", "b", 1.0)
            .days(2.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let id = |s: &str| ds.firm_index(s).unwrap();
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.buyers(id("a")), [id("oem")]);
        assert_eq!(g.buyer_days(id("a")), [4.0]);
        assert_eq!(g.buyers(id("b")), [id("oem"), id("x")]);
        assert_eq!(g.buyer_days(id("b")), [0.0, 2.0]);
        assert_eq!(g.suppliers(id("oem")), [id("a"), id("b")]);
        assert_eq!(g.suppliers(id("x")), [id("b")]);
        assert!(g.suppliers(id("a")).is_empty());
    }
}
