//! `scrisk diff OLD.json NEW.json`: what changed between two analyses of a supply base, as
//! markdown for a pull-request comment — new and removed single-source pairs, component HHI
//! changes above 100 points (the 2023 Merger Guidelines' "significant increase" scale), new and
//! removed chokepoints, and value at risk per scenario.
//!
//! Works on the JSON contract of MODEL.md §7, so it also compares reports of different scrisk
//! versions. Pure: takes parsed JSON, returns text.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::text::{cell, hhi};

/// HHI changes smaller than this are not reported.
pub const HHI_CHANGE: f64 = 100.0;

/// A report's parts that `diff` compares.
struct Parts {
    dataset: String,
    single_source: BTreeMap<(String, String), Option<f64>>,
    /// component -> (supplier, country, group) HHI
    components: BTreeMap<String, [f64; 3]>,
    chokepoints: BTreeMap<String, Vec<String>>,
    scenarios: BTreeMap<String, f64>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Reads the parts `diff` needs; an error names the first thing that is not a scrisk report.
fn parts(v: &Value) -> Result<Parts, String> {
    if !v.is_object() || v.get("pairs").is_none() || v.get("components").is_none() {
        return Err("is not a scrisk JSON report (no \"pairs\" or \"components\"); write one with --format json".into());
    }
    let mut p = Parts {
        dataset: text(v, "dataset").unwrap_or_default(),
        single_source: BTreeMap::new(),
        components: BTreeMap::new(),
        chokepoints: BTreeMap::new(),
        scenarios: BTreeMap::new(),
    };
    for pair in list(v, "pairs") {
        if text(pair, "exposure").as_deref() == Some("single-source") {
            let key = (
                text(pair, "buyer").unwrap_or_default(),
                text(pair, "component").unwrap_or_default(),
            );
            p.single_source.insert(key, num(pair, "annual_value"));
        }
    }
    for c in list(v, "components") {
        let h = |k| num(c, k).unwrap_or(0.0);
        p.components.insert(
            text(c, "component").unwrap_or_default(),
            [h("hhi_supplier"), h("hhi_country"), h("hhi_group")],
        );
    }
    if let Some(sweep) = v.get("sweep") {
        for e in list(sweep, "firms") {
            let stops: Vec<String> = list(e, "chokepoint_for")
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect();
            if !stops.is_empty() {
                p.chokepoints
                    .insert(text(e, "key").unwrap_or_default(), stops);
            }
        }
    }
    for s in list(v, "scenarios") {
        p.scenarios.insert(
            text(s, "name").unwrap_or_default(),
            num(s, "total_value_at_risk").unwrap_or(0.0),
        );
    }
    Ok(p)
}

fn money(v: f64) -> String {
    crate::text::money(v)
}

/// Renders the differences between two JSON reports as markdown. `Err` names which input is
/// not a report.
pub fn render(old: &Value, new: &Value) -> Result<String, String> {
    let a = parts(old).map_err(|e| format!("OLD {e}"))?;
    let b = parts(new).map_err(|e| format!("NEW {e}"))?;
    let mut out = String::new();
    let name = if a.dataset == b.dataset {
        cell(&b.dataset)
    } else {
        format!("{} → {}", cell(&a.dataset), cell(&b.dataset))
    };
    out.push_str(&format!("## scrisk: supply-risk changes in {name}\n\n"));
    let mut any = false;

    // Single-source pairs.
    let added: Vec<_> = b
        .single_source
        .iter()
        .filter(|(k, _)| !a.single_source.contains_key(*k))
        .collect();
    let removed: Vec<_> = a
        .single_source
        .iter()
        .filter(|(k, _)| !b.single_source.contains_key(*k))
        .collect();
    if !added.is_empty() || !removed.is_empty() {
        any = true;
        out.push_str("### Single-source pairs\n\n| change | buyer | component | annual value |\n|---|---|---|---:|\n");
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
    }

    // Component HHI changes.
    let mut changes: Vec<(String, &str, f64, f64)> = Vec::new();
    let names: BTreeSet<&String> = a.components.keys().chain(b.components.keys()).collect();
    for k in names {
        let before = a.components.get(k).copied();
        let after = b.components.get(k).copied();
        for (i, dim) in ["supplier", "country", "group"].into_iter().enumerate() {
            let x = before.map_or(0.0, |h| h[i]);
            let y = after.map_or(0.0, |h| h[i]);
            if (y - x).abs() > HHI_CHANGE {
                changes.push((k.clone(), dim, x, y));
            }
        }
    }
    if !changes.is_empty() {
        any = true;
        out.push_str(&format!(
            "### Concentration changes above {} HHI points\n\n| component | HHI by | old | new | change |\n|---|---|---:|---:|---:|\n",
            hhi(HHI_CHANGE)
        ));
        for (k, dim, x, y) in changes {
            let delta = y - x;
            out.push_str(&format!(
                "| {} | {dim} | {} | {} | {}{} |\n",
                cell(&k),
                hhi(x),
                hhi(y),
                if delta > 0.0 { "+" } else { "−" },
                hhi(delta.abs())
            ));
        }
        out.push('\n');
    }

    // Chokepoints.
    let new_choke: Vec<_> = b
        .chokepoints
        .iter()
        .filter(|(k, _)| !a.chokepoints.contains_key(*k))
        .collect();
    let gone_choke: Vec<_> = a
        .chokepoints
        .iter()
        .filter(|(k, _)| !b.chokepoints.contains_key(*k))
        .collect();
    if !new_choke.is_empty() || !gone_choke.is_empty() {
        any = true;
        out.push_str("### Chokepoints (firms whose loss alone stops an end firm)\n\n| change | firm | stops |\n|---|---|---|\n");
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
    }

    // Scenarios.
    let names: BTreeSet<&String> = a.scenarios.keys().chain(b.scenarios.keys()).collect();
    let mut rows = Vec::new();
    for s in names {
        let (x, y) = (a.scenarios.get(s), b.scenarios.get(s));
        if x != y {
            rows.push(format!(
                "| {} | {} | {} | {} |\n",
                cell(s),
                x.map_or("—".into(), |v| money(*v)),
                y.map_or("—".into(), |v| money(*v)),
                match (x, y) {
                    (Some(x), Some(y)) if *x > 0.0 => format!("{:+.1}%", (y - x) / x * 100.0),
                    _ => "—".into(),
                }
            ));
        }
    }
    if !rows.is_empty() {
        any = true;
        out.push_str("### Scenario value at risk\n\n| scenario | old | new | change |\n|---|---:|---:|---:|\n");
        for r in rows {
            out.push_str(&r);
        }
        out.push('\n');
    }
    if !any {
        out.push_str("No change in single-source pairs, concentration (beyond 100 HHI points), chokepoints or scenario value at risk.\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(pairs: &str, hhi: f64, choke: &str, var: f64) -> Value {
        serde_json::from_str(&format!(
            r#"{{"dataset":"d","pairs":[{pairs}],
               "components":[{{"component":"cell","hhi_supplier":{hhi},"hhi_country":10000,"hhi_group":5000}}],
               "sweep":{{"firms":[{{"key":"catl","chokepoint_for":[{choke}]}}]}},
               "scenarios":[{{"name":"Taiwan","total_value_at_risk":{var}}}]}}"#
        ))
        .expect("valid JSON")
    }

    #[test]
    fn reports_each_kind_of_change() {
        let old = report("", 5000.0, "", 100.0);
        let new = report(
            r#"{"buyer":"leap","component":"cell","exposure":"single-source","annual_value":5e8}"#,
            5150.0,
            r#""leap""#,
            150.0,
        );
        let md = render(&old, &new).expect("reports");
        assert!(md.contains("| new | leap | cell | 500.0 m |"), "{md}");
        assert!(
            md.contains("| cell | supplier | 5,000 | 5,150 | +150 |"),
            "{md}"
        );
        assert!(md.contains("| new | catl | leap |"), "{md}");
        assert!(md.contains("| Taiwan | 100.00 | 150.00 | +50.0% |"), "{md}");
    }

    #[test]
    fn small_hhi_changes_and_identical_reports_say_nothing_changed() {
        let old = report("", 5000.0, "", 100.0);
        let new = report("", 5099.0, "", 100.0);
        let md = render(&old, &new).expect("reports");
        assert!(md.contains("No change"), "{md}");
    }

    #[test]
    fn a_file_that_is_not_a_report_is_an_error() {
        let err = render(&serde_json::json!({"a": 1}), &report("", 1.0, "", 1.0))
            .expect_err("not a report");
        assert!(err.starts_with("OLD is not a scrisk JSON report"));
    }
}
