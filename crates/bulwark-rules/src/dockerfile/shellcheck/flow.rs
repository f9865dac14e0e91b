//! Which unquoted expansions may contain spaces or glob characters (SC2086), decided the
//! way ShellCheck's control-flow analysis decides it: the state of every variable (unset,
//! or assigned a value that is clean, empty or may hold spaces) flows through the script;
//! where paths join (`&&`, `||`, `if`, `case`, loops) a variable is clean only if it is
//! clean on every path; subshells, pipelines and command substitutions do not change the
//! state of the script; `exit` ends a path.

use std::collections::BTreeMap;

use super::parse::{Arg, AssignValue, Command, CommandKind, List, Param, Part, Pipeline, Word};
use super::{Dialect, Spacing, basename, parts_spacing};

/// Variable states; `None` means the code is unreachable.
type State = Option<BTreeMap<String, Spacing>>;

fn merge(a: State, b: State) -> State {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => {
            let mut out = BTreeMap::new();
            for (k, va) in &a {
                if let Some(vb) = b.get(k) {
                    let v = match (va, vb) {
                        (Spacing::None, Spacing::None) => Spacing::None,
                        (Spacing::Some, _) | (_, Spacing::Some) => Spacing::Some,
                        _ => Spacing::Empty,
                    };
                    out.insert(k.clone(), v);
                }
            }
            Some(out)
        }
    }
}

/// Spans (script offsets) of the expansions that need quoting.
pub(crate) struct Flow {
    pub dialect: Dialect,
    pub found: Vec<(usize, usize)>,
    emit: bool,
}

/// Words after which the next non-option word is the command (`exec $cmd`).
const WRAPPERS: &[&str] = &["exec", "command", "builtin", "run", "busybox"];

/// The index of the word that is the command name of a simple command.
pub(crate) fn command_word(words: &[&Word]) -> Option<usize> {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let lit = super::word_name(w);
        match lit.as_deref() {
            Some(n) if WRAPPERS.contains(&n) => {
                i += 1;
                while words
                    .get(i)
                    .and_then(|w| super::word_name(w))
                    .is_some_and(|s| s.starts_with('-'))
                {
                    i += 1;
                }
            }
            _ => return Some(i),
        }
    }
    None
}

/// Whether an unquoted expansion in this position is split (the checks before looking at
/// the variable's value).
pub(crate) fn needs_quoting(param: &Param, quote_free: bool, command_name: bool) -> bool {
    let modifier = param.modifier();
    let after_index = if modifier.starts_with('[') {
        modifier.find(']').map_or(modifier, |i| &modifier[i + 1..])
    } else {
        modifier
    };
    let alternative = after_index
        .strip_prefix(':')
        .unwrap_or(after_index)
        .starts_with('+');
    let default_assign = after_index.starts_with('=') || after_index.starts_with(":=");
    !param.is_array()
        && !param.is_length()
        && !quote_free
        && !alternative
        && !command_name
        && !default_assign
        && !["$", "-", "?", "!", "#"].contains(&param.name())
}

fn is_sole_param(w: &Word) -> bool {
    match w.parts.as_slice() {
        [Part::Param(_)] => true,
        [Part::DoubleQuoted(inner)] => matches!(inner.as_slice(), [Part::Param(_)]),
        _ => false,
    }
}

impl Flow {
    pub fn new(dialect: Dialect) -> Flow {
        Flow {
            dialect,
            found: Vec::new(),
            emit: true,
        }
    }

    pub fn list(&mut self, list: &List, mut st: State) -> State {
        for ao in &list.items {
            let mut iter = ao.pipelines.iter();
            let Some(first) = iter.next() else { continue };
            let mut cur = self.pipeline(first, st);
            for p in iter {
                let ran = self.pipeline(p, cur.clone());
                cur = merge(cur, ran);
            }
            st = cur;
        }
        st
    }

    fn pipeline(&mut self, p: &Pipeline, st: State) -> State {
        if p.commands.len() == 1 {
            return self.command(&p.commands[0], st);
        }
        // Every part of a pipeline runs in a subshell.
        for c in &p.commands {
            self.command(c, st.clone());
        }
        st
    }

    /// `st` as it is for reading (unreachable code reads unset variables).
    fn reading(st: &State) -> BTreeMap<String, Spacing> {
        st.clone().unwrap_or_default()
    }

    fn command(&mut self, c: &Command, st: State) -> State {
        let out = match &c.kind {
            CommandKind::Simple { assigns, args } => self.simple(assigns, args, st),
            CommandKind::Subshell(l) => {
                self.list(l, st.clone());
                st
            }
            CommandKind::Group(l) => self.list(l, st),
            CommandKind::If { clauses, otherwise } => {
                let mut outs: State = None;
                let mut cur = st;
                for (cond, body) in clauses {
                    cur = self.list(cond, cur);
                    let b = self.list(body, cur.clone());
                    outs = merge(outs, b);
                }
                let last = match otherwise {
                    Some(o) => self.list(o, cur),
                    None => cur,
                };
                merge(outs, last)
            }
            CommandKind::Loop { condition, body } => {
                let entry = self.loop_entry(st, |f, s| {
                    let c = f.list(condition, s);
                    f.list(body, c)
                });
                let after_cond = self.list(condition, entry);
                let after_body = self.list(body, after_cond.clone());
                merge(after_cond, after_body)
            }
            CommandKind::For { var, words, body } => {
                let value = match words {
                    Some(ws) => {
                        let r = Self::reading(&st);
                        for w in ws {
                            self.word(w, &r, true, false);
                        }
                        // A word that is split (an unquoted expansion or a glob) gives
                        // values nobody can know.
                        let splits = ws.iter().any(|w| {
                            w.parts.iter().any(|p| {
                                matches!(
                                    p,
                                    Part::Param(_)
                                        | Part::CommandSub { .. }
                                        | Part::Glob(_)
                                        | Part::Arithmetic(_)
                                )
                            })
                        });
                        let mut s = if splits || ws.is_empty() {
                            Spacing::Some
                        } else {
                            Spacing::Empty
                        };
                        for w in ws {
                            s = s.join(parts_spacing(&w.parts, &r));
                        }
                        s
                    }
                    None => Spacing::Some,
                };
                let set = |s: State| {
                    s.map(|mut m| {
                        m.insert(var.clone(), value);
                        m
                    })
                };
                let start = set(st.clone());
                let entry = self.loop_entry(start, |f, s| set(f.list(body, s)));
                let after_body = self.list(body, entry.clone());
                merge(merge(st, entry), after_body)
            }
            CommandKind::ArithFor { arith, body } => {
                let st = self.arith_assign(arith, st);
                let entry = self.loop_entry(st, |f, s| f.list(body, s));
                let after_body = self.list(body, entry.clone());
                merge(entry, after_body)
            }
            CommandKind::Case { subject, arms } => {
                let r = Self::reading(&st);
                self.word(subject, &r, true, false);
                let mut outs = st.clone();
                for (patterns, body) in arms {
                    for p in patterns {
                        self.word(p, &r, true, false);
                    }
                    let b = self.list(body, st.clone());
                    outs = merge(outs, b);
                }
                outs
            }
            CommandKind::Function(body) => {
                // The body runs when called; check it with the state at the definition.
                self.command(body, st.clone());
                st
            }
            CommandKind::Test(words) => {
                let r = Self::reading(&st);
                for w in words {
                    self.word(w, &r, true, false);
                }
                st
            }
            CommandKind::Arith(a) => self.arith_assign(a, st),
        };
        let r = Self::reading(&out);
        for redirect in &c.redirects {
            if let Some(t) = &redirect.target {
                self.word(t, &r, false, false);
            }
            if let Some(parts) = &redirect.heredoc {
                self.parts(parts, &r, true, false);
            }
        }
        out
    }

    /// The state at the top of a loop: before the first iteration or after any other.
    fn loop_entry(&mut self, st: State, body: impl Fn(&mut Flow, State) -> State) -> State {
        let emit = self.emit;
        self.emit = false;
        let mut entry = st;
        for _ in 0..3 {
            let after = body(self, entry.clone());
            let next = merge(entry.clone(), after);
            if next == entry {
                break;
            }
            entry = next;
        }
        self.emit = emit;
        entry
    }

    fn arith_assign(&mut self, a: &super::parse::Arith, st: State) -> State {
        let r = Self::reading(&st);
        for w in &a.words {
            self.word(w, &r, true, false);
        }
        st.map(|mut m| {
            for (n, _) in &a.assigns {
                m.insert(n.clone(), Spacing::None);
            }
            m
        })
    }

    fn simple(&mut self, assigns: &[super::parse::Assign], args: &[Arg], st: State) -> State {
        let r = Self::reading(&st);
        let words: Vec<&Word> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Word(w) => Some(w),
                Arg::Assign(_) => None,
            })
            .collect();
        let command_at = command_word(&words);
        let mut values = Vec::new();
        for a in assigns {
            values.push((a, self.assign_value(a, &r, true)));
        }
        let mut word_index = 0;
        let decl_quote_free = self.dialect != Dialect::Sh;
        let mut decl_values = Vec::new();
        for a in args {
            match a {
                Arg::Word(w) => {
                    let is_name = command_at == Some(word_index) && is_sole_param(w);
                    self.word(w, &r, false, is_name);
                    word_index += 1;
                }
                Arg::Assign(a) => decl_values.push((a, self.assign_value(a, &r, decl_quote_free))),
            }
        }
        let mut m = st?;
        // `x=1 cmd` sets x for cmd only; `x=1` alone sets it for the script.
        if words.is_empty() {
            for (a, v) in values {
                m.insert(a.name.clone(), v);
            }
        }
        for (a, v) in decl_values {
            m.insert(a.name.clone(), v);
        }
        let name = command_at
            .and_then(|i| words.get(i))
            .and_then(|w| super::word_name(w));
        let base = name.as_deref().map(basename).unwrap_or("");
        let literal = |w: &&Word| super::word_name(w);
        match base {
            "exit" => return None,
            "read" | "getopts" | "mapfile" | "readarray" => {
                for w in words.iter().skip(1) {
                    if let Some(n) = literal(w).filter(|n| super::is_var_name(n)) {
                        m.insert(n, Spacing::Some);
                    }
                }
            }
            "printf" => {
                if let Some(i) = words
                    .iter()
                    .position(|w| literal(w).as_deref() == Some("-v"))
                    && let Some(n) = words.get(i + 1).and_then(literal)
                {
                    m.insert(n, Spacing::Some);
                }
            }
            "let" => {
                for w in words.iter().skip(1) {
                    let s = super::parse::literal_of(w);
                    let n: String = s
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if super::is_var_name(&n) {
                        m.insert(n, Spacing::None);
                    }
                }
            }
            _ => {}
        }
        Some(m)
    }

    fn assign_value(
        &mut self,
        a: &super::parse::Assign,
        r: &BTreeMap<String, Spacing>,
        quote_free: bool,
    ) -> Spacing {
        match &a.value {
            AssignValue::Scalar(w) => {
                self.word(w, r, quote_free, false);
                parts_spacing(&w.parts, r)
            }
            AssignValue::Array(ws) => {
                let mut s = Spacing::Empty;
                for w in ws {
                    self.word(w, r, quote_free, false);
                    s = s.join(parts_spacing(&w.parts, r));
                }
                s
            }
        }
    }

    fn word(&mut self, w: &Word, r: &BTreeMap<String, Spacing>, quote_free: bool, name: bool) {
        self.parts(&w.parts, r, quote_free, name);
    }

    fn parts(
        &mut self,
        parts: &[Part],
        r: &BTreeMap<String, Spacing>,
        quote_free: bool,
        name: bool,
    ) {
        for p in parts {
            match p {
                Part::Lit(_) | Part::Glob(_) | Part::SingleQuoted { .. } | Part::AnsiC(_) => {}
                Part::DoubleQuoted(inner) => self.parts(inner, r, true, name),
                Part::Param(param) => {
                    let clean = r.get(param.name()) == Some(&Spacing::None);
                    if self.emit && needs_quoting(param, quote_free, name) && !clean {
                        self.found.push((param.start, param.end));
                    }
                    for w in &param.nested {
                        self.parts(&w.parts, r, true, false);
                    }
                }
                Part::CommandSub { body, .. } => {
                    self.list(body, Some(r.clone()));
                }
                Part::Arithmetic(a) => {
                    for w in &a.words {
                        self.parts(&w.parts, r, true, false);
                    }
                }
            }
        }
    }
}
