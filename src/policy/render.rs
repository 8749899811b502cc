//! Findings for people and for programs: text blocks with a summary line per dataset, and the
//! typed document that `scrisk check --format json` prints.

use serde::Serialize;

use super::config::Level;
use super::{Finding, Verdict};

/// One block per finding: `level[code] subject: message`, then its rows and its waiver.
pub(crate) fn findings(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{}[{}] {}: {}\n",
            f.level.as_str(),
            f.code,
            f.subject,
            f.message
        ));
        if !f.rows.is_empty() {
            let rows: Vec<String> = f.rows.iter().map(ToString::to_string).collect();
            out.push_str(&format!("  at: {}\n", rows.join(", ")));
        }
        if let Some(w) = &f.waived {
            out.push_str(&format!("  waived: {w}\n"));
        }
    }
    out
}

/// A dataset's findings as text, then its [`summary`].
pub(crate) fn text(dataset: &str, list: &[Finding]) -> String {
    let mut out = findings(list);
    out.push_str(&summary(dataset, list));
    out.push('\n');
    out
}

/// `dataset: N denied, N warnings, N waived — check passed` (or `failed`).
pub(crate) fn summary(dataset: &str, findings: &[Finding]) -> String {
    let deny = findings.iter().filter(|f| f.fails()).count();
    let warn = findings
        .iter()
        .filter(|f| f.level == Level::Warn && f.waived.is_none())
        .count();
    let waived = findings.iter().filter(|f| f.waived.is_some()).count();
    format!(
        "{dataset}: {deny} denied, {warn} warning{}, {waived} waived — {}",
        if warn == 1 { "" } else { "s" },
        match Verdict::of(findings) {
            Verdict::Fail => "check failed",
            Verdict::Pass => "check passed",
        }
    )
}

/// The findings of one dataset in the JSON document. Fields in alphabetical order, as the
/// document has always printed them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DatasetFindings {
    pub(crate) dataset: String,
    pub(crate) findings: Vec<Finding>,
    /// No finding fails the check ([`Verdict::Pass`]).
    pub(crate) passed: bool,
}

impl DatasetFindings {
    pub(crate) fn new(dataset: &str, findings: Vec<Finding>) -> DatasetFindings {
        DatasetFindings {
            dataset: dataset.to_string(),
            passed: Verdict::of(&findings) == Verdict::Pass,
            findings,
        }
    }
}

/// What `scrisk check --format json` prints: each dataset's findings, then the findings about
/// the policy itself (unused waivers, over every dataset).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub(crate) struct CheckDocument {
    pub(crate) datasets: Vec<DatasetFindings>,
    pub(crate) policy: Vec<Finding>,
}

impl CheckDocument {
    /// The document as pretty-printed JSON (two-space indents, no trailing newline).
    pub(crate) fn to_json(&self) -> String {
        // Only strings, booleans and lists: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Code, Place};

    fn finding(level: Level, waived: Option<&str>) -> Finding {
        let mut f = Finding::new(
            Code::SingleSource,
            level,
            "leap/cell".into(),
            "leap buys cell only from catl-nd".into(),
            vec![],
            vec![Place::Sourcing(2)],
        );
        f.waived = waived.map(str::to_string);
        f
    }

    #[test]
    fn text_blocks_and_the_summary() {
        let list = [
            finding(Level::Warn, None),
            finding(Level::Deny, Some("known (until 2026-12-31)")),
        ];
        assert_eq!(
            text("example", &list),
            "warn[single-source] leap/cell: leap buys cell only from catl-nd\n  at: sourcing row 2\n\
             deny[single-source] leap/cell: leap buys cell only from catl-nd\n  at: sourcing row 2\n  waived: known (until 2026-12-31)\n\
             example: 0 denied, 1 warning, 1 waived — check passed\n"
        );
        assert_eq!(
            summary("x", &[finding(Level::Deny, None)]),
            "x: 1 denied, 0 warnings, 0 waived — check failed"
        );
    }

    #[test]
    fn the_json_document_keeps_its_shape() {
        let doc = CheckDocument {
            datasets: vec![DatasetFindings::new(
                "example",
                vec![finding(Level::Deny, None)],
            )],
            policy: vec![],
        };
        let want = r#"{
  "datasets": [
    {
      "dataset": "example",
      "findings": [
        {
          "code": "single-source",
          "level": "deny",
          "message": "leap buys cell only from catl-nd",
          "rows": [
            "sourcing row 2"
          ],
          "subject": "leap/cell",
          "subjects": [],
          "waived": null
        }
      ],
      "passed": false
    }
  ],
  "policy": []
}"#;
        assert_eq!(doc.to_json(), want);
    }
}
