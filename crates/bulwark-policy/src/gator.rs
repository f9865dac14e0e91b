//! gator `Suite` files (`suite.yaml`, `test.gatekeeper.sh/v1alpha1`), run as `gator verify`
//! runs them: for each test, its template and constraint; for each case, one object (or an
//! `AdmissionReview`) reviewed with the case's inventory as `data.inventory`; each assertion
//! counts the violations whose message matches its `message` regular expression and compares
//! the count with `violations` (`yes`: at least one, `no`: none, a number: exactly that).
//!
//! [`print_results`] writes gator's (Go test style) report; a run fails when any case fails.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::engine::{EngineOptions, RegoValue};
use crate::gatekeeper::matching::strings;
use crate::gatekeeper::{Constraint, ConstraintTemplate, GatekeeperError, Inventory, Review};

/// What an assertion expects of the number of matching violations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    Yes,
    No,
    Exactly(u64),
    /// A value gator rejects (negative, or a string other than yes/no).
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    pub violations: Expectation,
    /// A regular expression the violation message must match (anywhere in it).
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub name: String,
    pub object: Option<String>,
    pub inventory: Vec<String>,
    pub assertions: Vec<Assertion>,
    pub skip: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Test {
    pub name: String,
    pub template: Option<String>,
    pub constraint: Option<String>,
    pub cases: Vec<Case>,
    pub skip: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// The file.
    pub path: PathBuf,
    /// The path as the user wrote it (for the report).
    pub display: String,
    pub skip: bool,
    pub tests: Vec<Test>,
}

/// Errors of finding and reading suites.
#[derive(Debug, thiserror::Error)]
pub enum GatorError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

fn string_field(value: &Json, key: &str) -> Option<String> {
    value.get(key).and_then(Json::as_str).map(str::to_string)
}

fn bool_field(value: &Json, key: &str) -> bool {
    value.get(key).and_then(Json::as_bool).unwrap_or(false)
}

fn parse_expectation(value: Option<&Json>) -> Expectation {
    match value {
        None | Some(Json::Null) => Expectation::Yes,
        Some(Json::Number(n)) => match n.as_u64() {
            Some(n) => Expectation::Exactly(n),
            None => Expectation::Invalid(n.to_string()),
        },
        // `yes`/`no` are YAML 1.1 booleans; gator reads them as the strings they were.
        Some(Json::Bool(true)) => Expectation::Yes,
        Some(Json::Bool(false)) => Expectation::No,
        Some(Json::String(s)) if s == "yes" => Expectation::Yes,
        Some(Json::String(s)) if s == "no" => Expectation::No,
        Some(Json::String(s)) => match s.parse::<u64>() {
            Ok(n) => Expectation::Exactly(n),
            Err(_) => Expectation::Invalid(s.clone()),
        },
        Some(other) => Expectation::Invalid(other.to_string()),
    }
}

impl Suite {
    /// Parses a suite file; `Ok(None)` when the file is YAML but not a gator Suite.
    pub fn read(path: &Path, display: &str) -> Result<Option<Suite>, GatorError> {
        let text = fs_err::read_to_string(path)?;
        let invalid = |message: String| GatorError::Invalid {
            path: display.to_string(),
            message,
        };
        let docs = bulwark_yaml::load_str(&text).map_err(|e| invalid(e.to_string()))?;
        let Some(doc) = docs.first() else {
            return Ok(None);
        };
        let doc = doc.root.try_to_json().map_err(|e| invalid(e.to_string()))?;
        let is_suite = doc.get("kind").and_then(Json::as_str) == Some("Suite")
            && doc
                .get("apiVersion")
                .and_then(Json::as_str)
                .is_some_and(|v| v.starts_with("test.gatekeeper.sh/"));
        if !is_suite {
            return Ok(None);
        }
        let tests = doc
            .get("tests")
            .and_then(Json::as_array)
            .map(|tests| {
                tests
                    .iter()
                    .map(|t| Test {
                        name: string_field(t, "name").unwrap_or_default(),
                        template: string_field(t, "template"),
                        constraint: string_field(t, "constraint"),
                        skip: bool_field(t, "skip"),
                        cases: t
                            .get("cases")
                            .and_then(Json::as_array)
                            .map(|cases| {
                                cases
                                    .iter()
                                    .map(|c| Case {
                                        name: string_field(c, "name").unwrap_or_default(),
                                        object: string_field(c, "object"),
                                        inventory: strings(c.get("inventory")),
                                        skip: bool_field(c, "skip"),
                                        assertions: c
                                            .get("assertions")
                                            .and_then(Json::as_array)
                                            .map(|a| {
                                                a.iter()
                                                    .map(|a| Assertion {
                                                        violations: parse_expectation(
                                                            a.get("violations"),
                                                        ),
                                                        message: string_field(a, "message"),
                                                    })
                                                    .collect()
                                            })
                                            .unwrap_or_default(),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(Suite {
            path: path.to_path_buf(),
            display: display.to_string(),
            skip: bool_field(&doc, "skip"),
            tests,
        }))
    }
}

/// Finds the suites a `gator verify` argument names: a suite file, the YAML files of a folder,
/// or (`DIR/...`) of a folder and all below it. YAML files that are not suites are skipped.
pub fn find_suites(argument: &str) -> Result<Vec<Suite>, GatorError> {
    let (root, recursive) = match argument.strip_suffix("/...") {
        Some(dir) => (if dir.is_empty() { "." } else { dir }, true),
        None if argument == "..." => (".", true),
        None => (argument, false),
    };
    let root_path = Path::new(root);
    let metadata = fs_err::metadata(root_path)?;
    let mut files = Vec::new();
    if metadata.is_file() {
        if recursive {
            return Err(GatorError::Invalid {
                path: argument.to_string(),
                message: "can only recursively traverse directories".to_string(),
            });
        }
        if !is_yaml(root_path) {
            return Err(GatorError::Invalid {
                path: argument.to_string(),
                message: "unsupported extension: suites are .yaml or .yml files".to_string(),
            });
        }
        files.push(root_path.to_path_buf());
    } else {
        collect_yaml(root_path, recursive, &mut files, 0)?;
    }
    files.sort();
    let mut suites = Vec::new();
    for file in files {
        let display = display_path(root, root_path, &file);
        if let Some(suite) = Suite::read(&file, &display)? {
            suites.push(suite);
        }
    }
    Ok(suites)
}

fn display_path(root: &str, root_path: &Path, file: &Path) -> String {
    match file.strip_prefix(root_path) {
        Ok(rest) if !rest.as_os_str().is_empty() => {
            let rest = rest.to_string_lossy();
            if root.ends_with('/') {
                format!("{root}{rest}")
            } else {
                format!("{root}/{rest}")
            }
        }
        _ => root.to_string(),
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn collect_yaml(
    dir: &Path,
    recursive: bool,
    out: &mut Vec<PathBuf>,
    depth: usize,
) -> Result<(), GatorError> {
    if depth > 64 {
        return Ok(());
    }
    for entry in fs_err::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            if recursive {
                collect_yaml(&path, recursive, out, depth + 1)?;
            }
        } else if file_type.is_file() && is_yaml(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Selects tests and cases by a regular expression (gator's `--run`): a test runs when the
/// expression matches its name; otherwise only its cases whose `test/case` name matches.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pattern: Option<regex::Regex>,
}

impl Filter {
    pub fn new(pattern: Option<&str>) -> Result<Filter, regex::Error> {
        Ok(Filter {
            pattern: pattern.map(regex::Regex::new).transpose()?,
        })
    }

    fn matches_test(&self, test: &Test) -> bool {
        match &self.pattern {
            None => true,
            Some(p) => {
                p.is_match(&test.name)
                    || test
                        .cases
                        .iter()
                        .any(|c| p.is_match(&format!("{}/{}", test.name, c.name)))
            }
        }
    }

    fn matches_case(&self, test: &str, case: &str) -> bool {
        match &self.pattern {
            None => true,
            Some(p) => p.is_match(test) || p.is_match(&format!("{test}/{case}")),
        }
    }
}

/// The outcome of one assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionResult {
    /// `None` when it holds; else why not (gator's message).
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub name: String,
    pub skipped: bool,
    /// The first failure (a broken case, or the first assertion that does not hold).
    pub error: Option<String>,
    /// Every assertion's outcome (all failed when the case could not run).
    pub assertions: Vec<AssertionResult>,
    pub runtime: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    pub name: String,
    pub skipped: bool,
    /// The test could not run (template or constraint not usable).
    pub error: Option<String>,
    pub cases: Vec<CaseResult>,
    pub runtime: Duration,
}

impl TestResult {
    pub fn is_failure(&self) -> bool {
        self.error.is_some() || self.cases.iter().any(|c| c.error.is_some())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SuiteResult {
    pub path: String,
    pub skipped: bool,
    pub error: Option<String>,
    pub tests: Vec<TestResult>,
    pub runtime: Duration,
}

impl SuiteResult {
    pub fn is_failure(&self) -> bool {
        self.error.is_some() || self.tests.iter().any(TestResult::is_failure)
    }

    /// (assertions that hold, all assertions) over the suite's cases that ran or should
    /// have run; a test that could not run counts every assertion of its cases as failed.
    pub fn assertion_counts(&self, suite: &Suite) -> (usize, usize) {
        let mut passed = 0;
        let mut total = 0;
        for (test, result) in suite.tests.iter().zip(&self.tests) {
            if result.skipped {
                continue;
            }
            for (case, case_result) in test
                .cases
                .iter()
                .zip(result.cases.iter().map(Some).chain(std::iter::repeat(None)))
            {
                match case_result {
                    Some(r) if r.skipped => {}
                    Some(r) => {
                        total += r.assertions.len();
                        passed += r.assertions.iter().filter(|a| a.error.is_none()).count();
                    }
                    None => total += case.assertions.len(),
                }
            }
        }
        (passed, total)
    }
}

/// Runs suites, compiling each template once.
pub struct Runner {
    options: EngineOptions,
    filter: Filter,
    templates: HashMap<PathBuf, Result<ConstraintTemplate, String>>,
}

impl Runner {
    pub fn new(options: EngineOptions, filter: Filter) -> Runner {
        Runner {
            options,
            filter,
            templates: HashMap::new(),
        }
    }

    pub fn run(&mut self, suite: &Suite) -> SuiteResult {
        let started = Instant::now();
        if suite.skip {
            return SuiteResult {
                path: suite.display.clone(),
                skipped: true,
                error: None,
                tests: Vec::new(),
                runtime: Duration::ZERO,
            };
        }
        let dir = suite.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let tests = suite
            .tests
            .iter()
            .map(|test| {
                if test.skip || !self.filter.matches_test(test) {
                    TestResult {
                        name: test.name.clone(),
                        skipped: true,
                        error: None,
                        cases: Vec::new(),
                        runtime: Duration::ZERO,
                    }
                } else {
                    self.run_test(&dir, test)
                }
            })
            .collect();
        SuiteResult {
            path: suite.display.clone(),
            skipped: false,
            error: None,
            tests,
            runtime: started.elapsed(),
        }
    }

    fn template(&mut self, path: &Path) -> Result<ConstraintTemplate, String> {
        let options = self.options;
        self.templates
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let doc = read_single_object(path)?;
                ConstraintTemplate::from_json(&doc, &path.display().to_string(), options)
                    .map_err(|e| format!("adding template: {e}"))
            })
            .clone()
    }

    fn run_test(&mut self, dir: &Path, test: &Test) -> TestResult {
        let started = Instant::now();
        let prepared = self.prepare_test(dir, test);
        let (mut template, constraint) = match prepared {
            Ok(pair) => pair,
            Err(error) => {
                return TestResult {
                    name: test.name.clone(),
                    skipped: false,
                    error: Some(error),
                    cases: Vec::new(),
                    runtime: started.elapsed(),
                };
            }
        };
        let parameters = RegoValue::from(constraint.parameters.clone());
        let cases = test
            .cases
            .iter()
            .map(|case| {
                if case.skip || !self.filter.matches_case(&test.name, &case.name) {
                    return CaseResult {
                        name: case.name.clone(),
                        skipped: true,
                        error: None,
                        assertions: Vec::new(),
                        runtime: Duration::ZERO,
                    };
                }
                let case_started = Instant::now();
                let (error, assertions) =
                    match run_case(dir, case, &mut template, &constraint, &parameters) {
                        Ok(assertions) => {
                            (assertions.iter().find_map(|a| a.error.clone()), assertions)
                        }
                        Err(error) => (
                            Some(error.clone()),
                            case.assertions
                                .iter()
                                .map(|_| AssertionResult {
                                    error: Some(error.clone()),
                                })
                                .collect(),
                        ),
                    };
                CaseResult {
                    name: case.name.clone(),
                    skipped: false,
                    error,
                    assertions,
                    runtime: case_started.elapsed(),
                }
            })
            .collect();
        TestResult {
            name: test.name.clone(),
            skipped: false,
            error: None,
            cases,
            runtime: started.elapsed(),
        }
    }

    fn prepare_test(
        &mut self,
        dir: &Path,
        test: &Test,
    ) -> Result<(ConstraintTemplate, Constraint), String> {
        let template_path = test
            .template
            .as_deref()
            .filter(|t| !t.is_empty())
            .ok_or("invalid test suite: missing template")?;
        let template = self.template(&dir.join(template_path))?;
        let constraint_path = test
            .constraint
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or("invalid test suite: missing constraint")?;
        let constraint_path = dir.join(constraint_path);
        let doc = read_single_object(&constraint_path)?;
        let constraint = Constraint::from_json(&doc, &constraint_path.display().to_string())
            .map_err(|e| format!("adding constraint: {e}"))?;
        if constraint.kind != template.kind {
            return Err(format!(
                "adding constraint: the constraint's kind `{}` is not the template's kind `{}`",
                constraint.kind, template.kind
            ));
        }
        template
            .validate_constraint(&constraint)
            .map_err(|e| format!("adding constraint: {e}"))?;
        Ok((template, constraint))
    }
}

/// The non-empty documents of a YAML file.
fn read_objects(path: &Path) -> Result<Vec<Json>, String> {
    let text = fs_err::read_to_string(path).map_err(|e| e.to_string())?;
    let docs = bulwark_yaml::load_str(&text)
        .map_err(|e| format!("reading {:?}: {e}", path.display().to_string()))?;
    let objects: Vec<Json> = docs
        .iter()
        .map(|d| d.root.try_to_json().map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|d| !d.is_null())
        .collect();
    if objects.is_empty() {
        return Err(format!(
            "no objects: path {:?} defines no YAML objects",
            path.display().to_string()
        ));
    }
    Ok(objects)
}

fn read_single_object(path: &Path) -> Result<Json, String> {
    let mut objects = read_objects(path)?;
    if objects.len() != 1 {
        return Err(format!(
            "multiple objects: {:?} defines {} objects",
            path.display().to_string(),
            objects.len()
        ));
    }
    Ok(objects.remove(0))
}

fn run_case(
    dir: &Path,
    case: &Case,
    template: &mut ConstraintTemplate,
    constraint: &Constraint,
    parameters: &RegoValue,
) -> Result<Vec<AssertionResult>, String> {
    let object_path = case
        .object
        .as_deref()
        .filter(|o| !o.is_empty())
        .ok_or("invalid test case: must define object")?;
    if case.assertions.is_empty() {
        return Err("invalid test case: assertions must be non-empty".to_string());
    }
    let object = read_single_object(&dir.join(object_path))?;
    let mut inventory = Inventory::new();
    for path in &case.inventory {
        for o in read_objects(&dir.join(path))? {
            inventory.add(&o);
        }
    }
    template
        .set_inventory(&inventory)
        .map_err(|e: GatekeeperError| e.to_string())?;
    let review = if Review::is_admission_review(&object) {
        Review::of_admission_review(&object)?
    } else {
        Review::of_object(&object)
    };
    let namespace = review
        .namespace
        .as_deref()
        .and_then(|n| inventory.namespace(n));
    let matched = constraint
        .matcher
        .matches_any(&review.match_objects(), namespace)
        .map_err(|e| format!("matching {}: {e}", constraint.name))?;
    let messages: Vec<String> = if matched {
        template
            .review(&RegoValue::from(review.json.clone()), parameters)
            .into_iter()
            .map(|v| v.msg)
            .collect()
    } else {
        Vec::new()
    };
    Ok(case
        .assertions
        .iter()
        .map(|a| AssertionResult {
            error: check_assertion(a, &messages).err(),
        })
        .collect())
}

/// Counts the messages the assertion matches and compares the count, as gator does.
pub fn check_assertion(assertion: &Assertion, messages: &[String]) -> Result<(), String> {
    let pattern = match &assertion.message {
        Some(m) => Some(regex::Regex::new(m).map_err(|e| format!("invalid regex: {e}"))?),
        None => None,
    };
    let matching = messages
        .iter()
        .filter(|m| pattern.as_ref().is_none_or(|p| p.is_match(m)))
        .count() as u64;
    let containing = assertion
        .message
        .as_ref()
        .map(|m| format!(" containing {m:?}"))
        .unwrap_or_default();
    let got = format!("got {matching} violations{containing}");
    let failure = match &assertion.violations {
        Expectation::Yes if matching == 0 => Some(format!("{got} but want at least 1")),
        Expectation::No if matching > 0 => Some(format!("{got} but want none")),
        Expectation::Exactly(n) if matching != *n => Some(format!("{got} but want exactly {n}")),
        Expectation::Invalid(v) => {
            return Err(format!(
                "invalid YAML: assertion.violation, if set, must be a nonnegative integer, \"yes\", or \"no\" (got {v})"
            ));
        }
        _ => None,
    };
    match failure {
        None => Ok(()),
        Some(f) => Err(format!(
            "unexpected number of violations: {f}: got messages [{}]",
            messages.join(" ")
        )),
    }
}

/// Go's `time.Duration` text (`1.5ms`, `2.1s`, `150µs`).
pub fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".to_string();
    }
    let trim = |value: f64| {
        let text = format!("{value:.9}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        text.to_string()
    };
    if nanos < 1_000 {
        format!("{nanos}ns")
    } else if nanos < 1_000_000 {
        format!("{}µs", trim(nanos as f64 / 1e3))
    } else if nanos < 1_000_000_000 {
        format!("{}ms", trim(nanos as f64 / 1e6))
    } else {
        let secs = d.as_secs_f64();
        let minutes = (secs / 60.0).floor();
        if minutes >= 1.0 {
            format!("{}m{}s", minutes as u64, trim(secs - minutes * 60.0))
        } else {
            format!("{}s", trim(secs))
        }
    }
}

/// Writes the results as `gator verify` prints them (`verbose`: every test and case).
/// Returns whether everything passed.
pub fn print_results(out: &mut String, results: &[SuiteResult], verbose: bool) -> bool {
    use std::fmt::Write as _;
    let mut failed = false;
    for suite in results {
        for test in &suite.tests {
            if verbose {
                if test.skipped {
                    let _ = writeln!(out, "=== SKIP  {}", test.name);
                    continue;
                }
                let _ = writeln!(out, "=== RUN   {}", test.name);
            }
            for case in &test.cases {
                if verbose {
                    if case.skipped {
                        let _ = writeln!(out, "    === SKIP  {}", case.name);
                        continue;
                    }
                    let _ = writeln!(out, "    === RUN   {}", case.name);
                }
                match &case.error {
                    Some(e) => {
                        let _ = writeln!(
                            out,
                            "    --- FAIL: {}\t({})\n        {e}",
                            case.name,
                            go_duration(case.runtime)
                        );
                    }
                    None if verbose => {
                        let _ = writeln!(
                            out,
                            "    --- PASS: {}\t({})",
                            case.name,
                            go_duration(case.runtime)
                        );
                    }
                    None => {}
                }
            }
            if test.is_failure() {
                let _ = writeln!(
                    out,
                    "--- FAIL: {}\t({})",
                    test.name,
                    go_duration(test.runtime)
                );
                if let Some(e) = &test.error {
                    let _ = writeln!(out, "  {e}");
                }
            } else if verbose && !test.skipped {
                let _ = writeln!(
                    out,
                    "--- PASS: {}\t({})",
                    test.name,
                    go_duration(test.runtime)
                );
            }
        }
        if suite.is_failure() {
            failed = true;
            let _ = writeln!(out, "FAIL\t{}\t{}", suite.path, go_duration(suite.runtime));
            if let Some(e) = &suite.error {
                let _ = writeln!(out, "  {e}");
            }
        } else {
            let _ = writeln!(out, "ok\t{}\t{}", suite.path, go_duration(suite.runtime));
        }
    }
    out.push_str(if failed { "FAIL\n" } else { "PASS\n" });
    !failed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assertion(violations: Expectation, message: Option<&str>) -> Assertion {
        Assertion {
            violations,
            message: message.map(str::to_string),
        }
    }

    #[test]
    fn assertions_count_messages_matching_the_regex() {
        let msgs = vec![
            "container a is privileged".to_string(),
            "b: no limits".to_string(),
        ];
        assert!(check_assertion(&assertion(Expectation::Yes, None), &msgs).is_ok());
        assert!(
            check_assertion(
                &assertion(Expectation::Exactly(1), Some("privileged")),
                &msgs
            )
            .is_ok()
        );
        let err = check_assertion(&assertion(Expectation::No, Some("limits")), &msgs)
            .expect_err("one matches");
        assert!(
            err.starts_with("unexpected number of violations: got 1 violations containing \"limits\" but want none"),
            "{err}"
        );
        assert!(check_assertion(&assertion(Expectation::Exactly(0), None), &[]).is_ok());
        assert!(
            check_assertion(&assertion(Expectation::Invalid("maybe".into()), None), &[]).is_err()
        );
    }

    #[test]
    fn go_durations_read_like_go() {
        assert_eq!(go_duration(Duration::from_micros(1500)), "1.5ms");
        assert_eq!(go_duration(Duration::from_nanos(999)), "999ns");
        assert_eq!(go_duration(Duration::from_millis(2100)), "2.1s");
        assert_eq!(go_duration(Duration::from_secs(61)), "1m1s");
    }
}
