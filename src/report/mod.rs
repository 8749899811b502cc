//! Rendering an [`crate::analysis::Analysis`] as markdown for people and JSON for machines,
//! and comparing two JSON reports. Pure: returns strings, writes nothing.
//!
//! `schema` is the JSON contract as types; `json` fills it, `diff` reads it back.

pub mod diff;
pub mod json;
pub mod markdown;
pub mod schema;
