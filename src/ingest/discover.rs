//! Finding datasets on disk: dataset directories (or a directory of them), the `.xlsx`
//! workbook a dataset may be instead, the table files of a directory, and dataset names.

use std::path::{Path, PathBuf};

use crate::model::SourceFiles;
use crate::problem::Problem;

const TABLE_EXTENSIONS: [&str; 2] = ["csv", "parquet"];

/// The table files of a dataset directory, by base name (`firms`, `sourcing`, `components`).
pub(crate) fn table_files(dir: &Path, base: &str) -> Vec<PathBuf> {
    TABLE_EXTENSIONS
        .iter()
        .map(|ext| dir.join(format!("{base}.{ext}")))
        .filter(|p| p.is_file())
        .collect()
}

/// Whether `path` is an `.xlsx` file.
pub(crate) fn is_workbook(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// The `.xlsx` workbook a dataset's tables come from: the path itself when it is a workbook, or
/// the one workbook of a directory that holds no `firms`/`sourcing` CSV or Parquet file.
/// (Spreadsheet lock files `~$name.xlsx` are not workbooks.)
pub(crate) fn workbook_of(path: &Path) -> Option<PathBuf> {
    if is_workbook(path) {
        return Some(path.to_path_buf());
    }
    if !path.is_dir()
        || !table_files(path, "firms").is_empty()
        || !table_files(path, "sourcing").is_empty()
    {
        return None;
    }
    let mut books: Vec<PathBuf> = std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            is_workbook(p)
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
        })
        .collect();
    books.sort();
    match books.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The files a loaded dataset was read from: its workbook for both tables when it is one, else
/// its one firms and one sourcing file (loading fails unless there is exactly one of each), and
/// its `scenarios.toml` when it has one (a workbook given as the path has none).
pub(crate) fn source_files(dir: &Path) -> SourceFiles {
    let scenarios = dir.join("scenarios.toml");
    let scenarios = (!is_workbook(dir) && scenarios.is_file()).then_some(scenarios);
    if let Some(book) = workbook_of(dir) {
        return SourceFiles {
            firms: book.clone(),
            sourcing: book,
            scenarios,
        };
    }
    let table = |base: &str| {
        table_files(dir, base)
            .into_iter()
            .next()
            .unwrap_or_else(|| dir.join(format!("{base}.csv")))
    };
    SourceFiles {
        firms: table("firms"),
        sourcing: table("sourcing"),
        scenarios,
    }
}

/// Every file a dataset's analysis reads, sorted: its tables (`firms`, `components`,
/// `sourcing` as CSV or Parquet, or its workbook), `scenarios.toml` and `dataset.toml`. A
/// sharded sweep's manifest hashes them, so that parts of other input are refused.
pub(crate) fn input_files(dir: &Path) -> Vec<PathBuf> {
    if is_workbook(dir) {
        return vec![dir.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = ["firms", "components", "sourcing"]
        .iter()
        .flat_map(|base| table_files(dir, base))
        .chain(workbook_of(dir))
        .chain(
            ["scenarios.toml", "dataset.toml"]
                .iter()
                .map(|name| dir.join(name))
                .filter(|p| p.is_file()),
        )
        .collect();
    files.sort();
    files.dedup();
    files
}

fn looks_like_dataset(dir: &Path) -> bool {
    !table_files(dir, "firms").is_empty()
        || !table_files(dir, "sourcing").is_empty()
        || workbook_of(dir).is_some()
}

/// Expands a command-line path into dataset directories: the path itself when it holds a
/// `firms` or `sourcing` table (or a workbook), else its immediate sub-directories that do
/// (sorted by name).
pub(crate) fn discover(path: &Path) -> Result<Vec<PathBuf>, Problem> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(Problem::file(shown, "no such file or directory"));
    }
    if is_workbook(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(Problem::file(shown, "is not a directory").with_hint(
            "a dataset is a directory holding firms.csv and sourcing.csv (or .parquet)",
        ));
    }
    if looks_like_dataset(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| Problem::file(shown.clone(), format!("cannot list directory: {e}")))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && looks_like_dataset(p))
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(Problem::file(shown, "holds no dataset").with_hint(
            "a dataset is a directory holding firms.csv and sourcing.csv (or .parquet), or one \
             .xlsx workbook with sheets firms and sourcing; a directory of datasets holds such \
             directories",
        ));
    }
    Ok(found)
}

/// The name of a dataset directory, used for report file names.
pub(crate) fn dataset_name(dir: &Path) -> String {
    if is_workbook(dir) {
        if let Some(stem) = dir.file_stem() {
            return stem.to_string_lossy().into_owned();
        }
    }
    let named = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..");
    named
        .or_else(|| {
            dir.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "dataset".to_string())
}
