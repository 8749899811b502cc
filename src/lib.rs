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

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod fuzzing;
pub mod graph;
pub mod highlights;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod output;
pub mod policy;
pub mod problem;
pub mod report;
pub mod run;
pub mod settings;
pub mod synth;
pub mod text;
pub mod whatif;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testing;
