//! Source tracing: which template node wrote each byte of an execution's output, and which
//! traced input value (a path under a root such as `.Values`) the node printed.
//!
//! Tracing is off unless an execution is started with [`TemplateSet::execute_traced`]; the
//! executor then records a [`Segment`] for every text node and every printing action, and
//! follows *provenance*: a value reached by a field chain from a traced root (directly,
//! through variables, `with`/`range` dot, or function results such as `default`, `quote`,
//! `toYaml`, `nindent`) carries the paths it came from. Output of nested executions
//! (Helm's `include`) is kept when the calling action printed it unchanged or re-indented,
//! so a finding in an included helper maps to the helper's line.
//!
//! Reference values (strings, maps, lists) are recognised by identity, so provenance
//! survives any route a template takes to them; numbers and booleans are followed from the
//! field access that produced them to the command that consumes them.
//!
//! [`TemplateSet::execute_traced`]: crate::TemplateSet::execute_traced

use std::collections::HashMap;
use std::sync::Arc;

use crate::value::Value;

/// One step of a value path: a map key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// The most origins one value keeps (a `printf` of many values keeps the first ones).
pub(crate) const MAX_ORIGINS: usize = 4;

/// Paths of traced values, as ids into [`TraceIndex`].
pub type Origins = Vec<u32>;

/// The values a traced execution follows: every node under each root, interned as a path,
/// and its reference values by identity.
#[derive(Debug, Default)]
pub struct TraceIndex {
    /// `(parent, step)`; roots have no parent and their step is `Key(label)`.
    nodes: Vec<(Option<u32>, PathSeg)>,
    children: HashMap<(u32, PathSeg), u32>,
    by_ptr: HashMap<usize, u32>,
    /// Keeps every indexed value alive, so no address is reused during the execution.
    keep: Vec<Value>,
}

/// The address identifying a reference value (strings, lists, maps), if it is one.
pub(crate) fn value_ptr(v: &Value) -> Option<usize> {
    match v {
        Value::String(s) => Some(Arc::as_ptr(s).cast::<u8>() as usize),
        Value::List(l) => Some(Arc::as_ptr(l) as usize),
        Value::Map(m) => Some(m.addr()),
        _ => None,
    }
}

impl TraceIndex {
    /// An empty index.
    pub fn new() -> TraceIndex {
        TraceIndex::default()
    }

    /// Adds a root: `value` and everything under it, named `label` (paths print as
    /// `label.a.b[0]`, or without the label when it is empty).
    pub fn add_root(&mut self, label: &str, value: &Value) -> u32 {
        let id = self.intern(None, PathSeg::Key(label.to_owned()));
        self.walk(id, value, 0);
        id
    }

    fn intern(&mut self, parent: Option<u32>, seg: PathSeg) -> u32 {
        if let Some(p) = parent
            && let Some(id) = self.children.get(&(p, seg.clone()))
        {
            return *id;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push((parent, seg.clone()));
        if let Some(p) = parent {
            self.children.insert((p, seg), id);
        }
        id
    }

    fn walk(&mut self, id: u32, v: &Value, depth: usize) {
        if depth > 200 {
            return;
        }
        if let Some(ptr) = value_ptr(v) {
            // The first path that reaches a shared value names it.
            if self.by_ptr.contains_key(&ptr) {
                return;
            }
            self.by_ptr.insert(ptr, id);
            self.keep.push(v.clone());
        }
        match v {
            Value::Map(m) => {
                let entries = m.snapshot();
                for (k, child) in &entries {
                    let c = self.intern(Some(id), PathSeg::Key(k.clone()));
                    self.walk(c, child, depth + 1);
                }
            }
            Value::List(l) => {
                for (i, child) in l.iter().enumerate() {
                    let c = self.intern(Some(id), PathSeg::Index(i));
                    self.walk(c, child, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// The path id of an indexed reference value.
    pub fn lookup(&self, v: &Value) -> Option<u32> {
        value_ptr(v).and_then(|p| self.by_ptr.get(&p).copied())
    }

    /// The id of `seg` under `parent`, if the traced data has it.
    pub fn child(&self, parent: u32, seg: &PathSeg) -> Option<u32> {
        self.children.get(&(parent, seg.clone())).copied()
    }

    /// The root label and the steps from it to path `id`.
    pub fn path(&self, id: u32) -> (String, Vec<PathSeg>) {
        let mut steps = Vec::new();
        let mut cur = Some(id);
        let mut label = String::new();
        while let Some(i) = cur {
            let Some((parent, seg)) = self.nodes.get(i as usize) else {
                break;
            };
            match parent {
                Some(_) => steps.push(seg.clone()),
                None => {
                    if let PathSeg::Key(k) = seg {
                        label = k.clone();
                    }
                }
            }
            cur = *parent;
        }
        steps.reverse();
        (label, steps)
    }
}

/// `a.b[0].c` for steps.
pub fn display_path(steps: &[PathSeg]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            PathSeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Output bytes `start..end` of an execution were written by one node.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Byte range in the execution's output.
    pub start: usize,
    pub end: usize,
    /// The template file the node was parsed from (its parse name: the name the text was
    /// given to [`TemplateSet::parse`](crate::TemplateSet::parse)).
    pub template: Arc<str>,
    /// The text that was parsed (positions index into it); compare it with the file to
    /// tell a file's template from text parsed at run time (Helm's `tpl`).
    pub source: Arc<str>,
    /// Byte offset of the node in `source`: the text itself for text, the first token
    /// inside the delimiters for an action.
    pub pos: usize,
    /// Whether an action (rather than literal text) wrote it.
    pub action: bool,
    /// Paths (ids into the [`TraceIndex`]) of the traced values the action printed.
    pub origins: Origins,
    /// How many `include`s deep the node ran (0: the executed template itself); the
    /// deepest segment holding an offset is the most specific.
    pub depth: u32,
}

/// What a traced execution produced besides its output.
#[derive(Debug)]
pub struct Trace {
    /// Segments in output order (nested ones after the action that printed them).
    pub segments: Vec<Segment>,
    /// The index the origins refer to.
    pub index: Arc<TraceIndex>,
}

impl Trace {
    /// The most specific segment holding output byte `offset`.
    pub fn segment_at(&self, offset: usize) -> Option<&Segment> {
        self.segments
            .iter()
            .filter(|s| s.start <= offset && offset < s.end)
            .max_by(|a, b| {
                a.depth
                    .cmp(&b.depth)
                    .then_with(|| (b.end - b.start).cmp(&(a.end - a.start)))
            })
    }
}

/// Per-execution tracing state, shared with nested executions.
#[derive(Debug)]
pub(crate) struct TraceState {
    pub(crate) index: Arc<TraceIndex>,
    /// Origins of reference values made during the execution (function results).
    derived: HashMap<usize, Origins>,
    /// Keeps derived values alive, so no address is reused.
    keep: Vec<Value>,
    /// Outputs and segments of nested executions not yet claimed by a printing action.
    pub(crate) completed: Vec<(String, Vec<Segment>)>,
    /// Parse names by tree address.
    names: HashMap<usize, Arc<str>>,
}

impl TraceState {
    pub(crate) fn new(index: Arc<TraceIndex>) -> TraceState {
        TraceState {
            index,
            derived: HashMap::new(),
            keep: Vec::new(),
            completed: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// The origins of a reference value, if it is traced.
    pub(crate) fn origins_of(&self, v: &Value) -> Option<Origins> {
        let ptr = value_ptr(v)?;
        if let Some(id) = self.index.by_ptr.get(&ptr) {
            return Some(vec![*id]);
        }
        self.derived.get(&ptr).cloned()
    }

    /// Records the origins of a reference value made during the execution.
    pub(crate) fn derive(&mut self, v: &Value, origins: Origins) {
        if origins.is_empty() {
            return;
        }
        if let Some(ptr) = value_ptr(v)
            && !self.index.by_ptr.contains_key(&ptr)
        {
            self.derived.insert(ptr, origins);
            self.keep.push(v.clone());
        }
    }

    pub(crate) fn name_of(&mut self, tree: &crate::node::Tree) -> Arc<str> {
        let key = std::ptr::from_ref(tree) as usize;
        self.names
            .entry(key)
            .or_insert_with(|| Arc::from(tree.parse_name.as_str()))
            .clone()
    }
}

/// Adds `more` to `into`, keeping at most [`MAX_ORIGINS`] distinct ids.
pub(crate) fn union(into: &mut Origins, more: &[u32]) {
    for id in more {
        if into.len() >= MAX_ORIGINS {
            return;
        }
        if !into.contains(id) {
            into.push(*id);
        }
    }
}

/// Maps offsets of `nested` (an included template's output) to offsets of `printed` (what
/// the calling action wrote), when `printed` holds `nested` verbatim or with white space
/// added or removed (`indent`, `nindent`, `trim`). `points` must be sorted; the result has
/// one offset per point.
pub(crate) fn align(nested: &str, printed: &str, points: &[usize]) -> Option<Vec<usize>> {
    if nested.is_empty() {
        return None;
    }
    if let Some(at) = printed.find(nested) {
        return Some(points.iter().map(|p| at + p).collect());
    }
    let (n, p) = (nested.as_bytes(), printed.as_bytes());
    let (mut i, mut j, mut k) = (0usize, 0usize, 0usize);
    let mut out = Vec::with_capacity(points.len());
    while i < n.len() {
        while k < points.len() && points[k] <= i {
            out.push(j);
            k += 1;
        }
        if j < p.len() && n[i] == p[j] {
            i += 1;
            j += 1;
        } else if j < p.len() && p[j].is_ascii_whitespace() {
            j += 1;
        } else if n[i].is_ascii_whitespace() {
            i += 1;
        } else {
            return None;
        }
    }
    while k < points.len() {
        out.push(j);
        k += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn align_follows_added_indentation() {
        let nested = "a: 1\nb: 2";
        let printed = "\n    a: 1\n    b: 2";
        // `b` is at 5 in nested, at 14 in printed: the added indentation (10..14) goes
        // with what follows it
        assert_eq!(align(nested, printed, &[0, 5, 9]), Some(vec![0, 10, 18]));
        assert_eq!(align("x: 1", "pre x: 1 post", &[0, 4]), Some(vec![4, 8]));
        assert_eq!(align("a: 1", "\"a: 1\"", &[0]), Some(vec![1]));
        assert_eq!(align("abc", "xyz", &[0]), None);
    }

    #[test]
    fn paths_print_keys_and_indexes() {
        let mut idx = TraceIndex::new();
        let mut m = crate::value::Map::new();
        m.insert(
            "env".into(),
            Value::list(vec![Value::map(
                [("name".to_owned(), Value::from("A"))]
                    .into_iter()
                    .collect(),
            )]),
        );
        let root = Value::map(m);
        idx.add_root("Values", &root);
        let env = match &root {
            Value::Map(m) => m.get("env"),
            _ => None,
        };
        let id = env.as_ref().and_then(|e| idx.lookup(e));
        let (label, steps) = idx.path(id.unwrap_or(0));
        assert_eq!(label, "Values");
        assert_eq!(display_path(&steps), "env");
        let item = idx
            .child(id.unwrap_or(0), &PathSeg::Index(0))
            .and_then(|i| idx.child(i, &PathSeg::Key("name".into())));
        assert_eq!(
            item.map(|i| display_path(&idx.path(i).1)).as_deref(),
            Some("env[0].name")
        );
    }
}
