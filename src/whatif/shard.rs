//! Splitting the N-1 sweeps into shards (`analyze --shard K/N`): which keys of each sweep a
//! shard computes. Every shard and the merge compute the same split from the same input, so it
//! must be deterministic: no hashing with random seeds, no dependence on thread count.
//!
//! The split is balanced by cost, not by count. A firm cut costs about one relaxation per firm
//! of its downstream cone (the firms it can reach as a supplier), and cones differ by orders of
//! magnitude between a mine and an OEM; a country, region or group cut costs about the union of
//! its firms' cones. Exact cone sizes would cost as much as the sweep itself, so each one is
//! estimated with a k-minimum-values sketch (Bar-Yossef et al. 2002; the `k` smallest hashes of
//! the firms in the cone) propagated once over the condensation from buyers to suppliers: exact
//! below `SKETCH` firms, with a relative standard error of about 1/√(k−2) (18 %) beyond. The keys are then assigned
//! by longest-processing-time-first: the costliest key goes to the least-loaded shard.
//!
//! The capacity model's firm sweep solves every cut on the whole network (see `capacity`), so
//! its keys cost alike and are split on their own, by count, with the same rule.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::SupplyGraph;
use crate::model::{Dataset, FirmIdx};
use crate::whatif::capacity::network::Network;
use crate::whatif::sweep::{sweep_sets, Sets};

/// Hashes kept per sketch: the estimate of a cone larger than this has a relative standard
/// error of about 1/√(SKETCH − 2), 18 %. 32 keeps the sketches of a million firms at 128 MB.
const SKETCH: usize = 32;

/// The keys of each sweep one shard computes (or all of them), each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Keys {
    /// Firm sweep: firm indices.
    pub(crate) firms: Vec<FirmIdx>,
    pub(crate) countries: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) groups: Vec<String>,
    /// The capacity model's firm sweep (empty when the model is off).
    pub(crate) capacity: Vec<FirmIdx>,
}

impl Keys {
    /// Every key of every sweep: what an unsharded run computes.
    pub(crate) fn all(ds: &Dataset) -> Keys {
        let (countries, regions, groups) = sweep_sets(ds);
        Keys {
            firms: (0..ds.firms.len()).collect(),
            countries: countries.into_keys().collect(),
            regions: regions.into_keys().collect(),
            groups: groups.into_keys().collect(),
            capacity: capacity_keys(ds),
        }
    }

    /// Number of sweep entries (for a progress bar).
    pub(crate) fn count(&self) -> usize {
        self.firms.len()
            + self.countries.len()
            + self.regions.len()
            + self.groups.len()
            + self.capacity.len()
    }
}

/// The firms of the capacity model's sweep (none when the model is off).
fn capacity_keys(ds: &Dataset) -> Vec<FirmIdx> {
    if ds.capacity {
        Network::new(ds).sweep_firms(ds)
    } else {
        Vec::new()
    }
}

/// One key of a sweep, as the split sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key<'a> {
    Firm(FirmIdx),
    Country(&'a str),
    Region(&'a str),
    Group(&'a str),
}

/// The split of every sweep into `n` shards (`n >= 1`): entry `k - 1` holds shard `k`'s keys.
/// Every key is in exactly one shard.
pub(crate) fn split(ds: &Dataset, g: &SupplyGraph, n: usize) -> Vec<Keys> {
    let n = n.max(1);
    let mut shards = vec![Keys::default(); n];
    let (countries, regions, groups) = sweep_sets(ds);
    let cones = Cones::new(g);
    let mut items: Vec<(u64, Key)> = (0..ds.firms.len())
        .map(|f| (cones.firm(g, f), Key::Firm(f)))
        .collect();
    items.extend(set_items(&cones, g, &countries, Key::Country));
    items.extend(set_items(&cones, g, &regions, Key::Region));
    items.extend(set_items(&cones, g, &groups, Key::Group));
    for (shard, key) in longest_first(items, n) {
        let keys = &mut shards[shard];
        match key {
            Key::Firm(f) => keys.firms.push(f),
            Key::Country(c) => keys.countries.push(c.to_string()),
            Key::Region(r) => keys.regions.push(r.to_string()),
            Key::Group(gr) => keys.groups.push(gr.to_string()),
        }
    }
    let capacity = capacity_keys(ds).into_iter().map(|f| (1, f)).collect();
    for (shard, f) in longest_first(capacity, n) {
        shards[shard].capacity.push(f);
    }
    for keys in &mut shards {
        keys.firms.sort_unstable();
        keys.countries.sort();
        keys.regions.sort();
        keys.groups.sort();
        keys.capacity.sort_unstable();
    }
    shards
}

/// The keys of a set sweep with their costs: the union of their firms' cones.
fn set_items<'s>(
    cones: &Cones,
    g: &SupplyGraph,
    sets: &'s Sets,
    kind: fn(&'s str) -> Key<'s>,
) -> Vec<(u64, Key<'s>)> {
    sets.iter()
        .map(|(k, firms)| (cones.union(g, firms), kind(k)))
        .collect()
}

/// Longest processing time first: items by cost descending (ties by item), each to the shard
/// with the least cost so far (ties to the lower shard). Returns (shard, item) pairs.
fn longest_first<T: Ord + Copy>(mut items: Vec<(u64, T)>, n: usize) -> Vec<(usize, T)> {
    items.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut loads: BinaryHeap<Reverse<(u64, usize)>> = (0..n).map(|s| Reverse((0, s))).collect();
    let mut out = Vec::with_capacity(items.len());
    for (cost, item) in items {
        let Some(Reverse((load, shard))) = loads.pop() else {
            break;
        };
        out.push((shard, item));
        loads.push(Reverse((load.saturating_add(cost), shard)));
    }
    out
}

/// A deterministic 32-bit hash of a firm (splitmix64's finaliser): well spread, no seed.
fn firm_hash(f: FirmIdx) -> u32 {
    let mut z = (f as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as u32
}

/// The downstream cone of every component of the condensation, as a k-minimum-values sketch.
struct Cones {
    /// `SKETCH` slots per component of `g.sccs`, the first `len[c]` used, ascending.
    hashes: Vec<u32>,
    len: Vec<u8>,
}

impl Cones {
    /// Sketches every component's cone: its own firms and the cones of the components its firms
    /// supply. `g.sccs` is in topological order (suppliers first), so walking it backwards sees
    /// every buyer's cone before its suppliers'.
    fn new(g: &SupplyGraph) -> Self {
        let m = g.sccs.len();
        let mut cones = Cones {
            hashes: vec![0; m * SKETCH],
            len: vec![0; m],
        };
        let (mut acc, mut tmp) = (Vec::with_capacity(SKETCH), Vec::with_capacity(SKETCH));
        for c in (0..m).rev() {
            acc.clear();
            for &f in &g.sccs[c] {
                union(&mut acc, &[firm_hash(f)], &mut tmp);
                for &b in g.buyers(f) {
                    let cb = g.scc_of[b];
                    if cb != c {
                        union(&mut acc, cones.sketch(cb), &mut tmp);
                    }
                }
            }
            cones.hashes[c * SKETCH..c * SKETCH + acc.len()].copy_from_slice(&acc);
            cones.len[c] = acc.len() as u8;
        }
        cones
    }

    fn sketch(&self, c: usize) -> &[u32] {
        &self.hashes[c * SKETCH..c * SKETCH + usize::from(self.len[c])]
    }

    /// Estimated number of firms in firm `f`'s cone (itself included).
    fn firm(&self, g: &SupplyGraph, f: FirmIdx) -> u64 {
        estimate(self.sketch(g.scc_of[f]))
    }

    /// Estimated number of firms in the union of the cones of `firms`.
    fn union(&self, g: &SupplyGraph, firms: &[FirmIdx]) -> u64 {
        let (mut acc, mut tmp) = (Vec::with_capacity(SKETCH), Vec::with_capacity(SKETCH));
        for &f in firms {
            union(&mut acc, self.sketch(g.scc_of[f]), &mut tmp);
        }
        estimate(&acc)
    }
}

/// `acc` ∪ `other` (both sorted, distinct), keeping the `SKETCH` smallest, into `acc`.
fn union(acc: &mut Vec<u32>, other: &[u32], tmp: &mut Vec<u32>) {
    tmp.clear();
    let (mut i, mut j) = (0, 0);
    while tmp.len() < SKETCH {
        let next = match (acc.get(i), other.get(j)) {
            (Some(&a), Some(&b)) if a == b => {
                i += 1;
                j += 1;
                a
            }
            (Some(&a), Some(&b)) if a < b => {
                i += 1;
                a
            }
            (Some(&a), None) => {
                i += 1;
                a
            }
            (_, Some(&b)) => {
                j += 1;
                b
            }
            (None, None) => break,
        };
        tmp.push(next);
    }
    std::mem::swap(acc, tmp);
}

/// The size of a set from its sketch: exact below `SKETCH` hashes, else (k − 1) / (the k-th
/// smallest hash as a fraction of the hash range).
fn estimate(sketch: &[u32]) -> u64 {
    if sketch.len() < SKETCH {
        return sketch.len() as u64;
    }
    let kth = f64::from(sketch[SKETCH - 1]) + 1.0;
    ((SKETCH - 1) as f64 * 2f64.powi(32) / kth).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{synthetic, Net};

    /// The exact cone of every firm, by a search from each (the second method).
    fn exact_cones(ds: &Dataset, g: &SupplyGraph) -> Vec<u64> {
        (0..ds.firms.len())
            .map(|f| {
                let mut seen = vec![false; ds.firms.len()];
                let mut stack = vec![f];
                seen[f] = true;
                let mut count = 0;
                while let Some(x) = stack.pop() {
                    count += 1;
                    for &b in g.buyers(x) {
                        if !seen[b] {
                            seen[b] = true;
                            stack.push(b);
                        }
                    }
                }
                count
            })
            .collect()
    }

    #[test]
    fn small_cones_are_exact_and_large_ones_close() {
        let ds = synthetic(2_000, 3);
        let g = SupplyGraph::build(&ds);
        let cones = Cones::new(&g);
        let exact = exact_cones(&ds, &g);
        let (mut small, mut large, mut error) = (0, 0, 0.0);
        for (f, &want) in exact.iter().enumerate() {
            let got = cones.firm(&g, f);
            if want < SKETCH as u64 {
                assert_eq!(got, want, "firm {f}");
                small += 1;
            } else {
                // The estimator's relative standard error is about 18 %: no cone is off by a
                // factor of 2, and the mean error is near 0.18 × √(2/π) ≈ 15 %.
                let ratio = got as f64 / want as f64;
                assert!((0.5..=2.0).contains(&ratio), "firm {f}: {got} vs {want}");
                error += (ratio - 1.0).abs();
                large += 1;
            }
        }
        let mean = error / f64::from(large);
        assert!(mean < 0.2, "mean relative error {mean}");
        assert!(
            small > 100 && large > 100,
            "{small} small, {large} large cones"
        );
    }

    #[test]
    fn sketches_unite_as_sets_do() {
        let mut tmp = Vec::new();
        let mut acc = vec![1, 5, 9];
        union(&mut acc, &[2, 5, 10], &mut tmp);
        assert_eq!(acc, [1, 2, 5, 9, 10]);
        // Only the SKETCH smallest stay.
        let big: Vec<u32> = (0..2 * SKETCH as u32).map(|x| 2 * x).collect();
        union(&mut acc, &big, &mut tmp);
        assert_eq!(acc.len(), SKETCH);
        assert_eq!(&acc[..5], [0, 1, 2, 4, 5]);
        // Counting: exact below SKETCH; SKETCH hashes spread evenly, the k-th at k/1000 of
        // the range, estimate (k - 1) / (k / 1000), just under 1000.
        assert_eq!(estimate(&[3, 7]), 2);
        let even: Vec<u32> = (1..=SKETCH as u32).map(|i| i * (u32::MAX / 1000)).collect();
        let n = estimate(&even);
        assert!((960..=1000).contains(&n), "{n}");
    }

    #[test]
    fn every_key_is_in_exactly_one_shard_and_the_split_is_balanced() {
        let ds = synthetic(3_000, 5);
        let g = SupplyGraph::build(&ds);
        let all = Keys::all(&ds);
        for n in [1, 2, 3, 7] {
            let shards = split(&ds, &g, n);
            assert_eq!(shards.len(), n);
            let mut union = Keys::default();
            for k in &shards {
                union.firms.extend(&k.firms);
                union.countries.extend(k.countries.iter().cloned());
                union.regions.extend(k.regions.iter().cloned());
                union.groups.extend(k.groups.iter().cloned());
                union.capacity.extend(&k.capacity);
            }
            union.firms.sort_unstable();
            union.countries.sort();
            union.regions.sort();
            union.groups.sort();
            assert_eq!(union, all, "n = {n}");
            assert_eq!(split(&ds, &g, n), shards, "deterministic");
            // Balanced by the exact cones (not only by the estimates): the largest shard
            // carries at most a fifth more than the mean.
            let exact = exact_cones(&ds, &g);
            let loads: Vec<u64> = shards
                .iter()
                .map(|k| k.firms.iter().map(|&f| exact[f]).sum())
                .collect();
            let mean = loads.iter().sum::<u64>() as f64 / n as f64;
            let max = *loads.iter().max().unwrap_or(&0) as f64;
            assert!(max <= 1.2 * mean, "n = {n}: {loads:?}");
        }
    }

    #[test]
    fn costly_keys_are_spread_before_cheap_ones() {
        // A chain m -> a -> b -> oem, all in CN: m's cone is 4 firms, a's 3, b's 2, oem's 1,
        // and CN's (the union) 4. By hand, with two shards: m (4; it ties with CN and firms
        // sort first) to shard 1, CN (4) to shard 2, a (3) to shard 1 (equal loads: the lower
        // shard), b (2) to shard 2 (4 < 7), oem (1) to shard 2 (6 < 7).
        let ds = Net::new()
            .buys("a", "k", "m", 1.0)
            .buys("b", "k", "a", 1.0)
            .buys("oem", "k", "b", 1.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let ids =
            |k: &Keys| -> Vec<&str> { k.firms.iter().map(|&f| ds.firms[f].id.as_str()).collect() };
        let shards = split(&ds, &g, 2);
        assert_eq!(ids(&shards[0]), ["a", "m"]);
        assert!(shards[0].countries.is_empty());
        assert_eq!(shards[1].countries, ["CN"]);
        assert_eq!(ids(&shards[1]), ["b", "oem"]);
    }
}
