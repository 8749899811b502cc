//! scrisk's own typed model of a dataset, produced by [`crate::ingest`] and read by everything
//! after it. Nothing here knows about Polars, files or the terminal.
//!
//! Firms and components are stored in sorted id order, and their position is their index
//! ([`FirmIdx`], [`CompIdx`]); sourcing rows are sorted by (buyer, component, supplier) so that
//! every later computation is independent of the order of the input rows.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub(crate) mod country;
pub(crate) mod cut;

pub(crate) use cut::{Cut, CutSpec, Scenario};

/// Index of a firm in [`Dataset::firms`] (which is sorted by id).
pub(crate) type FirmIdx = usize;
/// Index of a component in [`Dataset::components`] (sorted by id).
pub(crate) type CompIdx = usize;

/// One firm or production site.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Firm {
    pub(crate) id: String,
    pub(crate) name: String,
    /// ISO 3166-1 alpha-2, upper case (or a user-assigned `XA`–`XZ`, `ZZ`).
    pub(crate) country: String,
    /// Province or state; `None` when unknown.
    pub(crate) region: Option<String>,
    /// Parent group; the firm's own id when the `group` column is empty or absent.
    pub(crate) group: String,
    /// Whether `group` was given in the input (group sweeps cover only named groups).
    pub(crate) group_named: bool,
    pub(crate) kind: Option<String>,
    pub(crate) annual_output_value: Option<f64>,
    pub(crate) recovery_days: Option<f64>,
    /// The most output value the firm can make per year (MODEL §8); `None`: its normal output.
    pub(crate) capacity_value: Option<f64>,
    /// Finished goods held, in days of normal output (MODEL §6 and §8); `None` counts as 0.
    pub(crate) stock_days: Option<f64>,
    /// Row in the input file (header = row 1).
    pub(crate) row: usize,
}

impl Firm {
    /// A whole industry or country lumped into one node (`kind` `aggregate`, any case): never
    /// "a single supplier" or "a single firm" in a report, and its concentration is read by
    /// country.
    pub(crate) fn is_aggregate(&self) -> bool {
        self.kind_is("aggregate")
    }

    /// Where a supply chain starts: `kind` `mine`, `recycler` or `aggregate` (any case). A
    /// purchase is mapped when its whole upstream ends at such firms (docs/metrics.md).
    pub(crate) fn is_chain_start(&self) -> bool {
        ["mine", "recycler", "aggregate"]
            .iter()
            .any(|k| self.kind_is(k))
    }

    fn kind_is(&self, kind: &str) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.trim().eq_ignore_ascii_case(kind))
    }
}

/// One component, from `components.*` or implied by the sourcing table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Component {
    pub(crate) id: String,
    /// Optional display name from `components.*`.
    pub(crate) name: Option<String>,
}

/// One sourcing row: `buyer` gets `component` from `supplier`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SourcingRow {
    pub(crate) buyer: FirmIdx,
    pub(crate) component: CompIdx,
    pub(crate) supplier: FirmIdx,
    /// Fraction of the buyer's need of the component, after derivation or normalisation.
    pub(crate) share: f64,
    /// `None` exactly when the dataset has no `annual_value` column.
    pub(crate) annual_value: Option<f64>,
    /// Days of stock; `None` when not given (counts as 0 for time to survive).
    pub(crate) inventory_days: Option<f64>,
    /// Row in the input file (header = row 1).
    pub(crate) row: usize,
}

impl SourcingRow {
    /// In-house production: the buyer makes the component itself.
    pub(crate) fn is_in_house(&self) -> bool {
        self.buyer == self.supplier
    }
}

/// How rows count in a share of purchases (MODEL §3–4): by `annual_value`, or by `share`.
/// [`Dataset::weights`] is the one place that decides which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weights {
    /// Each row weighs its `annual_value`.
    Value,
    /// Each row weighs its `share`. Across several pairs, a buyer's shares are averaged over
    /// its components ([`Dataset::purchase_share`]); a component's are summed over its rows.
    Share,
}

impl Weights {
    /// The weight of one row.
    pub(crate) fn of(self, r: &SourcingRow) -> f64 {
        match self {
            Weights::Value => r.annual_value.unwrap_or(0.0),
            Weights::Share => r.share,
        }
    }

    /// Whether rows are weighted by value.
    pub(crate) fn by_value(self) -> bool {
        self == Weights::Value
    }
}

/// Splits rows sorted by (buyer, component, supplier) into their (buyer, component) runs.
pub(crate) fn pair_runs(rows: &[SourcingRow]) -> impl Iterator<Item = &[SourcingRow]> {
    rows.chunk_by(|a, b| a.buyer == b.buyer && a.component == b.component)
}

/// How the `share` of sourcing rows was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShareSource {
    /// Read from the `share` column.
    Given,
    /// Derived as `annual_value / sum of annual_value` over the (buyer, component) pair.
    FromValues,
    /// Neither column present: suppliers of a pair split it equally.
    EqualSplit,
}

/// A (buyer, component) pair whose shares were rescaled by `--normalize-shares`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Normalized {
    pub(crate) buyer: FirmIdx,
    pub(crate) component: CompIdx,
    /// The sum of the shares as read, before rescaling.
    pub(crate) original_sum: f64,
}

/// A citation from `dataset.toml`.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Source {
    /// What the `source` column of `sourcing` and `firms` names; optional.
    #[serde(default)]
    pub(crate) id: Option<String>,
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) publisher: Option<String>,
    #[serde(default)]
    pub(crate) url: Option<String>,
    #[serde(default)]
    pub(crate) year: Option<i64>,
    /// Verification status as recorded by the dataset's author (e.g. `V` verified, `R` unverified).
    #[serde(default)]
    pub(crate) status: Option<String>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

/// Descriptive metadata from `dataset.toml`; every field is optional.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DatasetMeta {
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) currency: Option<String>,
    /// As-of date of the data, as written (e.g. `2025-06-30`).
    #[serde(default)]
    pub(crate) as_of: Option<String>,
    #[serde(default)]
    pub(crate) sources: Vec<Source>,
    /// Modelling assumptions, listed in the report.
    #[serde(default)]
    pub(crate) assumptions: Vec<String>,
    /// The `[analysis]` table: which optional models are on.
    #[serde(default)]
    pub(crate) analysis: AnalysisMeta,
}

/// The `[analysis]` table of `dataset.toml`.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnalysisMeta {
    /// `capacity = true` turns the capacity-and-substitution model (MODEL §8) on.
    #[serde(default)]
    pub(crate) capacity: bool,
}

/// A warning about valid but suspicious input (unknown columns, normalised shares).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Note {
    pub(crate) file: String,
    pub(crate) message: String,
}

/// The files a dataset was read from, as paths built on the path given on the command line
/// (so relative when it was): where a finding's rows are.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct SourceFiles {
    /// The firms table: a CSV or Parquet file, or the `.xlsx` workbook.
    pub(crate) firms: PathBuf,
    /// The sourcing table: a CSV or Parquet file, or the `.xlsx` workbook.
    pub(crate) sourcing: PathBuf,
    /// `scenarios.toml`, when the dataset has one.
    pub(crate) scenarios: Option<PathBuf>,
}

/// A fully validated dataset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dataset {
    /// The dataset directory's name (used for report file names).
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    /// The files its tables and scenarios were read from.
    pub(crate) files: SourceFiles,
    /// Sorted by id.
    pub(crate) firms: Vec<Firm>,
    /// Sorted by id: every component listed in `components.*` or named in sourcing.
    pub(crate) components: Vec<Component>,
    /// Sorted by (buyer, component, supplier). Qualified alternates are not here.
    pub(crate) sourcing: Vec<SourcingRow>,
    /// Qualified alternates (MODEL §1): rows with share 0 (or, with shares derived from values,
    /// `annual_value` 0 beside a positive value in their pair), sorted by (buyer, component,
    /// supplier), each with `share` 0. Only the capacity model (§8) and the report's list of
    /// alternates read them; §2–7 never see them.
    pub(crate) alternates: Vec<SourcingRow>,
    /// Whether sourcing has an `annual_value` column (then every row has a value).
    pub(crate) has_values: bool,
    pub(crate) share_source: ShareSource,
    /// Pairs rescaled by `--normalize-shares` (empty without it).
    pub(crate) normalized: Vec<Normalized>,
    pub(crate) scenarios: Vec<Scenario>,
    pub(crate) meta: DatasetMeta,
    /// Whether the capacity model (MODEL §8) is on: `--capacity`, or `[analysis] capacity =
    /// true` in `dataset.toml`.
    pub(crate) capacity: bool,
    /// Non-fatal remarks made while loading, reported with the results.
    pub(crate) notes: Vec<Note>,
    /// The optional `source` column of firms and sourcing.
    pub(crate) row_sources: RowSources,
}

/// Which `[[sources]]` entry (index into `meta.sources`) a row cites, from the optional
/// `source` column; rows without one are absent.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct RowSources {
    /// Keyed by the firm's row in the firms file ([`Firm::row`]).
    pub(crate) firms: BTreeMap<usize, usize>,
    /// Keyed by the sourcing row's row in its file ([`SourcingRow::row`]).
    pub(crate) sourcing: BTreeMap<usize, usize>,
}

impl Dataset {
    /// Look a firm up by id.
    pub(crate) fn firm_index(&self, id: &str) -> Option<FirmIdx> {
        self.firms.binary_search_by(|f| f.id.as_str().cmp(id)).ok()
    }

    /// End firms (MODEL §2), sorted: firms that buy something and either supply no firm but
    /// themselves or have an `annual_output_value`. Qualified alternates are no rows here, so
    /// they never make a firm a buyer or a supplier. The one definition: the graph and the
    /// capacity model's input checks both read it.
    pub(crate) fn end_firms(&self) -> Vec<FirmIdx> {
        let n = self.firms.len();
        let (mut buys, mut supplies_others) = (vec![false; n], vec![false; n]);
        for r in &self.sourcing {
            buys[r.buyer] = true;
            if !r.is_in_house() {
                supplies_others[r.supplier] = true;
            }
        }
        (0..n)
            .filter(|&f| {
                buys[f] && (!supplies_others[f] || self.firms[f].annual_output_value.is_some())
            })
            .collect()
    }

    /// Distinct countries of firms, sorted.
    pub(crate) fn countries(&self) -> Vec<&str> {
        let mut c: Vec<&str> = self.firms.iter().map(|f| f.country.as_str()).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Components that appear in the sourcing table (a listed but unused component is not counted).
    pub(crate) fn used_components(&self) -> Vec<CompIdx> {
        let mut used = vec![false; self.components.len()];
        for r in &self.sourcing {
            used[r.component] = true;
        }
        (0..used.len()).filter(|&k| used[k]).collect()
    }

    /// The weighting rule of every share of purchases (MODEL §3–4), written once: by
    /// `annual_value` when the dataset has values and `rows`' value total is positive, else by
    /// `share`. (With values that are all zero there is no market to share.)
    pub(crate) fn weights<'r>(&self, rows: impl IntoIterator<Item = &'r SourcingRow>) -> Weights {
        let total = || -> f64 {
            rows.into_iter()
                .map(|r| r.annual_value.unwrap_or(0.0))
                .sum()
        };
        if self.has_values && total() > 0.0 {
            Weights::Value
        } else {
            Weights::Share
        }
    }

    /// The share of one buyer's purchases (`rows`: its sorted rows, not empty) that `part`
    /// selects, by [`Dataset::weights`]: the selected rows' value over the total value, or,
    /// by share, the mean over the buyer's components of the selected rows' shares.
    pub(crate) fn purchase_share(
        &self,
        rows: &[SourcingRow],
        part: impl Fn(&SourcingRow) -> bool,
    ) -> f64 {
        match self.weights(rows) {
            Weights::Value => {
                let total: f64 = rows.iter().map(|r| Weights::Value.of(r)).sum();
                rows.iter()
                    .filter(|r| part(r))
                    .map(|r| Weights::Value.of(r))
                    .sum::<f64>()
                    / total
            }
            Weights::Share => {
                let per_component: f64 = pair_runs(rows)
                    .map(|p| p.iter().filter(|r| part(r)).map(|r| r.share).sum::<f64>())
                    .sum();
                per_component / pair_runs(rows).count() as f64
            }
        }
    }

    /// [`Dataset::purchase_share`] of every key: the share of one buyer's purchases (`rows`,
    /// sorted, not empty) bought from rows with that key. Keys no row has are absent.
    pub(crate) fn purchase_shares<K: Ord>(
        &self,
        rows: &[SourcingRow],
        key: impl Fn(&SourcingRow) -> K,
    ) -> BTreeMap<K, f64> {
        let w = self.weights(rows);
        let mut out: BTreeMap<K, f64> = BTreeMap::new();
        for r in rows {
            *out.entry(key(r)).or_insert(0.0) += w.of(r);
        }
        let whole = match w {
            Weights::Value => rows.iter().map(|r| w.of(r)).sum(),
            Weights::Share => pair_runs(rows).count() as f64,
        };
        for v in out.values_mut() {
            *v /= whole;
        }
        out
    }

    /// Firms grouped by a key (country, region or named group), each list sorted.
    pub(crate) fn firms_by<F>(&self, key: F) -> BTreeMap<String, Vec<FirmIdx>>
    where
        F: Fn(&Firm) -> Option<&str>,
    {
        let mut map: BTreeMap<String, Vec<FirmIdx>> = BTreeMap::new();
        for (i, f) in self.firms.iter().enumerate() {
            if let Some(k) = key(f) {
                map.entry(k.to_string()).or_default().push(i);
            }
        }
        map
    }
}
