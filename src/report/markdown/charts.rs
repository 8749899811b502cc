//! Mermaid charts: annual output at risk by country (bars), tier-1 share against all-tier
//! exposure for the end firm of the largest hidden gap, and the supply paths from the first
//! chokepoint (a flowchart). The nodes and rows come from [`crate::highlights`]; labels go through
//! [`text::mermaid_label`].

use super::{Ctx, MAX_DIAGRAM_NODES};
use crate::report::table::{Align::Left as L, Align::Right as R, MdTable};
use crate::text::{self, cell, md, pct};
use crate::whatif::sweep::SweepEntry;

/// Countries with annual output at risk drawn as bars.
const COUNTRY_BARS: usize = 10;
/// Countries drawn in the hidden-concentration chart.
const HIDDEN_BARS: usize = 10;

/// Bars of annual output at risk (JSON `value_at_risk`) for the first countries of the country
/// ranking (other/unknown codes already left out); the table before the chart gives the same
/// numbers for renderers without Mermaid.
pub(super) fn country_chart(c: &Ctx, list: &[&SweepEntry], out: &mut String) {
    let bars: Vec<&SweepEntry> = list
        .iter()
        .copied()
        .filter(|e| e.value_at_risk > 0.0)
        .take(COUNTRY_BARS)
        .collect();
    if bars.len() < 2 {
        return;
    }
    // Money with its unit in the title: "(USD bn)", or "(bn)" without a currency.
    let unit = |u: &str| match &c.a.ds.meta.currency {
        Some(cur) => format!(" ({cur} {u})"),
        None => format!(" ({u})"),
    };
    let (scale, unit) = if !c.a.ds.has_values {
        (1.0, String::new())
    } else if bars[0].value_at_risk >= 1e9 {
        (1e9, unit("bn"))
    } else {
        (1e6, unit("m"))
    };
    w!(
        out,
        "Annual output at risk by country{}, as in the table above:\n",
        md(&unit)
    );
    w!(
        out,
        "```mermaid\nxychart-beta\n    title \"Annual output at risk by country{}\"",
        text::mermaid_label(&unit)
    );
    let labels: Vec<String> = bars
        .iter()
        .map(|e| format!("\"{}\"", text::mermaid_label(&e.key)))
        .collect();
    w!(out, "    x-axis [{}]", labels.join(", "));
    let values: Vec<String> = bars
        .iter()
        .map(|e| format!("{:.2}", e.value_at_risk / scale))
        .collect();
    w!(out, "    bar [{}]\n```\n", values.join(", "));
}

/// For the end firm with the largest gap: each country's tier-1 share (bars) against the
/// all-tier exposure (line), in percent.
pub(super) fn hidden_chart(c: &Ctx, out: &mut String) {
    let hidden = &c.a.whatif.hidden;
    let rows: Vec<&crate::whatif::hidden::Hidden> =
        c.h.hidden_chart
            .iter()
            .take(HIDDEN_BARS)
            .map(|&i| &hidden[i])
            .collect();
    if rows.len() < 2 {
        return;
    }
    let labels: Vec<String> = rows
        .iter()
        .map(|h| format!("\"{}\"", text::mermaid_label(&h.country)))
        .collect();
    let bars: Vec<String> = rows
        .iter()
        .map(|h| format!("{:.1}", h.tier1_share * 100.0))
        .collect();
    let line: Vec<String> = rows
        .iter()
        .map(|h| format!("{:.1}", h.all_tier_exposure * 100.0))
        .collect();
    let name = &c.a.ds.firms[rows[0].firm].id;
    w!(
        out,
        "Tier-1 share (bars) against all-tier exposure (line) for {}, in percent (the table gives the same numbers for renderers without Mermaid):\n",
        cell(name)
    );
    let table = MdTable::new([
        ("country", L),
        ("tier-1 share", R),
        ("all-tier exposure", R),
    ]);
    table.write(
        out,
        rows.iter().map(|h| {
            [
                cell(&h.country),
                pct(h.tier1_share),
                pct(h.all_tier_exposure),
            ]
        }),
    );
    w!(out, "");
    w!(
        out,
        "```mermaid\nxychart-beta\n    title \"{}: tier 1 vs all tiers\"",
        text::mermaid_label(name)
    );
    w!(out, "    x-axis [{}]", labels.join(", "));
    w!(out, "    y-axis \"%\" 0 --> 100");
    w!(out, "    bar [{}]", bars.join(", "));
    w!(out, "    line [{}]\n```\n", line.join(", "));
}

/// Supply paths from the first chokepoint to the end firms it stops; in words when there are
/// too many firms on them to draw.
pub(super) fn diagram(c: &Ctx, out: &mut String) {
    let Some(p) = &c.h.paths else { return };
    let ds = c.a.ds;
    w!(out, "## Supply paths from the most critical chokepoint\n");
    if p.nodes.len() > MAX_DIAGRAM_NODES {
        w!(
            out,
            "{} stops {}; the paths between them run through {} firms, too many to draw.\n",
            c.f.firm(p.firm),
            c.f.firm_list(&p.stops),
            p.nodes.len()
        );
        return;
    }
    w!(
        out,
        "{} stops {} completely. Every supply path between them, as a table (supplier → buyer) and as a diagram (the same, for renderers with Mermaid):\n",
        c.f.firm(p.firm),
        c.f.firm_list(&p.stops)
    );
    let edges = p.edges(ds);
    MdTable::new([("supplier", L), ("component", L), ("buyer", L)]).write(
        out,
        edges
            .iter()
            .map(|&(s, b, k)| [c.f.short(s), c.f.comp_short(k), c.f.short(b)]),
    );
    w!(out, "");
    w!(out, "```mermaid\nflowchart LR");
    for &f in &p.nodes {
        let firm = &ds.firms[f];
        let label = text::mermaid_label(&format!("{} ({})", firm.name, firm.country));
        // The chokepoint as a subroutine box, the end firms it stops as stadiums.
        let shape = if f == p.firm {
            format!("n{f}[[\"{label}\"]]")
        } else if p.stops.contains(&f) {
            format!("n{f}([\"{label}\"])")
        } else {
            format!("n{f}[\"{label}\"]")
        };
        w!(out, "    {shape}");
    }
    for (s, b, k) in edges {
        w!(
            out,
            "    n{s} -->|\"{}\"| n{b}",
            text::mermaid_label(&ds.components[k].id)
        );
    }
    w!(out, "```\n");
}
