//! The tables behind the findings: concentration by component, single-source and
//! single-country exposure, qualified alternates, in-house share, data coverage, the firm sweep and the country,
//! region and group rankings, and hidden concentration. Capped tables go through
//! [`MdTable`], which writes the "N more in the JSON report" footer.

use super::{charts, Ctx, ANNUAL, ANNUAL_COLUMN, EVENT, LONG_TABLE, TOP_ROWS};
use crate::metrics::{effective_number, Exposure, PairMetrics};
use crate::model::FirmIdx;
use crate::report::table::{Align::Left as L, Align::Right as R, MdTable};
use crate::text::{self, cell, hhi, pct};

/// Components by supplier HHI (the highlights' order).
pub(super) fn concentration(c: &Ctx, out: &mut String) {
    let m = &c.a.metrics;
    w!(out, "## Concentration by component\n");
    w!(out, "Market shares across the whole dataset, weighted by {}; sorted by supplier HHI. Levels follow the 2023 US Merger Guidelines: above {} high, {}–{} moderate.\n",
        if c.a.ds.has_values { "purchase value" } else { "share" },
        hhi(m.thresholds.high), hhi(m.thresholds.moderate), hhi(m.thresholds.high));
    let table = MdTable::new([
        ("component", L),
        ("HHI supplier", R),
        ("effective suppliers", R),
        ("level", L),
        ("HHI country", R),
        ("HHI group", R),
        ("top supplier", L),
        ("share", R),
        ("top country", L),
        ("share", R),
    ])
    .cap(LONG_TABLE);
    table.write(
        out,
        c.h.by_concentration.iter().map(|&i| {
            let x = &m.components[i];
            [
                c.f.component(x.component),
                hhi(x.hhi_supplier),
                text::num(effective_number(x.hhi_supplier)),
                x.level.as_str().to_string(),
                hhi(x.hhi_country),
                hhi(x.hhi_group),
                c.f.firm(x.top_supplier),
                pct(x.top_supplier_share),
                cell(&x.top_country),
                pct(x.top_country_share),
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
                c.f.firm(p.buyer),
                c.f.component(p.component),
                p.exposure.as_str().to_string(),
                c.f.firm_list(&suppliers),
                cell(&ds.firms[suppliers[0]].country),
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
                c.f.firm(r.buyer),
                c.f.component(r.component),
                c.f.firm(r.supplier),
                cell(&ds.firms[r.supplier].country),
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
        .write(out, rows.iter().map(|&(f, s)| [c.f.firm(f), pct(s)]));
    w!(out, "");
}

/// Each end firm's mapped share of purchases; least covered first when the list is long.
pub(super) fn coverage(c: &Ctx, out: &mut String) {
    w!(out, "## Data coverage\n");
    w!(out, "Share of each end firm's purchases bought from suppliers whose own sourcing is mapped (tier 2 and deeper), or made in-house, or from mines. Risk in the unmapped part is unknown, not absent.\n");
    let mut rows: Vec<(FirmIdx, f64)> = c.a.coverage.clone();
    if rows.len() > LONG_TABLE {
        rows.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    }
    MdTable::new([("end firm", L), ("output value", R), ("coverage", R)])
        .cap(LONG_TABLE)
        .write(
            out,
            rows.iter()
                .map(|&(f, x)| [c.f.firm(f), c.f.value(c.end_value(f)), pct(x)]),
        );
    w!(out, "");
}

/// The firm sweep in its JSON order (annual output at risk, then id), top rows only; the lost
/// output over each firm's outage is the first number of a row.
pub(super) fn critical_firms(c: &Ctx, out: &mut String) {
    let ds = c.a.ds;
    let list = &c.a.whatif.sweeps.firms;
    w!(out, "## Critical firms (N-1 sweep)\n");
    w!(out, "Each firm cut alone for its own time to recover (its `recovery_days`, else the default); {EVENT} (time-weighted, without substitution) summed over the other end firms. The Risk Exposure Index (REI) scales it so the worst firm is 1. The {ANNUAL} is the same loss held for a whole year. Listed in the JSON report's order ({ANNUAL_COLUMN}, then id); top {} of {}.\n", TOP_ROWS.min(list.len()), list.len());
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
        list.iter()
            .zip(&c.h.sweep_firms)
            .enumerate()
            .map(|(i, (e, &f))| {
                [
                    (i + 1).to_string(),
                    c.f.firm(f),
                    cell(&ds.firms[f].country),
                    c.f.value(e.time_weighted_loss.unwrap_or(0.0)),
                    text::num(e.risk_exposure_index.unwrap_or(0.0)),
                    pct(e.max_loss),
                    c.f.firm_list(&e.chokepoint_for),
                    c.f.value(e.value_at_risk),
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
            "An end firm's own plants are not part of its own {what}'s cut (MODEL §5). A {what} has no time to recover of its own, so this ranking has no {EVENT}: it ranks the {ANNUAL}; the scenarios give the loss over a set outage.\n"
        );
        let table = MdTable::new([
            (what, L),
            (ANNUAL_COLUMN, R),
            ("max loss", R),
            ("chokepoint for", L),
        ])
        .cap(TOP_ROWS);
        table.write(
            out,
            list.iter().map(|e| {
                [
                    cell(&e.key),
                    c.f.value(e.value_at_risk),
                    pct(e.max_loss),
                    c.f.firm_list(&e.chokepoint_for),
                ]
            }),
        );
        w!(out, "");
        if what == "country" {
            charts::country_chart(c, list, out);
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
    w!(out, "Tier-1 share of each country in an end firm's purchases next to the loss the end firm suffers if that country stops supplying at every tier; largest gaps first. A large gap means the firm looks diversified at tier 1 but is not.\n");
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
                c.f.firm(x.firm),
                cell(&x.country),
                pct(x.tier1_share),
                pct(x.all_tier_exposure),
                pct(x.all_tier_exposure - x.tier1_share),
            ]
        }),
    );
    w!(out, "");
}
