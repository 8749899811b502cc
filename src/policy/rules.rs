//! One function per policy rule. Each reads the analysis results only (the dataset's rows, the
//! metrics, the what-if results), never re-runs propagation, and returns its findings in a
//! fixed order; a rule at level `allow` returns none.

use std::collections::BTreeMap;

use super::config::{Dimension, Level, Policy};
use super::{Code, Finding, Place};
use crate::analysis::Analysis;
use crate::highlights::{finding_order, Severity};
use crate::metrics::Exposure;
use crate::model::{CompIdx, Dataset, SourcingRow};
use crate::text::{money, pct, plain, whole};

/// Input rows listed per finding before the rest are counted.
const MAX_ROWS: usize = 20;

/// End firms named in a time-to-survive message before the rest are elided.
const MAX_SHORT: usize = 10;

/// The sourcing row of each row, capped at [`MAX_ROWS`] with a count of the rest.
fn rows_of<'r>(rows: impl Iterator<Item = &'r SourcingRow>) -> Vec<Place> {
    let all: Vec<usize> = rows.map(|r| r.row).collect();
    let mut out: Vec<Place> = all
        .iter()
        .take(MAX_ROWS)
        .map(|&r| Place::Sourcing(r))
        .collect();
    if all.len() > MAX_ROWS {
        out.push(Place::MoreSourcing(all.len() - MAX_ROWS));
    }
    out
}

/// Component concentration (MODEL §3, dataset-wide): one finding per component and chosen
/// dimension whose HHI is above `max_hhi`, in component order.
pub(super) fn concentration(a: &Analysis, p: &Policy) -> Vec<Finding> {
    if p.concentration == Level::Allow {
        return Vec::new();
    }
    let ds = a.ds;
    let mut out = Vec::new();
    for c in &a.metrics.components {
        let comp = &ds.components[c.component].id;
        let top = &ds.firms[c.top_supplier].id;
        for &dim in &p.concentration_by {
            let hhi = match dim {
                Dimension::Supplier => c.hhi_supplier,
                Dimension::Country => c.hhi_country,
                Dimension::Group => c.hhi_group,
            };
            let above = hhi > p.max_hhi;
            if !above {
                continue;
            }
            let message = format!(
                "{} HHI {} is above {} (top supplier {top} {}, top country {} {})",
                dim.as_str(),
                whole(hhi),
                whole(p.max_hhi),
                pct(c.top_supplier_share),
                c.top_country,
                pct(c.top_country_share)
            );
            out.push(Finding::new(
                Code::Concentration,
                p.concentration,
                comp.clone(),
                message,
                vec![comp.clone(), top.clone(), c.top_country.clone()],
                rows_of(ds.sourcing.iter().filter(|r| r.component == c.component)),
            ));
        }
    }
    out
}

/// A component's purchases at all tiers: its rows, the weight of each supplier country (in
/// country order) and the total, weighted as MODEL §3 weighs market shares
/// ([`Dataset::weights`]).
fn country_weights(ds: &Dataset, k: CompIdx) -> (Vec<&SourcingRow>, BTreeMap<&str, f64>, f64) {
    let rows: Vec<&SourcingRow> = ds.sourcing.iter().filter(|r| r.component == k).collect();
    let w = ds.weights(rows.iter().copied());
    let total: f64 = rows.iter().map(|r| w.of(r)).sum();
    let mut by_country: BTreeMap<&str, f64> = BTreeMap::new();
    for r in &rows {
        *by_country
            .entry(ds.firms[r.supplier].country.as_str())
            .or_default() += w.of(r);
    }
    (rows, by_country, total)
}

/// One third country above `max_share` of a component, counting every tier's purchases: one
/// finding per (component, country), in component then country order.
pub(super) fn third_country(a: &Analysis, p: &Policy) -> Vec<Finding> {
    if p.third_country == Level::Allow {
        return Vec::new();
    }
    let ds = a.ds;
    let mut out = Vec::new();
    for k in ds.used_components() {
        let comp = &ds.components[k].id;
        let (rows, by_country, total) = country_weights(ds, k);
        for (country, w) in by_country {
            let share = w / total;
            let above = share > p.max_third_country_share;
            let own = p.own_countries.iter().any(|c| c == country);
            if !above || own {
                continue;
            }
            out.push(Finding::new(
                Code::ThirdCountry,
                p.third_country,
                format!("{comp}/{country}"),
                format!(
                    "{country} supplies {} of {comp} at all tiers, above {}",
                    pct(share),
                    pct(p.max_third_country_share)
                ),
                vec![comp.clone(), country.to_string()],
                rows_of(
                    rows.iter()
                        .copied()
                        .filter(|r| ds.firms[r.supplier].country == country),
                ),
            ));
        }
    }
    out
}

/// Single-source (buyer, component) pairs, other than in-house, whose annual value is above
/// `min_value` (pairs without a value always count), in pair order.
pub(super) fn single_source(a: &Analysis, p: &Policy) -> Vec<Finding> {
    if p.single_source == Level::Allow {
        return Vec::new();
    }
    let ds = a.ds;
    let min = p.single_source_min_value;
    let mut out = Vec::new();
    for pair in &a.metrics.pairs {
        if pair.exposure != Exposure::SingleSource {
            continue;
        }
        if pair.annual_value.is_some_and(|v| v <= min) && min > 0.0 {
            continue;
        }
        let buyer = &ds.firms[pair.buyer].id;
        let comp = &ds.components[pair.component].id;
        let supplier = &ds.firms[ds.sourcing[pair.rows.start].supplier].id;
        let value = pair
            .annual_value
            .map(|v| format!(" (annual value {})", plain(v)))
            .unwrap_or_default();
        out.push(Finding::new(
            Code::SingleSource,
            p.single_source,
            format!("{buyer}/{comp}"),
            format!("{buyer} buys {comp} only from {supplier}{value}"),
            vec![buyer.clone(), comp.clone(), supplier.clone()],
            rows_of(ds.sourcing[pair.rows.clone()].iter()),
        ));
    }
    out
}

/// Chokepoints of the N-1 firm sweep: firms whose loss alone stops an end firm completely, in
/// the sweep's order (value at risk descending, then id). The rows are the firm's sales.
pub(super) fn chokepoint(a: &Analysis, p: &Policy) -> Vec<Finding> {
    if p.chokepoint == Level::Allow {
        return Vec::new();
    }
    let ds = a.ds;
    let mut out = Vec::new();
    // The most severe first, by the one order every finding is chosen in.
    let mut chokepoints: Vec<_> = (a.whatif.sweeps.firms.iter())
        .filter(|e| !e.chokepoint_for.is_empty())
        .collect();
    chokepoints.sort_by(|x, y| finding_order(&Severity::of_entry(x), &Severity::of_entry(y)));
    for e in chokepoints {
        let stopped: Vec<String> = e
            .chokepoint_for
            .iter()
            .map(|&f| a.id(f).to_string())
            .collect();
        let f = ds.firm_index(&e.key).expect("sweep keys are firm ids");
        let mut subjects = vec![e.key.clone()];
        subjects.extend(stopped.iter().cloned());
        out.push(Finding::new(
            Code::Chokepoint,
            p.chokepoint,
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
        ));
    }
    out
}

/// Time to survive shorter than time to recover, as the firm sweep recorded it
/// (`a.whatif.recovery`): one finding per firm with a known recovery time, naming the end
/// firms whose stock runs out first (in end-firm order, the first [`MAX_SHORT`]).
pub(super) fn time_to_survive(a: &Analysis, p: &Policy) -> Vec<Finding> {
    if p.time_to_survive == Level::Allow {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Only firms whose time to recover the data gives: a default is no finding.
    let known = (a.whatif.recovery.iter()).filter(|r| a.ds.firms[r.firm].recovery_days.is_some());
    for r in known {
        let firm = &a.ds.firms[r.firm];
        let short = &r.short;
        let list: Vec<String> = short
            .iter()
            .take(MAX_SHORT)
            .map(|g| {
                let end = a.id(g.end_firm);
                format!(
                    "{end} after {} days (loss {})",
                    plain(g.tts_days),
                    pct(g.loss)
                )
            })
            .collect();
        let mut subjects = vec![firm.id.clone()];
        subjects.extend(short.iter().map(|g| a.id(g.end_firm).to_string()));
        out.push(Finding::new(
            Code::TimeToSurvive,
            p.time_to_survive,
            firm.id.clone(),
            format!(
                "{} needs {} days to recover, but stock runs out first at {} end firm{}: {}{}",
                firm.id,
                plain(r.ttr_days),
                short.len(),
                if short.len() == 1 { "" } else { "s" },
                list.join(", "),
                if short.len() > MAX_SHORT { ", …" } else { "" }
            ),
            subjects,
            vec![Place::Firms(firm.row)],
        ));
    }
    out
}

/// Scenarios of scenarios.toml (not the `--cut` one) whose annual output at risk (JSON
/// `total_value_at_risk`: the output stopped, as if the outage lasted a year) is above the
/// absolute limit and/or the share of end-firm output, in scenario order.
pub(super) fn scenario_loss(a: &Analysis, p: &Policy) -> Vec<Finding> {
    if p.scenario_loss == Level::Allow {
        return Vec::new();
    }
    let output: f64 = a.g.end_values.iter().sum();
    let share = |v: f64| if output > 0.0 { v / output } else { 0.0 };
    let mut out = Vec::new();
    for s in &a.whatif.scenarios {
        if s.name == crate::model::cut::CLI_SCENARIO {
            continue;
        }
        let var = s.total_value_at_risk;
        let over_value = p.max_value_at_risk.filter(|&m| var > m);
        let over_share = p
            .max_share_of_output
            .filter(|&m| output > 0.0 && var / output > m);
        let mut limits = Vec::new();
        if let Some(m) = over_value {
            limits.push(format!("the limit {}", money(m)));
        }
        if let Some(m) = over_share {
            limits.push(format!("{} of output", pct(m)));
        }
        if limits.is_empty() {
            continue;
        }
        out.push(Finding::new(
            Code::ScenarioLoss,
            p.scenario_loss,
            s.name.clone(),
            format!(
                "scenario puts {} of annual output at risk (if the outage lasted a year; {} of end-firm output), above {}",
                money(var),
                pct(share(var)),
                limits.join(" and ")
            ),
            vec![s.name.clone()],
            vec![Place::Scenario {
                name: s.name.clone(),
                line: (a.ds.scenarios.iter())
                    .find(|d| d.name == s.name)
                    .and_then(|d| d.line),
            }],
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::AnalysisSettings;
    use crate::graph::SupplyGraph;
    use crate::whatif::{Quiet, WhatIfSettings};

    /// The worked example of tests/fixtures/example, loaded and built.
    pub(crate) fn example() -> (Dataset, SupplyGraph) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example");
        let ds = crate::ingest::load(&dir, Default::default()).expect("the example loads");
        let g = SupplyGraph::build(&ds);
        (ds, g)
    }

    /// Its analysis as `scrisk check` runs it (sweep and recovery gaps on).
    pub(crate) fn analysis<'a>(ds: &'a Dataset, g: &'a SupplyGraph) -> Analysis<'a> {
        let settings = AnalysisSettings {
            whatif: WhatIfSettings {
                sweep: true,
                recovery_gaps: true,
                ..Default::default()
            },
            ..Default::default()
        };
        Analysis::run(ds, g, None, settings, &Quiet).expect("solved")
    }

    fn subjects(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.subject.as_str()).collect()
    }

    /// Every rule off.
    fn none() -> Policy {
        Policy {
            concentration: Level::Allow,
            third_country: Level::Allow,
            single_source: Level::Allow,
            chokepoint: Level::Allow,
            time_to_survive: Level::Allow,
            scenario_loss: Level::Allow,
            ..Policy::default()
        }
    }

    #[test]
    fn a_rule_at_allow_finds_nothing() {
        let (ds, g) = example();
        let a = analysis(&ds, &g);
        for rule in super::super::RULES {
            assert!(rule(&a, &none()).is_empty());
        }
    }

    #[test]
    fn rows_are_capped() {
        let first = example().0.sourcing[0].clone();
        let rows: Vec<SourcingRow> = (1..=23)
            .map(|row| SourcingRow {
                row,
                ..first.clone()
            })
            .collect();
        let listed = rows_of(rows.iter());
        assert_eq!(listed.len(), MAX_ROWS + 1);
        assert_eq!(listed[0], Place::Sourcing(1));
        assert_eq!(listed[MAX_ROWS], Place::MoreSourcing(3));
        assert_eq!(listed[MAX_ROWS].to_string(), "and 3 more sourcing rows");
    }

    #[test]
    fn concentration_above_the_limit_per_dimension() {
        let (ds, g) = example();
        let a = analysis(&ds, &g);
        let p = Policy {
            concentration: Level::Deny,
            max_hhi: 7450.0,
            ..none()
        };
        let f = concentration(&a, &p);
        assert_eq!(
            subjects(&f),
            ["coated-spheres", "cockpit-soc", "kit", "pack", "wafer"]
        );
        assert_eq!(f[0].level, Level::Deny);
        let p = Policy {
            concentration_by: vec![Dimension::Country],
            max_hhi: 6000.0,
            ..p
        };
        let f = concentration(&a, &p);
        assert!(
            f[0].message.starts_with("country HHI 10000 is above 6000"),
            "{}",
            f[0].message
        );
        assert!(
            subjects(&f).contains(&"cell"),
            "cell's country HHI is 6,800"
        );
    }

    #[test]
    fn third_country_counts_every_tier_and_skips_own_countries() {
        let (ds, g) = example();
        let a = analysis(&ds, &g);
        let p = Policy {
            third_country: Level::Warn,
            max_third_country_share: 0.9,
            own_countries: vec!["CN".into()],
            ..none()
        };
        let f = third_country(&a, &p);
        assert_eq!(subjects(&f), ["cockpit-soc/US", "wafer/TW"]);
        assert_eq!(
            f[1].message,
            "TW supplies 100.0% of wafer at all tiers, above 90.0%"
        );
        let p = Policy {
            max_third_country_share: 0.75,
            own_countries: vec![],
            ..p
        };
        assert!(
            subjects(&third_country(&a, &p)).contains(&"cell/CN"),
            "80% CN"
        );
    }

    #[test]
    fn single_source_above_a_value() {
        let (ds, g) = example();
        let a = analysis(&ds, &g);
        let p = Policy {
            single_source: Level::Warn,
            single_source_min_value: 1e8,
            ..none()
        };
        let f = single_source(&a, &p);
        assert_eq!(subjects(&f), ["leap/cell", "tychy/kit"]);
        assert_eq!(
            f[0].message,
            "leap buys cell only from catl-nd (annual value 600000000)"
        );
        assert_eq!(f[0].rows, [Place::Sourcing(2)]);
        let all = single_source(
            &a,
            &Policy {
                single_source_min_value: 0.0,
                ..p
            },
        );
        assert_eq!(all.len(), 9);
    }

    #[test]
    fn chokepoints_most_severe_first() {
        // Time-weighted losses in the worked example's expected JSON: graphite 1.13e9, qcom
        // 6.16e8, tsmc 4.11e8, catl-nd 3.36e8, anode-b 1.40e8 (all at 2.5e9 value at risk), leap
        // 1.37e7.
        let (ds, g) = example();
        let a = analysis(&ds, &g);
        let p = Policy {
            chokepoint: Level::Deny,
            ..none()
        };
        let f = chokepoint(&a, &p);
        assert_eq!(
            subjects(&f),
            ["graphite", "qcom", "tsmc", "catl-nd", "anode-b", "leap"]
        );
        assert_eq!(f[5].message, "losing leap alone stops tychy completely");
        assert_eq!(f[5].rows, [Place::Sourcing(10)]);
    }

    #[test]
    fn time_to_survive_reads_the_recorded_gaps() {
        let (ds, g) = example();
        let a = analysis(&ds, &g);
        let p = Policy {
            time_to_survive: Level::Warn,
            ..none()
        };
        let f = time_to_survive(&a, &p);
        let known = (a.whatif.recovery.iter())
            .filter(|r| ds.firms[r.firm].recovery_days.is_some())
            .count();
        assert_eq!(f.len(), known);
        let hub = f.iter().find(|f| f.subject == "hub-jh").expect("hub-jh");
        assert_eq!(
            hub.message,
            "hub-jh needs 20 days to recover, but stock runs out first at 1 end firm: leap after 3 days (loss 60.0%)"
        );
        assert_eq!(hub.rows, [Place::Firms(12)]);
    }

    #[test]
    fn scenario_loss_above_either_limit() {
        let (ds, g) = example();
        let a = analysis(&ds, &g);
        let p = Policy {
            scenario_loss: Level::Deny,
            max_value_at_risk: Some(1.5e9),
            max_share_of_output: None,
            ..none()
        };
        let f = scenario_loss(&a, &p);
        assert_eq!(subjects(&f), ["Zhejiang lockdown", "Taiwan strait"]);
        // Located at the line of each one's [[scenario]] table.
        let taiwan = Place::Scenario {
            name: "Taiwan strait".into(),
            line: Some(12),
        };
        assert_eq!(f[1].rows, [taiwan]);
        assert_eq!(
            f[1].rows[0].to_string(),
            "scenarios.toml, scenario \"Taiwan strait\""
        );
        let p = Policy {
            max_share_of_output: Some(0.9),
            ..p
        };
        let f = scenario_loss(&a, &p);
        assert_eq!(
            f[1].message,
            "scenario puts 2.50 bn of annual output at risk (if the outage lasted a year; 100.0% of end-firm output), above the limit 1.50 bn and 90.0% of output"
        );
    }
}
