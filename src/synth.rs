//! A deterministic synthetic supply network in the dataset format (`scrisk generate`), for
//! benchmarks and tests at scale. The same firm count and seed give the same bytes. Pure: it
//! returns the files' contents; `commands::generate` writes them.
//!
//! Shape: six tiers from mines to OEMs (5 / 10 / 20 / 30 / 30 / 5 % of firms). Each firm makes
//! one component type of its tier; a buyer needs three to five component types of the tier
//! below and buys each from one to four suppliers (about ten sourcing rows per firm). Every
//! supplier is used by someone (suppliers are dealt round-robin), so only OEMs are end firms.
//! Countries follow a skewed mix (China ~45%), Chinese and US firms get provinces/states, a
//! fifth of firms belong to parent groups, one pair in twenty also makes part in-house, and a
//! few buyers take a small share from a firm one tier *above* them, closing supply cycles.

use std::fmt::Write as _;

/// splitmix64: small, fast and fully determined by the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, n).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tier shares of the firm count, mines first.
const TIERS: [(&str, f64); 6] = [
    ("mine", 0.05),
    ("refiner", 0.10),
    ("material", 0.20),
    ("component", 0.30),
    ("module", 0.30),
    ("oem", 0.05),
];

/// Country mix (cumulative weights are built from these).
const COUNTRIES: [(&str, u32); 12] = [
    ("CN", 45),
    ("US", 9),
    ("DE", 8),
    ("JP", 7),
    ("KR", 7),
    ("TW", 4),
    ("AU", 4),
    ("CD", 3),
    ("ID", 4),
    ("CL", 3),
    ("PL", 3),
    ("MX", 3),
];

const CN_REGIONS: [&str; 6] = [
    "Zhejiang",
    "Jiangsu",
    "Guangdong",
    "Fujian",
    "Sichuan",
    "Jiangxi",
];
const US_REGIONS: [&str; 4] = ["California", "Michigan", "Texas", "Nevada"];

/// A sourcing row being generated: (buyer, component type (tier, index), supplier, value,
/// inventory days).
type Row = (usize, (usize, usize), usize, f64, usize);

struct Firm {
    tier: usize,
    country: &'static str,
    region: Option<&'static str>,
    group: Option<usize>,
    /// The component type it makes (index within its tier).
    makes: usize,
}

/// The smallest network [`network`] builds: two firms per tier.
pub(crate) const MIN_FIRMS: usize = 12;

/// A generated dataset: its files (name, contents) and its size.
pub(crate) struct Synthetic {
    pub(crate) files: Vec<(&'static str, String)>,
    pub(crate) firms: usize,
    pub(crate) rows: usize,
}

/// Builds a synthetic dataset of `firms` firms (at least [`MIN_FIRMS`]).
pub(crate) fn network(firms: usize, seed: u64) -> Synthetic {
    let firms = firms.max(MIN_FIRMS);
    let mut rng = Rng(seed);

    // Tier sizes summing to `firms`, at least two per tier.
    let mut sizes: Vec<usize> = TIERS
        .iter()
        .map(|&(_, s)| ((firms as f64 * s) as usize).max(2))
        .collect();
    let assigned: usize = sizes.iter().sum();
    if assigned < firms {
        sizes[3] += firms - assigned;
    } else {
        sizes[3] -= (assigned - firms).min(sizes[3] - 2);
    }
    // Component types per tier: enough that a type has ~20 makers, at least one.
    let types: Vec<usize> = sizes.iter().map(|&n| (n / 20).clamp(1, 2000)).collect();
    let groups = (firms / 50).max(1);
    let total_weight: u32 = COUNTRIES.iter().map(|c| c.1).sum();

    let mut list: Vec<Firm> = Vec::with_capacity(firms);
    for (tier, &n) in sizes.iter().enumerate() {
        for i in 0..n {
            let mut pick = rng.below(total_weight as usize) as u32;
            let mut country = COUNTRIES[0].0;
            for &(c, w) in &COUNTRIES {
                if pick < w {
                    country = c;
                    break;
                }
                pick -= w;
            }
            let region = match country {
                "CN" => Some(CN_REGIONS[rng.below(CN_REGIONS.len())]),
                "US" => Some(US_REGIONS[rng.below(US_REGIONS.len())]),
                _ => None,
            };
            let group = (rng.below(5) == 0).then(|| rng.below(groups));
            list.push(Firm {
                tier,
                country,
                region,
                group,
                makes: i % types[tier],
            });
        }
    }
    let id = |i: usize| format!("f{i:07}");
    // Makers of each (tier, type), in id order, and a round-robin cursor per type.
    let mut makers: Vec<Vec<Vec<usize>>> = types.iter().map(|&t| vec![Vec::new(); t]).collect();
    for (i, f) in list.iter().enumerate() {
        makers[f.tier][f.makes].push(i);
    }
    let mut cursor: Vec<Vec<usize>> = types.iter().map(|&t| vec![0; t]).collect();

    let mut firms_csv =
        String::from("firm_id,name,country,region,group,kind,annual_output_value,recovery_days\n");
    for (i, f) in list.iter().enumerate() {
        let kind = TIERS[f.tier].0;
        let output = if f.tier == 5 {
            format!("{}", 1_000_000 * (50 + rng.below(950)) as u64)
        } else {
            String::new()
        };
        let recovery = if rng.below(3) == 0 {
            format!("{}", 10 + rng.below(170))
        } else {
            String::new()
        };
        let _ = writeln!(
            firms_csv,
            "{},Firm {} ({} {}),{},{},{},{},{},{}",
            id(i),
            i,
            kind,
            f.country,
            f.country,
            f.region.unwrap_or(""),
            f.group.map(|g| format!("grp{g:05}")).unwrap_or_default(),
            kind,
            output,
            recovery
        );
    }

    let mut rows: Vec<Row> = Vec::new();
    for (b, f) in list.iter().enumerate() {
        if f.tier == 0 {
            continue;
        }
        let below = f.tier - 1;
        let needs = (3 + rng.below(3)).min(types[below]);
        let first = rng.below(types[below]);
        let mut kinds: Vec<usize> = (0..needs).map(|j| (first + j * 7) % types[below]).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for k in kinds {
            let pool = &makers[below][k];
            let n = (1 + rng.below(4)).min(pool.len());
            let mut suppliers: Vec<usize> = (0..n)
                .map(|j| pool[(cursor[below][k] + j) % pool.len()])
                .collect();
            cursor[below][k] = (cursor[below][k] + n) % pool.len();
            if rng.below(20) == 0 {
                suppliers.push(b); // part made in-house
            }
            suppliers.sort_unstable();
            suppliers.dedup();
            for s in suppliers {
                rows.push((
                    b,
                    (below, k),
                    s,
                    (1 + rng.below(1000)) as f64 * 1000.0,
                    rng.below(60),
                ));
            }
        }
    }
    // Every firm below the OEMs supplies someone, so that only OEMs are end firms.
    let mut used = vec![false; list.len()];
    for r in &rows {
        if r.0 != r.2 {
            used[r.2] = true;
        }
    }
    let tier_start: Vec<usize> = sizes
        .iter()
        .scan(0, |acc, &n| {
            let s = *acc;
            *acc += n;
            Some(s)
        })
        .collect();
    for (u, f) in list.iter().enumerate() {
        if !used[u] && f.tier + 1 < TIERS.len() {
            let buyer = tier_start[f.tier + 1] + rng.below(sizes[f.tier + 1]);
            rows.push((
                buyer,
                (f.tier, f.makes),
                u,
                (1 + rng.below(1000)) as f64 * 1000.0,
                rng.below(60),
            ));
        }
    }
    // Supply cycles: a few material firms also take a little of one input from a firm they
    // supply themselves.
    let cycles = (firms / 20_000).max(2);
    let mut closed = 0;
    let mut i = rng.below(rows.len());
    let mut tries = 0;
    while closed < cycles && tries < rows.len() {
        let (buyer, _, supplier, _, _) = rows[i];
        if list[supplier].tier == 2 && buyer != supplier {
            if let Some(&(_, kind, _, _, _)) = rows.iter().find(|r| r.0 == supplier) {
                if !rows
                    .iter()
                    .any(|r| r.0 == supplier && r.1 == kind && r.2 == buyer)
                {
                    rows.push((supplier, kind, buyer, 5_000.0, rng.below(60)));
                    closed += 1;
                }
            }
        }
        i = (i + 7919) % rows.len();
        tries += 1;
    }
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    let mut sourcing =
        String::from("buyer_id,component,supplier_id,share,annual_value,inventory_days\n");
    let mut start = 0;
    while start < rows.len() {
        let mut end = start;
        while end < rows.len() && (rows[end].0, rows[end].1) == (rows[start].0, rows[start].1) {
            end += 1;
        }
        let total: f64 = rows[start..end].iter().map(|r| r.3).sum();
        for &(b, (tier, k), s, v, days) in &rows[start..end] {
            let _ = writeln!(
                sourcing,
                "{},t{}-k{:04},{},{},{},{}",
                id(b),
                tier,
                k,
                id(s),
                v / total,
                v,
                days
            );
        }
        start = end;
    }
    let rows = rows.len();
    let mut scenarios = String::new();
    let _ = writeln!(
        scenarios,
        "[[scenario]]\nname = \"China at half capacity\"\ncuts = [\"country:CN=0.5\"]\nduration_days = 60\n\n\
         [[scenario]]\nname = \"Zhejiang lockdown\"\ncuts = [\"region:Zhejiang=0.8\"]\nduration_days = 21\n\n\
         [[scenario]]\nname = \"One mine lost\"\ncuts = [\"firm:{}\"]",
        id(0)
    );
    let meta = format!(
        "title = \"Synthetic network: {firms} firms, seed {seed}\"\n\
         description = \"Generated by scrisk generate for benchmarks; not real data.\"\n\
         currency = \"USD\"\nassumptions = [\"Every firm, value and relation is synthetic.\"]\n"
    );
    Synthetic {
        files: vec![
            ("firms.csv", firms_csv),
            ("sourcing.csv", sourcing),
            ("scenarios.toml", scenarios),
            ("dataset.toml", meta),
        ],
        firms,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &std::path::Path, net: &Synthetic) {
        for (name, text) in &net.files {
            std::fs::write(dir.join(name), text).expect("write");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
        let sourcing = |net: Synthetic| net.files[1].1.clone();
        assert_eq!(sourcing(network(500, 7)), sourcing(network(500, 7)));
        assert_ne!(sourcing(network(500, 7)), sourcing(network(500, 8)));
    }

    #[test]
    fn the_network_is_valid_has_cycles_and_only_oems_are_end_firms() {
        let dir = tempfile::tempdir().expect("temp dir");
        let net = network(2000, 1);
        write(dir.path(), &net);
        let rows = net.rows;
        let ds = crate::ingest::load(dir.path(), Default::default()).expect("valid dataset");
        assert_eq!(ds.firms.len(), 2000);
        assert_eq!(ds.sourcing.len(), rows);
        assert!(
            (7.0..13.0).contains(&(rows as f64 / 2000.0 * 100.0 / 95.0)),
            "{rows} rows"
        );
        let g = crate::graph::SupplyGraph::build(&ds);
        assert!(g.cycles().count() >= 1, "no cycle");
        assert!(g
            .end_firms
            .iter()
            .all(|&e| ds.firms[e].kind.as_deref() == Some("oem")));
        assert_eq!(g.end_firms.len(), 100);
        assert!(ds.sourcing.iter().any(|r| r.is_in_house()));
    }
}
