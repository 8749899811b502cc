//! The capacity model's section (MODEL §8), which leads the what-if results when the model is
//! on: lost output over each scenario's outage once stock, spare capacity and qualified
//! alternates are used, the firm sweep ranked by that loss, and the extra stock that would
//! close the gap of the top firms. Also the capacity lines of `scrisk whatif`'s answer.

use super::{Ctx, Fmt, DOCS, TOP_ROWS};
use crate::report::table::{Align::Left as L, Align::Right as R, MdTable};
use crate::text::{days, md, plain};
use crate::whatif::capacity::Outcome;

/// The section "Lost output over the event, with substitution"; nothing when the model is off.
pub(super) fn capacity(c: &Ctx, out: &mut String) {
    let Some(cap) = &c.a.whatif.capacity else {
        return;
    };
    let w = &c.a.whatif;
    w!(out, "## Lost output over the event, with substitution\n");
    w!(out, "What the end firms cannot sell over each outage once their stock runs down, other suppliers use their spare capacity and qualified alternates take over (the capacity model, [formulas]({DOCS}#lost-output-with-substitution-the-capacity-model)). Time to survive is how long every end firm keeps selling in full; days short = time to recover − time to survive. The results are only as good as the capacities, stocks and alternates in the data.\n");
    if !w.scenarios.is_empty() {
        let table = MdTable::new([
            ("scenario", L),
            ("time to recover (days)", R),
            ("lost output over the outage", R),
            ("time to survive (days)", R),
            ("days short", R),
        ]);
        table.write(
            out,
            w.scenarios.iter().zip(&cap.scenarios).map(|(s, o)| {
                [
                    md(&s.name),
                    days(s.ttr_days),
                    c.f.value(o.lost_value),
                    tts(o),
                    days(o.exposure_days),
                ]
            }),
        );
        w!(out, "");
    }
    if !w.swept {
        return;
    }
    w!(out, "### Firms ranked by lost output over their outage\n");
    w!(out, "Each firm stopped alone for its own time to recover (its `recovery_days`, else the default); an end firm's own sales are not counted against it. Risk Exposure Index = lost output / the largest lost output of any firm.\n");
    let table = MdTable::new([
        ("firm", L),
        ("time to recover (days)", R),
        ("lost output over the outage", R),
        ("time to survive (days)", R),
        ("days short", R),
        ("risk exposure index", R),
    ])
    .cap(TOP_ROWS)
    .footer_noun(" firms");
    table.write(
        out,
        cap.firms.iter().map(|e| {
            [
                c.f.short(e.firm),
                days(e.ttr_days),
                c.f.value(e.outcome.lost_value),
                tts(&e.outcome),
                days(e.outcome.exposure_days),
                format!("{:.3}", e.risk_exposure_index),
            ]
        }),
    );
    w!(out, "");
    if cap.covers.is_empty() {
        return;
    }
    w!(out, "### Stock that would close the gap\n");
    w!(out, "For the firms that lose the most: how many days of the firm's normal deliveries its buyers would have to hold as extra stock, on top of what they hold, for the outage to cost nothing (the smallest such stock, solved for).\n");
    let table = MdTable::new([
        ("firm", L),
        ("lost output over the outage", R),
        ("extra stock at its buyers (days of its deliveries)", R),
    ]);
    table.write(
        out,
        cap.covers.iter().map(|s| {
            [
                c.f.short(s.firm),
                c.f.value(s.lost_value),
                s.extra_stock_days
                    .map_or_else(|| "no stock of its deliveries closes it".into(), days),
            ]
        }),
    );
    w!(out, "");
}

fn tts(o: &Outcome) -> String {
    o.tts_days.map_or_else(|| "never short".into(), days)
}

/// `scrisk whatif`'s lines for the capacity model.
pub(super) fn whatif_lines(f: &Fmt, ttr_days: f64, o: &Outcome, out: &mut String) {
    let survive = match o.tts_days {
        Some(t) => format!(
            "the first end firm runs short after {} days ({} days short)",
            days(t),
            days(o.exposure_days)
        ),
        None => "no end firm ever runs short".into(),
    };
    w!(
        out,
        "With substitution (stock, spare capacity and qualified alternates; docs/metrics.md, the capacity model): lost output over the {}-day outage {}; {}.\n",
        plain(ttr_days),
        f.value(o.lost_value),
        survive
    );
}
