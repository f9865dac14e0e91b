//! The executor (`text/template/exec.go` and the builtins of `funcs.go`): walks a tree
//! over [`Value`]s with Go's semantics for fields, variables, calls, truth, comparison and
//! printing, and Go's error messages.

use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, ExecError, ExecErrorKind, FuncError};
use crate::fmt::{quote, sprint, sprintf, sprintln};
use crate::funcs::{ParamType, Signature, builtin_signature};
use crate::node::{Arg, Branch, BranchKind, Command, List, Node, Number, Pipe, Tree, Variable};
use crate::template::{Limits, MissingKey, TemplateSet};
use crate::trace::{Origins, PathSeg, Segment, TraceState, align, union};
use crate::value::{BasicKind, Value};

/// State shared by an execution and every execution nested in it through functions.
#[derive(Debug)]
pub(crate) struct Shared {
    limits: Limits,
    steps: u64,
    nesting: usize,
    frames: usize,
    started: Instant,
    /// Source tracing, when the execution was started traced.
    pub(crate) trace: Option<Box<TraceState>>,
}

impl Shared {
    pub(crate) fn new(limits: Limits) -> Shared {
        Shared {
            limits,
            steps: 0,
            nesting: 0,
            frames: 0,
            started: Instant::now(),
            trace: None,
        }
    }
}

/// What a function sees of the engine: it can execute templates of the running set
/// (Helm's `include`) or parse and run new text against a copy of it (Helm's `tpl`).
pub struct CallContext<'a> {
    set: &'a TemplateSet,
    shared: &'a mut Shared,
    name: &'a str,
}

impl CallContext<'_> {
    /// The name the function was called by.
    pub fn function_name(&self) -> &str {
        self.name
    }

    /// The running template set.
    pub fn template_set(&self) -> &TemplateSet {
        self.set
    }

    /// Executes template `name` of the running set with `data` as dot (a fresh Go
    /// execution state, as `ExecuteTemplate` makes), within the running limits.
    pub fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        self.enter()?;
        let r = self.set.execute_shared(name, data, self.shared);
        self.shared.nesting -= 1;
        r
    }

    /// Parses `text` as template `name` into a copy of the running set and executes it
    /// there (the original set is unchanged), within the running limits. What runs is the
    /// text just parsed, even when it is empty and the set already had a template `name`
    /// (Go's `t.New(name).Parse(text)` then `Execute`).
    pub fn execute_text(&mut self, name: &str, text: &str, data: &Value) -> Result<String, Error> {
        let mut copy = self.set.clone();
        copy.remove(name);
        copy.parse(name, text)?;
        self.enter()?;
        let r = copy.execute_shared(name, data, self.shared);
        self.shared.nesting -= 1;
        r
    }

    /// Executes template `name` of `set` (a set the function built) within the running
    /// limits.
    pub fn execute_in(
        &mut self,
        set: &TemplateSet,
        name: &str,
        data: &Value,
    ) -> Result<String, Error> {
        self.enter()?;
        let r = set.execute_shared(name, data, self.shared);
        self.shared.nesting -= 1;
        r
    }

    fn enter(&mut self) -> Result<(), Error> {
        let max = self.shared.limits.max_template_depth;
        if self.shared.nesting >= max {
            return Err(Error::Exec(ExecError {
                template: String::new(),
                message: format!("template: exceeded maximum template depth ({max})"),
                kind: ExecErrorKind::Limit,
            }));
        }
        self.shared.nesting += 1;
        Ok(())
    }
}

/// A runtime value as Go's `reflect.Value` sees it: invalid (no value), or a value that
/// may sit in an `interface{}` slot (a map element, a list element, a function result).
#[derive(Clone, Debug)]
enum Rv {
    Invalid,
    V(Value, bool),
}

impl Rv {
    fn val(v: Value) -> Rv {
        Rv::V(v, false)
    }
    /// `indirectInterface`: the concrete value, invalid for a nil interface.
    fn concrete(&self) -> Option<&Value> {
        match self {
            Rv::Invalid => None,
            Rv::V(Value::Nil, true) => None,
            Rv::V(v, _) => Some(v),
        }
    }
    fn unwrap_interface(self) -> Rv {
        match self {
            Rv::V(Value::Nil, true) => Rv::Invalid,
            Rv::V(v, true) => Rv::V(v, false),
            other => other,
        }
    }
    fn into_value(self) -> Value {
        match self {
            Rv::Invalid => Value::Nil,
            Rv::V(v, _) => v,
        }
    }
    fn truth(&self) -> bool {
        self.concrete().is_some_and(Value::is_true)
    }
}

#[derive(Clone, Copy)]
enum At<'t> {
    Node(&'t Node),
    Pipe(&'t Pipe),
    Cmd(&'t Command),
    Arg(&'t Arg),
    Var(&'t Variable),
}

impl At<'_> {
    fn pos(&self) -> usize {
        match self {
            At::Node(n) => match n {
                Node::Text { pos, .. }
                | Node::Action { pos, .. }
                | Node::Template { pos, .. }
                | Node::Break { pos, .. }
                | Node::Continue { pos, .. } => *pos,
                Node::Branch(b) => b.pos,
            },
            At::Pipe(p) => p.pos,
            At::Cmd(c) => c.pos,
            At::Arg(a) => a.pos(),
            At::Var(v) => v.pos,
        }
    }
    fn context(&self) -> String {
        match self {
            At::Node(n) => n.to_string(),
            At::Pipe(p) => p.to_string(),
            At::Cmd(c) => c.to_string(),
            At::Arg(a) => a.to_string(),
            At::Var(v) => v.to_string(),
        }
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

type R<T> = Result<T, ExecError>;

enum Callee<'t> {
    Builtin(&'t str),
    User(&'t dyn crate::funcs::Function),
    Method(Arc<dyn crate::funcs::Function>),
}

struct Exec<'t, 's> {
    set: &'t TemplateSet,
    tree: &'t Tree,
    node: Option<At<'t>>,
    vars: Vec<(String, Rv)>,
    depth: usize,
    out: String,
    shared: &'s mut Shared,
    /// Segments written so far (tracing only).
    segs: Vec<Segment>,
    /// Origins of the last number or boolean a field or call produced (tracing only).
    scalar: Option<Origins>,
    /// Origins of dot when `with` or `range` set it to a traced number or boolean.
    dot_origin: Option<Origins>,
}

/// Executes `tree`; when tracing, the segments of a nested execution are left for the
/// action that prints its output.
pub(crate) fn execute_tree(
    set: &TemplateSet,
    tree: &Tree,
    data: &Value,
    shared: &mut Shared,
) -> Result<String, ExecError> {
    let (out, segs) = execute_tree_traced(set, tree, data, shared)?;
    if let Some(t) = shared.trace.as_mut() {
        t.completed.push((out.clone(), segs));
    }
    Ok(out)
}

/// Executes `tree` and returns its output with the segments recorded (none unless
/// `shared` traces).
pub(crate) fn execute_tree_traced(
    set: &TemplateSet,
    tree: &Tree,
    data: &Value,
    shared: &mut Shared,
) -> Result<(String, Vec<Segment>), ExecError> {
    let dot = match data {
        Value::Nil => Rv::Invalid,
        v => Rv::val(v.clone()),
    };
    let mut e = Exec {
        set,
        tree,
        node: None,
        vars: vec![("$".into(), dot.clone())],
        depth: 0,
        out: String::new(),
        shared,
        segs: Vec::new(),
        scalar: None,
        dot_origin: None,
    };
    e.walk_list(&dot, &tree.root)?;
    Ok((e.out, e.segs))
}

fn is_nil_kind(v: Option<&Value>) -> bool {
    v.is_none()
}

impl<'t> Exec<'t, '_> {
    fn at(&mut self, a: At<'t>) {
        self.node = Some(a);
    }

    fn err_kind(&self, kind: ExecErrorKind, msg: impl Into<String>) -> ExecError {
        let msg = msg.into();
        let name = &self.tree.name;
        let message = match &self.node {
            None => format!("template: {name}: {msg}"),
            Some(a) => format!(
                "template: {}: executing {} at <{}>: {}",
                self.tree.location(a.pos()),
                quote(name),
                a.context(),
                msg
            ),
        };
        ExecError {
            template: name.clone(),
            message,
            kind,
        }
    }

    fn errorf(&self, msg: impl Into<String>) -> ExecError {
        self.err_kind(ExecErrorKind::Template, msg)
    }

    fn step(&mut self) -> R<()> {
        self.shared.steps += 1;
        let limits = self.shared.limits;
        if self.shared.steps > limits.max_steps {
            return Err(self.err_kind(
                ExecErrorKind::Limit,
                format!("execution exceeded {} steps", limits.max_steps),
            ));
        }
        if let Some(d) = limits.max_duration
            && self.shared.steps.is_multiple_of(1024)
            && self.shared.started.elapsed() > d
        {
            return Err(self.err_kind(
                ExecErrorKind::Limit,
                format!("execution exceeded {} ms", d.as_millis()),
            ));
        }
        Ok(())
    }

    fn write(&mut self, s: &str) -> R<()> {
        let max = self.shared.limits.max_output_bytes;
        if self.out.len() + s.len() > max {
            return Err(self.err_kind(ExecErrorKind::Limit, format!("output exceeds {max} bytes")));
        }
        self.out.push_str(s);
        Ok(())
    }

    fn enter_frame(&mut self) -> R<()> {
        let max = self.shared.limits.max_nesting;
        if self.shared.frames >= max {
            return Err(self.err_kind(
                ExecErrorKind::Limit,
                format!("exceeded maximum nesting depth ({max})"),
            ));
        }
        self.shared.frames += 1;
        Ok(())
    }

    fn var_value(&self, name: &str) -> R<Rv> {
        for (n, v) in self.vars.iter().rev() {
            if n == name {
                return Ok(v.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_var(&mut self, name: &str, value: Rv) -> R<()> {
        for (n, v) in self.vars.iter_mut().rev() {
            if n == name {
                *v = value;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: Rv) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = value;
        }
    }

    /// Records that output from `start` to the end was written by the node at `pos`.
    fn record(&mut self, start: usize, pos: usize, action: bool, origins: Origins) {
        let end = self.out.len();
        if end == start {
            return;
        }
        let tree = self.tree;
        let Some(t) = self.shared.trace.as_mut() else {
            return;
        };
        let template = t.name_of(tree);
        self.segs.push(Segment {
            start,
            end,
            template,
            source: tree.text.clone(),
            pos,
            action,
            origins,
            depth: 0,
        });
    }

    /// How many nested outputs wait to be claimed (0 when not tracing).
    fn completed_mark(&self) -> usize {
        self.shared.trace.as_ref().map_or(0, |t| t.completed.len())
    }

    /// Forgets nested outputs made since `mark` that no action printed.
    fn drop_nested(&mut self, mark: usize) {
        if let Some(t) = self.shared.trace.as_mut() {
            t.completed.truncate(mark);
        }
    }

    /// Takes the segments of nested executions made since `mark` whose output the action
    /// that wrote from `start` printed (verbatim or re-indented).
    fn absorb_nested(&mut self, mark: usize, start: usize) {
        let Some(t) = self.shared.trace.as_mut() else {
            return;
        };
        if t.completed.len() <= mark {
            return;
        }
        let nested = t.completed.split_off(mark);
        let printed = &self.out[start..];
        for (text, segs) in nested {
            if segs.is_empty() {
                continue;
            }
            let mut points: Vec<usize> = segs.iter().flat_map(|s| [s.start, s.end]).collect();
            points.sort_unstable();
            points.dedup();
            let Some(mapped) = align(&text, printed, &points) else {
                continue;
            };
            let at = |p: usize| {
                points
                    .binary_search(&p)
                    .ok()
                    .and_then(|i| mapped.get(i))
                    .map(|m| start + m)
            };
            for s in segs {
                if let (Some(a), Some(b)) = (at(s.start), at(s.end))
                    && a < b
                {
                    self.segs.push(Segment {
                        start: a,
                        end: b,
                        depth: s.depth + 1,
                        ..s
                    });
                }
            }
        }
    }

    /// The origins of a value: by identity for strings, lists and maps, else those of the
    /// last number or boolean produced (tracing only).
    fn origin_of(&mut self, v: &Rv) -> Origins {
        let Some(t) = self.shared.trace.as_ref() else {
            return Vec::new();
        };
        let scalar = self.scalar.take();
        match v {
            Rv::V(val @ (Value::String(_) | Value::List(_) | Value::Map(_)), _) => {
                t.origins_of(val).unwrap_or_default()
            }
            Rv::V(Value::Nil, _) | Rv::Invalid => Vec::new(),
            Rv::V(_, _) => scalar.unwrap_or_default(),
        }
    }

    /// Notes the origins of a value just produced (tracing only).
    fn note_origin(&mut self, v: &Rv, origins: Origins) {
        let Some(t) = self.shared.trace.as_mut() else {
            return;
        };
        match v {
            Rv::V(val @ (Value::String(_) | Value::List(_) | Value::Map(_)), _) => {
                t.derive(val, origins);
            }
            Rv::V(Value::Nil, _) | Rv::Invalid => {}
            Rv::V(_, _) => self.scalar = (!origins.is_empty()).then_some(origins),
        }
    }

    fn walk_list(&mut self, dot: &Rv, list: &'t List) -> R<Flow> {
        for n in &list.nodes {
            match self.walk(dot, n)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Rv, node: &'t Node) -> R<Flow> {
        self.step()?;
        self.at(At::Node(node));
        match node {
            Node::Text { text, pos } => {
                let start = self.out.len();
                self.write(text)?;
                if self.shared.trace.is_some() {
                    self.record(start, *pos, false, Vec::new());
                }
            }
            Node::Action { pipe, pos, .. } => {
                let mark = self.completed_mark();
                self.scalar = None;
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    let start = self.out.len();
                    self.print_value(node, &val)?;
                    if self.shared.trace.is_some() {
                        let origins = self.origin_of(&val);
                        self.record(start, *pos, true, origins);
                        self.absorb_nested(mark, start);
                    }
                } else {
                    self.drop_nested(mark);
                }
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::Branch(b) => {
                self.enter_frame()?;
                let r = match b.kind {
                    BranchKind::Range => self.walk_range(dot, node, b),
                    _ => self.walk_if_or_with(dot, b),
                };
                self.shared.frames -= 1;
                return r;
            }
            Node::Template { name, pipe, .. } => {
                self.walk_template(dot, node, name, pipe.as_ref())?
            }
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, dot: &Rv, b: &'t Branch) -> R<Flow> {
        let mark = self.vars.len();
        let r = (|| {
            let nested = self.completed_mark();
            let val = self.eval_pipeline(dot, &b.pipe)?;
            self.drop_nested(nested);
            if val.truth() {
                if b.kind == BranchKind::With {
                    if self.shared.trace.is_some() {
                        let o = self.origin_of(&val);
                        return self.walk_with_dot_origin(o, |e| e.walk_list(&val, &b.list));
                    }
                    self.walk_list(&val, &b.list)
                } else {
                    self.walk_list(dot, &b.list)
                }
            } else if let Some(e) = &b.else_list {
                self.walk_list(dot, e)
            } else {
                Ok(Flow::Normal)
            }
        })();
        self.vars.truncate(mark);
        r
    }

    /// Runs `f` with dot's origins set to `origins` (a traced number or boolean dot).
    fn walk_with_dot_origin<T>(
        &mut self,
        origins: Origins,
        f: impl FnOnce(&mut Self) -> R<T>,
    ) -> R<T> {
        let saved = self.dot_origin.replace(origins);
        let r = f(self);
        self.dot_origin = saved;
        r
    }

    fn walk_range(&mut self, dot: &Rv, node: &'t Node, b: &'t Branch) -> R<Flow> {
        self.at(At::Node(node));
        let outer = self.vars.len();
        let r = self.walk_range_inner(dot, b);
        self.vars.truncate(outer);
        r.map(|_| Flow::Normal)
    }

    fn one_iteration(
        &mut self,
        b: &'t Branch,
        mark: usize,
        index: Rv,
        elem: Rv,
        elem_origin: Option<Origins>,
    ) -> R<bool> {
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0].ident[0], index.clone())?;
                } else {
                    self.set_var(&decl[0].ident[0], elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1].ident[0], elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let r = match elem_origin {
            Some(o) => self.walk_with_dot_origin(o, |e| e.walk_list(&elem, &b.list)),
            None => self.walk_list(&elem, &b.list),
        };
        self.vars.truncate(mark);
        Ok(matches!(r?, Flow::Break))
    }

    fn walk_range_inner(&mut self, dot: &Rv, b: &'t Branch) -> R<()> {
        let nested = self.completed_mark();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        self.drop_nested(nested);
        // The traced path of the ranged value, for numbers and booleans among its elements.
        let parent = match self.origin_of(&val).as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let child = |e: &Self, seg: PathSeg| -> Option<Origins> {
            let t = e.shared.trace.as_ref()?;
            Some(vec![t.index.child(parent?, &seg)?])
        };
        let mark = self.vars.len();
        let mut ran = false;
        match val.concrete() {
            Some(Value::List(items)) => {
                let items = items.clone();
                for (i, item) in items.iter().enumerate() {
                    ran = true;
                    let o = child(self, PathSeg::Index(i));
                    if self.one_iteration(
                        b,
                        mark,
                        Rv::val(Value::Int(i as i64)),
                        Rv::V(item.clone(), true),
                        o,
                    )? {
                        break;
                    }
                }
            }
            Some(Value::Map(m)) => {
                let m = m.snapshot();
                for (k, v) in m.iter() {
                    ran = true;
                    let o = child(self, PathSeg::Key(k.clone()));
                    if self.one_iteration(
                        b,
                        mark,
                        Rv::val(Value::string(k.as_str())),
                        Rv::V(v.clone(), true),
                        o,
                    )? {
                        break;
                    }
                }
            }
            Some(Value::Opaque(o)) if o.entries().is_some() => {
                let entries = o.entries().unwrap_or_default();
                for (k, v) in entries {
                    ran = true;
                    if self.one_iteration(b, mark, Rv::val(k), Rv::val(v), None)? {
                        break;
                    }
                }
            }
            Some(v @ (Value::Int(_) | Value::Int64(_) | Value::Uint(_))) => {
                if b.pipe.decl.len() > 1 {
                    let msg = format!(
                        "can't use {} to iterate over more than one variable",
                        v.to_go_string()
                    );
                    return Err(self.errorf(msg));
                }
                let (n, make): (u64, fn(u64) -> Value) = match v {
                    Value::Int(i) => (u64::try_from(*i).unwrap_or(0), |i| Value::Int(i as i64)),
                    Value::Int64(i) => (u64::try_from(*i).unwrap_or(0), |i| Value::Int64(i as i64)),
                    Value::Uint(u) => (*u, Value::Uint),
                    _ => (0, Value::Uint),
                };
                for i in 0..n {
                    ran = true;
                    if self.one_iteration(b, mark, Rv::Invalid, Rv::val(make(i)), None)? {
                        break;
                    }
                }
            }
            None => {}
            Some(v) => {
                let msg = format!("range can't iterate over {}", v.to_go_string());
                return Err(self.errorf(msg));
            }
        }
        if !ran && let Some(e) = &b.else_list {
            self.walk_list(dot, e)?;
        }
        Ok(())
    }

    fn walk_template(
        &mut self,
        dot: &Rv,
        node: &'t Node,
        name: &str,
        pipe: Option<&'t Pipe>,
    ) -> R<()> {
        self.at(At::Node(node));
        let set = self.set;
        let Some(tree) = set.lookup(name) else {
            return Err(self.errorf(format!("template {} not defined", quote(name))));
        };
        let max = self.shared.limits.max_template_depth;
        if self.depth >= max || self.shared.nesting >= max {
            return Err(self.err_kind(
                ExecErrorKind::Limit,
                format!("exceeded maximum template depth ({max})"),
            ));
        }
        let nested = self.completed_mark();
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Rv::Invalid,
        };
        self.drop_nested(nested);
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".into(), new_dot.clone())]);
        let saved_tree = std::mem::replace(&mut self.tree, tree.as_ref());
        self.enter_frame()?;
        self.depth += 1;
        self.shared.nesting += 1;
        let r = self.walk_list(&new_dot, &tree.root);
        self.shared.nesting -= 1;
        self.shared.frames -= 1;
        self.depth -= 1;
        self.tree = saved_tree;
        self.vars = saved_vars;
        r.map(|_| ())
    }

    fn eval_pipeline(&mut self, dot: &Rv, pipe: &'t Pipe) -> R<Rv> {
        self.at(At::Pipe(pipe));
        let mut value: Option<Rv> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(v.unwrap_interface());
        }
        let value = value.unwrap_or(Rv::Invalid);
        for v in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&v.ident[0], value.clone())?;
            } else {
                self.vars.push((v.ident[0].clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], has_final: bool) -> R<()> {
        if args.len() > 1 || has_final {
            return Err(self.errorf(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, cmd: &'t Command, final_: Option<Rv>) -> R<Rv> {
        self.step()?;
        let first = &cmd.args[0];
        match first {
            Arg::Field { ident, .. } => {
                self.at(At::Arg(first));
                return self.eval_field_chain(dot, dot.clone(), ident, &cmd.args, final_);
            }
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, &cmd.args, final_),
            Arg::Identifier { name, .. } => {
                return self.eval_function(dot, first, name, At::Cmd(cmd), &cmd.args, final_);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, final_.is_some())?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable(v) => return self.eval_variable_node(dot, v, &cmd.args, final_),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, final_.is_some())?;
        self.scalar = None;
        match first {
            Arg::Bool { value, .. } => Ok(Rv::val(Value::Bool(*value))),
            Arg::Dot { .. } => {
                if self.dot_origin.is_some() {
                    self.scalar = self.dot_origin.clone();
                }
                Ok(dot.clone())
            }
            Arg::Nil { .. } => Err(self.errorf("nil is not a command")),
            Arg::Number { number, .. } => self.ideal_constant(first, number),
            Arg::String { text, .. } => Ok(Rv::val(Value::string(text.as_str()))),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                quote(&first.to_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, arg: &'t Arg, n: &Number) -> R<Rv> {
        self.at(At::Arg(arg));
        if n.complex.is_some() && n.float.is_none() {
            return Err(self.errorf(format!("complex constant {} is not supported", n.text)));
        }
        let t = &n.text;
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if let Some(f) = n.float
            && !is_hex_int
            && !is_rune
            && t.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(Rv::val(Value::Float(f)));
        }
        if let Some(i) = n.int {
            return Ok(Rv::val(Value::Int(i)));
        }
        if n.uint.is_some() {
            return Err(self.errorf(format!("{t} overflows int")));
        }
        Ok(Rv::Invalid)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Rv,
        chain: &'t Arg,
        args: &'t [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(At::Arg(chain));
        let Arg::Chain { node, fields, .. } = chain else {
            return Err(self.errorf("internal error: not a chain"));
        };
        if matches!(node.as_ref(), Arg::Nil { .. }) {
            return Err(self.errorf(format!("indirection through explicit nil in {chain}")));
        }
        let pipe = self.eval_arg_untyped(dot, node)?;
        self.eval_field_chain(dot, pipe, fields, args, final_)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Rv,
        v: &'t Variable,
        args: &'t [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(At::Var(v));
        self.scalar = None;
        let value = self.var_value(&v.ident[0])?;
        if v.ident.len() == 1 {
            if !args.is_empty() {
                self.not_a_function(args, final_.is_some())?;
            } else if final_.is_some() {
                return Err(self.errorf(format!("can't give argument to non-function {v}")));
            }
            return Ok(value);
        }
        self.eval_field_chain(dot, value, &v.ident[1..], args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Rv,
        mut receiver: Rv,
        ident: &'t [String],
        args: &'t [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        let n = ident.len();
        for id in &ident[..n.saturating_sub(1)] {
            receiver = self.eval_field(dot, id, &[], None, receiver)?;
        }
        match ident.last() {
            Some(last) => self.eval_field(dot, last, args, final_, receiver),
            None => Ok(receiver),
        }
    }

    fn eval_field(
        &mut self,
        dot: &Rv,
        name: &'t str,
        args: &'t [Arg],
        final_: Option<Rv>,
        receiver: Rv,
    ) -> R<Rv> {
        let has_args = args.len() > 1 || final_.is_some();
        if let Rv::V(Value::Opaque(o), _) = &receiver
            && let Some(method) = o.method(name)
        {
            let sig = method.signature().clone();
            let node = match self.node {
                Some(n) => n,
                None => return Err(self.errorf("internal error: no node")),
            };
            return self.eval_call(dot, Callee::Method(method), &sig, node, name, args, final_);
        }
        let (v, boxed) = match receiver {
            Rv::Invalid => {
                if self.set.options.missing_key == MissingKey::Error {
                    return Err(self.errorf(format!("nil data; no entry for key {}", quote(name))));
                }
                return Ok(Rv::Invalid);
            }
            Rv::V(v, boxed) => (v, boxed),
        };
        let typ = if boxed {
            "interface {}".to_owned()
        } else {
            v.type_name()
        };
        match &v {
            Value::Nil => Err(self.errorf(format!("nil pointer evaluating {typ}.{name}"))),
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                match m.get(name) {
                    Some(x) => {
                        let r = Rv::V(x.clone(), true);
                        if self.shared.trace.is_some() {
                            self.note_field(&v, name, &r);
                        }
                        Ok(r)
                    }
                    None => match self.set.options.missing_key {
                        MissingKey::Default => Ok(Rv::Invalid),
                        MissingKey::Zero => Ok(Rv::V(Value::Nil, true)),
                        MissingKey::Error => {
                            Err(self.errorf(format!("map has no entry for key {}", quote(name))))
                        }
                    },
                }
            }
            Value::Opaque(o) => match o.field(name) {
                Some(x) => {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    Ok(Rv::val(x))
                }
                None => Err(self.errorf(format!("can't evaluate field {name} in type {typ}"))),
            },
            _ => Err(self.errorf(format!("can't evaluate field {name} in type {typ}"))),
        }
    }

    /// Notes the origin of `receiver.name` (tracing only): the traced child path, else the
    /// receiver's own origins.
    fn note_field(&mut self, receiver: &Value, name: &str, result: &Rv) {
        let Some(t) = self.shared.trace.as_ref() else {
            return;
        };
        let parents = t.origins_of(receiver).unwrap_or_default();
        let origins = match parents.as_slice() {
            [one] => match t.index.child(*one, &PathSeg::Key(name.to_owned())) {
                Some(c) => vec![c],
                None => parents,
            },
            _ => parents,
        };
        self.note_origin(result, origins);
    }

    /// The origins of a call's result (tracing only): the arguments equal to the result
    /// (`default`, `coalesce`, `ternary`), else every traced argument (`quote`, `toYaml`,
    /// `printf`); `index` follows its keys.
    fn call_origins(
        name: &str,
        args: &[Value],
        origins: &[Origins],
        result: &Value,
        t: &TraceState,
    ) -> Origins {
        if name == "index"
            && let Some(&[first]) = origins.first().map(Vec::as_slice)
        {
            let mut id = first;
            let mut ok = true;
            for k in &args[1..] {
                let seg = match k {
                    Value::String(s) => PathSeg::Key(s.to_string()),
                    Value::Int(i) | Value::Int64(i) => {
                        PathSeg::Index(usize::try_from(*i).unwrap_or(usize::MAX))
                    }
                    Value::Uint(u) => PathSeg::Index(usize::try_from(*u).unwrap_or(usize::MAX)),
                    _ => {
                        ok = false;
                        break;
                    }
                };
                match t.index.child(id, &seg) {
                    Some(c) => id = c,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                return vec![id];
            }
        }
        let same = |a: &Value| match (a, result) {
            (Value::Map(x), Value::Map(y)) => x.ptr_eq(y),
            (Value::List(x), Value::List(y)) => Arc::ptr_eq(x, y),
            (Value::Map(_) | Value::List(_), _) | (_, Value::Map(_) | Value::List(_)) => false,
            (a, b) => a == b,
        };
        let mut out = Vec::new();
        let equal: Vec<usize> = (0..args.len()).filter(|&i| same(&args[i])).collect();
        if equal.is_empty() {
            for o in origins {
                union(&mut out, o);
            }
        } else {
            for i in equal {
                if let Some(o) = origins.get(i) {
                    union(&mut out, o);
                }
            }
        }
        out
    }

    fn eval_function(
        &mut self,
        dot: &Rv,
        ident: &'t Arg,
        name: &'t str,
        node: At<'t>,
        args: &'t [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(At::Arg(ident));
        let set = self.set;
        if let Some(f) = set.funcs.get(name) {
            let sig = f.signature().clone();
            return self.eval_call(dot, Callee::User(f), &sig, node, name, args, final_);
        }
        match builtin_signature(name) {
            Some(sig) => self.eval_call(dot, Callee::Builtin(name), &sig, node, name, args, final_),
            None => Err(self.errorf(format!("{} is not a defined function", quote(name)))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_call(
        &mut self,
        dot: &Rv,
        callee: Callee<'t>,
        sig: &Signature,
        node: At<'t>,
        name: &str,
        args: &'t [Arg],
        final_: Option<Rv>,
    ) -> R<Rv> {
        let args: &'t [Arg] = if args.is_empty() { args } else { &args[1..] };
        let num_in = args.len() + usize::from(final_.is_some());
        let num_fixed = if sig.variadic.is_some() {
            sig.params.len()
        } else {
            args.len()
        };
        if sig.variadic.is_some() {
            if num_in < num_fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    sig.params.len(),
                    args.len()
                )));
            }
        } else if num_in != sig.params.len() {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {} got {num_in}",
                sig.params.len()
            )));
        }
        let is_builtin = matches!(callee, Callee::Builtin(_));
        let tracing = self.shared.trace.is_some();
        let final_origin = match (&final_, tracing) {
            (Some(f), true) => self.origin_of(f),
            _ => Vec::new(),
        };
        if is_builtin && (name == "and" || name == "or") {
            let want = name == "or";
            let mut v = Rv::Invalid;
            let mut origin = Vec::new();
            for a in args {
                self.scalar = None;
                v = self.eval_arg_untyped_reflect(dot, a)?;
                if tracing {
                    origin = self.origin_of(&v);
                }
                if v.truth() == want {
                    self.note_origin(&v, origin);
                    return Ok(v);
                }
            }
            if let Some(f) = final_ {
                v = f;
                origin = final_origin;
            }
            self.note_origin(&v, origin);
            return Ok(v);
        }
        let mut argv: Vec<Rv> = Vec::with_capacity(num_in);
        let mut arg_origins: Vec<Origins> = Vec::new();
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let t = sig.params.get(i).copied().unwrap_or(ParamType::Any);
            self.scalar = None;
            let v = self.eval_arg(dot, t, &args[i], is_builtin)?;
            if tracing {
                arg_origins.push(self.origin_of(&v));
            }
            argv.push(v);
            i += 1;
        }
        if let Some(tail) = sig.variadic {
            while i < args.len() {
                self.scalar = None;
                let v = self.eval_arg(dot, tail, &args[i], is_builtin)?;
                if tracing {
                    arg_origins.push(self.origin_of(&v));
                }
                argv.push(v);
                i += 1;
            }
        }
        if let Some(f) = final_ {
            let t = match sig.variadic {
                Some(tail) => {
                    if num_in - 1 < num_fixed {
                        sig.params.get(num_in - 1).copied().unwrap_or(tail)
                    } else {
                        tail
                    }
                }
                None => sig.params.last().copied().unwrap_or(ParamType::Any),
            };
            let v = if is_builtin && t == ParamType::Any {
                f
            } else {
                self.validate_type(f, t)?
            };
            argv.push(v);
            arg_origins.push(final_origin);
        }
        let traced_args: Option<Vec<Value>> =
            tracing.then(|| argv.iter().map(|a| a.clone().into_value()).collect());
        let result = match callee {
            Callee::Builtin(b) => self.call_builtin(b, args, argv),
            Callee::User(f) => {
                let values: Vec<Value> = argv.into_iter().map(Rv::into_value).collect();
                let set = self.set;
                let mut ctx = CallContext {
                    set,
                    shared: &mut *self.shared,
                    name,
                };
                f.call(&mut ctx, values).map(|v| Rv::V(v, true))
            }
            Callee::Method(f) => {
                let values: Vec<Value> = argv.into_iter().map(Rv::into_value).collect();
                let set = self.set;
                let mut ctx = CallContext {
                    set,
                    shared: &mut *self.shared,
                    name,
                };
                f.call(&mut ctx, values).map(Rv::val)
            }
        };
        match result {
            Ok(v) => {
                if let (Some(args), Some(t)) = (traced_args, self.shared.trace.as_ref())
                    && let Rv::V(value, _) = &v
                {
                    let origins = Self::call_origins(name, &args, &arg_origins, value, t);
                    self.note_origin(&v, origins);
                }
                Ok(v)
            }
            Err(e) => {
                self.at(node);
                let kind = if e.limit {
                    ExecErrorKind::Limit
                } else {
                    ExecErrorKind::Function
                };
                Err(self.err_kind(kind, format!("error calling {name}: {}", e.message)))
            }
        }
    }

    /// `evalArg` with a nil type (chain receivers).
    fn eval_arg_untyped(&mut self, dot: &Rv, n: &'t Arg) -> R<Rv> {
        self.at(At::Arg(n));
        match n {
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Field { ident, .. } => {
                let args = std::slice::from_ref(n);
                self.eval_field_chain(dot, dot.clone(), ident, args, None)
            }
            Arg::Variable(v) => self.eval_variable_node(dot, v, &[], None),
            Arg::Pipe(p) => self.eval_pipeline(dot, p),
            Arg::Identifier { name, .. } => self.eval_function(dot, n, name, At::Arg(n), &[], None),
            Arg::Chain { .. } => self.eval_chain_node(dot, n, &[], None),
            _ => Err(self.errorf(format!("can't handle {n} for arg of type <nil>"))),
        }
    }

    /// `evalArg` for a `reflect.Value` parameter (the builtins' `and`, `or`, `index`, …).
    fn eval_arg_untyped_reflect(&mut self, dot: &Rv, n: &'t Arg) -> R<Rv> {
        match n {
            Arg::Nil { .. } => Ok(Rv::Invalid),
            Arg::Bool { value, .. } => Ok(Rv::val(Value::Bool(*value))),
            Arg::String { text, .. } => Ok(Rv::val(Value::string(text.as_str()))),
            Arg::Number { number, .. } => self.ideal_constant(n, number),
            _ => self.eval_arg_untyped(dot, n),
        }
    }

    fn eval_arg(&mut self, dot: &Rv, typ: ParamType, n: &'t Arg, reflect: bool) -> R<Rv> {
        self.at(At::Arg(n));
        if reflect && typ == ParamType::Any {
            return self.eval_arg_untyped_reflect(dot, n);
        }
        match n {
            Arg::Dot { .. } => {
                if self.dot_origin.is_some() {
                    self.scalar = self.dot_origin.clone();
                }
                return self.validate_type(dot.clone(), typ);
            }
            Arg::Nil { .. } => {
                return match typ {
                    ParamType::Any => Ok(Rv::val(Value::Nil)),
                    ParamType::List => Ok(Rv::val(Value::list(Vec::new()))),
                    ParamType::Map => Ok(Rv::val(Value::map(Default::default()))),
                    t => Err(self.errorf(format!("cannot assign nil to {}", t.go_name()))),
                };
            }
            Arg::Field { .. }
            | Arg::Variable(_)
            | Arg::Pipe(_)
            | Arg::Identifier { .. }
            | Arg::Chain { .. } => {
                let v = self.eval_arg_untyped(dot, n)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let found = || format!("{n}");
        match typ {
            ParamType::Bool => match n {
                Arg::Bool { value, .. } => Ok(Rv::val(Value::Bool(*value))),
                _ => Err(self.errorf(format!("expected bool; found {}", found()))),
            },
            ParamType::Float64 => match n {
                Arg::Number { number, .. } if number.float.is_some() => {
                    Ok(Rv::val(Value::Float(number.float.unwrap_or(0.0))))
                }
                _ => Err(self.errorf(format!("expected float; found {}", found()))),
            },
            ParamType::Int | ParamType::Int64 => match n {
                Arg::Number { number, .. } if number.int.is_some() => {
                    let i = number.int.unwrap_or(0);
                    Ok(Rv::val(if typ == ParamType::Int {
                        Value::Int(i)
                    } else {
                        Value::Int64(i)
                    }))
                }
                _ => Err(self.errorf(format!("expected integer; found {}", found()))),
            },
            ParamType::String => match n {
                Arg::String { text, .. } => Ok(Rv::val(Value::string(text.as_str()))),
                _ => Err(self.errorf(format!("expected string; found {}", found()))),
            },
            ParamType::Any => match n {
                Arg::Bool { value, .. } => Ok(Rv::val(Value::Bool(*value))),
                Arg::Number { number, .. } => self.ideal_constant(n, number),
                Arg::String { text, .. } => Ok(Rv::val(Value::string(text.as_str()))),
                _ => Err(self.errorf(format!(
                    "can't handle assignment of {n} to empty interface argument"
                ))),
            },
            t => Err(self.errorf(format!("can't handle {n} for arg of type {}", t.go_name()))),
        }
    }

    fn validate_type(&mut self, value: Rv, typ: ParamType) -> R<Rv> {
        let (v, boxed) = match value {
            Rv::Invalid => {
                return match typ {
                    ParamType::Any => Ok(Rv::val(Value::Nil)),
                    ParamType::List => Ok(Rv::val(Value::list(Vec::new()))),
                    ParamType::Map => Ok(Rv::val(Value::map(Default::default()))),
                    t => Err(self.errorf(format!("invalid value; expected {}", t.go_name()))),
                };
            }
            Rv::V(v, boxed) => (v, boxed),
        };
        let ok = match typ {
            ParamType::Any => true,
            ParamType::String => matches!(v, Value::String(_)),
            ParamType::Int => matches!(v, Value::Int(_)),
            ParamType::Int64 => matches!(v, Value::Int64(_)),
            ParamType::Float64 => matches!(v, Value::Float(_)),
            ParamType::Bool => matches!(v, Value::Bool(_)),
            ParamType::List => matches!(v, Value::List(_)),
            ParamType::Map => matches!(v, Value::Map(_)),
        };
        if ok {
            return Ok(Rv::V(v, boxed && typ == ParamType::Any));
        }
        let got = if boxed && v.is_nil() {
            "interface {}".to_owned()
        } else {
            v.type_name()
        };
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {got}",
            typ.go_name()
        )))
    }

    fn print_value(&mut self, _node: &'t Node, v: &Rv) -> R<()> {
        let text = match v {
            Rv::Invalid => "<no value>".to_owned(),
            Rv::V(v, _) => sprint(std::slice::from_ref(v)),
        };
        self.write(&text)
    }

    fn call_builtin(&mut self, name: &str, args: &[Arg], argv: Vec<Rv>) -> Result<Rv, FuncError> {
        let to_values =
            |argv: Vec<Rv>| -> Vec<Value> { argv.into_iter().map(Rv::into_value).collect() };
        match name {
            "not" => Ok(Rv::val(Value::Bool(!argv.first().is_some_and(Rv::truth)))),
            "len" => builtin_len(argv.first().unwrap_or(&Rv::Invalid)).map(Rv::val),
            "index" => builtin_index(&argv),
            "slice" => builtin_slice(&argv),
            "eq" => builtin_eq(&argv).map(|b| Rv::val(Value::Bool(b))),
            "ne" => builtin_eq(&argv).map(|b| Rv::val(Value::Bool(!b))),
            "lt" | "le" | "gt" | "ge" => {
                let (a, b) = (
                    argv.first().unwrap_or(&Rv::Invalid),
                    argv.get(1).unwrap_or(&Rv::Invalid),
                );
                let r = match name {
                    "lt" => builtin_lt(a, b)?,
                    "le" => builtin_lt(a, b)? || builtin_eq(&argv)?,
                    "gt" => !(builtin_lt(a, b)? || builtin_eq(&argv)?),
                    _ => !builtin_lt(a, b)?,
                };
                Ok(Rv::val(Value::Bool(r)))
            }
            "print" => Ok(Rv::val(Value::from(sprint(&to_values(argv))))),
            "println" => Ok(Rv::val(Value::from(sprintln(&to_values(argv))))),
            "printf" => {
                let mut values = to_values(argv);
                let format = match values.first() {
                    Some(Value::String(s)) => s.to_string(),
                    _ => String::new(),
                };
                if !values.is_empty() {
                    values.remove(0);
                }
                Ok(Rv::val(Value::from(sprintf(&format, &values))))
            }
            "html" => Ok(Rv::val(Value::from(html_escape(&eval_args(to_values(
                argv,
            )))))),
            "js" => Ok(Rv::val(Value::from(js_escape(&eval_args(to_values(argv)))))),
            "urlquery" => Ok(Rv::val(Value::from(query_escape(&eval_args(to_values(
                argv,
            )))))),
            "call" => {
                let callee = args.first().map(|a| a.to_string()).unwrap_or_default();
                match argv.first().and_then(Rv::concrete) {
                    None => Err(FuncError::new("call of nil")),
                    Some(v) => Err(FuncError::new(format!(
                        "non-function {callee} of type {}",
                        v.type_name()
                    ))),
                }
            }
            _ => Err(FuncError::new(format!("unknown builtin {name}"))),
        }
    }
}

fn eval_args(args: Vec<Value>) -> String {
    if let [Value::String(s)] = args.as_slice() {
        return s.to_string();
    }
    let args: Vec<Value> = args
        .into_iter()
        .map(|a| {
            if a.is_nil() {
                Value::from("<no value>")
            } else {
                a
            }
        })
        .collect();
    sprint(&args)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c if crate::fmt::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn builtin_len(item: &Rv) -> Result<Value, FuncError> {
    match item {
        Rv::Invalid => Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        )),
        Rv::V(Value::Nil, _) => Err(FuncError::new("len of nil pointer")),
        Rv::V(v, _) => match v {
            Value::String(s) => Ok(Value::Int(s.len() as i64)),
            Value::List(l) => Ok(Value::Int(l.len() as i64)),
            Value::Map(m) => Ok(Value::Int(m.len() as i64)),
            Value::Opaque(o) if o.entries().is_some() => {
                Ok(Value::Int(o.entries().map_or(0, |e| e.len()) as i64))
            }
            other => Err(FuncError::new(format!("len of type {}", other.type_name()))),
        },
    }
}

fn index_arg(index: Option<&Value>, cap: usize) -> Result<usize, FuncError> {
    let x: i128 = match index {
        Some(Value::Int(i) | Value::Int64(i)) => i128::from(*i),
        Some(Value::Uint(u)) => i128::from(*u),
        None => return Err(FuncError::new("cannot index slice/array with nil")),
        Some(v) => {
            return Err(FuncError::new(format!(
                "cannot index slice/array with type {}",
                v.type_name()
            )));
        }
    };
    if x < 0 || x > cap as i128 {
        return Err(FuncError::new(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

fn builtin_index(argv: &[Rv]) -> Result<Rv, FuncError> {
    let Some(first) = argv.first() else {
        return Err(FuncError::new("index of untyped nil"));
    };
    let Some(item) = first.concrete() else {
        return Err(FuncError::new("index of untyped nil"));
    };
    let mut item: Rv = Rv::val(item.clone());
    for index in &argv[1..] {
        let index = index.concrete();
        let cur = match &item {
            Rv::V(Value::Nil, _) | Rv::Invalid => {
                return Err(FuncError::new("index of nil pointer"));
            }
            Rv::V(v, _) => v.clone(),
        };
        item = match &cur {
            Value::List(l) => {
                let x = index_arg(index, l.len())?;
                match l.get(x) {
                    Some(v) => Rv::V(v.clone(), true),
                    None => return Err(FuncError::new("reflect: slice index out of range")),
                }
            }
            Value::String(s) => {
                let x = index_arg(index, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Rv::val(Value::Uint(u64::from(*b))),
                    None => return Err(FuncError::new("reflect: string index out of range")),
                }
            }
            Value::Map(m) => {
                let key = match index {
                    None => return Err(FuncError::new("value is nil; should be of type string")),
                    Some(Value::String(k)) => k,
                    Some(v) => {
                        return Err(FuncError::new(format!(
                            "value has type {}; should be string",
                            v.type_name()
                        )));
                    }
                };
                match m.get(key.as_ref()) {
                    Some(v) => Rv::V(v.clone(), true),
                    None => Rv::V(Value::Nil, true),
                }
            }
            other => {
                return Err(FuncError::new(format!(
                    "can't index item of type {}",
                    other.type_name()
                )));
            }
        };
    }
    Ok(item)
}

fn builtin_slice(argv: &[Rv]) -> Result<Rv, FuncError> {
    let Some(item) = argv.first().and_then(Rv::concrete) else {
        return Err(FuncError::new("slice of untyped nil"));
    };
    let indexes = &argv[1..];
    if indexes.len() > 3 {
        return Err(FuncError::new(format!(
            "too many slice indexes: {}",
            indexes.len()
        )));
    }
    let cap = match item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err(FuncError::new("cannot 3-index slice a string"));
            }
            s.len()
        }
        Value::List(l) => l.len(),
        other => {
            return Err(FuncError::new(format!(
                "can't slice item of type {}",
                other.type_name()
            )));
        }
    };
    let mut idx = [0usize, cap, 0];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index.concrete(), cap)?;
    }
    if idx[0] > idx[1] {
        return Err(FuncError::new(format!(
            "invalid slice index: {} > {}",
            idx[0], idx[1]
        )));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(FuncError::new(format!(
            "invalid slice index: {} > {}",
            idx[1], idx[2]
        )));
    }
    Ok(Rv::val(match item {
        Value::String(s) => {
            Value::from(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]]).into_owned())
        }
        Value::List(l) => Value::list(l[idx[0]..idx[1]].to_vec()),
        _ => Value::Nil,
    }))
}

fn concrete_type(v: Option<&Value>) -> String {
    v.map_or_else(|| "<nil>".into(), Value::type_name)
}

fn builtin_eq(argv: &[Rv]) -> Result<bool, FuncError> {
    let arg1 = argv.first().and_then(Rv::concrete);
    if argv.len() < 2 {
        return Err(FuncError::new("missing argument for comparison"));
    }
    let k1 = arg1.map_or(BasicKind::Invalid, Value::basic_kind);
    for arg in &argv[1..] {
        let arg = arg.concrete();
        let k2 = arg.map_or(BasicKind::Invalid, Value::basic_kind);
        let truth;
        if k1 != k2 {
            match (k1, k2, arg1, arg) {
                (BasicKind::Int, BasicKind::Uint, Some(a), Some(Value::Uint(b))) => {
                    truth = a.as_i64() >= 0 && a.as_i64() as u64 == *b;
                }
                (BasicKind::Uint, BasicKind::Int, Some(Value::Uint(a)), Some(b)) => {
                    truth = b.as_i64() >= 0 && *a == b.as_i64() as u64;
                }
                _ => {
                    if arg1.is_some() && arg.is_some() {
                        return Err(FuncError::new(format!(
                            "incompatible types for comparison: {} and {}",
                            concrete_type(arg1),
                            concrete_type(arg)
                        )));
                    }
                    truth = false;
                }
            }
        } else {
            truth = match (arg1, arg) {
                (Some(Value::Bool(a)), Some(Value::Bool(b))) => a == b,
                (Some(Value::Float(a)), Some(Value::Float(b))) => a == b,
                (Some(a @ (Value::Int(_) | Value::Int64(_))), Some(b)) => a.as_i64() == b.as_i64(),
                (Some(Value::Uint(a)), Some(Value::Uint(b))) => a == b,
                (Some(Value::String(a)), Some(Value::String(b))) => a == b,
                _ => {
                    let kind = |v: Option<&Value>| v.map_or("invalid", Value::kind_name);
                    let (ka, kb) = (kind(arg1), kind(arg));
                    if ka != kb && ka != "invalid" && kb != "invalid" {
                        let a = arg1.cloned().unwrap_or_default();
                        let b = arg.cloned().unwrap_or_default();
                        return Err(FuncError::new(sprintf(
                            "non-comparable types %s: %v, %s: %v",
                            &[
                                a.clone(),
                                Value::from(a.type_name()),
                                Value::from(b.type_name()),
                                b,
                            ],
                        )));
                    }
                    if is_nil_kind(arg1) || is_nil_kind(arg) {
                        is_nil_kind(arg1) == is_nil_kind(arg)
                    } else {
                        match (arg1, arg) {
                            (Some(Value::Opaque(a)), Some(Value::Opaque(b))) => Arc::ptr_eq(a, b),
                            (_, Some(b)) => {
                                return Err(FuncError::new(sprintf(
                                    "non-comparable type %s: %v",
                                    &[b.clone(), Value::from(b.type_name())],
                                )));
                            }
                            _ => false,
                        }
                    }
                }
            };
        }
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn builtin_lt(a: &Rv, b: &Rv) -> Result<bool, FuncError> {
    let bad = || FuncError::new("invalid type for comparison");
    let a = a.concrete();
    let b = b.concrete();
    let k1 = a.map_or(BasicKind::Invalid, Value::basic_kind);
    if k1 == BasicKind::Invalid {
        return Err(bad());
    }
    let k2 = b.map_or(BasicKind::Invalid, Value::basic_kind);
    if k2 == BasicKind::Invalid {
        return Err(bad());
    }
    let (Some(a), Some(b)) = (a, b) else {
        return Err(bad());
    };
    if k1 != k2 {
        return match (k1, k2) {
            (BasicKind::Int, BasicKind::Uint) => {
                Ok(a.as_i64() < 0 || (a.as_i64() as u64) < b.as_i64() as u64)
            }
            (BasicKind::Uint, BasicKind::Int) => {
                Ok(b.as_i64() >= 0 && (a.as_i64() as u64) < b.as_i64() as u64)
            }
            _ => Err(FuncError::new(format!(
                "incompatible types for comparison: {} and {}",
                a.type_name(),
                b.type_name()
            ))),
        };
    }
    Ok(match (a, b) {
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        (Value::Uint(x), Value::Uint(y)) => x < y,
        (Value::Bool(_), _) => return Err(bad()),
        (x, y) => x.as_i64() < y.as_i64(),
    })
}
