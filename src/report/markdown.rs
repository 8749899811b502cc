//! The markdown report for analysts.

use crate::analysis::Analysis;

/// Renders the markdown report.
pub fn render(a: &Analysis) -> String {
    format!("# {}\n", a.ds.name)
}
