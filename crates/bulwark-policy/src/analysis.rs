//! Static checks over the parsed modules of an engine, as OPA's compiler makes them:
//!
//! - [`strict_errors`]: OPA's strict mode (`--strict`): local variables assigned with `:=`
//!   and never used, function arguments never used, deprecated builtins;
//! - [`Capabilities`]: a capabilities document (`opa capabilities`) lists the builtins a
//!   policy may call; [`Capabilities::check`] names every call to another function;
//! - [`RuleGraph`]: which rules each rule refers to, for `--trace`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use regorus::unstable::{AssignOp, Expr, Literal, Module, Query, Rule, RuleHead};

use crate::engine::{PolicyEngine, PolicyError};

/// Calls `f` on `e` and every expression below it (comprehension queries included).
fn walk_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match e {
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for i in items {
                walk_expr(i, f);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, k, v) in fields {
                walk_expr(k, f);
                walk_expr(v, f);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            walk_expr(term, f);
            walk_query(query, f);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            walk_expr(key, f);
            walk_expr(value, f);
            walk_query(query, f);
        }
        Expr::Call { fcn, params, .. } => {
            walk_expr(fcn, f);
            for p in params {
                walk_expr(p, f);
            }
        }
        Expr::UnaryExpr { expr, .. } => walk_expr(expr, f),
        Expr::RefDot { refr, .. } => walk_expr(refr, f),
        Expr::RefBrack { refr, index, .. } => {
            walk_expr(refr, f);
            walk_expr(index, f);
        }
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            walk_expr(lhs, f);
            walk_expr(rhs, f);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            if let Some(k) = key {
                walk_expr(k, f);
            }
            walk_expr(value, f);
            walk_expr(collection, f);
        }
        _ => {}
    }
}

/// Calls `f` on every expression of a query's statements and their `with` modifiers.
fn walk_query(q: &Query, f: &mut dyn FnMut(&Expr)) {
    for stmt in &q.stmts {
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(k) = key {
                    walk_expr(k, f);
                }
                walk_expr(value, f);
                walk_expr(collection, f);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => walk_expr(expr, f),
            Literal::Every { domain, query, .. } => {
                walk_expr(domain, f);
                walk_query(query, f);
            }
        }
        for w in &stmt.with_mods {
            walk_expr(&w.refr, f);
            walk_expr(&w.r#as, f);
        }
    }
}

/// Calls `f` on every expression of a rule: head (reference, key, value, arguments) and
/// bodies.
fn walk_rule(rule: &Rule, f: &mut dyn FnMut(&Expr)) {
    match rule {
        Rule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { refr, assign, .. } => {
                    walk_expr(refr, f);
                    if let Some(a) = assign {
                        walk_expr(&a.value, f);
                    }
                }
                RuleHead::Set { refr, key, .. } => {
                    walk_expr(refr, f);
                    if let Some(k) = key {
                        walk_expr(k, f);
                    }
                }
                RuleHead::Func {
                    refr, args, assign, ..
                } => {
                    walk_expr(refr, f);
                    for a in args {
                        walk_expr(a, f);
                    }
                    if let Some(a) = assign {
                        walk_expr(&a.value, f);
                    }
                }
            }
            for b in bodies {
                if let Some(a) = &b.assign {
                    walk_expr(&a.value, f);
                }
                walk_query(&b.query, f);
            }
        }
        Rule::Default {
            refr, args, value, ..
        } => {
            walk_expr(refr, f);
            for a in args {
                walk_expr(a, f);
            }
            walk_expr(value, f);
        }
    }
}

fn package_of(module: &Module) -> String {
    module
        .package
        .refr
        .span()
        .text()
        .trim()
        .trim_start_matches("data.")
        .to_owned()
}

fn file_of(module: &Module) -> String {
    module.package.span.source.get_path().clone()
}

/// The name a rule head defines (`deny`, `a.b` for `a.b contains x`), without arguments or
/// keys.
fn head_name(rule: &Rule) -> String {
    let refr = match rule {
        Rule::Spec { head, .. } => match head {
            RuleHead::Compr { refr, .. }
            | RuleHead::Set { refr, .. }
            | RuleHead::Func { refr, .. } => refr,
        },
        Rule::Default { refr, .. } => refr,
    };
    refr.span()
        .text()
        .split('[')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn is_function(rule: &Rule) -> bool {
    match rule {
        Rule::Spec { head, .. } => matches!(head, RuleHead::Func { .. }),
        Rule::Default { args, .. } => !args.is_empty(),
    }
}

/// A module's imports: alias → imported path (`kubernetes` → `data.kubernetes`).
fn imports_of(module: &Module) -> BTreeMap<String, String> {
    module
        .imports
        .iter()
        .filter_map(|i| {
            let target = i.refr.span().text().trim().to_owned();
            let alias = match &i.r#as {
                Some(a) => a.text().to_owned(),
                None => target.rsplit('.').next().unwrap_or_default().to_owned(),
            };
            (target.starts_with("data.")).then_some((alias, target))
        })
        .collect()
}

/// A call to a function that is neither user-defined nor allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedCall {
    pub name: String,
    pub file: String,
    pub line: u32,
}

impl std::fmt::Display for UndefinedCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: rego_type_error: undefined function {}",
            self.file, self.line, self.name
        )
    }
}

/// The builtins a capabilities document allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    pub builtins: BTreeSet<String>,
}

impl Capabilities {
    /// Reads an OPA capabilities JSON document (`{"builtins": [{"name": ...}, ...]}`).
    pub fn load(path: &Path) -> Result<Capabilities, PolicyError> {
        let text = fs_err::read_to_string(path)?;
        Capabilities::parse(&text).map_err(|message| PolicyError::Data {
            path: path.display().to_string(),
            message,
        })
    }

    pub fn parse(text: &str) -> Result<Capabilities, String> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a capabilities document: {e}"))?;
        let list = doc
            .get("builtins")
            .and_then(|b| b.as_array())
            .ok_or("not a capabilities document: no `builtins` list")?;
        let builtins = list
            .iter()
            .filter_map(|b| b.get("name").and_then(|n| n.as_str()).map(str::to_owned))
            .collect();
        Ok(Capabilities { builtins })
    }

    /// Every call, in the loaded modules, of a function that no policy defines and the
    /// capabilities do not list (each name once per file, at its first call).
    pub fn check(&self, engine: &mut PolicyEngine) -> Vec<UndefinedCall> {
        let modules = engine.regorus_mut().get_modules().clone();
        let mut defined = BTreeSet::new();
        for m in &modules {
            let pkg = package_of(m);
            for r in &m.policy {
                if is_function(r) {
                    defined.insert(format!("data.{pkg}.{}", head_name(r)));
                }
            }
        }
        let mut out: Vec<UndefinedCall> = Vec::new();
        for m in &modules {
            let pkg = package_of(m);
            let file = file_of(m);
            let imports = imports_of(m);
            for r in &m.policy {
                walk_rule(r, &mut |e| {
                    let Expr::Call { fcn, span, .. } = e else {
                        return;
                    };
                    let name = fcn.span().text().trim().to_owned();
                    let full = resolve(&name, &pkg, &imports);
                    if defined.contains(&full) || self.builtins.contains(&name) {
                        return;
                    }
                    if !out.iter().any(|c| c.name == name && c.file == file) {
                        out.push(UndefinedCall {
                            name,
                            file: file.clone(),
                            line: span.line,
                        });
                    }
                });
            }
        }
        out
    }
}

/// A reference as written (`kubernetes.is_service`, `name`) as a `data.` path.
fn resolve(name: &str, package: &str, imports: &BTreeMap<String, String>) -> String {
    if name.starts_with("data.") {
        return name.to_owned();
    }
    let (first, rest) = match name.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (name, None),
    };
    match (imports.get(first), rest) {
        (Some(target), Some(rest)) => format!("{target}.{rest}"),
        (Some(target), None) => target.clone(),
        (None, _) => format!("data.{package}.{name}"),
    }
}

/// Builtins OPA's strict mode refuses as deprecated.
const DEPRECATED_BUILTINS: &[&str] = &[
    "any",
    "all",
    "re_match",
    "set_diff",
    "net.cidr_overlap",
    "cast_array",
    "cast_set",
    "cast_string",
    "cast_boolean",
    "cast_null",
    "cast_object",
];

/// OPA's strict-mode errors for the loaded modules, as `file:line: rego_compile_error: ...`
/// lines, in file and source order.
pub fn strict_errors(engine: &mut PolicyEngine) -> Vec<String> {
    let modules = engine.regorus_mut().get_modules().clone();
    let mut out = Vec::new();
    for m in &modules {
        let file = file_of(m);
        for r in &m.policy {
            // Every variable occurrence in the rule, with its position.
            let mut vars: Vec<(String, u32, u32)> = Vec::new();
            let mut assigned: Vec<(String, u32, u32)> = Vec::new();
            walk_rule(r, &mut |e| match e {
                Expr::Var { span, .. } => {
                    vars.push((span.text().to_owned(), span.start, span.line));
                }
                Expr::AssignExpr {
                    op: AssignOp::ColEq,
                    lhs,
                    ..
                } => walk_expr(lhs, &mut |l| {
                    if let Expr::Var { span, .. } = l {
                        assigned.push((span.text().to_owned(), span.start, span.line));
                    }
                }),
                Expr::Call { fcn, span, .. } => {
                    let name = fcn.span().text().trim();
                    if DEPRECATED_BUILTINS.contains(&name) {
                        out.push(format!(
                            "{file}:{}: rego_type_error: deprecated built-in function calls in expression: {name}",
                            span.line
                        ));
                    }
                }
                _ => {}
            });
            for (name, start, line) in &assigned {
                if name == "_" || name.starts_with('$') {
                    continue;
                }
                let used = vars.iter().any(|(n, s, _)| n == name && s != start);
                if !used {
                    out.push(format!(
                        "{file}:{line}: rego_compile_error: assigned var {name} unused"
                    ));
                }
            }
            if let Rule::Spec {
                head: RuleHead::Func { args, .. },
                ..
            } = r.as_ref()
            {
                for a in args {
                    let Expr::Var { span, .. } = a.as_ref() else {
                        continue;
                    };
                    let name = span.text();
                    if name == "_" {
                        continue;
                    }
                    let used = vars.iter().any(|(n, s, _)| n == name && *s != span.start);
                    if !used {
                        out.push(format!(
                            "{file}:{}: rego_compile_error: unused argument {name}",
                            span.line
                        ));
                    }
                }
            }
        }
    }
    out
}

/// A rule of the loaded modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleNode {
    /// `data.<package>.<name>`.
    pub path: String,
    pub file: String,
    pub line: u32,
    pub function: bool,
}

/// Which rules each rule refers to (through `data.` references, same-package names and
/// imports), for tracing what a query reaches.
#[derive(Debug, Clone, Default)]
pub struct RuleGraph {
    pub rules: Vec<RuleNode>,
    edges: BTreeMap<String, BTreeSet<String>>,
}

impl RuleGraph {
    pub fn of(engine: &mut PolicyEngine) -> RuleGraph {
        let modules = engine.regorus_mut().get_modules().clone();
        let mut graph = RuleGraph::default();
        for m in &modules {
            let pkg = package_of(m);
            for r in &m.policy {
                let path = format!("data.{pkg}.{}", head_name(r));
                if !graph.rules.iter().any(|n| n.path == path) {
                    graph.rules.push(RuleNode {
                        path,
                        file: file_of(m),
                        line: r.span().line,
                        function: is_function(r),
                    });
                }
            }
        }
        let known: BTreeSet<String> = graph.rules.iter().map(|n| n.path.clone()).collect();
        for m in &modules {
            let pkg = package_of(m);
            let imports = imports_of(m);
            for r in &m.policy {
                let from = format!("data.{pkg}.{}", head_name(r));
                let mut refs = BTreeSet::new();
                walk_rule(r, &mut |e| {
                    if let Expr::Var { span, .. } | Expr::RefDot { span, .. } = e {
                        let mut candidate = resolve(span.text().trim(), &pkg, &imports);
                        loop {
                            if known.contains(&candidate) && candidate != from {
                                refs.insert(candidate);
                                break;
                            }
                            match candidate.rsplit_once('.') {
                                Some((head, _)) if head.contains('.') => {
                                    candidate = head.to_owned()
                                }
                                _ => break,
                            }
                        }
                    }
                });
                graph.edges.entry(from).or_default().extend(refs);
            }
        }
        graph
    }

    /// The rules `path` reaches, breadth first, without `path` itself.
    pub fn reached(&self, path: &str) -> Vec<&RuleNode> {
        let mut seen = BTreeSet::from([path.to_owned()]);
        let mut queue = VecDeque::from([path.to_owned()]);
        let mut out = Vec::new();
        while let Some(p) = queue.pop_front() {
            for next in self.edges.get(&p).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    if let Some(n) = self.rules.iter().find(|n| &n.path == next) {
                        out.push(n);
                    }
                    queue.push_back(next.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineOptions;

    fn engine(files: &[(&str, &str)]) -> PolicyEngine {
        let mut e = PolicyEngine::new(EngineOptions::default());
        for (path, text) in files {
            e.add_module(path, text).expect("parses");
        }
        e
    }

    #[test]
    fn strict_mode_finds_unused_assignments_and_arguments() {
        let mut e = engine(&[(
            "p.rego",
            "package p\n\nallow if {\n  a := 1\n  b := 2\n  x := {\"a\": a, \"b\": 1}\n}\n\nf(x, y) if {\n  input.v == x\n}\n\ndeny contains msg if {\n  msg := \"m\"\n}\n",
        )]);
        let errs = strict_errors(&mut e);
        assert_eq!(
            errs,
            vec![
                "p.rego:5: rego_compile_error: assigned var b unused",
                "p.rego:6: rego_compile_error: assigned var x unused",
                "p.rego:9: rego_compile_error: unused argument y",
            ]
        );
    }

    #[test]
    fn capabilities_name_calls_outside_them() {
        let mut e = engine(&[(
            "p.rego",
            "package p\n\nf(x) := x\n\nallow if {\n  f(1) == 1\n  count([]) == 0\n  http.send({}) == {}\n}\n",
        )]);
        let caps = Capabilities::parse(r#"{"builtins": [{"name": "count"}]}"#).expect("parses");
        let calls = caps.check(&mut e);
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(
            calls[0].to_string(),
            "p.rego:8: rego_type_error: undefined function http.send"
        );
        assert!(Capabilities::parse("{}").is_err());
    }

    #[test]
    fn graph_follows_imports_and_package_names() {
        let mut e = engine(&[
            (
                "k.rego",
                "package kubernetes\n\nis_service if input.kind == \"Service\"\n",
            ),
            (
                "m.rego",
                "package main\nimport data.kubernetes\n\nname := input.metadata.name\n\ndeny contains name if {\n  kubernetes.is_service\n}\n",
            ),
        ]);
        let g = RuleGraph::of(&mut e);
        let reached: Vec<&str> = g
            .reached("data.main.deny")
            .iter()
            .map(|n| n.path.as_str())
            .collect();
        assert_eq!(
            reached,
            vec!["data.kubernetes.is_service", "data.main.name"]
        );
    }
}
