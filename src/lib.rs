//! scrisk: supply-chain dependency risk analysis over multi-tier supplier networks.
//!
//! The pipeline runs one way: [`ingest`] reads and validates a dataset into the [`model`],
//! [`graph`] builds the supplier graph once, the analyses read both, and the report renders
//! the results. Only the binary and [`run`] touch the terminal and the file system's outputs.

pub mod analysis;
pub mod analyze;
pub mod check;
pub mod cli;
pub mod generate;
pub mod graph;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod output;
pub mod policy;
pub mod problem;
pub mod report;
pub mod run;
pub mod sweep;
pub mod whatif;

#[cfg(test)]
mod proptests;
