//! scrisk's integration tests: one test binary (faster to build and link than one per file),
//! with a module per topic. Every test runs the real `scrisk` binary through
//! [`context::TestContext`] and snapshots runs with `scrisk_snapshot!`.

mod context;

mod alternates;
mod capacity;
mod cli;
mod corpus;
mod datasets;
mod edge_cuts;
mod example;
mod formats;
mod hostile;
mod json_schema;
mod layers;
mod odd_bytes;
mod policy;
mod reading;
mod sarif;
mod settings;
mod shards;
