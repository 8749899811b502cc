//! The cut grammar (`SELECTOR[=SEVERITY]`, MODEL.md §5) and what a cut becomes: a
//! [`CutSpec`] is parsed from text without looking at any dataset (so the command line is
//! checked before anything is loaded); [`CutSpec::resolve`] matches it against a dataset's firms.
//!
//! A cut that matches no firm is an error, because a typo must never read as "no impact".

use std::fmt;
use std::str::FromStr;

use super::{Firm, FirmIdx};
use crate::problem::quote;

/// The name of the scenario built from `--cut` flags. Dataset scenarios cannot use it.
pub(crate) const CLI_SCENARIO: &str = "cli";

/// What a cut selects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Selector {
    Firm(String),
    /// Upper-cased country code.
    Country(String),
    Region(String),
    Group(String),
}

impl Selector {
    /// Whether `firm` is selected.
    pub(crate) fn matches(&self, firm: &Firm) -> bool {
        match self {
            Selector::Firm(id) => firm.id == *id,
            Selector::Country(cc) => firm.country == *cc,
            Selector::Region(r) => firm.region.as_deref() == Some(r.as_str()),
            Selector::Group(g) => firm.group == *g,
        }
    }
}

/// A validated cut: a selector, a severity in (0, 1], and the firms it matches (never empty).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cut {
    /// The cut as the user wrote it (reported back verbatim).
    pub(crate) text: String,
    pub(crate) selector: Selector,
    /// Fraction of capacity lost, in (0, 1].
    pub(crate) severity: f64,
    /// The firms it matches, sorted, never empty.
    pub(crate) firms: Vec<FirmIdx>,
}

/// A named what-if scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scenario {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) cuts: Vec<Cut>,
    pub(crate) duration_days: Option<f64>,
}

/// A cut as written, checked for syntax but not yet matched against any firm.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CutSpec {
    /// The cut as the user wrote it (reported back verbatim).
    pub(crate) text: String,
    pub(crate) selector: Selector,
    /// Fraction of capacity lost, in (0, 1].
    pub(crate) severity: f64,
}

impl FromStr for CutSpec {
    type Err = CutError;

    fn from_str(text: &str) -> Result<Self, CutError> {
        let (selector, severity) = parse_cut(text)?;
        Ok(CutSpec {
            text: text.to_string(),
            selector,
            severity,
        })
    }
}

impl CutSpec {
    /// Finds the firms the cut matches; matching nothing is an error.
    pub(crate) fn resolve(&self, firms: &[Firm]) -> Result<Cut, CutError> {
        let matched: Vec<usize> = firms
            .iter()
            .enumerate()
            .filter(|(_, f)| self.selector.matches(f))
            .map(|(i, _)| i)
            .collect();
        if matched.is_empty() {
            let mut err = CutError::new(format!("{} matches no firm", quote(&self.text)));
            if let Some(h) = near_miss(&self.selector, firms) {
                err = err.hint(h);
            }
            return Err(err);
        }
        Ok(Cut {
            text: self.text.clone(),
            selector: self.selector.clone(),
            severity: self.severity,
            firms: matched,
        })
    }
}

impl fmt::Display for CutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CutError {}

/// Why a cut string was rejected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CutError {
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

impl CutError {
    pub(crate) fn new(message: String) -> Self {
        CutError {
            message,
            hint: None,
        }
    }
    pub(crate) fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// Parses a cut string into a selector and severity, without looking at any dataset.
pub(crate) fn parse_cut(text: &str) -> Result<(Selector, f64), CutError> {
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
pub(crate) fn resolve_cut(text: &str, firms: &[Firm]) -> Result<Cut, CutError> {
    text.parse::<CutSpec>()?.resolve(firms)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

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
        let firms = Net::new().firm("catl").region("Fujian").build().firms;
        assert_eq!(resolve_cut("country:cn", &firms).unwrap().firms, vec![0]);
        let e = resolve_cut("region:fujian", &firms).unwrap_err();
        assert!(e.message.contains("matches no firm"));
        assert_eq!(e.hint.as_deref(), Some("did you mean region:Fujian?"));
        assert!(resolve_cut("country:JP", &firms).is_err());
    }
}
