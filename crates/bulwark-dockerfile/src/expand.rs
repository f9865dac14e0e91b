//! Variable substitution as BuildKit's `shell.Lex` does it, and the ARG/ENV scope of each
//! instruction (global ARGs visible in FROM lines, and in a stage only once re-declared).

use crate::model::{Detail, Dockerfile, InstructionKind, StageRef};

/// Where a variable came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Arg,
    Env,
}

/// The variables visible at one instruction, with the values their defaults give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    vars: Vec<(String, Option<String>, VarKind)>,
}

/// The result of expanding a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub value: String,
    /// Variables referenced but not set (ARGs without a default count as unset).
    pub unresolved: Vec<String>,
}

/// An expansion that BuildKit refuses (bad syntax, `${V:?msg}` of an unset variable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ExpandError(pub String);

impl Scope {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .and_then(|(_, v, _)| v.as_deref())
    }

    pub fn kind(&self, name: &str) -> Option<VarKind> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, k)| *k)
    }

    /// Declared names (ARG or ENV), in order of declaration.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.iter().map(|(n, _, _)| n.as_str())
    }

    pub fn set(&mut self, name: &str, value: Option<String>, kind: VarKind) {
        self.vars.push((name.to_string(), value, kind));
    }

    /// Expand `$V`, `${V}`, `${V:-x}`, `${V-x}`, `${V:+x}`, `${V+x}`, `${V:?m}`, `${V?m}`,
    /// `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}`, `${V//p/r}`, removing quotes
    /// and escapes (`escape` is the Dockerfile's escape character).
    pub fn expand(&self, word: &str, escape: char) -> Result<Expanded, ExpandError> {
        let chars: Vec<char> = word.chars().collect();
        let mut lx = Lexer {
            chars: &chars,
            pos: 0,
            escape,
            scope: self,
            unresolved: Vec::new(),
        };
        let value = lx.process(None, true)?;
        Ok(Expanded {
            value,
            unresolved: lx.unresolved,
        })
    }

    /// Like [`Scope::expand`], giving the word unchanged when it cannot be expanded.
    pub fn expand_lossy(&self, word: &str, escape: char) -> String {
        self.expand(word, escape)
            .map_or_else(|_| word.to_string(), |e| e.value)
    }
}

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
    escape: char,
    scope: &'a Scope,
    unresolved: Vec<String>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// Process until `stop` (consumed) or the end.
    fn process(&mut self, stop: Option<char>, quotes: bool) -> Result<String, ExpandError> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok(out);
            }
            self.pos += 1;
            match c {
                '\'' if quotes => loop {
                    match self.next() {
                        Some('\'') => break,
                        Some(d) => out.push(d),
                        None => {
                            return Err(ExpandError(
                                    "unexpected end of statement while looking for matching single-quote".into(),
                                ));
                        }
                    }
                },
                '"' if quotes => loop {
                    match self.next() {
                        Some('"') => break,
                        Some('$') => out.push_str(&self.dollar()?),
                        Some(d) if d == self.escape => match self.next() {
                            Some(e) if e == '"' || e == '$' || e == self.escape => out.push(e),
                            Some(e) => {
                                out.push(d);
                                out.push(e);
                            }
                            None => out.push(d),
                        },
                        Some(d) => out.push(d),
                        None => {
                            return Err(ExpandError(
                                "unexpected end of statement while looking for matching double-quote".into(),
                            ));
                        }
                    }
                },
                '$' => out.push_str(&self.dollar()?),
                c if c == self.escape => {
                    if let Some(d) = self.next() {
                        out.push(d);
                    }
                }
                c => out.push(c),
            }
        }
        if let Some(s) = stop {
            return Err(ExpandError(format!("missing `{s}`")));
        }
        Ok(out)
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        if let Some(c) = self.peek()
            && c.is_ascii_digit()
        {
            self.pos += 1;
            name.push(c);
            return name;
        }
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        name
    }

    fn lookup(&mut self, name: &str) -> Option<String> {
        let v = self.scope.get(name).map(str::to_string);
        if v.is_none() && !self.unresolved.iter().any(|n| n == name) {
            self.unresolved.push(name.to_string());
        }
        v
    }

    fn dollar(&mut self) -> Result<String, ExpandError> {
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                let name = self.name();
                if name.is_empty() {
                    return Err(ExpandError(
                        "bad substitution: missing variable name".into(),
                    ));
                }
                let value = self.lookup(&name);
                let Some(op) = self.next() else {
                    return Err(ExpandError(format!("missing `}}` after `${{{name}`")));
                };
                match op {
                    '}' => Ok(value.unwrap_or_default()),
                    ':' => {
                        let m = self.next().unwrap_or('}');
                        let word = self.process(Some('}'), true)?;
                        let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
                        match m {
                            '-' => Ok(if set_nonempty {
                                value.unwrap_or_default()
                            } else {
                                word
                            }),
                            '+' => Ok(if set_nonempty { word } else { String::new() }),
                            '?' => {
                                if set_nonempty {
                                    Ok(value.unwrap_or_default())
                                } else {
                                    Err(ExpandError(format!("{name}: {word}")))
                                }
                            }
                            _ => Err(ExpandError(format!(
                                "unsupported modifier `:{m}` in substitution"
                            ))),
                        }
                    }
                    '-' | '+' | '?' => {
                        let word = self.process(Some('}'), true)?;
                        match op {
                            '-' => Ok(value.unwrap_or(word)),
                            '+' => Ok(if value.is_some() { word } else { String::new() }),
                            _ => value.ok_or_else(|| ExpandError(format!("{name}: {word}"))),
                        }
                    }
                    '#' | '%' => {
                        let longest = self.peek() == Some(op);
                        if longest {
                            self.pos += 1;
                        }
                        let pat = self.process(Some('}'), true)?;
                        let v = value.unwrap_or_default();
                        Ok(trim_pattern(&v, &pat, op == '#', longest))
                    }
                    '/' => {
                        let all = self.peek() == Some('/');
                        if all {
                            self.pos += 1;
                        }
                        let pat = self.process_until_any(&['/', '}'])?;
                        let rep = if self.chars.get(self.pos.wrapping_sub(1)) == Some(&'/') {
                            self.process(Some('}'), true)?
                        } else {
                            String::new()
                        };
                        let v = value.unwrap_or_default();
                        Ok(replace_pattern(&v, &pat, &rep, all))
                    }
                    other => Err(ExpandError(format!(
                        "unsupported modifier `{other}` in substitution"
                    ))),
                }
            }
            Some(c) if c.is_alphanumeric() || c == '_' => {
                let name = self.name();
                Ok(self.lookup(&name).unwrap_or_default())
            }
            _ => Ok("$".to_string()),
        }
    }

    fn process_until_any(&mut self, stops: &[char]) -> Result<String, ExpandError> {
        let mut out = String::new();
        while let Some(c) = self.next() {
            if stops.contains(&c) {
                return Ok(out);
            }
            match c {
                '$' => out.push_str(&self.dollar()?),
                c if c == self.escape => {
                    if let Some(d) = self.next() {
                        out.push(d);
                    }
                }
                c => out.push(c),
            }
        }
        Err(ExpandError("missing `}`".into()))
    }
}

/// Shell glob match (`*`, `?`, literal otherwise).
pub(crate) fn glob_match(pat: &[char], s: &[char]) -> bool {
    let (mut p, mut i) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while i < s.len() {
        if p < pat.len() && (pat[p] == '?' || pat[p] == s[i]) {
            p += 1;
            i += 1;
        } else if p < pat.len() && pat[p] == '*' {
            star = Some(p);
            mark = i;
            p += 1;
        } else if let Some(sp) = star {
            p = sp + 1;
            mark += 1;
            i = mark;
        } else {
            return false;
        }
    }
    while p < pat.len() && pat[p] == '*' {
        p += 1;
    }
    p == pat.len()
}

fn trim_pattern(v: &str, pat: &str, prefix: bool, longest: bool) -> String {
    let chars: Vec<char> = v.chars().collect();
    let pc: Vec<char> = pat.chars().collect();
    let n = chars.len();
    let candidates: Vec<usize> = if longest {
        (0..=n).rev().collect()
    } else {
        (0..=n).collect()
    };
    for k in candidates {
        if prefix {
            if glob_match(&pc, &chars[..k]) {
                return chars[k..].iter().collect();
            }
        } else if glob_match(&pc, &chars[n - k..]) {
            return chars[..n - k].iter().collect();
        }
    }
    v.to_string()
}

fn replace_pattern(v: &str, pat: &str, rep: &str, all: bool) -> String {
    let chars: Vec<char> = v.chars().collect();
    let pc: Vec<char> = pat.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut replaced = false;
    while i < chars.len() {
        if (!replaced || all) && !pc.is_empty() {
            // longest match starting at i
            if let Some(end) = (i + 1..=chars.len())
                .rev()
                .find(|&e| glob_match(&pc, &chars[i..e]))
            {
                out.push_str(rep);
                i = end;
                replaced = true;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Global ARGs (defaults only) visible to FROM lines.
fn global_scope(df: &Dockerfile, upto: usize) -> Scope {
    let mut scope = Scope::default();
    for &i in &df.global_args {
        if i >= upto {
            break;
        }
        if let Some(Detail::Arg(decls)) = df.instructions.get(i).map(|x| &x.detail) {
            for d in decls {
                let v = d
                    .default
                    .as_ref()
                    .map(|v| scope.expand_lossy(&v.value, df.escape));
                scope.set(&d.name.value, v, VarKind::Arg);
            }
        }
    }
    scope
}

/// Scope at the start of stage `si` plus its instructions before `upto`.
fn stage_scope(df: &Dockerfile, si: usize, upto: usize, depth: usize) -> Scope {
    let Some(stage) = df.stages.get(si) else {
        return Scope::default();
    };
    let mut scope = Scope::default();
    // ENV is inherited from a base stage; ARGs are not.
    if let StageRef::Stage(b) = stage.base
        && b < si
        && depth < 64
    {
        let base = stage_scope(df, b, usize::MAX, depth + 1);
        for (n, v, k) in base.vars {
            if k == VarKind::Env {
                scope.set(&n, v, k);
            }
        }
    }
    let globals = global_scope(df, usize::MAX);
    for &i in &stage.instructions {
        if i >= upto {
            break;
        }
        let Some(ins) = df.instructions.get(i) else {
            continue;
        };
        match &ins.detail {
            Detail::Arg(decls) => {
                for d in decls {
                    let v = match &d.default {
                        Some(v) => Some(scope.expand_lossy(&v.value, df.escape)),
                        None => globals.get(&d.name.value).map(str::to_string),
                    };
                    scope.set(&d.name.value, v, VarKind::Arg);
                }
            }
            Detail::Env(kvs) => {
                for kv in kvs {
                    let key = scope.expand_lossy(&kv.key.value, df.escape);
                    let v = if kv.uses_equals {
                        scope.expand_lossy(&kv.value.value, df.escape)
                    } else {
                        // Legacy form: the rest of the line, quotes processed.
                        scope.expand_lossy(&kv.value.value, df.escape)
                    };
                    scope.set(&key, Some(v), VarKind::Env);
                }
            }
            _ => {}
        }
    }
    scope
}

pub(crate) fn scope_at(df: &Dockerfile, index: usize) -> Scope {
    let Some(ins) = df.instructions.get(index) else {
        return Scope::default();
    };
    match ins.stage {
        None => global_scope(df, index),
        Some(_) if ins.kind == InstructionKind::From => global_scope(df, index),
        Some(s) => stage_scope(df, s, index, 0),
    }
}
