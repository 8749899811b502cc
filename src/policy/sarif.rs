//! The findings as SARIF 2.1.0 (`scrisk check --format sarif`), the format GitHub code scanning
//! reads: one rule per [`Code`], one result per finding, located at the file and row of the
//! input behind it.
//!
//! Levels follow how the gate counts findings ([`super::render::summary`]): a finding that fails
//! the check is an `error`, an unwaived warning a `warning`, and a waived finding a `note` that
//! carries its waiver as a SARIF suppression (code scanning ignores suppressions, so a waived
//! deny finding must not show as an error there).
//!
//! File locations are relative paths, never absolute ones: a path given relative on the command
//! line is written as given (CI runs from the repository root, which is what code scanning
//! resolves relative paths against); an absolute path inside the working directory is written
//! relative to it; any other absolute path is written relative to the path given on the command
//! line, marked with the `uriBaseId` [`DATASET_ROOT`] (or [`POLICY_ROOT`] for the policy file).
//!
//! Pure and deterministic: the document depends only on the findings, the paths and the working
//! directory it is given, so the same input gives the same bytes.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::config::{Level, Policy};
use super::{Code, Finding, Place};
use crate::model::SourceFiles;

/// The `$schema` of the document: the `id` of the OASIS SARIF 2.1.0 schema (with errata 01).
pub(crate) const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `uriBaseId` of a dataset file given by an absolute path outside the working directory:
/// its `uri` is relative to the path given on the command line.
pub(crate) const DATASET_ROOT: &str = "DATASETROOT";

/// The `uriBaseId` of a policy file given by an absolute path outside the working directory:
/// its `uri` is the file's name.
pub(crate) const POLICY_ROOT: &str = "POLICYROOT";

/// A SARIF log under construction: one run of scrisk, its results added dataset by dataset.
#[derive(Debug, Clone, Default)]
pub(crate) struct SarifLog {
    /// The working directory, when known: absolute paths under it are written relative to it.
    cwd: Option<PathBuf>,
    /// The policy file, when the policy was read from one (waivers are located in it).
    policy_file: Option<PathBuf>,
    results: Vec<SarifResult>,
}

/// Where a dataset's findings are located: the path given on the command line that it was found
/// under, and the files it was read from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DatasetFiles<'a> {
    pub(crate) root: &'a Path,
    pub(crate) files: &'a SourceFiles,
}

impl SarifLog {
    /// An empty log; `cwd` is the working directory, `policy_file` the policy as given.
    pub(crate) fn new(cwd: Option<PathBuf>, policy_file: Option<PathBuf>) -> SarifLog {
        SarifLog {
            cwd,
            policy_file,
            results: Vec::new(),
        }
    }

    /// Adds the findings of dataset `name`, located in its files.
    pub(crate) fn dataset(&mut self, name: &str, files: DatasetFiles<'_>, findings: &[Finding]) {
        for f in findings {
            let result = self.result(f, Some(name), Some(files));
            self.results.push(result);
        }
    }

    /// Adds the findings about the policy itself (unused waivers), located in the policy file.
    pub(crate) fn policy(&mut self, findings: &[Finding]) {
        for f in findings {
            let result = self.result(f, None, None);
            self.results.push(result);
        }
    }

    /// The document as pretty-printed JSON (two-space indents, no trailing newline).
    pub(crate) fn to_json(&self) -> String {
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "scrisk",
                        version: env!("CARGO_PKG_VERSION"),
                        rules: Code::ALL.iter().map(|&c| rule(c)).collect(),
                    },
                },
                results: &self.results,
            }],
        };
        // Strings, integers and lists only: serialising cannot fail.
        serde_json::to_string_pretty(&log).unwrap_or_default()
    }

    fn result(
        &self,
        f: &Finding,
        dataset: Option<&str>,
        files: Option<DatasetFiles<'_>>,
    ) -> SarifResult {
        let mut located: Vec<(String, Location)> = f
            .rows
            .iter()
            .filter_map(|p| Some((p.to_string(), self.locate(p, files)?)))
            .collect();
        // The first place is where code scanning shows the result; the others are related
        // locations, linked from the message by their ids (1, 2, …).
        let related = located.split_off(located.len().min(1));
        let links: Vec<String> = (related.iter().enumerate())
            .map(|(i, (label, _))| format!("[{}]({})", link_text(label), i + 1))
            .collect();
        let related: Vec<Location> = (related.into_iter().enumerate())
            .map(|(i, (_, l))| Location {
                id: Some(i + 1),
                ..l
            })
            .collect();
        SarifResult {
            rule_id: f.code.as_str(),
            rule_index: rule_index(f.code),
            level: result_level(f),
            message: Text {
                text: message(f, &links),
            },
            locations: located.into_iter().map(|(_, l)| l).collect(),
            related_locations: related,
            suppressions: f
                .waived
                .iter()
                .map(|w| Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: w.clone(),
                })
                .collect(),
            properties: Properties {
                dataset: dataset.map(str::to_string),
                subject: f.subject.clone(),
                subjects: f.subjects.clone(),
                policy_level: f.level.as_str(),
            },
        }
    }

    /// The location of one place, when its file is known.
    fn locate(&self, place: &Place, files: Option<DatasetFiles<'_>>) -> Option<Location> {
        let (file, root, base, row) = match place {
            Place::Sourcing(row) => {
                let d = files?;
                (&d.files.sourcing, d.root, DATASET_ROOT, Some(*row))
            }
            Place::Firms(row) => {
                let d = files?;
                (&d.files.firms, d.root, DATASET_ROOT, Some(*row))
            }
            Place::Scenario { line, .. } => {
                let d = files?;
                (d.files.scenarios.as_ref()?, d.root, DATASET_ROOT, *line)
            }
            Place::Policy(line) => {
                let file = self.policy_file.as_ref()?;
                let root = file.parent().unwrap_or(Path::new(""));
                (file, root, POLICY_ROOT, Some(*line))
            }
            Place::MoreSourcing(_) => return None,
        };
        Some(Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: self.artifact(file, root, base),
                // Lines only in text files; in a Parquet file or a workbook the row is named in
                // the location's message.
                region: row
                    .filter(|_| is_text(file))
                    .map(|r| Region { start_line: r }),
            },
            message: Text {
                text: braces(&place.to_string()),
            },
        })
    }

    /// `file` as a relative URI reference (see the module documentation).
    fn artifact(&self, file: &Path, root: &Path, base: &'static str) -> ArtifactLocation {
        if file.is_relative() {
            return ArtifactLocation {
                uri: uri(file),
                uri_base_id: None,
            };
        }
        if let Some(rest) = (self.cwd.as_deref()).and_then(|cwd| file.strip_prefix(cwd).ok()) {
            return ArtifactLocation {
                uri: uri(rest),
                uri_base_id: None,
            };
        }
        let rest = file
            .strip_prefix(root)
            .ok()
            .filter(|r| !r.as_os_str().is_empty())
            .or_else(|| file.file_name().map(Path::new))
            .unwrap_or(Path::new(""));
        ArtifactLocation {
            uri: uri(rest),
            uri_base_id: Some(base),
        }
    }
}

/// The position of `code` in the rule list ([`Code::ALL`]).
fn rule_index(code: Code) -> usize {
    Code::ALL
        .iter()
        .position(|&c| c == code)
        .expect("every code is in Code::ALL")
}

/// The SARIF level of a policy level.
fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

/// A finding's level: as the gate counts it (a waived finding is a note).
fn result_level(f: &Finding) -> &'static str {
    if f.waived.is_some() {
        "note"
    } else {
        sarif_level(f.level)
    }
}

/// The rule of a code; its default level is that of the default policy.
fn rule(code: Code) -> Rule {
    let sentence = capitalised(code.description());
    Rule {
        id: code.as_str(),
        short_description: Text {
            text: sentence.clone(),
        },
        full_description: Text {
            text: format!("{sentence}."),
        },
        help: Text {
            text: code.help().to_string(),
        },
        default_configuration: Configuration {
            level: sarif_level(Policy::default().level(code)),
        },
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `subject: message`, then the links to the related locations and the count of the rows not
/// listed.
fn message(f: &Finding, links: &[String]) -> String {
    let mut text = format!("{}: {}", f.subject, f.message);
    let more = f.rows.iter().find_map(|p| match p {
        Place::MoreSourcing(_) => Some(p.to_string()),
        _ => None,
    });
    if !links.is_empty() {
        text.push_str("; also ");
        text.push_str(&links.join(", "));
    }
    if let Some(more) = more {
        text.push_str(if links.is_empty() { "; " } else { " " });
        text.push_str(&more);
    }
    braces(&text)
}

/// Link text of an embedded link in a plain text message: `\`, `[` and `]` escaped with a
/// backslash (SARIF 2.1.0 §3.11.6).
fn link_text(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Literal braces doubled, as SARIF message strings require (§3.11.5: `{0}` is a placeholder).
fn braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// Whether locations in `file` are lines: CSV and TOML files (not Parquet files or workbooks).
fn is_text(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("toml"))
}

/// A relative path as a URI reference: components joined with `/` (`.` dropped), each
/// percent-encoded except for the characters RFC 3986 allows in a path segment (`:` is encoded
/// too, so that the first segment never reads as a scheme).
fn uri(path: &Path) -> String {
    let mut out = String::new();
    for c in path.components() {
        let part = match c {
            Component::Normal(s) => s.to_string_lossy(),
            Component::ParentDir => "..".into(),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => continue,
        };
        if !out.is_empty() {
            out.push('/');
        }
        for b in part.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b) {
                out.push(char::from(b));
            } else {
                // Writing to a String cannot fail.
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

// The document, in the order SARIF 2.1.0 lists the properties; optional ones are left out when
// empty.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool,
    results: &'a [SarifResult],
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Debug, Clone, Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: Properties,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Debug, Clone, Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

/// scrisk's own data on a result: the dataset (none for findings about the policy), what the
/// finding is about, and the level the policy gave it (a waived finding keeps it here).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Properties {
    #[serde(skip_serializing_if = "Option::is_none")]
    dataset: Option<String>,
    subject: String,
    subjects: Vec<String>,
    policy_level: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(level: Level, rows: Vec<Place>) -> Finding {
        Finding::new(
            Code::Concentration,
            level,
            "cell".into(),
            "supplier HHI 6600 is above 1800".into(),
            vec!["cell".into()],
            rows,
        )
    }

    fn files() -> SourceFiles {
        SourceFiles {
            firms: PathBuf::from("data/ev/firms.parquet"),
            sourcing: PathBuf::from("data/ev/sourcing.csv"),
            scenarios: Some(PathBuf::from("data/ev/scenarios.toml")),
        }
    }

    /// The one result of `f` in dataset `ev` under `data`, as JSON.
    fn result_of(f: &Finding, policy_file: Option<&str>) -> serde_json::Value {
        let mut log = SarifLog::new(None, policy_file.map(PathBuf::from));
        let files = files();
        let root = PathBuf::from("data");
        log.dataset(
            "ev",
            DatasetFiles {
                root: &root,
                files: &files,
            },
            std::slice::from_ref(f),
        );
        let doc: serde_json::Value = serde_json::from_str(&log.to_json()).expect("JSON");
        doc["runs"][0]["results"][0].clone()
    }

    #[test]
    fn uris_are_relative_and_percent_encoded() {
        assert_eq!(
            uri(Path::new("datasets/ev/sourcing.csv")),
            "datasets/ev/sourcing.csv"
        );
        assert_eq!(uri(Path::new("./datasets/./ev/x.csv")), "datasets/ev/x.csv");
        assert_eq!(uri(Path::new("../data/x.csv")), "../data/x.csv");
        assert_eq!(
            uri(Path::new("ev chain #1/x.csv")),
            "ev%20chain%20%231/x.csv"
        );
        assert_eq!(uri(Path::new("c:d/100%.csv")), "c%3Ad/100%25.csv");
        assert_eq!(uri(Path::new("Łódź/x.csv")), "%C5%81%C3%B3d%C5%BA/x.csv");
    }

    // Absolute paths without a drive letter are Unix paths.
    #[cfg(unix)]
    #[test]
    fn absolute_paths_are_made_relative_to_the_cwd_or_the_root_given() {
        let log = SarifLog::new(Some(PathBuf::from("/home/ci/repo")), None);
        let inside = log.artifact(
            Path::new("/home/ci/repo/datasets/ev/sourcing.csv"),
            Path::new("/home/ci/repo/datasets"),
            DATASET_ROOT,
        );
        assert_eq!(inside.uri, "datasets/ev/sourcing.csv");
        assert_eq!(inside.uri_base_id, None);
        let outside = log.artifact(
            Path::new("/srv/data/ev/sourcing.csv"),
            Path::new("/srv/data"),
            DATASET_ROOT,
        );
        assert_eq!(outside.uri, "ev/sourcing.csv");
        assert_eq!(outside.uri_base_id, Some(DATASET_ROOT));
        // A workbook given as the path: its own name.
        let book = log.artifact(
            Path::new("/srv/ev.xlsx"),
            Path::new("/srv/ev.xlsx"),
            DATASET_ROOT,
        );
        assert_eq!(book.uri, "ev.xlsx");
        let relative = log.artifact(
            Path::new("datasets/ev/firms.csv"),
            Path::new("x"),
            DATASET_ROOT,
        );
        assert_eq!(relative.uri, "datasets/ev/firms.csv");
        assert_eq!(relative.uri_base_id, None);
    }

    #[test]
    fn levels_follow_how_the_gate_counts_findings() {
        let deny = finding(Level::Deny, vec![Place::Sourcing(3)]);
        assert_eq!(result_of(&deny, None)["level"], "error");
        let warn = finding(Level::Warn, vec![Place::Sourcing(3)]);
        assert_eq!(result_of(&warn, None)["level"], "warning");
        let mut waived = deny.clone();
        waived.waived = Some("known (until 2026-12-31)".into());
        let r = result_of(&waived, None);
        assert_eq!(r["level"], "note");
        assert_eq!(r["properties"]["policyLevel"], "deny");
        assert_eq!(
            r["suppressions"],
            serde_json::json!([{"kind": "external", "status": "accepted", "justification": "known (until 2026-12-31)"}])
        );
        assert!(result_of(&deny, None).get("suppressions").is_none());
    }

    #[test]
    fn the_first_row_is_the_location_and_the_others_are_linked() {
        let f = finding(
            Level::Deny,
            vec![
                Place::Sourcing(3),
                Place::Sourcing(7),
                Place::Sourcing(9),
                Place::MoreSourcing(4),
            ],
        );
        let r = result_of(&f, None);
        assert_eq!(r["ruleId"], "concentration");
        assert_eq!(r["ruleIndex"], 0);
        let primary = &r["locations"][0];
        assert_eq!(
            primary["physicalLocation"],
            serde_json::json!({"artifactLocation": {"uri": "data/ev/sourcing.csv"}, "region": {"startLine": 3}})
        );
        assert_eq!(primary["message"]["text"], "sourcing row 3");
        assert_eq!(r["locations"].as_array().map(Vec::len), Some(1));
        let related: Vec<(u64, u64)> = r["relatedLocations"]
            .as_array()
            .expect("related")
            .iter()
            .map(|l| {
                (
                    l["id"].as_u64().expect("id"),
                    l["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .expect("line"),
                )
            })
            .collect();
        assert_eq!(related, [(1, 7), (2, 9)]);
        assert_eq!(
            r["message"]["text"],
            "cell: supplier HHI 6600 is above 1800; also [sourcing row 7](1), [sourcing row 9](2) and 4 more sourcing rows"
        );
    }

    #[test]
    fn binary_tables_get_no_lines_and_places_without_a_file_no_location() {
        let f = finding(Level::Warn, vec![Place::Firms(12)]);
        let r = result_of(&f, None);
        assert_eq!(
            r["locations"][0]["physicalLocation"],
            serde_json::json!({"artifactLocation": {"uri": "data/ev/firms.parquet"}})
        );
        assert_eq!(r["locations"][0]["message"]["text"], "firms row 12");
        // A waiver's line, without a policy file (cannot happen: waivers come from one).
        let f = finding(Level::Warn, vec![Place::Policy(4)]);
        assert!(result_of(&f, None).get("locations").is_none());
        let r = result_of(&f, Some("ci/scrisk.toml"));
        assert_eq!(
            r["locations"][0]["physicalLocation"],
            serde_json::json!({"artifactLocation": {"uri": "ci/scrisk.toml"}, "region": {"startLine": 4}})
        );
        let f = finding(
            Level::Warn,
            vec![Place::Scenario {
                name: "Taiwan".into(),
                line: Some(12),
            }],
        );
        let r = result_of(&f, None);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            12
        );
    }

    #[test]
    fn messages_escape_braces_and_link_text_brackets() {
        let mut f = finding(
            Level::Warn,
            vec![
                Place::Sourcing(2),
                Place::Scenario {
                    name: "a[1]".into(),
                    line: Some(5),
                },
            ],
        );
        f.subject = "k{0}".into();
        let r = result_of(&f, None);
        assert_eq!(
            r["message"]["text"],
            "k{{0}}: supplier HHI 6600 is above 1800; also [scenarios.toml, scenario \"a\\[1\\]\"](1)"
        );
    }

    #[test]
    fn rules_describe_every_code_in_order() {
        let doc: serde_json::Value =
            serde_json::from_str(&SarifLog::default().to_json()).expect("JSON");
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .clone();
        assert_eq!(rules.len(), Code::ALL.len());
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(rules[i]["id"], code.as_str());
            assert_eq!(rule_index(*code), i);
            let short = rules[i]["shortDescription"]["text"]
                .as_str()
                .expect("short");
            assert!(short.starts_with(char::is_uppercase), "{short}");
            assert!(!rules[i]["help"]["text"]
                .as_str()
                .expect("help")
                .contains("  "));
        }
        assert_eq!(doc["$schema"], SCHEMA);
        assert_eq!(doc["version"], "2.1.0");
        assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
    }
}
