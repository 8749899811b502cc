//! Progress on stderr: a spinner naming a long phase and a bar over the sweep entries. Both are
//! drawn only when stderr is a terminal and progress is wanted, so CI logs and pipes stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Sweeps shorter than this finish before a bar is worth drawing.
const MIN_BAR_LEN: u64 = 1000;

/// Whether progress can be drawn at all.
fn drawable(wanted: bool) -> bool {
    wanted && std::io::stderr().is_terminal()
}

/// A spinner with a message, ticking on its own.
pub(crate) fn spinner(wanted: bool, message: &str) -> ProgressBar {
    if !drawable(wanted) {
        return ProgressBar::hidden();
    }
    let s = ProgressBar::new_spinner();
    s.set_message(message.to_string());
    s.enable_steady_tick(std::time::Duration::from_millis(200));
    s
}

/// A bar over `len` sweep entries of dataset `name`.
pub(crate) fn sweep_bar(len: u64, wanted: bool, name: &str) -> ProgressBar {
    if !drawable(wanted) || len < MIN_BAR_LEN {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} sweep {bar:40} {pos}/{len} ({eta})") {
        bar.set_style(style);
    }
    bar.set_message(name.to_string());
    bar
}

/// Whether a sweep of `len` entries gets a bar (else a spinner covers the analysis).
pub(crate) fn has_bar(len: u64) -> bool {
    len >= MIN_BAR_LEN
}
