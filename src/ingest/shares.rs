//! Shares of a (buyer, component) pair (MODEL.md §1): given in the `share` column and summing
//! to 1 within [`SHARE_TOLERANCE`] (or rescaled with `--normalize-shares`, which leaves a
//! note), derived from `annual_value`, or split equally when both columns are absent.
//!
//! A row whose share comes out 0 is a qualified alternate (v2): share 0 as given, or
//! `annual_value` 0 beside a positive value of its pair when shares are derived. A pair needs
//! a row with share > 0; a pair whose values are all 0 splits equally, as without values.

use super::rules::{breach_problem, Breach, OffSum};
use super::sourcing::RawRow;
use super::table::NumCell;
use crate::model::{Normalized, Note, ShareSource};
use crate::problem::{quote, Problem};

/// Shares of a pair may differ from 1 by this much (MODEL §1).
pub(crate) const SHARE_TOLERANCE: f64 = 1e-6;

/// How many rescaled pairs the `--normalize-shares` note names before it counts the rest.
const NOTE_PAIRS: usize = 20;

/// Checks a cell of a present `share` column: a number (0: a qualified alternate), with
/// `breach` the cell's breach of its range, [0, 1] ([`super::rules`]).
pub(crate) fn given_share(
    cell: NumCell<'_>,
    breach: Option<Breach>,
    file: &str,
    row: usize,
    problems: &mut Vec<Problem>,
) -> Result<f64, ()> {
    let problem = match (cell, breach) {
        (NumCell::Num(v), None) => return Ok(v),
        (NumCell::Num(v), Some(breach)) => breach_problem((file, row, "share"), breach, v),
        (NumCell::Empty, _) => Problem::cell(file, row, "share", "is empty").with_hint(
            "give every row a share, or drop the column to derive shares from annual_value",
        ),
        (NumCell::Bad(s), _) => {
            Problem::cell(file, row, "share", format!("{} is not a number", quote(s)))
                .with_hint("a share is a fraction in [0, 1], e.g. 0.4 for 40%")
        }
    };
    problems.push(problem);
    Err(())
}

/// A sum for a message: float noise removed (0.8999999999999999 → 0.9), nine decimals at most.
pub(crate) fn round_for_message(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// The shares of every pair of one sourcing table, and what `--normalize-shares` did to them.
pub(crate) struct Shares<'a> {
    pub(crate) source: ShareSource,
    pub(crate) normalize: bool,
    pub(crate) file: &'a str,
    pub(crate) normalized: Vec<Normalized>,
    /// "buyer/component (sum …, rows …)" of each rescaled pair, for the note.
    normalized_text: Vec<String>,
}

/// One (buyer, component) pair: its rows (sorted by supplier), ids for messages, and its sum
/// when the share-sum rule ([`super::rules`]) found it off (never for a pair with a rejected
/// row: its sum would be wrong).
pub(crate) struct Pair<'p> {
    pub(crate) rows: &'p [RawRow],
    pub(crate) buyer_id: &'p str,
    pub(crate) component_id: &'p str,
    pub(crate) off_sum: Option<OffSum>,
}

impl<'a> Shares<'a> {
    pub(crate) fn new(source: ShareSource, normalize: bool, file: &'a str) -> Self {
        Shares {
            source,
            normalize,
            file,
            normalized: Vec::new(),
            normalized_text: Vec::new(),
        }
    }

    /// The shares of the pair's rows, in their order; 0 marks a qualified alternate.
    pub(crate) fn of_pair(&mut self, pair: &Pair<'_>, problems: &mut Vec<Problem>) -> Vec<f64> {
        match self.source {
            ShareSource::Given => self.given(pair, problems),
            ShareSource::FromValues => derived_from_values(pair),
            ShareSource::EqualSplit => equal_split(pair),
        }
    }

    fn given(&mut self, pair: &Pair<'_>, problems: &mut Vec<Problem>) -> Vec<f64> {
        let given: Vec<f64> = pair.rows.iter().map(|r| r.share().unwrap_or(0.0)).collect();
        let Some(OffSum { sum, positive, .. }) = pair.off_sum else {
            return given;
        };
        if !positive {
            self.no_positive_share(pair, problems);
            return given;
        }
        let mut rows: Vec<usize> = pair.rows.iter().map(|r| r.row()).collect();
        rows.sort_unstable();
        let rows_text = rows
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if self.normalize {
            self.normalized_text.push(format!(
                "{}/{} (sum {}, rows {rows_text})",
                pair.buyer_id,
                pair.component_id,
                round_for_message(sum),
            ));
            self.normalized.push(Normalized {
                buyer: pair.rows[0].buyer(),
                component: pair.rows[0].component(),
                original_sum: sum,
            });
            return given.iter().map(|s| s / sum).collect();
        }
        problems.push(
            Problem::cell(
                self.file,
                rows[0],
                "share",
                format!(
                    "shares of buyer {} for component {} sum to {}, not 1 (rows {rows_text})",
                    quote(pair.buyer_id),
                    quote(pair.component_id),
                    round_for_message(sum),
                ),
            )
            .with_hint("fix the shares, or pass --normalize-shares to rescale them"),
        );
        given
    }

    /// Every row of a pair has share 0: the pair has no supplier, only alternates. One problem
    /// per row, each naming the pair.
    fn no_positive_share(&self, pair: &Pair<'_>, problems: &mut Vec<Problem>) {
        let mut rows: Vec<usize> = pair.rows.iter().map(|r| r.row()).collect();
        rows.sort_unstable();
        for row in rows {
            problems.push(
                Problem::cell(
                    self.file,
                    row,
                    "share",
                    format!(
                        "buyer {} has no supplier of component {} with a share > 0 (share 0 marks a qualified alternate)",
                        quote(pair.buyer_id),
                        quote(pair.component_id),
                    ),
                )
                .with_hint("give at least one supplier of the pair a share > 0"),
            );
        }
    }

    /// The note saying which pairs `--normalize-shares` rescaled, if any.
    pub(crate) fn note(&self) -> Option<Note> {
        let n = self.normalized.len();
        (n > 0).then(|| Note {
            file: self.file.to_string(),
            message: format!(
                "--normalize-shares rescaled the shares of {n} (buyer, component) pair{} that did not sum to 1: {}{}",
                if n == 1 { "" } else { "s" },
                self.normalized_text
                    .iter()
                    .take(NOTE_PAIRS)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; "),
                if self.normalized_text.len() > NOTE_PAIRS {
                    format!("; and {} more", self.normalized_text.len() - NOTE_PAIRS)
                } else {
                    String::new()
                }
            ),
        })
    }
}

/// Shares from `annual_value`: each row's value over the pair's total, so a row of value 0
/// beside a positive one is a qualified alternate. When the pair's values are all 0 there is
/// nothing to derive from, and its suppliers split it equally (no alternates then).
fn derived_from_values(pair: &Pair<'_>) -> Vec<f64> {
    let vals: Vec<f64> = pair.rows.iter().map(|r| r.value().unwrap_or(0.0)).collect();
    let sum: f64 = vals.iter().sum();
    if sum > 0.0 {
        vals.iter().map(|v| v / sum).collect()
    } else {
        equal_split(pair)
    }
}

/// Equal shares over the pair's rows.
fn equal_split(pair: &Pair<'_>) -> Vec<f64> {
    vec![1.0 / pair.rows.len() as f64; pair.rows.len()]
}
