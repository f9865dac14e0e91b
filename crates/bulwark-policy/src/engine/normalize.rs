//! Source rewrites that make regorus read four constructs the way OPA does (and, first, the
//! two of [`super::compat`]: comprehension-local variables and `rego.metadata` calls). Each keeps
//! every line where it was, so error positions still point into the user's file.
//!
//! 1. Chained bodies (`f(x) = y { a } { b }`, v0): OPA reads each body as another definition
//!    with the same head; regorus rejects them for some heads. The head is repeated:
//!    `} f(x) = y {`.
//! 2. A body line that starts with `(` after a line that ended an expression: OPA ends the
//!    expression at the newline; regorus reads a call (`x\n(y)` as `x(y)`). A `;` is put at
//!    the end of the first line.
//! 3. `not f(a.b)`: OPA evaluates the references passed to a call before the negation, so an
//!    undefined `a.b` makes the whole expression undefined; regorus negates the undefined call.
//!    References rooted at a local variable are bound first: `__bulwark_n1 := a.b; not
//!    f(__bulwark_n1)`.
//! 4. `sprintf` with more format verbs than arguments, or more arguments than verbs: OPA
//!    formats with Go's `fmt.Sprintf`, which writes `%!v(MISSING)` for a verb without an
//!    argument and `%!(EXTRA …)` after the text for arguments left over; regorus fails the
//!    call, so the rule silently yields nothing. When the format is a string literal and the
//!    arguments an array literal, the format is balanced: a verb without an argument becomes
//!    the literal text Go prints (`%%!v(MISSING)`), and each argument left over gets a `%v`
//!    in a trailing `%!(EXTRA …)` (Go also prints each one's Go type, which is left out).

/// Rewrites `source`; returns it unchanged when nothing applies.
pub fn normalize(source: &str) -> String {
    let unbound = super::compat::drop_unbound_some(source);
    let renamed = super::compat::rename_comprehension_locals(&unbound);
    let annotated = super::compat::inline_rule_metadata(&renamed);
    let chained = repeat_chained_heads(&annotated);
    let separated = separate_paren_lines(&chained);
    let hoisted = hoist_negated_call_refs(&separated);
    balance_sprintf_arguments(&hoisted)
}

/// Byte classes of a source: which bytes are code (not in a string or comment).
pub(super) fn code_mask(source: &str) -> Vec<bool> {
    let bytes = source.as_bytes();
    let mut mask = vec![true; bytes.len()];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    mask[i] = false;
                    i += 1;
                }
            }
            b'"' => {
                mask[i] = false;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' && i + 1 < bytes.len() {
                        mask[i] = false;
                        i += 1;
                    }
                    mask[i] = false;
                    i += 1;
                }
                if i < bytes.len() {
                    mask[i] = false;
                    i += 1;
                }
            }
            b'`' => {
                mask[i] = false;
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    mask[i] = false;
                    i += 1;
                }
                if i < bytes.len() {
                    mask[i] = false;
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    mask
}

fn repeat_chained_heads(source: &str) -> String {
    let bytes = source.as_bytes();
    let code = code_mask(source);
    let mut out = String::with_capacity(source.len());
    let mut depth = 0usize;
    // Whether the brace open at depth 0 is a value (`= {...}` in a head), not a body.
    let mut literal = false;
    let mut previous: u8 = b'\n';
    let mut head_start: Option<usize> = None;
    let mut head: Option<String> = None;
    let mut after_body = false;
    let mut last = 0;
    for i in 0..bytes.len() {
        if !code[i] {
            continue;
        }
        let c = bytes[i];
        let before = previous;
        if !c.is_ascii_whitespace() {
            previous = c;
        }
        if depth == 0 {
            if c == b'{' && before != b'=' && before != b',' && before != b':' {
                if after_body {
                    if let Some(h) = &head {
                        out.push_str(&source[last..i]);
                        out.push_str(h);
                        out.push(' ');
                        last = i;
                    }
                } else if let Some(start) = head_start {
                    let text = source[start..i].trim();
                    head = (!text.is_empty())
                        .then(|| text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                depth = 1;
                literal = false;
                after_body = false;
                continue;
            }
            if matches!(c, b'(' | b'[' | b'{') {
                depth += 1;
                literal = true;
                if head_start.is_none() {
                    head_start = Some(i);
                }
                continue;
            }
            if !c.is_ascii_whitespace() {
                if after_body {
                    // Something other than another body: a new rule or `else`.
                    after_body = false;
                    head = None;
                    head_start = Some(i);
                } else if head_start.is_none() {
                    head_start = Some(i);
                }
            } else if c == b'\n' && !after_body && head.is_none() && before != b'=' {
                // A statement without a body (package, import, `p := 1`) ends at the line end.
                head_start = None;
            }
            continue;
        }
        match c {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth -= 1;
                if depth == 0 && c == b'}' && !literal {
                    after_body = true;
                    head_start = None;
                }
            }
            _ => {}
        }
    }
    out.push_str(&source[last..]);
    out
}

fn ends_operand(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b')' | b']' | b'}' | b'"' | b'`')
}

fn separate_paren_lines(source: &str) -> String {
    let bytes = source.as_bytes();
    let code = code_mask(source);
    let mut stack: Vec<u8> = Vec::new();
    let mut inserts = Vec::new();
    let mut last_significant: Option<usize> = None;
    for i in 0..bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            if stack.last() == Some(&b'{') {
                let next = bytes[i + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|p| i + 1 + p);
                if let (Some(prev), Some(next)) = (last_significant, next)
                    && bytes[next] == b'('
                    && code[next]
                    && ends_operand(bytes[prev])
                {
                    inserts.push(prev + 1);
                }
            }
            continue;
        }
        if !code[i] {
            // The closing quote of a string ends an operand too.
            if c == b'"' || c == b'`' {
                last_significant = Some(i);
            }
            continue;
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        match c {
            b'{' | b'(' | b'[' => stack.push(c),
            b'}' | b')' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        last_significant = Some(i);
    }
    if inserts.is_empty() {
        return source.to_string();
    }
    let mut out = String::with_capacity(source.len() + inserts.len());
    let mut last = 0;
    for at in inserts {
        out.push_str(&source[last..at]);
        out.push(';');
        last = at;
    }
    out.push_str(&source[last..]);
    out
}

/// A reference rooted at a local variable: `a.b`, `a.b.c`, `a["k"]` (no calls, no
/// iteration), and not rooted at `input` or `data`.
fn is_local_ref(arg: &str) -> bool {
    let arg = arg.trim();
    let root_end = arg
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(arg.len());
    let root = &arg[..root_end];
    let rest = &arg[root_end..];
    if root.is_empty()
        || rest.is_empty()
        || root.starts_with(|c: char| c.is_ascii_digit())
        || matches!(root, "input" | "data" | "true" | "false" | "null" | "_")
    {
        return false;
    }
    if !rest.starts_with('.') {
        return false;
    }
    rest.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn split_top_level_commas(args: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut in_string = false;
    let bytes = args.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
        } else {
            match c {
                b'"' => in_string = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    parts.push(&args[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    parts.push(&args[start..]);
    parts
}

fn hoist_negated_call_refs(source: &str) -> String {
    let mut counter = 0usize;
    let mut changed = false;
    let lines: Vec<String> = source
        .split('\n')
        .map(|line| {
            let indent_len = line.len() - line.trim_start().len();
            let (indent, body) = line.split_at(indent_len);
            let Some(rest) = body.strip_prefix("not ") else {
                return line.to_string();
            };
            let rest = rest.trim_start();
            let code = match rest.find('#') {
                Some(p) if !rest[..p].contains('"') => &rest[..p],
                _ => rest,
            };
            let code = code.trim_end();
            let Some(open) = code.find('(') else {
                return line.to_string();
            };
            let name = &code[..open];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                || !code.ends_with(')')
            {
                return line.to_string();
            }
            let args = &code[open + 1..code.len() - 1];
            // The parentheses must enclose the arguments and nothing else follow them.
            let mut depth = 0i32;
            for (i, c) in code.char_indices().skip(open) {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 && i != code.len() - 1 {
                            return line.to_string();
                        }
                    }
                    _ => {}
                }
            }
            let parts = split_top_level_commas(args);
            if !parts.iter().any(|a| is_local_ref(a)) {
                return line.to_string();
            }
            let mut prefix = String::new();
            let mut new_args = Vec::new();
            for part in parts {
                if is_local_ref(part) {
                    counter += 1;
                    let var = format!("__bulwark_n{counter}");
                    prefix.push_str(&format!("{var} := {}; ", part.trim()));
                    new_args.push(var);
                } else {
                    new_args.push(part.trim().to_string());
                }
            }
            changed = true;
            let comment = &rest[code.len()..];
            format!(
                "{indent}{prefix}not {name}({}){comment}",
                new_args.join(", ")
            )
        })
        .collect();
    if changed {
        lines.join("\n")
    } else {
        source.to_string()
    }
}

/// The format verbs of a Go format string, as (start, end, verb) byte ranges in `format`;
/// `None` when it uses what the rewrite does not model (`*` widths, `%[n]` indexes, a `%`
/// at the end).
fn format_verbs(format: &str) -> Option<Vec<(usize, usize, char)>> {
    let bytes = format.as_bytes();
    let mut verbs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if bytes.get(i) == Some(&b'%') {
            i += 1;
            continue;
        }
        while i < bytes.len() && matches!(bytes[i], b'+' | b'-' | b'#' | b' ' | b'0') {
            i += 1;
        }
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let verb = format[i..].chars().next()?;
        if matches!(verb, '*' | '[') {
            return None;
        }
        i += verb.len_utf8();
        verbs.push((start, i, verb));
    }
    Some(verbs)
}

/// The end (exclusive) of the string literal opening at `start` (`"` or a backtick).
fn string_literal_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\n' if quote == b'"' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// For `sprintf(<literal>, [<elements>])` at `call` (the `s`): the format literal's byte
/// range (quotes excluded) and the number of array elements.
fn literal_sprintf_call(source: &str, code: &[bool], call: usize) -> Option<(usize, usize, usize)> {
    let bytes = source.as_bytes();
    let mut i = skip_whitespace(bytes, call + "sprintf(".len());
    if i >= bytes.len() || !matches!(bytes[i], b'"' | b'`') {
        return None;
    }
    let literal_start = i;
    let literal_end = string_literal_end(bytes, literal_start)?;
    i = skip_whitespace(bytes, literal_end);
    if bytes.get(i) != Some(&b',') {
        return None;
    }
    i = skip_whitespace(bytes, i + 1);
    if bytes.get(i) != Some(&b'[') || !code[i] {
        return None;
    }
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut element_open = false;
    while i < bytes.len() {
        let c = bytes[i];
        if !code[i] {
            // Inside a string or comment: a string is (part of) an element.
            if depth == 1 && matches!(c, b'"' | b'`') {
                element_open = true;
            }
            i += 1;
            continue;
        }
        match c {
            b'[' | b'(' | b'{' => {
                if depth == 1 {
                    element_open = true;
                }
                depth += 1;
            }
            b']' | b')' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => {
                if element_open {
                    elements += 1;
                }
                element_open = false;
            }
            c if depth == 1 && !c.is_ascii_whitespace() => element_open = true,
            _ => {}
        }
        i += 1;
    }
    if i >= bytes.len() {
        return None;
    }
    if element_open {
        elements += 1;
    }
    let close = skip_whitespace(bytes, i + 1);
    if bytes.get(close) != Some(&b')') {
        return None;
    }
    Some((literal_start + 1, literal_end - 1, elements))
}

fn balance_sprintf_arguments(source: &str) -> String {
    let code = code_mask(source);
    let bytes = source.as_bytes();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut from = 0;
    while let Some(found) = source[from..].find("sprintf(") {
        let call = from + found;
        from = call + 1;
        let preceded_by_name = call > 0
            && (bytes[call - 1].is_ascii_alphanumeric() || matches!(bytes[call - 1], b'_' | b'.'));
        if !code[call] || preceded_by_name {
            continue;
        }
        let Some((start, end, arguments)) = literal_sprintf_call(source, &code, call) else {
            continue;
        };
        let format = &source[start..end];
        let Some(verbs) = format_verbs(format) else {
            continue;
        };
        if verbs.len() == arguments {
            continue;
        }
        let mut balanced = String::with_capacity(format.len() + 16);
        let mut last = 0;
        for &(verb_start, verb_end, verb) in verbs.iter().skip(arguments) {
            balanced.push_str(&format[last..verb_start]);
            balanced.push_str(&format!("%%!{verb}(MISSING)"));
            last = verb_end;
        }
        balanced.push_str(&format[last..]);
        if arguments > verbs.len() {
            let extra = vec!["%v"; arguments - verbs.len()].join(", ");
            balanced.push_str(&format!("%%!(EXTRA {extra})"));
        }
        edits.push((start, end, balanced));
    }
    if edits.is_empty() {
        return source.to_string();
    }
    let mut out = String::with_capacity(source.len() + 32 * edits.len());
    let mut last = 0;
    for (start, end, text) in edits {
        out.push_str(&source[last..start]);
        out.push_str(&text);
        last = end;
    }
    out.push_str(&source[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chained_bodies_repeat_the_head_on_the_same_line() {
        let literal = "package p\ng(c) = {\"a\": x} {\n  x := c\n}\n";
        assert_eq!(normalize(literal), literal);
        let src = "package p\n\nf(obj) = spec {\n  obj.kind == \"A\"\n  spec := 1\n} {\n  obj.kind == \"B\"\n  spec := 2\n}\n\ng { true }\n";
        let out = normalize(src);
        assert!(
            out.contains("} f(obj) = spec {\n  obj.kind == \"B\""),
            "{out}"
        );
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(out.contains("g { true }"));
    }

    #[test]
    fn else_chains_are_left_alone() {
        let src = "package p\nf(x) = 1 {\n  x > 1\n} else = 2 {\n  true\n}\n";
        assert_eq!(normalize(src), src);
    }

    #[test]
    fn a_body_line_opening_with_a_paren_ends_the_previous_expression() {
        let src = "package p\nr {\n  input.a\n  (input.b - 1) > 0\n}\nq := f(\n  (1)\n)\n";
        let out = normalize(src);
        assert!(out.contains("  input.a;\n  (input.b"), "{out}");
        assert!(out.contains("q := f(\n  (1)\n)"), "{out}");
    }

    #[test]
    fn negated_calls_bind_local_references_first() {
        let src =
            "package p\nv {\n  params := input.p\n  not accept(params.rule, 1, params.ranges)\n}\n";
        let out = normalize(src);
        assert!(
            out.contains("__bulwark_n1 := params.rule; __bulwark_n2 := params.ranges; not accept(__bulwark_n1, 1, __bulwark_n2)"),
            "{out}"
        );
        let untouched = "package p\nv {\n  not startswith(input.x, \"a\")\n}\n";
        assert_eq!(normalize(untouched), untouched);
    }

    #[test]
    fn sprintf_formats_are_balanced_with_their_arguments() {
        let src = "package p\nm := sprintf(\"a %v b %5d c %v\", [x, \"y,z\"])\nn := sprintf(\"%v\", [\n  a, # one, two\n  [b, c],\n])\nok := sprintf(\"%v 100%% %s\", [a, b])\n";
        let out = normalize(src);
        assert!(
            out.contains("sprintf(\"a %v b %5d c %%!v(MISSING)\", [x, \"y,z\"])"),
            "{out}"
        );
        assert!(out.contains("sprintf(\"%v%%!(EXTRA %v)\", [\n"), "{out}");
        assert!(
            out.contains("ok := sprintf(\"%v 100%% %s\", [a, b])"),
            "{out}"
        );
        assert_eq!(out.lines().count(), src.lines().count());
        let computed = "package p\nm := sprintf(\"%v %v\", args)\nq := x.sprintf(\"%v\", [])\n";
        assert_eq!(normalize(computed), computed);
    }
}
