//! Rendering an [`crate::analysis::Analysis`] as markdown for people and JSON for machines.
//! Pure: returns strings, writes nothing.

pub mod diff;
pub mod json;
pub mod markdown;
