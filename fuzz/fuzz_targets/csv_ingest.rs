//! Arbitrary bytes as one CSV table of an otherwise valid dataset, then the whole pipeline.
//!
//! The first byte chooses: bits 0–1 which table the rest of the input becomes (0, 1:
//! sourcing.csv beside a firms table naming every seed firm; 2: firms.csv beside a one-row
//! sourcing table; 3: components.csv beside both), bit 2 `--normalize-shares`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scrisk_fuzz::{exercise, write_dataset, FIRMS, SOURCING_MIN};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, table)) = data.split_first() else {
        return;
    };
    let dir = match choice & 3 {
        0 | 1 => write_dataset(&[("firms.csv", FIRMS), ("sourcing.csv", table)]),
        2 => write_dataset(&[("firms.csv", table), ("sourcing.csv", SOURCING_MIN)]),
        _ => write_dataset(&[
            ("firms.csv", FIRMS),
            ("sourcing.csv", SOURCING_MIN),
            ("components.csv", table),
        ]),
    };
    exercise(dir, choice & 4 != 0);
});
