//! The dynamic value a template sees: the shapes Helm data takes once decoded (JSON/YAML
//! values, Sprig results), with the Go type each one stands for.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A map with string keys; iteration (and `range`) is in byte order of the keys, as Go's
/// `fmtsort` orders `map[string]…` keys.
pub type Map = BTreeMap<String, Value>;

/// A Go map value: a reference to one shared, mutable map. Copies of a `SharedMap` (and of
/// the [`Value`] holding it) see the same entries, as copies of a Go map do, so Sprig's
/// `set`, `unset` and `merge` change the map every holder sees; [`Value::deep_copy`] makes
/// an independent copy.
#[derive(Clone, Default)]
pub struct SharedMap(Arc<RwLock<Map>>);

impl SharedMap {
    /// A new map holding `entries`.
    pub fn new(entries: Map) -> SharedMap {
        SharedMap(Arc::new(RwLock::new(entries)))
    }

    /// Reads the entries. Do not hold the guard across a call that may write this map.
    pub fn read(&self) -> RwLockReadGuard<'_, Map> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes the entries. Do not hold the guard across a call that may read this map.
    pub fn write(&self) -> RwLockWriteGuard<'_, Map> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value at `key` (a shallow copy: maps inside stay shared).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// A shallow copy of the entries (maps inside stay shared).
    pub fn snapshot(&self) -> Map {
        self.read().clone()
    }

    /// Keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// Whether both refer to the same Go map.
    pub fn ptr_eq(&self, other: &SharedMap) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The address of the shared map (its identity while it is alive).
    pub(crate) fn addr(&self) -> usize {
        Arc::as_ptr(&self.0).cast::<u8>() as usize
    }
}

impl From<Map> for SharedMap {
    fn from(m: Map) -> SharedMap {
        SharedMap::new(m)
    }
}

/// A template value. Each variant stands for one Go type: [`Value::type_name`] is the name
/// Go's `%T` prints, and comparisons, truth and printing follow that Go type.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's untyped `nil` (an empty `interface{}`): a YAML `null`, a missing map key.
    #[default]
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int` (64-bit): template integer literals, `len`, most Sprig integer results.
    Int(i64),
    /// `int64`: Sprig's `int64`, `add`, `mul`, ….
    Int64(i64),
    /// `uint64`.
    Uint(u64),
    /// `float64`: every number decoded from JSON or from Helm values.
    Float(f64),
    /// `string`.
    String(Arc<str>),
    /// `[]interface {}`.
    List(Arc<Vec<Value>>),
    /// `map[string]interface {}` (shared and mutable, as a Go map).
    Map(SharedMap),
    /// Any other Go value a function library returns (a certificate, a time, a version).
    Opaque(Arc<dyn Opaque>),
}

/// A value the engine treats as a black box: it can be printed, tested for truth and asked
/// for fields; function libraries downcast it back with [`Opaque::as_any`].
pub trait Opaque: Send + Sync + fmt::Debug {
    /// Go's type name, as `%T` prints it (`*semver.Version`, `time.Time`).
    fn type_name(&self) -> String;
    /// `%v` text.
    fn format(&self) -> String;
    /// A field or niladic method, as `.Name` reaches it; `None` means no such field.
    fn field(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }
    /// A method called with arguments (`.Files.Get "x"`), checked and called as a function
    /// is; `None` means no such method (then [`Opaque::field`] is tried).
    fn method(&self, name: &str) -> Option<Arc<dyn crate::funcs::Function>> {
        let _ = name;
        None
    }
    /// For a Go map or slice type: its entries as `range` sees them (key or index, element)
    /// and `len` counts them; `None` for other types.
    fn entries(&self) -> Option<Vec<(Value, Value)>> {
        None
    }
    /// Truth in `if`: structs are always true in Go.
    fn truth(&self) -> bool {
        true
    }
    /// For downcasting by the library that made the value.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// The comparison class of a value (Go's `basicKind` in `text/template`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum BasicKind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    String,
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A map value.
    pub fn map(entries: Map) -> Value {
        Value::Map(SharedMap::new(entries))
    }

    /// A copy sharing nothing mutable with `self` (Sprig's `deepCopy`).
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::Map(m) => {
                let entries: Map = m
                    .read()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy()))
                    .collect();
                Value::map(entries)
            }
            Value::List(l) => Value::list(l.iter().map(Value::deep_copy).collect()),
            other => other.clone(),
        }
    }

    /// The map inside, if this is a map.
    pub fn as_map(&self) -> Option<&SharedMap> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Go's name for the type (`%T`): `int`, `float64`, `[]interface {}`, `<nil>`.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Uint(_) => "uint64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::List(_) => "[]interface {}".into(),
            Value::Map(_) => "map[string]interface {}".into(),
            Value::Opaque(o) => o.type_name(),
        }
    }

    /// Go's `reflect.Kind` name (`int`, `slice`, `map`, `invalid`), as Sprig's `kindOf` prints it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Opaque(_) => "struct",
        }
    }

    /// Truth as `if`, `with`, `and`, `or` and `not` see it: the zero value of a type and
    /// empty collections are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Opaque(o) => o.truth(),
        }
    }

    /// Whether this is `nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn basic_kind(&self) -> BasicKind {
        match self {
            Value::Bool(_) => BasicKind::Bool,
            Value::Int(_) | Value::Int64(_) => BasicKind::Int,
            Value::Uint(_) => BasicKind::Uint,
            Value::Float(_) => BasicKind::Float,
            Value::String(_) => BasicKind::String,
            _ => BasicKind::Invalid,
        }
    }

    pub(crate) fn as_i64(&self) -> i64 {
        match self {
            Value::Int(i) | Value::Int64(i) => *i,
            Value::Uint(u) => *u as i64,
            _ => 0,
        }
    }

    /// Go's `%v` of the value (`fmt.Sprint` of one operand).
    pub fn to_go_string(&self) -> String {
        crate::fmt::sprint(std::slice::from_ref(self))
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.type_name(), self.to_go_string())
    }
}

impl PartialEq for Value {
    /// Structural equality (not Go's `eq`, which refuses to compare maps and slices).
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Uint(a), Value::Uint(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a.ptr_eq(b) || *a.read() == *b.read(),
            (Value::Opaque(a), Value::Opaque(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::list(v)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::map(m)
    }
}
