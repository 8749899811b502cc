//! The one-screen summary the report opens with: the findings that cost the most over the
//! event ([`crate::highlights::Highlights::leads`]), a scenario × end-firm matrix of lost
//! output with each end firm's stock verdict, and a five-line glossary. What leads is chosen in
//! `highlights`; this file only words it.

use std::fmt::Write;

use super::{Ctx, ANNUAL, EVENT};
use crate::highlights::{Lead, Verdict};
use crate::report::table::{write_dynamic, Align, Align::Left as L, Align::Right as R};
use crate::text::{cell, days, md, n_days, pct, plural};

/// End firms named in a scenario's summary line.
const END_FIRMS_NAMED: usize = 4;

/// The "Summary" section.
pub(super) fn summary(c: &Ctx, out: &mut String) {
    w!(out, "## Summary\n");
    leads(c, out);
    matrix(c, out);
    glossary(out);
    w!(out, "The sections after the summary are reference: the findings in detail, then the tables behind them (long ones folded; click to open).\n");
}

/// The findings that cost the most over the event, numbered.
fn leads(c: &Ctx, out: &mut String) {
    if c.h.leads.is_empty() {
        w!(out, "No scenario and no single firm's outage costs any output over its event: every end firm's stock lasts until the cut firms recover, or nothing is cut.\n");
        return;
    }
    let basis = if c.a.whatif.capacity.is_some() {
        " without substitution; the capacity model's figure with substitution follows in brackets"
    } else {
        " (without substitution)"
    };
    w!(out, "What costs the most, ranked by {EVENT}{basis}:\n");
    for (n, lead) in c.h.leads.iter().enumerate() {
        let mut line = match *lead {
            Lead::Scenario(i) => scenario_line(c, i),
            Lead::Firm(i) => firm_line(c, i),
        };
        if let Some(p) = c.h.provenance[n] {
            let _ = write!(
                line,
                " Of the purchases on its supply paths, {} cite an unverified source",
                pct(p.unverified / p.total)
            );
            // Rows that cite no source are only named when there are some.
            if p.unsourced > 0.0 {
                let _ = write!(line, " and {} cite none", pct(p.unsourced / p.total));
            }
            line.push('.');
        }
        w!(out, "{}. {line}", n + 1);
    }
    w!(out, "");
}

/// "Scenario X (D-day outage): V lost; who is short for how long; annual output at risk."
fn scenario_line(c: &Ctx, i: usize) -> String {
    let w = &c.a.whatif;
    let s = &w.scenarios[i];
    let event: f64 = s.end_firms.iter().map(|e| e.time_weighted_loss).sum();
    let mut line = format!(
        "**Scenario \"{}\"** ({}-day outage): {} lost",
        md(&s.name),
        days(s.ttr_days),
        c.f.value(event)
    );
    if let Some(cap) = &w.capacity {
        let _ = write!(
            line,
            " ({} with substitution)",
            c.f.value(cap.scenarios[i].lost_value)
        );
    }
    let mut hit: Vec<(f64, String)> = s
        .end_firms
        .iter()
        .filter_map(|e| match Verdict::of(e) {
            Verdict::Short(d) => Some((
                e.time_weighted_loss,
                format!(
                    "{} short for {} (losing {})",
                    cell(&c.a.ds.firms[e.firm].id),
                    n_days(d),
                    pct(e.loss)
                ),
            )),
            _ => None,
        })
        .collect();
    // Largest loss first; ties keep end-firm order (a stable sort).
    hit.sort_by(|a, b| b.0.total_cmp(&a.0));
    let covered = s
        .end_firms
        .iter()
        .filter(|e| Verdict::of(e) == Verdict::Covered)
        .count();
    if !hit.is_empty() {
        let names: Vec<&str> = hit
            .iter()
            .take(END_FIRMS_NAMED)
            .map(|h| h.1.as_str())
            .collect();
        let more = hit.len().saturating_sub(END_FIRMS_NAMED);
        let _ = write!(line, "; {}", names.join(", "));
        if more > 0 {
            let _ = write!(line, " and {more} more");
        }
        // The longest shortfall is the extra stock that carries every end firm through.
        let longest = (s.end_firms.iter())
            .filter_map(|e| match Verdict::of(e) {
                Verdict::Short(d) => Some(d),
                _ => None,
            })
            .fold(0.0, f64::max);
        let _ = write!(
            line,
            "; {} of stock at the end firms would cover it",
            more_days(longest)
        );
    }
    if covered > 0 {
        let _ = write!(
            line,
            "; stock covers {covered} more end firm{}",
            if covered == 1 { "" } else { "s" }
        );
    }
    let _ = write!(line, "; {ANNUAL} {}.", c.f.value(s.total_value_at_risk));
    line
}

/// "Losing F (country) for its D days to recover: V lost; stops …; N more days of stock would
/// cover it."
fn firm_line(c: &Ctx, i: usize) -> String {
    let w = &c.a.whatif;
    let e = &w.sweeps.firms[i];
    let f = c.h.sweep_firms[i];
    let firm = &c.a.ds.firms[f];
    let who = if firm.is_aggregate() {
        format!(
            "all of {} (a whole industry, {})",
            c.f.firm(f),
            cell(&firm.country)
        )
    } else {
        format!("{} ({})", c.f.firm(f), cell(&firm.country))
    };
    let need = c.h.lead_needs.iter().find(|n| n.entry == i);
    let ttr = need.and_then(|n| n.ttr_days).map_or(String::new(), |t| {
        format!(" for its {} days to recover", days(t))
    });
    let mut line = format!(
        "**Losing {who}**{ttr}: {} lost",
        c.f.value(e.time_weighted_loss.unwrap_or(0.0))
    );
    if let Some(o) = (w.capacity.as_ref()).and_then(|cap| cap.firms.iter().find(|x| x.firm == f)) {
        let _ = write!(
            line,
            " ({} with substitution)",
            c.f.value(o.outcome.lost_value)
        );
    }
    if !e.chokepoint_for.is_empty() {
        let _ = write!(
            line,
            "; stops {} completely",
            firms_capped(c, &e.chokepoint_for)
        );
    }
    if let Some(n) = need {
        if n.extra_days > 0.0 {
            let _ = write!(
                line,
                "; {} short for up to {}, {} of stock would cover it",
                firms_capped(c, &n.short),
                n_days(n.extra_days),
                more_days(n.extra_days)
            );
        } else {
            let _ = write!(line, "; stock covers its time to recover");
        }
    }
    let _ = write!(line, "; {ANNUAL} {}.", c.f.value(e.value_at_risk));
    line
}

/// "1 more day", "30 more days".
pub(super) fn more_days(v: f64) -> String {
    let d = days(v);
    if d == "1" {
        "1 more day".into()
    } else {
        format!("{d} more days")
    }
}

/// The first end firms by id, then how many more ("all N end firms" when that is every one).
pub(super) fn firms_capped(c: &Ctx, firms: &[crate::model::FirmIdx]) -> String {
    let all = c.a.g.end_firms.len();
    if firms.len() > END_FIRMS_NAMED {
        if firms.len() == all {
            format!("all {all} end firms")
        } else {
            format!(
                "{} and {} more end firms",
                c.f.firm_list(&firms[..END_FIRMS_NAMED]),
                firms.len() - END_FIRMS_NAMED
            )
        }
    } else {
        c.f.firm_list(firms)
    }
}

/// End firms named per scenario in the summary's scenario table.
const HARDEST_HIT: usize = 3;

/// One row per scenario, costliest first by [`crate::highlights::finding_order`]: its lost
/// output over the outage (with substitution, when the capacity model is on), the end firms it
/// hits hardest with their days short, the extra stock that would cover every end firm, and how
/// many end firms are short or covered. The full scenario × end-firm matrix follows, folded:
/// with many end firms it is wider and longer than a screen.
fn matrix(c: &Ctx, out: &mut String) {
    let w = &c.a.whatif;
    if w.scenarios.is_empty() || c.a.g.end_firms.is_empty() {
        return;
    }
    let unit = c.f.unit();
    w!(
        out,
        "The scenarios, costliest first{unit}: {EVENT}, the end firms hit hardest (days short: time to recover − time to survive), and the extra stock at the end firms that would carry all of them through.\n"
    );
    let substitution = w.capacity.as_ref();
    let mut cols: Vec<(&str, Align)> =
        vec![("#", L), ("scenario", L), ("outage (days)", R), (EVENT, R)];
    if substitution.is_some() {
        cols.push(("with substitution", R));
    }
    cols.extend([
        ("hit hardest", L),
        ("stock that would cover it", L),
        ("short / covered", R),
    ]);
    let rows: Vec<Vec<String>> =
        c.h.scenario_order
            .iter()
            .map(|&i| scenario_row(c, i))
            .collect();
    write_dynamic(out, &cols, &rows);
    w!(out, "");
    full_matrix(c, out);
}

/// A row of the summary's scenario table.
fn scenario_row(c: &Ctx, i: usize) -> Vec<String> {
    let w = &c.a.whatif;
    let s = &w.scenarios[i];
    let event: f64 = s.end_firms.iter().map(|e| e.time_weighted_loss).sum();
    let mut row = vec![
        format!("S{}", i + 1),
        cell(&s.name),
        days(s.ttr_days),
        c.f.amount(event),
    ];
    if let Some(cap) = &w.capacity {
        row.push(c.f.amount(cap.scenarios[i].lost_value));
    }
    let mut short: Vec<(f64, f64, crate::model::FirmIdx)> = (s.end_firms.iter())
        .filter_map(|e| match Verdict::of(e) {
            Verdict::Short(d) => Some((e.time_weighted_loss, d, e.firm)),
            _ => None,
        })
        .collect();
    // Largest loss first; ties keep end-firm order (a stable sort).
    short.sort_by(|a, b| b.0.total_cmp(&a.0));
    let covered = (s.end_firms.iter())
        .filter(|e| Verdict::of(e) == Verdict::Covered)
        .count();
    let hardest: Vec<String> = (short.iter().take(HARDEST_HIT))
        .map(|&(v, d, f)| {
            format!(
                "{} ({} short, {})",
                cell(&c.a.ds.firms[f].id),
                n_days(d),
                c.f.amount(v)
            )
        })
        .collect();
    let more = short.len().saturating_sub(HARDEST_HIT);
    row.push(match (hardest.is_empty(), covered) {
        (false, _) if more > 0 => format!("{}, {more} more", hardest.join(", ")),
        (false, _) => hardest.join(", "),
        (true, 0) => "none".into(),
        (true, _) => "none short".into(),
    });
    let longest = short.iter().map(|x| x.1).fold(0.0, f64::max);
    row.push(if !short.is_empty() {
        more_days(longest)
    } else if covered > 0 {
        "none: stock covers it".into()
    } else {
        "–".into()
    });
    row.push(format!("{} / {covered}", short.len()));
    row
}

/// Scenarios × end firms, folded: each cell the lost output over the outage, "covered" when
/// stock lasts, "–" when the scenario does not touch the end firm. Rows are end firms, columns
/// scenarios (S1, S2, … in the dataset's order, with a legend).
fn full_matrix(c: &Ctx, out: &mut String) {
    let w = &c.a.whatif;
    let n = w.scenarios.len();
    let ends = c.a.g.end_firms.len();
    w!(
        out,
        "<details><summary>{} by scenario and end firm ({} × {}){}</summary>\n",
        super::capitalised(EVENT),
        plural(ends, "end firm", "end firms"),
        plural(n, "scenario", "scenarios"),
        c.f.unit()
    );
    w!(
        out,
        "\"covered\" when stock lasts until the cut firms recover, \"–\" when the scenario does not reach the end firm.\n"
    );
    let heads: Vec<String> = (1..=n).map(|k| format!("S{k}")).collect();
    let mut cols: Vec<(&str, Align)> = vec![("end firm", L)];
    cols.extend(heads.iter().map(|h| (h.as_str(), R)));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (j, &e) in c.a.g.end_firms.iter().enumerate() {
        let mut row = vec![cell(&c.a.ds.firms[e].id)];
        for s in &w.scenarios {
            let x = &s.end_firms[j];
            row.push(match Verdict::of(x) {
                Verdict::NotHit => "–".into(),
                Verdict::Covered => "covered".into(),
                Verdict::Short(_) => c.f.amount(x.time_weighted_loss),
            });
        }
        rows.push(row);
    }
    let mut total = vec!["**all end firms**".to_string()];
    for s in &w.scenarios {
        let v: f64 = s.end_firms.iter().map(|e| e.time_weighted_loss).sum();
        total.push(if v > 0.0 {
            format!("**{}**", c.f.amount(v))
        } else {
            "–".into()
        });
    }
    rows.push(total);
    write_dynamic(out, &cols, &rows);
    let legend: Vec<String> = w
        .scenarios
        .iter()
        .enumerate()
        .map(|(k, s)| {
            // A name that already gives its outage ("… (30 days)") is not told it twice.
            let d = format!("({} days)", days(s.ttr_days));
            if s.name.ends_with(&d) {
                format!("S{} {}", k + 1, md(&s.name))
            } else {
                format!("S{} {} {d}", k + 1, md(&s.name))
            }
        })
        .collect();
    w!(out, "\n{}.\n\n</details>\n", legend.join("; "));
}

fn glossary(out: &mut String) {
    w!(out, "Words used below:\n");
    w!(out, "- **HHI**: the sum of squared market shares in percent, from near 0 (many small suppliers) to 10,000 (one supplier); above 1,800 is highly concentrated (2023 US Merger Guidelines), 1,000–1,800 moderately (1992 Horizontal Merger Guidelines).");
    w!(out, "- **Tier**: a supplier's distance from the end firm: tier 1 sells to it, tier 2 to a tier-1 supplier, and so on up to the mines.");
    w!(out, "- **TTS / TTR**: time to survive, the days an end firm's stock lets it keep selling after a cut; time to recover, the days the cut supplier needs to deliver again. TTS ≥ TTR: covered by stock.");
    w!(out, "- **N-1**: cutting one firm (or one country, region or group) at a time with everything else intact.");
    w!(
        out,
        "- **Chokepoint**: a firm whose loss alone stops an end firm completely.\n"
    );
}
