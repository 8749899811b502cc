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
    /// in `docs/ci.md` by a unit test; no output prints it yet (a SARIF rule list would).
    #[allow(dead_code)]
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
            Code::ScenarioLoss => "a scenario whose total value at risk is above the limit",
            Code::WaiverExpired => "a waiver past its until date: its finding counts again",
            Code::WaiverUnused => "a waiver that matches no finding in any dataset checked",
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

/// One policy finding. The fields are in alphabetical order because that is the order of the
/// `--format json` output (which was once built through serde_json's sorted map).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Finding {
    pub(crate) code: Code,
    pub(crate) level: Level,
    pub(crate) message: String,
    /// The input rows that cause it (`sourcing row 12`), capped.
    pub(crate) rows: Vec<String>,
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
        rows: Vec<String>,
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
        let codes: Vec<Code> = e.findings.iter().map(|f| f.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert_eq!(codes.last(), Some(&Code::WaiverExpired));
        assert_eq!(e.matched, [true]);
        assert_eq!(Verdict::of(&e.findings), Verdict::Fail);
    }
}
