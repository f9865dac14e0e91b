//! The Rego engine every policy mode runs on: regorus with bulwark's limits, syntax choice,
//! `print` capture and the builtins regorus lacks (see [`builtins`]).
//!
//! A [`PolicyEngine`] holds compiled modules and the `data` document; inputs are set and rules
//! evaluated many times against the same engine, and an engine is cheap to clone (modules and
//! data are shared), so one prepared engine can be cloned into each worker thread.
//!
//! Rego syntax is chosen per module ([`SyntaxMode`]), as OPA does: v1 by default, v0 with
//! `--v0-compatible` (where `import rego.v1` still switches one file to v1), or
//! [`SyntaxMode::Auto`] which reads each file as v1 and falls back to v0 when only v0 parses.
//!
//! Constructs regorus reads differently from OPA are rewritten before parsing, keeping
//! line numbers (see `normalize` and `compat`): chained rule bodies, a body line opening with
//! `(`, references passed to a negated call, `sprintf` formats whose verbs outnumber their
//! arguments (or the reverse), a comprehension's `:=` shadowing a rule's variable, and
//! `rego.metadata.rule()`/`chain()`. A v0 module using `if`/`contains`/`every` without
//! importing them is refused, as OPA refuses it.
//!
//! Limits ([`Limits`]) bound each evaluation's wall time and the heap the process may grow to
//! while a policy runs, so a runaway policy fails with [`PolicyError::Limit`] instead of
//! hanging or exhausting a scan.

pub mod builtins;
mod compat;
mod load;
mod normalize;

pub use compat::if_without_contains;

use std::sync::Arc;
use std::time::Duration;

pub use load::{DataFile, PolicyBundle, RegoFile, load_bundle, parse_data_file};
pub use regorus::Value as RegoValue;

/// Which Rego syntax a module was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegoVersion {
    V0,
    V1,
}

impl std::fmt::Display for RegoVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RegoVersion::V0 => "v0",
            RegoVersion::V1 => "v1",
        })
    }
}

/// How the syntax of a module is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyntaxMode {
    /// Read as v1; when that fails and v0 parses, read as v0 (each file on its own).
    #[default]
    Auto,
    /// OPA's `--v0-compatible`: v0, except files that `import rego.v1`.
    V0Compatible,
    /// OPA 1.x default: v1 only.
    V1,
}

/// Bounds on one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest wall time one rule or query evaluation may take.
    pub time: Option<Duration>,
    /// How far the process heap may grow, above its size when an evaluation starts, before the
    /// evaluation is stopped. The ceiling is process-wide (policies evaluated in parallel share
    /// it), measured by the allocator.
    pub memory_headroom: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time: Some(Duration::from_secs(10)),
            memory_headroom: Some(1024 * 1024 * 1024),
        }
    }
}

/// Options of a [`PolicyEngine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EngineOptions {
    pub syntax: SyntaxMode,
    pub limits: Limits,
    /// OPA's `--strict-builtin-errors`: a builtin error stops the evaluation instead of
    /// making the expression undefined.
    pub strict_builtin_errors: bool,
}

/// A module loaded into an engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyModule {
    /// The path the module was loaded from (as given).
    pub path: String,
    /// The package path without the `data.` prefix (`main`, `lib.kubernetes`).
    pub package: String,
    pub version: RegoVersion,
}

/// Which limit stopped an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    Time { limit: Duration },
    Memory { limit: u64, usage: u64 },
    RegexSize,
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitKind::Time { limit } => {
                write!(f, "evaluation took longer than {} ms", limit.as_millis())
            }
            LimitKind::Memory { limit, usage } => write!(
                f,
                "evaluation grew the heap to {} MiB, above the {} MiB ceiling",
                usage / (1024 * 1024),
                limit / (1024 * 1024)
            ),
            LimitKind::RegexSize => f.write_str("a regular expression is too large"),
        }
    }
}

/// Errors of loading and evaluating policies.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A Rego file does not parse; `message` carries regorus's located message.
    #[error("{path}: invalid Rego ({version}): {message}")]
    Parse {
        path: String,
        version: RegoVersion,
        message: String,
    },
    /// A data file does not parse or does not merge.
    #[error("{path}: {message}")]
    Data { path: String, message: String },
    #[error("policy evaluation stopped: {kind}")]
    Limit { kind: LimitKind },
    #[error("policy evaluation failed: {message}")]
    Eval { message: String },
    /// Static checks refused the policies (strict mode, capabilities): one line each.
    #[error("{}", errors.join("\n"))]
    Check { errors: Vec<String> },
    #[error("invalid query `{query}`: {message}")]
    Query { query: String, message: String },
}

impl PolicyError {
    fn eval(err: anyhow::Error) -> PolicyError {
        match limit_of(&err) {
            Some(kind) => PolicyError::Limit { kind },
            None => PolicyError::Eval {
                message: format!("{err:#}"),
            },
        }
    }
}

fn limit_of(err: &anyhow::Error) -> Option<LimitKind> {
    err.chain().find_map(|cause| {
        cause
            .downcast_ref::<regorus::LimitError>()
            .map(|limit| match *limit {
                regorus::LimitError::TimeLimitExceeded { limit, .. } => LimitKind::Time { limit },
                regorus::LimitError::MemoryLimitExceeded { usage, limit } => {
                    LimitKind::Memory { limit, usage }
                }
                regorus::LimitError::RegexSizeLimitExceeded { .. } => LimitKind::RegexSize,
            })
    })
}

/// One result of [`PolicyEngine::eval_query`]: the value of each expression of the query and
/// the bindings of its variables.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    pub expressions: Vec<serde_json::Value>,
    pub bindings: serde_json::Map<String, serde_json::Value>,
}

/// A native function callable from Rego (an extension builtin): gets the evaluated arguments,
/// returns the result or an error message. [`RegoValue::Undefined`] makes the call undefined.
pub type NativeFunction = Arc<dyn Fn(&[RegoValue]) -> Result<RegoValue, String> + Send + Sync>;

/// Compiled policies plus data, ready to evaluate inputs.
#[derive(Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    options: EngineOptions,
    modules: Vec<PolicyModule>,
    /// Messages of `trace(msg)` calls since the last [`PolicyEngine::take_notes`], when
    /// gathering them ([`PolicyEngine::gather_notes`]).
    notes: Arc<std::sync::Mutex<Option<Vec<String>>>>,
}

impl std::fmt::Debug for PolicyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyEngine")
            .field("options", &self.options)
            .field("modules", &self.modules)
            .finish_non_exhaustive()
    }
}

impl PolicyEngine {
    /// An engine with no modules, empty `data`, bulwark's extension builtins registered and
    /// `print` output gathered (see [`PolicyEngine::take_prints`]).
    pub fn new(options: EngineOptions) -> PolicyEngine {
        let mut engine = regorus::Engine::new();
        engine.set_gather_prints(true);
        engine.set_strict_builtin_errors(options.strict_builtin_errors);
        if let Some(limit) = options.limits.time {
            engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
                limit,
                check_interval: std::num::NonZeroU32::MIN.saturating_add(63),
            });
        }
        let mut policy_engine = PolicyEngine {
            engine,
            options,
            modules: Vec::new(),
            notes: Arc::default(),
        };
        for builtin in builtins::extensions() {
            // The names are fixed and distinct, so registration cannot collide.
            let _ = policy_engine.add_native(builtin.name, builtin.arity, builtin.function);
        }
        // `trace(msg)` keeps its message as a note (OPA's `Note` trace events); regorus would
        // keep it out of reach.
        let notes = policy_engine.notes.clone();
        let _ = policy_engine.add_native(
            "trace",
            1,
            Arc::new(move |args: &[RegoValue]| {
                let text = match args.first() {
                    Some(RegoValue::String(s)) => s.to_string(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                if let Ok(mut n) = notes.lock()
                    && let Some(n) = n.as_mut()
                {
                    n.push(text);
                }
                Ok(RegoValue::Bool(true))
            }),
        );
        policy_engine
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// Adds a module, choosing its syntax by the engine's [`SyntaxMode`].
    pub fn add_module(&mut self, path: &str, source: &str) -> Result<&PolicyModule, PolicyError> {
        let version = match self.options.syntax {
            SyntaxMode::V1 => RegoVersion::V1,
            SyntaxMode::V0Compatible => RegoVersion::V0,
            SyntaxMode::Auto => {
                match self.add_module_as(path, source, RegoVersion::V1) {
                    Ok(_) => return self.last_module(),
                    Err(v1_error) => {
                        return match self.add_module_as(path, source, RegoVersion::V0) {
                            Ok(_) => self.last_module(),
                            // Report the error of the syntax the file seems written in.
                            Err(v0_error) if looks_v0(source) => Err(v0_error),
                            Err(_) => Err(v1_error),
                        };
                    }
                }
            }
        };
        self.add_module_as(path, source, version)
    }

    /// Adds a module read with the given syntax (v0 still honours `import rego.v1`).
    pub fn add_module_as(
        &mut self,
        path: &str,
        source: &str,
        version: RegoVersion,
    ) -> Result<&PolicyModule, PolicyError> {
        // OPA's v0 parser knows `if`/`contains`/`every` only once imported; regorus's always.
        if version == RegoVersion::V0
            && let Some((line, message)) = compat::v0_keyword_misuse(source)
        {
            return Err(PolicyError::Parse {
                path: path.to_string(),
                version,
                message: format!("line {line}: {message}"),
            });
        }
        self.engine.set_rego_v0(version == RegoVersion::V0);
        let package = self
            .engine
            .add_policy(path.to_string(), normalize::normalize(source))
            .map_err(|err| PolicyError::Parse {
                path: path.to_string(),
                version,
                message: format!("{err:#}"),
            })?;
        let package = package
            .strip_prefix("data.")
            .unwrap_or(&package)
            .to_string();
        let version = if version == RegoVersion::V0 && imports_rego_v1(source) {
            RegoVersion::V1
        } else {
            version
        };
        self.modules.push(PolicyModule {
            path: path.to_string(),
            package,
            version,
        });
        self.last_module()
    }

    fn last_module(&self) -> Result<&PolicyModule, PolicyError> {
        self.modules.last().ok_or_else(|| PolicyError::Eval {
            message: "no module was added".to_string(),
        })
    }

    /// The modules loaded so far, in load order.
    pub fn modules(&self) -> &[PolicyModule] {
        &self.modules
    }

    /// Distinct packages of the loaded modules (without `data.`), sorted.
    pub fn packages(&self) -> Vec<String> {
        let mut packages: Vec<String> = self.modules.iter().map(|m| m.package.clone()).collect();
        packages.sort();
        packages.dedup();
        packages
    }

    /// Merges an object into `data` at its root. Conflicting values are an error.
    pub fn add_data(&mut self, data: serde_json::Value) -> Result<(), PolicyError> {
        self.add_data_value(RegoValue::from(data))
    }

    /// Merges an already converted object into `data` at its root.
    pub fn add_data_value(&mut self, data: RegoValue) -> Result<(), PolicyError> {
        self.engine.add_data(data).map_err(|err| PolicyError::Data {
            path: "data".to_string(),
            message: format!("{err:#}"),
        })
    }

    /// Replaces `data` with an empty object (modules stay).
    pub fn clear_data(&mut self) {
        self.engine.clear_data();
    }

    /// Sets `input` for the following evaluations.
    pub fn set_input(&mut self, input: &serde_json::Value) {
        self.engine.set_input(RegoValue::from(input.clone()));
    }

    /// Sets an already converted `input` (convert once with `RegoValue::from` when the same
    /// input is evaluated by many engines).
    pub fn set_input_value(&mut self, input: RegoValue) {
        self.engine.set_input(input);
    }

    /// Registers a native function under a Rego name (`sh.parse_commands`). Native functions
    /// are looked up before built-in ones, so a name already built in is overridden. An error
    /// the function returns makes the call undefined, unless builtin errors are strict.
    pub fn add_native(
        &mut self,
        name: &str,
        arity: u8,
        function: NativeFunction,
    ) -> Result<(), PolicyError> {
        let strict = self.options.strict_builtin_errors;
        let label = name.to_string();
        self.engine
            .add_extension(
                name.to_string(),
                arity,
                Box::new(move |args: Vec<RegoValue>| match function(&args) {
                    Ok(value) => Ok(value),
                    Err(message) if strict => {
                        Err(anyhow::anyhow!("built-in error: {label}: {message}"))
                    }
                    Err(_) => Ok(RegoValue::Undefined),
                }),
            )
            .map_err(|err| PolicyError::Eval {
                message: format!("cannot register `{name}`: {err:#}"),
            })
    }

    /// Evaluates a rule or document by path (`data.main.deny`); `Ok(None)` when undefined.
    pub fn eval_rule(&mut self, path: &str) -> Result<Option<serde_json::Value>, PolicyError> {
        let value = self.eval_rule_value(path)?;
        Ok(to_json(&value))
    }

    /// [`PolicyEngine::eval_rule`] without converting the result.
    pub fn eval_rule_value(&mut self, path: &str) -> Result<RegoValue, PolicyError> {
        self.guard_memory();
        self.engine
            .eval_rule(path.to_string())
            .map_err(PolicyError::eval)
    }

    /// Evaluates a query (`data.main.deny[x]`, `x := 1; y := x + 1`).
    pub fn eval_query(&mut self, query: &str) -> Result<Vec<QueryResult>, PolicyError> {
        self.guard_memory();
        let results =
            self.engine
                .eval_query(query.to_string(), false)
                .map_err(|err| match limit_of(&err) {
                    Some(kind) => PolicyError::Limit { kind },
                    None if is_query_error(&err) => PolicyError::Query {
                        query: query.to_string(),
                        message: format!("{err:#}"),
                    },
                    None => PolicyError::eval(err),
                })?;
        Ok(results
            .result
            .iter()
            .map(|result| QueryResult {
                expressions: result
                    .expressions
                    .iter()
                    .map(|e| to_json(&e.value).unwrap_or(serde_json::Value::Null))
                    .collect(),
                bindings: match to_json(&result.bindings) {
                    Some(serde_json::Value::Object(map)) => map,
                    _ => serde_json::Map::new(),
                },
            })
            .collect())
    }

    /// Whether a rule named `rule` (or a rule below it) is declared in `package` by any module.
    pub fn declares_rule(&self, package: &str, rule: &str) -> bool {
        self.modules
            .iter()
            .filter(|m| m.package == package)
            .any(|m| {
                self.engine
                    .has_declared_rule_rooted_at(&m.path, rule)
                    .unwrap_or(false)
            })
    }

    /// The underlying regorus engine, for modes that read the parsed modules (the unit-test
    /// runner finds `test_` rules in them).
    pub fn regorus_mut(&mut self) -> &mut regorus::Engine {
        &mut self.engine
    }

    /// Starts keeping the messages of `trace(msg)` calls (for traces and test reports); an
    /// engine does not keep them otherwise, so a long scan does not pile them up.
    pub fn gather_notes(&mut self) {
        if let Ok(mut n) = self.notes.lock()
            && n.is_none()
        {
            *n = Some(Vec::new());
        }
    }

    /// The messages of `trace(msg)` calls since the last call (see
    /// [`PolicyEngine::gather_notes`]).
    pub fn take_notes(&mut self) -> Vec<String> {
        self.notes
            .lock()
            .ok()
            .and_then(|mut n| n.as_mut().map(std::mem::take))
            .unwrap_or_default()
    }

    /// The lines `print` wrote since the last call (`file:line: message`).
    pub fn take_prints(&mut self) -> Vec<String> {
        self.engine.take_prints().unwrap_or_default()
    }

    /// Raises the process heap ceiling to the current heap plus the headroom (never lowers
    /// it, since other threads may be evaluating under it).
    fn guard_memory(&self) {
        let Some(headroom) = self.options.limits.memory_headroom else {
            return;
        };
        let live = regorus_mimalloc::limits::global_allocation_stats_snapshot().allocated;
        let wanted = live.saturating_add(headroom);
        match regorus::global_memory_limit() {
            Some(current) if current >= wanted => {}
            _ => regorus::set_global_memory_limit(Some(wanted)),
        }
    }
}

/// Converts an evaluation result to JSON (sets become arrays); `None` for undefined.
pub fn to_json(value: &RegoValue) -> Option<serde_json::Value> {
    if *value == RegoValue::Undefined {
        return None;
    }
    serde_json::to_value(value).ok()
}

fn is_query_error(err: &anyhow::Error) -> bool {
    let text = format!("{err}");
    text.contains("<query.rego>") || text.starts_with("<query")
}

fn imports_rego_v1(source: &str) -> bool {
    source
        .lines()
        .any(|line| line.trim_start().starts_with("import rego.v1"))
}

/// A v0 module's telltale: a rule body opened without `if` (`deny[msg] {`, `allow {`).
fn looks_v0(source: &str) -> bool {
    if imports_rego_v1(source) {
        return false;
    }
    source.lines().any(|line| {
        let line = line.trim_end();
        let code = line.split('#').next().unwrap_or("").trim_end();
        code.ends_with('{')
            && !code.contains(" if ")
            && !code.contains(" if{")
            && !code.starts_with(char::is_whitespace)
            && !code.contains(":=")
            && !code.contains(" = ")
    })
}

#[cfg(test)]
mod tests;
