//! The policy gate: `scrisk check` evaluates a [`config::Policy`] on an analysis and returns
//! findings as data (code, level, subject, message, the input rows behind them); waivers with
//! an expiry date accept known findings. The exit status is computed from the findings
//! ([`exit_status`]), never from the printed text. `scrisk diff` compares two JSON reports.
//!
//! Pure: evaluation and rendering return values; the commands in [`crate::commands::check`] do the I/O.

pub mod config;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::metrics::Exposure;
use crate::model::{FirmIdx, SourcingRow};
use config::{Dimension, Level, Policy};

/// Every finding code, in the order findings are reported.
pub const CODES: [&str; 8] = [
    "concentration",
    "third-country",
    "single-source",
    "chokepoint",
    "time-to-survive",
    "scenario-loss",
    "waiver-expired",
    "waiver-unused",
];

/// Input rows listed per finding before the rest are counted.
const MAX_ROWS: usize = 20;

/// One policy finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub level: Level,
    /// What the finding is about, as a waiver names it.
    pub subject: String,
    pub message: String,
    /// Firms, components and countries involved.
    pub subjects: Vec<String>,
    /// The input rows that cause it (`sourcing row 12`), capped.
    pub rows: Vec<String>,
    /// The reason of the waiver that accepts it, if any (then it does not fail the check).
    pub waived: Option<String>,
}

impl Finding {
    /// Whether this finding fails the check.
    pub fn fails(&self) -> bool {
        self.level == Level::Deny && self.waived.is_none()
    }
}

/// The exit status of a check: 1 when any finding fails it, else 0.
pub fn exit_status(findings: &[Finding]) -> u8 {
    u8::from(findings.iter().any(Finding::fails))
}

fn rows_of<'r>(rows: impl Iterator<Item = &'r SourcingRow>) -> Vec<String> {
    let all: Vec<usize> = rows.map(|r| r.row).collect();
    let mut out: Vec<String> = all
        .iter()
        .take(MAX_ROWS)
        .map(|r| format!("sourcing row {r}"))
        .collect();
    if all.len() > MAX_ROWS {
        out.push(format!("and {} more sourcing rows", all.len() - MAX_ROWS));
    }
    out
}

fn money(v: f64) -> String {
    crate::text::money(v)
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// Evaluates `policy` on an analysis. `today` decides which waivers have expired. Also returns
/// which waivers matched a finding (see [`unused_waivers`]: one policy may serve several
/// datasets, so a waiver is stale only when it matches nothing in any of them).
pub fn evaluate(
    a: &Analysis,
    policy: &Policy,
    today: (i32, u32, u32),
) -> (Vec<Finding>, Vec<bool>) {
    let ds = a.ds;
    let id = |f: FirmIdx| ds.firms[f].id.clone();
    let comp = |k: usize| ds.components[k].id.clone();
    let mut out: Vec<Finding> = Vec::new();
    let mut push = |code: &'static str,
                    level: Level,
                    subject: String,
                    message: String,
                    subjects: Vec<String>,
                    rows: Vec<String>| {
        if level != Level::Allow {
            out.push(Finding {
                code,
                level,
                subject,
                message,
                subjects,
                rows,
                waived: None,
            });
        }
    };

    // Component concentration (MODEL §3, dataset-wide).
    if policy.concentration != Level::Allow {
        for c in &a.metrics.components {
            for &dim in &policy.concentration_by {
                let hhi = match dim {
                    Dimension::Supplier => c.hhi_supplier,
                    Dimension::Country => c.hhi_country,
                    Dimension::Group => c.hhi_group,
                };
                if hhi > policy.max_hhi {
                    push(
                        "concentration",
                        policy.concentration,
                        comp(c.component),
                        format!(
                            "{} HHI {:.0} is above {:.0} (top supplier {} {}, top country {} {})",
                            dim.as_str(),
                            hhi,
                            policy.max_hhi,
                            id(c.top_supplier),
                            pct(c.top_supplier_share),
                            c.top_country,
                            pct(c.top_country_share)
                        ),
                        vec![comp(c.component), id(c.top_supplier), c.top_country.clone()],
                        rows_of(ds.sourcing.iter().filter(|r| r.component == c.component)),
                    );
                }
            }
        }
    }

    // One third country above a share of a component, all tiers (same weights as §3).
    if policy.third_country != Level::Allow {
        for k in ds.used_components() {
            let rows: Vec<&SourcingRow> = ds.sourcing.iter().filter(|r| r.component == k).collect();
            let weight = |r: &SourcingRow| {
                if ds.has_values {
                    r.annual_value.unwrap_or(0.0)
                } else {
                    r.share
                }
            };
            let mut total: f64 = rows.iter().map(|r| weight(r)).sum();
            let by_value = total > 0.0;
            if !by_value {
                total = rows.iter().map(|r| r.share).sum();
            }
            let mut by_country: std::collections::BTreeMap<&str, f64> = Default::default();
            for r in &rows {
                let w = if by_value { weight(r) } else { r.share };
                *by_country
                    .entry(ds.firms[r.supplier].country.as_str())
                    .or_default() += w;
            }
            for (country, w) in by_country {
                let share = w / total;
                if share > policy.max_third_country_share
                    && policy
                        .own_countries
                        .binary_search(&country.to_string())
                        .is_err()
                {
                    push(
                        "third-country",
                        policy.third_country,
                        format!("{}/{}", comp(k), country),
                        format!(
                            "{country} supplies {} of {} at all tiers, above {}",
                            pct(share),
                            comp(k),
                            pct(policy.max_third_country_share)
                        ),
                        vec![comp(k), country.to_string()],
                        rows_of(
                            rows.iter()
                                .copied()
                                .filter(|r| ds.firms[r.supplier].country == country),
                        ),
                    );
                }
            }
        }
    }

    // Single-source pairs above a value.
    if policy.single_source != Level::Allow {
        for p in &a.metrics.pairs {
            if p.exposure != Exposure::SingleSource {
                continue;
            }
            let value = p.annual_value.unwrap_or(0.0);
            if p.annual_value.is_some()
                && value <= policy.single_source_min_value
                && policy.single_source_min_value > 0.0
            {
                continue;
            }
            let supplier = ds.sourcing[p.rows.start].supplier;
            push(
                "single-source",
                policy.single_source,
                format!("{}/{}", id(p.buyer), comp(p.component)),
                format!(
                    "{} buys {} only from {}{}",
                    id(p.buyer),
                    comp(p.component),
                    id(supplier),
                    p.annual_value
                        .map(|v| format!(" (annual value {v})"))
                        .unwrap_or_default()
                ),
                vec![id(p.buyer), comp(p.component), id(supplier)],
                rows_of(ds.sourcing[p.rows.clone()].iter()),
            );
        }
    }

    // Chokepoints of the N-1 firm sweep.
    if policy.chokepoint != Level::Allow {
        for e in a
            .whatif
            .sweeps
            .firms
            .iter()
            .filter(|e| !e.chokepoint_for.is_empty())
        {
            let stopped: Vec<String> = e.chokepoint_for.iter().map(|&f| id(f)).collect();
            let f = ds.firm_index(&e.key).expect("sweep keys are firm ids");
            let mut subjects = vec![e.key.clone()];
            subjects.extend(stopped.iter().cloned());
            push(
                "chokepoint",
                policy.chokepoint,
                e.key.clone(),
                format!(
                    "losing {} alone stops {} completely",
                    e.key,
                    stopped.join(", ")
                ),
                subjects,
                rows_of(
                    ds.sourcing
                        .iter()
                        .filter(|r| r.supplier == f && !r.is_in_house()),
                ),
            );
        }
    }

    // Time to survive shorter than time to recover, for firms with a known recovery time, as
    // the firm sweep found it.
    if policy.time_to_survive != Level::Allow {
        for r in &a.whatif.recovery {
            let (f, ttr) = (r.firm, r.ttr_days);
            let firm = &ds.firms[f];
            // One finding per firm, naming every end firm whose stock runs out first.
            let short = &r.short;
            let list: Vec<String> = short
                .iter()
                .take(10)
                .map(|g| {
                    format!(
                        "{} after {} days (loss {})",
                        id(g.end_firm),
                        g.tts_days,
                        pct(g.loss)
                    )
                })
                .collect();
            let mut subjects = vec![firm.id.clone()];
            subjects.extend(short.iter().map(|g| id(g.end_firm)));
            push(
                "time-to-survive",
                policy.time_to_survive,
                firm.id.clone(),
                format!(
                    "{} needs {ttr} days to recover, but stock runs out first at {} end firm{}: {}{}",
                    firm.id,
                    short.len(),
                    if short.len() == 1 { "" } else { "s" },
                    list.join(", "),
                    if short.len() > 10 { ", …" } else { "" }
                ),
                subjects,
                vec![format!("firms row {}", firm.row)],
            );
        }
    }

    // Scenario value at risk.
    if policy.scenario_loss != Level::Allow {
        let output: f64 = a.g.end_values.iter().sum();
        for s in a
            .whatif
            .scenarios
            .iter()
            .filter(|s| s.name != crate::model::cut::CLI_SCENARIO)
        {
            let over_value = policy
                .max_value_at_risk
                .filter(|&m| s.total_value_at_risk > m);
            let over_share = policy
                .max_share_of_output
                .filter(|&m| output > 0.0 && s.total_value_at_risk / output > m);
            if over_value.is_some() || over_share.is_some() {
                let mut limits = Vec::new();
                if let Some(m) = over_value {
                    limits.push(format!("the limit {}", money(m)));
                }
                if let Some(m) = over_share {
                    limits.push(format!("{} of output", pct(m)));
                }
                push(
                    "scenario-loss",
                    policy.scenario_loss,
                    s.name.clone(),
                    format!(
                        "scenario puts {} at risk ({} of end-firm output), above {}",
                        money(s.total_value_at_risk),
                        pct(if output > 0.0 {
                            s.total_value_at_risk / output
                        } else {
                            0.0
                        }),
                        limits.join(" and ")
                    ),
                    vec![s.name.clone()],
                    vec![format!("scenarios.toml, scenario {:?}", s.name)],
                );
            }
        }
    }

    let used = apply_waivers(&mut out, policy, today);
    (out, used)
}

/// Marks waived findings and reports expired waivers (which no longer waive); returns which
/// waivers matched a finding.
fn apply_waivers(
    findings: &mut Vec<Finding>,
    policy: &Policy,
    today: (i32, u32, u32),
) -> Vec<bool> {
    let mut used = vec![false; policy.waivers.len()];
    let mut expired: Vec<Finding> = Vec::new();
    for f in findings.iter_mut() {
        for (i, w) in policy.waivers.iter().enumerate() {
            if w.subject != f.subject || w.code.as_deref().is_some_and(|c| c != f.code) {
                continue;
            }
            used[i] = true;
            if w.until >= today {
                f.waived = Some(format!("{} (until {})", w.reason, w.until_text));
            } else if f.waived.is_none() {
                expired.push(Finding {
                    code: "waiver-expired",
                    level: Level::Warn,
                    subject: w.subject.clone(),
                    message: format!(
                        "the waiver of {} {} expired on {}; the finding counts again",
                        f.code, w.subject, w.until_text
                    ),
                    subjects: vec![w.subject.clone()],
                    rows: vec![format!("policy line {}", w.line)],
                    waived: None,
                });
            }
        }
    }
    // A waiver whose finding is now waived by another (still valid) waiver is not expired news.
    expired.retain(|e| {
        !findings
            .iter()
            .any(|f| f.subject == e.subject && f.waived.is_some())
    });
    findings.extend(expired);
    used
}

/// Warnings for the waivers that matched no finding (`used` from [`evaluate`], combined over
/// every dataset checked).
pub fn unused_waivers(policy: &Policy, used: &[bool]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (w, &used) in policy.waivers.iter().zip(used) {
        if !used {
            findings.push(Finding {
                code: "waiver-unused",
                level: Level::Warn,
                subject: w.subject.clone(),
                message: format!(
                    "the waiver of {}{} matches no finding; remove it",
                    w.code
                        .as_deref()
                        .map(|c| format!("{c} "))
                        .unwrap_or_default(),
                    w.subject
                ),
                subjects: vec![w.subject.clone()],
                rows: vec![format!("policy line {}", w.line)],
                waived: None,
            });
        }
    }
    findings
}

/// Findings as a readable list, one block per finding, then a count.
pub fn render_text(dataset: &str, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{}[{}] {}: {}\n",
            f.level.as_str(),
            f.code,
            f.subject,
            f.message
        ));
        if !f.rows.is_empty() {
            out.push_str(&format!("  at: {}\n", f.rows.join(", ")));
        }
        if let Some(w) = &f.waived {
            out.push_str(&format!("  waived: {w}\n"));
        }
    }
    out.push_str(&summary(dataset, findings));
    out.push('\n');
    out
}

/// `dataset: N denied, N warnings, N waived`.
pub fn summary(dataset: &str, findings: &[Finding]) -> String {
    let deny = findings.iter().filter(|f| f.fails()).count();
    let warn = findings
        .iter()
        .filter(|f| f.level == Level::Warn && f.waived.is_none())
        .count();
    let waived = findings.iter().filter(|f| f.waived.is_some()).count();
    format!(
        "{dataset}: {deny} denied, {warn} warning{}, {waived} waived — {}",
        if warn == 1 { "" } else { "s" },
        if deny > 0 {
            "check failed"
        } else {
            "check passed"
        }
    )
}

/// Days since 1970-01-01 to a civil date (proleptic Gregorian; Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_786), (2026, 11, 29));
    }

    fn finding(code: &'static str, subject: &str, level: Level) -> Finding {
        Finding {
            code,
            level,
            subject: subject.into(),
            message: String::new(),
            subjects: vec![],
            rows: vec![],
            waived: None,
        }
    }

    fn waiver(code: Option<&str>, subject: &str, until: (i32, u32, u32)) -> config::Waiver {
        config::Waiver {
            code: code.map(str::to_string),
            subject: subject.into(),
            reason: "known".into(),
            until,
            until_text: format!("{}-{:02}-{:02}", until.0, until.1, until.2),
            line: 3,
        }
    }

    #[test]
    fn waivers_waive_until_their_date_then_expire() {
        let policy = Policy {
            waivers: vec![waiver(Some("chokepoint"), "catl", (2026, 12, 31))],
            ..Policy::default()
        };
        let mut f = vec![finding("chokepoint", "catl", Level::Deny)];
        apply_waivers(&mut f, &policy, (2026, 12, 31));
        assert_eq!(f.len(), 1);
        assert!(f[0].waived.is_some());
        assert_eq!(exit_status(&f), 0);

        let mut f = vec![finding("chokepoint", "catl", Level::Deny)];
        apply_waivers(&mut f, &policy, (2027, 1, 1));
        assert_eq!(f.len(), 2);
        assert!(f[0].waived.is_none());
        assert_eq!(f[1].code, "waiver-expired");
        assert_eq!(exit_status(&f), 1);
    }

    #[test]
    fn a_waiver_for_another_code_or_subject_does_not_apply_and_is_reported_unused() {
        let policy = Policy {
            waivers: vec![
                waiver(Some("single-source"), "catl", (2030, 1, 1)),
                waiver(None, "tsmc", (2030, 1, 1)),
            ],
            ..Policy::default()
        };
        let mut f = vec![finding("chokepoint", "catl", Level::Deny)];
        let used = apply_waivers(&mut f, &policy, (2026, 1, 1));
        assert!(f[0].waived.is_none());
        f.extend(unused_waivers(&policy, &used));
        let unused: Vec<&str> = f
            .iter()
            .filter(|x| x.code == "waiver-unused")
            .map(|x| x.subject.as_str())
            .collect();
        assert_eq!(unused, ["catl", "tsmc"]);
        assert_eq!(exit_status(&f), 1);
    }

    #[test]
    fn warnings_never_fail() {
        assert_eq!(
            exit_status(&[finding("single-source", "a/b", Level::Warn)]),
            0
        );
        assert_eq!(exit_status(&[]), 0);
    }
}
