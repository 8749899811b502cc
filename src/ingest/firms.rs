//! The firms table: ids (non-empty, unique), names, ISO country codes, the optional columns,
//! and a note for ids that differ only in case.

use std::borrow::Cow;

use foldhash::{HashMap, HashSet};

use super::columns::{check_columns, checked_number, num_col, text_col, FIRMS};
use super::rules::{Ranges, FIRM_RANGES};
use super::table::{Numbers, Table, Texts};
use crate::model::{Firm, Note};
use crate::problem::{quote, Problem};

/// The columns of the firms table, as read.
struct FirmColumns<'a> {
    ids: Texts<'a>,
    names: Texts<'a>,
    countries: Texts<'a>,
    regions: Texts<'a>,
    groups: Texts<'a>,
    kinds: Texts<'a>,
    outputs: Numbers<'a>,
    recovery: Numbers<'a>,
    capacity: Numbers<'a>,
    stock: Numbers<'a>,
}

impl<'a> FirmColumns<'a> {
    fn of(t: &'a Table, problems: &mut Vec<Problem>) -> Option<Self> {
        Some(FirmColumns {
            ids: text_col(t, "firm_id", problems)?,
            names: text_col(t, "name", problems)?,
            countries: text_col(t, "country", problems)?,
            regions: text_col(t, "region", problems)?,
            groups: text_col(t, "group", problems)?,
            kinds: text_col(t, "kind", problems)?,
            outputs: num_col(t, "annual_output_value", problems)?,
            recovery: num_col(t, "recovery_days", problems)?,
            capacity: num_col(t, "capacity_value", problems)?,
            stock: num_col(t, "stock_days", problems)?,
        })
    }
}

/// The firms, sorted by id; `None` when the table has problems.
pub(crate) fn read_firms(
    t: &Table,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> Option<Vec<Firm>> {
    let before = problems.len();
    if !check_columns(t, &FIRMS, problems, notes) {
        return None;
    }
    let cols = FirmColumns::of(t, problems)?;
    let ranges = Ranges::of(t, FIRM_RANGES)
        .map_err(|p| problems.push(p))
        .ok()?;
    let mut seen: HashMap<&str, usize> = HashMap::default();
    seen.reserve(t.height());
    let mut case = CaseNotes::new(&cols.ids, t.height());
    let mut firms = Vec::with_capacity(t.height());
    for i in 0..t.height() {
        let row = t.row(i);
        let id = cols.ids.get(i);
        if let Some(id) = id {
            case.see(id, row);
        }
        match id {
            None => problems.push(Problem::cell(
                &t.file,
                row,
                "firm_id",
                "is empty; every firm needs an id",
            )),
            Some(id) => {
                if let Some(&first) = seen.get(id) {
                    problems.push(Problem::cell(
                        &t.file,
                        row,
                        "firm_id",
                        format!("{} is used again (first on row {first})", quote(id)),
                    ));
                } else {
                    seen.insert(id, row);
                }
            }
        }
        if let Some(firm) = firm_of_row(t, (&cols, &ranges), i, id, problems) {
            firms.push(firm);
        }
    }
    if problems.len() > before {
        return None;
    }
    notes.extend(case.notes.into_iter().map(|message| Note {
        file: t.file.clone(),
        message,
    }));
    firms.sort_by(|a, b| a.id.cmp(&b.id));
    Some(firms)
}

/// Checks the name, country and numbers of row `i` (`ranges`: the breaches of the numbers'
/// ranges); the firm when they and the id are valid.
fn firm_of_row(
    t: &Table,
    (cols, ranges): (&FirmColumns<'_>, &Ranges),
    i: usize,
    id: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Option<Firm> {
    let (file, row) = (t.file.as_str(), t.row(i));
    let name = cols.names.get(i);
    if name.is_none() {
        problems.push(Problem::cell(
            file,
            row,
            "name",
            "is empty; every firm needs a name",
        ));
    }
    let country = country_of(cols.countries.get(i), file, row, problems);
    let mut number = |cells: &Numbers<'_>, col: &str| {
        checked_number(
            cells.get(i),
            ranges.breach(i, col),
            (file, row, col),
            problems,
        )
    };
    let output = number(&cols.outputs, "annual_output_value");
    let rec = number(&cols.recovery, "recovery_days");
    let capacity = number(&cols.capacity, "capacity_value");
    let stock = number(&cols.stock, "stock_days");
    let (Some(id), Some(name), Some(country), Ok(output), Ok(rec), Ok(capacity), Ok(stock)) =
        (id, name, country, output, rec, capacity, stock)
    else {
        return None;
    };
    let group = cols.groups.get(i);
    Some(Firm {
        id: id.to_string(),
        name: name.to_string(),
        country,
        region: cols.regions.get(i).map(str::to_string),
        group: group.unwrap_or(id).to_string(),
        group_named: group.is_some(),
        kind: cols.kinds.get(i).map(str::to_string),
        annual_output_value: output,
        recovery_days: rec,
        capacity_value: capacity,
        stock_days: stock,
        row,
    })
}

/// The upper-cased ISO code of a country cell; `None` (with a problem) when it is not one.
fn country_of(
    cell: Option<&str>,
    file: &str,
    row: usize,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let Some(c) = cell else {
        problems.push(
            Problem::cell(file, row, "country", "is empty")
                .with_hint("use ZZ when the country is unknown"),
        );
        return None;
    };
    match crate::model::country::normalise_country(c) {
        Ok(cc) => Some(cc),
        Err(hint) => {
            let mut p = Problem::cell(
                file,
                row,
                "country",
                format!("{} is not an ISO 3166-1 alpha-2 code", quote(c)),
            );
            p.hint = hint.map(str::to_string);
            problems.push(p);
            None
        }
    }
}

/// Ids that differ only in case are different firms, but rarely on purpose: say so (for the
/// first 20 such ids).
struct CaseNotes<'a> {
    /// The folded forms of the ids that are not their own folded form: two ids that differ
    /// only in case share a folded form, and at least one of them is such an id. Only ids
    /// whose folded form is here need looking at (none, when every id is in lower case).
    keys: HashSet<String>,
    folded: HashMap<Cow<'a, str>, (&'a str, usize)>,
    notes: Vec<String>,
}

/// An id's folded form, borrowed when the id is its own (ASCII without capitals, most ids).
fn folded(id: &str) -> Cow<'_, str> {
    if id.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(id)
    } else {
        Cow::Owned(id.to_lowercase())
    }
}

impl<'a> CaseNotes<'a> {
    fn new(ids: &Texts<'_>, rows: usize) -> Self {
        let keys = (0..rows)
            .filter_map(|i| ids.get(i))
            .filter_map(|id| match folded(id) {
                Cow::Owned(key) if key != id => Some(key),
                _ => None,
            })
            .collect();
        CaseNotes {
            keys,
            folded: HashMap::default(),
            notes: Vec::new(),
        }
    }

    fn see(&mut self, id: &'a str, row: usize) {
        if self.keys.is_empty() {
            return;
        }
        let key = folded(id);
        if !self.keys.contains(key.as_ref()) {
            return;
        }
        if let Some(&(other, other_row)) = self.folded.get(&key) {
            if other != id && self.notes.len() < 20 {
                self.notes.push(format!(
                    "firm ids {} (row {other_row}) and {} (row {row}) differ only in case; they are treated as different firms",
                    quote(other),
                    quote(id)
                ));
            }
        } else {
            self.folded.insert(key, (id, row));
        }
    }
}
