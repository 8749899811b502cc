//! A JSON Schema (draft-04) validator for the keywords the SARIF 2.1.0 schema uses, so that
//! `scrisk check --format sarif` is checked against the schema itself (`tests/fixtures/sarif/`)
//! without a schema crate. A keyword it does not know is reported as a violation rather than
//! ignored, so a schema using more of JSON Schema cannot pass unchecked.
//!
//! Supported: `$ref` (to `#/definitions/…`), `type`, `enum`, `properties`,
//! `additionalProperties`, `required`, `items` (one schema), `minItems`, `uniqueItems`,
//! `minimum`, `maximum`, `anyOf`, `oneOf`, `pattern` (the four patterns of the SARIF schema,
//! each matched by hand), `format` (`uri`, `uri-reference`, `date-time`). Annotations
//! (`description`, `default`, `title`, `id`, `$schema`, `definitions`) are skipped.

use serde_json::{Map, Value};

/// A schema and the document it is part of (for `$ref`).
pub(crate) struct Schema {
    root: Value,
}

impl Schema {
    pub(crate) fn new(root: Value) -> Schema {
        Schema { root }
    }

    /// Every violation of the schema by `doc`, as `JSON pointer: what`; empty when it is valid.
    pub(crate) fn validate(&self, doc: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(&self.root, doc, "", &mut errors);
        errors
    }

    fn check(&self, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(schema) = schema.as_object() else {
            errors.push(format!("{at}: schema is not an object"));
            return;
        };
        if let Some(r) = schema.get("$ref") {
            // Draft-04: a $ref replaces the schema it is in (its siblings here are descriptions).
            match r
                .as_str()
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| self.root.pointer(p))
            {
                Some(target) => self.check(target, v, at, errors),
                None => errors.push(format!("{at}: unresolvable $ref {r}")),
            }
            return;
        }
        for (key, arg) in schema {
            match key.as_str() {
                "description" | "default" | "title" | "id" | "$schema" | "definitions" => {}
                "type" => type_check(arg, v, at, errors),
                "enum" => {
                    if !arg.as_array().is_some_and(|a| a.contains(v)) {
                        errors.push(format!("{at}: {v} is not one of {arg}"));
                    }
                }
                "properties" | "additionalProperties" | "required" => {
                    if let Some(obj) = v.as_object() {
                        self.object_keyword(schema, key, arg, obj, at, errors);
                    }
                }
                "items" | "minItems" | "uniqueItems" => {
                    if let Some(items) = v.as_array() {
                        self.array_keyword(key, arg, items, at, errors);
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(x), Some(limit)) = (v.as_f64(), arg.as_f64()) {
                        let ok = if key == "minimum" {
                            x >= limit
                        } else {
                            x <= limit
                        };
                        if !ok {
                            errors.push(format!("{at}: {x} is not within {key} {limit}"));
                        }
                    }
                }
                "anyOf" | "oneOf" => {
                    let subs = arg.as_array().map(Vec::as_slice).unwrap_or_default();
                    let valid = subs
                        .iter()
                        .filter(|s| {
                            let mut sub = Vec::new();
                            self.check(s, v, at, &mut sub);
                            sub.is_empty()
                        })
                        .count();
                    let ok = if key == "anyOf" {
                        valid >= 1
                    } else {
                        valid == 1
                    };
                    if !ok {
                        errors.push(format!(
                            "{at}: {valid} of the {} subschemas of {key} match",
                            subs.len()
                        ));
                    }
                }
                "pattern" => {
                    if let Some(s) = v.as_str() {
                        match pattern(arg.as_str().unwrap_or_default(), s) {
                            Some(true) => {}
                            Some(false) => errors.push(format!("{at}: {s:?} does not match {arg}")),
                            None => errors.push(format!("{at}: unsupported pattern {arg}")),
                        }
                    }
                }
                "format" => {
                    if let Some(s) = v.as_str() {
                        match format(arg.as_str().unwrap_or_default(), s) {
                            Some(true) => {}
                            Some(false) => errors.push(format!("{at}: {s:?} is not a {arg}")),
                            None => errors.push(format!("{at}: unsupported format {arg}")),
                        }
                    }
                }
                other => errors.push(format!("{at}: unsupported keyword {other}")),
            }
        }
    }

    fn object_keyword(
        &self,
        schema: &Map<String, Value>,
        key: &str,
        arg: &Value,
        obj: &Map<String, Value>,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        match key {
            "properties" => {
                for (name, sub) in props.into_iter().flatten() {
                    if let Some(value) = obj.get(name) {
                        self.check(sub, value, &format!("{at}/{name}"), errors);
                    }
                }
            }
            "additionalProperties" => {
                for (name, value) in obj {
                    if props.is_some_and(|p| p.contains_key(name)) {
                        continue;
                    }
                    match arg {
                        Value::Bool(true) => {}
                        Value::Bool(false) => {
                            errors.push(format!("{at}: property {name:?} is not allowed"))
                        }
                        sub => self.check(sub, value, &format!("{at}/{name}"), errors),
                    }
                }
            }
            _ => {
                for name in arg.as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default();
                    if !obj.contains_key(name) {
                        errors.push(format!("{at}: required property {name:?} is missing"));
                    }
                }
            }
        }
    }

    fn array_keyword(
        &self,
        key: &str,
        arg: &Value,
        items: &[Value],
        at: &str,
        errors: &mut Vec<String>,
    ) {
        match key {
            "items" if arg.is_object() => {
                for (i, item) in items.iter().enumerate() {
                    self.check(arg, item, &format!("{at}/{i}"), errors);
                }
            }
            "items" => errors.push(format!("{at}: unsupported items {arg}")),
            "minItems" => {
                if arg.as_u64().is_some_and(|n| (items.len() as u64) < n) {
                    errors.push(format!("{at}: fewer than {arg} items"));
                }
            }
            _ => {
                if arg == &Value::Bool(true) {
                    for (i, a) in items.iter().enumerate() {
                        if items[..i].contains(a) {
                            errors.push(format!("{at}: item {i} repeats an earlier item"));
                        }
                    }
                }
            }
        }
    }
}

fn type_check(arg: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let is = |t: &str| match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|x| x.fract() == 0.0),
        _ => false,
    };
    let ok = match arg {
        Value::String(t) => is(t),
        Value::Array(ts) => ts.iter().any(|t| t.as_str().is_some_and(is)),
        _ => false,
    };
    if !ok {
        errors.push(format!("{at}: {v} is not of type {arg}"));
    }
}

/// Whether `s` matches one of the SARIF schema's patterns; `None` for any other pattern.
fn pattern(pattern: &str, s: &str) -> Option<bool> {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let alpha2 = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic());
    Some(match pattern {
        // A GUID of version 1 to 5, variant 1.
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$" => {
            let parts: Vec<&str> = s.split('-').collect();
            parts.len() == 5
                && hex(parts[0], 8)
                && hex(parts[1], 4)
                && hex(parts[2], 4)
                && (b'1'..=b'5').contains(&parts[2].as_bytes()[0])
                && hex(parts[3], 4)
                && b"89abAB".contains(&parts[3].as_bytes()[0])
                && hex(parts[4], 12)
        }
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$" => match s.split_once('-') {
            None => alpha2(s),
            Some((a, b)) => alpha2(a) && alpha2(b),
        },
        // Unanchored: somewhere a character other than `/`, then `/`, then one more character.
        "[^/]+/.+" => s
            .char_indices()
            .any(|(i, c)| c == '/' && i > 0 && !s[..i].ends_with('/') && i + 1 < s.len()),
        // Unanchored: four dot-separated runs of digits somewhere.
        "[0-9]+(\\.[0-9]+){3}" => s.split(|c: char| !c.is_ascii_digit() && c != '.').any(|run| {
            run.split('.')
                .collect::<Vec<_>>()
                .windows(4)
                .any(|w| w.iter().all(|p| !p.is_empty()))
        }),
        _ => return None,
    })
}

/// Whether `s` is of a format of the SARIF schema; `None` for any other format.
fn format(format: &str, s: &str) -> Option<bool> {
    Some(match format {
        "uri" => match s.split_once(':') {
            Some((scheme, _)) => {
                scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
                    && uri_chars(s)
            }
            None => false,
        },
        "uri-reference" => uri_chars(s),
        "date-time" => date_time(s),
        _ => return None,
    })
}

/// Only characters RFC 3986 allows in a URI (unreserved, reserved, `%` with two hex digits).
fn uri_chars(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn date_time(s: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = d.len() == 3 && d[0].len() == 4 && d[1].len() == 2 && d[2].len() == 2;
    let (clock, zone_ok) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, true)
    } else {
        match time.rfind(['+', '-']) {
            Some(i) => {
                let z: Vec<&str> = time[i + 1..].split(':').collect();
                (
                    &time[..i],
                    z.len() == 2 && z.iter().all(|p| p.len() == 2 && digits(p)),
                )
            }
            None => (time, false),
        }
    };
    let clock = clock
        .split_once('.')
        .map_or(clock, |(c, frac)| if digits(frac) { c } else { "" });
    let t: Vec<&str> = clock.split(':').collect();
    date_ok
        && d.iter().all(|p| digits(p))
        && zone_ok
        && t.len() == 3
        && t.iter().all(|p| p.len() == 2 && digits(p))
}

#[test]
fn patterns_and_formats() {
    let guid = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$";
    assert_eq!(
        pattern(guid, "1a2b3c4d-0000-4abc-8def-0123456789ab"),
        Some(true)
    );
    assert_eq!(
        pattern(guid, "1a2b3c4d-0000-6abc-8def-0123456789ab"),
        Some(false)
    );
    assert_eq!(pattern("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$", "en-US"), Some(true));
    assert_eq!(pattern("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$", "eng"), Some(false));
    assert_eq!(pattern("[^/]+/.+", "text/csv"), Some(true));
    assert_eq!(pattern("[^/]+/.+", "/csv"), Some(false));
    assert_eq!(pattern("[0-9]+(\\.[0-9]+){3}", "v1.2.3.4"), Some(true));
    assert_eq!(pattern("[0-9]+(\\.[0-9]+){3}", "1.2.3"), Some(false));
    assert_eq!(pattern("^a+$", "a"), None);
    assert_eq!(format("uri", "https://example.org/x"), Some(true));
    assert_eq!(format("uri", "datasets/x.csv"), Some(false));
    assert_eq!(
        format("uri-reference", "datasets/ev%20chain/x.csv"),
        Some(true)
    );
    assert_eq!(
        format("uri-reference", "datasets/ev chain/x.csv"),
        Some(false)
    );
    assert_eq!(format("uri-reference", "a%2"), Some(false));
    assert_eq!(format("date-time", "2026-01-01T12:00:00Z"), Some(true));
    assert_eq!(
        format("date-time", "2026-01-01T12:00:00.5+01:00"),
        Some(true)
    );
    assert_eq!(format("date-time", "2026-01-01"), Some(false));
    assert_eq!(format("email", "a@b"), None);
}

#[test]
fn keywords_are_enforced_and_unknown_ones_reported() {
    let schema = Schema::new(serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["n"],
        "properties": {
            "n": { "$ref": "#/definitions/count" },
            "tags": { "type": "array", "uniqueItems": true, "minItems": 1, "items": { "enum": ["a", "b"] } },
            "either": { "oneOf": [ { "type": "string" }, { "type": "integer" } ] }
        },
        "definitions": { "count": { "type": "integer", "minimum": 1, "maximum": 3 } }
    }));
    assert!(schema
        .validate(&serde_json::json!({ "n": 2, "tags": ["a", "b"], "either": "x" }))
        .is_empty());
    let errors = |doc: Value| schema.validate(&doc);
    assert_eq!(errors(serde_json::json!({ "n": 4 })).len(), 1);
    assert_eq!(errors(serde_json::json!({ "n": 1.5 })).len(), 1);
    assert_eq!(errors(serde_json::json!({})).len(), 1);
    assert_eq!(errors(serde_json::json!({ "n": 1, "x": 0 })).len(), 1);
    assert_eq!(errors(serde_json::json!({ "n": 1, "tags": [] })).len(), 1);
    assert_eq!(
        errors(serde_json::json!({ "n": 1, "tags": ["a", "a"] })).len(),
        1
    );
    assert_eq!(
        errors(serde_json::json!({ "n": 1, "tags": ["c"] })).len(),
        1
    );
    assert_eq!(
        errors(serde_json::json!({ "n": 1, "either": true })).len(),
        1
    );
    let unknown = Schema::new(serde_json::json!({ "not": { "type": "string" } }));
    assert_eq!(
        unknown.validate(&serde_json::json!(1)),
        [": unsupported keyword not"]
    );
}
