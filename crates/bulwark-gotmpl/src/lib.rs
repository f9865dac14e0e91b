//! Go's `text/template` in Rust, byte-for-byte: the lexer and parser of
//! `text/template/parse` (trim markers, comments, numbers, `define`/`block`/`template`,
//! `break`/`continue`, Go's error messages and positions), an executor over a dynamic
//! [`Value`] with Go's semantics (truth, fields on maps, `missingkey`, comparisons, `and`/`or`
//! short-circuit, builtins), and Go's `fmt` verbs.
//!
//! Function libraries (Sprig, Helm's `include`/`tpl`/`required`) plug in through
//! [`FunctionRegistry`]; each function declares a Go-like [`Signature`] so arguments are
//! checked as Go checks them, and receives a [`CallContext`] to execute templates of the
//! running set. Every execution is bounded by [`Limits`].
//!
//! ```
//! use bulwark_gotmpl::{TemplateSet, Value};
//! let mut set = TemplateSet::with_builtins("root");
//! set.parse("t", "{{ range $i, $v := . }}{{ $i }}={{ $v }} {{ end }}").expect("parses");
//! let data = Value::list(vec![Value::from("a"), Value::Float(1e6)]);
//! assert_eq!(set.execute("t", &data).expect("runs"), "0=a 1=1e+06 ");
//! ```

mod error;
mod exec;
pub mod fmt;
mod funcs;
mod lex;
mod node;
mod parse;
mod template;
pub mod trace;
mod value;

pub use error::{Error, ExecError, ExecErrorKind, FuncError, ParseError};
pub use exec::CallContext;
pub use funcs::{BUILTINS, FuncMap, Function, FunctionRegistry, ParamType, Signature};
pub use node::{Arg, Branch, BranchKind, Command, List, Node, Number, Pipe, Pos, Tree, Variable};
pub use parse::{ParseOptions, TreeSet, parse};
pub use template::{Limits, MissingKey, Options, TemplateSet, with_limits_stack};
pub use trace::{PathSeg, Segment, Trace, TraceIndex};
pub use value::{Map, Opaque, SharedMap, Value};
