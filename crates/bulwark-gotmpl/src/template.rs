//! A set of named templates sharing functions and options (Go's `*template.Template` with
//! its associated templates).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, ParseError};
use crate::exec::{Shared, execute_tree, execute_tree_traced};
use crate::funcs::{BUILTINS, FuncMap, FunctionRegistry};
use crate::node::{Tree, is_empty_list};
use crate::parse::{ParseOptions, TreeSet, parse};
use crate::trace::{Trace, TraceIndex, TraceState};
use crate::value::Value;

/// What `.key` yields for a key a map lacks (Go's `missingkey=` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` / `invalid`: no value (prints `<no value>`).
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the element type (`nil` for
    /// `map[string]interface{}`).
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key "x"`.
    Error,
}

/// Resource limits: every execution ends, with an error rather than a hang or a stack
/// overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nesting of control structures and parentheses the parser accepts (Go: 10000
    /// parentheses, unbounded control structures).
    pub max_parse_depth: usize,
    /// Nested template invocations (`template`, and `include`/`tpl` through functions). Go
    /// allows 100000; deep recursion needs stack, see [`Limits::default`].
    pub max_template_depth: usize,
    /// Bytes one execution may produce (each nested `include` output counts too).
    pub max_output_bytes: usize,
    /// Nodes and commands evaluated in one execution, nested executions included.
    pub max_steps: u64,
    /// Nested control structures and template calls in one execution, nested executions
    /// included (bounds the executor's recursion).
    pub max_nesting: usize,
    /// Wall-clock time for one execution.
    pub max_duration: Option<Duration>,
    /// Parse and execute on a thread with this much stack, so the depth limits above
    /// cannot overflow the caller's stack (`None`: run on the caller's thread, which must
    /// then have room for the limits chosen).
    pub stack_size: Option<usize>,
}

impl Default for Limits {
    /// Depths of 1000 (parser), 1000 (templates) and 10000 (nesting) on a 256 MiB stack
    /// (reserved, used on demand); 64 MiB of output; 100 million steps.
    fn default() -> Limits {
        Limits {
            max_parse_depth: 1000,
            max_template_depth: 1000,
            max_output_bytes: 64 << 20,
            max_steps: 100_000_000,
            max_nesting: 10_000,
            max_duration: None,
            stack_size: Some(256 << 20),
        }
    }
}

/// Options of a template set.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Missing map keys.
    pub missing_key: MissingKey,
    /// Left action delimiter (`{{` when empty).
    pub left_delim: String,
    /// Right action delimiter (`}}` when empty).
    pub right_delim: String,
    /// Limits.
    pub limits: Limits,
}

/// Named templates, the functions they may call and execution options.
#[derive(Clone)]
pub struct TemplateSet {
    name: String,
    trees: BTreeMap<String, Arc<Tree>>,
    pub(crate) funcs: Arc<dyn FunctionRegistry>,
    pub(crate) options: Options,
}

impl std::fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateSet")
            .field("name", &self.name)
            .field("templates", &self.trees.keys().collect::<Vec<_>>())
            .field("options", &self.options)
            .finish()
    }
}

impl TemplateSet {
    /// An empty set called `name` (Go: `template.New(name).Funcs(funcs)`).
    pub fn new(name: impl Into<String>, funcs: Arc<dyn FunctionRegistry>) -> TemplateSet {
        TemplateSet {
            name: name.into(),
            trees: BTreeMap::new(),
            funcs,
            options: Options::default(),
        }
    }

    /// An empty set with only the builtin functions.
    pub fn with_builtins(name: impl Into<String>) -> TemplateSet {
        TemplateSet::new(name, Arc::new(FuncMap::new()))
    }

    /// Replaces the options.
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The function registry.
    pub fn functions(&self) -> &Arc<dyn FunctionRegistry> {
        &self.funcs
    }

    /// The set's own name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Parses `text` as template `name` and adds it and the templates it defines, with Go's
    /// rules: a definition replaces an earlier one of the same name unless it is empty;
    /// defining a name twice in one text is an error.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), ParseError> {
        let trees = self.parse_trees(name, text)?;
        self.add_trees(trees);
        Ok(())
    }

    /// [`TemplateSet::parse`] of many texts in order, as one `parse` after another, stopping
    /// at the first that fails (its index and error). When the texts are large, the later
    /// part is parsed on a second thread while this one parses the first part: parsing a
    /// text depends only on the text and the function names, and the trees are added in
    /// the texts' order afterwards, so the result is the same.
    pub fn parse_all<S: AsRef<str> + Sync>(
        &mut self,
        texts: &[(String, S)],
    ) -> Result<(), (usize, ParseError)> {
        /// Below this many bytes in all, a second thread costs more than it saves.
        const PARALLEL_BYTES: usize = 128 << 10;
        let total: usize = texts.iter().map(|(_, t)| t.as_ref().len()).sum();
        let parse_range = |range: std::ops::Range<usize>| {
            let mut out = Vec::with_capacity(range.len());
            for i in range {
                let (name, text) = &texts[i];
                match self.parse_trees(name, text.as_ref()) {
                    Ok(trees) => out.push(trees),
                    Err(e) => return Err((i, e)),
                }
            }
            Ok(out)
        };
        let results = if total < PARALLEL_BYTES || texts.len() < 2 {
            vec![parse_range(0..texts.len())]
        } else {
            // Split where half of the bytes are behind.
            let mut split = 0;
            let mut seen = 0;
            while split < texts.len() - 1 && seen < total / 2 {
                seen += texts[split].1.as_ref().len();
                split += 1;
            }
            let stack = self.options.limits.stack_size;
            std::thread::scope(|scope| {
                let mut builder = std::thread::Builder::new().name("gotmpl-parse".into());
                if let Some(size) = stack {
                    builder = builder.stack_size(size);
                }
                let later = builder.spawn_scoped(scope, || {
                    if let Some(size) = stack {
                        STACK_SIZE.set(size);
                    }
                    parse_range(split..texts.len())
                });
                let first = parse_range(0..split);
                match later {
                    Ok(handle) => match handle.join() {
                        Ok(later) => vec![first, later],
                        Err(panic) => std::panic::resume_unwind(panic),
                    },
                    // No second thread: parse the rest here.
                    Err(_) => vec![first, parse_range(split..texts.len())],
                }
            })
        };
        for part in results {
            for trees in part? {
                self.add_trees(trees);
            }
        }
        Ok(())
    }

    /// Parses one text into its trees without adding them.
    fn parse_trees(&self, name: &str, text: &str) -> Result<TreeSet, ParseError> {
        let funcs = self.funcs.clone();
        let has = |n: &str| BUILTINS.contains(&n) || funcs.get(n).is_some();
        let options = ParseOptions {
            left_delim: &self.options.left_delim,
            right_delim: &self.options.right_delim,
            skip_func_check: false,
            max_depth: self.options.limits.max_parse_depth,
        };
        // Only a text that could nest deeply needs the big stack.
        // (Counting stops as soon as the answer is known.)
        let parens = text.bytes().filter(|&b| b == b'(').take(65).count();
        let bound = parens
            + text
                .matches(options.left_delim_or_default())
                .take(65 - parens.min(65))
                .count();
        let stack = if bound > 64 {
            self.options.limits.stack_size
        } else {
            None
        };
        with_stack(stack, || parse(name, text, options, &has))
    }

    /// Adds parsed trees with Go's rule: a definition replaces an earlier one of the same
    /// name unless it is empty.
    fn add_trees(&mut self, trees: TreeSet) {
        for (n, tree) in trees {
            if self.trees.contains_key(&n) && is_empty_list(&tree.root) {
                continue;
            }
            self.trees.insert(n, tree);
        }
    }

    pub(crate) fn remove(&mut self, name: &str) {
        self.trees.remove(name);
    }

    /// The template called `name`.
    pub fn lookup(&self, name: &str) -> Option<&Arc<Tree>> {
        self.trees.get(name)
    }

    /// Names of all templates, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.trees.keys().map(String::as_str)
    }

    /// Go's `DefinedTemplates`: `; defined templates are: "a", "b"` (sorted here; Go's order
    /// is a map's), or empty.
    pub fn defined_templates(&self) -> String {
        if self.trees.is_empty() {
            return String::new();
        }
        let names: Vec<String> = self.trees.keys().map(|k| crate::fmt::quote(k)).collect();
        format!("; defined templates are: {}", names.join(", "))
    }

    /// Executes template `name` with `data` as dot (Go's `ExecuteTemplate`).
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        with_stack(self.options.limits.stack_size, || {
            let mut shared = Shared::new(self.options.limits);
            self.execute_shared(name, data, &mut shared)
        })
    }

    /// [`TemplateSet::execute`] with source tracing: also returns which node wrote each
    /// part of the output and which values of `index` it printed (see [`Trace`]). The
    /// output is the same as untraced.
    pub fn execute_traced(
        &self,
        name: &str,
        data: &Value,
        index: Arc<TraceIndex>,
    ) -> Result<(String, Trace), Error> {
        with_stack(self.options.limits.stack_size, || {
            let mut shared = Shared::new(self.options.limits);
            shared.trace = Some(Box::new(TraceState::new(index.clone())));
            let Some(tree) = self.trees.get(name) else {
                return self.execute_shared(name, data, &mut shared).map(|s| {
                    (
                        s,
                        Trace {
                            segments: Vec::new(),
                            index: index.clone(),
                        },
                    )
                });
            };
            let (out, segments) =
                execute_tree_traced(self, tree, data, &mut shared).map_err(Error::Exec)?;
            Ok((out, Trace { segments, index }))
        })
    }

    pub(crate) fn execute_shared(
        &self,
        name: &str,
        data: &Value,
        shared: &mut Shared,
    ) -> Result<String, Error> {
        let Some(tree) = self.trees.get(name) else {
            return Err(Error::Exec(crate::error::ExecError {
                template: name.to_owned(),
                message: format!(
                    "template: no template {} associated with template {}",
                    crate::fmt::quote(name),
                    crate::fmt::quote(&self.name)
                ),
                kind: crate::error::ExecErrorKind::Template,
            }));
        };
        execute_tree(self, tree, data, shared).map_err(Error::Exec)
    }
}

thread_local! {
    /// The stack size of the thread [`with_stack`] started and is now running on (0 on any
    /// other thread).
    static STACK_SIZE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f` with at least `limits.stack_size` bytes of stack, on one thread started for
/// the whole of `f` (inline when `f` already runs on such a thread, or when no size is
/// set). A caller that parses and executes many templates wraps the lot in this, so each
/// [`TemplateSet::parse`] and [`TemplateSet::execute`] inside runs inline instead of
/// starting a thread of its own.
pub fn with_limits_stack<T: Send>(limits: &Limits, f: impl FnOnce() -> T + Send) -> T {
    with_stack(limits.stack_size, f)
}

/// Runs `f` on a scoped thread with `size` bytes of stack (inline when `None`, when the
/// current thread is one of these with at least `size` bytes, or when the thread cannot be
/// created).
fn with_stack<T: Send>(size: Option<usize>, f: impl FnOnce() -> T + Send) -> T {
    let Some(size) = size else {
        return f();
    };
    if STACK_SIZE.get() >= size {
        return f();
    }
    let mut f = Some(f);
    let result = std::thread::scope(|scope| {
        let builder = std::thread::Builder::new()
            .name("gotmpl".into())
            .stack_size(size);
        let job = f.take();
        match builder.spawn_scoped(scope, move || {
            STACK_SIZE.set(size);
            job.map(|job| job())
        }) {
            Ok(handle) => Some(handle.join()),
            Err(_) => None,
        }
    });
    match result {
        Some(Ok(Some(v))) => v,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        // The thread could not start (or had no job): run here.
        _ => match f.take() {
            Some(f) => f(),
            None => unreachable_job(),
        },
    }
}

#[cold]
fn unreachable_job() -> ! {
    // `f` is taken exactly once: either the thread ran it (and returned its value) or it is
    // still here.
    std::process::abort()
}
