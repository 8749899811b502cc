//! `scenarios.toml` and `dataset.toml`, read as text with `toml` spans for line numbers.
//!
//! A scenario's cuts are resolved against the dataset at load time (the grammar is
//! [`crate::model::cut`]): an unknown selector kind, a severity outside (0, 1], a cut that
//! matches no firm or an edge cut that matches no sourcing row is an input error, because a
//! typo must never read as "no impact".

use std::ops::Range;

use serde::Deserialize;

use crate::model::cut::{CutTarget, CLI_SCENARIO};
use crate::model::{Component, Cut, CutSpec, DatasetMeta, Firm, Scenario, SourcingRow};
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

/// What the cuts of `scenarios.toml` are matched against, as far as the tables are valid.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tables<'a> {
    /// `None` when the firms table has problems.
    pub(crate) firms: Option<&'a [Firm]>,
    /// The components, sorted sourcing rows and qualified alternates; `None` when the sourcing
    /// table has problems.
    pub(crate) sourcing: Option<(&'a [Component], &'a [SourcingRow], &'a [SourcingRow])>,
}

impl<'a> Tables<'a> {
    /// What a cut of this kind is matched against: firm cuts need the firms, edge cuts the
    /// firms (for a lane's countries) and the sourcing rows; `None` while they have problems.
    fn target(&self, edge: bool) -> Option<CutTarget<'a>> {
        let firms = self.firms?;
        let (components, sourcing, alternates) = match self.sourcing {
            Some(s) => s,
            None if edge => return None,
            None => (&[][..], &[][..], &[][..]),
        };
        Some(CutTarget {
            firms,
            components,
            sourcing,
            alternates,
        })
    }
}

/// Parses `scenarios.toml`. While the firms or sourcing table has problems the file is still
/// checked (syntax, names, cut syntax, severities, durations); only the matching of the cuts
/// that need those tables waits for them to be valid.
pub(crate) fn parse_scenarios(
    text: &str,
    file: &str,
    tables: Tables<'_>,
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
        let line = crate::problem::line_of(text, span.start);
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
        let cuts = scenario_cuts(&name, &s.cuts, tables, &at, problems);
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
                line: Some(line),
            });
        }
    }
    out
}

/// A scenario's cuts: resolved against `tables`, or only checked for syntax while the tables a
/// cut needs have problems (then the list lacks it). Problems are located at each cut.
fn scenario_cuts(
    name: &str,
    cuts: &[toml::Spanned<String>],
    tables: Tables<'_>,
    at: &impl Fn(Range<usize>, String) -> Problem,
    problems: &mut Vec<Problem>,
) -> Vec<Cut> {
    let mut out = Vec::new();
    for c in cuts {
        let resolved = c.get_ref().parse::<CutSpec>().and_then(|spec| {
            match tables.target(spec.selector.is_edge()) {
                Some(t) => spec.resolve(t).map(Some),
                None => Ok(None),
            }
        });
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
        let tables = Tables {
            firms: Some(&firms),
            sourcing: None,
        };
        let text = "[[scenario]]\nname = \"a\"\ncuts = [\"firm:catl\"]\n\n[[scenario]]\nname = \"b\"\ncuts = [\"firm:catll\"]\n";
        let mut problems = Vec::new();
        let s = parse_scenarios(text, "scenarios.toml", tables, &mut problems);
        assert_eq!(s.len(), 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].row, Some(7));
        let mut problems = Vec::new();
        parse_scenarios("[[scenario]]\nname = 1\n", "s.toml", tables, &mut problems);
        assert_eq!(problems[0].row, Some(2));
    }

    #[test]
    fn edge_cuts_are_matched_once_sourcing_is_valid() {
        // a (CN) sells k0 to b (US).
        let ds = Net::new()
            .firm("b")
            .country("US")
            .buys("b", "k0", "a", 1.0)
            .build();
        let text = "[[scenario]]\nname = \"lane\"\ncuts = [\"lane:cn>us=0.5\",\n  \"component:k0\"]\n\n[[scenario]]\nname = \"typo\"\ncuts = [\"component:K0\"]\n";
        let with = |sourcing| Tables {
            firms: Some(&ds.firms),
            sourcing,
        };
        let mut problems = Vec::new();
        let s = parse_scenarios(
            text,
            "scenarios.toml",
            with(Some((&ds.components, &ds.sourcing, &ds.alternates))),
            &mut problems,
        );
        assert_eq!(s.len(), 1);
        let rows: Vec<&[usize]> = s[0].cuts.iter().map(|c| c.rows.as_slice()).collect();
        assert_eq!(rows, [[0], [0]]);
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!((p.row, p.column.as_deref()), (Some(8), Some("cuts")));
        assert_eq!(
            p.message,
            "scenario \"typo\": \"component:K0\" matches no sourcing row"
        );
        assert_eq!(p.hint.as_deref(), Some("did you mean component:k0?"));
        // Without a valid sourcing table only the syntax is checked: the typo waits, a lane
        // without '>' does not.
        let mut problems = Vec::new();
        let bad = format!("{text}\n[[scenario]]\nname = \"bad\"\ncuts = [\"lane:CN\"]\n");
        parse_scenarios(&bad, "scenarios.toml", with(None), &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row, Some(12));
        assert!(problems[0]
            .message
            .contains("has no > between two countries"));
    }
}
