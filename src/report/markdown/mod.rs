//! The markdown report for analysts: key findings in plain words first, then the tables behind
//! them. Rendering only: what to lead with is chosen by [`Highlights`], the numbers come from
//! the [`Analysis`]; nothing here ranks findings or walks the graph.
//!
//! Every name from the input goes through [`text::cell`] or [`text::md`], so a name can neither
//! break a table nor render as a link, HTML or code; numbers have one fixed format. Pure:
//! returns a string.
//!
//! Files: `findings` (the bullets), `tables` (concentration, exposure, qualified alternates,
//! in-house, coverage, rankings, hidden concentration), `charts` (Mermaid bar charts and the
//! chokepoint flowchart), `made` (where the end firms' output and each component are made, by
//! country), `capacity` (the capacity model's results, which lead the what-if
//! sections when it is on), `scenario` (a scenario's section, also the `whatif` answer), `sources`
//! (sources, assumptions, methodology).

use crate::analysis::Analysis;
use crate::highlights::Highlights;
use crate::model::country::is_other;
use crate::model::{Dataset, FirmIdx};
use crate::text::{self, cell, md, money, plural};

/// Writes one line (a `writeln!` into a `String`, which cannot fail).
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        use ::std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

mod capacity;
mod charts;
mod findings;
mod made;
mod scenario;
mod sources;
mod summary;
mod tables;

pub(crate) use scenario::render_whatif;

/// Rows shown in the ranking tables; the JSON report has them all.
const TOP_ROWS: usize = 15;
/// Rows shown in the per-component, per-pair and per-firm tables of large datasets.
const LONG_TABLE: usize = 40;
/// Largest supply-path diagram drawn (nodes); larger ones are summarised in words.
const MAX_DIAGRAM_NODES: usize = 40;
/// What the markdown calls a JSON `value_at_risk` (or `total_value_at_risk`) in sentences: loss ×
/// a year of output, whatever the outage's length. It comes after the loss over the outage,
/// never before it.
const ANNUAL: &str = "annual output at risk (if the outage lasted a year)";
/// The same as a column header.
const ANNUAL_COLUMN: &str = "annual output at risk";
/// What the markdown calls a JSON `time_weighted_loss` (MODEL §6): loss × output value ×
/// exposure days / 365, the output lost over the outage without substitution.
const EVENT: &str = "lost output over the outage";
/// Where the formulas are explained (relative to the repository root, as reports live in
/// `reports/`).
const DOCS: &str = "../docs/metrics.md";

/// Renders the markdown report, selecting its highlights first.
pub(crate) fn render(a: &Analysis) -> String {
    render_with(a, &Highlights::compute(a))
}

/// Renders the markdown report with highlights already selected.
pub(crate) fn render_with(a: &Analysis, h: &Highlights) -> String {
    let c = Ctx {
        a,
        h,
        f: Fmt::new(a.ds),
    };
    let mut out = String::new();
    let o = &mut out;
    header(&c, o);
    summary::summary(&c, o);
    findings::findings(&c, o);
    made::section(&c, o);
    capacity::capacity(&c, o);
    scenario::scenarios(&c, o);
    tables::concentration(&c, o);
    tables::exposures(&c, o);
    tables::alternates(&c, o);
    tables::in_house(&c, o);
    tables::coverage(&c, o);
    tables::critical_firms(&c, o);
    tables::set_rankings(&c, o);
    tables::hidden(&c, o);
    charts::hidden_chart(&c, o);
    charts::diagram(&c, o);
    sources::legend(&c, o);
    sources::sources(&c, o);
    sources::methodology(&c, o);
    out
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(c).collect()
    })
}

/// What every section reads.
struct Ctx<'a> {
    a: &'a Analysis<'a>,
    h: &'a Highlights,
    f: Fmt<'a>,
}

impl Ctx<'_> {
    /// Total output of the end firms.
    fn total_output(&self) -> f64 {
        self.a.g.end_values.iter().sum()
    }

    /// An end firm's output value (0 for other firms).
    fn end_value(&self, f: FirmIdx) -> f64 {
        let g = self.a.g;
        g.end_firms
            .binary_search(&f)
            .map_or(0.0, |i| g.end_values[i])
    }
}

/// How names and values are written: the dataset, and whether values are money (decided once,
/// not per value).
struct Fmt<'a> {
    ds: &'a Dataset,
    money: bool,
}

impl<'a> Fmt<'a> {
    fn new(ds: &'a Dataset) -> Self {
        // Output values alone (without sourcing values) are money too.
        let money = ds.has_values || ds.firms.iter().any(|f| f.annual_output_value.is_some());
        Fmt { ds, money }
    }

    /// "Name (id)" as escaped markdown; just the id when the name equals it.
    fn firm(&self, f: FirmIdx) -> String {
        let firm = &self.ds.firms[f];
        if firm.name == firm.id || firm.name.is_empty() {
            cell(&firm.id)
        } else {
            format!("{} ({})", cell(&firm.name), cell(&firm.id))
        }
    }

    /// A firm's id as escaped markdown: its short name in tables (the legend gives the names).
    fn short(&self, f: FirmIdx) -> String {
        cell(&self.ds.firms[f].id)
    }

    /// A component's id as escaped markdown: its short name in tables.
    fn comp_short(&self, k: usize) -> String {
        cell(&self.ds.components[k].id)
    }

    /// " (USD)" after a heading of amounts written by [`Fmt::amount`]; empty without a currency.
    fn unit(&self) -> String {
        match (&self.ds.meta.currency, self.money) {
            (Some(c), true) => format!(" ({})", md(c)),
            _ => String::new(),
        }
    }

    /// A value without its currency, for tables whose heading gives it ([`Fmt::unit`]).
    fn amount(&self, v: f64) -> String {
        if self.money {
            money(v)
        } else {
            text::num(v)
        }
    }

    /// Firm ids separated by commas, or "—" for none.
    fn firm_list(&self, firms: &[FirmIdx]) -> String {
        if firms.is_empty() {
            return "—".into();
        }
        firms
            .iter()
            .map(|&f| cell(&self.ds.firms[f].id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// "Name (id)" of a component; just the id without a distinct name.
    fn component(&self, k: usize) -> String {
        let c = &self.ds.components[k];
        match &c.name {
            Some(n) if !n.is_empty() && n != &c.id => format!("{} ({})", cell(n), cell(&c.id)),
            _ => cell(&c.id),
        }
    }

    /// A value in the dataset's currency, or a plain number when the dataset has no values
    /// (then output values default to 1 per end firm).
    fn value(&self, v: f64) -> String {
        if self.money {
            match &self.ds.meta.currency {
                Some(c) => format!("{} {}", md(c), money(v)),
                None => money(v),
            }
        } else {
            text::num(v)
        }
    }
}

fn header(c: &Ctx, out: &mut String) {
    let ds = c.a.ds;
    let title = ds.meta.title.as_deref().unwrap_or(&ds.name);
    w!(out, "# {}\n", md(title));
    if let Some(d) = &ds.meta.description {
        w!(out, "{}\n", md(d));
    }
    let mut facts = vec![format!("Dataset `{}`", ds.name.replace('`', "'"))];
    if let Some(d) = &ds.meta.as_of {
        facts.push(format!("as of {}", md(d)));
    }
    if let Some(cur) = &ds.meta.currency {
        facts.push(format!("values in {}", md(cur)));
    }
    w!(out, "{}.\n", facts.join(", "));
    let countries = ds.countries();
    let known = countries.iter().filter(|c| !is_other(c)).count();
    let other = if known < countries.len() {
        " (and other or unknown ones)"
    } else {
        ""
    };
    w!(
        out,
        "{} firms in {} countries{other}, {} components, {} sourcing rows, {}, {}.\n",
        ds.firms.len(),
        known,
        ds.used_components().len(),
        ds.sourcing.len(),
        plural(c.a.g.end_firms.len(), "end firm", "end firms"),
        plural(c.h.cycles, "supply cycle", "supply cycles"),
    );
    for n in &ds.notes {
        w!(out, "> **Note** ({}): {}\n", md(&n.file), md(&n.message));
    }
    if !c.a.whatif.swept {
        w!(out, "> **Note**: the N-1 sweeps (critical firms, country, region and group rankings, hidden concentration) were skipped (`--no-sweep`).\n");
    }
    if c.a.whatif.unconverged {
        w!(out, "> **Note**: a supply cycle did not converge within the iteration bound; its availabilities are upper bounds.\n");
    }
}
