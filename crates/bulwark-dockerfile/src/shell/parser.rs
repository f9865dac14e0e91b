//! A forgiving POSIX shell lexer and recursive-descent parser producing flat commands.

use super::{Command, Connector, Pipeline, Redirect, ShellError, ShellScript, TextMap, Word};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(RawWord),
    Op(&'static str, usize, usize),
    Newline(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RawWord {
    value: String,
    start: usize,
    end: usize,
    quoted: bool,
    expansion: bool,
    /// Ranges of `$(...)` / backtick bodies inside the word.
    subs: Vec<(usize, usize)>,
}

const OPS: &[&str] = &[
    "&&", "||", ";;", "<<<", "<<-", "<<", ">>", "&>>", "&>", "<&", ">&", "<>", ">|", "|&", "|",
    "&", ";", "(", ")", "<", ">",
];

struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    errors: Vec<(String, usize, usize)>,
    /// Heredoc delimiters waiting for the next newline: (delimiter, strip tabs).
    pending_heredocs: Vec<(String, bool)>,
}

impl<'a> Lexer<'a> {
    fn new(s: &'a str) -> Self {
        Lexer {
            s,
            b: s.as_bytes(),
            pos: 0,
            errors: Vec::new(),
            pending_heredocs: Vec::new(),
        }
    }

    fn tokens(&mut self) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut last_was_heredoc_op: Option<bool> = None;
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.b.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                b'\n' => {
                    out.push(Tok::Newline(self.pos));
                    self.pos += 1;
                    self.skip_heredoc_bodies();
                }
                b'#' => {
                    while self.pos < self.b.len() && self.b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                _ => {
                    // IO number: digits directly followed by < or >
                    let digits = self.b[self.pos..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    if digits > 0 && matches!(self.b.get(self.pos + digits), Some(b'<' | b'>')) {
                        out.push(Tok::Word(RawWord {
                            value: self.s[self.pos..self.pos + digits].to_string(),
                            start: self.pos,
                            end: self.pos + digits,
                            quoted: false,
                            expansion: false,
                            subs: Vec::new(),
                        }));
                        // mark as io number by an op of zero width
                        out.push(Tok::Op("io", self.pos, self.pos + digits));
                        self.pos += digits;
                        continue;
                    }
                    if let Some(op) = matches!(c, b'&' | b'|' | b';' | b'(' | b')' | b'<' | b'>')
                        .then(|| OPS.iter().find(|op| self.s[self.pos..].starts_with(**op)))
                        .flatten()
                    {
                        let start = self.pos;
                        self.pos += op.len();
                        last_was_heredoc_op = match *op {
                            "<<" => Some(false),
                            "<<-" => Some(true),
                            _ => None,
                        };
                        out.push(Tok::Op(op, start, self.pos));
                        continue;
                    }
                    let w = self.word();
                    if let Some(strip) = last_was_heredoc_op.take() {
                        self.pending_heredocs.push((w.value.clone(), strip));
                    }
                    out.push(Tok::Word(w));
                    continue;
                }
            }
            last_was_heredoc_op = None;
        }
        out
    }

    fn skip_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending_heredocs);
        for (delim, strip) in pending {
            loop {
                if self.pos >= self.b.len() {
                    return;
                }
                let end = self.s[self.pos..]
                    .find('\n')
                    .map_or(self.b.len(), |i| self.pos + i);
                let mut line = self.s[self.pos..end].trim_end_matches('\r');
                if strip {
                    line = line.trim_start_matches('\t');
                }
                self.pos = (end + 1).min(self.b.len());
                if line == delim {
                    break;
                }
            }
        }
    }

    fn is_word_end(c: u8) -> bool {
        matches!(
            c,
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
        )
    }

    fn word(&mut self) -> RawWord {
        let start = self.pos;
        let mut w = RawWord {
            value: String::new(),
            start,
            end: start,
            quoted: false,
            expansion: false,
            subs: Vec::new(),
        };
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if Self::is_word_end(c) {
                break;
            }
            match c {
                b'\\' => {
                    self.pos += 1;
                    if self.pos < self.b.len() {
                        if self.b[self.pos] == b'\n' {
                            self.pos += 1;
                            continue;
                        }
                        let ch = self.char_at(self.pos);
                        w.value.push(ch);
                        w.quoted = true;
                        self.pos += ch.len_utf8();
                    }
                }
                b'\'' => {
                    w.quoted = true;
                    let open = self.pos;
                    self.pos += 1;
                    match self.s[self.pos..].find('\'') {
                        Some(i) => {
                            w.value.push_str(&self.s[self.pos..self.pos + i]);
                            self.pos += i + 1;
                        }
                        None => {
                            self.errors.push((
                                "unterminated single quote".into(),
                                open,
                                self.b.len(),
                            ));
                            w.value.push_str(&self.s[self.pos..]);
                            self.pos = self.b.len();
                        }
                    }
                }
                b'"' => {
                    w.quoted = true;
                    let open = self.pos;
                    self.pos += 1;
                    let mut closed = false;
                    while self.pos < self.b.len() {
                        let d = self.b[self.pos];
                        match d {
                            b'"' => {
                                self.pos += 1;
                                closed = true;
                                break;
                            }
                            b'\\' => {
                                let next = self.b.get(self.pos + 1).copied();
                                match next {
                                    Some(b'"' | b'\\' | b'$' | b'`') => {
                                        w.value.push(next.map_or('\\', char::from));
                                        self.pos += 2;
                                    }
                                    Some(b'\n') => self.pos += 2,
                                    _ => {
                                        w.value.push('\\');
                                        self.pos += 1;
                                    }
                                }
                            }
                            b'$' | b'`' => self.dollar_or_backtick(&mut w),
                            _ => {
                                let ch = self.char_at(self.pos);
                                w.value.push(ch);
                                self.pos += ch.len_utf8();
                            }
                        }
                    }
                    if !closed {
                        self.errors
                            .push(("unterminated double quote".into(), open, self.b.len()));
                    }
                }
                b'$' | b'`' => self.dollar_or_backtick(&mut w),
                _ => {
                    let ch = self.char_at(self.pos);
                    w.value.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        w.end = self.pos;
        w
    }

    fn char_at(&self, pos: usize) -> char {
        self.s[pos..].chars().next().unwrap_or('\0')
    }

    /// `$name`, `${...}`, `$(...)`, `$((...))` or a backtick substitution: copied to the
    /// value as written; substitution bodies recorded for nested analysis.
    fn dollar_or_backtick(&mut self, w: &mut RawWord) {
        let start = self.pos;
        if self.b[self.pos] == b'`' {
            w.expansion = true;
            self.pos += 1;
            let body = self.pos;
            while self.pos < self.b.len() && self.b[self.pos] != b'`' {
                if self.b[self.pos] == b'\\' {
                    self.pos += 1;
                }
                self.pos += 1;
            }
            // An escape at the very end steps past it.
            self.pos = self.pos.min(self.b.len());
            let end = self.pos;
            w.subs.push((body, end));
            if self.pos < self.b.len() {
                self.pos += 1;
            } else {
                self.errors
                    .push(("unterminated backtick".into(), start, self.b.len()));
            }
            w.value.push_str(&self.s[start..self.pos.min(self.b.len())]);
            return;
        }
        match self.b.get(self.pos + 1) {
            Some(b'(') => {
                w.expansion = true;
                let arith = self.b.get(self.pos + 2) == Some(&b'(');
                self.pos += 2;
                let body = self.pos;
                let end = self.skip_balanced(b'(', b')');
                if !arith {
                    w.subs.push((body, end));
                }
            }
            Some(b'{') => {
                w.expansion = true;
                self.pos += 2;
                self.skip_balanced(b'{', b'}');
            }
            Some(c) if c.is_ascii_alphanumeric() || b"_@*#?$!-".contains(c) => {
                w.expansion = true;
                self.pos += 1;
                if c.is_ascii_alphabetic() || *c == b'_' {
                    while self.pos < self.b.len()
                        && (self.b[self.pos].is_ascii_alphanumeric() || self.b[self.pos] == b'_')
                    {
                        self.pos += 1;
                    }
                } else {
                    self.pos += 1;
                }
            }
            _ => self.pos += 1,
        }
        w.value.push_str(&self.s[start..self.pos.min(self.b.len())]);
    }

    /// Skip to the matching close (quotes respected); returns the body end.
    fn skip_balanced(&mut self, open: u8, close: u8) -> usize {
        let start = self.pos;
        let mut depth = 1;
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            match c {
                b'\\' => self.pos += 1,
                b'\'' => {
                    if let Some(i) = self.s[self.pos + 1..].find('\'') {
                        self.pos += i + 1;
                    }
                }
                b'"' => {
                    self.pos += 1;
                    while self.pos < self.b.len() && self.b[self.pos] != b'"' {
                        if self.b[self.pos] == b'\\' {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    }
                }
                c if c == open => depth += 1,
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        let end = self.pos;
                        self.pos += 1;
                        return end;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.b.len();
        self.errors.push((
            format!("missing `{}`", close as char),
            start.saturating_sub(2),
            self.b.len(),
        ));
        self.b.len()
    }
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    subst: bool,
    subshell: bool,
    condition: bool,
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    i: usize,
    map: &'a TextMap,
    offset: usize,
    out: ShellScript,
    depth: usize,
}

const RESERVED_END: &[&str] = &[
    "then", "elif", "else", "fi", "do", "done", "esac", "}", "in", ";;",
];

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w.value.as_str()),
            _ => None,
        }
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(o, _, _)) => Some(o),
            _ => None,
        }
    }

    fn at_reserved_end(&self) -> bool {
        match self.peek() {
            Some(Tok::Word(w)) => !w.quoted && RESERVED_END.contains(&w.value.as_str()),
            Some(Tok::Op(o, _, _)) => *o == ")" || *o == ";;",
            _ => false,
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline(_))) {
            self.i += 1;
        }
    }

    fn error(&mut self, msg: &str, a: usize, b: usize) {
        let span = self.map.span(self.offset + a, self.offset + b);
        self.out.errors.push(ShellError {
            message: msg.to_string(),
            span,
        });
    }

    fn tok_pos(&self) -> usize {
        match self.peek() {
            Some(Tok::Word(w)) => w.start,
            Some(Tok::Op(_, s, _)) | Some(Tok::Newline(s)) => *s,
            None => self.src.len(),
        }
    }

    /// list: and_or separated by ; & newline, until a reserved end word or `)`.
    fn list(&mut self, ctx: Ctx) {
        let mut connector = None;
        loop {
            self.skip_newlines();
            if self.peek().is_none() || self.at_reserved_end() {
                return;
            }
            let before = self.i;
            self.and_or(ctx, connector);
            match self.peek() {
                Some(Tok::Op(";", _, _)) => {
                    self.i += 1;
                    connector = Some(Connector::Seq);
                }
                Some(Tok::Op("&", _, _)) => {
                    self.i += 1;
                    connector = Some(Connector::Background);
                }
                Some(Tok::Newline(_)) => {
                    self.i += 1;
                    connector = Some(Connector::Seq);
                }
                _ => connector = Some(Connector::Seq),
            }
            if self.i == before {
                // no progress: skip the offending token
                let p = self.tok_pos();
                self.error("unexpected token", p, p + 1);
                self.i += 1;
            }
        }
    }

    fn and_or(&mut self, ctx: Ctx, mut connector: Option<Connector>) {
        loop {
            self.pipeline(ctx, connector);
            match self.peek_op() {
                Some("&&") => connector = Some(Connector::And),
                Some("||") => connector = Some(Connector::Or),
                _ => return,
            }
            self.i += 1;
            self.skip_newlines();
        }
    }

    fn pipeline(&mut self, ctx: Ctx, connector: Option<Connector>) {
        let mut negated = false;
        if self.peek_word() == Some("!") {
            negated = true;
            self.i += 1;
        }
        let pidx = self.out.pipelines.len();
        self.out.pipelines.push(Pipeline {
            commands: Vec::new(),
        });
        let mut position = 0;
        loop {
            let first_cmd = self.out.commands.len();
            self.command(ctx, pidx, position, connector, negated);
            // The pipeline's element is the first command this element produced at this level.
            if let Some(c) = self.out.commands.get(first_cmd)
                && c.pipeline == pidx
            {
                self.out.pipelines[pidx].commands.push(first_cmd);
            }
            if let Some(Tok::Op("|" | "|&", a, b)) = self.peek() {
                let span = self.map.span(self.offset + a, self.offset + b);
                self.out.pipes.push(span);
                self.i += 1;
                self.skip_newlines();
                position += 1;
            } else {
                return;
            }
        }
    }

    fn command(
        &mut self,
        ctx: Ctx,
        pidx: usize,
        position: usize,
        connector: Option<Connector>,
        negated: bool,
    ) {
        self.depth += 1;
        if self.depth > 200 {
            self.depth -= 1;
            let p = self.tok_pos();
            self.error("nesting too deep", p, p);
            self.i = self.toks.len();
            return;
        }
        let word = match self.peek() {
            Some(Tok::Word(w)) if !w.quoted => Some(w.value.clone()),
            _ => None,
        };
        match (word.as_deref(), self.peek_op()) {
            (_, Some("(")) => {
                self.i += 1;
                self.list(Ctx {
                    subshell: true,
                    ..ctx
                });
                self.expect_op(")");
                self.redirects_only();
            }
            (Some("{"), _) => {
                self.i += 1;
                self.list(ctx);
                self.expect_word("}");
                self.redirects_only();
            }
            (Some("if"), _) => {
                self.i += 1;
                self.list(Ctx {
                    condition: true,
                    ..ctx
                });
                self.expect_word("then");
                self.list(ctx);
                loop {
                    match self.peek_word() {
                        Some("elif") => {
                            self.i += 1;
                            self.list(Ctx {
                                condition: true,
                                ..ctx
                            });
                            self.expect_word("then");
                            self.list(ctx);
                        }
                        Some("else") => {
                            self.i += 1;
                            self.list(ctx);
                        }
                        _ => break,
                    }
                }
                self.expect_word("fi");
                self.redirects_only();
            }
            (Some("while" | "until"), _) => {
                self.i += 1;
                self.list(Ctx {
                    condition: true,
                    ..ctx
                });
                self.do_group(ctx);
            }
            (Some("for"), _) => {
                self.i += 1;
                if matches!(self.peek(), Some(Tok::Word(_))) {
                    self.i += 1;
                }
                self.skip_newlines();
                if self.peek_word() == Some("in") {
                    self.i += 1;
                    let mut words = Vec::new();
                    while let Some(Tok::Word(w)) = self.peek() {
                        words.push(w.clone());
                        self.i += 1;
                    }
                    for w in &words {
                        self.substitutions(w, ctx);
                    }
                }
                if matches!(self.peek_op(), Some(";"))
                    || matches!(self.peek(), Some(Tok::Newline(_)))
                {
                    self.i += 1;
                }
                self.skip_newlines();
                self.do_group(ctx);
            }
            (Some("case"), _) => {
                self.i += 1;
                if let Some(Tok::Word(w)) = self.peek().cloned() {
                    self.i += 1;
                    self.substitutions(&w, ctx);
                }
                self.skip_newlines();
                self.expect_word("in");
                loop {
                    self.skip_newlines();
                    if self.peek_word() == Some("esac") || self.peek().is_none() {
                        break;
                    }
                    // pattern list up to `)`
                    if self.peek_op() == Some("(") {
                        self.i += 1;
                    }
                    while !matches!(self.peek_op(), Some(")")) && self.peek().is_some() {
                        self.i += 1;
                    }
                    self.expect_op(")");
                    self.list(ctx);
                    if self.peek_op() == Some(";;") {
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                self.expect_word("esac");
                self.redirects_only();
            }
            _ => {
                // function definition: name ( ) compound
                if word.is_some()
                    && matches!(self.toks.get(self.i + 1), Some(Tok::Op("(", _, _)))
                    && matches!(self.toks.get(self.i + 2), Some(Tok::Op(")", _, _)))
                {
                    self.i += 3;
                    self.skip_newlines();
                    self.command(ctx, pidx, position, connector, negated);
                } else {
                    self.simple(ctx, pidx, position, connector, negated);
                }
            }
        }
        self.depth -= 1;
    }

    fn do_group(&mut self, ctx: Ctx) {
        self.skip_newlines();
        self.expect_word("do");
        self.list(ctx);
        self.expect_word("done");
        self.redirects_only();
    }

    fn expect_word(&mut self, w: &str) {
        self.skip_newlines();
        if self.peek_word() == Some(w) {
            self.i += 1;
        } else {
            let p = self.tok_pos();
            self.error(&format!("expected `{w}`"), p, p);
        }
    }

    fn expect_op(&mut self, o: &str) {
        self.skip_newlines();
        if self.peek_op() == Some(o) {
            self.i += 1;
        } else {
            let p = self.tok_pos();
            self.error(&format!("expected `{o}`"), p, p);
        }
    }

    fn redirects_only(&mut self) {
        let mut sink = Vec::new();
        while self.redirect(&mut sink) {}
    }

    /// Parse one redirection if next; true when one was read.
    fn redirect(&mut self, out: &mut Vec<Redirect>) -> bool {
        let mut fd = None;
        let mut start = self.tok_pos();
        if let (Some(Tok::Word(w)), Some(Tok::Op("io", _, _))) =
            (self.toks.get(self.i), self.toks.get(self.i + 1))
        {
            fd = w.value.parse().ok();
            start = w.start;
            self.i += 2;
        }
        let op = match self.peek_op() {
            Some(
                o @ ("<" | ">" | ">>" | "<<" | "<<-" | "<<<" | "<&" | ">&" | "&>" | "&>>" | "<>"
                | ">|"),
            ) => o,
            _ => {
                if fd.is_some() {
                    self.i -= 2;
                }
                return false;
            }
        };
        self.i += 1;
        let target = match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.i += 1;
                w
            }
            _ => {
                let p = self.tok_pos();
                self.error("redirection without a target", start, p);
                return true;
            }
        };
        let end = target.end;
        out.push(Redirect {
            fd,
            op: op.to_string(),
            target: self.word(&target),
            span: self.map.span(self.offset + start, self.offset + end),
        });
        true
    }

    fn word(&self, w: &RawWord) -> Word {
        Word {
            value: w.value.clone(),
            raw: self.src[w.start..w.end].to_string(),
            span: self.map.span(self.offset + w.start, self.offset + w.end),
            quoted: w.quoted,
            has_expansion: w.expansion,
        }
    }

    fn simple(
        &mut self,
        ctx: Ctx,
        pidx: usize,
        position: usize,
        connector: Option<Connector>,
        negated: bool,
    ) {
        let start = self.tok_pos();
        let mut words: Vec<RawWord> = Vec::new();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let mut end = start;
        loop {
            if self.redirect(&mut redirects) {
                if let Some(r) = redirects.last() {
                    end = end.max(r.span.end.saturating_sub(0));
                }
                continue;
            }
            match self.peek() {
                Some(Tok::Word(w)) => {
                    if words.is_empty() && is_assignment(w) {
                        assignments.push(w.clone());
                    } else {
                        words.push(w.clone());
                    }
                    end = w.end;
                    self.i += 1;
                }
                _ => break,
            }
        }
        // `echo (x)` is a syntax error: `(` cannot follow a command's words (unless it
        // opens an array `a=(…)`, an extglob `@(…)`, or `function name ()`).
        if let (Some(Tok::Op("(", a, b)), Some(last)) = (self.peek(), words.last())
            && words.first().is_some_and(|w| w.value != "function")
            && !last.value.ends_with(['@', '*', '+', '?', '!'])
            && !last.value.strip_suffix('=').is_some_and(|name| {
                name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        {
            let (a, b) = (*a, *b);
            self.error(super::PAREN_AFTER_COMMAND, a, b);
        }
        let idx = self.out.commands.len();
        let last_end = words
            .last()
            .map(|w| w.end)
            .into_iter()
            .chain(assignments.last().map(|w: &RawWord| w.end))
            .max()
            .unwrap_or(end);
        let _ = idx;
        let cmd = Command {
            words: words.iter().map(|w| self.word(w)).collect(),
            assignments: assignments.iter().map(|w| self.word(w)).collect(),
            redirects,
            span: self
                .map
                .span(self.offset + start, self.offset + last_end.max(start)),
            pipeline: pidx,
            pipeline_position: position,
            connector: if position == 0 {
                connector
            } else {
                Some(Connector::Pipe)
            },
            in_substitution: ctx.subst,
            in_subshell: ctx.subshell,
            in_condition: ctx.condition,
            negated,
        };
        self.out.commands.push(cmd);
        for w in words.iter().chain(assignments.iter()) {
            self.substitutions(w, ctx);
        }
    }

    /// Analyse `$(...)` and backtick bodies of a word as nested scripts.
    fn substitutions(&mut self, w: &RawWord, ctx: Ctx) {
        for &(a, b) in &w.subs {
            if a >= b || self.depth > 100 {
                continue;
            }
            let body = &self.src[a..b];
            let nested = parse_inner(
                body,
                self.map,
                self.offset + a,
                Ctx { subst: true, ..ctx },
                self.depth + 1,
            );
            let base_c = self.out.commands.len();
            let base_p = self.out.pipelines.len();
            for mut c in nested.commands {
                c.pipeline += base_p;
                self.out.commands.push(c);
            }
            for p in nested.pipelines {
                self.out.pipelines.push(Pipeline {
                    commands: p.commands.iter().map(|i| i + base_c).collect(),
                });
            }
            self.out.pipes.extend(nested.pipes);
            self.out.errors.extend(nested.errors);
        }
    }
}

fn is_assignment(w: &RawWord) -> bool {
    let Some(eq) = w.value.find('=') else {
        return false;
    };
    let name = &w.value[..eq];
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_inner(text: &str, map: &TextMap, offset: usize, ctx: Ctx, depth: usize) -> ShellScript {
    let mut lx = Lexer::new(text);
    let toks = lx.tokens();
    let mut p = Parser {
        src: text,
        toks,
        i: 0,
        map,
        offset,
        out: ShellScript {
            posix: true,
            shell: Vec::new(),
            commands: Vec::new(),
            pipelines: Vec::new(),
            pipes: Vec::new(),
            errors: Vec::new(),
        },
        depth,
    };
    for (m, a, b) in std::mem::take(&mut lx.errors) {
        p.error(&m, a, b);
    }
    while p.i < p.toks.len() {
        let before = p.i;
        p.list(ctx);
        if p.i < p.toks.len() {
            let pos = p.tok_pos();
            p.error("unexpected token", pos, pos + 1);
            if p.i == before || p.at_reserved_end() {
                p.i += 1;
            }
        }
    }
    // drop empty pipelines
    p.out.pipelines.iter_mut().for_each(|_| {});
    p.out
}

/// Parse a POSIX shell script whose offsets `map` turns into Dockerfile spans.
pub fn parse_script(text: &str, map: &TextMap) -> ShellScript {
    parse_inner(text, map, 0, Ctx::default(), 0)
}
