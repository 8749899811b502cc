//! scrisk: supply-chain dependency risk analysis over multi-tier supplier networks.
//!
//! Data flows one way, and every module imports only from the layers below it (a test,
//! `tests/it/layers.rs`, fails if one does not):
//!
//! ```text
//! main → run → commands/* ─┬→ settings → cli                    (what the user asked for)
//!                          ├→ output                            (stdout/stderr, progress, files)
//!                          └→ report, policy                    (render and judge results)
//!                               → highlights                    (what the results lead with)
//!                               → analysis                      (one dataset's results)
//!                               → metrics, whatif               (§3–6 of MODEL.md)
//!                               → graph, ingest                 (the supplier graph; reading)
//!                               → model                         (scrisk's own types)
//!                               → problem, text, exit, synth    (vocabulary used everywhere)
//! ```
//!
//! This is an application's internal API, not a library with semver promises: items are
//! `pub(crate)` unless the binary or the fuzz targets need them.

pub(crate) mod analysis;
pub mod cli;
pub(crate) mod commands;
pub mod exit;
pub mod fuzzing;
pub(crate) mod graph;
pub(crate) mod highlights;
pub(crate) mod ingest;
pub(crate) mod metrics;
pub(crate) mod model;
pub(crate) mod output;
pub(crate) mod policy;
pub(crate) mod problem;
pub(crate) mod report;
pub mod run;
pub(crate) mod settings;
pub(crate) mod synth;
pub(crate) mod text;
pub(crate) mod whatif;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testing;
