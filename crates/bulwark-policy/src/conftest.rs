//! conftest mode: every input document is evaluated against the policies with conftest's
//! semantics.
//!
//! - Rules named `deny`, `violation` (failures) and `warn` (warnings), and their `_suffix`
//!   forms (`deny_run_as_root`), in the selected namespaces (packages): `main` by default,
//!   any `--namespace` glob (`main.*`, `*`), or every package (`--all-namespaces`).
//! - A rule's result is a set (or list) of messages: strings, or objects with `msg` and
//!   metadata. An empty or undefined result, or a boolean rule, is a success.
//! - `exception[rules]` rules: when `data.<ns>.exception[_][_]` holds a rule's name (without
//!   its `deny_`/`violation_`/`warn_` prefix) for an input, that rule's results are replaced
//!   by one exception.
//! - Counting as conftest does: one test per rule definition, results beyond successes
//!   counted from the messages, missing ones counted as successes.
//! - A file whose parsed value is a list (multi-document YAML) is checked document by
//!   document; `--combine` checks every file at once as `[{path, contents}]`.

use std::path::PathBuf;

use globset::Glob;
use regorus::unstable::{Rule, RuleHead};
use serde_json::{Map, Value, json};

use crate::analysis::RuleGraph;
use crate::builtins::BaseDir;
use crate::engine::{EngineOptions, PolicyEngine, PolicyError, RegoVersion, if_without_contains};
use crate::inputs::{InputDocument, ParsedInput};
use crate::load::{build_engine, find_policy_files, load_data};

/// Which namespaces to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamespaceSelection {
    /// Packages matching any of these globs (`main` by default).
    Globs(Vec<String>),
    All,
}

impl Default for NamespaceSelection {
    fn default() -> Self {
        NamespaceSelection::Globs(vec!["main".to_owned()])
    }
}

/// How to load policies.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub policies: Vec<PathBuf>,
    /// Data documents merged at the root of `data` (conftest's `--data`).
    pub data: Vec<PathBuf>,
    pub engine: EngineOptions,
}

/// A deny/violation/warn rule of a namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    pub namespace: String,
    /// `deny`, `warn_ports`, ...
    pub name: String,
    /// How many definitions it has (each counts as a test).
    pub definitions: usize,
    /// Where it is first defined.
    pub file: String,
    pub line: u32,
}

impl PolicyRule {
    pub fn is_failure(&self) -> bool {
        is_failure(&self.name)
    }
}

/// `deny`, `violation`, or either with `_suffix` parts.
pub fn is_failure(rule: &str) -> bool {
    rule_kind(rule, &["deny", "violation"])
}

/// `warn` or `warn_suffix`.
pub fn is_warning(rule: &str) -> bool {
    rule_kind(rule, &["warn"])
}

fn rule_kind(rule: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| match rule.strip_prefix(p) {
        Some("") => true,
        Some(rest) => {
            rest.split('_')
                .skip(1)
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
                && rest.starts_with('_')
        }
        None => false,
    })
}

fn exception_name(rule: &str) -> &str {
    let r = rule.strip_prefix("violation_").unwrap_or(rule);
    let r = r.strip_prefix("deny_").unwrap_or(r);
    r.strip_prefix("warn_").unwrap_or(r)
}

/// What a message-producing rule said about one document.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMessage {
    pub namespace: String,
    pub rule: String,
    pub message: String,
    /// The other keys of an object message (`{"msg": ..., "details": ...}`).
    pub metadata: Map<String, Value>,
    /// Index of the document in its file.
    pub document: usize,
    /// Line where the document starts, when known.
    pub line: Option<u32>,
    /// Policy file defining the rule and the line of its first definition.
    pub policy_file: String,
    pub policy_line: u32,
}

/// The outcome of checking one file (or the combined input) in one namespace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckResult {
    pub file: String,
    pub namespace: String,
    pub successes: usize,
    pub failures: Vec<RuleMessage>,
    pub warnings: Vec<RuleMessage>,
    pub exceptions: Vec<RuleMessage>,
    /// With tracing on: one trace per rule query per document.
    pub traces: Vec<RuleTrace>,
}

/// How one rule query went, for `--trace`: the query, the rules it reaches with their value
/// for the document, and the notes of `trace()` calls.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleTrace {
    /// `data.main.deny`.
    pub query: String,
    pub lines: Vec<String>,
    /// The query gave no failure or warning.
    pub passed: bool,
}

/// Totals over results, as conftest's summary line shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub tests: usize,
    pub passed: usize,
    pub warnings: usize,
    pub failures: usize,
    pub exceptions: usize,
}

impl Counts {
    pub fn of(results: &[CheckResult]) -> Counts {
        let mut c = Counts::default();
        for r in results {
            c.passed += r.successes;
            c.warnings += r.warnings.len();
            c.failures += r.failures.len();
            c.exceptions += r.exceptions.len();
        }
        c.tests = c.passed + c.warnings + c.failures + c.exceptions;
        c
    }

    /// `5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions`.
    pub fn summary_line(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}, {} passed, {}, {}, {}",
            plural(self.tests, "test", "tests"),
            self.passed,
            plural(self.warnings, "warning", "warnings"),
            plural(self.failures, "failure", "failures"),
            plural(self.exceptions, "exception", "exceptions"),
        )
    }
}

/// Loaded policies ready to check inputs.
pub struct Conftest {
    engine: PolicyEngine,
    rules: Vec<PolicyRule>,
    namespaces: Vec<String>,
    /// Set when tracing.
    graph: Option<RuleGraph>,
}

impl std::fmt::Debug for Conftest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conftest")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl Conftest {
    /// Loads every `.rego` file under `options.policies` (test files included, as conftest
    /// does) and the data documents.
    pub fn load(options: &LoadOptions) -> Result<Conftest, PolicyError> {
        let files = find_policy_files(&options.policies)?;
        if files.is_empty() {
            return Err(PolicyError::Data {
                path: options
                    .policies
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                message: "no policies (`.rego` files) found".to_owned(),
            });
        }
        let data = load_data(&options.data)?;
        let mut engine = build_engine(&files, &data, options.engine, &BaseDir::default())?;
        // conftest refuses `deny[msg] if {...}` in v1 (a single-value rule, not the partial
        // set meant), naming the file and line.
        for (file, module) in files.iter().zip(engine.modules()) {
            if module.version == RegoVersion::V1
                && let Some(line) = if_without_contains(&file.text)
            {
                return Err(PolicyError::Parse {
                    path: file.path.clone(),
                    version: RegoVersion::V1,
                    message: format!(
                        "rule is using 'if' keyword without 'contains' keyword: rule in {} at line {line}",
                        file.path
                    ),
                });
            }
        }
        let rules = policy_rules(engine.regorus_mut());
        let namespaces = engine.packages();
        Ok(Conftest {
            engine,
            rules,
            namespaces,
            graph: None,
        })
    }

    /// Records a [`RuleTrace`] for every rule query from now on.
    pub fn enable_trace(&mut self) {
        self.graph = Some(RuleGraph::of(&mut self.engine));
        self.engine.gather_notes();
    }

    /// The engine, for static checks of the loaded modules ([`crate::analysis`]).
    pub fn engine_mut(&mut self) -> &mut PolicyEngine {
        &mut self.engine
    }

    /// Every namespace (package) loaded, sorted.
    pub fn namespaces(&self) -> &[String] {
        &self.namespaces
    }

    pub fn rules(&self) -> &[PolicyRule] {
        &self.rules
    }

    /// The namespaces a selection picks, sorted.
    pub fn select(&self, selection: &NamespaceSelection) -> Vec<String> {
        match selection {
            NamespaceSelection::All => self.namespaces.clone(),
            NamespaceSelection::Globs(globs) => {
                let matchers: Vec<_> = globs
                    .iter()
                    .filter_map(|g| Glob::new(g).ok().map(|g| g.compile_matcher()))
                    .collect();
                self.namespaces
                    .iter()
                    .filter(|ns| matchers.iter().any(|m| m.is_match(ns.as_str())))
                    .cloned()
                    .collect()
            }
        }
    }

    /// Checks each file, document by document, in each selected namespace.
    pub fn check(
        &mut self,
        inputs: &[ParsedInput],
        selection: &NamespaceSelection,
    ) -> Result<Vec<CheckResult>, PolicyError> {
        let namespaces = self.select(selection);
        let mut out = Vec::new();
        for input in inputs {
            for ns in &namespaces {
                let mut result = CheckResult {
                    file: input.path.clone(),
                    namespace: ns.clone(),
                    ..CheckResult::default()
                };
                for (i, doc) in input.documents.iter().enumerate() {
                    self.check_document(&mut result, doc, i)?;
                }
                out.push(result);
            }
        }
        Ok(out)
    }

    /// Checks all files at once as conftest's `--combine` does: `input` is the list of
    /// `{"path": file, "contents": document}` for every document, sorted by path.
    pub fn check_combined(
        &mut self,
        inputs: &[ParsedInput],
        selection: &NamespaceSelection,
    ) -> Result<Vec<CheckResult>, PolicyError> {
        let mut all: Vec<(String, Value)> = Vec::new();
        for input in inputs {
            match &input.value {
                Value::Array(items) => {
                    all.extend(items.iter().map(|c| (input.path.clone(), c.clone())))
                }
                v => all.push((input.path.clone(), v.clone())),
            }
        }
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let combined = Value::Array(
            all.into_iter()
                .map(|(path, contents)| json!({"path": path, "contents": contents}))
                .collect(),
        );
        let doc = InputDocument {
            value: combined,
            line: None,
        };
        let mut out = Vec::new();
        for ns in self.select(selection) {
            let mut result = CheckResult {
                file: "Combined".to_owned(),
                namespace: ns,
                ..CheckResult::default()
            };
            self.check_document(&mut result, &doc, 0)?;
            out.push(result);
        }
        Ok(out)
    }

    fn check_document(
        &mut self,
        result: &mut CheckResult,
        doc: &InputDocument,
        index: usize,
    ) -> Result<(), PolicyError> {
        let ns = result.namespace.clone();
        let rules: Vec<PolicyRule> = self
            .rules
            .iter()
            .filter(|r| r.namespace == ns)
            .cloned()
            .collect();
        let definitions: usize = rules.iter().map(|r| r.definitions).sum();
        self.engine.set_input(&doc.value);
        let mut successes = 0usize;
        let mut counted = 0usize;
        for rule in &rules {
            let message = |text: String, metadata: Map<String, Value>| RuleMessage {
                namespace: ns.clone(),
                rule: rule.name.clone(),
                message: text,
                metadata,
                document: index,
                line: doc.line,
                policy_file: rule.file.clone(),
                policy_line: rule.line,
            };
            let exception_query = format!(
                "data.{}.exception[_][_] == {}",
                rego_path(&ns),
                Value::String(exception_name(&rule.name).to_owned())
            );
            let excepted = self
                .engine
                .eval_query(&exception_query)?
                .into_iter()
                .filter(|r| r.expressions.iter().all(|e| *e == Value::Bool(true)))
                .count();
            for _ in 0..excepted {
                result
                    .exceptions
                    .push(message(exception_query.clone(), Map::new()));
            }
            counted += excepted;
            let query = format!("data.{}.{}", rego_path(&ns), rule.name);
            let value = self.engine.eval_rule(&query)?;
            if self.graph.is_some() {
                let trace = self.trace(&query, value.as_ref())?;
                result.traces.push(trace);
            }
            if excepted > 0 {
                continue;
            }
            let items = match value {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            if items.is_empty() {
                successes += 1;
                continue;
            }
            for item in items {
                let (text, metadata) = match item {
                    Value::String(s) => (s, Map::new()),
                    Value::Object(mut o) => {
                        let Some(msg) = o.remove("msg") else {
                            return Err(PolicyError::Eval {
                                message: format!(
                                    "rule `{}` in `{}` returned an object without a `msg` field",
                                    rule.name, rule.file
                                ),
                            });
                        };
                        let text = match msg {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (text, o)
                    }
                    _ => continue,
                };
                if rule.is_failure() {
                    result.failures.push(message(text, metadata));
                } else {
                    result.warnings.push(message(text, metadata));
                }
                counted += 1;
            }
        }
        let total = counted + successes;
        if total < definitions {
            successes += definitions - total;
        }
        result.successes += successes;
        Ok(())
    }

    /// The trace of a rule query just evaluated (with the current input): the rules it
    /// reaches and their values, and the notes of its `trace()` calls.
    fn trace(&mut self, query: &str, value: Option<&Value>) -> Result<RuleTrace, PolicyError> {
        let notes = self.engine.take_notes();
        let show = |v: Option<&Value>| match v {
            Some(v) => format!("= {v}"),
            None => "undefined".to_owned(),
        };
        let mut lines = vec![format!("Enter {query}")];
        let reached: Vec<_> = self
            .graph
            .as_ref()
            .map(|g| g.reached(query).into_iter().cloned().collect())
            .unwrap_or_default();
        for node in reached {
            if node.function {
                lines.push(format!(
                    "| Function {} ({}:{})",
                    node.path, node.file, node.line
                ));
            } else {
                let v = self.engine.eval_rule(&node.path)?;
                lines.push(format!(
                    "| Eval {} {} ({}:{})",
                    node.path,
                    show(v.as_ref()),
                    node.file,
                    node.line
                ));
            }
        }
        let _ = self.engine.take_notes();
        lines.extend(
            notes
                .iter()
                .map(|n| format!("| Note {}", Value::String(n.clone()))),
        );
        lines.push(format!("Exit {query} {}", show(value)));
        let passed = match value {
            Some(Value::Array(items)) => items.is_empty(),
            _ => true,
        };
        Ok(RuleTrace {
            query: query.to_owned(),
            lines,
            passed,
        })
    }

    /// The `print` output of the evaluations so far.
    pub fn take_prints(&mut self) -> Vec<String> {
        self.engine.take_prints()
    }
}

/// A package path as a Rego reference (`main.gke`, `x["a-b"]`).
fn rego_path(ns: &str) -> String {
    ns.split('.')
        .enumerate()
        .map(|(i, part)| {
            let plain = part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !part.starts_with(|c: char| c.is_ascii_digit());
            match (i, plain) {
                (0, _) | (_, true) => format!("{}{part}", if i == 0 { "" } else { "." }),
                _ => format!("[{}]", Value::String(part.to_owned())),
            }
        })
        .collect()
}

/// The deny/violation/warn rules of every module, counted per definition.
fn policy_rules(engine: &mut regorus::Engine) -> Vec<PolicyRule> {
    let mut rules: Vec<PolicyRule> = Vec::new();
    for module in engine.get_modules().iter() {
        let namespace = module
            .package
            .refr
            .span()
            .text()
            .trim()
            .trim_start_matches("data.")
            .to_owned();
        let file = module.package.span.source.get_path().clone();
        for rule in module.policy.iter() {
            let Rule::Spec { head, span, .. } = rule.as_ref() else {
                continue;
            };
            let refr = match head {
                RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => refr,
                RuleHead::Func { .. } => continue,
            };
            let name: String = refr
                .span()
                .text()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !is_failure(&name) && !is_warning(&name) {
                continue;
            }
            match rules
                .iter_mut()
                .find(|r| r.namespace == namespace && r.name == name)
            {
                Some(r) => r.definitions += 1,
                None => rules.push(PolicyRule {
                    namespace: namespace.clone(),
                    name,
                    definitions: 1,
                    file: file.clone(),
                    line: span.line,
                }),
            }
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names() {
        assert!(is_failure("deny"));
        assert!(is_failure("violation_no_root"));
        assert!(is_failure("deny_a_b1"));
        assert!(!is_failure("denyall"));
        assert!(!is_failure("deny_"));
        assert!(is_warning("warn_x"));
        assert!(!is_warning("warning"));
        assert_eq!(exception_name("deny_run_as_root"), "run_as_root");
    }

    #[test]
    fn summary_line_plurals() {
        let c = Counts {
            tests: 1,
            passed: 0,
            warnings: 0,
            failures: 1,
            exceptions: 0,
        };
        assert_eq!(
            c.summary_line(),
            "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions"
        );
    }

    #[test]
    fn traces_name_reached_rules_and_notes() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs_err::write(
            dir.path().join("p.rego"),
            "package main\n\nhelper if input.a == 1\n\ndeny contains \"no\" if {\n  helper\n  trace(\"looked\")\n}\n",
        )
        .expect("writes");
        let mut c = Conftest::load(&LoadOptions {
            policies: vec![dir.path().to_path_buf()],
            ..LoadOptions::default()
        })
        .expect("loads");
        c.enable_trace();
        let input =
            crate::inputs::parse_input("x.json", "{\"a\": 1}", crate::inputs::InputFormat::Json)
                .expect("parses");
        let results = c
            .check(&[input], &NamespaceSelection::default())
            .expect("checks");
        let t = &results[0].traces[0];
        assert_eq!(t.query, "data.main.deny");
        assert!(!t.passed);
        assert_eq!(t.lines[0], "Enter data.main.deny");
        assert!(
            t.lines[1].starts_with("| Eval data.main.helper = true ("),
            "{:?}",
            t.lines
        );
        assert_eq!(t.lines[2], "| Note \"looked\"");
        assert_eq!(t.lines[3], "Exit data.main.deny = [\"no\"]");
    }

    #[test]
    fn rego_paths() {
        assert_eq!(rego_path("main.gke"), "main.gke");
        assert_eq!(rego_path("a.b-c"), "a[\"b-c\"]");
    }
}
