//! The one way the integration tests run `scrisk`: a [`TestContext`] (a temporary directory, a
//! fixed `--today`, a fixed thread count and the shared snapshot filters), a [`Cmd`] builder for
//! one invocation, the [`Output`] of a run, and [`scrisk_snapshot!`], which snapshots exit code,
//! stdout and stderr of a run in one text with the filters applied. The shape follows uv's
//! `TestContext` and `uv_snapshot!` (crates/uv-test).
//!
//! ```ignore
//! let ctx = TestContext::new();
//! let out = ctx.analyze("tests/fixtures/example").cut("country:hu").format_json().run();
//! out.assert_ok();
//! assert_eq!(out.json()["dataset"], "example");
//! scrisk_snapshot!("missing_path", ctx.validate("no/such/dir"));
//! ```
//!
//! Commands run in the repository root, so relative paths such as `tests/fixtures/example` work
//! and appear in messages as written; `analyze` always gets an `--out` inside the temporary
//! directory, so no test writes to the repository's `reports/`. No helper waits, sleeps or
//! measures time: a test's outcome depends only on the binary's output.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The date `check` is run with unless a test says otherwise: waivers never depend on the day
/// the tests run.
pub(crate) const TODAY: &str = "2026-01-01";

/// The thread count of every run unless a test says otherwise (reports must not depend on it;
/// `datasets.rs` checks that with 1 and 4).
pub(crate) const THREADS: usize = 2;

/// The repository root (the working directory of every run).
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The worked example of MODEL.md, relative to the root.
pub(crate) const EXAMPLE: &str = "tests/fixtures/example";

/// A temporary directory plus the settings and filters shared by every run of one test.
pub(crate) struct TestContext {
    temp: tempfile::TempDir,
    threads: usize,
    /// (text, replacement), applied in order: longer, more specific paths first.
    filters: Vec<(String, String)>,
}

impl Default for TestContext {
    fn default() -> Self {
        Self::new()
    }
}

impl TestContext {
    /// A fresh temporary directory, `--today` [`TODAY`], [`THREADS`] threads, and the filters
    /// temporary directory → `[TEMP]`, corpus case directories → `[CORPUS]`, repository root →
    /// `[ROOT]`.
    pub(crate) fn new() -> Self {
        let temp = tempfile::tempdir().expect("temp dir");
        let root = root();
        let filters = vec![
            (temp.path().display().to_string(), "[TEMP]".to_string()),
            // Both collections of cases: a case shows as [CORPUS]/<case>, as corpus.rs's
            // snapshots have always had it.
            (
                root.join("tests/corpus/bad").display().to_string(),
                "[CORPUS]".to_string(),
            ),
            (
                root.join("tests/corpus/good").display().to_string(),
                "[CORPUS]".to_string(),
            ),
            (root.display().to_string(), "[ROOT]".to_string()),
        ];
        TestContext {
            temp,
            threads: THREADS,
            filters,
        }
    }

    /// The temporary directory (removed when the context is dropped).
    pub(crate) fn temp(&self) -> &Path {
        self.temp.path()
    }

    /// A path inside the temporary directory.
    pub(crate) fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.temp.path().join(relative)
    }

    /// The `--out` directory `analyze` writes to unless told otherwise.
    pub(crate) fn reports(&self) -> PathBuf {
        self.path("reports")
    }

    /// Writes `contents` to a file in the temporary directory (creating parent directories) and
    /// returns its path.
    pub(crate) fn write(&self, relative: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directory");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Copies a directory of the repository (`from`, relative to the root) into the temporary
    /// directory as `to` and returns the copy's path.
    pub(crate) fn copy(&self, from: impl AsRef<Path>, to: impl AsRef<Path>) -> PathBuf {
        let target = self.path(to);
        copy_dir(&root().join(from), &target);
        target
    }

    /// A copy of the worked example at `to` (a dataset named after the last component).
    pub(crate) fn example(&self, to: impl AsRef<Path>) -> PathBuf {
        self.copy(EXAMPLE, to)
    }

    /// `scrisk` with no arguments yet.
    pub(crate) fn scrisk(&self) -> Cmd<'_> {
        Cmd {
            ctx: self,
            args: Vec::new(),
            out: None,
            today: None,
            threads: self.threads,
        }
    }

    /// `scrisk <subcommand>`.
    pub(crate) fn command(&self, subcommand: &str) -> Cmd<'_> {
        self.scrisk().arg(subcommand)
    }

    /// `scrisk validate <path>`.
    pub(crate) fn validate(&self, path: impl AsRef<OsStr>) -> Cmd<'_> {
        self.command("validate").arg(path)
    }

    /// `scrisk analyze <path> --out <temp>/reports` (markdown, as the binary's default).
    pub(crate) fn analyze(&self, path: impl AsRef<OsStr>) -> Cmd<'_> {
        let mut cmd = self.command("analyze").arg(path);
        cmd.out = Some(self.reports());
        cmd
    }

    /// `scrisk whatif <path>`.
    pub(crate) fn whatif(&self, path: impl AsRef<OsStr>) -> Cmd<'_> {
        self.command("whatif").arg(path)
    }

    /// `scrisk check <path> --today <today>`.
    pub(crate) fn check(&self, path: impl AsRef<OsStr>) -> Cmd<'_> {
        let mut cmd = self.command("check").arg(path);
        cmd.today = Some(TODAY.to_string());
        cmd
    }

    /// `scrisk diff <old> <new>`.
    pub(crate) fn diff(&self, old: impl AsRef<OsStr>, new: impl AsRef<OsStr>) -> Cmd<'_> {
        self.command("diff").arg(old).arg(new)
    }

    /// `scrisk init <file>`.
    pub(crate) fn init(&self, file: impl AsRef<OsStr>) -> Cmd<'_> {
        self.command("init").arg(file)
    }
}

/// One invocation of `scrisk`, built argument by argument; [`Cmd::run`] runs it.
#[must_use = "a command does nothing until it is run"]
pub(crate) struct Cmd<'a> {
    ctx: &'a TestContext,
    args: Vec<OsString>,
    /// `--out`, appended when the command runs (only `analyze` has one by default).
    out: Option<PathBuf>,
    /// `--today`, appended when the command runs (only `check` has one by default).
    today: Option<String>,
    threads: usize,
}

impl Cmd<'_> {
    /// Appends one argument.
    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Appends arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// `--cut <spec>`.
    pub(crate) fn cut(self, spec: &str) -> Self {
        self.arg("--cut").arg(spec)
    }

    /// `--format <format>`.
    pub(crate) fn format(self, format: &str) -> Self {
        self.arg("--format").arg(format)
    }

    /// `--format json`.
    pub(crate) fn format_json(self) -> Self {
        self.format("json")
    }

    /// `--format both`.
    pub(crate) fn format_both(self) -> Self {
        self.format("both")
    }

    /// `--policy <file>`.
    pub(crate) fn policy(self, file: impl AsRef<OsStr>) -> Self {
        self.arg("--policy").arg(file)
    }

    /// `--out <dir>` instead of the context's reports directory.
    pub(crate) fn out(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out = Some(dir.into());
        self
    }

    /// `--today <date>` instead of the context's.
    pub(crate) fn today(mut self, date: &str) -> Self {
        self.today = Some(date.to_string());
        self
    }

    /// The thread count (`RAYON_NUM_THREADS`) of this run.
    pub(crate) fn threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }

    /// The full argument list, as the binary will get it.
    fn argv(&self) -> Vec<OsString> {
        let mut argv = self.args.clone();
        if let Some(out) = &self.out {
            argv.push("--out".into());
            argv.push(out.into());
        }
        if let Some(today) = &self.today {
            argv.push("--today".into());
            argv.push(today.into());
        }
        argv
    }

    /// Runs the binary in the repository root and collects what it did.
    pub(crate) fn run(self) -> Output {
        let argv = self.argv();
        let (status, stdout, stderr) = run_binary(&argv, self.threads);
        Output {
            status,
            stdout,
            stderr,
            argv,
            out: self.out,
            filters: self.ctx.filters.clone(),
        }
    }
}

/// What one run of `scrisk` did.
pub(crate) struct Output {
    /// The exit code (-1 when the process was killed by a signal).
    pub(crate) status: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// The arguments the run had, for assertion messages.
    argv: Vec<OsString>,
    /// The `--out` directory of the run, if it had one.
    out: Option<PathBuf>,
    filters: Vec<(String, String)>,
}

impl Output {
    /// Exit code, stdout and stderr in one text, filtered: what [`scrisk_snapshot!`] records.
    pub(crate) fn snapshot(&self) -> String {
        filter(
            &self.filters,
            &snapshot_text(self.status, &self.stdout, &self.stderr),
        )
    }

    /// The command line, for messages.
    pub(crate) fn command_line(&self) -> String {
        let args: Vec<String> = self
            .argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        filter(&self.filters, &format!("scrisk {}", args.join(" ")))
    }

    /// Panics unless the run exited with `code`; the message shows the whole run.
    #[track_caller]
    pub(crate) fn assert_status(&self, code: i32) -> &Self {
        assert_eq!(
            self.status,
            code,
            "{}\n{}",
            self.command_line(),
            self.snapshot()
        );
        self
    }

    /// Panics unless the run succeeded (exit 0).
    #[track_caller]
    pub(crate) fn assert_ok(&self) -> &Self {
        self.assert_status(0)
    }

    /// Panics unless the run failed with an error (exit 2).
    #[track_caller]
    pub(crate) fn assert_error(&self) -> &Self {
        self.assert_status(2)
    }

    /// Panics unless stderr, filtered as in snapshots, contains `needle` (so a test can name
    /// `[TEMP]/policy.toml`).
    #[track_caller]
    pub(crate) fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            filter(&self.filters, &self.stderr).contains(needle),
            "{:?} missing from stderr of {}\n{}",
            needle,
            self.command_line(),
            self.snapshot()
        );
        self
    }

    /// Panics unless stdout, filtered as in snapshots, contains `needle`.
    #[track_caller]
    pub(crate) fn assert_stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            filter(&self.filters, &self.stdout).contains(needle),
            "{:?} missing from stdout of {}\n{}",
            needle,
            self.command_line(),
            self.snapshot()
        );
        self
    }

    /// stdout parsed as JSON (`check --format json`).
    pub(crate) fn stdout_json(&self) -> serde_json::Value {
        json(&self.stdout)
    }

    /// The `--out` directory of the run.
    pub(crate) fn out_dir(&self) -> &Path {
        self.out.as_deref().expect("the command had no --out")
    }

    /// The names of the files in the `--out` directory, sorted (empty when it does not exist).
    pub(crate) fn written(&self) -> Vec<String> {
        files(self.out_dir())
    }

    /// The one report with extension `ext` (`md` or `json`) in the `--out` directory.
    pub(crate) fn report_path(&self, ext: &str) -> PathBuf {
        let suffix = format!(".{ext}");
        let found: Vec<String> = self
            .written()
            .into_iter()
            .filter(|f| f.ends_with(&suffix))
            .collect();
        match found.as_slice() {
            [one] => self.out_dir().join(one),
            _ => panic!(
                "expected one .{ext} report in {}, found {found:?}\n{}",
                self.out_dir().display(),
                self.snapshot()
            ),
        }
    }

    /// The written JSON report, parsed (the run must have written exactly one).
    pub(crate) fn json(&self) -> serde_json::Value {
        json(&read(&self.report_path("json")))
    }

    /// The written markdown report (the run must have written exactly one).
    pub(crate) fn markdown(&self) -> String {
        read(&self.report_path("md"))
    }
}

/// Runs `scrisk` once, in the repository root, with a fixed thread count and an environment
/// that cannot change the output (help width, colours). Returns (exit code, stdout, stderr).
pub(crate) fn run_binary(args: &[OsString], threads: usize) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scrisk"))
        .args(args)
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .output()
        .expect("the scrisk binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The snapshot text of a run: exit code, stdout and stderr (the format every CLI snapshot in
/// `snapshots/` has).
pub(crate) fn snapshot_text(status: i32, stdout: &str, stderr: &str) -> String {
    format!("exit: {status}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}

fn filter(filters: &[(String, String)], text: &str) -> String {
    filters
        .iter()
        .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
}

/// Runs a [`Cmd`], snapshots its exit code, stdout and stderr with the context's filters
/// applied, and returns the [`Output`] for further assertions.
///
/// - `scrisk_snapshot!(cmd)`: a file snapshot named after the test function;
/// - `scrisk_snapshot!("name", cmd)`: a file snapshot `it__<module>__name.snap`;
/// - `scrisk_snapshot!(cmd, @"...")`: an inline snapshot, for short messages. A mismatch prints
///   the new text (and, with `INSTA_UPDATE=new`, leaves it in `tests/it/.<module>.rs.pending-snap`
///   for `cargo insta review`); without cargo-insta, read it and edit the literal by hand.
macro_rules! scrisk_snapshot {
    ($cmd:expr, @$snapshot:literal) => {{
        let output = $cmd.run();
        insta::assert_snapshot!(output.snapshot(), @$snapshot);
        output
    }};
    ($cmd:expr) => {{
        let output = $cmd.run();
        insta::assert_snapshot!(output.snapshot());
        output
    }};
    ($name:expr, $cmd:expr) => {{
        let output = $cmd.run();
        insta::assert_snapshot!($name, output.snapshot());
        output
    }};
}
pub(crate) use scrisk_snapshot;

/// Reads a file as text, naming it on failure.
pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Sub-directories of `dir`, sorted by name.
pub(crate) fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Files in `dir`, sorted by name (empty when it does not exist).
pub(crate) fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| {
                e.expect("directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Copies a directory tree (datasets are small).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for e in
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()))
    {
        let e = e.expect("directory entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy file");
        }
    }
}

/// Parses JSON text, panicking with the text on failure.
pub(crate) fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
}
