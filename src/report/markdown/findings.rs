//! "Key findings": the report's lead in plain words, one bullet per highlight. Which firm,
//! country, component or scenario a bullet names is decided by [`crate::highlights`]; this
//! file only words it.

use std::fmt::Write;

use super::{Ctx, ANNUAL, EVENT};
use crate::highlights::SingleSourced;
use crate::metrics::{effective_number, Level};
use crate::text::{self, cell, hhi, pct, plural};

/// End firms whose single-sourcing gets a bullet of its own.
const SINGLE_SOURCE_SHOWN: usize = 3;
/// Chokepoints named in the chokepoint bullet.
const CHOKEPOINTS_NAMED: usize = 5;
/// Components named in the dominant-country bullet.
const COUNTRY_COMPONENTS_NAMED: usize = 12;

/// The "Key findings" section.
pub(super) fn findings(c: &Ctx, out: &mut String) {
    w!(out, "## Key findings\n");
    let mut bullets: Vec<String> = Vec::new();
    single_source(c, &mut bullets);
    concentration(c, &mut bullets);
    dominant_country(c, &mut bullets);
    in_house(c, &mut bullets);
    whatif(c, &mut bullets);
    coverage(c, &mut bullets);
    if bullets.is_empty() {
        bullets.push(
            "No single-source pair, no highly concentrated component and no chokepoint.".into(),
        );
    }
    for b in bullets {
        w!(out, "- {b}");
    }
    w!(out, "");
}

/// The end firms whose single-sourcing matters most, then how many more there are.
fn single_source(c: &Ctx, bullets: &mut Vec<String>) {
    let f = &c.f;
    for s in c.h.single_source.iter().take(SINGLE_SOURCE_SHOWN) {
        let amount = match s.amount {
            SingleSourced::Value { single, total } => format!(
                "{} of its purchase value ({} of {}) is single-sourced",
                pct(single / total),
                f.value(single),
                f.value(total)
            ),
            SingleSourced::Count { single, pairs } => {
                format!("{single} of its {pairs} components are single-sourced")
            }
        };
        bullets.push(format!(
            "**{}** buys {} from one supplier only, {}; {amount}.",
            f.firm(s.end_firm),
            f.component(s.component),
            f.firm(s.supplier),
        ));
    }
    let more = c.h.single_source.len().saturating_sub(SINGLE_SOURCE_SHOWN);
    if more > 0 {
        bullets.push(format!(
            "{} single-source purchases (see the exposure table).",
            plural(more, "more end firm has", "more end firms have")
        ));
    }
}

/// The most concentrated component, and the one most dependent on one country.
fn concentration(c: &Ctx, bullets: &mut Vec<String>) {
    let m = &c.a.metrics;
    let Some(&first) = c.h.by_concentration.first() else {
        return;
    };
    let top = &m.components[first];
    let high = m
        .components
        .iter()
        .filter(|x| x.level == Level::High)
        .count();
    bullets.push(format!(
        "{} of {} components are highly concentrated by supplier (HHI above {}). The most concentrated is {}: HHI {} ({} effective suppliers), {} holds {} and {} {}.",
        high,
        m.components.len(),
        hhi(m.thresholds.high),
        c.f.component(top.component),
        hhi(top.hhi_supplier),
        text::num(effective_number(top.hhi_supplier)),
        c.f.firm(top.top_supplier),
        pct(top.top_supplier_share),
        cell(&top.top_country),
        pct(top.top_country_share),
    ));
    if let Some(i) = c.h.most_country_dependent {
        let cc = &m.components[i];
        if cc.component != top.component && cc.top_country_share > 0.5 {
            bullets.push(format!(
                "By country, {} depends most on one country: {} supplies {} of it (country HHI {}).",
                c.f.component(cc.component),
                cell(&cc.top_country),
                pct(cc.top_country_share),
                hhi(cc.hhi_country),
            ));
        }
    }
}

/// The country that leads the most components, and the components it supplies most of.
fn dominant_country(c: &Ctx, bullets: &mut Vec<String>) {
    let Some(d) = &c.h.dominant_country else {
        return;
    };
    let comps = &c.a.metrics.components;
    let list: Vec<String> = d
        .components
        .iter()
        .take(COUNTRY_COMPONENTS_NAMED)
        .map(|&i| {
            format!(
                "{} {}",
                c.f.component(comps[i].component),
                pct(comps[i].top_country_share)
            )
        })
        .collect();
    bullets.push(format!(
        "{} supplies more than half of {} of {} components (share of dataset-wide purchases): {}{}.",
        cell(&d.country),
        d.components.len(),
        comps.len(),
        list.join(", "),
        if d.components.len() > COUNTRY_COMPONENTS_NAMED { ", …" } else { "" }
    ));
}

/// Vertical integration of the end firms that make part of their inputs themselves.
fn in_house(c: &Ctx, bullets: &mut Vec<String>) {
    let list: Vec<String> =
        c.a.metrics
            .in_house
            .iter()
            .filter(|&&(f, s)| s > 0.0 && c.a.g.end_firms.binary_search(&f).is_ok())
            .map(|&(f, s)| format!("{} {}", c.f.firm(f), pct(s)))
            .collect();
    if !list.is_empty() {
        bullets.push(format!(
            "In-house share of inputs ({}): {}.",
            if c.a.ds.has_values {
                "by value"
            } else {
                "mean over components"
            },
            list.join(", ")
        ));
    }
}

/// The most critical firm, the chokepoints, the worst country, the largest hidden gap and the
/// worst scenario.
fn whatif(c: &Ctx, bullets: &mut Vec<String>) {
    let w = &c.a.whatif;
    let total = c.total_output();
    most_critical(c, bullets);
    let chokepoints = &c.h.chokepoints;
    if !chokepoints.is_empty() {
        let names: Vec<String> = chokepoints
            .iter()
            .take(CHOKEPOINTS_NAMED)
            .map(|&i| cell(&w.sweeps.firms[i].key))
            .collect();
        bullets.push(format!(
            "{} would stop at least one end firm completely: {}{}.",
            plural(
                chokepoints.len(),
                "firm is a chokepoint: it",
                "firms are chokepoints: each"
            ),
            names.join(", "),
            if chokepoints.len() > CHOKEPOINTS_NAMED {
                ", …"
            } else {
                ""
            }
        ));
    }
    if let Some(i) = c.h.worst_country {
        let top = &w.sweeps.countries[i];
        // A country has no time to recover of its own: no loss over an outage to lead with.
        bullets.push(format!(
            "Cutting every supplier in {}: {ANNUAL} {}, {} of end-firm output; the worst-hit end firm loses {}.",
            cell(&top.key),
            c.f.value(top.value_at_risk),
            pct(top.value_at_risk / total),
            pct(top.max_loss),
        ));
    }
    if let Some(&i) = c.h.hidden.first() {
        let h = &w.hidden[i];
        if h.all_tier_exposure - h.tier1_share > 0.2 {
            bullets.push(format!(
                "Hidden dependence: {} buys {} of its inputs from {} at tier 1, but loses {} of its output if {} stops supplying at every tier.",
                c.f.firm(h.firm),
                pct(h.tier1_share),
                cell(&h.country),
                pct(h.all_tier_exposure),
                cell(&h.country),
            ));
        }
    }
    if let Some(i) = c.h.worst_scenario {
        let s = &w.scenarios[i];
        // Summed in end-firm order, as `highlights::Severity::of_scenario` ranks it.
        let event: f64 = s.end_firms.iter().map(|e| e.time_weighted_loss).sum();
        let substitution = w.capacity.as_ref().map_or(String::new(), |cap| {
            format!(
                " ({} with substitution)",
                c.f.value(cap.scenarios[i].lost_value)
            )
        });
        bullets.push(format!(
            "Of the scenarios, \"{}\" does the most damage: {} of lost output over its {}-day outage{substitution}; {ANNUAL} {} ({} of end-firm output).",
            cell(&s.name),
            c.f.value(event),
            text::days(s.ttr_days),
            c.f.value(s.total_value_at_risk),
            pct(s.total_value_at_risk / total),
        ));
    }
}

/// The firm whose loss alone leads by [`crate::highlights::finding_order`].
fn most_critical(c: &Ctx, bullets: &mut Vec<String>) {
    let Some(i) = c.h.most_critical else { return };
    let (top, f) = (&c.a.whatif.sweeps.firms[i], c.h.sweep_firms[i]);
    let substitution = (c.a.whatif.capacity.as_ref())
        .and_then(|cap| cap.firms.iter().find(|e| e.firm == f))
        .map_or(String::new(), |e| {
            format!(" ({} with substitution)", c.f.value(e.outcome.lost_value))
        });
    let mut s = format!(
        "The most critical single firm is {} ({}): losing it for its time to recover costs {} of {EVENT}{substitution}",
        c.f.firm(f),
        cell(&c.a.ds.firms[f].country),
        c.f.value(top.time_weighted_loss.unwrap_or(0.0)),
    );
    if !top.chokepoint_for.is_empty() {
        let _ = write!(
            s,
            " and stops {} completely",
            c.f.firm_list(&top.chokepoint_for)
        );
    }
    let _ = write!(
        s,
        "; {ANNUAL} {} ({} of end-firm output).",
        c.f.value(top.value_at_risk),
        pct(top.value_at_risk / c.total_output()),
    );
    bullets.push(s);
}

/// End firms whose sub-tier sourcing is not fully mapped.
fn coverage(c: &Ctx, bullets: &mut Vec<String>) {
    let low: Vec<String> =
        c.a.coverage
            .iter()
            .filter(|(_, x)| *x < 1.0 - 1e-9)
            .map(|&(f, x)| format!("{} {}", cell(&c.a.ds.firms[f].id), pct(x)))
            .collect();
    if !low.is_empty() {
        bullets.push(format!(
            "Sub-tier data is incomplete for {} of {} ({}): the unmapped part is unknown, not safe.",
            low.len(),
            plural(c.a.coverage.len(), "end firm", "end firms"),
            low.join(", ")
        ));
    }
}
