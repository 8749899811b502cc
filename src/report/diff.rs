//! `scrisk diff OLD.json NEW.json`: what changed between two analyses of a supply base, as
//! markdown for a pull-request comment — new and removed single-source pairs, component HHI
//! changes above 100 points (the 2023 Merger Guidelines' "significant increase" scale), new and
//! removed chokepoints, and per scenario the lost output over the outage (the end firms'
//! `time_weighted_loss` summed) followed by the annual output at risk (`total_value_at_risk`),
//! and, where either report has the capacity model on, its lost output with substitution.
//!
//! Works on typed reports ([`schema::Report`], MODEL.md §7), read by [`schema::Report::from_json`]:
//! every field `diff` compares is required, so a report with a missing or wrongly typed field is
//! an error before anything is compared, never a silent `""` or `0`. Pure: takes reports,
//! returns text.

use std::collections::{BTreeMap, BTreeSet};

use super::schema::{self, Report};
use crate::text::{cell, hhi};

/// HHI changes smaller than this are not reported.
pub(crate) const HHI_CHANGE: f64 = 100.0;

/// A report's parts that `diff` compares, keyed for lookup.
struct Parts<'r> {
    dataset: &'r str,
    /// (buyer, component) -> annual value
    single_source: BTreeMap<(&'r str, &'r str), Option<f64>>,
    /// component -> (supplier, country, group) HHI
    components: BTreeMap<&'r str, [f64; 3]>,
    /// firm -> end firms it stops
    chokepoints: BTreeMap<&'r str, &'r [String]>,
    /// scenario -> [lost output over the outage, annual output at risk]
    scenarios: BTreeMap<&'r str, [f64; 2]>,
    /// scenario -> lost output over the outage with substitution (the capacity model, MODEL
    /// §8), for the scenarios that have it
    capacity: BTreeMap<&'r str, f64>,
}

impl<'r> Parts<'r> {
    fn of(r: &'r Report) -> Self {
        Parts {
            dataset: &r.dataset,
            single_source: r
                .pairs
                .iter()
                .filter(|p| p.exposure == schema::Exposure::SingleSource)
                .map(|p| ((p.buyer.as_str(), p.component.as_str()), p.annual_value))
                .collect(),
            components: r
                .components
                .iter()
                .map(|c| {
                    (
                        c.component.as_str(),
                        [c.hhi_supplier, c.hhi_country, c.hhi_group],
                    )
                })
                .collect(),
            chokepoints: r
                .sweep
                .firms
                .iter()
                .filter(|e| !e.chokepoint_for.is_empty())
                .map(|e| (e.key.as_str(), e.chokepoint_for.as_slice()))
                .collect(),
            scenarios: r
                .scenarios
                .iter()
                .map(|s| {
                    // Summed in end-firm order, as the markdown report sums it.
                    let event = s.end_firms.iter().map(|e| e.time_weighted_loss).sum();
                    (s.name.as_str(), [event, s.total_value_at_risk])
                })
                .collect(),
            capacity: r
                .scenarios
                .iter()
                .filter_map(|s| Some((s.name.as_str(), s.capacity.as_ref()?.lost_value)))
                .collect(),
        }
    }
}

fn money(v: f64) -> String {
    crate::text::money(v)
}

/// The entries of `b` whose key `a` lacks.
fn only_in<'m, K: Ord, V>(b: &'m BTreeMap<K, V>, a: &BTreeMap<K, V>) -> Vec<(&'m K, &'m V)> {
    b.iter().filter(|(k, _)| !a.contains_key(*k)).collect()
}

/// Renders the differences between two reports as markdown.
pub(crate) fn render(old: &Report, new: &Report) -> String {
    let (a, b) = (Parts::of(old), Parts::of(new));
    let name = if a.dataset == b.dataset {
        cell(b.dataset)
    } else {
        format!("{} → {}", cell(a.dataset), cell(b.dataset))
    };
    let mut out = format!("## scrisk: supply-risk changes in {name}\n\n");
    let sections = [
        single_source(&a, &b),
        concentration(&a, &b),
        chokepoints(&a, &b),
        scenarios(&a, &b),
        capacity(&a, &b),
    ];
    let mut any = false;
    for s in sections.into_iter().flatten() {
        any = true;
        out.push_str(&s);
    }
    if !any {
        out.push_str("No change in single-source pairs, concentration (beyond 100 HHI points), chokepoints or scenario losses.\n");
    }
    out
}

fn single_source(a: &Parts, b: &Parts) -> Option<String> {
    let added = only_in(&b.single_source, &a.single_source);
    let removed = only_in(&a.single_source, &b.single_source);
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    let mut out = String::from("### Single-source pairs\n\n| change | buyer | component | annual value |\n|---|---|---|---:|\n");
    for (sign, rows) in [("new", &added), ("removed", &removed)] {
        for ((buyer, component), value) in rows.iter() {
            out.push_str(&format!(
                "| {sign} | {} | {} | {} |\n",
                cell(buyer),
                cell(component),
                value.map_or("—".into(), money)
            ));
        }
    }
    out.push('\n');
    Some(out)
}

fn concentration(a: &Parts, b: &Parts) -> Option<String> {
    let mut changes: Vec<(&str, &str, f64, f64)> = Vec::new();
    let names: BTreeSet<&str> = a
        .components
        .keys()
        .chain(b.components.keys())
        .copied()
        .collect();
    for k in names {
        let before = a.components.get(k).copied();
        let after = b.components.get(k).copied();
        for (i, dim) in ["supplier", "country", "group"].into_iter().enumerate() {
            let x = before.map_or(0.0, |h| h[i]);
            let y = after.map_or(0.0, |h| h[i]);
            if (y - x).abs() > HHI_CHANGE {
                changes.push((k, dim, x, y));
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    let mut out = format!(
        "### Concentration changes above {} HHI points\n\n| component | HHI by | old | new | change |\n|---|---|---:|---:|---:|\n",
        hhi(HHI_CHANGE)
    );
    for (k, dim, x, y) in changes {
        let delta = y - x;
        out.push_str(&format!(
            "| {} | {dim} | {} | {} | {}{} |\n",
            cell(k),
            hhi(x),
            hhi(y),
            if delta > 0.0 { "+" } else { "−" },
            hhi(delta.abs())
        ));
    }
    out.push('\n');
    Some(out)
}

fn chokepoints(a: &Parts, b: &Parts) -> Option<String> {
    let new_choke = only_in(&b.chokepoints, &a.chokepoints);
    let gone_choke = only_in(&a.chokepoints, &b.chokepoints);
    if new_choke.is_empty() && gone_choke.is_empty() {
        return None;
    }
    let mut out = String::from("### Chokepoints (firms whose loss alone stops an end firm)\n\n| change | firm | stops |\n|---|---|---|\n");
    for (sign, rows) in [("new", &new_choke), ("removed", &gone_choke)] {
        for (firm, stops) in rows.iter() {
            let stops: Vec<String> = stops.iter().map(|s| cell(s)).collect();
            out.push_str(&format!(
                "| {sign} | {} | {} |\n",
                cell(firm),
                stops.join(", ")
            ));
        }
    }
    out.push('\n');
    Some(out)
}

/// The cells ` old | new | change |` of one figure (— where a side has none).
fn change_cells(x: Option<f64>, y: Option<f64>) -> String {
    let change = match (x, y) {
        (Some(x), Some(y)) if x > 0.0 => format!("{:+.1}%", (y - x) / x * 100.0),
        _ => "—".into(),
    };
    format!(
        " {} | {} | {} |",
        x.map_or("—".into(), money),
        y.map_or("—".into(), money),
        change
    )
}

fn scenarios(a: &Parts, b: &Parts) -> Option<String> {
    let names: BTreeSet<&str> = a
        .scenarios
        .keys()
        .chain(b.scenarios.keys())
        .copied()
        .collect();
    let mut rows = Vec::new();
    for s in names {
        let (x, y) = (a.scenarios.get(s), b.scenarios.get(s));
        if x != y {
            let mut row = format!("| {} |", cell(s));
            for i in 0..2 {
                let (x, y) = (x.map(|v| v[i]), y.map(|v| v[i]));
                row.push_str(&change_cells(x, y));
            }
            row.push('\n');
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return None;
    }
    let mut out = String::from(
        "### Scenario losses\n\nLost output over the outage (time-weighted, without substitution), then the annual output at risk (if the outage lasted a year).\n\n| scenario | lost output over the outage, old | new | change | annual output at risk, old | new | change |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        out.push_str(&r);
    }
    out.push('\n');
    Some(out)
}

/// Scenarios whose lost output with substitution changed (or exists on one side only), when
/// either report has the capacity model on.
fn capacity(a: &Parts, b: &Parts) -> Option<String> {
    let names: BTreeSet<&str> = a
        .capacity
        .keys()
        .chain(b.capacity.keys())
        .copied()
        .collect();
    let mut out = String::new();
    for s in names {
        let (x, y) = (a.capacity.get(s).copied(), b.capacity.get(s).copied());
        if x == y {
            continue;
        }
        out.push_str(&format!("| {} |{}\n", cell(s), change_cells(x, y)));
    }
    if out.is_empty() {
        return None;
    }
    Some(format!(
        "### Scenario losses with substitution\n\nLost output over the outage once stock, spare capacity and qualified alternates are used (the capacity model); — where a report does not have it.\n\n| scenario | old | new | change |\n|---|---:|---:|---:|\n{out}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::schema::{
        Component, Entry, Exposure, Impact, Level, Pair, Scenario, Summary, Sweep,
    };

    /// A report with at most one single-source pair, one component, one firm-sweep entry and
    /// one scenario, whose two end firms lose 0.1 × `var` over the outage each.
    fn report(single: Option<(&str, &str, f64)>, hhi: f64, choke: &[&str], var: f64) -> Report {
        Report {
            dataset: "d".into(),
            summary: Summary {
                firms: 1,
                components: 1,
                sourcing_rows: 1,
                end_firms: 1,
                countries: 1,
            },
            pairs: single
                .into_iter()
                .map(|(buyer, component, v)| Pair {
                    buyer: buyer.into(),
                    component: component.into(),
                    suppliers: 1,
                    hhi_supplier: 10_000.0,
                    hhi_country: 10_000.0,
                    hhi_group: 10_000.0,
                    level: Level::High,
                    exposure: Exposure::SingleSource,
                    annual_value: Some(v),
                })
                .collect(),
            components: vec![Component {
                component: "cell".into(),
                hhi_supplier: hhi,
                hhi_country: 10_000.0,
                hhi_group: 5_000.0,
                level: Level::High,
                top_supplier: "catl".into(),
                top_supplier_share: 1.0,
                top_country: "CN".into(),
                top_country_share: 1.0,
            }],
            in_house: vec![],
            end_firms: vec![],
            scenarios: vec![Scenario {
                name: "Taiwan".into(),
                cuts: vec![],
                total_value_at_risk: var,
                end_firms: ["leap", "tychy"]
                    .into_iter()
                    .map(|firm| Impact {
                        firm: firm.into(),
                        availability: 0.5,
                        loss: 0.5,
                        value_at_risk: var / 2.0,
                        tts_days: Some(10.0),
                        exposure_days: 20.0,
                        time_weighted_loss: var / 10.0,
                    })
                    .collect(),
                capacity: None,
            }],
            sweep: Sweep {
                firms: vec![Entry {
                    key: "catl".into(),
                    value_at_risk: 0.0,
                    max_loss: 0.0,
                    chokepoint_for: choke.iter().map(|s| s.to_string()).collect(),
                    time_weighted_loss: Some(0.0),
                    risk_exposure_index: Some(0.0),
                }],
                countries: vec![],
                regions: vec![],
                groups: vec![],
                capacity_firms: None,
            },
            hidden_concentration: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn reports_each_kind_of_change() {
        let old = report(None, 5000.0, &[], 100.0);
        let new = report(Some(("leap", "cell", 5e8)), 5150.0, &["leap"], 150.0);
        let md = render(&old, &new);
        assert!(md.contains("| new | leap | cell | 500.0 m |"), "{md}");
        assert!(
            md.contains("| cell | supplier | 5,000 | 5,150 | +150 |"),
            "{md}"
        );
        assert!(md.contains("| new | catl | leap |"), "{md}");
        // The lost output over the outage (both end firms) leads, the annual figure follows.
        assert!(
            md.contains("| Taiwan | 20.00 | 30.00 | +50.0% | 100.00 | 150.00 | +50.0% |"),
            "{md}"
        );
        let lead = md
            .find("lost output over the outage, old")
            .expect("event column");
        assert!(
            lead < md
                .find("annual output at risk, old")
                .expect("annual column")
        );
        let back = render(&new, &old);
        assert!(
            back.contains("| removed | leap | cell | 500.0 m |"),
            "{back}"
        );
        assert!(back.contains("| removed | catl | leap |"), "{back}");
    }

    #[test]
    fn small_hhi_changes_and_identical_reports_say_nothing_changed() {
        let old = report(None, 5000.0, &[], 100.0);
        let new = report(None, 5099.0, &[], 100.0);
        assert!(render(&old, &new).contains("No change"));
        assert!(render(&old, &old).contains("No change"));
    }

    #[test]
    fn a_change_in_the_loss_with_substitution_is_reported() {
        let old = report(None, 5000.0, &[], 100.0);
        let mut new = old.clone();
        // Only the new report has the capacity model: the row says so.
        new.scenarios[0].capacity = Some(schema::Capacity {
            lost_value: 12.5,
            tts_days: Some(3.0),
            exposure_days: 27.0,
        });
        let md = render(&old, &new);
        assert!(md.contains("### Scenario losses with substitution"), "{md}");
        assert!(md.contains("| Taiwan | — | 12.50 | — |"), "{md}");
        assert!(!md.contains("### Scenario losses\n"), "{md}");
        // Both have it and it doubles.
        let mut newer = new.clone();
        if let Some(c) = newer.scenarios[0].capacity.as_mut() {
            c.lost_value = 25.0;
        }
        let md = render(&new, &newer);
        assert!(md.contains("| Taiwan | 12.50 | 25.00 | +100.0% |"), "{md}");
        // Unchanged: no section.
        assert!(render(&new, &new).contains("No change"));
    }

    #[test]
    fn a_change_in_the_loss_over_the_outage_alone_is_reported() {
        let old = report(None, 5000.0, &[], 100.0);
        let mut new = old.clone();
        new.scenarios[0].end_firms[1].time_weighted_loss = 30.0;
        let md = render(&old, &new);
        assert!(
            md.contains("| Taiwan | 20.00 | 40.00 | +100.0% | 100.00 | 100.00 | +0.0% |"),
            "{md}"
        );
    }
}
