//! scrisk: supply-chain dependency risk analysis over multi-tier supplier networks.
//!
//! The pipeline runs one way: [`ingest`] reads and validates a dataset into the [`model`],
//! [`graph`] builds the supplier graph once, the analyses read both, and the report renders
//! the results. Only the binary and [`run`] touch the terminal and the file system's outputs.

pub mod graph;
pub mod ingest;
pub mod model;
pub mod problem;
pub mod analyze;
pub mod cli;
pub mod metrics;
pub mod run;
pub mod whatif;
pub mod sweep;
pub mod analysis;
pub mod output;
pub mod report;
