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
//!
//! With `capacity` on, it also writes the data of the capacity model (MODEL.md section 8): a
//! third of firms get a `capacity_value` 10–50 % above their normal output, a fifth get
//! `stock_days`, one pair in eight gets a qualified alternate (a share-0 row from another maker
//! of the component, preferably in another country), and `dataset.toml` turns the model on.
//! These draws come from a second random stream that starts after the first one is done, so
//! the columns and rows a network has without the flag keep their bytes.

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
    /// `annual_output_value` (OEMs only).
    output: Option<u64>,
    recovery_days: Option<usize>,
}

/// The capacity model's columns of one firm (`--capacity`).
struct Reserve {
    capacity_value: Option<u64>,
    stock_days: Option<f64>,
}

/// Mixed into the seed of the second random stream, the one of the capacity data.
const CAPACITY_STREAM: u64 = 0x6361_7061_6369_7479;

/// The smallest network [`network`] builds: two firms per tier.
pub(crate) const MIN_FIRMS: usize = 12;

/// A generated dataset: its files (name, contents) and its size.
pub(crate) struct Synthetic {
    pub(crate) files: Vec<(&'static str, String)>,
    pub(crate) firms: usize,
    /// Sourcing rows with a share above 0.
    pub(crate) rows: usize,
    /// Qualified alternates (share-0 rows; only with `capacity`).
    pub(crate) alternates: usize,
}

/// Builds a synthetic dataset of `firms` firms (at least [`MIN_FIRMS`]), with the capacity
/// model's data when `capacity` is on. The random draws happen in a fixed order — firms,
/// their values, the rows, the links to unused suppliers, the cycles, then (second stream)
/// alternates and the firms' capacity and stock — so a seed always gives the same bytes.
pub(crate) fn network(firms: usize, seed: u64, capacity: bool) -> Synthetic {
    let firms = firms.max(MIN_FIRMS);
    let mut rng = Rng(seed);
    let sizes = tier_sizes(firms);
    // Component types per tier: enough that a type has ~20 makers, at least one.
    let types: Vec<usize> = sizes.iter().map(|&n| (n / 20).clamp(1, 2000)).collect();
    let mut list = make_firms(&mut rng, &sizes, &types, (firms / 50).max(1));
    draw_values(&mut rng, &mut list);
    let mut rows = buyer_rows(&mut rng, &list, &types);
    link_unused_suppliers(&mut rng, &list, &sizes, &mut rows);
    close_cycles(&mut rng, &list, (firms / 20_000).max(2), &mut rows);
    let normal_rows = rows.len();
    let reserves = capacity.then(|| {
        let mut rng = Rng(seed ^ CAPACITY_STREAM);
        rows.sort_by_key(|r| (r.0, r.1, r.2));
        let extra = alternates(&mut rng, &list, &types, &rows);
        rows.extend(extra);
        reserves(&mut rng, &list, &rows)
    });
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    let firms_csv = firms_table(&list, reserves.as_deref());
    let sourcing = sourcing_table(&rows);
    // Each scenario only where it matches a firm (a small network may have no CN firm or none
    // in Zhejiang), so that every generated dataset is valid.
    let mut scenarios = String::new();
    if list.iter().any(|f| f.country == "CN") {
        scenarios.push_str(
            "[[scenario]]\nname = \"China at half capacity\"\ncuts = [\"country:CN=0.5\"]\nduration_days = 60\n\n",
        );
    }
    if list.iter().any(|f| f.region == Some("Zhejiang")) {
        scenarios.push_str(
            "[[scenario]]\nname = \"Zhejiang lockdown\"\ncuts = [\"region:Zhejiang=0.8\"]\nduration_days = 21\n\n",
        );
    }
    let _ = writeln!(
        scenarios,
        "[[scenario]]\nname = \"One mine lost\"\ncuts = [\"firm:{}\"]",
        id(0)
    );
    let mut meta = format!(
        "title = \"Synthetic network: {firms} firms, seed {seed}\"\n\
         description = \"Generated by scrisk generate for benchmarks; not real data.\"\n\
         currency = \"USD\"\nassumptions = [\"Every firm, value and relation is synthetic.\"]\n"
    );
    if capacity {
        meta.push_str("\n[analysis]\ncapacity = true\n");
    }
    Synthetic {
        files: vec![
            ("firms.csv", firms_csv),
            ("sourcing.csv", sourcing),
            ("scenarios.toml", scenarios),
            ("dataset.toml", meta),
        ],
        firms,
        rows: normal_rows,
        alternates: rows.len() - normal_rows,
    }
}

/// A firm's id: its position, zero-padded so that ids sort as positions do.
fn id(i: usize) -> String {
    format!("f{i:07}")
}

/// Tier sizes summing to `firms`, at least two per tier.
fn tier_sizes(firms: usize) -> Vec<usize> {
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
    sizes
}

/// Every firm with its tier, country (from the skewed mix), region and group.
fn make_firms(rng: &mut Rng, sizes: &[usize], types: &[usize], groups: usize) -> Vec<Firm> {
    let total_weight: u32 = COUNTRIES.iter().map(|c| c.1).sum();
    let mut list: Vec<Firm> = Vec::with_capacity(sizes.iter().sum());
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
                output: None,
                recovery_days: None,
            });
        }
    }
    list
}

/// Each firm's output value (OEMs) and recovery days, drawn right after the firms.
fn draw_values(rng: &mut Rng, list: &mut [Firm]) {
    for f in list {
        f.output = (f.tier == 5).then(|| 1_000_000 * (50 + rng.below(950)) as u64);
        f.recovery_days = (rng.below(3) == 0).then(|| 10 + rng.below(170));
    }
}

/// The firms table, with the capacity model's columns when `reserves` are given.
fn firms_table(list: &[Firm], reserves: Option<&[Reserve]>) -> String {
    let mut firms_csv =
        String::from("firm_id,name,country,region,group,kind,annual_output_value,recovery_days");
    firms_csv.push_str(if reserves.is_some() {
        ",capacity_value,stock_days\n"
    } else {
        "\n"
    });
    let text = |v: Option<String>| v.unwrap_or_default();
    for (i, f) in list.iter().enumerate() {
        let kind = TIERS[f.tier].0;
        let _ = write!(
            firms_csv,
            "{},Firm {} ({} {}),{},{},{},{},{},{}",
            id(i),
            i,
            kind,
            f.country,
            f.country,
            f.region.unwrap_or(""),
            text(f.group.map(|g| format!("grp{g:05}"))),
            kind,
            text(f.output.map(|v| v.to_string())),
            text(f.recovery_days.map(|d| d.to_string())),
        );
        if let Some(r) = reserves.map(|r| &r[i]) {
            let _ = write!(
                firms_csv,
                ",{},{}",
                text(r.capacity_value.map(|v| v.to_string())),
                text(r.stock_days.map(|d| d.to_string())),
            );
        }
        firms_csv.push('\n');
    }
    firms_csv
}

/// The makers of each component type (tier, index), in id order.
fn makers(list: &[Firm], types: &[usize]) -> Vec<Vec<Vec<usize>>> {
    let mut makers: Vec<Vec<Vec<usize>>> = types.iter().map(|&t| vec![Vec::new(); t]).collect();
    for (i, f) in list.iter().enumerate() {
        makers[f.tier][f.makes].push(i);
    }
    makers
}

/// Each firm above the mines buys three to five component types of the tier below, each from
/// one to four of its makers, dealt round-robin (and now and then part in-house).
fn buyer_rows(rng: &mut Rng, list: &[Firm], types: &[usize]) -> Vec<Row> {
    let makers = makers(list, types);
    // A round-robin cursor per type.
    let mut cursor: Vec<Vec<usize>> = types.iter().map(|&t| vec![0; t]).collect();
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
    rows
}

/// Every firm below the OEMs supplies someone, so that only OEMs are end firms.
fn link_unused_suppliers(rng: &mut Rng, list: &[Firm], sizes: &[usize], rows: &mut Vec<Row>) {
    let mut used = vec![false; list.len()];
    for r in rows.iter() {
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
}

/// Supply cycles: a few material firms also take a little of one input from a firm they
/// supply themselves.
fn close_cycles(rng: &mut Rng, list: &[Firm], cycles: usize, rows: &mut Vec<Row>) {
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
}

/// Qualified alternates for about one pair in eight of the sorted `rows`: another maker of the
/// pair's component that is not yet one of its suppliers, from a country none of them is in
/// when there is one, as a row with value 0 (so share 0).
fn alternates(rng: &mut Rng, list: &[Firm], types: &[usize], rows: &[Row]) -> Vec<Row> {
    let makers = makers(list, types);
    let mut found = Vec::new();
    for pair in rows.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        if rng.below(8) != 0 {
            continue;
        }
        let (buyer, (tier, k)) = (pair[0].0, pair[0].1);
        let free: Vec<usize> = makers[tier][k]
            .iter()
            .copied()
            .filter(|&m| m != buyer && pair.iter().all(|r| r.2 != m))
            .collect();
        let abroad: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&m| pair.iter().all(|r| list[r.2].country != list[m].country))
            .collect();
        let pool = if abroad.is_empty() { &free } else { &abroad };
        if !pool.is_empty() {
            found.push((buyer, (tier, k), pool[rng.below(pool.len())], 0.0, 0));
        }
    }
    found
}

/// Spare capacity for about a third of firms (10–50 % above normal output) and finished-goods
/// stock for about a fifth (0.5–10 days). Normal output per year is 365 o(F) of MODEL.md
/// section 8: what a firm sells to other firms of `rows`, plus its own output if it is an end
/// firm — here the OEMs, the only firms with an output value. Values are whole numbers, so the
/// capacity is rounded up, never below normal output.
fn reserves(rng: &mut Rng, list: &[Firm], rows: &[Row]) -> Vec<Reserve> {
    let mut normal: Vec<u64> = list.iter().map(|f| f.output.unwrap_or(0)).collect();
    for &(buyer, _, supplier, value, _) in rows {
        if buyer != supplier {
            normal[supplier] += value as u64;
        }
    }
    normal
        .into_iter()
        .map(|n| Reserve {
            capacity_value: (rng.below(3) == 0)
                .then(|| (n * (110 + rng.below(41)) as u64).div_ceil(100)),
            stock_days: (rng.below(5) == 0).then(|| (1 + rng.below(20)) as f64 / 2.0),
        })
        .collect()
}

/// The sourcing table: rows sorted, each pair's shares from its values.
fn sourcing_table(rows: &[Row]) -> String {
    let mut sourcing =
        String::from("buyer_id,component,supplier_id,share,annual_value,inventory_days\n");
    for pair in rows.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let total: f64 = pair.iter().map(|r| r.3).sum();
        for &(b, (tier, k), s, v, days) in pair {
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
    }
    sourcing
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn write(dir: &std::path::Path, net: &Synthetic) {
        for (name, text) in &net.files {
            std::fs::write(dir.join(name), text).expect("write");
        }
    }

    /// FNV-1a over every file's name and contents: a fingerprint of a generated dataset.
    fn fingerprint(net: &Synthetic) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (name, text) in &net.files {
            for b in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
    }

    #[test]
    fn without_capacity_the_files_are_byte_for_byte_those_of_the_generator_before_it() {
        // Fingerprints (and total sizes) computed with this same function from the generator
        // as it was before `--capacity` existed (commit 71043a7); reports and benchmarks
        // depend on these networks.
        let before: [(usize, u64, u64, usize); 4] = [
            (12, 3, 0xeb90_64df_d1bf_559c, 2559),
            (500, 7, 0xf69c_d3eb_fc94_579f, 172_583),
            (2000, 1, 0x2121_72be_1ffa_21ef, 1_151_180),
            (20_000, 42, 0x813e_1f52_92c0_139d, 11_613_183),
        ];
        for (firms, seed, hash, size) in before {
            let net = network(firms, seed, false);
            let total: usize = net.files.iter().map(|f| f.1.len()).sum();
            assert_eq!(
                (fingerprint(&net), total),
                (hash, size),
                "{firms} firms, seed {seed}"
            );
            assert_eq!(net.alternates, 0);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
        let sourcing = |net: Synthetic| net.files[1].1.clone();
        assert_eq!(
            sourcing(network(500, 7, false)),
            sourcing(network(500, 7, false))
        );
        assert_ne!(
            sourcing(network(500, 7, false)),
            sourcing(network(500, 8, false))
        );
        for capacity in [false, true] {
            let a = network(500, 7, capacity);
            assert_eq!(
                a.files,
                network(500, 7, capacity).files,
                "capacity {capacity}"
            );
            assert_ne!(
                a.files,
                network(500, 8, capacity).files,
                "capacity {capacity}"
            );
        }
    }

    #[test]
    fn the_network_is_valid_has_cycles_and_only_oems_are_end_firms() {
        let dir = tempfile::tempdir().expect("temp dir");
        let net = network(2000, 1, false);
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

    /// One file's text.
    fn file<'a>(net: &'a Synthetic, name: &str) -> &'a str {
        let found = net.files.iter().find(|f| f.0 == name);
        &found.unwrap_or_else(|| panic!("no {name}")).1
    }

    /// A CSV text as its header and rows, split on commas: the generator quotes nothing, which
    /// this checks.
    fn table(text: &str) -> (Vec<&str>, Vec<Vec<&str>>) {
        assert!(!text.contains('"'), "a quoted field");
        let mut lines = text.lines().map(|l| l.split(',').collect::<Vec<_>>());
        let header = lines.next().expect("a header");
        let rows: Vec<Vec<&str>> = lines.collect();
        assert!(rows.iter().all(|r| r.len() == header.len()), "a short row");
        (header, rows)
    }

    fn column(header: &[&str], name: &str) -> usize {
        let found = header.iter().position(|&c| c == name);
        found.unwrap_or_else(|| panic!("no column {name}"))
    }

    fn number(text: &str) -> f64 {
        text.parse()
            .unwrap_or_else(|_| panic!("{text:?} is not a number"))
    }

    /// Normal output per year, 365 o(F) of MODEL.md section 8, of every firm named in the
    /// generated text, worked out from the CSV alone: what F delivers to other firms on rows
    /// with a share above 0, plus its output value if it is an end firm of section 2 (it buys
    /// something, and supplies nobody but itself or has an output value).
    fn normal_output(net: &Synthetic) -> BTreeMap<String, f64> {
        let (fh, firms) = table(file(net, "firms.csv"));
        let (sh, rows) = table(file(net, "sourcing.csv"));
        let [buyer, supplier, share, value] =
            ["buyer_id", "supplier_id", "share", "annual_value"].map(|c| column(&sh, c));
        let mut delivered: BTreeMap<&str, f64> = BTreeMap::new();
        let (mut buys, mut supplies) = (BTreeSet::new(), BTreeSet::new());
        for r in rows.iter().filter(|r| number(r[share]) > 0.0) {
            buys.insert(r[buyer]);
            if r[buyer] != r[supplier] {
                supplies.insert(r[supplier]);
                *delivered.entry(r[supplier]).or_default() += number(r[value]);
            }
        }
        let [id, output] = ["firm_id", "annual_output_value"].map(|c| column(&fh, c));
        firms
            .iter()
            .map(|f| {
                let end =
                    buys.contains(f[id]) && (!supplies.contains(f[id]) || !f[output].is_empty());
                let own = if end && !f[output].is_empty() {
                    number(f[output])
                } else {
                    0.0
                };
                let sold = delivered.get(f[id]).copied().unwrap_or(0.0);
                (f[id].to_string(), sold + own)
            })
            .collect()
    }

    /// The capacity data's rules, checked on the text: returns (firms with a capacity_value,
    /// end firms among them, firms with stock_days).
    fn check_capacity_columns(net: &Synthetic) -> (usize, usize, usize) {
        let normal = normal_output(net);
        let (fh, firms) = table(file(net, "firms.csv"));
        let [id, kind, cap, stock] =
            ["firm_id", "kind", "capacity_value", "stock_days"].map(|c| column(&fh, c));
        let (mut capped, mut capped_oems, mut stocked) = (0, 0, 0);
        for f in &firms {
            if !f[cap].is_empty() {
                let (c, n) = (number(f[cap]), normal[f[id]]);
                // Never below normal output (the loader's rule), and 10-50 % above it, rounded
                // up to a whole unit (whole numbers, so 10 c >= 11 n is exact in f64).
                assert!(
                    c >= n && 10.0 * c >= 11.0 * n && 2.0 * c <= 3.0 * n + 2.0,
                    "{}: {c} for {n}",
                    f[id]
                );
                capped += 1;
                capped_oems += usize::from(f[kind] == "oem");
            }
            if !f[stock].is_empty() {
                assert!((0.0..=10.0).contains(&number(f[stock])), "{}", f[stock]);
                stocked += 1;
            }
        }
        (capped, capped_oems, stocked)
    }

    /// The alternates' rules, checked on the text: returns (pairs, alternates, alternates
    /// from a country none of the pair's suppliers is in).
    fn check_alternates(net: &Synthetic) -> (usize, usize, usize) {
        let (fh, firms) = table(file(net, "firms.csv"));
        let [id, country, kind] = ["firm_id", "country", "kind"].map(|c| column(&fh, c));
        let firm: BTreeMap<&str, &Vec<&str>> = firms.iter().map(|f| (f[id], f)).collect();
        let (sh, rows) = table(file(net, "sourcing.csv"));
        let [buyer, component, supplier, share, value] = [
            "buyer_id",
            "component",
            "supplier_id",
            "share",
            "annual_value",
        ]
        .map(|c| column(&sh, c));
        let mut seen = BTreeSet::new();
        let mut pairs: BTreeMap<(&str, &str), Vec<&Vec<&str>>> = BTreeMap::new();
        for r in &rows {
            assert!(
                seen.insert((r[buyer], r[component], r[supplier])),
                "duplicate {r:?}"
            );
            pairs.entry((r[buyer], r[component])).or_default().push(r);
        }
        let (mut alternates, mut abroad) = (0, 0);
        for ((b, k), pair) in &pairs {
            let (used, alt): (Vec<&Vec<&str>>, Vec<_>) =
                pair.iter().partition(|r| number(r[share]) > 0.0);
            assert!(!used.is_empty(), "{b} {k}: no row with a share above 0");
            for a in &alt {
                assert_eq!((number(a[share]), number(a[value])), (0.0, 0.0), "{a:?}");
                assert_ne!(a[supplier], *b, "an in-house alternate");
                // The alternate makes a component of the pair's tier ("t3-k0001" is tier 3).
                let tier: usize = k[1..2].parse().expect("a tier");
                assert_eq!(firm[a[supplier]][kind], TIERS[tier].0, "{a:?}");
                let foreign = used
                    .iter()
                    .all(|u| firm[u[supplier]][country] != firm[a[supplier]][country]);
                abroad += usize::from(foreign);
            }
            alternates += alt.len();
        }
        (pairs.len(), alternates, abroad)
    }

    #[test]
    fn an_alternate_is_another_maker_preferably_abroad_never_a_supplier_of_the_pair() {
        // Firms 0-3 make the one mine type, firm 4 (a refiner) buys it from 0 and 1.
        let firm = |tier, country| Firm {
            tier,
            country,
            region: None,
            group: None,
            makes: 0,
            output: None,
            recovery_days: None,
        };
        let rows: [Row; 2] = [(4, (0, 0), 0, 1000.0, 5), (4, (0, 0), 1, 3000.0, 5)];
        let picks = |countries: [&'static str; 4]| {
            let mut list: Vec<Firm> = countries.iter().map(|&c| firm(0, c)).collect();
            list.push(firm(1, "CN"));
            let found: BTreeSet<usize> = (0..400)
                .flat_map(|seed| alternates(&mut Rng(seed), &list, &[1, 1], &rows))
                .inspect(|a| assert_eq!((a.0, a.1, a.3), (4, (0, 0), 0.0)))
                .map(|a| a.2)
                .collect();
            found.into_iter().collect::<Vec<_>>()
        };
        // All in one country: either of the two makers that are not suppliers yet.
        assert_eq!(picks(["CN", "CN", "CN", "CN"]), [2, 3]);
        // Firm 3 is abroad (the suppliers are in China and Japan): always firm 3.
        assert_eq!(picks(["CN", "JP", "CN", "DE"]), [3]);
        // No maker left: no alternate.
        let mut list: Vec<Firm> = ["CN", "DE"].iter().map(|&c| firm(0, c)).collect();
        list.push(firm(1, "CN"));
        let rows: [Row; 2] = [(2, (0, 0), 0, 1000.0, 5), (2, (0, 0), 1, 3000.0, 5)];
        assert!((0..400).all(|seed| alternates(&mut Rng(seed), &list, &[1, 1], &rows).is_empty()));
    }

    #[test]
    fn with_capacity_the_files_are_those_without_plus_the_capacity_data() {
        for (firms, seed) in [(12, 3), (60, 2), (2000, 1)] {
            let (plain, net) = (network(firms, seed, false), network(firms, seed, true));
            // firms.csv: the same lines with two more columns.
            let plain_firms = file(&plain, "firms.csv").lines();
            for (a, b) in plain_firms.zip(file(&net, "firms.csv").lines()) {
                let cut = b.rmatch_indices(',').nth(1).map(|(i, _)| i);
                assert_eq!(Some(a), cut.map(|i| &b[..i]));
            }
            // sourcing.csv: the same lines once the share-0 rows are left out.
            let kept: Vec<&str> = file(&net, "sourcing.csv")
                .lines()
                .filter(|l| l.split(',').nth(3) != Some("0"))
                .collect();
            assert_eq!(
                kept,
                file(&plain, "sourcing.csv").lines().collect::<Vec<_>>()
            );
            assert_eq!(kept.len() - 1, net.rows);
            assert_eq!(net.rows, plain.rows);
            let all = file(&net, "sourcing.csv").lines().count() - 1;
            assert_eq!(all - net.rows, net.alternates);
            assert_eq!(file(&net, "scenarios.toml"), file(&plain, "scenarios.toml"));
            let meta = format!(
                "{}\n[analysis]\ncapacity = true\n",
                file(&plain, "dataset.toml")
            );
            assert_eq!(file(&net, "dataset.toml"), meta);
            check_capacity_columns(&net);
            check_alternates(&net);
        }
    }

    #[test]
    fn capacity_stock_and_alternates_come_in_about_the_intended_fractions() {
        let net = network(2000, 1, true);
        let (capped, capped_oems, stocked) = check_capacity_columns(&net);
        // A third, a fifth; 100 OEMs, so about 33 end firms with spare capacity.
        assert!(
            (550..780).contains(&capped),
            "{capped} firms with capacity_value"
        );
        assert!(
            (15..55).contains(&capped_oems),
            "{capped_oems} OEMs with capacity_value"
        );
        assert!(
            (300..500).contains(&stocked),
            "{stocked} firms with stock_days"
        );
        let (pairs, alternates, abroad) = check_alternates(&net);
        // One pair in eight; most makers of a type are in another country than a pair's
        // suppliers (China, the largest, has 45 % of firms).
        let eighth = pairs as f64 / 8.0;
        assert!(
            (0.75 * eighth..1.25 * eighth).contains(&(alternates as f64)),
            "{alternates} alternates, {pairs} pairs"
        );
        assert!(
            abroad as f64 >= 0.9 * alternates as f64,
            "{abroad} of {alternates} abroad"
        );
    }
}
