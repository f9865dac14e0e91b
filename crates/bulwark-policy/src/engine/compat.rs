//! Source-level handling of four places where regorus 0.14 and OPA disagree, done before
//! regorus sees a module (line numbers are kept, so errors still point into the file):
//!
//! 1. [`rename_comprehension_locals`]: in OPA a `name := ...` (or `some name`) inside a
//!    comprehension declares a variable local to the comprehension even when the rule already
//!    has a `name`; regorus refuses the re-declaration. The comprehension's own variable is renamed (from its
//!    declaration on, and in the comprehension's head), which is what OPA's scoping means.
//! 2. [`inline_rule_metadata`]: `rego.metadata.rule()` and `rego.metadata.chain()` (the
//!    `# METADATA` annotations of the rule being evaluated, and of it and its package) are
//!    replaced by the annotations as a literal value, as OPA computes them at compile time.
//! 3. [`v0_keyword_misuse`]: in Rego v0, `if`, `contains` and `every` are keywords only once
//!    imported (`import future.keywords...` or `import rego.v1`); OPA refuses a v0 module that
//!    uses them without the import, regorus reads them anyway.
//!    A rule-level `some i` whose name the rule uses only inside comprehensions is dropped
//!    ([`drop_unbound_some`]): OPA makes `i` local to each comprehension there.
//! 4. [`if_without_contains`]: conftest refuses a `deny`/`warn`/`violation` rule written
//!    `deny[msg] if {...}` in v1, where it is a single-value rule (a partial object), not the
//!    partial set `deny contains msg if {...}` the author meant.

use serde_json::{Value, json};

use super::normalize::code_mask;

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Identifier tokens of the code (not strings or comments): (start, text).
fn idents<'a>(source: &'a str, code: &[bool]) -> Vec<(usize, &'a str)> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if code[i]
            && (b[i].is_ascii_alphabetic() || b[i] == b'_')
            && (i == 0 || !is_ident_byte(b[i - 1]))
        {
            let start = i;
            while i < b.len() && is_ident_byte(b[i]) {
                i += 1;
            }
            out.push((start, &source[start..i]));
        } else {
            i += 1;
        }
    }
    out
}

fn line_of(source: &str, offset: usize) -> u32 {
    source[..offset.min(source.len())].matches('\n').count() as u32 + 1
}

fn next_non_space(b: &[u8], mut i: usize) -> Option<u8> {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    b.get(i).copied()
}

/// The first v1 keyword a v0 module uses without importing it: its line and a message.
pub fn v0_keyword_misuse(source: &str) -> Option<(u32, String)> {
    let mut imported: Vec<&str> = Vec::new();
    for line in source.lines() {
        let l = line.trim_start();
        let Some(rest) = l.strip_prefix("import ") else {
            continue;
        };
        let target = rest.split_whitespace().next().unwrap_or("");
        if target == "rego.v1" || target == "future.keywords" {
            return None;
        }
        if let Some(k) = target.strip_prefix("future.keywords.") {
            imported.push(k);
        }
    }
    let code = code_mask(source);
    let b = source.as_bytes();
    for (start, word) in idents(source, &code) {
        if !matches!(word, "if" | "contains" | "every") || imported.contains(&word) {
            continue;
        }
        // `x.contains` is a field; `contains(...)` is v0's string builtin.
        if start > 0 && b[start - 1] == b'.' {
            continue;
        }
        if word == "contains" && next_non_space(b, start + word.len()) == Some(b'(') {
            continue;
        }
        return Some((
            line_of(source, start),
            format!(
                "`{word}` is a Rego v1 keyword: a v0 module needs `import future.keywords.{word}` (or `import rego.v1`) to use it"
            ),
        ));
    }
    None
}

/// The line of a `deny[...] if` / `warn[...] if` / `violation[...] if` rule head, which
/// conftest refuses in v1 (conftest's rule names: `deny`, `violation`, `warn` and their
/// `_suffix` forms).
pub fn if_without_contains(source: &str) -> Option<u32> {
    let code = code_mask(source);
    let b = source.as_bytes();
    let mut depth = 0i32;
    let mut line_start = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !code[i] {
            if c == b'\n' {
                line_start = true;
            }
            i += 1;
            continue;
        }
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            _ => {}
        }
        if depth == 0 && line_start && (c.is_ascii_alphabetic() || c == b'_') {
            let start = i;
            let mut j = i;
            while j < b.len() && is_ident_byte(b[j]) {
                j += 1;
            }
            let name = &source[start..j];
            let rule = ["deny", "violation", "warn"]
                .iter()
                .any(|p| name == *p || name.strip_prefix(p).is_some_and(|s| s.starts_with('_')));
            if rule && next_non_space(b, j) == Some(b'[') {
                // Skip the balanced `[...]`, then look for `if`.
                let mut k = j;
                while k < b.len() && b[k] != b'[' {
                    k += 1;
                }
                let mut d = 0;
                while k < b.len() {
                    if code[k] {
                        match b[k] {
                            b'[' => d += 1,
                            b']' => {
                                d -= 1;
                                if d == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    k += 1;
                }
                let mut m = k + 1;
                while m < b.len() && (b[m] == b' ' || b[m] == b'\t') {
                    m += 1;
                }
                if source[m.min(b.len())..].starts_with("if")
                    && !b.get(m + 2).copied().is_some_and(is_ident_byte)
                {
                    return Some(line_of(source, start));
                }
            }
        }
        if !c.is_ascii_whitespace() {
            line_start = false;
        }
        i += 1;
    }
    None
}

/// A `# METADATA` block's YAML, as a JSON value with OPA's default `scope`.
fn annotations(yaml_lines: &[&str], scope: &str) -> Option<Value> {
    let text: String = yaml_lines
        .iter()
        .map(|l| {
            let l = l.trim_start().trim_start_matches('#');
            let l = l.strip_prefix(' ').unwrap_or(l);
            format!("{l}\n")
        })
        .collect();
    let docs = bulwark_yaml::load_str(&text).ok()?;
    let mut v = docs.first()?.root.try_to_json().ok()?;
    let obj = v.as_object_mut()?;
    obj.entry("scope").or_insert_with(|| json!(scope));
    Some(v)
}

/// Replaces `rego.metadata.rule()` / `rego.metadata.chain()` with the annotations of the
/// rule they appear in (and of its package, for the chain).
pub fn inline_rule_metadata(source: &str) -> String {
    if !source.contains("rego.metadata.") {
        return source.to_owned();
    }
    let code = code_mask(source);
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    let mut package: Vec<String> = Vec::new();
    let mut package_annotations: Option<Value> = None;
    // The annotation lines waiting for the next statement, and the current rule's.
    let mut pending: Option<Vec<&str>> = None;
    let mut rule_annotations: Option<Value> = None;
    let mut rule_name = String::new();
    let mut out = String::with_capacity(source.len());
    let mut offset = 0;
    let mut depth = 0i32;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if depth == 0 && trimmed == "# METADATA" {
            let mut block = Vec::new();
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with('#') {
                block.push(lines[j]);
                j += 1;
            }
            pending = Some(block);
            for l in &lines[i..j] {
                out.push_str(l);
                offset += l.len();
            }
            i = j;
            continue;
        }
        let starts_statement = depth == 0
            && line
                .bytes()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_');
        if starts_statement {
            let block = pending.take().unwrap_or_default();
            if let Some(p) = trimmed.strip_prefix("package ") {
                package = p
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .split('.')
                    .map(str::to_owned)
                    .collect();
                package_annotations = annotations(&block, "package");
            } else if !trimmed.starts_with("import ") {
                rule_name = trimmed
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
                    .to_owned();
                rule_annotations = annotations(&block, "rule");
            }
        }
        // Rewrite the calls on this line (code only).
        let mut rewritten = String::new();
        let mut k = 0;
        while k < line.len() {
            let at = offset + k;
            let rest = &line[k..];
            let call = ["rego.metadata.rule()", "rego.metadata.chain()"]
                .into_iter()
                .find(|c| rest.starts_with(c) && code.get(at).copied().unwrap_or(false));
            if let Some(c) = call {
                let value = if c.ends_with("rule()") {
                    rule_annotations.clone().unwrap_or_else(|| json!({}))
                } else {
                    let mut path = vec![json!("data")];
                    path.extend(package.iter().map(|p| json!(p)));
                    let mut rule_entry = json!({"path": path.iter().cloned().chain([json!(rule_name)]).collect::<Vec<_>>()});
                    if let Some(a) = &rule_annotations {
                        rule_entry["annotations"] = a.clone();
                    }
                    let mut chain = vec![rule_entry];
                    if let Some(a) = &package_annotations {
                        chain.push(json!({"path": path, "annotations": a}));
                    }
                    Value::Array(chain)
                };
                rewritten.push_str(&value.to_string());
                k += c.len();
                continue;
            }
            let ch = rest.chars().next().unwrap_or(' ');
            if code.get(at).copied().unwrap_or(false) {
                match ch {
                    '{' | '[' | '(' => depth += 1,
                    '}' | ']' | ')' => depth -= 1,
                    _ => {}
                }
            }
            rewritten.push(ch);
            k += ch.len_utf8();
        }
        out.push_str(&rewritten);
        offset += line.len();
        i += 1;
    }
    out
}

/// Comprehensions of the code: (open bracket, `|`, close bracket) offsets, innermost first.
fn comprehension_spans(source: &str, code: &[bool]) -> Vec<(usize, usize, usize)> {
    let b = source.as_bytes();
    let mut spans = Vec::new();
    let mut stack: Vec<(usize, Option<usize>)> = Vec::new();
    for i in 0..b.len() {
        if !code[i] {
            continue;
        }
        match b[i] {
            b'[' | b'{' | b'(' => {
                // A rule body (a brace at the top level not after `=`) is no comprehension;
                // `|` there is the set union.
                let body =
                    b[i] == b'{' && stack.is_empty() && !source[..i].trim_end().ends_with('=');
                stack.push((i, body.then_some(usize::MAX)));
            }
            b'|' => {
                if let Some(top) = stack.last_mut()
                    && top.1.is_none()
                    && b[top.0] != b'('
                {
                    top.1 = Some(i);
                }
            }
            b']' | b'}' | b')' => {
                if let Some((open, bar)) = stack.pop()
                    && let Some(bar) = bar.filter(|&b| b != usize::MAX)
                {
                    spans.push((open, bar, i));
                }
            }
            _ => {}
        }
    }
    spans
}

/// Top-level rule bodies: (open brace, close brace) offsets.
fn rule_bodies(source: &str, code: &[bool]) -> Vec<(usize, usize)> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open: Option<usize> = None;
    for i in 0..b.len() {
        if !code[i] {
            continue;
        }
        match b[i] {
            b'[' | b'{' | b'(' => {
                if depth == 0 && b[i] == b'{' && !source[..i].trim_end().ends_with('=') {
                    open = Some(i);
                }
                depth += 1;
            }
            b']' | b'}' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(o) = open.take()
                {
                    out.push((o, i));
                }
            }
            _ => {}
        }
    }
    out
}

/// Drops from a rule body's `some a, b` the names the body uses only inside comprehensions:
/// OPA makes such a name local to each comprehension (it is never bound outside), while
/// regorus reads each comprehension's use as a second definition.
pub fn drop_unbound_some(source: &str) -> String {
    if !source.contains("some") || !source.contains('|') {
        return source.to_owned();
    }
    let code = code_mask(source);
    let b = source.as_bytes();
    let spans = comprehension_spans(source, &code);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (open, close) in rule_bodies(source, &code) {
        let inside = |at: usize| {
            spans
                .iter()
                .any(|&(o, _, c)| o > open && c < close && at > o && at < c)
        };
        let words: Vec<(usize, &str)> = idents(&source[open..close], &code[open..close])
            .into_iter()
            .map(|(s, w)| (open + s, w))
            .collect();
        for (idx, &(at, w)) in words.iter().enumerate() {
            if w != "some" || inside(at) {
                continue;
            }
            let prev = source[open + 1..at].trim_end_matches([' ', '\t']);
            if !(prev.is_empty() || prev.ends_with([';', '\n', '{'])) {
                continue;
            }
            // The statement: `some` then names separated by commas, to the line's end or `;`.
            let end = source[at..close]
                .find(['\n', ';'])
                .map_or(close, |e| at + e);
            let names: Vec<(usize, &str)> = words[idx + 1..]
                .iter()
                .take_while(|(s, _)| *s < end)
                .copied()
                .collect();
            if names.iter().any(|(_, n)| *n == "in")
                || names.is_empty()
                || !source[at + 4..end]
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == ',' || c.is_whitespace())
            {
                continue;
            }
            let keep: Vec<&str> = names
                .iter()
                .filter(|(_, n)| {
                    words.iter().any(|&(s, w)| {
                        w == *n
                            && (s < at || s >= end)
                            && !inside(s)
                            && (s == 0 || b[s - 1] != b'.')
                    })
                })
                .map(|(_, n)| *n)
                .collect();
            if keep.len() == names.len() {
                continue;
            }
            let text = if keep.is_empty() {
                String::new()
            } else {
                format!("some {}", keep.join(", "))
            };
            let width = end - at;
            edits.push((at, end, format!("{text:width$}")));
        }
    }
    let mut out = source.to_owned();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

/// Renames the variables a comprehension declares with `:=` (from the declaration on, and in
/// the comprehension's head) so that they cannot clash with the rule's own.
pub fn rename_comprehension_locals(source: &str) -> String {
    if !source.contains(":=") || !source.contains('|') {
        return source.to_owned();
    }
    let code = code_mask(source);
    let b = source.as_bytes();
    let spans = comprehension_spans(source, &code);
    if spans.is_empty() {
        return source.to_owned();
    }
    // Renames as (start, end, new text), applied from the end.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (n, &(open, bar, close)) in spans.iter().enumerate() {
        let body = &source[bar + 1..close];
        let body_idents = idents(body, &code[bar + 1..close]);
        // Declared names: an identifier followed by `:=` at the body's top level.
        let mut declared: Vec<(usize, &str)> = Vec::new();
        let mut some_list = false;
        for &(s, w) in &body_idents {
            let after = s + w.len();
            let rest = body[after..].trim_start_matches([' ', '\t']);
            let prev = body[..s].trim_end_matches([' ', '\t']);
            let at_statement_start = prev.is_empty() || prev.ends_with([';', '\n']);
            // `some a, b` (and `some k, v in xs`) declares its names too.
            let in_some = some_list && (prev.ends_with("some") || prev.ends_with(','));
            some_list = (at_statement_start && w == "some") || (in_some && rest.starts_with(','));
            let declares = (rest.starts_with(":=") && at_statement_start) || in_some;
            if declares && w != "in" && !declared.iter().any(|d| d.1 == w) {
                declared.push((s, w));
            }
        }
        for (decl_at, name) in declared {
            let fresh = format!("__bulwark_c{n}_{name}");
            let rename = |abs: usize, w: &str, edits: &mut Vec<(usize, usize, String)>| {
                if abs > 0 && b[abs - 1] == b'.' {
                    return;
                }
                if w == name && !edits.iter().any(|e| e.0 == abs) {
                    edits.push((abs, abs + w.len(), fresh.clone()));
                }
            };
            for &(s, w) in &body_idents {
                if s >= decl_at {
                    rename(bar + 1 + s, w, &mut edits);
                }
            }
            for (s, w) in idents(&source[open + 1..bar], &code[open + 1..bar]) {
                rename(open + 1 + s, w, &mut edits);
            }
        }
    }
    if edits.is_empty() {
        return source.to_owned();
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    edits.dedup_by(|a, b| a.0 == b.0);
    let mut out = source.to_owned();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v0_modules_need_the_keyword_imports() {
        let e = v0_keyword_misuse("package main\n\ndeny contains msg if {\n  msg := \"x\"\n}\n")
            .expect("refused");
        assert_eq!(e.0, 3);
        assert!(e.1.contains("`contains`"), "{}", e.1);
        assert!(
            v0_keyword_misuse("package main\nimport rego.v1\ndeny contains m if { m := 1 }\n")
                .is_none()
        );
        assert!(
            v0_keyword_misuse(
                "package main\nimport future.keywords\ndeny contains m if { m := 1 }\n"
            )
            .is_none()
        );
        assert!(
            v0_keyword_misuse("package main\nimport future.keywords.if\nimport future.keywords.contains\ndeny contains m if { m := 1 }\n")
                .is_none()
        );
        let e = v0_keyword_misuse(
            "package main\nimport future.keywords.contains\ndeny contains m if { m := 1 }\n",
        )
        .expect("refused");
        assert!(e.1.contains("`if`"), "{}", e.1);
        // v0's `contains(...)` builtin, a field and text are no keywords.
        assert!(
            v0_keyword_misuse("package main\n# if only\ndeny[m] { contains(input.x, \"if\"); input.contains; m := 1 }\n")
                .is_none()
        );
    }

    #[test]
    fn finds_if_without_contains() {
        assert_eq!(
            if_without_contains(
                "package main\nimport rego.v1\n\ndeny[msg] if {\n  msg := \"foo\"\n}\n"
            ),
            Some(4)
        );
        assert_eq!(
            if_without_contains("package main\nwarn_x[{\"msg\": m}] if { m := 1 }\n"),
            Some(2)
        );
        assert_eq!(
            if_without_contains("package main\ndeny contains msg if { msg := 1 }\n"),
            None
        );
        assert_eq!(
            if_without_contains("package main\ndeny[msg] { msg := 1 }\n"),
            None
        );
        assert_eq!(
            if_without_contains(
                "package main\nallow[x] if { x := 1 }\ndenylist[x] if { x := 1 }\n"
            ),
            None
        );
    }

    #[test]
    fn metadata_calls_become_literals() {
        let src = "# METADATA\n# title: P\npackage main\n\n# METADATA\n# title: R\n# custom:\n#   template: 'a %v'\ndeny contains msg if {\n  m := rego.metadata.rule()\n  c := rego.metadata.chain()\n  msg := m.custom.template\n}\n\nother if { x := rego.metadata.rule() }\n";
        let out = inline_rule_metadata(src);
        assert_eq!(out.lines().count(), src.lines().count());
        let line = out.lines().nth(9).unwrap_or_default();
        assert!(line.contains(r#""custom":{"template":"a %v"}"#), "{line}");
        assert!(line.contains(r#""scope":"rule""#), "{line}");
        let chain = out.lines().nth(10).unwrap_or_default();
        assert!(
            chain.contains(r#"{"path":["data","main","deny"],"annotations":{"#),
            "{chain}"
        );
        assert!(
            chain.contains(
                r#"{"path":["data","main"],"annotations":{"title":"P","scope":"package"}}"#
            ),
            "{chain}"
        );
        assert!(
            out.lines().nth(14).unwrap_or_default().contains("x := {}"),
            "{out}"
        );
    }

    #[test]
    fn some_names_used_only_in_comprehensions_are_dropped() {
        let src = "r if {\n\tsome i\n\tx := [u | input[i].k == 1; u := input[i].v]\n}\nq if {\n\tsome i, j\n\tinput[i] == 1\n\ty := {v | v := input[j]}\n}\n";
        let out = drop_unbound_some(src);
        assert_eq!(out.lines().nth(1), Some("\t      "));
        assert_eq!(out.lines().nth(5), Some("\tsome i   "));
        assert_eq!(out.lines().count(), src.lines().count());
        let bound = "r if {\n\tsome i\n\tinput[i] == 1\n\tx := [u | u := input[i]]\n}\n";
        assert_eq!(drop_unbound_some(bound), bound);
    }

    #[test]
    fn comprehension_locals_are_renamed() {
        let src = "r if {\n  name := input[_].name\n  o := [name | some i; input[i].n == name; name := input[i].m.name]\n  count(o) > 1\n}\n";
        let out = rename_comprehension_locals(src);
        assert_eq!(
            out.lines().nth(2).unwrap_or_default(),
            "  o := [__bulwark_c0_name | some __bulwark_c0_i; input[__bulwark_c0_i].n == name; __bulwark_c0_name := input[__bulwark_c0_i].m.name]"
        );
        assert_eq!(out.lines().nth(1), src.lines().nth(1));
        let some = "r if {\n  some i\n  s := {e | some i, j; e := input[i][j]}\n  t := [x | some k, x in input]\n}\n";
        let out = rename_comprehension_locals(some);
        assert_eq!(
            out.lines().nth(2).unwrap_or_default(),
            "  s := {__bulwark_c0_e | some __bulwark_c0_i, __bulwark_c0_j; __bulwark_c0_e := input[__bulwark_c0_i][__bulwark_c0_j]}"
        );
        assert_eq!(
            out.lines().nth(3).unwrap_or_default(),
            "  t := [__bulwark_c1_x | some __bulwark_c1_k, __bulwark_c1_x in input]"
        );
        // Nothing declared inside: unchanged.
        let plain = "r := {x | x := input[_]}\nq := [y | input[y]]\n";
        assert_eq!(
            rename_comprehension_locals(plain),
            "r := {__bulwark_c0_x | __bulwark_c0_x := input[_]}\nq := [y | input[y]]\n"
        );
    }
}
