//! The function registry: how a function library (Sprig, Helm's `include`/`tpl`/`required`)
//! plugs into the engine. Each function declares a Go-like signature so the executor can
//! check argument counts and types exactly as Go's reflection-based `evalCall` does.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::FuncError;
use crate::exec::CallContext;
use crate::value::Value;

/// A Go parameter type. The executor converts and checks arguments the way Go does for a
/// parameter of this type (`expected string; found 3`, `wrong type for value; expected
/// string; got float64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `interface{}`: anything, including `nil`.
    Any,
    /// `string`
    String,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `[]interface{}`
    List,
    /// `map[string]interface{}`
    Map,
}

impl ParamType {
    /// Go's name of the type.
    pub fn go_name(self) -> &'static str {
        match self {
            ParamType::Any => "interface {}",
            ParamType::String => "string",
            ParamType::Int => "int",
            ParamType::Int64 => "int64",
            ParamType::Float64 => "float64",
            ParamType::Bool => "bool",
            ParamType::List => "[]interface {}",
            ParamType::Map => "map[string]interface {}",
        }
    }
}

/// Parameters of a function: fixed ones, then optionally a variadic tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Fixed parameters.
    pub params: Vec<ParamType>,
    /// Type of each variadic argument (`...T`), if the function is variadic.
    pub variadic: Option<ParamType>,
}

impl Signature {
    /// Fixed parameters only.
    pub fn fixed(params: &[ParamType]) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: None,
        }
    }

    /// Fixed parameters then `...tail`.
    pub fn variadic(params: &[ParamType], tail: ParamType) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: Some(tail),
        }
    }
}

/// A template function.
pub trait Function: Send + Sync {
    /// Its parameters.
    fn signature(&self) -> &Signature;
    /// Calls it with checked, converted arguments. The context reaches back into the engine
    /// (`include`, `tpl`).
    fn call(&self, ctx: &mut CallContext<'_>, args: Vec<Value>) -> Result<Value, FuncError>;
}

/// Where the engine looks functions up; Sprig and Helm provide one. Functions found here
/// shadow the builtins (`and`, `len`, `printf`, …), as in Go.
pub trait FunctionRegistry: Send + Sync {
    /// The function called `name`, if any.
    fn get(&self, name: &str) -> Option<&dyn Function>;
}

type Closure = dyn Fn(&mut CallContext<'_>, Vec<Value>) -> Result<Value, FuncError> + Send + Sync;

struct ClosureFunction {
    signature: Signature,
    f: Box<Closure>,
}

impl Function for ClosureFunction {
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn call(&self, ctx: &mut CallContext<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
        (self.f)(ctx, args)
    }
}

/// A name → function map (Go's `template.FuncMap`).
#[derive(Default, Clone)]
pub struct FuncMap {
    map: HashMap<String, Arc<dyn Function>>,
}

impl FuncMap {
    /// An empty map.
    pub fn new() -> FuncMap {
        FuncMap::default()
    }

    /// Adds (or replaces) a function.
    pub fn insert(&mut self, name: impl Into<String>, f: Arc<dyn Function>) {
        self.map.insert(name.into(), f);
    }

    /// Adds a closure with the given signature.
    pub fn insert_fn<F>(&mut self, name: impl Into<String>, signature: Signature, f: F)
    where
        F: Fn(&mut CallContext<'_>, Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        self.insert(
            name,
            Arc::new(ClosureFunction {
                signature,
                f: Box::new(f),
            }),
        );
    }

    /// Whether `name` is defined here.
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Every defined name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

impl FunctionRegistry for FuncMap {
    fn get(&self, name: &str) -> Option<&dyn Function> {
        self.map.get(name).map(|f| f.as_ref())
    }
}

/// The builtin function names of `text/template`.
pub const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

pub(crate) fn builtin_signature(name: &str) -> Option<Signature> {
    use ParamType::{Any, String};
    Some(match name {
        "and" | "or" | "index" | "slice" | "eq" => Signature::variadic(&[Any], Any),
        "call" => Signature::variadic(&[Any], Any),
        "html" | "js" | "urlquery" | "print" | "println" => Signature::variadic(&[], Any),
        "printf" => Signature::variadic(&[String], Any),
        "len" | "not" => Signature::fixed(&[Any]),
        "ne" | "lt" | "le" | "gt" | "ge" => Signature::fixed(&[Any, Any]),
        _ => return None,
    })
}
