//! "Key findings": the findings in detail after the summary, one bullet per highlight. Which
//! firm, country, component or scenario a bullet names is decided by [`crate::highlights`]
//! (with the entries tied with it); this file only words it. Aggregates (`kind` `aggregate`)
//! are never "one supplier" or "a single firm".

use std::fmt::Write;

use super::summary::more_days;
use super::{Ctx, ANNUAL, EVENT};
use crate::highlights::{view_hhi, view_level, SingleSourced, View};
use crate::metrics::{effective_number, Level};
use crate::model::country::CRMA_MAX_THIRD_COUNTRY;
use crate::model::FirmIdx;
use crate::text::{self, cell, days, hhi, pct, plural};

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
    // What an outage costs first, then how the supply base is built.
    whatif(c, &mut bullets);
    stock_needs(c, &mut bullets);
    coverage(c, &mut bullets);
    single_source(c, &mut bullets);
    concentration(c, &mut bullets);
    dominant_country(c, &mut bullets);
    super::made::bullet(c, &mut bullets);
    crma(c, &mut bullets);
    in_house(c, &mut bullets);
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
        let from = if c.a.ds.firms[s.supplier].is_aggregate() {
            format!(
                "only from {}, a whole country's industry lumped together (an aggregate, not one supplier)",
                f.firm(s.supplier)
            )
        } else {
            format!("from one supplier only, {}", f.firm(s.supplier))
        };
        let tied = if s.tied.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = s.tied.iter().map(|&k| f.component(k)).collect();
            format!(" (tied on value with {})", names.join(", "))
        };
        bullets.push(format!(
            "**{}** buys {}{tied} {from}; {amount}.",
            f.firm(s.end_firm),
            f.component(s.component),
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

/// The most concentrated component, and the one most dependent on one country. Components
/// with an aggregate supplier are read by their country HHI ([`View::Country`]), the others by
/// their group HHI ([`View::Group`]).
fn concentration(c: &Ctx, bullets: &mut Vec<String>) {
    let m = &c.a.metrics;
    let Some(&first) = c.h.by_concentration.first() else {
        return;
    };
    let views = &c.h.views;
    let top = &m.components[first];
    let high = (0..m.components.len())
        .filter(|&i| view_level(c.a, i, views[i]) == Level::High)
        .count();
    let by_country = views.iter().filter(|&&v| v == View::Country).count();
    let basis = if by_country == 0 {
        "by supplier group (a maker's plants and lines count as one supplier)".to_string()
    } else if by_country == views.len() {
        "by country, as every component has an aggregate supplier (a whole industry, whose supplier HHI is an artefact)".to_string()
    } else {
        format!(
            "by supplier group (a maker's plants and lines count as one supplier), or by country for the {by_country} with an aggregate supplier (a whole industry, whose supplier HHI is an artefact)"
        )
    };
    let holder = match views[first] {
        View::Country => format!(
            "{} supplies {} of it",
            cell(&top.top_country),
            pct(top.top_country_share)
        ),
        View::Group => format!(
            "{} holds {} ({} {})",
            c.f.firm(top.top_supplier),
            pct(top.top_supplier_share),
            cell(&top.top_country),
            pct(top.top_country_share)
        ),
    };
    let what = match views[first] {
        View::Country => "country HHI",
        View::Group => "group HHI",
    };
    let hhi_top = view_hhi(top, views[first]);
    bullets.push(format!(
        "{} of {} components are highly concentrated (HHI above {}, the 2023 US Merger Guidelines' line), read {basis}. The most concentrated is {}: {what} {} ({} effective {}), {holder}.",
        high,
        m.components.len(),
        hhi(m.thresholds.high),
        c.f.component(top.component),
        hhi(hhi_top),
        text::num(effective_number(hhi_top)),
        if views[first] == View::Country { "countries" } else { "supplier groups" },
    ));
    if let Some(i) = c.h.most_country_dependent {
        let cc = &m.components[i];
        if cc.component != top.component && cc.top_country_share > 0.5 {
            let same = m
                .components
                .iter()
                .filter(|x| {
                    x.component != cc.component
                        && x.top_country_share == cc.top_country_share
                        && x.top_country == cc.top_country
                })
                .count();
            let tied = if same > 0 {
                format!(" ({same} more components are at the same share)")
            } else {
                String::new()
            };
            bullets.push(format!(
                "By country, {} depends most on one country: {} supplies {} of it (country HHI {}){tied}.",
                c.f.component(cc.component),
                cell(&cc.top_country),
                pct(cc.top_country_share),
                hhi(cc.hhi_country),
            ));
        }
    }
}

/// Components above the EU Critical Raw Materials Act's benchmark.
fn crma(c: &Ctx, bullets: &mut Vec<String>) {
    let list = &c.h.above_crma;
    if list.is_empty() {
        return;
    }
    let comps = &c.a.metrics.components;
    let named: Vec<String> = list
        .iter()
        .take(COUNTRY_COMPONENTS_NAMED)
        .map(|&i| {
            format!(
                "{} ({} {})",
                c.f.component(comps[i].component),
                cell(&comps[i].top_country),
                pct(comps[i].top_country_share)
            )
        })
        .collect();
    bullets.push(format!(
        "EU Critical Raw Materials Act benchmark (no more than {} of a strategic raw material from one third country, at any stage of processing): {} of {} components are above it, counting every tier's purchases in this dataset: {}{}. The benchmark is for the EU's consumption; for a buyer outside the EU it is a yardstick only.",
        pct(CRMA_MAX_THIRD_COUNTRY),
        list.len(),
        comps.len(),
        named.join(", "),
        if list.len() > COUNTRY_COMPONENTS_NAMED { ", …" } else { "" }
    ));
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
        "{} supplies more than half of {} of {} components (share of dataset-wide purchases; components only made in-house are not counted, a firm's own plant being no dependence on its country): {}{}.",
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
            .map(|&i| aggregate_marked(c, c.h.sweep_firms[i]))
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
    if let Some(p) = &c.h.worst_country {
        let top = &w.sweeps.countries[p.first];
        // A country has no time to recover of its own: no loss over an outage to lead with.
        bullets.push(format!(
            "Cutting every supplier in {}{}: {ANNUAL} {}, {} of end-firm output; the worst-hit end firm loses {}.",
            cell(&top.key),
            tied(p.tied.iter().map(|&i| cell(&w.sweeps.countries[i].key))),
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
    if let Some(p) = &c.h.worst_scenario {
        let s = &w.scenarios[p.first];
        // Summed in end-firm order, as `highlights::Severity::of_scenario` ranks it.
        let event: f64 = s.end_firms.iter().map(|e| e.time_weighted_loss).sum();
        let substitution = w.capacity.as_ref().map_or(String::new(), |cap| {
            format!(
                " ({} with substitution)",
                c.f.value(cap.scenarios[p.first].lost_value)
            )
        });
        bullets.push(format!(
            "Of the scenarios, \"{}\"{} does the most damage: {} of lost output over its {}-day outage{substitution}; {ANNUAL} {} ({} of end-firm output).",
            cell(&s.name),
            tied(p.tied.iter().map(|&i| format!("\"{}\"", cell(&w.scenarios[i].name)))),
            c.f.value(event),
            days(s.ttr_days),
            c.f.value(s.total_value_at_risk),
            pct(s.total_value_at_risk / total),
        ));
    }
}

/// " (tied with a, b)" for a non-empty list, else nothing.
fn tied(names: impl Iterator<Item = String>) -> String {
    let names: Vec<String> = names.collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (tied with {})", names.join(", "))
    }
}

/// A firm's id, marked when it is an aggregate.
fn aggregate_marked(c: &Ctx, f: FirmIdx) -> String {
    let firm = &c.a.ds.firms[f];
    if firm.is_aggregate() {
        format!("{} (aggregate)", cell(&firm.id))
    } else {
        cell(&firm.id)
    }
}

/// The firm (not an aggregate) whose loss alone leads by
/// [`crate::highlights::finding_order`], with the firms tied with it.
fn most_critical(c: &Ctx, bullets: &mut Vec<String>) {
    let Some(p) = &c.h.most_critical else { return };
    let i = p.first;
    let (top, f) = (&c.a.whatif.sweeps.firms[i], c.h.sweep_firms[i]);
    let substitution = (c.a.whatif.capacity.as_ref())
        .and_then(|cap| cap.firms.iter().find(|e| e.firm == f))
        .map_or(String::new(), |e| {
            format!(" ({} with substitution)", c.f.value(e.outcome.lost_value))
        });
    let mut s = format!(
        "The most critical single firm is {} ({}){}: losing it for its time to recover costs {} of {EVENT}{substitution}",
        c.f.firm(f),
        cell(&c.a.ds.firms[f].country),
        tied(p.tied.iter().map(|&j| cell(&c.a.whatif.sweeps.firms[j].key))),
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
        "; {ANNUAL} {} ({} of end-firm output). Aggregates (whole industries, `kind` `aggregate`) are not counted as single firms.",
        c.f.value(top.value_at_risk),
        pct(top.value_at_risk / c.total_output()),
    );
    bullets.push(s);
}

/// The extra stock that would cover the top chokepoints' time to recover.
fn stock_needs(c: &Ctx, bullets: &mut Vec<String>) {
    let needs = &c.h.stock_needs;
    if needs.is_empty() {
        return;
    }
    let list: Vec<String> = needs
        .iter()
        .map(|n| {
            let ttr = n.ttr_days.map_or(String::new(), |t| {
                format!(", time to recover {} days", days(t))
            });
            if n.extra_days > 0.0 {
                format!(
                    "{}: {} at {}{ttr}",
                    aggregate_marked(c, n.firm),
                    more_days(n.extra_days),
                    super::summary::firms_capped(c, &n.short)
                )
            } else {
                format!(
                    "{}: none, stock already covers it{ttr}",
                    aggregate_marked(c, n.firm)
                )
            }
        })
        .collect();
    bullets.push(format!(
        "Extra stock that would carry the end firms through the top chokepoints' time to recover (days of the inputs on the best-buffered path from the chokepoint, time to recover − time to survive; [time]({}#time-to-survive-and-time-to-recover)): {}.",
        super::DOCS,
        list.join("; ")
    ));
}

/// End firms whose numbers rest on inputs not mapped to the start of the chain.
fn coverage(c: &Ctx, bullets: &mut Vec<String>) {
    let low: Vec<String> =
        c.a.deep_coverage
            .iter()
            .filter(|d| d.share < 1.0 - 1e-9)
            .map(|d| format!("{} {}", cell(&c.a.ds.firms[d.firm].id), pct(d.share)))
            .collect();
    if low.is_empty() {
        return;
    }
    let mut dead: Vec<FirmIdx> = (c.a.deep_coverage.iter())
        .flat_map(|d| d.dead_ends.iter().copied())
        .collect();
    dead.sort_unstable();
    dead.dedup();
    bullets.push(format!(
        "The numbers of {} of {} rest on inputs not mapped to the start of the chain (share of purchases mapped all the way up: {}); the dead ends, firms that buy nothing here and are not mines, recyclers or aggregates, are {}. Losses through them are lower bounds: the unmapped part is unknown, not safe.",
        low.len(),
        plural(c.a.deep_coverage.len(), "end firm", "end firms"),
        low.join(", "),
        super::tables::dead_ends(c, &dead),
    ));
}
