//! Id lookups for ten million sourcing rows: [`FirmIndex`] resolves buyer and supplier ids to
//! firms, [`IdIndex`] numbers components in order of first use.
//!
//! An id of up to 15 bytes (nearly every id) is packed with its length into a `u128` key, so
//! that a lookup compares numbers rather than reading the id's bytes elsewhere in memory.

use std::hash::BuildHasher;

use foldhash::HashMap;
use rayon::prelude::*;

use super::table::Texts;
use crate::model::Firm;

/// A resolved id that names no firm.
pub(super) const UNKNOWN: u32 = u32::MAX;

/// The id's bytes and length as one number, when it has at most 15 bytes (never 0 for an id
/// that is not empty).
fn packed(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    (bytes.len() < 16).then(|| {
        let mut key = [0u8; 16];
        key[..bytes.len()].copy_from_slice(bytes);
        key[15] = bytes.len() as u8;
        u128::from_le_bytes(key)
    })
}

/// The firms by id, for lookups from every core. An open-addressing table of 4-byte slots (at
/// most half full) points into one packed key per firm: for a million firms, 8 MiB of slots
/// and 16 MiB of keys, which stay in the processor's cache where a general hash map of
/// (key, index) entries takes 64 MiB and most lookups wait for main memory (such lookups were
/// the largest part of ingest's CPU time at 10 M rows). Ids longer than 15 bytes go to a
/// general map.
pub(super) struct FirmIndex<'a> {
    /// Firm index + 1 of the id hashed here (linear probing), 0 when empty.
    slots: Vec<u32>,
    /// The packed key of each firm; 0 for an id too long to pack.
    keys: Vec<u128>,
    long: HashMap<&'a str, usize>,
    hasher: foldhash::fast::RandomState,
}

impl<'a> FirmIndex<'a> {
    /// The index of `firms` (ids distinct, fewer than `u32::MAX` firms).
    pub(super) fn new(firms: &'a [Firm]) -> Self {
        let size = (2 * firms.len()).next_power_of_two().max(16);
        let mut index = FirmIndex {
            slots: vec![0; size],
            keys: Vec::with_capacity(firms.len()),
            long: HashMap::default(),
            hasher: foldhash::fast::RandomState::default(),
        };
        for (i, f) in firms.iter().enumerate() {
            match packed(&f.id) {
                Some(key) => {
                    index.keys.push(key);
                    let mut s = index.slot(key);
                    while index.slots[s] != 0 {
                        s = (s + 1) & (size - 1);
                    }
                    index.slots[s] = i as u32 + 1;
                }
                None => {
                    index.keys.push(0);
                    index.long.insert(&f.id, i);
                }
            }
        }
        index
    }

    fn slot(&self, key: u128) -> usize {
        (self.hasher.hash_one(key) as usize) & (self.slots.len() - 1)
    }

    /// The firm with this id.
    pub(super) fn get(&self, id: &str) -> Option<usize> {
        let Some(key) = packed(id) else {
            return self.long.get(id).copied();
        };
        let mut s = self.slot(key);
        loop {
            match self.slots[s] {
                0 => return None,
                f if self.keys[f as usize - 1] == key => return Some(f as usize - 1),
                _ => s = (s + 1) & (self.slots.len() - 1),
            }
        }
    }

    /// The firm of each of the first `rows` cells of a column ([`UNKNOWN`] for an empty or
    /// unknown id), on every core.
    pub(super) fn resolve_all(&self, ids: &Texts<'_>, rows: usize) -> Vec<u32> {
        // Blocks of rows on all cores; the result is in row order whatever the thread count.
        const BLOCK: usize = 1 << 16;
        let mut resolved = vec![UNKNOWN; rows];
        resolved
            .par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(b, block)| {
                for (k, lanes) in block.chunks_mut(LANES).enumerate() {
                    self.resolve_lanes(ids, b * BLOCK + k * LANES, lanes);
                }
            });
        resolved
    }

    /// Resolves the ids of rows `first..first + out.len()` (at most [`LANES`]) together: their
    /// slots are read in one loop and their keys in the next, with no branch in between, so the
    /// processor waits for all those memory reads at once rather than one lookup after another
    /// (each lookup's two reads miss the cache; waiting for them one by one took most of
    /// ingest's CPU time at 10 M rows). An id equal to the previous row's (rows of one buyer
    /// usually follow each other) is not looked up again; an id whose first slot holds another
    /// key, or that is too long to pack, takes the plain lookup.
    fn resolve_lanes(&self, ids: &Texts<'_>, first: usize, out: &mut [u32]) {
        let mut keys = [0u128; LANES];
        let mut slots = [0usize; LANES];
        for (j, (key, slot)) in keys.iter_mut().zip(&mut slots).enumerate().take(out.len()) {
            if let Some(k) = ids.get(first + j).and_then(packed) {
                *key = k;
                *slot = self.slot(k);
            }
        }
        let mut found = [0u32; LANES];
        for (f, &s) in found.iter_mut().zip(&slots) {
            *f = self.slots[s];
        }
        for (j, f) in found.iter_mut().enumerate().take(out.len()) {
            let hit = *f != 0 && self.keys[*f as usize - 1] == keys[j];
            *f = if hit { *f - 1 } else { UNKNOWN };
        }
        for (j, slot) in out.iter_mut().enumerate() {
            *slot = if found[j] != UNKNOWN {
                found[j]
            } else {
                match ids.get(first + j) {
                    None => UNKNOWN,
                    Some(id) => self.get(id).map_or(UNKNOWN, |f| f as u32),
                }
            };
        }
    }
}

/// Rows resolved together by [`FirmIndex::resolve_lanes`].
const LANES: usize = 16;

/// Ids numbered in order of first use (components: thousands, not millions).
#[derive(Default)]
pub(super) struct IdIndex<'a> {
    short: HashMap<u128, usize>,
    long: HashMap<&'a str, usize>,
    /// The last id asked for and its index: rows of one pair follow each other.
    last: Option<(&'a str, usize)>,
}

impl<'a> IdIndex<'a> {
    /// The index of `id`, which becomes `next` if the id is new.
    pub(super) fn get_or_insert(&mut self, id: &'a str, next: usize) -> usize {
        if let Some((last, i)) = self.last {
            if last == id {
                return i;
            }
        }
        let i = match packed(id) {
            Some(key) => *self.short.entry(key).or_insert(next),
            None => *self.long.entry(id).or_insert(next),
        };
        self.last = Some((id, i));
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

    #[test]
    fn firms_are_found_by_short_and_long_ids_and_others_are_not() {
        let long = "a-firm-id-longer-than-fifteen-bytes";
        let mut net = Net::new();
        for i in 0..100 {
            net = net.buys(&format!("b{i}"), "k", "s", 1.0);
        }
        let ds = net.buys(long, "k", "s", 1.0).build();
        let index = FirmIndex::new(&ds.firms);
        for (i, f) in ds.firms.iter().enumerate() {
            assert_eq!(index.get(&f.id), Some(i), "{}", f.id);
        }
        for absent in [
            "",
            "b100",
            "B1",
            "b1 ",
            "a-firm-id-longer-than-fifteen-byte",
        ] {
            assert_eq!(index.get(absent), None, "{absent}");
        }
    }

    #[test]
    fn components_are_numbered_in_order_of_first_use() {
        let mut index = IdIndex::default();
        let long = "a-component-longer-than-fifteen-bytes";
        let got: Vec<usize> = ["k1", "k1", "k2", long, "k1", long, "k3"]
            .iter()
            .scan(0, |next, id| {
                let i = index.get_or_insert(id, *next);
                if i == *next {
                    *next += 1;
                }
                Some(i)
            })
            .collect();
        assert_eq!(got, [0, 0, 1, 2, 0, 2, 3]);
    }
}
