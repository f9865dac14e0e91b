//! Policy unit tests, as `opa test` (and `conftest verify`) run them: every rule whose name
//! starts with `test_` is evaluated (with its `with` overrides); it passes when it is defined
//! and not `false`, fails when it is undefined or `false`, and errors when evaluation fails.
//!
//! A test rule with a variable in its head (`test_cases[name] if { some name, tc in {...} }`)
//! is a table of cases: each case the body can enumerate must come out defined, so the cases
//! are found by evaluating the body up to the statement that binds the variable, and every
//! case missing from the result is reported as failing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use regex::Regex;
use regorus::unstable::{Literal, Rule, RuleHead};
use serde_json::Value;

use crate::analysis::{Capabilities, RuleGraph, strict_errors};
use crate::builtins::{BaseDir, set_base_dir};
use crate::engine::{EngineOptions, PolicyEngine, PolicyError};
use crate::load::{PolicyFile, build_engine, find_policy_files, load_data};

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Folders or files with policies and their tests.
    pub paths: Vec<PathBuf>,
    /// Extra data documents (files or folders of JSON/YAML), merged at the root of `data`.
    pub data: Vec<PathBuf>,
    /// Only tests whose `data.<package>.<rule>` matches this expression.
    pub run: Option<Regex>,
    /// Only tests in packages matching one of these globs (`main`, `ma*`); all when empty.
    pub namespaces: Vec<String>,
    pub engine: EngineOptions,
    /// Refuse the policies when OPA's strict mode would ([`crate::analysis::strict_errors`]).
    pub strict: bool,
    /// Refuse the policies when they call a builtin these capabilities do not list.
    pub capabilities: Option<Capabilities>,
    /// Fill [`TestResult::reached`].
    pub trace: bool,
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    Pass,
    /// Undefined or false; for a table of cases, the cases that did not pass.
    Fail {
        failed_cases: Vec<String>,
    },
    Error(String),
}

/// One test rule's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    /// `data.<package>.<rule>`.
    pub name: String,
    pub file: String,
    pub line: u32,
    pub outcome: TestOutcome,
    pub duration: Duration,
    /// Output of `print` calls made by the test.
    pub prints: Vec<String>,
    /// Messages of `trace()` calls made by the test.
    pub notes: Vec<String>,
    /// With [`TestOptions::trace`]: the rules the test refers to, directly or not
    /// (`data.kubernetes.is_service (policy/k8s.rego:4)`).
    pub reached: Vec<String>,
}

/// All results, in file then source order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestReport {
    pub results: Vec<TestResult>,
}

impl TestReport {
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == TestOutcome::Pass)
            .count()
    }
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, TestOutcome::Fail { .. }))
            .count()
    }
    pub fn errors(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, TestOutcome::Error(_)))
            .count()
    }
    /// Every test passed.
    pub fn success(&self) -> bool {
        self.passed() == self.results.len()
    }
}

/// A test rule found in the loaded modules.
struct TestRule {
    package: String,
    rule: String,
    file: String,
    line: u32,
    /// For a table of cases: the name of the generated rule that lists the expected cases.
    cases_rule: Option<String>,
}

/// Loads the policies under `options.paths` and runs their tests.
pub fn run_tests(options: &TestOptions) -> Result<TestReport, PolicyError> {
    let files = find_policy_files(&options.paths)?;
    if files.is_empty() {
        return Err(PolicyError::Data {
            path: options
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            message: "no policies (`.rego` files) found".to_owned(),
        });
    }
    let mut data_paths = options.data.clone();
    data_paths.extend(bundle_data_files(&options.paths));
    let data = load_data(&data_paths)?;
    run_tests_on(&files, &data, options)
}

/// `data.json`/`data.yaml` files beside the policies, as a bundle holds them.
fn bundle_data_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    let mut seen = 0usize;
    while let Some(dir) = stack.pop() {
        seen += 1;
        if seen > 100_000 {
            break;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() && !name.starts_with('.') {
                stack.push(p);
            } else if matches!(name.as_str(), "data.json" | "data.yaml" | "data.yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Runs the tests of already-read policy files.
pub fn run_tests_on(
    files: &[PolicyFile],
    data: &Value,
    options: &TestOptions,
) -> Result<TestReport, PolicyError> {
    let base = BaseDir::default();
    let mut engine = build_engine(files, data, options.engine, &base)?;
    let mut refused = Vec::new();
    if let Some(caps) = &options.capabilities {
        refused.extend(caps.check(&mut engine).iter().map(ToString::to_string));
    }
    if options.strict {
        refused.extend(strict_errors(&mut engine));
    }
    if !refused.is_empty() {
        return Err(PolicyError::Check { errors: refused });
    }
    let graph = options.trace.then(|| RuleGraph::of(&mut engine));
    engine.gather_notes();
    let namespaces: Vec<globset::GlobMatcher> = options
        .namespaces
        .iter()
        .filter_map(|n| globset::Glob::new(n).ok().map(|g| g.compile_matcher()))
        .collect();
    let (tests, helpers) = find_tests(engine.regorus_mut());
    for (i, (path, text)) in helpers.into_iter().enumerate() {
        engine.add_module(&format!("{path}#cases{i}"), &text)?;
    }
    let mut results = Vec::new();
    for t in tests {
        let name = format!("data.{}.{}", t.package, t.rule);
        if !namespaces.is_empty() && !namespaces.iter().any(|g| g.is_match(&t.package)) {
            continue;
        }
        if let Some(re) = &options.run
            && !re.is_match(&name)
        {
            continue;
        }
        set_base_dir(&base, Path::new(&t.file).parent().unwrap_or(Path::new(".")));
        let start = Instant::now();
        let outcome = run_one(&mut engine, &t, &name);
        let duration = start.elapsed();
        let prints = engine.take_prints();
        let notes = engine.take_notes();
        let reached = graph
            .as_ref()
            .map(|g| {
                g.reached(&name)
                    .iter()
                    .map(|n| format!("{} ({}:{})", n.path, n.file, n.line))
                    .collect()
            })
            .unwrap_or_default();
        results.push(TestResult {
            name,
            file: t.file.clone(),
            line: t.line,
            outcome,
            duration,
            prints,
            notes,
            reached,
        });
    }
    Ok(TestReport { results })
}

fn run_one(engine: &mut PolicyEngine, t: &TestRule, name: &str) -> TestOutcome {
    let got = match engine.eval_rule(name) {
        Ok(v) => v.unwrap_or(Value::Null),
        Err(e) => return TestOutcome::Error(first_line(&e.to_string())),
    };
    let Some(cases_rule) = &t.cases_rule else {
        return match got {
            Value::Null | Value::Bool(false) => TestOutcome::Fail {
                failed_cases: vec![],
            },
            _ => TestOutcome::Pass,
        };
    };
    let expected = match engine.eval_rule(&format!("data.{}.{cases_rule}", t.package)) {
        Ok(v) => v.unwrap_or(Value::Null),
        Err(e) => return TestOutcome::Error(first_line(&e.to_string())),
    };
    let keys = |v: &Value| -> Vec<Value> {
        match v {
            Value::Object(o) => o
                .iter()
                .filter(|(_, v)| **v != Value::Bool(false))
                .map(|(k, _)| Value::String(k.clone()))
                .collect(),
            Value::Array(a) => a.clone(),
            _ => Vec::new(),
        }
    };
    let passed = keys(&got);
    let failed: Vec<String> = keys(&expected)
        .into_iter()
        .filter(|k| !passed.contains(k))
        .map(|k| match k {
            Value::String(s) => s,
            other => other.to_string(),
        })
        .collect();
    if failed.is_empty() && !passed.is_empty() {
        TestOutcome::Pass
    } else {
        TestOutcome::Fail {
            failed_cases: failed,
        }
    }
}

/// The message of a regorus error, with the policy line it points at.
fn first_line(s: &str) -> String {
    match crate::load::located_message(s) {
        (Some(l), m) => format!("{m} (line {l})"),
        (None, m) => m,
    }
}

/// The `test_` rules of every module (first definition of each name per package), and the
/// helper modules that enumerate the cases of table tests.
fn find_tests(engine: &mut regorus::Engine) -> (Vec<TestRule>, Vec<(String, String)>) {
    let mut tests: Vec<TestRule> = Vec::new();
    let mut helpers = Vec::new();
    for module in engine.get_modules().iter() {
        let package = module
            .package
            .refr
            .span()
            .text()
            .trim()
            .trim_start_matches("data.")
            .to_owned();
        let source_text = module.package.span.source.get_contents().clone();
        let file = module.package.span.source.get_path().clone();
        let imports: Vec<String> = module
            .imports
            .iter()
            .map(|i| i.span.text().to_owned())
            .collect();
        for rule in module.policy.iter() {
            let Rule::Spec { head, bodies, span } = rule.as_ref() else {
                continue;
            };
            let (refr, key) = match head {
                RuleHead::Compr { refr, .. } => (refr, None),
                RuleHead::Set { refr, key, .. } => (refr, key.as_ref()),
                RuleHead::Func { .. } => continue,
            };
            let head_text = refr.span().text();
            let rule_name: String = head_text
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !rule_name.starts_with("test_") {
                continue;
            }
            if tests
                .iter()
                .any(|t| t.package == package && t.rule == rule_name)
            {
                continue;
            }
            // The variable that names the cases: `test_x[name]` or `test_x contains name`.
            let var = match key {
                Some(k) => Some(k.span().text().trim().to_owned()),
                None => head_text
                    .strip_prefix(&rule_name)
                    .and_then(|r| r.strip_prefix('['))
                    .map(|r| r.strip_suffix(']').unwrap_or(r))
                    .map(|v| v.trim().to_owned()),
            }
            .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_alphanumeric() || c == '_'));
            let mut cases_rule = None;
            if let (Some(var), Some(body)) = (&var, bodies.first()) {
                let stmts = &body.query.stmts;
                let word = Regex::new(&format!(r"\b{}\b", regex::escape(var))).ok();
                let binds = |s: &regorus::unstable::LiteralStmt| {
                    let text = s.span.text();
                    let mentions = word.as_ref().is_some_and(|w| w.is_match(text));
                    mentions
                        && match &s.literal {
                            Literal::SomeIn { .. } | Literal::SomeVars { .. } => true,
                            Literal::Expr { .. } => text.contains(":=") || text.contains('='),
                            _ => false,
                        }
                };
                if let Some(k) = stmts.iter().position(binds) {
                    let name = format!("__bulwark_cases_{rule_name}");
                    let body_text: Vec<&str> = stmts[..=k].iter().map(|s| s.span.text()).collect();
                    let mut text = format!("package {package}\n");
                    if !imports.iter().any(|i| i.contains("rego.v1")) {
                        text.push_str("import rego.v1\n");
                    }
                    for i in &imports {
                        text.push_str(i);
                        text.push('\n');
                    }
                    text.push_str(&format!(
                        "{name} contains {var} if {{\n{}\n}}\n",
                        body_text.join("\n")
                    ));
                    helpers.push((file.clone(), text));
                    cases_rule = Some(name);
                }
            }
            let _ = &source_text;
            tests.push(TestRule {
                package: package.clone(),
                rule: rule_name,
                file: file.clone(),
                line: span.line,
                cases_rule,
            });
        }
    }
    (tests, helpers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> TestReport {
        let files = vec![PolicyFile {
            path: "t.rego".into(),
            text: text.into(),
        }];
        run_tests_on(&files, &Value::Null, &TestOptions::default()).expect("runs")
    }

    #[test]
    fn pass_fail_and_with() {
        let r = run(
            "package p\nallow if input.x == 1\ntest_a if allow with input as {\"x\": 1}\ntest_b if allow with input as {\"x\": 2}\ntest_c if { print(\"hi\"); 1 / 0 }\n",
        );
        let outcomes: Vec<_> = r
            .results
            .iter()
            .map(|t| (t.name.as_str(), t.outcome.clone()))
            .collect();
        assert_eq!(outcomes[0], ("data.p.test_a", TestOutcome::Pass));
        assert_eq!(
            outcomes[1],
            (
                "data.p.test_b",
                TestOutcome::Fail {
                    failed_cases: vec![]
                }
            )
        );
        assert_eq!(r.results.len(), 3);
        assert_eq!(r.passed(), 1);
    }

    #[test]
    fn table_tests_report_the_failing_case() {
        let r = run(
            "package p\nf(x) := x * 2\ntest_t[name] if {\n some name, tc in {\"one\": {\"in\": 1, \"out\": 2}, \"two\": {\"in\": 2, \"out\": 5}}\n f(tc.in) == tc.out\n}\n",
        );
        assert_eq!(
            r.results[0].outcome,
            TestOutcome::Fail {
                failed_cases: vec!["two".to_owned()]
            }
        );
    }
}
