//! The JSON contract of MODEL.md §7 as types: [`Report`] and its parts. The JSON writer
//! (`report::json`) builds a `Report` and serialises it, `scrisk diff` (`report::diff`)
//! deserialises reports back into it, so the two cannot drift apart and a field `diff` needs
//! cannot silently default.
//!
//! Field order is the order of the JSON keys (serde writes fields in declaration order) and is
//! part of the contract, as are the names. Unknown keys are accepted on reading: §7 says more
//! top-level keys may be added, so a newer report is still readable by an older `diff`.

use serde::{Deserialize, Serialize};

/// One JSON report (`--format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Report {
    /// The dataset directory's name.
    pub(crate) dataset: String,
    pub(crate) summary: Summary,
    /// One per (buyer, component), in (buyer, component) order.
    pub(crate) pairs: Vec<Pair>,
    /// One per component, in component order.
    pub(crate) components: Vec<Component>,
    /// One per buyer, in firm order.
    pub(crate) in_house: Vec<InHouse>,
    /// One per end firm, in firm order.
    pub(crate) end_firms: Vec<EndFirm>,
    /// Dataset scenarios in file order, then the `--cut` scenario.
    pub(crate) scenarios: Vec<Scenario>,
    pub(crate) sweep: Sweep,
    /// One per (end firm, country).
    pub(crate) hidden_concentration: Vec<Hidden>,
    /// Loading notes and skipped steps. Not one of §7's keys and absent from reports written
    /// before it was added, so a report without it is still a report (empty list).
    #[serde(default)]
    pub(crate) notes: Vec<String>,
}

/// Counts of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Summary {
    pub(crate) firms: usize,
    /// Distinct components in sourcing.
    pub(crate) components: usize,
    pub(crate) sourcing_rows: usize,
    pub(crate) end_firms: usize,
    /// Distinct countries of firms.
    pub(crate) countries: usize,
}

/// Concentration level of an HHI (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Low,
    Moderate,
    High,
}

/// How a (buyer, component) pair is sourced (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Exposure {
    SingleSource,
    InHouse,
    SingleCountry,
    MultiSource,
}

/// One (buyer, component) pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Pair {
    pub(crate) buyer: String,
    pub(crate) component: String,
    /// Number of suppliers.
    pub(crate) suppliers: usize,
    pub(crate) hhi_supplier: f64,
    pub(crate) hhi_country: f64,
    pub(crate) hhi_group: f64,
    /// Level of `hhi_supplier`.
    pub(crate) level: Level,
    pub(crate) exposure: Exposure,
    /// `null` when the dataset has no values (written, not omitted, so it is required).
    pub(crate) annual_value: Option<f64>,
}

/// One component, dataset-wide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Component {
    pub(crate) component: String,
    pub(crate) hhi_supplier: f64,
    pub(crate) hhi_country: f64,
    pub(crate) hhi_group: f64,
    /// Level of `hhi_supplier`.
    pub(crate) level: Level,
    pub(crate) top_supplier: String,
    pub(crate) top_supplier_share: f64,
    pub(crate) top_country: String,
    pub(crate) top_country_share: f64,
}

/// One buyer's in-house share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InHouse {
    pub(crate) firm: String,
    pub(crate) in_house_share: f64,
}

/// One end firm's output value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct EndFirm {
    pub(crate) firm: String,
    pub(crate) output_value: f64,
}

/// One scenario's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Scenario {
    pub(crate) name: String,
    /// Cuts as written.
    pub(crate) cuts: Vec<String>,
    pub(crate) total_value_at_risk: f64,
    pub(crate) end_firms: Vec<Impact>,
    /// The capacity model's answer (§8), present only when the model is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) capacity: Option<Capacity>,
}

/// A scenario under the capacity model (§8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Capacity {
    /// Lost final sales over the time to recover.
    pub(crate) lost_value: f64,
    /// `null` when the network never runs short.
    pub(crate) tts_days: Option<f64>,
    pub(crate) exposure_days: f64,
}

/// One entry of the capacity firm sweep (§8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CapacityEntry {
    pub(crate) key: String,
    pub(crate) lost_value: f64,
    pub(crate) tts_days: Option<f64>,
    pub(crate) exposure_days: f64,
    pub(crate) risk_exposure_index: f64,
}

/// One end firm under a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Impact {
    pub(crate) firm: String,
    pub(crate) availability: f64,
    pub(crate) loss: f64,
    pub(crate) value_at_risk: f64,
    /// `null` when no cut firm reaches the end firm.
    pub(crate) tts_days: Option<f64>,
    pub(crate) exposure_days: f64,
    pub(crate) time_weighted_loss: f64,
}

/// The four N-1 sweeps, each sorted by `value_at_risk` descending, then `key` ascending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Sweep {
    pub(crate) firms: Vec<Entry>,
    pub(crate) countries: Vec<Entry>,
    pub(crate) regions: Vec<Entry>,
    pub(crate) groups: Vec<Entry>,
    /// The capacity firm sweep (§8), ranked by `lost_value` descending then `key`; present
    /// only when the model is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) capacity_firms: Option<Vec<CapacityEntry>>,
}

/// One sweep entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) value_at_risk: f64,
    pub(crate) max_loss: f64,
    /// End firms this entry stops completely, by id.
    pub(crate) chokepoint_for: Vec<String>,
    /// Firm sweep only: written there, omitted in the other sweeps, hence the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) time_weighted_loss: Option<f64>,
    /// Firm sweep only, as `time_weighted_loss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) risk_exposure_index: Option<f64>,
}

/// Tier-1 share of a country next to the all-tier exposure to it, for one end firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Hidden {
    pub(crate) firm: String,
    pub(crate) country: String,
    pub(crate) tier1_share: f64,
    pub(crate) all_tier_exposure: f64,
}

/// Why a text is not a [`Report`]: the message, and the line (1-based) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub(crate) message: String,
    pub(crate) line: Option<usize>,
}

impl Report {
    /// Reads a JSON report. A syntax error, a document that is not a report, and a missing or
    /// wrongly typed field are each an error; a wrongly typed field's error names the field.
    pub(crate) fn from_json(text: &str) -> Result<Report, ReadError> {
        let e = match serde_json::from_str::<Report>(text) {
            Ok(r) => return Ok(r),
            Err(e) => e,
        };
        let line = Some(e.line()).filter(|&l| l > 0);
        if e.is_syntax() || e.is_eof() || e.is_io() {
            return Err(ReadError {
                message: format!("is not valid JSON: {e}"),
                line,
            });
        }
        let looks_like_report = serde_json::from_str::<serde_json::Value>(text)
            .is_ok_and(|v| v.get("pairs").is_some() && v.get("components").is_some());
        if !looks_like_report {
            return Err(ReadError {
                message: "is not a scrisk JSON report (no \"pairs\" or \"components\"); write one with --format json".into(),
                line: None,
            });
        }
        // serde names a missing field itself; for a wrongly typed value it names only the
        // type, so the key in front of the error position is added.
        let message = match field_before(text, e.line(), e.column()) {
            Some(key) if !e.to_string().starts_with("missing field") => {
                format!("field `{key}`: {e}")
            }
            _ => e.to_string(),
        };
        Err(ReadError { message, line })
    }
}

/// The last object key (`"key":`) written before `line`:`column` (1-based) of `text`.
fn field_before(text: &str, line: usize, column: usize) -> Option<String> {
    let mut end = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            end += l.char_indices().nth(column).map_or(l.len(), |(b, _)| b);
            break;
        }
        end += l.len();
    }
    let before = &text[..end.min(text.len())];
    let mut key = None;
    for (i, _) in before.match_indices('"') {
        // A key is a string followed by optional spaces and ':'.
        let Some(close) = before[i + 1..].find('"').map(|j| i + 1 + j) else {
            break;
        };
        let rest = before[close + 1..].trim_start();
        if rest.starts_with(':') {
            key = Some(before[i + 1..close].to_string());
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = r#"{"key":"catl","value_at_risk":1,"max_loss":0.5,"chokepoint_for":[]}"#;

    fn doc(pair_value: &str) -> String {
        format!(
            r#"{{"dataset":"d","summary":{{"firms":1,"components":1,"sourcing_rows":1,"end_firms":1,"countries":1}},
"pairs":[{{"buyer":"b","component":"c","suppliers":1,"hhi_supplier":10000,"hhi_country":10000,"hhi_group":10000,"level":"high","exposure":"single-source","annual_value":{pair_value}}}],
"components":[],"in_house":[],"end_firms":[],"scenarios":[],
"sweep":{{"firms":[{ENTRY}],"countries":[],"regions":[],"groups":[]}},
"hidden_concentration":[]}}"#
        )
    }

    #[test]
    fn a_report_round_trips_and_notes_may_be_absent() {
        let r = Report::from_json(&doc("null")).expect("a report");
        assert_eq!(r.pairs[0].exposure, Exposure::SingleSource);
        assert!(r.notes.is_empty());
        assert_eq!(r.sweep.firms[0].time_weighted_loss, None);
        let again = serde_json::to_string(&r).expect("serialises");
        assert_eq!(Report::from_json(&again), Ok(r));
    }

    #[test]
    fn a_wrongly_typed_field_is_named() {
        let e = Report::from_json(&doc("\"many\"")).expect_err("a string is not a number");
        assert!(
            e.message.starts_with("field `annual_value`: invalid type"),
            "{e:?}"
        );
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn a_missing_field_is_named() {
        let text = doc("1").replace(r#""hhi_group":10000,"#, "");
        let e = Report::from_json(&text).expect_err("hhi_group is required");
        assert!(e.message.starts_with("missing field `hhi_group`"), "{e:?}");
    }

    #[test]
    fn other_json_is_not_a_report() {
        let e = Report::from_json(r#"{"a": 1}"#).expect_err("not a report");
        assert!(
            e.message.starts_with("is not a scrisk JSON report"),
            "{e:?}"
        );
        let e = Report::from_json("{").expect_err("not JSON");
        assert!(e.message.starts_with("is not valid JSON"), "{e:?}");
    }
}
