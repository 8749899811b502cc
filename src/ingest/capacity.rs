//! The input checks of the capacity model (MODEL.md §8), applied only when it is on
//! (`--capacity`, or `[analysis] capacity = true` in `dataset.toml`): `annual_value` on every
//! sourcing row (qualified alternates included), `annual_output_value` on every end firm, and a
//! `capacity_value` no smaller than the firm's normal output (that rule is a Polars expression
//! in [`super::rules`]). Every problem of both files is reported in one run.

use super::rules::{short_capacity, CapacityOf, ShortCapacity};
use super::shares::round_for_message;
use super::table::{first_line, Table};
use crate::model::Dataset;
use crate::problem::{quote, Problem};

/// The hint of every problem here: how to give the data, or turn the model off.
const HINT: &str = "the capacity model (--capacity, or [analysis] capacity = true in \
                    dataset.toml) needs these values; give them, or run without it";

/// The sourcing table must have an `annual_value` column (its empty cells are problems
/// whenever the column exists).
pub(crate) fn value_column(sourcing: &Table, problems: &mut Vec<Problem>) {
    if !sourcing.has("annual_value") {
        problems.push(
            Problem::cell(
                &sourcing.file,
                sourcing.header_row,
                "annual_value",
                "column is missing: the capacity model needs annual_value on every sourcing row \
                 (qualified alternates included; 0 will do)",
            )
            .with_hint(HINT),
        );
    }
}

/// The firms' checks, on the loaded dataset (`firms_file`: the firms table as shown): every end
/// firm has an `annual_output_value`, and no `capacity_value` is below the firm's normal output
/// o(F) = out(F) + final(F) (per year here: the values of the rows it supplies to other firms,
/// plus its `annual_output_value` when it is an end firm; the rule is
/// [`super::rules::short_capacity`]). Without sourcing values the normal output is unknown (the
/// missing column is its own problem), and so is that of an end firm without an output value:
/// their capacity is not checked.
pub(crate) fn firms(ds: &Dataset, firms_file: &str, problems: &mut Vec<Problem>) {
    let mut is_end = vec![false; ds.firms.len()];
    for e in ds.end_firms() {
        is_end[e] = true;
    }
    let mut short = short_of(ds, &is_end, firms_file, problems)
        .into_iter()
        .peekable();
    for (f, firm) in ds.firms.iter().enumerate() {
        if is_end[f] && firm.annual_output_value.is_none() {
            problems.push(
                Problem::cell(
                    firms_file,
                    firm.row,
                    "annual_output_value",
                    format!(
                        "end firm {} has no annual_output_value; the capacity model needs the \
                         output value of every end firm",
                        quote(&firm.id)
                    ),
                )
                .with_hint(HINT),
            );
        }
        let Some(ShortCapacity {
            capacity, normal, ..
        }) = short.next_if(|s| s.firm == f)
        else {
            continue;
        };
        problems.push(Problem::cell(
            firms_file,
            firm.row,
            "capacity_value",
            format!(
                "firm {}: capacity_value {capacity} is below its normal output of {} a year \
                 (its sourcing values as a supplier to other firms{}); it would run above \
                 capacity with nothing cut",
                quote(&firm.id),
                round_for_message(normal),
                if is_end[f] {
                    ", plus its annual_output_value as an end firm"
                } else {
                    ""
                },
            ),
        ));
    }
}

/// The firms whose `capacity_value` is below their normal output, by firm
/// ([`short_capacity`]); none when the sourcing rows have no values.
fn short_of(
    ds: &Dataset,
    is_end: &[bool],
    firms_file: &str,
    problems: &mut Vec<Problem>,
) -> Vec<ShortCapacity> {
    if !ds.has_values {
        return Vec::new();
    }
    let numbers: Vec<CapacityOf> = ds
        .firms
        .iter()
        .zip(is_end)
        .map(|(firm, &end)| CapacityOf {
            capacity: firm.capacity_value,
            final_output: if end {
                firm.annual_output_value
            } else {
                Some(0.0)
            },
        })
        .collect();
    let deliveries = ds
        .sourcing
        .iter()
        .filter(|r| !r.is_in_house())
        .map(|r| (r.supplier, r.annual_value.unwrap_or(0.0)));
    short_capacity(&numbers, deliveries).unwrap_or_else(|e| {
        problems.push(Problem::file(
            firms_file,
            format!(
                "could not check capacity_value: {}",
                first_line(&e.to_string())
            ),
        ));
        Vec::new()
    })
}
