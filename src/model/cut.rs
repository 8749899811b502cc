//! The cut grammar (`SELECTOR[=SEVERITY]`, MODEL.md §5) and what a cut becomes: a
//! [`CutSpec`] is parsed from text without looking at any dataset (so the command line is
//! checked before anything is loaded); [`CutSpec::resolve`] matches it against a dataset.
//!
//! Firm cuts (`firm:`, `country:`, `region:`, `group:`) select firms and lower their capacity;
//! edge cuts (`lane:FROM>TO`, `component:K`) select sourcing rows and lower what those rows
//! deliver. [`Selector::matches`] and [`Selector::matches_row`] are the one matching rule, for
//! the propagation and for any other model that needs it.
//!
//! A cut that matches nothing is an error, because a typo must never read as "no impact".

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use super::country::normalise_country;
use super::{Component, Dataset, Firm, FirmIdx, SourcingRow};
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
    /// A trade lane: every row whose supplier is in country `from` and whose buyer is in
    /// country `to` (both upper-cased, valid codes; equal for domestic trade).
    Lane {
        from: String,
        to: String,
    },
    /// Every row of a component, its id exactly as in sourcing (case-sensitive).
    Component(String),
}

impl Selector {
    /// Whether the selector picks sourcing rows (an edge cut) rather than firms.
    pub(crate) fn is_edge(&self) -> bool {
        matches!(self, Selector::Lane { .. } | Selector::Component(_))
    }

    /// Whether `firm` is selected (never, for an edge cut).
    pub(crate) fn matches(&self, firm: &Firm) -> bool {
        match self {
            Selector::Firm(id) => firm.id == *id,
            Selector::Country(cc) => firm.country == *cc,
            Selector::Region(r) => firm.region.as_deref() == Some(r.as_str()),
            Selector::Group(g) => firm.group == *g,
            Selector::Lane { .. } | Selector::Component(_) => false,
        }
    }

    /// Whether the sourcing `row` is selected: never for a firm cut nor for an in-house row; a
    /// lane when the supplier is in `from` and the buyer in `to`; a component when the row's
    /// component id is the one named. `firms` and `components` are the dataset's, which the
    /// row's indices point into.
    pub(crate) fn matches_row(
        &self,
        firms: &[Firm],
        components: &[Component],
        row: &SourcingRow,
    ) -> bool {
        if row.is_in_house() {
            return false;
        }
        match self {
            Selector::Lane { from, to } => {
                firms[row.supplier].country == *from && firms[row.buyer].country == *to
            }
            Selector::Component(k) => components[row.component].id == *k,
            Selector::Firm(_) | Selector::Country(_) | Selector::Region(_) | Selector::Group(_) => {
                false
            }
        }
    }
}

/// What cuts are matched against: a dataset's firms, components and sourcing rows (the
/// dataset's own, or ingest's before the dataset is assembled).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CutTarget<'a> {
    pub(crate) firms: &'a [Firm],
    pub(crate) components: &'a [Component],
    pub(crate) sourcing: &'a [SourcingRow],
    /// Qualified alternates: an edge cut that matches only alternates is valid (it limits what
    /// they could deliver in the capacity model, MODEL §8) and changes nothing in §5–6.
    pub(crate) alternates: &'a [SourcingRow],
}

impl Dataset {
    /// The firms, components and sourcing rows cuts are matched against.
    pub(crate) fn cut_target(&self) -> CutTarget<'_> {
        CutTarget {
            firms: &self.firms,
            components: &self.components,
            sourcing: &self.sourcing,
            alternates: &self.alternates,
        }
    }
}

/// A validated cut: a selector, a severity in (0, 1], and what it matches (never nothing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cut {
    /// The cut as the user wrote it (reported back verbatim).
    pub(crate) text: String,
    pub(crate) selector: Selector,
    /// Fraction of capacity (or, for an edge cut, of deliveries) lost, in (0, 1].
    pub(crate) severity: f64,
    /// The firms a firm cut matches, sorted, never empty; empty for an edge cut.
    pub(crate) firms: Vec<FirmIdx>,
    /// The rows of [`Dataset::sourcing`] an edge cut matches, sorted, never empty; empty for a
    /// firm cut.
    pub(crate) rows: Vec<usize>,
}

/// A named what-if scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scenario {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) cuts: Vec<Cut>,
    pub(crate) duration_days: Option<f64>,
    /// The line its `[[scenario]]` table starts on in `scenarios.toml`; `None` for the cuts
    /// given on the command line.
    pub(crate) line: Option<usize>,
}

/// A cut as written, checked for syntax but not yet matched against any dataset.
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
    /// Finds the firms (or, for an edge cut, the sourcing rows) the cut matches; matching
    /// nothing is an error.
    pub(crate) fn resolve(&self, t: CutTarget<'_>) -> Result<Cut, CutError> {
        let (firms, rows) = if self.selector.is_edge() {
            let rows: Vec<usize> = (0..t.sourcing.len())
                .filter(|&i| {
                    self.selector
                        .matches_row(t.firms, t.components, &t.sourcing[i])
                })
                .collect();
            let alternate = || {
                t.alternates
                    .iter()
                    .any(|r| self.selector.matches_row(t.firms, t.components, r))
            };
            if rows.is_empty() && !alternate() {
                let err = CutError::new(format!("{} matches no sourcing row", quote(&self.text)));
                return Err(match edge_hint(&self.selector, t) {
                    Some(h) => err.hint(h),
                    None => err,
                });
            }
            (Vec::new(), rows)
        } else {
            let firms: Vec<usize> = (0..t.firms.len())
                .filter(|&i| self.selector.matches(&t.firms[i]))
                .collect();
            if firms.is_empty() {
                let err = CutError::new(format!("{} matches no firm", quote(&self.text)));
                return Err(match near_miss(&self.selector, t.firms) {
                    Some(h) => err.hint(h),
                    None => err,
                });
            }
            (firms, Vec::new())
        };
        Ok(Cut {
            text: self.text.clone(),
            selector: self.selector.clone(),
            severity: self.severity,
            firms,
            rows,
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

/// The hint for a cut whose kind or value is missing or unknown.
const KINDS_HINT: &str = "a cut is firm:ID, country:CC, region:NAME, group:NAME, lane:FROM>TO or \
                          component:K, optionally =SEVERITY in (0, 1]";

/// The hint for a lane that is not written `FROM>TO`.
const LANE_HINT: &str = "write a lane as lane:FROM>TO with two country codes, e.g. lane:CN>US";

/// Parses a cut string into a selector and severity, without looking at any dataset.
pub(crate) fn parse_cut(text: &str) -> Result<(Selector, f64), CutError> {
    let Some((kind, rest)) = text.split_once(':') else {
        return Err(
            CutError::new(format!("{} has no selector kind", quote(text))).hint(KINDS_HINT),
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
            CutError::new(format!("{} names nothing to cut", quote(text))).hint(KINDS_HINT),
        );
    }
    let selector = match kind.trim().to_ascii_lowercase().as_str() {
        "firm" => Selector::Firm(value.to_string()),
        "country" => Selector::Country(value.to_ascii_uppercase()),
        "region" => Selector::Region(value.to_string()),
        "group" => Selector::Group(value.to_string()),
        "lane" => parse_lane(text, value)?,
        "component" => Selector::Component(value.to_string()),
        _ => {
            return Err(CutError::new(format!(
                "unknown selector kind {} in {}",
                quote(kind),
                quote(text)
            ))
            .hint(KINDS_HINT))
        }
    };
    Ok((selector, severity))
}

/// `FROM>TO` of a lane cut (`text` is the whole cut, for messages): two country codes checked
/// as the firms table checks them, upper-cased.
fn parse_lane(text: &str, value: &str) -> Result<Selector, CutError> {
    let Some((from, to)) = value.split_once('>') else {
        return Err(CutError::new(format!(
            "lane {} has no > between two countries",
            quote(text)
        ))
        .hint(LANE_HINT));
    };
    let code = |raw: &str| {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(CutError::new(format!(
                "lane {} needs a country code on each side of >",
                quote(text)
            ))
            .hint(LANE_HINT));
        }
        normalise_country(raw).map_err(|hint| {
            let e = CutError::new(format!(
                "{} in {} is not an ISO 3166-1 alpha-2 code",
                quote(raw),
                quote(text)
            ));
            match hint {
                Some(h) => e.hint(h),
                None => e,
            }
        })
    };
    Ok(Selector::Lane {
        from: code(from)?,
        to: code(to)?,
    })
}

/// Parses a cut and finds what it matches; matching nothing is an error (tests write cuts as
/// text; the program parses them first and resolves them later).
#[cfg(test)]
pub(crate) fn resolve_cut(text: &str, t: CutTarget<'_>) -> Result<Cut, CutError> {
    text.parse::<CutSpec>()?.resolve(t)
}

/// A suggestion when a firm selector matches nothing but differs from a real value only in
/// case or surrounding spaces.
fn near_miss(selector: &Selector, firms: &[Firm]) -> Option<String> {
    let (kind, want) = match selector {
        Selector::Firm(v) => ("firm", v),
        Selector::Region(v) => ("region", v),
        Selector::Group(v) => ("group", v),
        Selector::Country(_) | Selector::Lane { .. } | Selector::Component(_) => return None,
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

/// The most destination countries a lane hint lists.
const MAX_LISTED: usize = 12;

/// A suggestion when an edge cut matches no row: a component id that differs only in case or
/// spaces, a component made only in-house, a lane country without firms, or where the
/// origin's deliveries do go.
fn edge_hint(selector: &Selector, t: CutTarget<'_>) -> Option<String> {
    let bought = || t.sourcing.iter().filter(|r| !r.is_in_house());
    match selector {
        Selector::Component(k) => {
            let want = k.trim().to_lowercase();
            if let Some(r) =
                bought().find(|r| t.components[r.component].id.trim().to_lowercase() == want)
            {
                return Some(format!(
                    "did you mean component:{}?",
                    t.components[r.component].id
                ));
            }
            t.sourcing
                .iter()
                .any(|r| t.components[r.component].id == *k)
                .then(|| {
                    format!(
                        "{k} is only made in-house, which an edge cut never stops; \
                         cut its makers with firm:ID"
                    )
                })
        }
        Selector::Lane { from, to } => {
            for cc in [from, to] {
                if !t.firms.iter().any(|f| f.country == *cc) {
                    return Some(format!("no firm is in {cc}"));
                }
            }
            let to: BTreeSet<&str> = bought()
                .filter(|r| t.firms[r.supplier].country == *from)
                .map(|r| t.firms[r.buyer].country.as_str())
                .collect();
            Some(if to.is_empty() {
                format!("no firm in {from} supplies another firm")
            } else {
                let mut list: Vec<&str> = to.iter().copied().take(MAX_LISTED).collect();
                if to.len() > MAX_LISTED {
                    list.push("…");
                }
                format!("deliveries from {from} go to {}", list.join(", "))
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Net;

    fn lane(from: &str, to: &str) -> Selector {
        Selector::Lane {
            from: from.into(),
            to: to.into(),
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
    fn parses_lanes_case_insensitively_and_components_exactly() {
        assert_eq!(
            parse_cut("lane:cn>us=0.5").unwrap(),
            (lane("CN", "US"), 0.5)
        );
        assert_eq!(parse_cut("LANE:kr>KR").unwrap(), (lane("KR", "KR"), 1.0));
        assert_eq!(
            parse_cut("lane: de > xa ").unwrap(),
            (lane("DE", "XA"), 1.0)
        );
        assert_eq!(
            parse_cut("component:Cell=0.25").unwrap(),
            (Selector::Component("Cell".into()), 0.25)
        );
        assert_eq!(
            parse_cut("Component:a=b=1").unwrap(),
            (Selector::Component("a=b".into()), 1.0)
        );
        assert!(parse_cut("lane:CN>US").unwrap().0.is_edge());
        assert!(!parse_cut("country:CN").unwrap().0.is_edge());
    }

    #[test]
    fn every_bad_lane_or_component_is_an_error() {
        let err = |text: &str| parse_cut(text).unwrap_err();
        let e = err("lane:CNUS");
        assert!(e.message.contains("has no > between two countries"), "{e}");
        assert_eq!(e.hint.as_deref(), Some(LANE_HINT));
        for text in ["lane:>US", "lane:CN>", "lane: > ", "lane:>"] {
            let e = err(text);
            assert!(
                e.message.contains("needs a country code on each side"),
                "{text}: {e}"
            );
        }
        let e = err("lane:cn>uk");
        assert_eq!(
            e.message,
            "\"uk\" in \"lane:cn>uk\" is not an ISO 3166-1 alpha-2 code"
        );
        assert!(e.hint.unwrap().contains("GB"));
        assert!(err("lane:CHN>US").hint.unwrap().contains("two-letter"));
        assert!(err("lane:QQ>US").message.contains("\"QQ\""));
        // A second '>' leaves "US>DE" as the destination, which is no code.
        assert!(err("lane:CN>US>DE").message.contains("\"US>DE\""));
        assert!(err("lane:").message.contains("names nothing to cut"));
        assert!(err("component:").message.contains("names nothing to cut"));
        assert!(err("component: =0.5")
            .message
            .contains("names nothing to cut"));
        assert!(err("lane:CN>US=0").message.contains("outside (0, 1]"));
        assert!(err("component:k=-1").message.contains("outside (0, 1]"));
        assert!(err("lane:CN>US=x").message.contains("is not a number"));
        assert!(err("edge:CN>US").hint.unwrap().contains("lane:FROM>TO"));
    }

    #[test]
    fn a_cut_matching_nothing_is_an_error_with_a_hint() {
        let ds = Net::new().firm("catl").region("Fujian").build();
        let t = ds.cut_target();
        assert_eq!(resolve_cut("country:cn", t).unwrap().firms, vec![0]);
        let e = resolve_cut("region:fujian", t).unwrap_err();
        assert!(e.message.contains("matches no firm"));
        assert_eq!(e.hint.as_deref(), Some("did you mean region:Fujian?"));
        assert!(resolve_cut("country:JP", t).is_err());
    }

    /// a (CN) sells k0 to b (US); c (CN) sells k0 to d (CN); d makes k1 in-house; b buys k1 from
    /// e (DE).
    fn lanes() -> Dataset {
        Net::new()
            .firm("b")
            .country("US")
            .firm("e")
            .country("DE")
            .buys("b", "k0", "a", 1.0)
            .buys("b", "k1", "e", 1.0)
            .buys("d", "k0", "c", 1.0)
            .buys("d", "k1", "d", 1.0)
            .build()
    }

    /// The index in sourcing of the row buyer <- supplier.
    fn row(ds: &Dataset, buyer: &str, supplier: &str) -> usize {
        let (b, s) = (
            ds.firm_index(buyer).unwrap(),
            ds.firm_index(supplier).unwrap(),
        );
        ds.sourcing
            .iter()
            .position(|r| r.buyer == b && r.supplier == s)
            .unwrap()
    }

    #[test]
    fn lanes_match_supplier_and_buyer_countries_and_never_in_house_rows() {
        let ds = lanes();
        let t = ds.cut_target();
        let cut = resolve_cut("lane:cn>us=0.5", t).unwrap();
        assert_eq!(cut.rows, vec![row(&ds, "b", "a")]);
        assert!(cut.firms.is_empty());
        assert_eq!(cut.severity, 0.5);
        // Domestic trade: c -> d, but not d's in-house k1.
        let cut = resolve_cut("lane:CN>CN", t).unwrap();
        assert_eq!(cut.rows, vec![row(&ds, "d", "c")]);
        let in_house = &ds.sourcing[row(&ds, "d", "d")];
        assert!(!lane("CN", "CN").matches_row(&ds.firms, &ds.components, in_house));
        assert!(!Selector::Component("k1".into()).matches_row(&ds.firms, &ds.components, in_house));
        // Firm selectors never match a row, edge selectors never match a firm.
        let bought = &ds.sourcing[row(&ds, "b", "a")];
        assert!(!Selector::Country("CN".into()).matches_row(&ds.firms, &ds.components, bought));
        assert!(!lane("CN", "US").matches(&ds.firms[0]));
    }

    #[test]
    fn components_match_every_bought_row_exactly() {
        let ds = lanes();
        let t = ds.cut_target();
        let cut = resolve_cut("component:k0", t).unwrap();
        assert_eq!(cut.rows, vec![row(&ds, "b", "a"), row(&ds, "d", "c")]);
        let cut = resolve_cut("component:k1=0.3", t).unwrap();
        assert_eq!(cut.rows, vec![row(&ds, "b", "e")]);
        let e = resolve_cut("component:K0", t).unwrap_err();
        assert_eq!(e.message, "\"component:K0\" matches no sourcing row");
        assert_eq!(e.hint.as_deref(), Some("did you mean component:k0?"));
        assert_eq!(resolve_cut("component:k9", t).unwrap_err().hint, None);
    }

    #[test]
    fn an_edge_cut_matching_no_row_says_why() {
        let ds = Net::new()
            .firm("us")
            .country("US")
            .buys("x", "k0", "x", 1.0)
            .buys("us", "k1", "cn", 1.0)
            .build();
        let t = ds.cut_target();
        let hint = |text: &str| {
            let e = resolve_cut(text, t).unwrap_err();
            assert!(e.message.ends_with("matches no sourcing row"), "{e}");
            e.hint.unwrap_or_default()
        };
        assert_eq!(
            hint("component:k0"),
            "k0 is only made in-house, which an edge cut never stops; cut its makers with firm:ID"
        );
        assert_eq!(hint("lane:DE>US"), "no firm is in DE");
        assert_eq!(hint("lane:US>DE"), "no firm is in DE");
        assert_eq!(hint("lane:US>CN"), "no firm in US supplies another firm");
        assert_eq!(hint("lane:CN>CN"), "deliveries from CN go to US");
    }
}
