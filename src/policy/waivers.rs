//! Waivers: a waiver accepts the findings with its subject (and code, if it names one) up to
//! and including its `until` date. After that it stops waiving and says so (`waiver-expired`);
//! a waiver that matches no finding in any dataset checked is reported as `waiver-unused`, so
//! stale waivers do not pile up.

use jiff::civil::Date;

use super::config::{Level, Waiver};
use super::{Code, Finding, Place};

/// Whether `w` is about finding `f`.
fn matches(w: &Waiver, f: &Finding) -> bool {
    w.subject == f.subject && w.code.is_none_or(|c| c == f.code)
}

/// Marks the findings that a waiver valid on `today` accepts, and appends a `waiver-expired`
/// warning for each expired waiver whose finding no valid waiver accepts. Returns which
/// waivers matched a finding (by position in `waivers`).
pub(crate) fn apply(findings: &mut Vec<Finding>, waivers: &[Waiver], today: Date) -> Vec<bool> {
    let mut matched = vec![false; waivers.len()];
    let mut expired: Vec<Finding> = Vec::new();
    for f in findings.iter_mut() {
        for (i, w) in waivers.iter().enumerate() {
            if !matches(w, f) {
                continue;
            }
            matched[i] = true;
            if w.until >= today {
                f.waived = Some(format!("{} (until {})", w.reason, w.until));
            } else if f.waived.is_none() {
                expired.push(expired_news(w, f.code));
            }
        }
    }
    // A waiver whose finding is now waived by another (still valid) waiver is not expired news.
    expired.retain(|e| {
        !findings
            .iter()
            .any(|f| f.subject == e.subject && f.waived.is_some())
    });
    findings.extend(expired);
    matched
}

/// The warning that waiver `w` of a finding of `code` has expired.
fn expired_news(w: &Waiver, code: Code) -> Finding {
    Finding::new(
        Code::WaiverExpired,
        Level::Warn,
        w.subject.clone(),
        format!(
            "the waiver of {code} {} expired on {}; the finding counts again",
            w.subject, w.until
        ),
        vec![w.subject.clone()],
        vec![Place::Policy(w.line)],
    )
}

/// Warnings for the waivers that matched no finding (`matched` from [`apply`], combined over
/// every dataset checked).
pub(crate) fn unused(waivers: &[Waiver], matched: &[bool]) -> Vec<Finding> {
    waivers
        .iter()
        .zip(matched)
        .filter(|&(_, &m)| !m)
        .map(|(w, _)| {
            let code = w.code.map(|c| format!("{c} ")).unwrap_or_default();
            Finding::new(
                Code::WaiverUnused,
                Level::Warn,
                w.subject.clone(),
                format!(
                    "the waiver of {code}{} matches no finding; remove it",
                    w.subject
                ),
                vec![w.subject.clone()],
                vec![Place::Policy(w.line)],
            )
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::policy::Verdict;

    fn finding(code: Code, subject: &str, level: Level) -> Finding {
        Finding::new(code, level, subject.into(), String::new(), vec![], vec![])
    }

    /// A waiver of `subject` (and `code`) until (year, month, day), on policy line 3.
    pub(crate) fn waiver(code: Option<Code>, subject: &str, until: (i16, i8, i8)) -> Waiver {
        Waiver {
            code,
            subject: subject.into(),
            reason: "known".into(),
            until: jiff::civil::date(until.0, until.1, until.2),
            line: 3,
        }
    }

    fn day(y: i16, m: i8, d: i8) -> Date {
        jiff::civil::date(y, m, d)
    }

    #[test]
    fn waivers_waive_until_their_date_then_expire() {
        let waivers = [waiver(Some(Code::Chokepoint), "catl", (2026, 12, 31))];
        let mut f = vec![finding(Code::Chokepoint, "catl", Level::Deny)];
        assert_eq!(apply(&mut f, &waivers, day(2026, 12, 31)), [true]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].waived.as_deref(), Some("known (until 2026-12-31)"));
        assert_eq!(Verdict::of(&f), Verdict::Pass);

        let mut f = vec![finding(Code::Chokepoint, "catl", Level::Deny)];
        assert_eq!(apply(&mut f, &waivers, day(2027, 1, 1)), [true]);
        assert_eq!(f.len(), 2);
        assert!(f[0].waived.is_none());
        assert_eq!(f[1].code, Code::WaiverExpired);
        assert_eq!(
            f[1].message,
            "the waiver of chokepoint catl expired on 2026-12-31; the finding counts again"
        );
        assert_eq!(f[1].rows, [Place::Policy(3)]);
        assert_eq!(Verdict::of(&f), Verdict::Fail);
    }

    #[test]
    fn an_expired_waiver_is_no_news_when_a_valid_one_waives() {
        let waivers = [
            waiver(Some(Code::ScenarioLoss), "s", (2020, 1, 1)),
            waiver(None, "s", (2030, 1, 1)),
        ];
        let mut f = vec![finding(Code::ScenarioLoss, "s", Level::Deny)];
        assert_eq!(apply(&mut f, &waivers, day(2026, 1, 1)), [true, true]);
        assert_eq!(f.len(), 1);
        assert!(f[0].waived.is_some());
    }

    #[test]
    fn a_waiver_for_another_code_or_subject_does_not_apply_and_is_reported_unused() {
        let waivers = [
            waiver(Some(Code::SingleSource), "catl", (2030, 1, 1)),
            waiver(None, "tsmc", (2030, 1, 1)),
        ];
        let mut f = vec![finding(Code::Chokepoint, "catl", Level::Deny)];
        let matched = apply(&mut f, &waivers, day(2026, 1, 1));
        assert!(f[0].waived.is_none());
        let unused = unused(&waivers, &matched);
        let subjects: Vec<&str> = unused.iter().map(|x| x.subject.as_str()).collect();
        assert_eq!(subjects, ["catl", "tsmc"]);
        assert!(unused.iter().all(|x| x.code == Code::WaiverUnused));
        assert_eq!(
            unused[0].message,
            "the waiver of single-source catl matches no finding; remove it"
        );
        assert_eq!(
            unused[1].message,
            "the waiver of tsmc matches no finding; remove it"
        );
        assert_eq!(Verdict::of(&f), Verdict::Fail);
    }
}
