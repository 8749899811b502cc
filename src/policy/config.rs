//! The policy file (`scrisk.toml`): raw TOML is deserialised with unknown keys rejected, then
//! validated into a [`Policy`] with every problem collected (file and line) before any check
//! runs. `scrisk init` writes [`TEMPLATE`], which doubles as the reference.

use std::ops::Range;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::Code;

use crate::problem::toml_problem;
use crate::problem::{quote, Problem};

/// The commented policy template written by `scrisk init`; every key with its default.
pub(crate) const TEMPLATE: &str = include_str!("template.toml");

/// What a rule does with what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    /// Ignore.
    Allow,
    /// Report; does not fail the check.
    Warn,
    /// Report and fail the check (exit status 1).
    Deny,
}

impl Level {
    /// The level as written in the policy file and printed before a finding (`deny`).
    pub(crate) fn as_str(self) -> &'static str {
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
pub(crate) enum Dimension {
    Supplier,
    Country,
    Group,
}

impl Dimension {
    /// The dimension as written in the policy file and in a concentration message (`country`).
    pub(crate) fn as_str(self) -> &'static str {
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
pub(crate) struct Waiver {
    /// Only findings of this code, or any code.
    pub(crate) code: Option<Code>,
    pub(crate) subject: String,
    pub(crate) reason: String,
    /// Last day the waiver applies (inclusive).
    pub(crate) until: Date,
    /// Line in the policy file.
    pub(crate) line: usize,
}

/// A validated policy. Defaults are the template's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Policy {
    pub(crate) concentration: Level,
    pub(crate) concentration_by: Vec<Dimension>,
    pub(crate) max_hhi: f64,
    pub(crate) third_country: Level,
    pub(crate) max_third_country_share: f64,
    /// Upper-case ISO codes of the countries that are not "third" countries.
    pub(crate) own_countries: Vec<String>,
    pub(crate) single_source: Level,
    pub(crate) single_source_min_value: f64,
    pub(crate) chokepoint: Level,
    pub(crate) time_to_survive: Level,
    pub(crate) scenario_loss: Level,
    pub(crate) max_value_at_risk: Option<f64>,
    pub(crate) max_share_of_output: Option<f64>,
    pub(crate) waivers: Vec<Waiver>,
}

/// EU member states: the default "own" countries of the third-country rule (the EU Critical
/// Raw Materials Act's benchmark is about the Union's dependence on any single third country).
pub(crate) use crate::model::country::EU;

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

impl Policy {
    /// The level of the findings of `code` under this policy: its rule's level; the news about
    /// waivers always warns.
    pub(crate) fn level(&self, code: Code) -> Level {
        match code {
            Code::Concentration => self.concentration,
            Code::ThirdCountry => self.third_country,
            Code::SingleSource => self.single_source,
            Code::Chokepoint => self.chokepoint,
            Code::TimeToSurvive => self.time_to_survive,
            Code::ScenarioLoss => self.scenario_loss,
            Code::WaiverExpired | Code::WaiverUnused => Level::Warn,
        }
    }
}

/// The policy file being validated: where problems are located, and the problems so far.
struct Checker<'t> {
    file: &'t str,
    text: &'t str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    /// A problem at `span` (its line).
    fn at(&mut self, span: Range<usize>, message: String) -> &mut Problem {
        self.problems
            .push(toml_problem(self.file, self.text, Some(span), message));
        self.problems.last_mut().expect("just pushed")
    }

    /// The number `v`, with a problem `what x rule` unless `ok(x)`.
    fn number(&mut self, v: &Spanned<f64>, what: &str, ok: fn(f64) -> bool, rule: &str) -> f64 {
        let x = *v.get_ref();
        if !ok(x) {
            self.at(v.span(), format!("{what} {x} {rule}"));
        }
        x
    }

    fn fraction(&mut self, v: &Spanned<f64>, what: &str) -> f64 {
        let ok = |x: f64| (0.0..=1.0).contains(&x);
        self.number(v, what, ok, "must be a fraction in [0, 1]")
    }

    fn non_negative(&mut self, v: &Spanned<f64>, what: &str) -> f64 {
        self.number(v, what, |x| x >= 0.0 && x.is_finite(), "must be >= 0")
    }
}

/// Parses and validates a policy; every problem is collected with its line.
pub(crate) fn parse(text: &str, file: &str) -> Result<Policy, Vec<Problem>> {
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        let message = format!("not valid: {}", e.message().trim());
        vec![toml_problem(file, text, e.span(), message)
            .with_hint("`scrisk init` writes a commented template with every key")]
    })?;
    let mut c = Checker {
        file,
        text,
        problems: Vec::new(),
    };
    let mut p = Policy::default();
    if let Some(r) = raw.concentration {
        concentration(&mut c, &mut p, r);
    }
    if let Some(r) = raw.third_country {
        third_country(&mut c, &mut p, r);
    }
    if let Some(r) = raw.single_source {
        p.single_source = r.level.unwrap_or(p.single_source);
        if let Some(v) = &r.min_value {
            p.single_source_min_value = c.non_negative(v, "min_value");
        }
    }
    if let Some(r) = raw.chokepoint {
        p.chokepoint = r.level.unwrap_or(p.chokepoint);
    }
    if let Some(r) = raw.time_to_survive {
        p.time_to_survive = r.level.unwrap_or(p.time_to_survive);
    }
    if let Some(r) = raw.scenario_loss {
        p.scenario_loss = r.level.unwrap_or(p.scenario_loss);
        p.max_value_at_risk = r
            .max_value_at_risk
            .as_ref()
            .map(|v| c.non_negative(v, "max_value_at_risk"));
        p.max_share_of_output = r
            .max_share_of_output
            .as_ref()
            .map(|v| c.fraction(v, "max_share_of_output"));
    }
    p.waivers = raw
        .waiver
        .into_iter()
        .filter_map(|w| waiver(&mut c, w))
        .collect();
    if c.problems.is_empty() {
        Ok(p)
    } else {
        Err(c.problems)
    }
}

fn concentration(c: &mut Checker, p: &mut Policy, r: RawConcentration) {
    p.concentration = r.level.unwrap_or(p.concentration);
    if let Some(by) = r.by {
        p.concentration_by = by;
    }
    if let Some(v) = &r.max_hhi {
        let ok = |x: f64| (0.0..=10_000.0).contains(&x);
        p.max_hhi = c.number(v, "max_hhi", ok, "must be between 0 and 10,000");
    }
}

fn third_country(c: &mut Checker, p: &mut Policy, r: RawThirdCountry) {
    p.third_country = r.level.unwrap_or(p.third_country);
    if let Some(v) = &r.max_share {
        p.max_third_country_share = c.fraction(v, "max_share");
    }
    if let Some(list) = r.own_countries {
        p.own_countries = Vec::new();
        for cc in list {
            let code = cc.get_ref().trim().to_ascii_uppercase();
            if crate::model::country::is_valid(&code) {
                p.own_countries.push(code);
            } else {
                let message = format!("{} is not an ISO 3166-1 alpha-2 code", quote(cc.get_ref()));
                c.at(cc.span(), message);
            }
        }
        p.own_countries.sort();
        p.own_countries.dedup();
    }
}

/// A validated waiver, or `None` with its problems recorded. A bad date is the only problem
/// reported for a waiver that has one.
fn waiver(c: &mut Checker, w: Spanned<RawWaiver>) -> Option<Waiver> {
    let span = w.span();
    let w = w.into_inner();
    let Ok(until) = crate::text::parse_date(w.until.get_ref()) else {
        let message = format!(
            "until {} is not a date YYYY-MM-DD",
            quote(w.until.get_ref())
        );
        c.at(w.until.span(), message);
        return None;
    };
    if w.reason.trim().is_empty() {
        c.at(span.clone(), "a waiver needs a reason".into());
    }
    let code = match w.code.as_deref().map(|text| (text, text.parse::<Code>())) {
        None => None,
        Some((_, Ok(code))) => Some(code),
        Some((text, Err(_))) => {
            let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            c.at(span, format!("unknown finding code {}", quote(text)))
                .hint = Some(format!("codes: {}", names.join(", ")));
            return None;
        }
    };
    Some(Waiver {
        code,
        subject: w.subject.trim().to_string(),
        reason: w.reason.trim().to_string(),
        until,
        line: crate::problem::line_of(c.text, span.start),
    })
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
        assert_eq!(p.waivers[0].until, jiff::civil::date(2026, 12, 31));
        assert_eq!(p.waivers[0].code, Some(Code::SingleSource));
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
        let with_until = |until: &str| {
            let text =
                format!("[[waiver]]\nsubject = \"s\"\nreason = \"r\"\nuntil = \"{until}\"\n");
            parse(&text, "p.toml").map(|p| p.waivers[0].until)
        };
        assert_eq!(with_until("2024-02-29"), Ok(jiff::civil::date(2024, 2, 29)));
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "26-1-1",
            " 2026-01-01",
            "tomorrow",
        ] {
            let problems = with_until(bad).expect_err(bad);
            assert_eq!(problems.len(), 1);
            assert_eq!(problems[0].row, Some(4));
            assert_eq!(
                problems[0].message,
                format!("until {} is not a date YYYY-MM-DD", quote(bad))
            );
        }
    }

    #[test]
    fn waiver_codes_and_reasons_are_checked_on_the_waiver_line() {
        let text = "\n[[waiver]]\ncode = \"chokepiont\"\nsubject = \"x\"\nreason = \" \"\nuntil = \"2026-01-01\"\n";
        let problems = parse(text, "p.toml").expect_err("invalid");
        let got: Vec<(Option<usize>, &str)> = problems
            .iter()
            .map(|p| (p.row, p.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Some(2), "a waiver needs a reason"),
                (Some(2), "unknown finding code \"chokepiont\"")
            ]
        );
        assert_eq!(
            problems[1].hint.as_deref(),
            Some("codes: concentration, third-country, single-source, chokepoint, time-to-survive, scenario-loss, waiver-expired, waiver-unused")
        );
    }
}
