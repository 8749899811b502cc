//! The one rule for picking a finding ([`finding_order`]) and how many findings the report
//! leads with. It lives beside the sweeps because the sweep's last step needs it too: the
//! end firms left short are recorded again only for the firms the report can lead with
//! ([`super::finish`]), and `highlights` picks them by the same rule.

use std::cmp::Ordering;

use super::scenario::ScenarioResult;
use super::sweep::SweepEntry;

/// Findings the one-screen summary leads with, at most.
pub(crate) const LEADS: usize = 5;
/// Chokepoints whose extra stock need is worked out.
pub(crate) const STOCK_NEEDS: usize = 5;

/// What a finding is ranked by (see [`finding_order`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Severity<'a> {
    /// Time-weighted loss (MODEL §6): loss × output value × exposure days / 365, the output
    /// lost over the event ("lost output over the outage" in the markdown report).
    pub(crate) event_loss: f64,
    /// JSON `value_at_risk` (MODEL §5): loss × a year of output, "annual output at risk (if
    /// the outage lasted a year)" in the markdown report.
    pub(crate) value_at_risk: f64,
    /// The finding's id: a firm, country or scenario name.
    pub(crate) id: &'a str,
}

impl Severity<'_> {
    /// A sweep entry's severity; entries without a time-weighted loss (the country, region and
    /// group sweeps) rank by annual output at risk.
    pub(crate) fn of_entry(e: &SweepEntry) -> Severity<'_> {
        Severity {
            event_loss: e.time_weighted_loss.unwrap_or(0.0),
            value_at_risk: e.value_at_risk,
            id: &e.key,
        }
    }

    /// A scenario's severity: its end firms' time-weighted losses summed in end-firm order.
    pub(crate) fn of_scenario(s: &ScenarioResult) -> Severity<'_> {
        Severity {
            event_loss: s.end_firms.iter().map(|e| e.time_weighted_loss).sum(),
            value_at_risk: s.total_value_at_risk,
            id: &s.name,
        }
    }
}

/// The one rule for picking a finding: the larger event (time-weighted) loss first, then the
/// larger annual output at risk (`value_at_risk`), then the smaller id. Total on floats
/// (`total_cmp`), so the choice never depends on input order. The JSON ranking of §7
/// (`value_at_risk`, then key) is a
/// list order and stays as MODEL.md fixes it; this rule is for choosing what to lead with.
pub(crate) fn finding_order(a: &Severity, b: &Severity) -> Ordering {
    b.event_loss
        .total_cmp(&a.event_loss)
        .then_with(|| b.value_at_risk.total_cmp(&a.value_at_risk))
        .then_with(|| a.id.cmp(b.id))
}

/// The firm-sweep entries the report can lead with or work out a stock need for: the first
/// [`LEADS`] with a loss over the event and the first [`STOCK_NEEDS`] chokepoints, each by
/// [`finding_order`] (a superset of what `highlights` picks: its leads mix in scenarios, so
/// they hold at most [`LEADS`] firms). Indices into `entries`, ascending, without repeats.
pub(crate) fn report_firms(entries: &[SweepEntry]) -> Vec<usize> {
    let first = |keep: &dyn Fn(&SweepEntry) -> bool, count: usize| {
        let mut idx: Vec<usize> = (0..entries.len()).filter(|&i| keep(&entries[i])).collect();
        idx.sort_by(|&i, &j| {
            finding_order(
                &Severity::of_entry(&entries[i]),
                &Severity::of_entry(&entries[j]),
            )
        });
        idx.truncate(count);
        idx
    };
    let mut out = first(&|e| e.time_weighted_loss.unwrap_or(0.0) > 0.0, LEADS);
    out.extend(first(&|e| !e.chokepoint_for.is_empty(), STOCK_NEEDS));
    out.sort_unstable();
    out.dedup();
    out
}
