//! One dataset's complete analysis: the metrics of §3–4 and the what-if results of §5–6,
//! gathered for the report renderers. Pure computation.

use crate::graph::SupplyGraph;
use crate::metrics::{self, Metrics, Thresholds};
use crate::model::{Dataset, FirmIdx, Scenario};
use crate::sweep::{self, WhatIf, WhatIfSettings};

/// Settings of an analysis.
#[derive(Debug, Clone, Default)]
pub struct AnalysisSettings {
    pub thresholds: Thresholds,
    pub whatif: WhatIfSettings,
}

/// Everything a report shows about one dataset.
pub struct Analysis<'a> {
    pub ds: &'a Dataset,
    pub g: &'a SupplyGraph,
    pub metrics: Metrics,
    pub whatif: WhatIf,
    /// Data coverage of each end firm, in `g.end_firms` order.
    pub coverage: Vec<(FirmIdx, f64)>,
    pub settings: AnalysisSettings,
    /// Wall time of each phase, for `--timings` (never rendered into reports).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl<'a> Analysis<'a> {
    /// Runs the analysis. `cli` is the scenario built from `--cut` flags, if any; `tick` is
    /// called once per sweep entry.
    pub fn run(
        ds: &'a Dataset,
        g: &'a SupplyGraph,
        cli: Option<&Scenario>,
        settings: AnalysisSettings,
        tick: &(dyn Fn() + Sync),
    ) -> Self {
        let clock = std::time::Instant::now();
        let metrics = metrics::compute(ds, settings.thresholds);
        let mut timings = vec![("metrics", clock.elapsed())];
        let whatif = sweep::analyse(ds, g, cli, settings.whatif, tick, &mut timings);
        let clock = std::time::Instant::now();
        let coverage = g
            .end_firms
            .iter()
            .map(|&e| (e, metrics::coverage(ds, g, e)))
            .collect();
        timings.push(("coverage", clock.elapsed()));
        Analysis {
            ds,
            g,
            metrics,
            whatif,
            coverage,
            settings,
            timings,
        }
    }

    /// A firm's id.
    pub fn id(&self, f: FirmIdx) -> &str {
        &self.ds.firms[f].id
    }
}
