//! The sourcing table: each row's references (buyer and supplier must be firms, the component
//! must be listed when a components table exists), its numbers, and the rows of the dataset
//! sorted by (buyer, component, supplier) with their shares from [`super::shares`], qualified
//! alternates (share 0) set apart. The range, repeated-row and share-sum rules are
//! [`super::rules`]; their problems are reported here, each in its place.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use foldhash::HashMap;

use super::columns::{check_columns, checked_number, num_col, text_col, SOURCING};
use super::ids::{FirmIndex, IdIndex, UNKNOWN};
use super::rules::{pair_key, OffSum, PairChecks, Ranges, SOURCING_RANGES};
use super::shares::{given_share, Pair, Shares};
use super::table::{Numbers, Table, Texts};
use super::LoadOptions;
use crate::model::{Component, Firm, Normalized, Note, ShareSource, SourcingRow};
use crate::problem::{quote, Problem};

/// What the sourcing table yields.
pub(crate) struct SourcingResult {
    pub(crate) rows: Vec<SourcingRow>,
    /// Qualified alternates, sorted like `rows`.
    pub(crate) alternates: Vec<SourcingRow>,
    pub(crate) components: Vec<Component>,
    pub(crate) has_values: bool,
    pub(crate) share_source: ShareSource,
    pub(crate) normalized: Vec<Normalized>,
}

/// A sourcing row with valid cells, before shares are derived or checked. Ten million of them
/// are read, sorted and split into pairs, so they are kept small (40 bytes): indices as `u32`,
/// an empty number as NaN (a valid cell is finite).
pub(crate) struct RawRow {
    buyer: u32,
    /// While rows are read, the component's index in order of first use; then its index in
    /// the sorted component list.
    component: u32,
    supplier: u32,
    row: u32,
    share: f64,
    value: f64,
    inventory: f64,
}

/// An empty cell as NaN.
fn or_nan(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

/// NaN as an empty cell.
fn unless_nan(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

impl RawRow {
    pub(crate) fn buyer(&self) -> usize {
        self.buyer as usize
    }
    pub(crate) fn component(&self) -> usize {
        self.component as usize
    }
    pub(crate) fn supplier(&self) -> usize {
        self.supplier as usize
    }
    /// The spreadsheet row.
    pub(crate) fn row(&self) -> usize {
        self.row as usize
    }
    pub(crate) fn share(&self) -> Option<f64> {
        unless_nan(self.share)
    }
    pub(crate) fn value(&self) -> Option<f64> {
        unless_nan(self.value)
    }
    pub(crate) fn inventory(&self) -> Option<f64> {
        unless_nan(self.inventory)
    }
    /// The sort key: (buyer, component, supplier, row).
    fn key(&self) -> (u32, u32, u32, u32) {
        (self.buyer, self.component, self.supplier, self.row)
    }
}

/// What sourcing rows refer to: the firms (or, when the firms table has problems, only the ids
/// it names) and the listed components.
pub(crate) struct Refs<'a> {
    pub(crate) firms: Option<&'a [Firm]>,
    pub(crate) named_ids: Option<&'a HashSet<&'a str>>,
    pub(crate) listed: Option<&'a BTreeMap<String, Option<String>>>,
}

/// The columns of the sourcing table, as read.
struct SourcingColumns<'a> {
    buyers: Texts<'a>,
    components: Texts<'a>,
    suppliers: Texts<'a>,
    shares: Numbers<'a>,
    values: Numbers<'a>,
    inventory: Numbers<'a>,
    has_share: bool,
    has_values: bool,
}

impl<'a> SourcingColumns<'a> {
    fn of(t: &'a Table, problems: &mut Vec<Problem>) -> Option<Self> {
        Some(SourcingColumns {
            buyers: text_col(t, "buyer_id", problems)?,
            components: text_col(t, "component", problems)?,
            suppliers: text_col(t, "supplier_id", problems)?,
            shares: num_col(t, "share", problems)?,
            values: num_col(t, "annual_value", problems)?,
            inventory: num_col(t, "inventory_days", problems)?,
            has_share: t.has("share"),
            has_values: t.has("annual_value"),
        })
    }
}

/// The rows read so far: valid rows, the components they name (in order of first use), and
/// the pairs with a rejected row.
#[derive(Default)]
struct Reading<'a> {
    raw: Vec<RawRow>,
    component_index: IdIndex<'a>,
    component_names: Vec<&'a str>,
    broken_pairs: BTreeSet<(&'a str, &'a str)>,
}

/// Reads and checks the sourcing table; `None` when it (or the firms table) has problems.
pub(crate) fn read_sourcing(
    t: &Table,
    refs: &Refs<'_>,
    opts: LoadOptions,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> Option<SourcingResult> {
    let before = problems.len();
    if !check_columns(t, &SOURCING, problems, notes) {
        return None;
    }
    let cols = SourcingColumns::of(t, problems)?;
    let ranges = Ranges::of(t, SOURCING_RANGES)
        .map_err(|p| problems.push(p))
        .ok()?;
    let firm_index: Option<FirmIndex<'_>> = refs.firms.map(FirmIndex::new);
    let resolve = |ids: &Texts<'_>| match &firm_index {
        Some(index) if refs.firms.is_some_and(|f| f.len() < UNKNOWN as usize) => {
            index.resolve_all(ids, t.height())
        }
        _ => Vec::new(),
    };
    let lookup = Lookup {
        file: &t.file,
        ranges: &ranges,
        index: firm_index.as_ref(),
        named_ids: refs.named_ids,
        buyers: resolve(&cols.buyers),
        suppliers: resolve(&cols.suppliers),
    };
    let mut reading = Reading::default();
    reading.raw.reserve(t.height());
    for i in 0..t.height() {
        read_row(t, &cols, i, &lookup, refs, &mut reading, problems);
    }
    let Reading {
        mut raw,
        component_names,
        broken_pairs,
        ..
    } = reading;
    let components = sort_components(&mut raw, &component_names, refs.listed);
    raw.sort_unstable_by_key(RawRow::key);

    let share_source = if cols.has_share {
        ShareSource::Given
    } else if cols.has_values {
        ShareSource::FromValues
    } else {
        ShareSource::EqualSplit
    };
    let broken = broken_keys(&broken_pairs, lookup.index, &components);
    let checks = PairChecks::of(&raw, share_source == ShareSource::Given, broken, &t.file)
        .map_err(|p| problems.push(p))
        .ok()?;
    repeated_rows(&checks.repeated, &t.file, problems);
    let mut shares = Shares::new(share_source, opts.normalize_shares, &t.file);
    let pairs = Pairs {
        firms: refs.firms,
        components: &components,
        off_sums: &checks.off_sums,
        has_values: cols.has_values,
    };
    let (rows, alternates) = pairs.rows(&raw, &mut shares, problems);
    notes.extend(shares.note());
    // With problems, the rows still go on when every row was read (say, only some
    // annual_value cells are empty): the capacity model's checks on firms need them to know
    // the end firms, and report in the same run. The dataset itself is rejected either way.
    let every_row_read = raw.len() == t.height();
    if refs.firms.is_none() || (problems.len() > before && !every_row_read) {
        return None;
    }
    Some(SourcingResult {
        rows,
        alternates,
        components,
        has_values: cols.has_values,
        share_source,
        normalized: shares.normalized,
    })
}

/// What the rows of each (buyer, component) pair need besides themselves.
struct Pairs<'p> {
    firms: Option<&'p [Firm]>,
    components: &'p [Component],
    /// The pairs whose given shares do not sum to 1 ([`super::rules`]), sorted by pair.
    off_sums: &'p [OffSum],
    has_values: bool,
}

impl Pairs<'_> {
    /// The dataset's rows, with their shares, and its qualified alternates (share 0): `raw`
    /// split into (buyer, component) pairs.
    fn rows(
        &self,
        raw: &[RawRow],
        shares: &mut Shares<'_>,
        problems: &mut Vec<Problem>,
    ) -> (Vec<SourcingRow>, Vec<SourcingRow>) {
        let firm_id = |i: usize| self.firms.map_or("?", |f| f[i].id.as_str());
        let mut rows: Vec<SourcingRow> = Vec::with_capacity(raw.len());
        let mut alternates: Vec<SourcingRow> = Vec::new();
        let mut off_sums = self.off_sums.iter().peekable();
        for pair in raw.chunk_by(|a, b| (a.buyer(), a.component()) == (b.buyer(), b.component())) {
            let key = pair_key(pair[0].buyer(), pair[0].component());
            let pair = Pair {
                rows: pair,
                buyer_id: firm_id(pair[0].buyer()),
                component_id: self.components[pair[0].component()].id.as_str(),
                off_sum: off_sums.next_if(|o| o.pair == key).copied(),
            };
            let of_pair = shares.of_pair(&pair, problems);
            for (r, share) in pair.rows.iter().zip(of_pair) {
                let row = SourcingRow {
                    buyer: r.buyer(),
                    component: r.component(),
                    supplier: r.supplier(),
                    share,
                    annual_value: if self.has_values { r.value() } else { None },
                    inventory_days: r.inventory(),
                    row: r.row(),
                };
                // A row without its value is no alternate for lacking it (its dataset is
                // rejected, but the capacity checks read its structure).
                if share == 0.0 && (r.share().is_some() || r.value().is_some()) {
                    alternates.push(row);
                } else {
                    rows.push(row);
                }
            }
        }
        (rows, alternates)
    }
}

/// Checks row `i`; keeps it when all its cells are valid, else marks its pair as broken.
fn read_row<'a>(
    t: &'a Table,
    cols: &SourcingColumns<'a>,
    i: usize,
    lookup: &Lookup<'_>,
    refs: &Refs<'_>,
    reading: &mut Reading<'a>,
    problems: &mut Vec<Problem>,
) {
    let (file, row) = (t.file.as_str(), t.row(i));
    let n_before = problems.len();
    let buyer = lookup.firm(
        cols.buyers.get(i),
        &lookup.buyers,
        i,
        "buyer_id",
        row,
        problems,
    );
    let supplier = lookup.firm(
        cols.suppliers.get(i),
        &lookup.suppliers,
        i,
        "supplier_id",
        row,
        problems,
    );
    let component = listed_component(cols.components.get(i), refs, file, row, problems);
    let ranges = lookup.ranges;
    let share = if cols.has_share {
        given_share(
            cols.shares.get(i),
            ranges.breach(i, "share"),
            file,
            row,
            problems,
        )
        .map(Some)
    } else {
        Ok(None)
    };
    let value = checked_number(
        cols.values.get(i),
        ranges.breach(i, "annual_value"),
        (file, row, "annual_value"),
        problems,
    );
    // An empty value is a problem, but the row is otherwise read (see read_sourcing).
    let empty_value = cols.has_values && matches!(value, Ok(None));
    if empty_value {
        problems.push(Problem::cell(file, row, "annual_value", "is empty").with_hint(
            "give every row a value, or drop the column; an empty value would silently count as 0",
        ));
    }
    let inv = checked_number(
        cols.inventory.get(i),
        ranges.breach(i, "inventory_days"),
        (file, row, "inventory_days"),
        problems,
    );
    match (buyer, component, supplier, share, value, inv) {
        (Some(buyer), Some(k), Some(supplier), Ok(share), Ok(value), Ok(inventory))
            if problems.len() == n_before + usize::from(empty_value) =>
        {
            let next = reading.component_names.len();
            let component = reading.component_index.get_or_insert(k, next);
            if component == next {
                reading.component_names.push(k);
            }
            reading.raw.push(RawRow {
                buyer: buyer as u32,
                component: component as u32,
                supplier: supplier as u32,
                row: row as u32,
                share: or_nan(share),
                value: or_nan(value),
                inventory: or_nan(inventory),
            });
        }
        _ => {
            if let (Some(b), Some(k)) = (cols.buyers.get(i), cols.components.get(i)) {
                reading.broken_pairs.insert((b, k));
            }
        }
    }
}

/// Resolves buyer and supplier ids against the firms.
struct Lookup<'a> {
    file: &'a str,
    /// The range breaches of the table's numbers.
    ranges: &'a Ranges,
    /// Firm index by id; `None` when the firms table has problems.
    index: Option<&'a FirmIndex<'a>>,
    /// With problems in firms, the ids the firms table does name, so that unknown references
    /// are still reported in the same run.
    named_ids: Option<&'a HashSet<&'a str>>,
    /// The firm of each row's buyer and supplier, resolved ahead ([`FirmIndex::resolve_all`]);
    /// empty when the firms have problems.
    buyers: Vec<u32>,
    suppliers: Vec<u32>,
}

impl Lookup<'_> {
    /// The firm named in row `i` of a column (`id`, resolved in `resolved` when the firms are
    /// valid); `None` (with a problem) when it is empty or unknown.
    fn firm(
        &self,
        id: Option<&str>,
        resolved: &[u32],
        i: usize,
        col: &str,
        row: usize,
        problems: &mut Vec<Problem>,
    ) -> Option<usize> {
        let Some(id) = id else {
            problems.push(Problem::cell(self.file, row, col, "is empty"));
            return None;
        };
        let found = match self.index {
            Some(index) => match resolved.get(i) {
                Some(&f) => (f != UNKNOWN).then_some(f as usize),
                None => index.get(id),
            },
            // firms has problems: check against the ids it names, resolve nothing.
            None if self.named_ids.is_some_and(|named| !named.contains(id)) => None,
            None => return None,
        };
        if found.is_none() {
            problems.push(
                Problem::cell(
                    self.file,
                    row,
                    col,
                    format!("{} is not a firm_id in firms", quote(id)),
                )
                .with_hint("every buyer and supplier must be listed in firms"),
            );
        }
        found
    }
}

/// The component of a row; `None` (with a problem) when it is empty or not listed.
fn listed_component<'a>(
    cell: Option<&'a str>,
    refs: &Refs<'_>,
    file: &str,
    row: usize,
    problems: &mut Vec<Problem>,
) -> Option<&'a str> {
    let Some(k) = cell else {
        problems.push(Problem::cell(file, row, "component", "is empty"));
        return None;
    };
    match refs.listed {
        Some(list) if !list.contains_key(k) => {
            problems.push(
                Problem::cell(
                    file,
                    row,
                    "component",
                    format!("{} is not listed in components", quote(k)),
                )
                .with_hint("add it to components.csv, or fix the spelling"),
            );
            None
        }
        _ => Some(k),
    }
}

/// The components, sorted by id: the listed ones plus every one the rows name. Renumbers the
/// rows' components from order of first use to their place in that list.
fn sort_components(
    raw: &mut [RawRow],
    used: &[&str],
    listed: Option<&BTreeMap<String, Option<String>>>,
) -> Vec<Component> {
    let mut names: BTreeMap<&str, Option<&str>> = listed
        .map(|l| l.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect())
        .unwrap_or_default();
    for &k in used {
        names.entry(k).or_insert(None);
    }
    let place: HashMap<&str, usize> = names.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let renumber: Vec<usize> = used.iter().map(|k| place[k]).collect();
    for r in raw.iter_mut() {
        r.component = renumber[r.component()] as u32;
    }
    names
        .into_iter()
        .map(|(id, name)| Component {
            id: id.to_string(),
            name: name.map(str::to_string),
        })
        .collect()
}

/// Reports each row that repeats the (buyer, component, supplier) of an earlier one, as the
/// rule found them: (row, the earlier row), in (buyer, component, supplier, row) order.
fn repeated_rows(repeated: &[(usize, usize)], file: &str, problems: &mut Vec<Problem>) {
    for &(row, earlier) in repeated {
        problems.push(
            Problem::cell(
                file,
                row,
                "supplier_id",
                format!("duplicate row: same buyer, component and supplier as row {earlier}"),
            )
            .with_hint("merge the two rows into one (add their shares and values)"),
        );
    }
}

/// The pairs with a rejected row as [`pair_key`]s. A pair whose buyer is no firm, or whose
/// component no row that was read names, has no row to check anyway.
fn broken_keys(
    broken: &BTreeSet<(&str, &str)>,
    firms: Option<&FirmIndex<'_>>,
    components: &[Component],
) -> Vec<u64> {
    let Some(firms) = firms else {
        return Vec::new();
    };
    broken
        .iter()
        .filter_map(|&(b, k)| {
            let buyer = firms.get(b)?;
            let component = components.binary_search_by(|c| c.id.as_str().cmp(k)).ok()?;
            Some(pair_key(buyer, component))
        })
        .collect()
}
