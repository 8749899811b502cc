//! `scrisk whatif`: the `--cut` flags as one scenario on each dataset, answered at once (no
//! sweeps) as a markdown table on stdout; nothing is written.

use super::{discover, load, resolve_cuts};
use crate::exit::ExitStatus;
use crate::model::cut::CLI_SCENARIO;
use crate::model::Scenario;
use crate::output::Out;
use crate::report;
use crate::settings::Whatif;
use crate::whatif::capacity::{self, network::Network};
use crate::whatif::scenario;

/// Runs `scrisk whatif`.
pub(crate) fn run(s: &Whatif, out: &mut Out) -> ExitStatus {
    let (dirs, mut status) = discover(&s.input.paths, out);
    for dir in &dirs {
        let Some((ds, g)) = load(dir, s.input.load, out) else {
            status = ExitStatus::Error;
            continue;
        };
        let Some(cuts) = resolve_cuts(&ds, &s.cuts, out) else {
            status = ExitStatus::Error;
            continue;
        };
        let scenario = Scenario {
            name: CLI_SCENARIO.into(),
            description: Some("cuts given on the command line".into()),
            cuts,
            duration_days: s.days,
            line: None,
        };
        let result = scenario::run_single(&ds, &g, &scenario, s.whatif);
        let capacity = if ds.capacity {
            let net = Network::new(&ds);
            let d = capacity::disruption(&ds, &net, &scenario.cuts);
            match capacity::outcome(&net, &d, result.ttr_days) {
                Ok(o) => Some(o),
                Err(e) => {
                    out.diag(&format!("error: {}: {e}\n", ds.name));
                    status = ExitStatus::Error;
                    continue;
                }
            }
        } else {
            None
        };
        let text = report::markdown::render_whatif(&ds, &g.end_values, &result, capacity.as_ref());
        out.line(text.trim_end());
    }
    status
}
