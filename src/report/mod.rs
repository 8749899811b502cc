//! Rendering an [`crate::analysis::Analysis`] (with its [`crate::highlights::Highlights`]) as
//! markdown for people and JSON for machines, and comparing two JSON reports. Pure: returns
//! strings, writes nothing.
//!
//! `schema` is the JSON contract as types; `json` fills it, `diff` reads it back. `markdown`
//! renders, with `table` for its capped tables.

pub mod diff;
pub mod json;
pub mod markdown;
pub mod schema;
pub mod table;
