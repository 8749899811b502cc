//! The policy file (`scrisk.toml`): raw TOML is deserialised with unknown keys rejected, then
//! validated into a [`Policy`] with every problem collected (file and line) before any check
//! runs. `scrisk init` writes [`TEMPLATE`], which doubles as the reference.

use serde::Deserialize;
use toml::Spanned;

use crate::problem::toml_problem;
use crate::problem::{quote, Problem};

/// The commented policy template written by `scrisk init`; every key with its default.
pub const TEMPLATE: &str = include_str!("template.toml");

/// What a rule does with what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Ignore.
    Allow,
    /// Report; does not fail the check.
    Warn,
    /// Report and fail the check (exit status 1).
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// Which HHI a concentration rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    Supplier,
    Country,
    Group,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Supplier => "supplier",
            Dimension::Country => "country",
            Dimension::Group => "group",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    concentration: Option<RawConcentration>,
    #[serde(default, rename = "third-country")]
    third_country: Option<RawThirdCountry>,
    #[serde(default, rename = "single-source")]
    single_source: Option<RawSingleSource>,
    #[serde(default)]
    chokepoint: Option<RawLevelOnly>,
    #[serde(default, rename = "time-to-survive")]
    time_to_survive: Option<RawLevelOnly>,
    #[serde(default, rename = "scenario-loss")]
    scenario_loss: Option<RawScenarioLoss>,
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConcentration {
    level: Option<Level>,
    by: Option<Vec<Dimension>>,
    max_hhi: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThirdCountry {
    level: Option<Level>,
    max_share: Option<Spanned<f64>>,
    own_countries: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSingleSource {
    level: Option<Level>,
    min_value: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevelOnly {
    level: Option<Level>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenarioLoss {
    level: Option<Level>,
    max_value_at_risk: Option<Spanned<f64>>,
    max_share_of_output: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    code: Option<String>,
    subject: String,
    reason: String,
    until: Spanned<String>,
}

/// A validated waiver.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    /// Only findings of this code, or any code.
    pub code: Option<String>,
    pub subject: String,
    pub reason: String,
    /// Last day the waiver applies (inclusive), as (year, month, day).
    pub until: (i32, u32, u32),
    pub until_text: String,
    /// Line in the policy file.
    pub line: usize,
}

/// A validated policy. Defaults are the template's.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub concentration: Level,
    pub concentration_by: Vec<Dimension>,
    pub max_hhi: f64,
    pub third_country: Level,
    pub max_third_country_share: f64,
    /// Upper-case ISO codes of the countries that are not "third" countries.
    pub own_countries: Vec<String>,
    pub single_source: Level,
    pub single_source_min_value: f64,
    pub chokepoint: Level,
    pub time_to_survive: Level,
    pub scenario_loss: Level,
    pub max_value_at_risk: Option<f64>,
    pub max_share_of_output: Option<f64>,
    pub waivers: Vec<Waiver>,
}

/// EU member states: the default "own" countries of the third-country rule (the EU Critical
/// Raw Materials Act's benchmark is about the Union's dependence on any single third country).
pub const EU: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl Default for Policy {
    fn default() -> Self {
        Policy {
            concentration: Level::Deny,
            concentration_by: vec![Dimension::Supplier],
            max_hhi: 1800.0,
            third_country: Level::Warn,
            max_third_country_share: 0.65,
            own_countries: EU.iter().map(|c| c.to_string()).collect(),
            single_source: Level::Warn,
            single_source_min_value: 0.0,
            chokepoint: Level::Deny,
            time_to_survive: Level::Warn,
            scenario_loss: Level::Warn,
            max_value_at_risk: None,
            max_share_of_output: Some(0.5),
            waivers: Vec::new(),
        }
    }
}

/// Parses a date written as `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.trim().split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (d <= days).then_some((y, m, d))
}

/// Parses and validates a policy; every problem is collected with its line.
pub fn parse(text: &str, file: &str) -> Result<Policy, Vec<Problem>> {
    let raw: RawPolicy = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            return Err(vec![toml_problem(
                file,
                text,
                e.span(),
                format!("not valid: {}", e.message().trim()),
            )
            .with_hint("`scrisk init` writes a commented template with every key")]);
        }
    };
    let mut problems = Vec::new();
    let mut p = Policy::default();
    let number = |problems: &mut Vec<Problem>,
                  v: &Spanned<f64>,
                  what: &str,
                  ok: &dyn Fn(f64) -> bool,
                  rule: &str|
     -> f64 {
        let x = *v.get_ref();
        if !ok(x) {
            problems.push(toml_problem(
                file,
                text,
                Some(v.span()),
                format!("{what} {x} {rule}"),
            ));
        }
        x
    };
    if let Some(c) = raw.concentration {
        p.concentration = c.level.unwrap_or(p.concentration);
        if let Some(by) = c.by {
            p.concentration_by = by;
        }
        if let Some(v) = &c.max_hhi {
            p.max_hhi = number(
                &mut problems,
                v,
                "max_hhi",
                &|x| (0.0..=10_000.0).contains(&x),
                "must be between 0 and 10,000",
            );
        }
    }
    if let Some(c) = raw.third_country {
        p.third_country = c.level.unwrap_or(p.third_country);
        if let Some(v) = &c.max_share {
            p.max_third_country_share = number(
                &mut problems,
                v,
                "max_share",
                &|x| (0.0..=1.0).contains(&x),
                "must be a fraction in [0, 1]",
            );
        }
        if let Some(list) = c.own_countries {
            p.own_countries = Vec::new();
            for cc in list {
                let code = cc.get_ref().trim().to_ascii_uppercase();
                if crate::model::country::is_valid(&code) {
                    p.own_countries.push(code);
                } else {
                    problems.push(toml_problem(
                        file,
                        text,
                        Some(cc.span()),
                        format!("{} is not an ISO 3166-1 alpha-2 code", quote(cc.get_ref())),
                    ));
                }
            }
            p.own_countries.sort();
            p.own_countries.dedup();
        }
    }
    if let Some(c) = raw.single_source {
        p.single_source = c.level.unwrap_or(p.single_source);
        if let Some(v) = &c.min_value {
            p.single_source_min_value = number(
                &mut problems,
                v,
                "min_value",
                &|x| x >= 0.0 && x.is_finite(),
                "must be >= 0",
            );
        }
    }
    if let Some(c) = raw.chokepoint {
        p.chokepoint = c.level.unwrap_or(p.chokepoint);
    }
    if let Some(c) = raw.time_to_survive {
        p.time_to_survive = c.level.unwrap_or(p.time_to_survive);
    }
    if let Some(c) = raw.scenario_loss {
        p.scenario_loss = c.level.unwrap_or(p.scenario_loss);
        p.max_value_at_risk = c.max_value_at_risk.as_ref().map(|v| {
            number(
                &mut problems,
                v,
                "max_value_at_risk",
                &|x| x >= 0.0 && x.is_finite(),
                "must be >= 0",
            )
        });
        p.max_share_of_output = c.max_share_of_output.as_ref().map(|v| {
            number(
                &mut problems,
                v,
                "max_share_of_output",
                &|x| (0.0..=1.0).contains(&x),
                "must be a fraction in [0, 1]",
            )
        });
    }
    for w in raw.waiver {
        let line_span = w.span();
        let w = w.into_inner();
        let Some(until) = parse_date(w.until.get_ref()) else {
            problems.push(toml_problem(
                file,
                text,
                Some(w.until.span()),
                format!(
                    "until {} is not a date YYYY-MM-DD",
                    quote(w.until.get_ref())
                ),
            ));
            continue;
        };
        if w.reason.trim().is_empty() {
            problems.push(toml_problem(
                file,
                text,
                Some(line_span.clone()),
                "a waiver needs a reason".into(),
            ));
        }
        if let Some(code) = &w.code {
            if !super::CODES.contains(&code.as_str()) {
                problems.push(
                    toml_problem(
                        file,
                        text,
                        Some(line_span.clone()),
                        format!("unknown finding code {}", quote(code)),
                    )
                    .with_hint(format!("codes: {}", super::CODES.join(", "))),
                );
            }
        }
        p.waivers.push(Waiver {
            code: w.code,
            subject: w.subject.trim().to_string(),
            reason: w.reason.trim().to_string(),
            until,
            until_text: w.until.get_ref().trim().to_string(),
            line: crate::problem::line_of(text, line_span.start),
        });
    }
    if problems.is_empty() {
        Ok(p)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_to_the_defaults() {
        let p = parse(TEMPLATE, "scrisk.toml").expect("template parses");
        assert_eq!(p, Policy::default());
        // The commented-out waiver example is valid once uncommented.
        let uncommented = TEMPLATE
            .replace("# [[waiver]]", "[[waiver]]")
            .replace("# code =", "code =")
            .replace("# subject =", "subject =")
            .replace("# reason =", "reason =")
            .replace("# until =", "until =");
        let p = parse(&uncommented, "scrisk.toml").expect("template with the waiver parses");
        assert_eq!(p.waivers.len(), 1);
        assert_eq!(p.waivers[0].until, (2026, 12, 31));
    }

    #[test]
    fn bad_values_are_reported_with_their_line() {
        let text = "[concentration]\nmax_hhi = 20000\n\n[third-country]\nown_countries = [\"DE\", \"XX1\"]\n\n[[waiver]]\nsubject = \"cell\"\nreason = \"r\"\nuntil = \"2026-02-30\"\n";
        let problems = parse(text, "p.toml").expect_err("invalid");
        let lines: Vec<Option<usize>> = problems.iter().map(|p| p.row).collect();
        assert_eq!(lines, [Some(2), Some(5), Some(10)], "{problems:?}");
    }

    #[test]
    fn unknown_keys_and_levels_are_errors() {
        assert!(parse("[chokepoint]\nlevel = \"forbid\"\n", "p.toml").is_err());
        assert!(parse("[chokepont]\nlevel = \"deny\"\n", "p.toml").is_err());
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("26-1-1"), Some((26, 1, 1)));
        assert_eq!(parse_date("tomorrow"), None);
    }
}
