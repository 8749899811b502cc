//! The closing sections: the legend of the short names used in tables, the dataset's sources
//! with their verification status, its assumptions, and the methodology with links to the
//! formulas.

use super::{Ctx, DOCS};
use crate::highlights::SourceStatus;
use crate::report::table::{Align::Left as L, Align::Right as R, MdTable};
use crate::text::{cell, hhi, md};

/// The names behind the ids that tables show: every firm and component whose name differs from
/// its id, folded.
pub(super) fn legend(c: &Ctx, out: &mut String) {
    let ds = c.a.ds;
    let firms: Vec<[String; 4]> = ds
        .firms
        .iter()
        .filter(|f| !f.name.is_empty() && f.name != f.id)
        .map(|f| {
            [
                cell(&f.id),
                cell(&f.name),
                cell(&f.country),
                f.kind.as_deref().map_or(String::new(), cell),
            ]
        })
        .collect();
    let comps: Vec<[String; 2]> = ds
        .components
        .iter()
        .filter_map(|k| match &k.name {
            Some(n) if !n.is_empty() && n != &k.id => Some([cell(&k.id), cell(n)]),
            _ => None,
        })
        .collect();
    if firms.is_empty() && comps.is_empty() {
        return;
    }
    w!(
        out,
        "## Legend: names behind the ids in tables
"
    );
    if !firms.is_empty() {
        MdTable::new([("firm", L), ("name", L), ("country", L), ("kind", L)]).write(out, firms);
        w!(out, "");
    }
    if !comps.is_empty() {
        MdTable::new([("component", L), ("name", L)]).write(out, comps);
        w!(out, "");
    }
}

/// Sources (a warning first when some are unverified) and assumptions; nothing when the
/// dataset lists neither.
pub(super) fn sources(c: &Ctx, out: &mut String) {
    let meta = &c.a.ds.meta;
    if meta.sources.is_empty() && meta.assumptions.is_empty() {
        return;
    }
    w!(out, "## Sources and assumptions\n");
    if !meta.sources.is_empty() {
        let unverified = &c.h.unverified_sources;
        if !unverified.is_empty() {
            let titles: Vec<String> = unverified
                .iter()
                .map(|&i| format!("\"{}\"", md(&meta.sources[i].title)))
                .collect();
            w!(
                out,
                "> **Unverified input**: {} of {} sources {} status {} (not verified in any source); every figure taken from them is an assumption: {}.\n",
                unverified.len(),
                meta.sources.len(),
                if unverified.len() == 1 { "has" } else { "have" },
                SourceStatus::Unverified.tag(),
                titles.join(", ")
            );
            unverified_rows(c, out);
        }
        let table = MdTable::new([
            ("source", L),
            ("publisher", L),
            ("year", R),
            ("status", L),
            ("note", L),
        ]);
        table.write(
            out,
            meta.sources.iter().map(|s| {
                let title = match &s.url {
                    Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                        format!("{} — <{}>", md(&s.title), url(u))
                    }
                    _ => md(&s.title),
                };
                [
                    title,
                    s.publisher.as_deref().map_or(String::new(), cell),
                    s.year.map_or(String::new(), |y| y.to_string()),
                    s.status.as_deref().map_or(String::new(), status),
                    s.note
                        .as_deref()
                        .map_or(String::new(), |n| md(n).replace('\n', " ")),
                ]
            }),
        );
        w!(out, "");
    }
    if !meta.assumptions.is_empty() {
        w!(
            out,
            "Assumptions (figures that are illustrative or not verified):\n"
        );
        for a in &meta.assumptions {
            w!(out, "- {}", md(a));
        }
        w!(out, "");
    }
}

/// How the numbers are computed, with links into `docs/metrics.md`.
pub(super) fn methodology(c: &Ctx, out: &mut String) {
    let t = c.a.metrics.thresholds;
    w!(out, "## Methodology\n");
    w!(out, "- HHI = sum of (100 × share)² over suppliers, countries or groups; effective suppliers = 10,000 / HHI; levels: above {} highly concentrated (the 2023 US Merger Guidelines), {}–{} moderately concentrated (the band of the 1992 Horizontal Merger Guidelines, revised 1997); these are antitrust thresholds, used here as a yardstick ([formulas]({DOCS}#concentration)).", hhi(t.high), hhi(t.moderate), hhi(t.high));
    w!(out, "- Exposure classes and in-house share as in [single-source exposure]({DOCS}#single-source-exposure-and-vertical-integration).");
    w!(out, "- Availability propagates through every tier: a firm is limited by its scarcest input, suppliers of one input add up by share, no substitution ([propagation]({DOCS}#what-if-propagation)).");
    w!(out, "- Time to survive, time to recover and the Risk Exposure Index: [time]({DOCS}#time-to-survive-and-time-to-recover).");
    w!(out, "- Lost output over the outage, annual output at risk (if the outage lasted a year) and the JSON report's names for them: [names]({DOCS}#names-in-the-markdown-report).");
    w!(
        out,
        "- Data coverage and hidden concentration: [coverage]({DOCS}#data-coverage)."
    );
    w!(
        out,
        "- Machine-readable numbers at full precision: the JSON report beside this one (`--format json` or `both`)."
    );
}

/// A URL for an autolink: only characters that cannot end or break the `<...>` form.
fn url(u: &str) -> String {
    u.chars()
        .filter(|c| {
            !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | '|' | '`' | '"')
        })
        .collect()
}

/// A source's verification status in words; an unknown tag as written.
fn status(s: &str) -> String {
    match SourceStatus::parse(s) {
        Some(st) => {
            let words = match st {
                SourceStatus::Verified => "seen in the source",
                SourceStatus::Transcribed => "seen in a transcription of the source",
                SourceStatus::Unverified => "**unverified**",
                SourceStatus::Derived => "derived from verified figures",
            };
            format!("{}: {words}", st.tag())
        }
        None => cell(s),
    }
}

/// How many sourcing rows (and how much of their purchase value) cite an unverified source, when
/// the sourcing table has a `source` column: the count of sources alone understates it when
/// one unverified source stands for every assumption.
fn unverified_rows(c: &Ctx, out: &mut String) {
    let ds = c.a.ds;
    if ds.row_sources.sourcing.is_empty() {
        return;
    }
    let unverified = |r: &crate::model::SourcingRow| {
        ds.row_sources.sourcing.get(&r.row).is_some_and(|&s| {
            ds.meta.sources[s]
                .status
                .as_deref()
                .and_then(SourceStatus::parse)
                == Some(SourceStatus::Unverified)
        })
    };
    let rows = ds.sourcing.iter().filter(|r| unverified(r)).count();
    let mut line = format!(
        "> {} of {} sourcing rows cite {}",
        rows,
        ds.sourcing.len(),
        if c.h.unverified_sources.len() == 1 {
            "it"
        } else {
            "one of them"
        }
    );
    if ds.has_values {
        let total: f64 = ds.sourcing.iter().filter_map(|r| r.annual_value).sum();
        let part: f64 = (ds.sourcing.iter())
            .filter(|r| unverified(r))
            .filter_map(|r| r.annual_value)
            .sum();
        if total > 0.0 {
            line.push_str(&format!(
                ", {} of all purchase value",
                crate::text::pct(part / total)
            ));
        }
    }
    w!(
        out,
        "{line}; each summary finding says how much of its own supply paths does.\n"
    );
}
