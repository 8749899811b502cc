//! The policy gate: `scrisk check` evaluates a [`config::Policy`] on an analysis and returns
//! findings as data (code, level, subject, message, the input rows behind them); waivers with
//! an expiry date accept known findings. The [`Verdict`] is computed from the findings, never
//! from the printed text; the command maps it to an exit status.
//!
//! One check is a triplet, as in cargo-deny: its settings in [`config`], its [`Code`], and its
//! rule in [`rules`], which only reads the analysis results. [`waivers`] applies and expires
//! waivers; [`render`] turns findings into text and into the typed `--format json` document.
//!
//! Pure: evaluation and rendering return values; [`crate::commands::check`] does the I/O.

pub(crate) mod config;
pub(crate) mod render;
mod rules;
pub(crate) mod sarif;
pub(crate) mod waivers;

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use config::{Level, Policy};

/// What a finding is about: one code per rule, and two for waivers. Written in kebab case
/// (`third-country`) in the policy file, the text output and the JSON; the serde attribute is
/// the one table of names, for reading ([`FromStr`]) and writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Code {
    Concentration,
    ThirdCountry,
    SingleSource,
    Chokepoint,
    TimeToSurvive,
    ScenarioLoss,
    WaiverExpired,
    WaiverUnused,
}

impl Code {
    /// Every code, in the order findings are reported.
    pub(crate) const ALL: [Code; 8] = [
        Code::Concentration,
        Code::ThirdCountry,
        Code::SingleSource,
        Code::Chokepoint,
        Code::TimeToSurvive,
        Code::ScenarioLoss,
        Code::WaiverExpired,
        Code::WaiverUnused,
    ];

    /// The code as written (`third-country`); equal to its serde name (a test checks).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::Concentration => "concentration",
            Code::ThirdCountry => "third-country",
            Code::SingleSource => "single-source",
            Code::Chokepoint => "chokepoint",
            Code::TimeToSurvive => "time-to-survive",
            Code::ScenarioLoss => "scenario-loss",
            Code::WaiverExpired => "waiver-expired",
            Code::WaiverUnused => "waiver-unused",
        }
    }

    /// What a finding of this code means, in one sentence. Checked against the table of codes
    /// in `docs/ci.md` by a unit test; the SARIF rules print it.
    pub(crate) fn description(self) -> &'static str {
        match self {
            Code::Concentration => {
                "a component whose dataset-wide HHI (by supplier, country or group) is above the limit"
            }
            Code::ThirdCountry => {
                "a country outside the own countries supplying more than the limit share of a component, at all tiers"
            }
            Code::SingleSource => "a (buyer, component) with one supplier other than itself",
            Code::Chokepoint => "a firm whose loss alone stops an end firm completely",
            Code::TimeToSurvive => {
                "a firm with a recovery time whose loss reaches an end firm before it recovers"
            }
            Code::ScenarioLoss => {
                "a scenario whose annual output at risk (if the outage lasted a year) is above the limit"
            }
            Code::WaiverExpired => "a waiver past its until date: its finding counts again",
            Code::WaiverUnused => "a waiver that matches no finding in any dataset checked",
        }
    }

    /// What the rule measures, which policy keys set it, what the finding's subject is (for a
    /// waiver) and what resolves it: the help text of the SARIF rule.
    pub(crate) fn help(self) -> &'static str {
        match self {
            Code::Concentration => {
                "The Herfindahl-Hirschman index (HHI, 0 to 10,000) of the component's purchases \
                 across the whole dataset, by supplier, country and/or group, is above the \
                 limit. Policy: [concentration] level, by, max_hhi (default 1,800). Waiver \
                 subject: the component. Resolve by qualifying further sources or spreading \
                 the volume; the rows shown are the component's sourcing rows."
            }
            Code::ThirdCountry => {
                "One country outside own_countries supplies more than max_share of the \
                 component, counting the purchases of every tier. Policy: [third-country] \
                 level, max_share (default 0.65), own_countries (default: the EU-27). Waiver \
                 subject: component/CC. Resolve by sourcing from other countries; the rows \
                 shown are the component's rows from that country."
            }
            Code::SingleSource => {
                "The buyer gets the component from one supplier only (in-house production \
                 does not count). Policy: [single-source] level, min_value (pairs whose \
                 annual value is at most this are skipped). Waiver subject: buyer/component. \
                 Resolve by qualifying a second supplier; the row shown is the pair's \
                 sourcing row."
            }
            Code::Chokepoint => {
                "In the N-1 firm sweep, losing this firm alone stops at least one end firm \
                 completely. Policy: [chokepoint] level. Waiver subject: the firm. Resolve by \
                 giving its buyers another source; the rows shown are the firm's sales."
            }
            Code::TimeToSurvive => {
                "The firm has a time to recover (recovery_days in the firms table), and its \
                 loss makes some end firm run out of stock before that time (time to survive \
                 shorter than time to recover). Policy: [time-to-survive] level. Waiver \
                 subject: the firm. Resolve with more stock downstream or a second source; the \
                 row shown is the firm's row."
            }
            Code::ScenarioLoss => {
                "The scenario's annual output at risk (the end firms' output it stops, as if the \
                 outage lasted a year; total_value_at_risk in the JSON report) is above \
                 max_value_at_risk or above max_share_of_output of the end firms' output. Policy: [scenario-loss] level, \
                 max_value_at_risk, max_share_of_output (default 0.5). Waiver subject: the \
                 scenario name. The location is the scenario in scenarios.toml."
            }
            Code::WaiverExpired => {
                "A waiver in the policy is past its until date, so the finding it accepted \
                 counts again (a deny finding fails the check). Renew the waiver with a new \
                 until date and reason, or resolve the finding. The location is the waiver in \
                 the policy file."
            }
            Code::WaiverUnused => {
                "A waiver in the policy matches no finding in any dataset checked: the risk it \
                 accepted is gone, or its code or subject is misspelt. Remove it or correct it. \
                 The location is the waiver in the policy file."
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no [`Code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UnknownCode;

impl FromStr for Code {
    type Err = UnknownCode;

    /// Reads a code through its serde name (`"third-country"`), exactly.
    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        use serde::de::value::{Error, StrDeserializer};
        use serde::de::IntoDeserializer;
        let text: StrDeserializer<'_, Error> = s.into_deserializer();
        Code::deserialize(text).map_err(|_| UnknownCode)
    }
}

/// Where in the input the data behind a finding is. Written as text (`sourcing row 12`) in the
/// text output and the JSON; the SARIF output locates each one in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// A row of the sourcing table (header = row 1).
    Sourcing(usize),
    /// The number of further sourcing rows, not listed (a finding lists at most 20).
    MoreSourcing(usize),
    /// A row of the firms table (header = row 1).
    Firms(usize),
    /// A scenario of `scenarios.toml`, and the line its table starts on.
    Scenario { name: String, line: Option<usize> },
    /// A line of the policy file.
    Policy(usize),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Sourcing(row) => write!(f, "sourcing row {row}"),
            Place::MoreSourcing(n) => write!(f, "and {n} more sourcing rows"),
            Place::Firms(row) => write!(f, "firms row {row}"),
            Place::Scenario { name, .. } => write!(f, "scenarios.toml, scenario {name:?}"),
            Place::Policy(line) => write!(f, "policy line {line}"),
        }
    }
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One policy finding. The fields are in alphabetical order because that is the order of the
/// `--format json` output (which was once built through serde_json's sorted map).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Finding {
    pub(crate) code: Code,
    pub(crate) level: Level,
    pub(crate) message: String,
    /// The input rows that cause it (`sourcing row 12`), capped.
    pub(crate) rows: Vec<Place>,
    /// What the finding is about, as a waiver names it.
    pub(crate) subject: String,
    /// Firms, components and countries involved.
    pub(crate) subjects: Vec<String>,
    /// The reason of the waiver that accepts it, if any (then it does not fail the check).
    pub(crate) waived: Option<String>,
}

impl Finding {
    /// A finding that no waiver has accepted (yet).
    pub(crate) fn new(
        code: Code,
        level: Level,
        subject: String,
        message: String,
        subjects: Vec<String>,
        rows: Vec<Place>,
    ) -> Finding {
        Finding {
            code,
            level,
            message,
            rows,
            subject,
            subjects,
            waived: None,
        }
    }

    /// Whether this finding fails the check: deny level and not waived.
    pub(crate) fn fails(&self) -> bool {
        self.level == Level::Deny && self.waived.is_none()
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No finding fails the check.
    Pass,
    /// At least one deny-level finding is not waived.
    Fail,
}

impl Verdict {
    /// The verdict on a list of findings.
    pub(crate) fn of(findings: &[Finding]) -> Verdict {
        if findings.iter().any(Finding::fails) {
            Verdict::Fail
        } else {
            Verdict::Pass
        }
    }
}

/// The findings of one dataset, and which waivers matched one of them (by position in
/// [`Policy::waivers`]; one policy may serve several datasets, so a waiver is stale only when
/// it matches nothing in any of them: see [`waivers::unused`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evaluation {
    pub(crate) findings: Vec<Finding>,
    pub(crate) matched: Vec<bool>,
}

/// The rules, in the order their findings are reported (that of [`Code::ALL`]).
const RULES: [fn(&Analysis, &Policy) -> Vec<Finding>; 6] = [
    rules::concentration,
    rules::third_country,
    rules::single_source,
    rules::chokepoint,
    rules::time_to_survive,
    rules::scenario_loss,
];

/// Evaluates `policy` on an analysis. `today` decides which waivers have expired.
pub(crate) fn evaluate(a: &Analysis, policy: &Policy, today: Date) -> Evaluation {
    let mut findings: Vec<Finding> = RULES.iter().flat_map(|rule| rule(a, policy)).collect();
    let matched = waivers::apply(&mut findings, &policy.waivers, today);
    Evaluation { findings, matched }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_written_in_kebab_case_one_way() {
        for code in Code::ALL {
            let json = serde_json::to_value(code).expect("serialises");
            assert_eq!(json, code.as_str(), "{code:?}");
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
            assert_eq!(code.to_string(), code.as_str());
            assert!(!code.description().is_empty());
        }
        assert_eq!(Code::ThirdCountry.as_str(), "third-country");
        assert_eq!("ThirdCountry".parse::<Code>(), Err(UnknownCode));
        assert_eq!("chokepoint ".parse::<Code>(), Err(UnknownCode));
    }

    #[test]
    fn every_code_is_documented_in_the_ci_guide() {
        let guide = include_str!("../../docs/ci.md");
        for code in Code::ALL {
            assert!(
                guide.contains(&format!("| `{code}` |")),
                "{code} missing from docs/ci.md"
            );
        }
    }

    fn finding(level: Level, waived: bool) -> Finding {
        let mut f = Finding::new(
            Code::Chokepoint,
            level,
            "x".into(),
            String::new(),
            vec![],
            vec![],
        );
        f.waived = waived.then(|| "known".to_string());
        f
    }

    #[test]
    fn only_an_unwaived_deny_fails() {
        assert_eq!(Verdict::of(&[]), Verdict::Pass);
        assert_eq!(Verdict::of(&[finding(Level::Warn, false)]), Verdict::Pass);
        assert_eq!(Verdict::of(&[finding(Level::Deny, true)]), Verdict::Pass);
        assert_eq!(
            Verdict::of(&[finding(Level::Warn, false), finding(Level::Deny, false)]),
            Verdict::Fail
        );
    }

    #[test]
    fn findings_serialise_with_the_fields_in_alphabetical_order() {
        let text = serde_json::to_string(&finding(Level::Deny, false)).expect("serialises");
        assert_eq!(
            text,
            r#"{"code":"chokepoint","level":"deny","message":"","rows":[],"subject":"x","subjects":[],"waived":null}"#
        );
    }

    #[test]
    fn evaluate_reports_rules_in_code_order_then_waiver_news() {
        let (ds, g) = rules::tests::example();
        let a = rules::tests::analysis(&ds, &g);
        let policy = Policy {
            waivers: vec![waivers::tests::waiver(
                Some(Code::Chokepoint),
                "tsmc",
                (2020, 1, 1),
            )],
            ..Policy::default()
        };
        let e = evaluate(&a, &policy, jiff::civil::date(2026, 1, 1));
        for f in &e.findings {
            assert_eq!(f.level, policy.level(f.code), "{f:?}");
        }
        let codes: Vec<Code> = e.findings.iter().map(|f| f.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert_eq!(codes.last(), Some(&Code::WaiverExpired));
        assert_eq!(e.matched, [true]);
        assert_eq!(Verdict::of(&e.findings), Verdict::Fail);
    }
}
