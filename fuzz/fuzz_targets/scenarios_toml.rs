//! Arbitrary bytes as scenarios.toml of a valid dataset, then the whole pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scrisk_fuzz::{exercise, write_dataset, FIRMS, SOURCING};

fuzz_target!(|data: &[u8]| {
    let dir = write_dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        ("scenarios.toml", data),
    ]);
    exercise(dir, false);
});
