//! The tables behind the findings: concentration by component, single-source and
//! single-country exposure, qualified alternates, in-house share, data coverage, the firm sweep and the country,
//! region and group rankings, and hidden concentration. Capped tables go through
//! [`MdTable`], which writes the "N more in the JSON report" footer.

use super::{charts, Ctx, ANNUAL, ANNUAL_COLUMN, DOCS, EVENT, LONG_TABLE, TOP_ROWS};
use crate::highlights::{view_level, View};
use crate::metrics::{effective_number, Exposure, PairMetrics};
use crate::model::country::{is_other, CRMA_MAX_THIRD_COUNTRY};
use crate::model::FirmIdx;
use crate::report::table::{Align::Left as L, Align::Right as R, MdTable};
use crate::text::{self, cell, hhi, pct};
use crate::whatif::sweep::SweepEntry;

/// A country code; other/unknown codes say so.
pub(super) fn country(code: &str) -> String {
    if is_other(code) {
        format!("{} (other/unknown)", cell(code))
    } else {
        cell(code)
    }
}

/// Components by the HHI they are read by (the highlights' order).
pub(super) fn concentration(c: &Ctx, out: &mut String) {
    let m = &c.a.metrics;
    w!(out, "## Concentration by component\n");
    w!(out, "Shares of this dataset's purchases at every tier, weighted by {}: shares of the flows the dataset maps, not world market shares. A component is read by its group HHI (a maker's plants and lines count as one supplier; a firm without a group is its own), or by its country HHI when some supplier is an aggregate (a whole industry in one node, whose supplier HHI is an artefact); sorted by the HHI it is read by. Levels: above {} highly concentrated (the 2023 US Merger Guidelines), {}–{} moderately concentrated (the band of the 1992 Horizontal Merger Guidelines, revised 1997). \"CRMA\" marks a top country outside the EU above {} of the component, the EU Critical Raw Materials Act's benchmark for one third country at any stage of processing. XA–XZ and ZZ are other or unknown countries, never one country.\n",
        if c.a.ds.has_values { "purchase value" } else { "share" },
        hhi(m.thresholds.high), hhi(m.thresholds.moderate), hhi(m.thresholds.high),
        pct(CRMA_MAX_THIRD_COUNTRY));
    let table = MdTable::new([
        ("component", L),
        ("read by", L),
        ("level", L),
        ("HHI supplier", R),
        ("effective suppliers", R),
        ("HHI country", R),
        ("HHI group", R),
        ("top supplier", L),
        ("share", R),
        ("top country", L),
        ("share", R),
        ("CRMA", L),
    ])
    .cap(LONG_TABLE);
    table.write(
        out,
        c.h.by_concentration.iter().map(|&i| {
            let x = &m.components[i];
            let view = c.h.views[i];
            [
                c.f.comp_short(x.component),
                match view {
                    View::Group => "group",
                    View::Country => "country",
                }
                .to_string(),
                view_level(c.a, i, view).as_str().to_string(),
                hhi(x.hhi_supplier),
                text::num(effective_number(x.hhi_supplier)),
                hhi(x.hhi_country),
                hhi(x.hhi_group),
                c.f.short(x.top_supplier),
                pct(x.top_supplier_share),
                country(&x.top_country),
                pct(x.top_country_share),
                if c.h.above_crma.contains(&i) {
                    "above 65%".to_string()
                } else {
                    String::new()
                },
            ]
        }),
    );
    w!(out, "");
}

/// Single-source and single-country pairs by value at stake.
pub(super) fn exposures(c: &Ctx, out: &mut String) {
    let ds = c.a.ds;
    w!(out, "## Single-source and single-country exposure\n");
    let mut pairs: Vec<&PairMetrics> =
        c.a.metrics
            .pairs
            .iter()
            .filter(|p| matches!(p.exposure, Exposure::SingleSource | Exposure::SingleCountry))
            .collect();
    if pairs.is_empty() {
        w!(
            out,
            "Every purchased component has suppliers in at least two countries.\n"
        );
        return;
    }
    pairs.sort_by(|a, b| {
        b.annual_value
            .unwrap_or(0.0)
            .total_cmp(&a.annual_value.unwrap_or(0.0))
            .then_with(|| (a.buyer, a.component).cmp(&(b.buyer, b.component)))
    });
    w!(out, "Pairs (buyer, component) with one supplier, or several all in one country, by value at stake ({} pairs).\n", pairs.len());
    let table = MdTable::new([
        ("buyer", L),
        ("component", L),
        ("exposure", L),
        ("supplier(s)", L),
        ("country", L),
        ("value", R),
    ])
    .cap(LONG_TABLE);
    table.write(
        out,
        pairs.iter().map(|p| {
            let suppliers: Vec<FirmIdx> = ds.sourcing[p.rows.clone()]
                .iter()
                .map(|r| r.supplier)
                .collect();
            [
                c.f.short(p.buyer),
                c.f.comp_short(p.component),
                p.exposure.as_str().to_string(),
                c.f.firm_list(&suppliers),
                country(&ds.firms[suppliers[0]].country),
                p.annual_value.map_or("—".into(), |v| c.f.value(v)),
            ]
        }),
    );
    w!(out, "");
}

/// Qualified alternates (share 0): suppliers a buyer has qualified for a component but does
/// not normally buy from. The what-if numbers ignore them (no substitution); the list says
/// where a switch is prepared. Not part of the JSON report, so a long list says how much of it
/// is shown instead of pointing there.
pub(super) fn alternates(c: &Ctx, out: &mut String) {
    let ds = c.a.ds;
    if ds.alternates.is_empty() {
        return;
    }
    let n = ds.alternates.len();
    w!(
        out,
        "## Qualified alternates
"
    );
    w!(
        out,
        "Suppliers qualified for a component but not normally bought from (share 0); the what-if numbers above do not count on them{}.\n",
        if n > LONG_TABLE {
            format!(" (the first {LONG_TABLE} of {n})")
        } else {
            String::new()
        }
    );
    let table = MdTable::new([
        ("buyer", L),
        ("component", L),
        ("alternate supplier", L),
        ("country", L),
    ])
    .cap(LONG_TABLE)
    .no_footer();
    table.write(
        out,
        ds.alternates.iter().map(|r| {
            [
                c.f.short(r.buyer),
                c.f.comp_short(r.component),
                c.f.short(r.supplier),
                country(&ds.firms[r.supplier].country),
            ]
        }),
    );
    w!(out, "");
}

/// Firms that make some of their inputs, highest share first.
pub(super) fn in_house(c: &Ctx, out: &mut String) {
    w!(out, "## Vertical integration (in-house share)\n");
    let mut rows: Vec<(FirmIdx, f64)> =
        c.a.metrics
            .in_house
            .iter()
            .copied()
            .filter(|&(_, s)| s > 0.0)
            .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if rows.is_empty() {
        w!(out, "No firm makes any of its inputs in-house.\n");
        return;
    }
    w!(
        out,
        "Share of each firm's inputs it makes itself ({}), for firms that make any, highest first.\n",
        if c.a.ds.has_values {
            "by value"
        } else {
            "mean over its components"
        }
    );
    MdTable::new([("firm", L), ("in-house share", R)])
        .cap(LONG_TABLE)
        .write(out, rows.iter().map(|&(f, s)| [c.f.short(f), pct(s)]));
    w!(out, "");
}

/// Each end firm's mapped share of purchases, one tier deep and all the way up, and the dead
/// ends its numbers rest on; least covered first when the list is long.
pub(super) fn coverage(c: &Ctx, out: &mut String) {
    w!(out, "## Data coverage\n");
    w!(out, "Two measures per end firm. *Next tier*: the share of its purchases bought from suppliers whose own sourcing has rows, or made in-house, or from mines. *To the chain start*: the share whose whole upstream ends at firms that buy nothing and are marked as the start of the chain (`kind` `mine`, `recycler` or `aggregate`). A dead end is a firm that buys nothing in the dataset and is not such a start: what lies above it is not mapped, so every loss computed through it is a lower bound. Risk in the unmapped part is unknown, not absent ([coverage]({DOCS}#data-coverage)).\n");
    let mut rows: Vec<usize> = (0..c.a.coverage.len()).collect();
    if rows.len() > LONG_TABLE {
        let deep = |i: usize| c.a.deep_coverage[i].share;
        rows.sort_by(|&a, &b| deep(a).total_cmp(&deep(b)).then_with(|| a.cmp(&b)));
    }
    MdTable::new([
        ("end firm", L),
        ("output value", R),
        ("next tier", R),
        ("to the chain start", R),
        ("dead ends upstream", L),
    ])
    .cap(LONG_TABLE)
    .write(
        out,
        rows.iter().map(|&i| {
            let (f, x) = c.a.coverage[i];
            let d = &c.a.deep_coverage[i];
            [
                c.f.short(f),
                c.f.value(c.end_value(f)),
                pct(x),
                pct(d.share),
                dead_ends(c, &d.dead_ends),
            ]
        }),
    );
    w!(out, "");
}

/// Dead ends named in a coverage cell.
const DEAD_ENDS_NAMED: usize = 6;

/// The first dead ends by id, then how many more.
pub(super) fn dead_ends(c: &Ctx, list: &[FirmIdx]) -> String {
    if list.is_empty() {
        return "–".into();
    }
    let mut s = c.f.firm_list(&list[..list.len().min(DEAD_ENDS_NAMED)]);
    if list.len() > DEAD_ENDS_NAMED {
        s.push_str(&format!(" and {} more", list.len() - DEAD_ENDS_NAMED));
    }
    s
}

/// The firm sweep in the finding order (lost output over the outage, then annual output at
/// risk, then id), top rows only; the JSON report keeps §7's order.
pub(super) fn critical_firms(c: &Ctx, out: &mut String) {
    let ds = c.a.ds;
    let list = &c.a.whatif.sweeps.firms;
    w!(out, "## Critical firms (N-1 sweep)\n");
    w!(out, "Each firm cut alone for its own time to recover (its `recovery_days`, else the default); {EVENT} (time-weighted, without substitution) summed over the other end firms. The Risk Exposure Index (REI) scales it so the worst firm is 1. The {ANNUAL} is the same loss held for a whole year. Ranked by {EVENT}, then {ANNUAL_COLUMN}, then id (the JSON report lists them by {ANNUAL_COLUMN}); top {} of {}. An aggregate is a whole industry in one node, not a single firm.\n", TOP_ROWS.min(list.len()), list.len());
    let table = MdTable::new([
        ("#", R),
        ("firm", L),
        ("country", L),
        (EVENT, R),
        ("REI", R),
        ("max loss", R),
        ("chokepoint for", L),
        (ANNUAL_COLUMN, R),
    ])
    .cap(TOP_ROWS)
    // The sentence above says "Top k of n".
    .no_footer();
    table.write(
        out,
        c.h.firm_order.iter().enumerate().map(|(rank, &i)| {
            let (e, f) = (&list[i], c.h.sweep_firms[i]);
            let name = if ds.firms[f].is_aggregate() {
                format!("{} (aggregate)", c.f.short(f))
            } else {
                c.f.short(f)
            };
            [
                (rank + 1).to_string(),
                name,
                country(&ds.firms[f].country),
                c.f.value(e.time_weighted_loss.unwrap_or(0.0)),
                text::num(e.risk_exposure_index.unwrap_or(0.0)),
                pct(e.max_loss),
                c.f.firm_list(&e.chokepoint_for),
                c.f.value(e.value_at_risk),
            ]
        }),
    );
    w!(out, "");
    stock_needs(c, out);
}

/// The extra stock that would cover the top chokepoints' time to recover.
fn stock_needs(c: &Ctx, out: &mut String) {
    let needs = &c.h.stock_needs;
    if needs.is_empty() {
        return;
    }
    w!(out, "### Stock that would cover the top chokepoints\n");
    w!(out, "For the chokepoints that cost the most: the days of extra stock, on the best-buffered path from the chokepoint, that would carry every end firm through its time to recover (time to recover − time to survive, without substitution; [time]({DOCS}#time-to-survive-and-time-to-recover)).\n");
    let table = MdTable::new([
        ("chokepoint", L),
        ("time to recover (days)", R),
        ("extra stock (days)", R),
        ("end firms short", L),
    ]);
    table.write(
        out,
        needs.iter().map(|n| {
            [
                c.f.short(n.firm),
                n.ttr_days.map_or("–".into(), text::days),
                if n.extra_days > 0.0 {
                    text::days(n.extra_days)
                } else {
                    "0".into()
                },
                c.f.firm_list(&n.short),
            ]
        }),
    );
    w!(out, "");
}

/// The country, region and group sweeps, each in its JSON order; the country chart after
/// the country table. A set has no time to recover of its own, so no lost output over an
/// outage: these rank the annual output at risk.
pub(super) fn set_rankings(c: &Ctx, out: &mut String) {
    let sweeps = &c.a.whatif.sweeps;
    for (title, what, list) in [
        ("Countries", "country", &sweeps.countries),
        ("Regions", "region", &sweeps.regions),
        ("Groups", "group", &sweeps.groups),
    ] {
        w!(
            out,
            "## {title}: {ANNUAL_COLUMN} if all its suppliers stop for a year\n"
        );
        if list.is_empty() {
            w!(out, "No {what} is named in `firms`.\n");
            continue;
        }
        w!(
            out,
            "An end firm's own plants are not part of its own {what}'s cut ([sweeps]({DOCS}#n-1-sweeps)). A {what} has no time to recover of its own, so this ranking has no {EVENT}: it ranks the {ANNUAL}; the scenarios give the loss over a set outage.{}\n",
            if what == "group" {
                ""
            } else {
                " A firm is cut where its `country` and `region` columns place it: a firm placed at its headquarters rather than at the plant that makes its goods (the dataset's notes say which) makes this a question of that place's policy (export controls, sanctions), not of where the goods are made."
            }
        );
        // Other/unknown country codes are a lump of many countries: never ranked as one.
        let other = |e: &&SweepEntry| what == "country" && is_other(&e.key);
        let ranked: Vec<&SweepEntry> = list.iter().filter(|e| !other(e)).collect();
        let table = MdTable::new([
            (what, L),
            (ANNUAL_COLUMN, R),
            ("max loss", R),
            ("chokepoint for", L),
        ])
        .cap(TOP_ROWS);
        table.write(
            out,
            ranked.iter().map(|e| {
                [
                    cell(&e.key),
                    c.f.value(e.value_at_risk),
                    pct(e.max_loss),
                    c.f.firm_list(&e.chokepoint_for),
                ]
            }),
        );
        w!(out, "");
        let lumps: Vec<String> = list
            .iter()
            .filter(|e| other(e))
            .map(|e| {
                format!(
                    "{} ({} {})",
                    cell(&e.key),
                    ANNUAL_COLUMN,
                    c.f.value(e.value_at_risk)
                )
            })
            .collect();
        if !lumps.is_empty() {
            w!(out, "Not ranked: {}, other or unknown countries lumped together; cutting them stops many unrelated countries at once.\n", lumps.join(", "));
        }
        if what == "country" {
            charts::country_chart(c, &ranked, out);
        }
    }
}

/// Tier-1 share next to all-tier exposure, largest gaps first (the highlights' order).
pub(super) fn hidden(c: &Ctx, out: &mut String) {
    w!(out, "## Hidden concentration\n");
    let order = &c.h.hidden;
    if order.is_empty() {
        w!(out, "No end firm depends on any country.\n");
        return;
    }
    w!(out, "Tier-1 share of each country in an end firm's purchases next to the loss the end firm suffers if that country stops supplying at every tier; largest gaps first. A large gap means the firm looks diversified at tier 1 but is not. An end firm's own country (its own plants are no dependence) and other or unknown codes are left out; the JSON report has every row.\n");
    let table = MdTable::new([
        ("end firm", L),
        ("country", L),
        ("tier-1 share", R),
        ("all-tier exposure", R),
        ("gap", R),
    ])
    .cap(TOP_ROWS * 2);
    table.write(
        out,
        order.iter().map(|&i| {
            let x = &c.a.whatif.hidden[i];
            [
                c.f.short(x.firm),
                cell(&x.country),
                pct(x.tier1_share),
                pct(x.all_tier_exposure),
                text::signed_pct(x.all_tier_exposure - x.tier1_share),
            ]
        }),
    );
    w!(out, "");
}
