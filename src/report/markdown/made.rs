//! "Where output is made": the end firms' output by country, and each component's supply (and
//! its makers' capacity, where the data gives it) by country. The shares are computed in
//! [`crate::highlights::MadeIn`]; this file only words them. Other/unknown codes (`XA`–`XZ`,
//! `ZZ`) are shown apart, never ranked as a country.

use super::tables::country;
use super::{Ctx, DOCS};
use crate::highlights::{CountryShares, MadeIn};
use crate::model::country::is_other;
use crate::report::table::{Align::Left as L, Align::Right as R, MdTable};
use crate::text::{cell, pct, plural};

/// Countries named per component.
const COUNTRIES_NAMED: usize = 3;

/// "CN 74.1%, KR 9.4%, US 5.9%, other/unknown 2.0%": the first named countries that are not
/// other/unknown, then the other/unknown codes together (when any), then "…" when more
/// countries are left out.
pub(super) fn shares_line(shares: &CountryShares) -> String {
    let known: Vec<&(String, f64)> = shares.iter().filter(|s| !is_other(&s.0)).collect();
    let other: f64 = shares.iter().filter(|s| is_other(&s.0)).map(|s| s.1).sum();
    let mut parts: Vec<String> = known
        .iter()
        .take(COUNTRIES_NAMED)
        .map(|(c, s)| format!("{} {}", cell(c), pct(*s)))
        .collect();
    let rest = known.len().saturating_sub(COUNTRIES_NAMED);
    if rest > 0 {
        let left: f64 = known.iter().skip(COUNTRIES_NAMED).map(|s| s.1).sum();
        parts.push(format!(
            "{} more {} {}",
            rest,
            if rest == 1 { "country" } else { "countries" },
            pct(left)
        ));
    }
    if other > 0.0 {
        parts.push(format!("other/unknown {}", pct(other)));
    }
    parts.join(", ")
}

/// The share of `code` in `shares` (0 when absent).
fn share_of(shares: &CountryShares, code: &str) -> f64 {
    shares.iter().find(|s| s.0 == code).map_or(0.0, |s| s.1)
}

/// The first country of `shares` that is not other/unknown.
fn first_known(shares: &CountryShares) -> Option<&(String, f64)> {
    shares.iter().find(|s| !is_other(&s.0))
}

/// The key-findings bullet: the country that makes the most end-firm output, and where the end
/// firms' main bought input is made.
pub(super) fn bullet(c: &Ctx, bullets: &mut Vec<String>) {
    let m: &MadeIn = &c.h.made_in;
    if c.a.g.end_firms.len() < 2 || m.output_total <= 0.0 {
        return;
    }
    let Some((top, _)) = m.output.iter().find(|x| !is_other(&x.0)) else {
        return;
    };
    let out_share = m
        .output
        .iter()
        .find(|x| &x.0 == top)
        .map_or(0.0, |x| x.1 / m.output_total);
    let mut text = format!(
        "Where output is made: {} makes {} of the end firms' output ({}).",
        cell(top),
        pct(out_share),
        if c.f.money {
            "by value, where each end firm's plant is"
        } else {
            "each end firm counting its output"
        }
    );
    if let Some(k) = m.main_input {
        if let Some(x) = m.components.iter().find(|x| x.component == k) {
            if let Some((first, s)) = first_known(&x.supply) {
                text.push_str(&format!(
                    " Their largest bought input, {}, is made {} in {}",
                    c.f.component(k),
                    pct(*s),
                    cell(first)
                ));
                if first != top {
                    text.push_str(&format!(
                        " ({} in {})",
                        pct(share_of(&x.supply, top)),
                        cell(top)
                    ));
                }
                if let Some(cap) = &x.capacity {
                    text.push_str(&format!(
                        "; {} of its makers' capacity is in {}",
                        pct(share_of(cap, first)),
                        cell(first)
                    ));
                }
                text.push('.');
            }
        }
    }
    text.push_str(" See [Where output is made](#where-output-is-made).");
    bullets.push(text);
}

/// The "Where output is made" section.
pub(super) fn section(c: &Ctx, out: &mut String) {
    let m = &c.h.made_in;
    if m.output.is_empty() && m.components.is_empty() {
        return;
    }
    w!(out, "## Where output is made\n");
    if !m.output.is_empty() {
        let resold = if m.resold > 0.0 {
            format!(
                " Goods an end firm buys ready-made from another end firm and sells on ({} here) are placed where they are made, in the seller's country.",
                c.f.value(m.resold)
            )
        } else {
            String::new()
        };
        w!(
            out,
            "The end firms' output by the country of the plant that makes it{} ([what counts]({DOCS}#where-output-is-made)).{resold} Shares of value are not shares of units: where cars are cheaper, a country's share of the cars is larger than its share of the value. XA–XZ and ZZ are other or unknown countries, listed last and never ranked.\n",
            if c.f.money {
                ", as a share of their annual output value"
            } else {
                " (without values each end firm counts 1)"
            }
        );
        let counts = end_firms_by_country(c);
        let unit = c.f.unit();
        let head = format!("output{unit}");
        let table = MdTable::new([
            ("country", L),
            ("end firms", R),
            (head.as_str(), R),
            ("share", R),
        ]);
        // Known countries by output, then the other/unknown codes.
        let rows: Vec<[String; 4]> = (m.output.iter().filter(|x| !is_other(&x.0)))
            .chain(m.output.iter().filter(|x| is_other(&x.0)))
            .map(|(code, v)| {
                [
                    country(code),
                    counts
                        .iter()
                        .find(|x| &x.0 == code)
                        .map_or(0, |x| x.1)
                        .to_string(),
                    c.f.amount(*v),
                    pct(v / m.output_total),
                ]
            })
            .collect();
        table.write(out, rows);
        w!(out, "");
    }
    if !m.components.is_empty() {
        let with_capacity = m.components.iter().filter(|x| x.capacity.is_some()).count();
        w!(
            out,
            "Each component by the country of the firms that make it: the share of its purchases across this dataset ({}; in-house production counts, the buyer being a maker), largest components first{}. Shares of the flows this dataset maps, not world shares unless the dataset says its tiers are sized at world shares.\n",
            if c.a.ds.has_values { "by value" } else { "by share" },
            if with_capacity > 0 {
                format!(
                    "; for {}, also the share of its makers' capacity (`capacity_value`), where every maker sells only that component",
                    plural(with_capacity, "component", "components")
                )
            } else {
                String::new()
            }
        );
        let table = MdTable::new([
            ("component", L),
            ("made in (share of purchases)", L),
            ("makers' capacity in", L),
        ]);
        table.write(
            out,
            m.components.iter().map(|x| {
                [
                    c.f.comp_short(x.component),
                    shares_line(&x.supply),
                    x.capacity.as_ref().map_or("–".into(), shares_line),
                ]
            }),
        );
        w!(out, "");
    }
}

/// End firms per country (their own plants' country).
fn end_firms_by_country(c: &Ctx) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = Vec::new();
    for &e in &c.a.g.end_firms {
        let code = &c.a.ds.firms[e].country;
        match v.iter_mut().find(|x| &x.0 == code) {
            Some(x) => x.1 += 1,
            None => v.push((code.clone(), 1)),
        }
    }
    v
}
