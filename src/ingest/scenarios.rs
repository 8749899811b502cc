//! `scenarios.toml` and `dataset.toml`, read as text with `toml` spans for line numbers.
//!
//! A scenario's cuts are resolved against the firms at load time (the grammar is
//! [`crate::model::cut`]): an unknown selector kind, a severity outside (0, 1] or a cut that
//! matches no firm is an input error, because a typo must never read as "no impact".

use std::ops::Range;

use serde::Deserialize;

use crate::model::cut::{parse_cut, resolve_cut, CLI_SCENARIO};
use crate::model::{Cut, DatasetMeta, Firm, Scenario};
use crate::problem::{quote, toml_problem, Problem};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: Option<String>,
    cuts: Vec<toml::Spanned<String>>,
    #[serde(default)]
    duration_days: Option<toml::Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenarios {
    #[serde(default)]
    scenario: Vec<toml::Spanned<RawScenario>>,
}

/// Parses `scenarios.toml`. `firms` is `None` when the firms table has problems: then the file
/// is still checked (syntax, names, cut syntax, severities, durations), only the matching of
/// cuts to firms waits for a valid firms table.
pub(crate) fn parse_scenarios(
    text: &str,
    file: &str,
    firms: Option<&[Firm]>,
    problems: &mut Vec<Problem>,
) -> Vec<Scenario> {
    let raw: RawScenarios = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let msg = e.message().trim().to_string();
            problems.push(
                toml_problem(file, text, e.span(), format!("not valid: {msg}")).with_hint(
                    "each scenario is a [[scenario]] table with name, cuts = [\"country:CN\"], \
                     optional description and duration_days",
                ),
            );
            return Vec::new();
        }
    };
    let at = |span: Range<usize>, message: String| toml_problem(file, text, Some(span), message);
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for spanned in raw.scenario {
        let span = spanned.span();
        let s = spanned.into_inner();
        let name = s.name.trim().to_string();
        let before = problems.len();
        if name.is_empty() {
            problems.push(at(span.clone(), "a scenario has an empty name".into()));
        } else if names.contains(&name) {
            let msg = format!("scenario name {} is used twice", quote(&name));
            problems.push(at(span.clone(), msg));
        }
        names.push(name.clone());
        if name == CLI_SCENARIO {
            let msg = "the scenario name \"cli\" is reserved for --cut".into();
            problems.push(at(span.clone(), msg));
        }
        if s.cuts.is_empty() {
            problems.push(at(span, format!("scenario {} has no cuts", quote(&name))));
        }
        let cuts = scenario_cuts(&name, &s.cuts, firms, &at, problems);
        let duration = s.duration_days.map(|d| (d.span(), d.into_inner()));
        if let Some((dspan, d)) = &duration {
            if !(d.is_finite() && *d >= 0.0) {
                let what = format!("duration_days {d} must be a number >= 0");
                let mut p = at(dspan.clone(), format!("scenario {}: {what}", quote(&name)));
                p.column = Some("duration_days".into());
                problems.push(p);
            }
        }
        if problems.len() == before {
            out.push(Scenario {
                name,
                description: s
                    .description
                    .map(|d| d.trim().to_string())
                    .filter(|d| !d.is_empty()),
                cuts,
                duration_days: duration.map(|(_, d)| d),
            });
        }
    }
    out
}

/// A scenario's cuts: resolved against `firms`, or only checked for syntax while the firms
/// table has problems (then the list is empty). Problems are located at each cut.
fn scenario_cuts(
    name: &str,
    cuts: &[toml::Spanned<String>],
    firms: Option<&[Firm]>,
    at: &impl Fn(Range<usize>, String) -> Problem,
    problems: &mut Vec<Problem>,
) -> Vec<Cut> {
    let mut out = Vec::new();
    for c in cuts {
        let resolved = match firms {
            Some(firms) => resolve_cut(c.get_ref(), firms).map(Some),
            None => parse_cut(c.get_ref()).map(|_| None),
        };
        match resolved {
            Ok(cut) => out.extend(cut),
            Err(e) => {
                let mut p = at(c.span(), format!("scenario {}: {}", quote(name), e.message));
                p.column = Some("cuts".into());
                p.hint = e.hint;
                problems.push(p);
            }
        }
    }
    out
}

/// Parses `dataset.toml`.
pub(crate) fn parse_meta(text: &str, file: &str, problems: &mut Vec<Problem>) -> DatasetMeta {
    match toml::from_str::<DatasetMeta>(text) {
        Ok(m) => m,
        Err(e) => {
            let msg = e.message().trim().to_string();
            problems.push(
                toml_problem(file, text, e.span(), format!("not valid: {msg}")).with_hint(
                    "keys: title, description, currency, as_of, assumptions = [...], \
                     [[sources]] with title, publisher, url, year, status, note, \
                     [analysis] with capacity = true or false",
                ),
            );
            DatasetMeta::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

    #[test]
    fn scenario_problems_carry_line_numbers() {
        let firms = Net::new().firm("catl").build().firms;
        let text = "[[scenario]]\nname = \"a\"\ncuts = [\"firm:catl\"]\n\n[[scenario]]\nname = \"b\"\ncuts = [\"firm:catll\"]\n";
        let mut problems = Vec::new();
        let s = parse_scenarios(text, "scenarios.toml", Some(&firms), &mut problems);
        assert_eq!(s.len(), 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].row, Some(7));
        let mut problems = Vec::new();
        parse_scenarios(
            "[[scenario]]\nname = 1\n",
            "s.toml",
            Some(&firms),
            &mut problems,
        );
        assert_eq!(problems[0].row, Some(2));
    }
}
