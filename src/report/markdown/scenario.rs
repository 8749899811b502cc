//! Scenarios: the report's "Scenarios" section and `scrisk whatif`'s answer, which share the
//! per-scenario section (cuts, time to recover, the table of end firms).

use super::{capitalised, Ctx, Fmt, ANNUAL, ANNUAL_COLUMN, DOCS, EVENT, LONG_TABLE};
use crate::highlights::{finding_order, Severity, Verdict};
use crate::model::Dataset;
use crate::report::table::{Align::Left as L, Align::Right as R, MdTable};
use crate::text::{days, md, n_days, pct, plural};
use crate::whatif::capacity::Outcome;
use crate::whatif::scenario::{EndFirmImpact, ScenarioResult};

/// The "Scenarios" section of the report.
pub(super) fn scenarios(c: &Ctx, out: &mut String) {
    let w = &c.a.whatif;
    if w.capacity.is_some() {
        w!(out, "## Scenarios without substitution\n");
    } else {
        w!(out, "## Scenarios\n");
    }
    if w.scenarios.is_empty() {
        w!(
            out,
            "No scenarios: add `scenarios.toml` to the dataset or pass `--cut`.\n"
        );
        return;
    }
    w!(out, "Each end firm gets a verdict: *covered by stock* when its time to survive (TTS) is at least the time to recover (TTR), else *short for N days* (N = TTR − TTS, its exposure days). Each scenario leads with its {EVENT}: annual output value × share lost × exposure days / 365, summed over the end firms, where exposure days = max(0, TTR − TTS) and the time to survive (TTS) is the best-buffered inventory path from a cut firm ([time]({DOCS}#time-to-survive-and-time-to-recover)). Availability is the share of normal output an end firm can still make and the share lost is 1 − availability ([propagation]({DOCS}#what-if-propagation)). The {ANNUAL} is annual output value × share lost: the same loss held for a whole year, whatever the outage's length.\n");
    let with_substitution = |i: usize| w.capacity.as_ref().map(|cap| cap.scenarios[i].lost_value);
    for (i, s) in w.scenarios.iter().enumerate() {
        scenario_section(&c.f, s, with_substitution(i), out);
    }
}

/// One scenario: its description, cuts, time to recover, its lost output over the outage (and,
/// given, the capacity model's lost output with substitution), then the annual output at risk
/// and the table of end firms.
fn scenario_section(f: &Fmt, s: &ScenarioResult, with_substitution: Option<f64>, out: &mut String) {
    w!(out, "### {}\n", md(&s.name));
    if let Some(d) = &s.description {
        w!(out, "{}\n", md(d));
    }
    let cuts: Vec<String> = s
        .cuts
        .iter()
        .map(|c| format!("`{}`", c.replace('`', "'")))
        .collect();
    // Summed in end-firm order, as `highlights::Severity::of_scenario` does.
    let event: f64 = s.end_firms.iter().map(|e| e.time_weighted_loss).sum();
    let substitution = with_substitution.map_or(String::new(), |v| {
        format!(
            " without substitution, {} with substitution (the capacity model)",
            f.value(v)
        )
    });
    w!(
        out,
        "Cuts: {}; time to recover {} days. {}: {}{substitution}; {ANNUAL}: {}.\n",
        cuts.join(", "),
        days(s.ttr_days),
        capitalised(EVENT),
        f.value(event),
        f.value(s.total_value_at_risk)
    );
    if s.cut_rows > 0 {
        w!(
            out,
            "The edge cuts reduce deliveries on {}; a time to survive from a cut row starts with that row's inventory days, and edge cuts add no recovery time of their own (docs/metrics.md, edge cuts).\n",
            plural(s.cut_rows, "sourcing row", "sourcing rows")
        );
    }
    // In end-firm order; a long list shows the largest losses first, in the finding order.
    let mut rows: Vec<&EndFirmImpact> = s.end_firms.iter().collect();
    if rows.len() > LONG_TABLE {
        rows.sort_by(|a, b| {
            let sev = |e: &EndFirmImpact| Severity {
                event_loss: e.time_weighted_loss,
                value_at_risk: e.value_at_risk,
                id: &f.ds.firms[e.firm].id,
            };
            finding_order(&sev(a), &sev(b))
        });
    }
    let table = MdTable::new([
        ("end firm", L),
        ("verdict", L),
        (EVENT, R),
        ("TTS (days)", R),
        ("share lost", R),
        ("availability", R),
        (ANNUAL_COLUMN, R),
    ])
    .cap(LONG_TABLE)
    .footer_noun(" end firms");
    table.write(
        out,
        rows.iter().map(|e| {
            [
                f.short(e.firm),
                verdict(Verdict::of(e)),
                f.value(e.time_weighted_loss),
                e.tts_days.map_or("–".into(), days),
                pct(e.loss),
                pct(e.availability),
                f.value(e.value_at_risk),
            ]
        }),
    );
    w!(out, "");
}

/// An end firm's verdict in words.
pub(super) fn verdict(v: Verdict) -> String {
    match v {
        Verdict::NotHit => "not hit".into(),
        Verdict::Covered => "covered by stock".into(),
        Verdict::Short(d) => format!("short for {}", n_days(d)),
    }
}

/// The answer of `scrisk whatif`: one scenario as markdown. `end_values` are the output
/// values of the dataset's end firms; `capacity` the capacity model's answer when it is on.
pub(crate) fn render_whatif(
    ds: &Dataset,
    end_values: &[f64],
    s: &ScenarioResult,
    capacity: Option<&Outcome>,
) -> String {
    let f = Fmt::new(ds);
    let mut out = String::new();
    let title = ds.meta.title.as_deref().unwrap_or(&ds.name);
    w!(&mut out, "## What if: {}\n", md(title));
    w!(
        &mut out,
        "{} end firms, total output {}.\n",
        end_values.len(),
        f.value(end_values.iter().sum())
    );
    if let Some(o) = capacity {
        super::capacity::whatif_lines(&f, s.ttr_days, o, &mut out);
    }
    // The capacity line above already gives the lost output with substitution.
    scenario_section(&f, s, None, &mut out);
    out
}
