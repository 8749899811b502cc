//! The JSON report: [`crate::analysis::Analysis`] as a [`schema::Report`], the machine contract
//! of MODEL.md §7. Field names and order live in `schema`; the lists keep the order §7 fixes
//! (they are the analysis' own orders, never a highlight order). Numbers are written at full
//! precision (shortest round-trip form).

use super::schema::{self, Report};
use crate::analysis::Analysis;
use crate::metrics::{Exposure, Level};
use crate::model::Dataset;
use crate::whatif::sweep::SweepEntry;

/// Renders the JSON report (pretty-printed, one trailing newline).
pub(crate) fn render(a: &Analysis) -> String {
    let mut s = serde_json::to_string_pretty(&report(a)).expect("report types always serialise");
    s.push('\n');
    s
}

/// The JSON report as data.
pub(crate) fn report(a: &Analysis) -> Report {
    let ds = a.ds;
    let w = &a.whatif;
    Report {
        dataset: ds.name.clone(),
        summary: schema::Summary {
            firms: ds.firms.len(),
            components: ds.used_components().len(),
            sourcing_rows: ds.sourcing.len(),
            end_firms: a.g.end_firms.len(),
            countries: ds.countries().len(),
        },
        pairs: pairs(a),
        components: components(a),
        in_house: a
            .metrics
            .in_house
            .iter()
            .map(|&(f, s)| schema::InHouse {
                firm: id(ds, f),
                in_house_share: s,
            })
            .collect(),
        end_firms: a
            .g
            .end_firms
            .iter()
            .zip(&a.g.end_values)
            .map(|(&f, &v)| schema::EndFirm {
                firm: id(ds, f),
                output_value: v,
            })
            .collect(),
        scenarios: scenarios(a),
        sweep: schema::Sweep {
            firms: entries(&w.sweeps.firms, ds),
            countries: entries(&w.sweeps.countries, ds),
            regions: entries(&w.sweeps.regions, ds),
            groups: entries(&w.sweeps.groups, ds),
            capacity_firms: capacity_firms(a),
        },
        hidden_concentration: w
            .hidden
            .iter()
            .map(|h| schema::Hidden {
                firm: id(ds, h.firm),
                country: h.country.clone(),
                tier1_share: h.tier1_share,
                all_tier_exposure: h.all_tier_exposure,
            })
            .collect(),
        notes: notes(a),
    }
}

fn id(ds: &Dataset, f: usize) -> String {
    ds.firms[f].id.clone()
}

fn component_id(ds: &Dataset, k: usize) -> String {
    ds.components[k].id.clone()
}

fn level(l: Level) -> schema::Level {
    match l {
        Level::Low => schema::Level::Low,
        Level::Moderate => schema::Level::Moderate,
        Level::High => schema::Level::High,
    }
}

fn exposure(e: Exposure) -> schema::Exposure {
    match e {
        Exposure::SingleSource => schema::Exposure::SingleSource,
        Exposure::InHouse => schema::Exposure::InHouse,
        Exposure::SingleCountry => schema::Exposure::SingleCountry,
        Exposure::MultiSource => schema::Exposure::MultiSource,
    }
}

fn pairs(a: &Analysis) -> Vec<schema::Pair> {
    let ds = a.ds;
    a.metrics
        .pairs
        .iter()
        .map(|p| schema::Pair {
            buyer: id(ds, p.buyer),
            component: component_id(ds, p.component),
            suppliers: p.suppliers,
            hhi_supplier: p.hhi_supplier,
            hhi_country: p.hhi_country,
            hhi_group: p.hhi_group,
            level: level(p.level),
            exposure: exposure(p.exposure),
            annual_value: p.annual_value,
        })
        .collect()
}

fn components(a: &Analysis) -> Vec<schema::Component> {
    let ds = a.ds;
    a.metrics
        .components
        .iter()
        .map(|c| schema::Component {
            component: component_id(ds, c.component),
            hhi_supplier: c.hhi_supplier,
            hhi_country: c.hhi_country,
            hhi_group: c.hhi_group,
            level: level(c.level),
            top_supplier: id(ds, c.top_supplier),
            top_supplier_share: c.top_supplier_share,
            top_country: c.top_country.clone(),
            top_country_share: c.top_country_share,
        })
        .collect()
}

fn scenarios(a: &Analysis) -> Vec<schema::Scenario> {
    let ds = a.ds;
    let capacity = a.whatif.capacity.as_ref().map(|c| &c.scenarios);
    a.whatif
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| schema::Scenario {
            capacity: capacity.map(|c| schema::Capacity {
                lost_value: c[i].lost_value,
                tts_days: c[i].tts_days,
                exposure_days: c[i].exposure_days,
            }),
            name: s.name.clone(),
            cuts: s.cuts.clone(),
            total_value_at_risk: s.total_value_at_risk,
            end_firms: s
                .end_firms
                .iter()
                .map(|e| schema::Impact {
                    firm: id(ds, e.firm),
                    availability: e.availability,
                    loss: e.loss,
                    value_at_risk: e.value_at_risk,
                    tts_days: e.tts_days,
                    exposure_days: e.exposure_days,
                    time_weighted_loss: e.time_weighted_loss,
                })
                .collect(),
        })
        .collect()
}

/// The capacity firm sweep, when the model is on (an empty list when the sweeps were skipped).
fn capacity_firms(a: &Analysis) -> Option<Vec<schema::CapacityEntry>> {
    let c = a.whatif.capacity.as_ref()?;
    Some(
        c.firms
            .iter()
            .map(|e| schema::CapacityEntry {
                key: id(a.ds, e.firm),
                lost_value: e.outcome.lost_value,
                tts_days: e.outcome.tts_days,
                exposure_days: e.outcome.exposure_days,
                risk_exposure_index: e.risk_exposure_index,
            })
            .collect(),
    )
}

fn entries(list: &[SweepEntry], ds: &Dataset) -> Vec<schema::Entry> {
    list.iter()
        .map(|e| schema::Entry {
            key: e.key.clone(),
            value_at_risk: e.value_at_risk,
            max_loss: e.max_loss,
            chokepoint_for: e.chokepoint_for.iter().map(|&f| id(ds, f)).collect(),
            time_weighted_loss: e.time_weighted_loss,
            risk_exposure_index: e.risk_exposure_index,
        })
        .collect()
}

/// Loading notes, then the steps that were skipped or did not converge.
fn notes(a: &Analysis) -> Vec<String> {
    let mut notes: Vec<String> =
        a.ds.notes
            .iter()
            .map(|n| format!("{}: {}", n.file, n.message))
            .collect();
    if !a.whatif.swept {
        notes.push("the N-1 sweeps and hidden concentration were skipped (--no-sweep)".into());
    }
    if a.whatif.unconverged {
        notes.push("a supply cycle did not converge within the iteration bound; its availabilities are upper bounds".into());
    }
    notes
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analysis, AnalysisSettings};
    use crate::graph::SupplyGraph;
    use crate::report::schema::Report;
    use crate::testing::Net;
    use crate::whatif::Quiet;

    #[test]
    fn the_written_report_reads_back_into_the_schema_and_writes_the_same_bytes() {
        // Values (annual_value numbers), a firm sweep (time_weighted_loss written) and a
        // country sweep (omitted) all go through the round trip.
        let ds = (Net::new().firm("m").firm("s").country("DE"))
            .firm("car")
            .country("PL")
            .output(50.0)
            .buys("car", "k0", "s", 0.5)
            .value(10.0)
            .buys("car", "k0", "m", 0.5)
            .value(10.0)
            .buys("s", "k1", "m", 1.0)
            .value(4.0)
            .build();
        let g = SupplyGraph::build(&ds);
        let a = Analysis::run(&ds, &g, None, AnalysisSettings::default(), &Quiet).expect("solved");
        let text = super::render(&a);
        let r = Report::from_json(&text).expect("the writer writes a report");
        assert_eq!(r, super::report(&a));
        assert!(r.sweep.firms.iter().all(|e| e.time_weighted_loss.is_some()));
        assert!(r
            .sweep
            .countries
            .iter()
            .all(|e| e.time_weighted_loss.is_none()));
        let again = serde_json::to_string_pretty(&r).expect("serialises") + "\n";
        assert_eq!(again, text);
    }
}
