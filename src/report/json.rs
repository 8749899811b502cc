//! The JSON report: the machine contract of MODEL.md §7. Field names and order are part of the
//! contract; numbers are written at full precision (shortest round-trip form).

use serde::Serialize;

use crate::analysis::Analysis;

#[derive(Serialize)]
struct Doc<'a> {
    dataset: &'a str,
    summary: Summary,
    pairs: Vec<Pair<'a>>,
    components: Vec<Component<'a>>,
    in_house: Vec<InHouse<'a>>,
    end_firms: Vec<EndFirm<'a>>,
    scenarios: Vec<Scenario<'a>>,
    sweep: Sweep<'a>,
    hidden_concentration: Vec<Hidden<'a>>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct Summary {
    firms: usize,
    components: usize,
    sourcing_rows: usize,
    end_firms: usize,
    countries: usize,
}

#[derive(Serialize)]
struct Pair<'a> {
    buyer: &'a str,
    component: &'a str,
    suppliers: usize,
    hhi_supplier: f64,
    hhi_country: f64,
    hhi_group: f64,
    level: &'static str,
    exposure: &'static str,
    annual_value: Option<f64>,
}

#[derive(Serialize)]
struct Component<'a> {
    component: &'a str,
    hhi_supplier: f64,
    hhi_country: f64,
    hhi_group: f64,
    level: &'static str,
    top_supplier: &'a str,
    top_supplier_share: f64,
    top_country: &'a str,
    top_country_share: f64,
}

#[derive(Serialize)]
struct InHouse<'a> {
    firm: &'a str,
    in_house_share: f64,
}

#[derive(Serialize)]
struct EndFirm<'a> {
    firm: &'a str,
    output_value: f64,
}

#[derive(Serialize)]
struct Scenario<'a> {
    name: &'a str,
    cuts: &'a [String],
    total_value_at_risk: f64,
    end_firms: Vec<Impact<'a>>,
}

#[derive(Serialize)]
struct Impact<'a> {
    firm: &'a str,
    availability: f64,
    loss: f64,
    value_at_risk: f64,
    tts_days: Option<f64>,
    exposure_days: f64,
    time_weighted_loss: f64,
}

#[derive(Serialize)]
struct Sweep<'a> {
    firms: Vec<Entry<'a>>,
    countries: Vec<Entry<'a>>,
    regions: Vec<Entry<'a>>,
    groups: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    key: &'a str,
    value_at_risk: f64,
    max_loss: f64,
    chokepoint_for: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_weighted_loss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk_exposure_index: Option<f64>,
}

#[derive(Serialize)]
struct Hidden<'a> {
    firm: &'a str,
    country: &'a str,
    tier1_share: f64,
    all_tier_exposure: f64,
}

/// Renders the JSON report (pretty-printed, one trailing newline).
pub fn render(a: &Analysis) -> String {
    let ds = a.ds;
    let id = |f: usize| ds.firms[f].id.as_str();
    let comp = |k: usize| ds.components[k].id.as_str();
    fn entries<'b>(
        list: &'b [crate::whatif::sweep::SweepEntry],
        ds: &'b crate::model::Dataset,
    ) -> Vec<Entry<'b>> {
        list.iter()
            .map(|e| Entry {
                key: &e.key,
                value_at_risk: e.value_at_risk,
                max_loss: e.max_loss,
                chokepoint_for: e
                    .chokepoint_for
                    .iter()
                    .map(|&f| ds.firms[f].id.as_str())
                    .collect(),
                time_weighted_loss: e.time_weighted_loss,
                risk_exposure_index: e.risk_exposure_index,
            })
            .collect()
    }
    let w = &a.whatif;
    let mut notes: Vec<String> = ds
        .notes
        .iter()
        .map(|n| format!("{}: {}", n.file, n.message))
        .collect();
    if !w.swept {
        notes.push("the N-1 sweeps and hidden concentration were skipped (--no-sweep)".into());
    }
    if w.unconverged {
        notes.push("a supply cycle did not converge within the iteration bound; its availabilities are upper bounds".into());
    }
    let doc = Doc {
        dataset: &ds.name,
        summary: Summary {
            firms: ds.firms.len(),
            components: ds.used_components().len(),
            sourcing_rows: ds.sourcing.len(),
            end_firms: a.g.end_firms.len(),
            countries: ds.countries().len(),
        },
        pairs: a
            .metrics
            .pairs
            .iter()
            .map(|p| Pair {
                buyer: id(p.buyer),
                component: comp(p.component),
                suppliers: p.suppliers,
                hhi_supplier: p.hhi_supplier,
                hhi_country: p.hhi_country,
                hhi_group: p.hhi_group,
                level: p.level.as_str(),
                exposure: p.exposure.as_str(),
                annual_value: p.annual_value,
            })
            .collect(),
        components: a
            .metrics
            .components
            .iter()
            .map(|c| Component {
                component: comp(c.component),
                hhi_supplier: c.hhi_supplier,
                hhi_country: c.hhi_country,
                hhi_group: c.hhi_group,
                level: c.level.as_str(),
                top_supplier: id(c.top_supplier),
                top_supplier_share: c.top_supplier_share,
                top_country: &c.top_country,
                top_country_share: c.top_country_share,
            })
            .collect(),
        in_house: a
            .metrics
            .in_house
            .iter()
            .map(|&(f, s)| InHouse {
                firm: id(f),
                in_house_share: s,
            })
            .collect(),
        end_firms: a
            .g
            .end_firms
            .iter()
            .zip(&a.g.end_values)
            .map(|(&f, &v)| EndFirm {
                firm: id(f),
                output_value: v,
            })
            .collect(),
        scenarios: w
            .scenarios
            .iter()
            .map(|s| Scenario {
                name: &s.name,
                cuts: &s.cuts,
                total_value_at_risk: s.total_value_at_risk,
                end_firms: s
                    .end_firms
                    .iter()
                    .map(|e| Impact {
                        firm: id(e.firm),
                        availability: e.availability,
                        loss: e.loss,
                        value_at_risk: e.value_at_risk,
                        tts_days: e.tts_days,
                        exposure_days: e.exposure_days,
                        time_weighted_loss: e.time_weighted_loss,
                    })
                    .collect(),
            })
            .collect(),
        sweep: Sweep {
            firms: entries(&w.sweeps.firms, ds),
            countries: entries(&w.sweeps.countries, ds),
            regions: entries(&w.sweeps.regions, ds),
            groups: entries(&w.sweeps.groups, ds),
        },
        hidden_concentration: w
            .hidden
            .iter()
            .map(|h| Hidden {
                firm: id(h.firm),
                country: &h.country,
                tier1_share: h.tier1_share,
                all_tier_exposure: h.all_tier_exposure,
            })
            .collect(),
        notes,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("report types always serialise");
    s.push('\n');
    s
}
