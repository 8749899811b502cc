//! One dataset's complete analysis: the metrics of §3–4 and the what-if results of §5–6,
//! gathered for the report renderers. Pure computation.

use crate::graph::SupplyGraph;
use crate::metrics::{self, Metrics, Thresholds};
use crate::model::{Dataset, FirmIdx, Scenario};
use crate::whatif::capacity::lp::SolveError;
use crate::whatif::{self, Observer, Sweeping, WhatIf, WhatIfSettings};

/// Settings of an analysis.
#[derive(Debug, Clone, Default)]
pub(crate) struct AnalysisSettings {
    pub(crate) thresholds: Thresholds,
    pub(crate) whatif: WhatIfSettings,
}

/// Everything a report shows about one dataset.
pub(crate) struct Analysis<'a> {
    pub(crate) ds: &'a Dataset,
    pub(crate) g: &'a SupplyGraph,
    pub(crate) metrics: Metrics,
    pub(crate) whatif: WhatIf,
    /// Data coverage of each end firm, in `g.end_firms` order.
    pub(crate) coverage: Vec<(FirmIdx, f64)>,
    /// Coverage followed up to the chain starts, in `g.end_firms` order.
    pub(crate) deep_coverage: Vec<metrics::DeepCoverage>,
}

impl<'a> Analysis<'a> {
    /// Runs the analysis. `cli` is the scenario built from `--cut` flags, if any; `observer`
    /// sees each sweep entry and each phase. Fails only when the capacity model's solver does.
    pub(crate) fn run(
        ds: &'a Dataset,
        g: &'a SupplyGraph,
        cli: Option<&Scenario>,
        settings: AnalysisSettings,
        observer: &dyn Observer,
    ) -> Result<Self, SolveError> {
        Self::run_with(ds, g, cli, settings, observer, Sweeping::Run)
    }

    /// [`Self::run`], with the sweep results taken from `sweeping`: `scrisk merge` gives the
    /// shards' parts, and the rest of the analysis is computed here as in an unsharded run.
    pub(crate) fn run_with(
        ds: &'a Dataset,
        g: &'a SupplyGraph,
        cli: Option<&Scenario>,
        settings: AnalysisSettings,
        observer: &dyn Observer,
        sweeping: Sweeping,
    ) -> Result<Self, SolveError> {
        let metrics = metrics::compute(ds, settings.thresholds);
        observer.phase_done("metrics");
        let whatif = whatif::analyse(ds, g, cli, settings.whatif, observer, sweeping)?;
        let coverage = g
            .end_firms
            .iter()
            .map(|&e| (e, metrics::coverage(ds, g, e)))
            .collect();
        let deep_coverage = metrics::deep_coverage(ds, g);
        observer.phase_done("coverage");
        Ok(Analysis {
            ds,
            g,
            metrics,
            whatif,
            coverage,
            deep_coverage,
        })
    }

    /// A firm's id.
    pub(crate) fn id(&self, f: FirmIdx) -> &str {
        &self.ds.firms[f].id
    }
}
