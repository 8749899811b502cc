//! scrisk's integration tests: one test binary (faster to build and link than one per file),
//! with a module per topic. Every test runs the real `scrisk` binary.

mod util;

mod cli;
mod corpus;
mod datasets;
mod example;
mod formats;
mod fuzz_regressions;
mod hostile;
mod layers;
mod policy;
mod settings;
