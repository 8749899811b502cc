//! Rendering an [`crate::analysis::Analysis`] (with its [`crate::highlights::Highlights`]) as
//! markdown for people and JSON for machines, and comparing two JSON reports. Pure: returns
//! strings, writes nothing.
//!
//! `schema` is the JSON contract as types; `json` fills it, `diff` reads it back. `markdown`
//! renders, with `table` for its capped tables. `shard` is the partial document of one shard
//! of a sharded sweep (`analyze --shard`), which `scrisk merge` reads back.

pub(crate) mod diff;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod schema;
pub(crate) mod shard;
pub(crate) mod table;
