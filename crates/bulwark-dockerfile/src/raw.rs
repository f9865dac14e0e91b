//! BuildKit's line-level AST (`parser.Node`): the command, its flags and its arguments
//! as the per-instruction line parsers split them. Ranges are logical-line offsets.

use crate::error::ParseErrorKind;
use crate::lines::{is_space, is_split_space};

pub(crate) type Range = (usize, usize);

#[derive(Debug, Clone)]
pub(crate) struct RawNode {
    pub cmd: String,
    pub cmd_range: Range,
    /// Flag words (quotes removed) and their ranges.
    pub flags: Vec<(String, Range)>,
    /// Everything after the flags (trimmed).
    pub rest: Range,
    pub args: Vec<(String, Range)>,
    pub json: bool,
    /// ONBUILD's trigger.
    pub sub: Option<Box<RawNode>>,
    /// BuildKit's `parseIgnore` (unknown instruction): dumps one empty argument.
    pub ignored: bool,
}

fn trim_range(s: &str, (a, b): Range) -> Range {
    let piece = &s[a..b];
    let start = a + (piece.len() - piece.trim_start_matches(is_space).len());
    let end = b - (piece.len() - piece.trim_end_matches(is_space).len());
    if start > end { (a, a) } else { (start, end) }
}

/// `newNodeFromLine`: split command, flags and arguments of `line[range]`.
pub(crate) fn node_from_line(
    line: &str,
    range: Range,
    escape: char,
) -> Result<RawNode, (ParseErrorKind, Range)> {
    let (a, b) = trim_range(line, range);
    let text = &line[a..b];
    let cmd_end = text.find(is_split_space).map_or(b, |i| a + i);
    let cmd = line[a..cmd_end].to_string();
    let mut node = RawNode {
        cmd: cmd.clone(),
        cmd_range: (a, cmd_end),
        flags: Vec::new(),
        rest: (b, b),
        args: Vec::new(),
        json: false,
        sub: None,
        ignored: false,
    };
    if cmd_end < b {
        let after_ws = line[cmd_end..b]
            .find(|c: char| !is_split_space(c))
            .map_or(b, |i| cmd_end + i);
        let (rest_start, flags) = extract_builder_flags(line, (after_ws, b));
        node.flags = flags;
        node.rest = trim_range(line, (rest_start, b));
    }
    let rest = node.rest;
    match cmd.to_ascii_lowercase().as_str() {
        "add" | "copy" | "volume" => {
            parse_maybe_json_to_list(line, rest, &mut node).map_err(|k| (k, rest))?
        }
        "arg" => node.args = words_of(line, rest, escape),
        "cmd" | "entrypoint" | "run" | "shell" => {
            parse_maybe_json(line, rest, &mut node).map_err(|k| (k, rest))?
        }
        "env" => parse_name_val(line, rest, "ENV", escape, &mut node).map_err(|k| (k, rest))?,
        "label" => parse_name_val(line, rest, "LABEL", escape, &mut node).map_err(|k| (k, rest))?,
        "expose" | "from" => node.args = whitespace_delimited(line, rest),
        "healthcheck" => parse_health(line, rest, &mut node).map_err(|k| (k, rest))?,
        "maintainer" | "stopsignal" | "user" | "workdir" => {
            if rest.0 < rest.1 {
                node.args.push((line[rest.0..rest.1].to_string(), rest));
            }
        }
        "onbuild" => {
            if rest.0 < rest.1 {
                let sub = node_from_line(line, rest, escape)?;
                node.sub = Some(Box::new(sub));
            }
        }
        _ => node.ignored = true,
    }
    Ok(node)
}

/// `extractBuilderFlags`: leading `--flag` words; returns where the arguments start.
fn extract_builder_flags(line: &str, (a, b): Range) -> (usize, Vec<(String, Range)>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let bytes = line.as_bytes();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word: Vec<u8> = Vec::new();
    let mut word_start = a;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = a;
    let finish = |word: &Vec<u8>| String::from_utf8_lossy(word).into_owned();
    while pos <= b {
        let ch = if pos < b { bytes[pos] } else { 0 };
        if phase == Phase::Spaces {
            if pos == b {
                break;
            }
            if ch.is_ascii_whitespace() || ch == 0x0b {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == b || bytes[pos + 1] != b'-' {
                return (pos, words);
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == b {
            if word != b"--" && (blank_ok || !word.is_empty()) {
                words.push((finish(&word), (word_start, pos)));
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_ascii_whitespace() || ch == 0x0b {
                phase = Phase::Spaces;
                if word == b"--" {
                    return (pos, words);
                }
                if blank_ok || !word.is_empty() {
                    words.push((finish(&word), (word_start, pos)));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            let mut c = ch;
            if c == b'\\' {
                if pos + 1 == b {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = bytes[pos];
            }
            word.push(c);
            pos += 1;
            continue;
        }
        // in quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        let mut c = ch;
        if c == b'\\' {
            if pos + 1 == b {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = bytes[pos];
        }
        word.push(c);
        pos += 1;
    }
    (b, words)
}

/// `parseWords`: split on unquoted whitespace, keeping quotes and escapes. Each word is a
/// substring of the line (a lone escape at the very end is dropped).
pub(crate) fn parse_words(line: &str, (a, b): Range, escape: char) -> Vec<Range> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut start = a;
    let mut len_chars = 0usize;
    let s = &line[a..b];
    let mut iter = s.char_indices().peekable();
    let mut end_override: Option<usize> = None;
    while let Some((i, ch)) = iter.next() {
        let pos = a + i;
        if phase == Phase::Spaces {
            if is_space(ch) {
                continue;
            }
            phase = Phase::Word;
            start = pos;
            len_chars = 0;
            blank_ok = false;
            end_override = None;
        }
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || len_chars > 0 {
                    words.push((start, pos));
                }
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                len_chars += 1;
                continue;
            }
            if ch == escape {
                if iter.peek().is_none() {
                    end_override = Some(pos);
                    continue;
                }
                iter.next();
                len_chars += 2;
                continue;
            }
            len_chars += 1;
            continue;
        }
        // quote
        if ch == quote {
            phase = Phase::Word;
            len_chars += 1;
            continue;
        }
        if ch == escape && quote != '\'' {
            if iter.peek().is_none() {
                phase = Phase::Word;
                end_override = Some(pos);
                continue;
            }
            iter.next();
            len_chars += 2;
            continue;
        }
        len_chars += 1;
    }
    if phase != Phase::Spaces && (blank_ok || len_chars > 0) {
        words.push((start, end_override.unwrap_or(b)));
    }
    words
}

fn words_of(line: &str, r: Range, escape: char) -> Vec<(String, Range)> {
    parse_words(line, r, escape)
        .into_iter()
        .map(|(a, b)| (line[a..b].to_string(), (a, b)))
        .collect()
}

fn whitespace_delimited(line: &str, (a, b): Range) -> Vec<(String, Range)> {
    let mut out = Vec::new();
    if a >= b {
        return out;
    }
    let s = &line[a..b];
    let mut start = 0;
    let mut in_sep = false;
    for (i, c) in s.char_indices() {
        if is_split_space(c) {
            if !in_sep {
                out.push((s[start..i].to_string(), (a + start, a + i)));
                in_sep = true;
            }
        } else if in_sep {
            start = i;
            in_sep = false;
        }
    }
    if !in_sep {
        out.push((s[start..].to_string(), (a + start, b)));
    } else {
        out.push((String::new(), (b, b)));
    }
    out
}

fn parse_name_val(
    line: &str,
    rest: Range,
    key: &'static str,
    escape: char,
    node: &mut RawNode,
) -> Result<(), ParseErrorKind> {
    let words = parse_words(line, rest, escape);
    let Some(first) = words.first() else {
        return Ok(());
    };
    if !line[first.0..first.1].contains('=') {
        let s = &line[rest.0..rest.1];
        let Some(sep) = s.find(is_split_space) else {
            return Err(ParseErrorKind::KeyValueNeedsTwoArguments(key));
        };
        let val_start = s[sep..]
            .find(|c: char| !is_split_space(c))
            .map_or(s.len(), |i| sep + i);
        node.args
            .push((s[..sep].to_string(), (rest.0, rest.0 + sep)));
        node.args
            .push((s[val_start..].to_string(), (rest.0 + val_start, rest.1)));
        node.args.push((String::new(), (rest.1, rest.1)));
        return Ok(());
    }
    for (a, b) in words {
        let w = &line[a..b];
        let Some(eq) = w.find('=') else {
            return Err(ParseErrorKind::MissingEquals {
                instruction: key,
                word: w.to_string(),
            });
        };
        node.args.push((w[..eq].to_string(), (a, a + eq)));
        node.args.push((w[eq + 1..].to_string(), (a + eq + 1, b)));
        node.args.push(("=".to_string(), (a + eq, a + eq + 1)));
    }
    Ok(())
}

/// Result of trying the JSON form.
enum Json {
    Yes(Vec<(String, Range)>),
    NotJson,
}

fn parse_json(line: &str, (a, b): Range) -> Result<Json, ParseErrorKind> {
    let s = &line[a..b];
    let trimmed = s.trim_start_matches(is_space);
    if !trimmed.starts_with('[') {
        return Ok(Json::NotJson);
    }
    let value: serde_json::Value = match serde_json::from_str(trimmed) {
        Ok(v) => v,
        Err(_) => return Ok(Json::NotJson),
    };
    let serde_json::Value::Array(items) = value else {
        return Ok(Json::NotJson);
    };
    if items.iter().any(|v| !v.is_string()) {
        return Err(ParseErrorKind::JsonNotStringArray);
    }
    // Valid array of strings: locate each string token.
    let base = a + (s.len() - trimmed.len());
    let bytes = trimmed.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut it = items.into_iter();
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let end = (i + 1).min(bytes.len());
            if let Some(serde_json::Value::String(v)) = it.next() {
                out.push((v, (base + start, base + end)));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    Ok(Json::Yes(out))
}

fn parse_maybe_json(line: &str, rest: Range, node: &mut RawNode) -> Result<(), ParseErrorKind> {
    if rest.0 >= rest.1 {
        return Ok(());
    }
    match parse_json(line, rest)? {
        Json::Yes(args) => {
            node.args.extend(args);
            node.json = true;
        }
        Json::NotJson => node.args.push((line[rest.0..rest.1].to_string(), rest)),
    }
    Ok(())
}

fn parse_maybe_json_to_list(
    line: &str,
    rest: Range,
    node: &mut RawNode,
) -> Result<(), ParseErrorKind> {
    match parse_json(line, rest)? {
        Json::Yes(args) => {
            node.args = args;
            node.json = true;
        }
        Json::NotJson => node.args = whitespace_delimited(line, rest),
    }
    Ok(())
}

fn parse_health(line: &str, (a, b): Range, node: &mut RawNode) -> Result<(), ParseErrorKind> {
    let s = &line[a..b];
    let sep = s.find(is_space).unwrap_or(s.len());
    if sep == 0 {
        return Ok(());
    }
    let next = s[sep..]
        .find(|c: char| !is_space(c))
        .map_or(s.len(), |i| sep + i);
    node.args.push((s[..sep].to_string(), (a, a + sep)));
    parse_maybe_json(line, (a + next, b), node)
}

/// Split a line into shell words keeping quotes and escapes (BuildKit's raw lexer, as
/// used to find heredoc markers).
pub(crate) fn raw_shell_words(line: &str) -> Vec<Range> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((s, i));
                }
            }
            '\\' => {
                start.get_or_insert(i);
                chars.next();
            }
            '\'' | '"' => {
                start.get_or_insert(i);
                while let Some((_, d)) = chars.next() {
                    if d == c {
                        break;
                    }
                    if c == '"' && d == '\\' {
                        chars.next();
                    }
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    out
}

/// Remove shell quoting from a word (no expansion).
pub(crate) fn unquote(word: &str) -> String {
    let mut out = String::new();
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(d) = chars.next() {
                    out.push(d);
                }
            }
            '\'' => {
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    out.push(d);
                }
            }
            '"' => {
                while let Some(d) = chars.next() {
                    if d == '"' {
                        break;
                    }
                    if d == '\\' {
                        if let Some(e) = chars.next() {
                            if !matches!(e, '"' | '\\' | '$' | '`') {
                                out.push('\\');
                            }
                            out.push(e);
                        }
                        continue;
                    }
                    out.push(d);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A heredoc marker `[fd]<<[-]WORD` found in an instruction line.
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub range: Range,
    pub fd: u32,
    pub chomp: bool,
    pub name: String,
    pub expand: bool,
}

/// `ParseHeredoc` on one raw word.
pub(crate) fn heredoc_marker(word: &str) -> Option<(u32, bool, String, bool)> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let after = word[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, after),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let fd = word[..digits].parse::<u32>().unwrap_or(0);
    let name = unquote(rest);
    let quotes = |s: &str| s.chars().filter(|&c| c == '"' || c == '\'').count();
    let expand = quotes(&name) == quotes(rest);
    Some((fd, chomp, name, expand))
}

pub(crate) fn heredoc_markers(line: &str) -> Vec<Marker> {
    raw_shell_words(line)
        .into_iter()
        .filter_map(|(a, b)| {
            let (fd, chomp, name, expand) = heredoc_marker(&line[a..b])?;
            Some(Marker {
                range: (a, b),
                fd,
                chomp,
                name,
                expand,
            })
        })
        .collect()
}

/// Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || c == '\u{feff}' => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl RawNode {
    /// BuildKit's `Node.Dump()` for one instruction, with its parentheses.
    pub fn dump(&self) -> String {
        let mut s = String::from("(");
        s.push_str(&self.dump_inner());
        s.push(')');
        s
    }

    fn dump_inner(&self) -> String {
        let mut s = self.cmd.to_lowercase();
        if !self.flags.is_empty() {
            s.push_str(" [");
            let quoted: Vec<String> = self.flags.iter().map(|(f, _)| go_quote(f)).collect();
            s.push_str(&quoted.join(" "));
            s.push(']');
        }
        if let Some(sub) = &self.sub {
            s.push_str(" (");
            s.push_str(&sub.dump_inner());
            s.push(')');
        }
        if self.ignored {
            s.push_str(" \"\"");
        }
        for (a, _) in &self.args {
            s.push(' ');
            s.push_str(&go_quote(a));
        }
        s.trim().to_string()
    }
}
