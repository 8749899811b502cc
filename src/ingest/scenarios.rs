//! `scenarios.toml`, `dataset.toml` and cut strings (`SELECTOR[=SEVERITY]`).
//!
//! A cut is resolved against the firms at load time: an unknown selector kind, a severity
//! outside (0, 1] or a cut that matches no firm is an input error, because a typo must never
//! read as "no impact".

use std::ops::Range;

use serde::Deserialize;

use crate::model::{Cut, DatasetMeta, Firm, Scenario, Selector};
use crate::problem::{quote, Problem};

/// Why a cut string was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct CutError {
    pub message: String,
    pub hint: Option<String>,
}

impl CutError {
    fn new(message: String) -> Self {
        CutError {
            message,
            hint: None,
        }
    }
    fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// Parses a cut string into a selector and severity, without looking at any dataset.
pub fn parse_cut(text: &str) -> Result<(Selector, f64), CutError> {
    let kinds_hint =
        "a cut is firm:ID, country:CC, region:NAME or group:NAME, optionally =SEVERITY in (0, 1]";
    let Some((kind, rest)) = text.split_once(':') else {
        return Err(
            CutError::new(format!("{} has no selector kind", quote(text))).hint(kinds_hint),
        );
    };
    // The severity follows the last '=', when what follows it is meant as a number; an id that
    // itself contains '=' can be cut by writing the severity explicitly (`firm:a=b=1`).
    let (value, severity) = match rest.rsplit_once('=') {
        Some((v, s)) => {
            let sev: f64 = s.trim().parse().map_err(|_| {
                CutError::new(format!("severity {} is not a number", quote(s)))
                    .hint("write the severity as a fraction, e.g. firm:catl=0.5")
            })?;
            (v, sev)
        }
        None => (rest, 1.0),
    };
    if !(severity > 0.0 && severity <= 1.0) {
        return Err(CutError::new(format!(
            "severity {severity} in {} is outside (0, 1]",
            quote(text)
        ))
        .hint("severity is the fraction of capacity lost: 0.5 halves it, 1 stops it"));
    }
    let value = value.trim();
    if value.is_empty() {
        return Err(
            CutError::new(format!("{} names nothing to cut", quote(text))).hint(kinds_hint),
        );
    }
    let selector = match kind.trim().to_ascii_lowercase().as_str() {
        "firm" => Selector::Firm(value.to_string()),
        "country" => Selector::Country(value.to_ascii_uppercase()),
        "region" => Selector::Region(value.to_string()),
        "group" => Selector::Group(value.to_string()),
        _ => {
            return Err(CutError::new(format!(
                "unknown selector kind {} in {}",
                quote(kind),
                quote(text)
            ))
            .hint(kinds_hint))
        }
    };
    Ok((selector, severity))
}

/// Parses a cut and finds the firms it matches; matching nothing is an error.
pub fn resolve_cut(text: &str, firms: &[Firm]) -> Result<Cut, CutError> {
    let (selector, severity) = parse_cut(text)?;
    let matched: Vec<usize> = firms
        .iter()
        .enumerate()
        .filter(|(_, f)| selector.matches(f))
        .map(|(i, _)| i)
        .collect();
    if matched.is_empty() {
        let mut err = CutError::new(format!("{} matches no firm", quote(text)));
        if let Some(h) = near_miss(&selector, firms) {
            err = err.hint(h);
        }
        return Err(err);
    }
    Ok(Cut {
        text: text.to_string(),
        selector,
        severity,
        firms: matched,
    })
}

/// A suggestion when a selector matches nothing but differs from a real value only in case or
/// surrounding spaces.
fn near_miss(selector: &Selector, firms: &[Firm]) -> Option<String> {
    let (kind, want) = match selector {
        Selector::Firm(v) => ("firm", v),
        Selector::Region(v) => ("region", v),
        Selector::Group(v) => ("group", v),
        Selector::Country(_) => return None,
    };
    let want = want.trim().to_lowercase();
    firms.iter().find_map(|f| {
        let have = match selector {
            Selector::Firm(_) => Some(f.id.as_str()),
            Selector::Region(_) => f.region.as_deref(),
            _ => Some(f.group.as_str()),
        }?;
        (have.trim().to_lowercase() == want).then(|| format!("did you mean {kind}:{have}?"))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenarios {
    #[serde(default)]
    scenario: Vec<toml::Spanned<RawScenario>>,
}

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

/// Line number (1-based) of a byte offset.
/// The 1-based line of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A problem in a TOML file, located by the line of `span` (TOML files are read as text).
pub fn toml_problem(file: &str, text: &str, span: Option<Range<usize>>, msg: String) -> Problem {
    Problem {
        file: file.to_string(),
        row: span.map(|s| line_of(text, s.start)),
        column: None,
        message: msg,
        hint: None,
        omitted: 0,
    }
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
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for spanned in raw.scenario {
        let span = spanned.span();
        let s = spanned.into_inner();
        let name = s.name.trim().to_string();
        let mut ok = true;
        if name.is_empty() {
            problems.push(toml_problem(
                file,
                text,
                Some(span.clone()),
                "a scenario has an empty name".into(),
            ));
            ok = false;
        } else if names.contains(&name) {
            problems.push(toml_problem(
                file,
                text,
                Some(span.clone()),
                format!("scenario name {} is used twice", quote(&name)),
            ));
            ok = false;
        }
        names.push(name.clone());
        if name == "cli" {
            problems.push(toml_problem(
                file,
                text,
                Some(span.clone()),
                "the scenario name \"cli\" is reserved for --cut".into(),
            ));
            ok = false;
        }
        if s.cuts.is_empty() {
            problems.push(toml_problem(
                file,
                text,
                Some(span.clone()),
                format!("scenario {} has no cuts", quote(&name)),
            ));
            ok = false;
        }
        let mut cuts = Vec::new();
        for c in &s.cuts {
            let resolved = match firms {
                Some(firms) => resolve_cut(c.get_ref(), firms).map(Some),
                None => parse_cut(c.get_ref()).map(|_| None),
            };
            match resolved {
                Ok(Some(cut)) => cuts.push(cut),
                Ok(None) => {}
                Err(e) => {
                    let mut p = toml_problem(
                        file,
                        text,
                        Some(c.span()),
                        format!("scenario {}: {}", quote(&name), e.message),
                    );
                    p.column = Some("cuts".into());
                    p.hint = e.hint;
                    problems.push(p);
                    ok = false;
                }
            }
        }
        let duration = s.duration_days.map(|d| (d.span(), d.into_inner()));
        if let Some((dspan, d)) = &duration {
            if !(d.is_finite() && *d >= 0.0) {
                let mut p = toml_problem(
                    file,
                    text,
                    Some(dspan.clone()),
                    format!(
                        "scenario {}: duration_days {d} must be a number >= 0",
                        quote(&name)
                    ),
                );
                p.column = Some("duration_days".into());
                problems.push(p);
                ok = false;
            }
        }
        if ok {
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

/// Parses `dataset.toml`.
pub(crate) fn parse_meta(text: &str, file: &str, problems: &mut Vec<Problem>) -> DatasetMeta {
    match toml::from_str::<DatasetMeta>(text) {
        Ok(m) => m,
        Err(e) => {
            let msg = e.message().trim().to_string();
            problems.push(
                toml_problem(file, text, e.span(), format!("not valid: {msg}")).with_hint(
                    "keys: title, description, currency, as_of, assumptions = [...], \
                     [[sources]] with title, publisher, url, year, status, note",
                ),
            );
            DatasetMeta::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(id: &str, cc: &str, region: Option<&str>) -> Firm {
        Firm {
            id: id.into(),
            name: id.into(),
            country: cc.into(),
            region: region.map(str::to_string),
            group: id.into(),
            group_named: false,
            kind: None,
            annual_output_value: None,
            recovery_days: None,
            row: 2,
        }
    }

    #[test]
    fn parses_selectors_and_severity() {
        assert_eq!(
            parse_cut("firm:catl").unwrap(),
            (Selector::Firm("catl".into()), 1.0)
        );
        assert_eq!(
            parse_cut("country:cn=0.5").unwrap(),
            (Selector::Country("CN".into()), 0.5)
        );
        assert_eq!(
            parse_cut("firm:a=b=1").unwrap(),
            (Selector::Firm("a=b".into()), 1.0)
        );
        assert!(parse_cut("plant:x")
            .unwrap_err()
            .message
            .contains("unknown selector kind"));
        assert!(parse_cut("firm:x=0")
            .unwrap_err()
            .message
            .contains("outside (0, 1]"));
        assert!(parse_cut("firm:x=1.5").is_err());
        assert!(parse_cut("firm:x=NaN").is_err());
        assert!(parse_cut("catl").is_err());
        assert!(parse_cut("firm:").is_err());
    }

    #[test]
    fn a_cut_matching_nothing_is_an_error_with_a_hint() {
        let firms = vec![firm("catl", "CN", Some("Fujian"))];
        assert_eq!(resolve_cut("country:cn", &firms).unwrap().firms, vec![0]);
        let e = resolve_cut("region:fujian", &firms).unwrap_err();
        assert!(e.message.contains("matches no firm"));
        assert_eq!(e.hint.as_deref(), Some("did you mean region:Fujian?"));
        assert!(resolve_cut("country:JP", &firms).is_err());
    }

    #[test]
    fn scenario_problems_carry_line_numbers() {
        let firms = vec![firm("catl", "CN", None)];
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
