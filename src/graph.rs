//! The supplier graph (MODEL.md §2), built once from a [`Dataset`] and never mutated.
//!
//! Nodes are firms in sorted id order (node index == [`FirmIdx`]); every sourcing row with a
//! supplier other than its buyer is an edge supplier → buyer whose weight is the row's index in
//! [`Dataset::sourcing`]. In-house rows are not edges: they are the firm's own production and
//! stay reachable through [`SupplyGraph::rows_of`]. A what-if cut is a capacity vector over the
//! nodes, never a removed node.

use std::collections::VecDeque;
use std::ops::Range;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::{Dataset, FirmIdx};

/// The supplier graph and the structure derived from it.
#[derive(Debug, Clone)]
pub struct SupplyGraph {
    /// supplier → buyer, weight = index of the sourcing row.
    pub graph: DiGraph<FirmIdx, usize>,
    /// End firms (MODEL §2), sorted.
    pub end_firms: Vec<FirmIdx>,
    /// V(E) for each entry of `end_firms`.
    pub end_values: Vec<f64>,
    /// Strongly connected components in topological order (suppliers before buyers); the
    /// firms inside each are sorted.
    pub sccs: Vec<Vec<FirmIdx>>,
    /// Position in `sccs` of each firm's component.
    pub scc_of: Vec<usize>,
    /// Sourcing rows of each firm as a buyer (a range into the sorted sourcing table).
    rows: Vec<Range<usize>>,
    /// Distinct buyers of each firm (excluding itself), sorted: CSR offsets and targets.
    buyer_start: Vec<usize>,
    buyer_list: Vec<FirmIdx>,
    /// Inventory days on each edge of `buyer_list` (smallest over the edge's rows; missing = 0).
    buyer_days: Vec<f64>,
    /// Distinct suppliers of each firm (excluding itself), sorted: CSR offsets and targets.
    supplier_start: Vec<usize>,
    supplier_list: Vec<FirmIdx>,
}

impl SupplyGraph {
    /// Builds the graph. The dataset's sourcing rows must be sorted by buyer (ingest does that).
    pub fn build(ds: &Dataset) -> Self {
        let n = ds.firms.len();
        let mut graph = DiGraph::with_capacity(n, ds.sourcing.len());
        for i in 0..n {
            graph.add_node(i);
        }
        let mut rows = vec![0..0; n];
        let mut start = 0;
        while start < ds.sourcing.len() {
            let b = ds.sourcing[start].buyer;
            let mut end = start;
            while end < ds.sourcing.len() && ds.sourcing[end].buyer == b {
                end += 1;
            }
            rows[b] = start..end;
            start = end;
        }
        // (supplier, buyer, inventory days); an edge carries the smallest days of its rows.
        let mut edges: Vec<(FirmIdx, FirmIdx, f64)> = Vec::new();
        for (i, r) in ds.sourcing.iter().enumerate() {
            if !r.is_in_house() {
                graph.add_edge(NodeIndex::new(r.supplier), NodeIndex::new(r.buyer), i);
                edges.push((r.supplier, r.buyer, r.inventory_days.unwrap_or(0.0)));
            }
        }
        edges.sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(x.2.total_cmp(&y.2)));
        edges.dedup_by(|later, first| (later.0, later.1) == (first.0, first.1));
        let buyer_days: Vec<f64> = edges.iter().map(|e| e.2).collect();
        let (buyer_start, buyer_list) = csr(n, edges.iter().map(|e| (e.0, e.1)));
        let mut rev: Vec<(FirmIdx, FirmIdx)> = edges.iter().map(|&(s, b, _)| (b, s)).collect();
        rev.sort_unstable();
        let (supplier_start, supplier_list) = csr(n, rev.into_iter());

        // End firms: buy something, and supply nobody but themselves or have an output value.
        let mut end_firms = Vec::new();
        let mut end_values = Vec::new();
        for (f, firm) in ds.firms.iter().enumerate() {
            let buys = !rows[f].is_empty();
            let supplies_others = buyer_start[f] < buyer_start[f + 1];
            if buys && (!supplies_others || firm.annual_output_value.is_some()) {
                end_firms.push(f);
                let value = match firm.annual_output_value {
                    Some(v) => v,
                    None if ds.has_values => ds.sourcing[rows[f].clone()]
                        .iter()
                        .map(|r| r.annual_value.unwrap_or(0.0))
                        .sum(),
                    None => 1.0,
                };
                end_values.push(value);
            }
        }

        let mut sccs = strongly_connected(
            n,
            |f| &buyer_list[buyer_start[f]..buyer_start[f + 1]],
            |f| &supplier_list[supplier_start[f]..supplier_start[f + 1]],
        );
        // Order the components by level in the condensation (0 for those that buy from no
        // other component), then by their first firm: still topological, and firms of one
        // tier (close in id order in most data) get neighbouring component indices, which
        // keeps the propagation's per-component arrays in cache.
        {
            let mut of = vec![0usize; n];
            for (i, c) in sccs.iter().enumerate() {
                for &f in c {
                    of[f] = i;
                }
            }
            let mut level = vec![0usize; sccs.len()];
            for (i, c) in sccs.iter().enumerate() {
                let mut l = 0;
                for &f in c {
                    for &s in &supplier_list[supplier_start[f]..supplier_start[f + 1]] {
                        if of[s] != i {
                            l = l.max(level[of[s]] + 1);
                        }
                    }
                }
                level[i] = l;
            }
            let mut order: Vec<usize> = (0..sccs.len()).collect();
            order.sort_by_key(|&i| (level[i], sccs[i][0]));
            sccs = order
                .iter()
                .map(|&i| std::mem::take(&mut sccs[i]))
                .collect();
        }
        sccs.shrink_to_fit();
        let mut scc_of = vec![0; n];
        for (i, c) in sccs.iter().enumerate() {
            for &f in c {
                scc_of[f] = i;
            }
        }
        SupplyGraph {
            graph,
            end_firms,
            end_values,
            sccs,
            scc_of,
            rows,
            buyer_start,
            buyer_list,
            buyer_days,
            supplier_start,
            supplier_list,
        }
    }

    /// Number of firms.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the graph has no firms.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The range of [`Dataset::sourcing`] holding `firm`'s rows as a buyer.
    pub fn rows_of(&self, firm: FirmIdx) -> Range<usize> {
        self.rows[firm].clone()
    }

    /// Distinct firms `firm` supplies (other than itself), sorted.
    pub fn buyers(&self, firm: FirmIdx) -> &[FirmIdx] {
        &self.buyer_list[self.buyer_start[firm]..self.buyer_start[firm + 1]]
    }

    /// Inventory days on the edges to [`Self::buyers`], in the same order.
    pub fn buyer_days(&self, firm: FirmIdx) -> &[f64] {
        &self.buyer_days[self.buyer_start[firm]..self.buyer_start[firm + 1]]
    }

    /// Distinct firms that supply `firm` (other than itself), sorted.
    pub fn suppliers(&self, firm: FirmIdx) -> &[FirmIdx] {
        &self.supplier_list[self.supplier_start[firm]..self.supplier_start[firm + 1]]
    }

    /// Strongly connected components with more than one firm: the supply cycles.
    pub fn cycles(&self) -> impl Iterator<Item = &Vec<FirmIdx>> {
        self.sccs.iter().filter(|c| c.len() > 1)
    }

    /// Tier of every firm with respect to end firm `end`: the fewest edges from the firm to
    /// `end` (its direct suppliers are tier 1, `end` itself tier 0); `None` when it does not
    /// reach `end`. Breadth-first, so the input cannot drive recursion depth.
    pub fn tiers_to(&self, end: FirmIdx) -> Vec<Option<u32>> {
        let mut tier = vec![None; self.len()];
        tier[end] = Some(0);
        let mut queue = VecDeque::from([end]);
        while let Some(f) = queue.pop_front() {
            let next = tier[f].map_or(0, |t| t + 1);
            for &s in self.suppliers(f) {
                if tier[s].is_none() {
                    tier[s] = Some(next);
                    queue.push_back(s);
                }
            }
        }
        tier
    }
}

/// Strongly connected components in topological order (suppliers before buyers), each sorted,
/// by Kosaraju's algorithm with explicit stacks: petgraph's `tarjan_scc` recurses once per
/// firm on a path, so a chain a million tiers deep would overflow the stack.
fn strongly_connected<'g>(
    n: usize,
    buyers: impl Fn(FirmIdx) -> &'g [FirmIdx],
    suppliers: impl Fn(FirmIdx) -> &'g [FirmIdx],
) -> Vec<Vec<FirmIdx>> {
    // Pass 1: finish order of a depth-first search along supplier -> buyer edges.
    let mut visited = vec![false; n];
    let mut finished = Vec::with_capacity(n);
    let mut stack: Vec<(FirmIdx, usize)> = Vec::new();
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        stack.push((start, 0));
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            let out = buyers(v);
            if next < out.len() {
                top.1 += 1;
                let w = out[next];
                if !visited[w] {
                    visited[w] = true;
                    stack.push((w, 0));
                }
            } else {
                finished.push(v);
                stack.pop();
            }
        }
    }
    // Pass 2: along buyer -> supplier edges, latest finished first; each search is one
    // component, and they come out in topological order of the original edges.
    let mut component = vec![usize::MAX; n];
    let mut sccs: Vec<Vec<FirmIdx>> = Vec::new();
    let mut todo: Vec<FirmIdx> = Vec::new();
    for &root in finished.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        let id = sccs.len();
        let mut members = Vec::new();
        component[root] = id;
        todo.push(root);
        while let Some(v) = todo.pop() {
            members.push(v);
            for &w in suppliers(v) {
                if component[w] == usize::MAX {
                    component[w] = id;
                    todo.push(w);
                }
            }
        }
        members.sort_unstable();
        sccs.push(members);
    }
    sccs
}

/// Compressed adjacency from sorted, deduplicated (from, to) pairs.
fn csr(n: usize, pairs: impl Iterator<Item = (usize, usize)>) -> (Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; n + 1];
    let mut list = Vec::new();
    for (from, to) in pairs {
        start[from + 1] += 1;
        list.push(to);
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    (start, list)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{DatasetMeta, Firm, ShareSource, SourcingRow};

    /// A dataset from (id, output value) firms and (buyer, component, supplier, share, value)
    /// rows, sorted as ingest would. Components are named by their index.
    pub(crate) fn tiny(
        firms: &[(&str, &str, Option<f64>)],
        rows: &[(&str, usize, &str, f64, Option<f64>)],
    ) -> Dataset {
        let mut fs: Vec<Firm> = firms
            .iter()
            .map(|&(id, cc, out)| Firm {
                id: id.into(),
                name: id.into(),
                country: cc.into(),
                region: None,
                group: id.into(),
                group_named: false,
                kind: None,
                annual_output_value: out,
                recovery_days: None,
                row: 2,
            })
            .collect();
        fs.sort_by(|a, b| a.id.cmp(&b.id));
        let idx = |id: &str| fs.iter().position(|f| f.id == id).expect("firm");
        let ncomp = rows.iter().map(|r| r.1 + 1).max().unwrap_or(0);
        let mut sourcing: Vec<SourcingRow> = rows
            .iter()
            .enumerate()
            .map(|(i, &(b, k, s, share, v))| SourcingRow {
                buyer: idx(b),
                component: k,
                supplier: idx(s),
                share,
                annual_value: v,
                inventory_days: None,
                row: i + 2,
            })
            .collect();
        sourcing.sort_by_key(|r| (r.buyer, r.component, r.supplier));
        Dataset {
            name: "tiny".into(),
            path: "tiny".into(),
            components: (0..ncomp)
                .map(|k| crate::model::Component {
                    id: format!("k{k}"),
                    name: None,
                })
                .collect(),
            has_values: rows.iter().any(|r| r.4.is_some()),
            firms: fs,
            sourcing,
            share_source: ShareSource::Given,
            normalized: vec![],
            scenarios: vec![],
            meta: DatasetMeta::default(),
            notes: vec![],
        }
    }

    /// CSR adjacency of a list of edges, both ways.
    fn adjacency(n: usize, edges: &[(usize, usize)]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let mut out = vec![Vec::new(); n];
        let mut inc = vec![Vec::new(); n];
        for &(a, b) in edges {
            out[a].push(b);
            inc[b].push(a);
        }
        (out, inc)
    }

    #[test]
    fn components_match_petgraph_and_come_in_topological_order() {
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
            let (out, inc) = adjacency(n, &edges);
            let ours = strongly_connected(n, |f| &out[f], |f| &inc[f]);
            let mut g = DiGraph::<(), ()>::new();
            let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
            for &(a, b) in &edges {
                g.add_edge(nodes[a], nodes[b], ());
            }
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
            for &(a, b) in &edges {
                assert!(
                    position[a] <= position[b],
                    "edge {a}->{b} against the order"
                );
            }
        }
    }

    #[test]
    fn a_chain_a_million_deep_does_not_overflow_the_stack() {
        let n = 1_000_000;
        let edges: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
        let (out, inc) = adjacency(n, &edges);
        let sccs = strongly_connected(n, |f| &out[f], |f| &inc[f]);
        assert_eq!(sccs.len(), n);
        assert_eq!(sccs[0], [0]);
        assert_eq!(sccs[n - 1], [n - 1]);
    }

    #[test]
    fn end_firms_tiers_and_cycles() {
        // mine -> a <-> b -> oem, oem makes k2 in-house, kit -> oem2 from oem (with output value).
        let ds = tiny(
            &[
                ("mine", "CN", None),
                ("a", "CN", None),
                ("b", "CN", None),
                ("oem", "CN", Some(10.0)),
                ("oem2", "PL", None),
            ],
            &[
                ("a", 0, "mine", 1.0, None),
                ("a", 1, "b", 1.0, None),
                ("b", 0, "a", 1.0, None),
                ("oem", 1, "b", 1.0, None),
                ("oem", 2, "oem", 1.0, None),
                ("oem2", 3, "oem", 1.0, None),
            ],
        );
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
        let t = g.tiers_to(id("oem2"));
        assert_eq!(t[id("oem")], Some(1));
        assert_eq!(t[id("b")], Some(2));
        assert_eq!(t[id("a")], Some(3));
        assert_eq!(t[id("mine")], Some(4));
        assert_eq!(g.tiers_to(id("oem"))[id("oem2")], None);
        // The in-house row is no edge.
        assert_eq!(g.graph.edge_count(), 5);
        assert_eq!(g.rows_of(id("oem")).len(), 2);
    }
}
