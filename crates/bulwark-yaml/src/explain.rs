//! Plain-words messages for saphyr's scanner and parser errors: what was expected, and where
//! an unclosed bracket or quote was opened.

use crate::load::YamlError;

/// Rewrites `e` (found in `text`) so its message says what was expected in the author's terms.
pub(crate) fn explain(text: &str, mut e: YamlError) -> YamlError {
    let at = e.offset.min(text.len());
    let here = text[at..].chars().next();
    let raw = e.message.as_str();
    let message = match raw {
        "simple key expect ':'" | "simple key expected" => {
            // saphyr reports these after the key, often at the start of the next line or at
            // the end of the input: point at the line that lacks its `:`.
            if let Some((line, column, offset)) = last_content_line(text, at) {
                e.line = line;
                e.column = column;
                e.offset = offset;
            }
            "expected `:` after a mapping key (a line in a mapping must be `key: value`)".to_owned()
        }
        "mapping values are not allowed in this context" => match unclosed_flow(text, at) {
            Some(open) => open.message(),
            None => "unexpected `:` here: quote a value that contains `: ` (as in `key: value: value`), or fix the indentation of this line or the line above".to_owned(),
        },
        "illegal placement of ':' indicator"
        | "while parsing a flow sequence, expected ',' or ']'"
        | "while parsing a flow mapping, did not find expected ',' or '}'" => {
            match unclosed_flow(text, at) {
                Some(open) => open.message(),
                None if raw.contains("sequence") => "expected `,` or `]` in a flow sequence".to_owned(),
                None if raw.contains("mapping") => "expected `,` or `}` in a flow mapping".to_owned(),
                None => "unexpected `:` in a flow collection".to_owned(),
            }
        }
        "while parsing a block mapping, did not find expected key"
        | "while parsing a block collection, did not find expected '-' indicator" => {
            // Point at the start of the offending line's content.
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let indent = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
            if line_start + indent <= at {
                e.offset = line_start + indent;
                e.column = text[line_start..e.offset].chars().count() as u32 + 1;
            }
            if raw.contains("mapping") {
                "expected a mapping key at this indentation: this line is indented differently from the keys above it".to_owned()
            } else {
                "expected a `- ` sequence entry at this indentation: this line is indented differently from the entries above it".to_owned()
            }
        }
        "invalid indentation" | "invalid indentation in flow construct" => {
            "bad indentation: this line is indented less than the block it belongs to".to_owned()
        }
        "tabs disallowed within this context (block indentation)"
        | "tab cannot be used as indentation"
        | "tabs disallowed in this context"
        | "a block scalar content cannot start with a tab" => {
            "found a tab character where indentation is expected: indent with spaces".to_owned()
        }
        "while scanning a plain scalar, found a tab" => {
            "found a tab character inside a value: use spaces, or quote the value".to_owned()
        }
        "':' must be followed by a valid YAML whitespace" => {
            let tab_near = text[..at].ends_with('\t') || text[at..].starts_with(":\t");
            if tab_near {
                "found a tab character after `:`: separate the value with a space".to_owned()
            } else {
                "expected a space after `:`".to_owned()
            }
        }
        "'-' must be followed by a valid YAML whitespace" => {
            "expected a space after `-` in a sequence entry".to_owned()
        }
        "while scanning a quoted scalar, found unexpected end of stream"
        | "invalid indentation in quoted scalar" => {
            let quote = here.filter(|c| *c == '"' || *c == '\'').unwrap_or('"');
            format!(
                "unclosed quoted string: the `{quote}` opened at line {}, column {} has no closing `{quote}`",
                e.line, e.column
            )
        }
        "while scanning a quoted scalar, found unexpected document indicator" => {
            "unclosed quoted string: found a `---` or `...` line before the closing quote".to_owned()
        }
        "invalid trailing content after double-quoted scalar" => {
            "unexpected text after the closing quote: quote the whole value".to_owned()
        }
        "while parsing a quoted scalar, found unknown escape character"
        | "while parsing a quoted scalar, found invalid Unicode character escape code"
        | "while parsing a quoted scalar, did not find expected hexadecimal number" => {
            "invalid escape sequence in a double-quoted string: write `\\\\` for a backslash, or use single quotes".to_owned()
        }
        "misplaced bracket" => match here {
            Some(c @ (']' | '}')) => format!("found `{c}` without a matching opening bracket"),
            _ => "found a closing bracket without a matching opening bracket".to_owned(),
        },
        "while parsing node, found unknown anchor" => {
            let name = alias_name(text, at);
            format!("unknown alias `*{name}`: no anchor `&{name}` is defined before it in this document")
        }
        "block sequence entries are not allowed in this context" => {
            "a `- ` sequence entry cannot start here: put the entries on their own lines, indented under the key".to_owned()
        }
        "mapping keys are not allowed in this context" => {
            "a `? ` mapping key cannot start here".to_owned()
        }
        "while parsing a node, did not find expected node content" => {
            "expected a value here".to_owned()
        }
        "unexpected eof" | "unexpected end of plain scalar" => {
            "unexpected end of the input".to_owned()
        }
        "did not find expected <document start>" | "did not find expected <document-start>" => {
            "expected `---` before the next document".to_owned()
        }
        "invalid content after document end marker" => {
            "unexpected content after `...`: start the next document with `---`".to_owned()
        }
        "found unprintable character" => "found a control character that YAML does not allow".to_owned(),
        "recursion limit exceeded" => "nesting too deep".to_owned(),
        "wrongly indented line in block scalar" => {
            "bad indentation in a block scalar (`|` or `>`): its lines must be indented at least as much as the first".to_owned()
        }
        m if m.starts_with("unexpected character: ") => match here {
            Some(c) => format!("`{c}` cannot start a plain value: quote the value"),
            None => "unexpected character".to_owned(),
        },
        _ => return e,
    };
    e.message = message;
    e
}

/// Line, column and offset of the first non-blank character of the last line with content
/// (not a comment) at or before `at`.
fn last_content_line(text: &str, at: usize) -> Option<(u32, u32, usize)> {
    let mut end = at;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end.max(start)];
        let trimmed = line.trim_start_matches([' ', '\t']);
        if !trimmed.is_empty() && !trimmed.starts_with('#') && !trimmed.trim_end().is_empty() {
            let offset = start + (line.len() - trimmed.len());
            let line_no = text[..start].matches('\n').count() as u32 + 1;
            let column = text[start..offset].chars().count() as u32 + 1;
            return Some((line_no, column, offset));
        }
        if start == 0 {
            return None;
        }
        end = start - 1;
    }
}

/// A flow collection still open at some offset.
struct OpenFlow {
    bracket: char,
    line: usize,
    column: usize,
}

impl OpenFlow {
    fn message(&self) -> String {
        let (what, close) = if self.bracket == '[' {
            ("sequence", ']')
        } else {
            ("mapping", '}')
        };
        format!(
            "unclosed flow {what} `{}` opened at line {}, column {}: expected `,` or `{close}`",
            self.bracket, self.line, self.column
        )
    }
}

/// The innermost flow collection opened before `at` and not closed, found by a light scan
/// that skips comments and quoted strings and takes `[`/`{` as openers only where a flow
/// collection can begin (after indentation, `:`, `-`, `,`, `?`, or another opener).
fn unclosed_flow(text: &str, at: usize) -> Option<OpenFlow> {
    let mut stack: Vec<OpenFlow> = Vec::new();
    let (mut line, mut column) = (1usize, 0usize);
    let mut prev_significant: Option<char> = None;
    let mut prev_char: Option<char> = None;
    let mut chars = text[..at.min(text.len())].chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
                prev_significant = None;
            }
            '#' if prev_char.is_none_or(|p| p == ' ' || p == '\t' || p == '\n') => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '"' | '\''
                if matches!(
                    prev_significant,
                    None | Some(':' | '-' | ',' | '[' | '{' | '?')
                ) =>
            {
                let quote = c;
                let mut escaped = false;
                for n in chars.by_ref() {
                    if n == '\n' {
                        line += 1;
                        column = 0;
                    } else {
                        column += 1;
                    }
                    if quote == '"' && n == '\\' && !escaped {
                        escaped = true;
                        continue;
                    }
                    if n == quote && !escaped {
                        break;
                    }
                    escaped = false;
                }
                prev_significant = Some('a');
            }
            '[' | '{'
                if !stack.is_empty()
                    || matches!(
                        prev_significant,
                        None | Some(':' | '-' | ',' | '[' | '{' | '?')
                    ) =>
            {
                stack.push(OpenFlow {
                    bracket: c,
                    line,
                    column,
                });
                prev_significant = Some(c);
            }
            ']' | '}' if !stack.is_empty() => {
                stack.pop();
                prev_significant = Some(c);
            }
            ' ' | '\t' | '\r' => {}
            _ => prev_significant = Some(c),
        }
        prev_char = Some(c);
    }
    stack.pop()
}

/// The alias name at `at` (after `*`).
fn alias_name(text: &str, at: usize) -> &str {
    let rest = text[at..].strip_prefix('*').unwrap_or(&text[at..]);
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(rest.len());
    &rest[..end]
}
