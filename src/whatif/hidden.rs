//! Hidden concentration (MODEL.md §6): an end firm's tier-1 share of each country next to its
//! all-tier exposure to that country (its loss when the whole country is cut).

use std::collections::BTreeMap;

use crate::graph::SupplyGraph;
use crate::model::{Dataset, FirmIdx};

/// Tier-1 share of a country next to the all-tier exposure to it, for one end firm.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hidden {
    pub(crate) firm: FirmIdx,
    pub(crate) country: String,
    pub(crate) tier1_share: f64,
    pub(crate) all_tier_exposure: f64,
}

/// Tier-1 share of each country in an end firm's purchases ([`Dataset::purchase_shares`]):
/// value-weighted, or without values (or a zero value total) the mean over its components of
/// the share bought from the country.
fn tier1_shares<'d>(ds: &'d Dataset, g: &SupplyGraph, e: FirmIdx) -> BTreeMap<&'d str, f64> {
    ds.purchase_shares(&ds.sourcing[g.rows_of(e)], |r| {
        ds.firms[r.supplier].country.as_str()
    })
}

/// Hidden concentration of every end firm against every country it buys from at tier 1 or
/// loses output to when the country is cut. `country_losses` holds, per country (sorted), each
/// end firm's loss in `g.end_firms` order, from the country sweep.
pub(crate) fn hidden_concentration(
    ds: &Dataset,
    g: &SupplyGraph,
    country_losses: &[(String, Vec<f64>)],
) -> Vec<Hidden> {
    let mut hidden = Vec::new();
    for (i, &e) in g.end_firms.iter().enumerate() {
        let tier1 = tier1_shares(ds, g, e);
        for (country, losses) in country_losses {
            let t1 = tier1.get(country.as_str()).copied().unwrap_or(0.0);
            let exposure = losses[i];
            if t1 > 0.0 || exposure > 0.0 {
                hidden.push(Hidden {
                    firm: e,
                    country: country.clone(),
                    tier1_share: t1,
                    all_tier_exposure: exposure,
                });
            }
        }
    }
    hidden
}
