//! conftest's result documents and output formats, for users whose CI reads conftest's
//! output: `bulwark scan --conftest-output FORMAT`, `bulwark policy test --output FORMAT` and
//! `bulwark policy reformat` render a list of [`CheckResult`]s as conftest does.
//!
//! - `stdout`: `FAIL - file - namespace - message` lines, then the summary line;
//! - `json`: the list of results (`filename`, `namespace`, `successes`, `warnings`,
//!   `failures`, `exceptions`, each message as `{msg, loc, metadata}`);
//! - `tap`: one TAP plan per result;
//! - `table`: a `RESULT | FILE | NAMESPACE | MESSAGE` table;
//! - `junit`: one `testsuite`, one `testcase` per message and per success;
//! - `github`: GitHub Actions workflow commands (`::error file=F,line=L::message`) grouped
//!   per file; a message whose `_loc` names another file is annotated there too.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

/// Where a result comes from in the configuration: a message's `_loc` metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultLocation {
    pub file: String,
    /// A number, or the text given when it is not one.
    pub line: Value,
}

impl ResultLocation {
    /// `{"file": ..., "line": ...}`; `None` when neither is given.
    pub fn from_value(v: &Value) -> Option<ResultLocation> {
        let o = v.as_object()?;
        let file = o.get("file").and_then(Value::as_str).unwrap_or_default();
        let line = match o.get("line") {
            Some(l @ Value::Number(_)) => l.clone(),
            Some(Value::String(s)) if !s.is_empty() => Value::String(s.clone()),
            _ => Value::Null,
        };
        (!file.is_empty() || !line.is_null()).then(|| ResultLocation {
            file: file.to_owned(),
            line,
        })
    }

    fn line_text(&self) -> String {
        match &self.line {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// One message of a rule.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultMessage {
    pub msg: String,
    pub loc: Option<ResultLocation>,
    /// The object message's other keys (without `msg` and `_loc`).
    pub metadata: Map<String, Value>,
    /// `print` output made while the rule ran.
    pub outputs: Vec<String>,
    /// Line of the input document the message is about (1 when unknown); used for
    /// annotations without a `_loc`.
    pub document_line: u32,
}

impl ResultMessage {
    /// A message from a rule's `msg` and its metadata (where `_loc` is read and removed).
    pub fn new(msg: String, mut metadata: Map<String, Value>, document_line: u32) -> Self {
        let loc = metadata
            .remove("_loc")
            .and_then(|l| ResultLocation::from_value(&l));
        ResultMessage {
            msg,
            loc,
            metadata,
            outputs: Vec::new(),
            document_line,
        }
    }
}

/// A query and the trace lines of its evaluation (`--trace`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryTrace {
    pub query: String,
    pub traces: Vec<String>,
    /// Whether the query produced no failure.
    pub passed: bool,
}

/// The outcome of checking one file in one namespace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckResult {
    pub filename: String,
    pub namespace: String,
    pub successes: usize,
    pub skipped: Vec<ResultMessage>,
    pub warnings: Vec<ResultMessage>,
    pub failures: Vec<ResultMessage>,
    pub exceptions: Vec<ResultMessage>,
    pub queries: Vec<QueryTrace>,
}

/// An output format of conftest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConftestFormat {
    Stdout,
    Json,
    Tap,
    Table,
    Junit,
    Github,
}

impl ConftestFormat {
    pub const ALL: [ConftestFormat; 6] = [
        ConftestFormat::Stdout,
        ConftestFormat::Json,
        ConftestFormat::Tap,
        ConftestFormat::Table,
        ConftestFormat::Junit,
        ConftestFormat::Github,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ConftestFormat::Stdout => "stdout",
            ConftestFormat::Json => "json",
            ConftestFormat::Tap => "tap",
            ConftestFormat::Table => "table",
            ConftestFormat::Junit => "junit",
            ConftestFormat::Github => "github",
        }
    }

    pub fn from_name(name: &str) -> Option<ConftestFormat> {
        ConftestFormat::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConftestOptions {
    pub color: bool,
    /// Leave exception lines out of the stdout format.
    pub suppress_exceptions: bool,
    /// Show the query traces instead of the results (stdout format).
    pub trace: bool,
    /// Add the skipped count to the summary line.
    pub show_skipped: bool,
}

/// Totals over results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub tests: usize,
    pub passed: usize,
    pub warnings: usize,
    pub failures: usize,
    pub exceptions: usize,
    pub skipped: usize,
}

impl Totals {
    pub fn of(results: &[CheckResult]) -> Totals {
        let mut t = Totals::default();
        for r in results {
            t.passed += r.successes;
            t.warnings += r.warnings.len();
            t.failures += r.failures.len();
            t.exceptions += r.exceptions.len();
            t.skipped += r.skipped.len();
        }
        t.tests = t.passed + t.warnings + t.failures + t.exceptions + t.skipped;
        t
    }

    /// `5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions` (`, 0 skipped` on request).
    pub fn summary_line(&self, show_skipped: bool) -> String {
        let n = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut s = format!(
            "{}, {} passed, {}, {}, {}",
            n(self.tests, "test"),
            self.passed,
            n(self.warnings, "warning"),
            n(self.failures, "failure"),
            n(self.exceptions, "exception"),
        );
        if show_skipped {
            let _ = write!(s, ", {} skipped", self.skipped);
        }
        s
    }
}

/// Renders results in a conftest format; the text ends with a line break (empty results in
/// the table format give no text).
pub fn render_conftest(
    results: &[CheckResult],
    format: ConftestFormat,
    options: &ConftestOptions,
) -> String {
    match format {
        ConftestFormat::Stdout if options.trace => render_traces(results, options),
        ConftestFormat::Stdout => render_stdout(results, options),
        ConftestFormat::Json => render_json_results(results),
        ConftestFormat::Tap => render_tap(results),
        ConftestFormat::Table => render_table(results),
        ConftestFormat::Junit => render_junit(results),
        ConftestFormat::Github => render_github(results),
    }
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn render_stdout(results: &[CheckResult], options: &ConftestOptions) -> String {
    let mut out = String::new();
    let c = options.color;
    for r in results {
        let file = if r.filename == "-" {
            "-".to_owned()
        } else {
            format!("- {}", r.filename)
        };
        let ns = format!("- {} -", r.namespace);
        let total = r.successes
            + r.warnings.len()
            + r.failures.len()
            + r.exceptions.len()
            + r.skipped.len();
        if total == 0 {
            let _ = writeln!(out, "{} {file} {ns} no policies found", paint(c, "37", "?"));
            continue;
        }
        for m in &r.warnings {
            let _ = writeln!(out, "{} {file} {ns} {}", paint(c, "33", "WARN"), m.msg);
        }
        for m in &r.failures {
            let _ = writeln!(out, "{} {file} {ns} {}", paint(c, "31", "FAIL"), m.msg);
        }
        if !options.suppress_exceptions {
            for m in &r.exceptions {
                let _ = writeln!(out, "{} {file} {ns} {}", paint(c, "36", "EXCP"), m.msg);
            }
        }
    }
    let totals = Totals::of(results);
    let code = if totals.failures > 0 {
        "31"
    } else if totals.warnings > 0 {
        "33"
    } else if totals.exceptions > 0 {
        "36"
    } else {
        "32"
    };
    out.push('\n');
    out.push_str(&paint(c, code, &totals.summary_line(options.show_skipped)));
    out.push('\n');
    out
}

fn render_traces(results: &[CheckResult], options: &ConftestOptions) -> String {
    let mut out = String::new();
    for r in results {
        for q in &r.queries {
            let head = format!("file: {} | query: {}", r.filename, q.query);
            let _ = writeln!(
                out,
                "{}",
                paint(options.color, if q.passed { "32" } else { "31" }, &head)
            );
            for t in &q.traces {
                let _ = writeln!(out, "{}  {t}", paint(options.color, "34", "TRAC"));
            }
        }
    }
    out
}

fn message_json(m: &ResultMessage) -> Value {
    let mut o = Map::new();
    o.insert("msg".into(), Value::String(m.msg.clone()));
    if let Some(loc) = &m.loc {
        let mut l = Map::new();
        if !loc.file.is_empty() {
            l.insert("file".into(), Value::String(loc.file.clone()));
        }
        if !loc.line.is_null() {
            l.insert("line".into(), loc.line.clone());
        }
        o.insert("loc".into(), Value::Object(l));
    }
    if !m.metadata.is_empty() {
        o.insert("metadata".into(), Value::Object(m.metadata.clone()));
    }
    if !m.outputs.is_empty() {
        o.insert("outputs".into(), json!(m.outputs));
    }
    Value::Object(o)
}

/// The results as conftest's JSON document.
pub fn results_to_json(results: &[CheckResult]) -> Value {
    Value::Array(
        results
            .iter()
            .map(|r| {
                let mut o = Map::new();
                o.insert("filename".into(), Value::String(r.filename.clone()));
                o.insert("namespace".into(), Value::String(r.namespace.clone()));
                o.insert("successes".into(), json!(r.successes));
                for (key, list) in [
                    ("skipped", &r.skipped),
                    ("warnings", &r.warnings),
                    ("failures", &r.failures),
                    ("exceptions", &r.exceptions),
                ] {
                    if !list.is_empty() {
                        o.insert(key.into(), list.iter().map(message_json).collect());
                    }
                }
                if !r.queries.is_empty() {
                    let queries = r
                        .queries
                        .iter()
                        .map(|q| json!({"query": q.query, "traces": q.traces}))
                        .collect();
                    o.insert("queries".into(), Value::Array(queries));
                }
                Value::Object(o)
            })
            .collect(),
    )
}

fn render_json_results(results: &[CheckResult]) -> String {
    let mut s = serde_json::to_string_pretty(&results_to_json(results)).unwrap_or_default();
    s.push('\n');
    s
}

/// Why a conftest JSON document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultsFormatError(pub String);

impl std::fmt::Display for ResultsFormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResultsFormatError {}

/// Reads conftest's JSON results (`conftest test -o json`), as `conftest reformat` does.
pub fn results_from_json(text: &str) -> Result<Vec<CheckResult>, ResultsFormatError> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| ResultsFormatError(format!("failed to parse JSON input: {e}")))?;
    let Value::Array(items) = doc else {
        return Err(ResultsFormatError(
            "failed to parse JSON input: expected a list of check results".to_owned(),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let bad = |what: &str| {
                ResultsFormatError(format!("failed to parse JSON input: result {i}: {what}"))
            };
            let o = item.as_object().ok_or_else(|| bad("not an object"))?;
            let text_of = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let messages = |k: &str| -> Result<Vec<ResultMessage>, ResultsFormatError> {
                let Some(list) = o.get(k) else {
                    return Ok(Vec::new());
                };
                let list = list
                    .as_array()
                    .ok_or_else(|| bad(&format!("`{k}` is not a list")))?;
                list.iter()
                    .map(|m| {
                        let mo = m
                            .as_object()
                            .ok_or_else(|| bad(&format!("a `{k}` entry is not an object")))?;
                        Ok(ResultMessage {
                            msg: mo
                                .get("msg")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                            loc: mo.get("loc").and_then(ResultLocation::from_value),
                            metadata: mo
                                .get("metadata")
                                .and_then(Value::as_object)
                                .cloned()
                                .unwrap_or_default(),
                            outputs: mo
                                .get("outputs")
                                .and_then(Value::as_array)
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|s| s.as_str().map(str::to_owned))
                                        .collect()
                                })
                                .unwrap_or_default(),
                            document_line: 1,
                        })
                    })
                    .collect()
            };
            let successes = match o.get("successes") {
                None => 0,
                Some(v) => v
                    .as_u64()
                    .ok_or_else(|| bad("`successes` is not a count"))?
                    as usize,
            };
            Ok(CheckResult {
                filename: text_of("filename"),
                namespace: text_of("namespace"),
                successes,
                skipped: messages("skipped")?,
                warnings: messages("warnings")?,
                failures: messages("failures")?,
                exceptions: messages("exceptions")?,
                queries: Vec::new(),
            })
        })
        .collect()
}

fn render_tap(results: &[CheckResult]) -> String {
    let mut out = String::new();
    for r in results {
        let indicator = if r.filename == "-" {
            " - ".to_owned()
        } else {
            format!(" - {} - ", r.filename)
        };
        let total = r.failures.len() + r.warnings.len() + r.exceptions.len() + r.successes;
        if total == 0 {
            continue;
        }
        let _ = writeln!(out, "1..{total}");
        let mut n = 0;
        for m in &r.failures {
            n += 1;
            let _ = writeln!(out, "not ok {n}{indicator}{}", m.msg);
        }
        if !r.warnings.is_empty() {
            out.push_str("# warnings\n");
            for m in &r.warnings {
                n += 1;
                let _ = writeln!(out, "not ok {n}{indicator}{}", m.msg);
            }
        }
        if !r.exceptions.is_empty() {
            out.push_str("# exceptions\n");
            for m in &r.exceptions {
                n += 1;
                let _ = writeln!(out, "ok {n}{indicator}{} # SKIP exception", m.msg);
            }
        }
        if r.successes > 0 {
            out.push_str("# successes\n");
            for _ in 0..r.successes {
                n += 1;
                let _ = writeln!(out, "ok {n}{indicator}{}", r.namespace);
            }
        }
    }
    out
}

fn render_table(results: &[CheckResult]) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for r in results {
        let row = |kind: &str, msg: &str| {
            [
                kind.to_owned(),
                r.filename.clone(),
                r.namespace.clone(),
                msg.to_owned(),
            ]
        };
        for _ in 0..r.successes {
            rows.push(row("success", "SUCCESS"));
        }
        for m in &r.warnings {
            rows.push(row("warning", &m.msg));
        }
        for m in &r.failures {
            rows.push(row("failure", &m.msg));
        }
        for m in &r.exceptions {
            rows.push(row("exception", &m.msg));
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    let header = [
        "RESULT".to_owned(),
        "FILE".to_owned(),
        "NAMESPACE".to_owned(),
        "MESSAGE".to_owned(),
    ];
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let rule = {
        let mut s = String::from("+");
        for w in widths {
            s.push_str(&"-".repeat(w + 2));
            s.push('+');
        }
        s.push('\n');
        s
    };
    let line = |row: &[String; 4]| {
        let mut s = String::from("|");
        for (w, cell) in widths.iter().zip(row) {
            let pad = w - cell.chars().count();
            let _ = write!(s, " {cell}{} |", " ".repeat(pad));
        }
        s.push('\n');
        s
    };
    let mut out = rule.clone();
    out.push_str(&line(&header));
    out.push_str(&rule);
    for row in &rows {
        out.push_str(&line(row));
    }
    out.push_str(&rule);
    out
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn render_junit(results: &[CheckResult]) -> String {
    let totals = Totals::of(results);
    let mut cases = String::new();
    for r in results {
        let name = |msg: &str| {
            if msg.is_empty() {
                format!("{} - {}", r.filename, r.namespace)
            } else {
                format!("{} - {} - {msg}", r.filename, r.namespace)
            }
        };
        for _ in 0..r.successes {
            let _ = writeln!(
                cases,
                "    <testcase classname=\"conftest\" name=\"{}\"></testcase>",
                xml(&name(""))
            );
        }
        for (kind, list) in [("warning", &r.warnings), ("failure", &r.failures)] {
            for m in list {
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"conftest\" name=\"{}\">\n      <failure message=\"{}\" type=\"{kind}\">{}</failure>\n    </testcase>",
                    xml(&name(&m.msg)),
                    xml(&m.msg),
                    xml(&m.msg),
                );
            }
        }
        for m in &r.exceptions {
            let _ = writeln!(
                cases,
                "    <testcase classname=\"conftest\" name=\"{}\">\n      <skipped message=\"exception\"></skipped>\n    </testcase>",
                xml(&name(&m.msg))
            );
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"conftest\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n{cases}  </testsuite>\n</testsuites>\n",
        totals.tests,
        totals.failures + totals.warnings,
        totals.exceptions + totals.skipped,
    )
}

/// GitHub workflow command data must not break the command line.
fn gh_escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_escape(s).replace(':', "%3A").replace(',', "%2C")
}

fn render_github(results: &[CheckResult]) -> String {
    let mut out = String::new();
    for r in results {
        let total = r.successes
            + r.warnings.len()
            + r.failures.len()
            + r.exceptions.len()
            + r.skipped.len();
        let _ = writeln!(
            out,
            "::group::Testing '{}' against {total} policies in namespace '{}'",
            r.filename, r.namespace
        );
        for (level, list) in [("error", &r.failures), ("warning", &r.warnings)] {
            for m in list {
                annotate(&mut out, level, &r.filename, m);
            }
        }
        for m in &r.exceptions {
            let _ = writeln!(
                out,
                "::notice file={}::exception: {}",
                gh_property(&r.filename),
                gh_escape(&m.msg)
            );
        }
        if r.successes > 0 {
            let _ = writeln!(out, "success file={} {}", r.filename, r.successes);
        }
        out.push_str("::endgroup::\n");
    }
    let _ = writeln!(out, "{}", Totals::of(results).summary_line(false));
    out
}

/// `::error file=F,line=L::msg`; a `_loc` in the same file moves the line, a `_loc` in
/// another file is annotated there and on the input file, naming where it comes from.
fn annotate(out: &mut String, level: &str, filename: &str, m: &ResultMessage) {
    let msg = gh_escape(&m.msg);
    match &m.loc {
        Some(loc) if loc.file.is_empty() || loc.file == filename => {
            let line = loc.line_text();
            let line = if line.is_empty() {
                m.document_line.to_string()
            } else {
                line
            };
            let _ = writeln!(
                out,
                "::{level} file={},line={line}::{msg}",
                gh_property(filename)
            );
        }
        Some(loc) => {
            let line = loc.line_text();
            let at = if line.is_empty() {
                String::new()
            } else {
                format!(",line={line}")
            };
            let _ = writeln!(out, "::{level} file={}{at}::{msg}", gh_property(&loc.file));
            let _ = writeln!(
                out,
                "::{level} file={},line={}::(ORIGINATING FROM {} L{line}) {msg}",
                gh_property(filename),
                m.document_line,
                loc.file
            );
        }
        None => {
            let _ = writeln!(
                out,
                "::{level} file={},line={}::{msg}",
                gh_property(filename),
                m.document_line
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<CheckResult> {
        let mut meta = Map::new();
        meta.insert("_loc".into(), json!({"file": "test.txt", "line": 123}));
        meta.insert("other".into(), json!("metadata"));
        vec![CheckResult {
            filename: "data.yaml".into(),
            namespace: "main".into(),
            successes: 1,
            failures: vec![ResultMessage::new("test".into(), meta, 1)],
            warnings: vec![ResultMessage::new("careful".into(), Map::new(), 4)],
            ..CheckResult::default()
        }]
    }

    #[test]
    fn json_round_trips_with_location() {
        let text = render_conftest(&sample(), ConftestFormat::Json, &ConftestOptions::default());
        assert!(text.contains("\"file\": \"test.txt\""), "{text}");
        assert!(text.contains("\"line\": 123"), "{text}");
        assert!(!text.contains("_loc"), "{text}");
        let back = results_from_json(&text).expect("reads");
        assert_eq!(back[0].failures[0].loc, sample()[0].failures[0].loc);
        assert_eq!(back[0].failures[0].metadata["other"], "metadata");
        assert_eq!(back[0].successes, 1);
    }

    #[test]
    fn github_annotates_the_origin_file() {
        let text = render_conftest(
            &sample(),
            ConftestFormat::Github,
            &ConftestOptions::default(),
        );
        assert!(
            text.contains("::error file=test.txt,line=123::test\n"),
            "{text}"
        );
        assert!(
            text.contains("::error file=data.yaml,line=1::(ORIGINATING FROM test.txt L123) test"),
            "{text}"
        );
        assert!(
            text.contains("::warning file=data.yaml,line=4::careful"),
            "{text}"
        );
        assert!(text.ends_with("3 tests, 1 passed, 1 warning, 1 failure, 0 exceptions\n"));
    }

    #[test]
    fn stdout_tap_table_junit() {
        let o = ConftestOptions::default();
        let s = render_conftest(&sample(), ConftestFormat::Stdout, &o);
        assert!(
            s.starts_with("WARN - data.yaml - main - careful\nFAIL - data.yaml - main - test\n")
        );
        let t = render_conftest(&sample(), ConftestFormat::Tap, &o);
        assert!(t.starts_with("1..3\nnot ok 1 - data.yaml - test\n"), "{t}");
        assert!(t.contains("ok 3 - data.yaml - main\n"), "{t}");
        let tb = render_conftest(&sample(), ConftestFormat::Table, &o);
        assert!(
            tb.contains("| failure | data.yaml | main      | test    |"),
            "{tb}"
        );
        let j = render_conftest(&sample(), ConftestFormat::Junit, &o);
        assert!(
            j.contains("<testsuite name=\"conftest\" tests=\"3\" failures=\"2\""),
            "{j}"
        );
    }

    #[test]
    fn reading_errors_say_what_is_wrong() {
        assert!(
            results_from_json("")
                .expect_err("empty input")
                .0
                .starts_with("failed to parse JSON input")
        );
        assert!(results_from_json("{}").is_err());
        assert!(results_from_json("[{\"successes\": \"x\"}]").is_err());
        assert!(results_from_json("[]").expect("empty").is_empty());
    }
}
