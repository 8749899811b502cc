//! The rules over whole columns and groups of rows, as Polars lazy expressions over a DataFrame
//! with a row index: numbers within their column's range ([`Ranges`]: every number column of
//! `firms` and `sourcing`), rows that repeat an earlier row's (buyer, component, supplier), the
//! share sum of each (buyer, component) pair ([`PairChecks`]) and, with the capacity model, no
//! capacity below a firm's normal output ([`short_capacity`]). Each rule has this one home,
//! whatever the table's format: the frame is built from the [`Table`]'s columns (CSV, Parquet
//! and `.xlsx` alike), and the pair rules run on the sourcing rows once their ids are resolved,
//! as integer keys (cheaper to hash and compare than three text columns).
//!
//! The rules find; the table readers report, each problem in its place: a range breach among
//! the other problems of its row (empty cells and text that is not a number are found where
//! the cell is read), the pairs' problems in (buyer, component, supplier) order.

use polars::prelude::{
    col, lit, when, DataFrame, DataType, Engine, Expr, Float64Chunked, IntoColumn, IntoLazy,
    IntoSeries, LazyFrame, NewChunkedArray, PlSmallStr, PolarsResult, SortMultipleOptions,
    UInt32Chunked, UInt64Chunked,
};
use polars::series::IsSorted;
use rayon::prelude::*;

use super::shares::SHARE_TOLERANCE;
use super::sourcing::RawRow;
use super::table::{first_line, NumCell, Numbers, Table};
use crate::problem::Problem;

/// The values a number column may hold (besides being empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// A finite number `>= 0`.
    NonNegative,
    /// A finite number in [0, 1]: a share.
    Fraction,
}

/// The number columns of `firms` and their bounds (MODEL.md §1).
pub(crate) const FIRM_RANGES: &[(&str, Bound)] = &[
    ("annual_output_value", Bound::NonNegative),
    ("recovery_days", Bound::NonNegative),
    ("capacity_value", Bound::NonNegative),
    ("stock_days", Bound::NonNegative),
];

/// The number columns of `sourcing` and their bounds (MODEL.md §1).
pub(crate) const SOURCING_RANGES: &[(&str, Bound)] = &[
    ("share", Bound::Fraction),
    ("annual_value", Bound::NonNegative),
    ("inventory_days", Bound::NonNegative),
];

/// How a number breaks its column's bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breach {
    /// NaN or infinite.
    NotFinite,
    /// Finite, outside the bound.
    OutOfRange(Bound),
}

/// The codes of the range expressions (0: within the bound, or empty).
const NOT_FINITE: u32 = 1;
const OUT_OF_RANGE: u32 = 2;

/// Whether a value breaks the bound: not a finite number within it. False for an empty cell
/// (null, which a filter drops).
fn breaks(x: Expr, bound: Bound) -> Expr {
    let upper = match bound {
        Bound::NonNegative => x.clone().lt(lit(f64::INFINITY)),
        Bound::Fraction => x.clone().lt_eq(lit(1.0)),
    };
    // NaN fails both comparisons.
    x.gt_eq(lit(0.0)).and(upper).not()
}

/// The code of a value's breach ([`NOT_FINITE`], [`OUT_OF_RANGE`]; 0 for none).
fn breach_code(x: Expr, bound: Bound) -> Expr {
    when(x.clone().is_finite().not())
        .then(lit(NOT_FINITE))
        .when(breaks(x, bound))
        .then(lit(OUT_OF_RANGE))
        .otherwise(lit(0u32))
        // Literal integers are dynamically typed: the codes are read as `UInt32`.
        .cast(DataType::UInt32)
}

/// Runs a query on Polars' streaming engine, in parallel over blocks of rows (the range
/// queries: a filter that keeps few rows of many).
fn collect(query: LazyFrame) -> PolarsResult<DataFrame> {
    query
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
}

/// The range breaches of one table, by data row.
pub(crate) struct Ranges {
    /// The columns checked, as in the rules given.
    columns: Vec<&'static str>,
    /// (data row, column's place in `columns`, breach), sorted by row then column.
    found: Vec<(usize, usize, Breach)>,
}

impl Ranges {
    /// Checks every number column of `t` that `rules` bound (one lazy query for all of them);
    /// `Err` with a problem for the table when Polars fails.
    pub(crate) fn of(t: &Table, rules: &[(&'static str, Bound)]) -> Result<Ranges, Problem> {
        let columns: Vec<&'static str> = rules.iter().map(|(name, _)| *name).collect();
        let found = Self::query(t, rules).map_err(|e| {
            Problem::file(
                &t.file,
                format!(
                    "could not check its numbers: {}",
                    first_line(&e.to_string())
                ),
            )
        })?;
        Ok(Ranges { columns, found })
    }

    fn query(t: &Table, rules: &[(&str, Bound)]) -> PolarsResult<Vec<(usize, usize, Breach)>> {
        let mut frame = Vec::new();
        let mut checked: Vec<(usize, Expr, Bound)> = Vec::new();
        for (k, (name, bound)) in rules.iter().enumerate() {
            // A column that cannot be read as numbers is reported where it is read.
            let Some(values) = t.numbers(name).ok().and_then(|n| as_floats(&n, t.height())) else {
                continue;
            };
            let v = format!("v{k}");
            frame.push(values.with_name(PlSmallStr::from(v.as_str())).into_column());
            checked.push((k, col(v.as_str()), *bound));
        }
        // The rows that break a bound, then what each breach is (few rows, if any).
        let Some(any) = checked
            .iter()
            .map(|(_, x, bound)| breaks(x.clone(), *bound))
            .reduce(Expr::or)
        else {
            return Ok(Vec::new());
        };
        let mut select = vec![col("i")];
        select.extend(
            checked
                .iter()
                .map(|(k, x, bound)| breach_code(x.clone(), *bound).alias(format!("c{k}"))),
        );
        let out = DataFrame::new(t.height(), frame)?
            .lazy()
            .with_row_index("i", None)
            .filter(any)
            .select(select);
        let out = collect(out)?;
        let rows = out.column("i")?.idx()?;
        let mut found = Vec::new();
        for (k, _, _) in &checked {
            let c = out.column(&format!("c{k}"))?.u32()?;
            for (i, code) in rows.into_no_null_iter().zip(c.into_no_null_iter()) {
                match code {
                    NOT_FINITE => found.push((i as usize, *k, Breach::NotFinite)),
                    OUT_OF_RANGE => found.push((i as usize, *k, Breach::OutOfRange(rules[*k].1))),
                    _ => {}
                }
            }
        }
        found.sort_unstable_by_key(|&(i, k, _)| (i, k));
        Ok(found)
    }

    /// How the number in data row `i` of `column` breaks its bound, if it does.
    pub(crate) fn breach(&self, i: usize, column: &str) -> Option<Breach> {
        if self.found.is_empty() {
            return None;
        }
        let k = self.columns.iter().position(|c| *c == column)?;
        self.found
            .binary_search_by_key(&(i, k), |&(i, k, _)| (i, k))
            .ok()
            .map(|at| self.found[at].2)
    }
}

/// A number column as `Float64`, null where a cell is empty or not a number (that is reported
/// where the cell is read); `None` when the table has no such column.
fn as_floats(n: &Numbers<'_>, height: usize) -> Option<Float64Chunked> {
    let name = PlSmallStr::EMPTY;
    let cell = |i| match n.get(i) {
        NumCell::Num(v) => Some(v),
        NumCell::Empty | NumCell::Bad(_) => None,
    };
    match n {
        Numbers::Absent => None,
        Numbers::Typed(c) => Some(match c.dense() {
            Some(values) => Float64Chunked::from_vec(name, values.to_vec()),
            None => Float64Chunked::from_iter_options(name, (0..height).map(cell)),
        }),
        Numbers::Parsed(_) => Some(Float64Chunked::from_iter_options(
            name,
            (0..height).map(cell),
        )),
    }
}

/// The problem of a number `v` that breaks its column's bound.
pub(crate) fn breach_problem(
    (file, row, column): (&str, usize, &str),
    breach: Breach,
    v: f64,
) -> Problem {
    match breach {
        Breach::NotFinite => {
            Problem::cell(file, row, column, format!("{v} is not a finite number"))
        }
        Breach::OutOfRange(Bound::NonNegative) => Problem::cell(
            file,
            row,
            column,
            format!("{v} is negative; it must be >= 0"),
        ),
        Breach::OutOfRange(Bound::Fraction) => {
            Problem::cell(file, row, column, format!("{v} is outside [0, 1]")).with_hint(
                "a share is a fraction in [0, 1], e.g. 0.4 for 40%; 0 marks a qualified alternate",
            )
        }
    }
}

/// A (buyer, component) pair as one integer key, ordered as the pair.
pub(crate) fn pair_key(buyer: usize, component: usize) -> u64 {
    ((buyer as u64) << 32) | component as u64
}

/// A pair whose given shares do not sum to 1 within [`SHARE_TOLERANCE`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OffSum {
    /// [`pair_key`] of the pair.
    pub(crate) pair: u64,
    pub(crate) sum: f64,
    /// Whether a row of the pair has a share > 0 (else the pair has only alternates).
    pub(crate) positive: bool,
}

/// What the pair rules found among the sourcing rows that were read.
#[derive(Debug, Default)]
pub(crate) struct PairChecks {
    /// (spreadsheet row, the earlier row it repeats) of each row with the (buyer, component,
    /// supplier) of the row before it, in (buyer, component, supplier, row) order.
    pub(crate) repeated: Vec<(usize, usize)>,
    /// The pairs off the share sum, sorted by pair; only when shares are given.
    pub(crate) off_sums: Vec<OffSum>,
}

impl PairChecks {
    /// Runs the pair rules over `raw`, sorted by (buyer, component, supplier, row). With
    /// `shares_given`, the share sums are checked, except for the `broken` pairs ([`pair_key`]s
    /// of pairs with a rejected row: their sum would be wrong).
    pub(crate) fn of(
        raw: &[RawRow],
        shares_given: bool,
        broken: Vec<u64>,
        file: &str,
    ) -> Result<PairChecks, Problem> {
        Self::query(raw, shares_given, broken).map_err(|e| {
            Problem::file(
                file,
                format!("could not check its rows: {}", first_line(&e.to_string())),
            )
        })
    }

    fn query(raw: &[RawRow], shares_given: bool, broken: Vec<u64>) -> PolarsResult<PairChecks> {
        let rows = pair_frame(raw, shares_given)?.lazy();
        let same = |c: &str| col(c).eq(col(c).shift(lit(1)));
        let repeated = rows
            .clone()
            .select([
                col("row"),
                col("row").shift(lit(1)).alias("earlier"),
                same("pair").and(same("supplier")).alias("same"),
            ])
            .filter(col("same"))
            .collect()?;
        let row = repeated.column("row")?.u32()?;
        let earlier = repeated.column("earlier")?.u32()?;
        let repeated = row
            .into_no_null_iter()
            .zip(earlier.into_no_null_iter())
            .map(|(r, e)| (r as usize, e as usize))
            .collect();
        let off_sums = if shares_given {
            off_sums(rows, broken)?
        } else {
            Vec::new()
        };
        Ok(PairChecks { repeated, off_sums })
    }
}

/// The frame of the pair rules: each row's pair key (sorted), supplier, spreadsheet row and,
/// when given, share. Ten million rows are copied in one pass, in blocks on every core.
fn pair_frame(raw: &[RawRow], shares_given: bool) -> PolarsResult<DataFrame> {
    const BLOCK: usize = 1 << 16;
    let n = raw.len();
    let (mut pair, mut supplier, mut row) = (vec![0u64; n], vec![0u32; n], vec![0u32; n]);
    let mut share = vec![0.0; n];
    pair.par_chunks_mut(BLOCK)
        .zip(supplier.par_chunks_mut(BLOCK))
        .zip(row.par_chunks_mut(BLOCK))
        .zip(share.par_chunks_mut(BLOCK))
        .zip(raw.par_chunks(BLOCK))
        .for_each(|((((pair, supplier), row), share), raw)| {
            for (j, r) in raw.iter().enumerate() {
                pair[j] = pair_key(r.buyer(), r.component());
                supplier[j] = r.supplier() as u32;
                row[j] = r.row() as u32;
                share[j] = r.share().unwrap_or(0.0);
            }
        });
    let mut pair = UInt64Chunked::from_vec(PlSmallStr::from("pair"), pair);
    pair.set_sorted_flag(IsSorted::Ascending);
    let mut columns = vec![
        pair.into_series().into_column(),
        UInt32Chunked::from_vec(PlSmallStr::from("supplier"), supplier)
            .into_series()
            .into_column(),
        UInt32Chunked::from_vec(PlSmallStr::from("row"), row)
            .into_series()
            .into_column(),
    ];
    if shares_given {
        columns.push(
            Float64Chunked::from_vec(PlSmallStr::from("share"), share)
                .into_series()
                .into_column(),
        );
    }
    DataFrame::new(n, columns)
}

/// The share-sum rule: each pair's sum of given shares must be 1 within [`SHARE_TOLERANCE`].
fn off_sums(rows: LazyFrame, broken: Vec<u64>) -> PolarsResult<Vec<OffSum>> {
    let off = |e: Expr| {
        let d = e - lit(1.0);
        d.clone()
            .lt(lit(-SHARE_TOLERANCE))
            .or(d.gt(lit(SHARE_TOLERANCE)))
    };
    let broken = DataFrame::new(
        broken.len(),
        vec![UInt64Chunked::from_vec(PlSmallStr::from("pair"), broken)
            .into_series()
            .into_column()],
    )?
    .lazy()
    .with_column(lit(true).alias("broken"));
    let out = rows
        .group_by([col("pair")])
        // The shares of each pair in their order (by supplier, then row), summed one after
        // another: a float sum depends on the order, and this one is the same in every run.
        .agg([col("share")])
        .select([col("pair"), col("share").list().sum().alias("sum")])
        .filter(off(col("sum")))
        // The shares that are read are in [0, 1]: a sum of 0 is a pair of zeros.
        .with_column(col("sum").gt(lit(0.0)).alias("positive"))
        .left_join(broken, col("pair"), col("pair"))
        .filter(col("broken").is_null())
        .sort(["pair"], SortMultipleOptions::default())
        // In memory: its group-by keeps each pair's rows in their order, so that the sum is
        // the same from run to run (the streaming engine may gather them in any order).
        .collect()?;
    let pair = out.column("pair")?.u64()?;
    let sum = out.column("sum")?.f64()?;
    let positive = out.column("positive")?.bool()?;
    Ok(pair
        .into_no_null_iter()
        .zip(sum.into_no_null_iter())
        .zip(positive.iter())
        .map(|((pair, sum), positive)| OffSum {
            pair,
            sum,
            positive: positive == Some(true),
        })
        .collect())
}

/// How the capacity rule forgives rounding: capacity may be this much (relatively) below the
/// normal output (MODEL §8).
const CAPACITY_TOLERANCE: f64 = 1e-9;

/// A firm's numbers for the capacity rule: its `capacity_value`, and its final output (its
/// `annual_output_value` as an end firm, 0 otherwise; `None` when unknown: then so is its
/// normal output).
pub(crate) struct CapacityOf {
    pub(crate) capacity: Option<f64>,
    pub(crate) final_output: Option<f64>,
}

/// The capacity rule (MODEL §8): no `capacity_value` below the firm's normal output, the values
/// it delivers to other firms (`deliveries`: supplier, value) plus its final output, within
/// [`CAPACITY_TOLERANCE`]. Each firm that breaks it, by firm.
pub(crate) fn short_capacity(
    firms: &[CapacityOf],
    deliveries: impl Iterator<Item = (usize, f64)>,
) -> PolarsResult<Vec<ShortCapacity>> {
    let (supplier, value): (Vec<u32>, Vec<f64>) = deliveries.map(|(s, v)| (s as u32, v)).unzip();
    let delivered = DataFrame::new(
        supplier.len(),
        vec![
            UInt32Chunked::from_vec(PlSmallStr::from("firm"), supplier)
                .into_series()
                .into_column(),
            Float64Chunked::from_vec(PlSmallStr::from("value"), value)
                .into_series()
                .into_column(),
        ],
    )?
    .lazy()
    .group_by([col("firm")])
    // Each firm's values in the rows' order, summed one after another (a float sum depends on
    // the order; this is the order the dataset lists them in).
    .agg([col("value")])
    .select([col("firm"), col("value").list().sum().alias("delivered")]);
    let firm = UInt32Chunked::from_vec(PlSmallStr::from("firm"), (0..firms.len() as u32).collect());
    let capacity = Float64Chunked::from_iter_options(
        PlSmallStr::from("capacity"),
        firms.iter().map(|f| f.capacity),
    );
    let final_output = Float64Chunked::from_iter_options(
        PlSmallStr::from("final"),
        firms.iter().map(|f| f.final_output),
    );
    let normal = col("delivered").fill_null(lit(0.0)) + col("final");
    let out = DataFrame::new(
        firms.len(),
        vec![
            firm.into_series().into_column(),
            capacity.into_series().into_column(),
            final_output.into_series().into_column(),
        ],
    )?
    .lazy()
    .left_join(delivered, col("firm"), col("firm"))
    .select([col("firm"), col("capacity"), normal.alias("normal")])
    // An unknown capacity or final output is null: the comparison is null, and drops the firm.
    .filter(col("capacity").lt(col("normal") * lit(1.0 - CAPACITY_TOLERANCE)))
    .sort(["firm"], SortMultipleOptions::default())
    .collect()?;
    let firm = out.column("firm")?.u32()?;
    let capacity = out.column("capacity")?.f64()?;
    let normal = out.column("normal")?.f64()?;
    Ok(firm
        .into_no_null_iter()
        .zip(capacity.into_no_null_iter())
        .zip(normal.into_no_null_iter())
        .map(|((firm, capacity), normal)| ShortCapacity {
            firm: firm as usize,
            capacity,
            normal,
        })
        .collect())
}

/// A firm whose `capacity_value` is below its normal output.
pub(crate) struct ShortCapacity {
    pub(crate) firm: usize,
    pub(crate) capacity: f64,
    pub(crate) normal: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::table::{Column as TableColumn, NumColumn, TextColumn};

    /// Each range rule, cell by cell, whether the column was typed by the reader (CSV, Parquet)
    /// or is text parsed where it is used (`.xlsx`, and CSV files Polars cannot type); the
    /// corpus holds one case per message, this table the edges of every column's bound.
    #[test]
    fn every_number_column_keeps_its_range() {
        use Breach::{NotFinite, OutOfRange};
        let (non_negative, fraction) = (
            Some(OutOfRange(Bound::NonNegative)),
            Some(OutOfRange(Bound::Fraction)),
        );
        // (cell, breach of a column >= 0, breach of share)
        let cells: &[(&str, Option<Breach>, Option<Breach>)] = &[
            ("0", None, None),
            ("-0", None, None),
            ("1", None, None),
            ("0.5", None, None),
            ("1e300", None, fraction),
            ("1.000001", None, fraction),
            ("-1e-300", non_negative, fraction),
            ("-2", non_negative, fraction),
            ("inf", Some(NotFinite), Some(NotFinite)),
            ("-inf", Some(NotFinite), Some(NotFinite)),
            ("NaN", Some(NotFinite), Some(NotFinite)),
            // Empty, and not a number (reported where the cell is read): no breach.
            ("", None, None),
            ("five", None, None),
        ];
        let typed = |c: &str| c.parse::<f64>().ok();
        let values: Vec<f64> = cells.iter().map(|c| typed(c.0).unwrap_or(0.0)).collect();
        let present: Vec<bool> = cells.iter().map(|c| typed(c.0).is_some()).collect();
        let numbers =
            || TableColumn::Numbers(NumColumn::new(values.clone(), Some(present.clone())));
        let rules: Vec<(&'static str, Bound)> =
            FIRM_RANGES.iter().chain(SOURCING_RANGES).copied().collect();
        for as_text in [true, false] {
            let columns = rules
                .iter()
                .map(|(name, _)| {
                    let column = if as_text {
                        let mut t = TextColumn::with_capacity(cells.len());
                        for (cell, _, _) in cells {
                            t.push(Some(cell));
                        }
                        TableColumn::Text(t)
                    } else {
                        numbers()
                    };
                    (name.to_string(), column)
                })
                .collect();
            let t = Table::new("t".into(), columns, cells.len(), 1, None);
            let ranges = Ranges::of(&t, &rules).expect("checked");
            for (i, (cell, non_negative, fraction)) in cells.iter().enumerate() {
                for (name, bound) in &rules {
                    let expected = match bound {
                        Bound::NonNegative => *non_negative,
                        Bound::Fraction => *fraction,
                    };
                    assert_eq!(
                        ranges.breach(i, name),
                        expected,
                        "{name} = {cell:?} (as text: {as_text})"
                    );
                }
            }
        }
    }

    #[test]
    fn a_table_without_number_columns_has_no_breach() {
        let mut ids = TextColumn::with_capacity(1);
        ids.push(Some("a"));
        let t = Table::new(
            "t".into(),
            vec![("firm_id".into(), TableColumn::Text(ids))],
            1,
            1,
            None,
        );
        let ranges = Ranges::of(&t, FIRM_RANGES).expect("checked");
        assert_eq!(ranges.breach(0, "stock_days"), None);
    }
}
