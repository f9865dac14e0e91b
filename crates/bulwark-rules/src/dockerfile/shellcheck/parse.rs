//! A shell parser that keeps what the ShellCheck-style checks need and the flat command
//! model of `bulwark_dockerfile::shell` drops: the parts of each word (quotes, parameter
//! expansions with their modifiers, command substitutions, arithmetic, globs), the
//! contexts words appear in (`[[ ]]`, `case`, `for … in`, assignments, arithmetic,
//! redirections, heredocs) and how commands are joined (`&&`, `||`, conditions).
//!
//! Offsets are byte offsets into the script text. The parser is forgiving: it never fails,
//! and what it cannot read it skips.

/// A word: its parts, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Word {
    pub parts: Vec<Part>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    /// Unquoted literal text (escapes resolved).
    Lit(String),
    /// Unquoted `*`, `?` or `[…]`.
    Glob(String),
    /// `'…'` (`start`/`end` include the quotes).
    SingleQuoted {
        text: String,
        start: usize,
        end: usize,
    },
    /// `$'…'` (escapes resolved).
    AnsiC(String),
    /// `"…"` or `$"…"`.
    DoubleQuoted(Vec<Part>),
    Param(Param),
    /// `$(…)` or a backtick substitution.
    CommandSub {
        body: List,
        start: usize,
        end: usize,
    },
    /// `$((…))`.
    Arithmetic(Arith),
}

/// `$name`, `${…}`, `$1`, `$@`…
#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// The text inside the braces (or the name after `$`).
    pub text: String,
    pub braced: bool,
    /// Words read from the operand of a modifier (`${a:-$b}` → `$b`) and from an index.
    pub nested: Vec<Word>,
    /// Variables named in an arithmetic index (`${a[i+1]}`).
    pub index_refs: Vec<(String, usize)>,
    pub start: usize,
    pub end: usize,
}

impl Param {
    /// The variable referenced: `${#foo}` → `foo`, `${foo:-x}` → `foo`, `$1` → `1`.
    pub fn name(&self) -> &str {
        let t = self.text.as_str();
        let t = if t.len() > 1 {
            t.strip_prefix(['#', '!']).unwrap_or(t)
        } else {
            t
        };
        let first = t.chars().next();
        match first {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let n = t
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(t.len());
                &t[..n]
            }
            Some(c) if c.is_ascii_digit() => {
                let n = if self.braced {
                    t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len())
                } else {
                    1
                };
                &t[..n]
            }
            Some(c) => &t[..c.len_utf8()],
            None => "",
        }
    }

    /// What follows the name (and index): `${foo:-x}` → `:-x`, `${foo[1]#y}` → `[1]#y`.
    pub fn modifier(&self) -> &str {
        let t = self.text.as_str();
        let t = if t.len() > 1 {
            t.strip_prefix(['#', '!']).unwrap_or(t)
        } else {
            t
        };
        t.get(self.name().len()..).unwrap_or("")
    }

    /// `${#foo}`: the length, a number.
    pub fn is_length(&self) -> bool {
        self.braced && self.text.len() > 1 && self.text.starts_with('#')
    }

    /// `$@`, `${@…}`, `${arr[@]…}`: expands to several words on purpose.
    pub fn is_array(&self) -> bool {
        self.text.starts_with('@') || (!self.text.starts_with('#') && self.text.contains("[@]"))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Arith {
    /// Variables named without `$` (`i` in `$((i + 1))`), with their offsets.
    pub refs: Vec<(String, usize)>,
    /// Variables assigned (`i` in `((i++))`, `((i = 2))`).
    pub assigns: Vec<(String, usize)>,
    /// `$x`, `${x}` and substitutions inside.
    pub words: Vec<Word>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct List {
    pub items: Vec<AndOr>,
}

/// Pipelines joined by `&&`/`||`.
#[derive(Debug, Clone, Default)]
pub(crate) struct AndOr {
    pub pipelines: Vec<Pipeline>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Pipeline {
    pub bang: bool,
    /// Where the `!` is.
    pub bang_at: usize,
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone)]
pub(crate) struct Command {
    pub kind: CommandKind,
    pub redirects: Vec<Redirect>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum CommandKind {
    Simple {
        assigns: Vec<Assign>,
        args: Vec<Arg>,
    },
    Subshell(List),
    Group(List),
    If {
        clauses: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    Loop {
        condition: List,
        body: List,
    },
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: List,
    },
    ArithFor {
        arith: Arith,
        body: List,
    },
    Case {
        subject: Word,
        arms: Vec<(Vec<Word>, List)>,
    },
    Function(Box<Command>),
    /// `[[ … ]]`.
    Test(Vec<Word>),
    /// `(( … ))`.
    Arith(Arith),
}

/// An argument of a simple command: a word, or an assignment given to a declaration
/// command (`export a=$b`, `local x=1`).
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Word(Word),
    Assign(Assign),
}

#[derive(Debug, Clone)]
pub(crate) struct Assign {
    pub name: String,
    pub value: AssignValue,
    pub start: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum AssignValue {
    Scalar(Word),
    Array(Vec<Word>),
}

#[derive(Debug, Clone)]
pub(crate) struct Redirect {
    pub target: Option<Word>,
    /// The body of a heredoc whose delimiter is unquoted (so it is expanded).
    pub heredoc: Option<Vec<Part>>,
}

const DECLARATIONS: &[&str] = &["export", "local", "declare", "typeset", "readonly"];

struct PendingHeredoc {
    delimiter: String,
    strip_tabs: bool,
    expand: bool,
    /// Where to store the body: (command path is not stable, so an id).
    id: usize,
}

pub(crate) struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    pending: Vec<PendingHeredoc>,
    bodies: Vec<(usize, Vec<Part>)>,
    next_heredoc: usize,
    depth: usize,
}

fn is_meta(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

const RESERVED_END: &[&str] = &["then", "elif", "else", "fi", "do", "done", "esac", "}"];

/// Parse a whole script.
pub(crate) fn parse(text: &str) -> List {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        pos: 0,
        pending: Vec::new(),
        bodies: Vec::new(),
        next_heredoc: 0,
        depth: 0,
    };
    let mut list = List::default();
    while p.pos < p.b.len() {
        let before = p.pos;
        let l = p.list(&[]);
        list.items.extend(l.items);
        if p.pos == before {
            p.pos += 1;
        }
    }
    let bodies = std::mem::take(&mut p.bodies);
    if !bodies.is_empty() {
        attach_heredocs(&mut list, &mut bodies.into_iter().collect());
    }
    list
}

fn attach_heredocs(list: &mut List, bodies: &mut std::collections::BTreeMap<usize, Vec<Part>>) {
    for ao in &mut list.items {
        for p in &mut ao.pipelines {
            for c in &mut p.commands {
                attach_command(c, bodies);
            }
        }
    }
}

fn attach_command(c: &mut Command, bodies: &mut std::collections::BTreeMap<usize, Vec<Part>>) {
    for r in &mut c.redirects {
        if let Some(Part::Lit(marker)) = r.heredoc.as_ref().and_then(|h| h.first())
            && let Some(id) = marker.strip_prefix('\u{0}').and_then(|i| i.parse().ok())
        {
            r.heredoc = bodies.remove(&id);
        }
    }
    match &mut c.kind {
        CommandKind::Subshell(l) | CommandKind::Group(l) => attach_heredocs(l, bodies),
        CommandKind::If { clauses, otherwise } => {
            for (a, b) in clauses {
                attach_heredocs(a, bodies);
                attach_heredocs(b, bodies);
            }
            if let Some(o) = otherwise {
                attach_heredocs(o, bodies);
            }
        }
        CommandKind::Loop { condition, body } => {
            attach_heredocs(condition, bodies);
            attach_heredocs(body, bodies);
        }
        CommandKind::For { body, .. } | CommandKind::ArithFor { body, .. } => {
            attach_heredocs(body, bodies)
        }
        CommandKind::Case { arms, .. } => {
            for (_, l) in arms {
                attach_heredocs(l, bodies);
            }
        }
        CommandKind::Function(body) => attach_command(body, bodies),
        _ => {}
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        self.s.get(self.pos..).unwrap_or("").starts_with(s)
    }

    fn char_at(&self, pos: usize) -> char {
        self.s
            .get(pos..)
            .unwrap_or("")
            .chars()
            .next()
            .unwrap_or('\0')
    }

    /// Spaces, tabs, line continuations and comments (not newlines).
    fn blanks(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.b.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                Some(b'#') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// A newline: read pending heredoc bodies after it.
    fn newline(&mut self) {
        self.pos += 1;
        let pending = std::mem::take(&mut self.pending);
        for h in pending {
            let body_start = self.pos;
            let mut body_end = self.b.len();
            loop {
                if self.pos >= self.b.len() {
                    break;
                }
                let end = self
                    .s
                    .get(self.pos..)
                    .unwrap_or("")
                    .find('\n')
                    .map_or(self.b.len(), |i| self.pos + i);
                let mut line = self
                    .s
                    .get(self.pos..end)
                    .unwrap_or("")
                    .trim_end_matches('\r');
                if h.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == h.delimiter {
                    body_end = self.pos;
                    self.pos = (end + 1).min(self.b.len());
                    break;
                }
                self.pos = (end + 1).min(self.b.len());
            }
            let parts = if h.expand {
                self.heredoc_parts(body_start, body_end.max(body_start))
            } else {
                Vec::new()
            };
            self.bodies.push((h.id, parts));
        }
    }

    /// Separators between commands of a list: newlines and blanks.
    fn linebreaks(&mut self) {
        loop {
            self.blanks();
            if self.peek() == Some(b'\n') {
                self.newline();
            } else {
                return;
            }
        }
    }

    /// The next unquoted word, if it is a plain literal (for reserved words).
    fn peek_literal(&self) -> Option<&str> {
        let start = self.pos;
        let mut end = start;
        while end < self.b.len() && !is_meta(self.b[end]) {
            if matches!(self.b[end], b'\'' | b'"' | b'\\' | b'$' | b'`') {
                return None;
            }
            end += 1;
        }
        (end > start).then(|| self.s.get(start..end).unwrap_or(""))
    }

    fn at_reserved(&self, words: &[&str]) -> bool {
        self.peek_literal().is_some_and(|w| words.contains(&w))
    }

    fn eat_literal(&mut self, w: &str) -> bool {
        if self.peek_literal() == Some(w) {
            self.pos += w.len();
            true
        } else {
            false
        }
    }

    /// A list, until end of input, `)` (when `stop_paren`), `;;`, or a reserved word in
    /// `stops`.
    fn list(&mut self, stops: &[&str]) -> List {
        let mut list = List::default();
        loop {
            self.linebreaks();
            let Some(c) = self.peek() else { break };
            if c == b')' || self.at(";;") || self.at(";&") {
                break;
            }
            if self.at_reserved(stops) || self.at_reserved(RESERVED_END) {
                break;
            }
            let before = self.pos;
            let ao = self.and_or(stops);
            if !ao.pipelines.is_empty() {
                list.items.push(ao);
            }
            self.blanks();
            match self.peek() {
                Some(b';') if !self.at(";;") && !self.at(";&") => self.pos += 1,
                Some(b'&') if !self.at("&&") => self.pos += 1,
                Some(b'\n') => self.newline(),
                _ => {}
            }
            if self.pos == before {
                // Nothing understood here: skip a character.
                self.pos += 1;
            }
        }
        list
    }

    fn and_or(&mut self, stops: &[&str]) -> AndOr {
        let mut ao = AndOr::default();
        loop {
            let p = self.pipeline(stops);
            if p.commands.is_empty() && !p.bang {
                break;
            }
            ao.pipelines.push(p);
            self.blanks();
            if self.at("&&") || self.at("||") {
                self.pos += 2;
                self.linebreaks();
            } else {
                break;
            }
        }
        ao
    }

    fn pipeline(&mut self, stops: &[&str]) -> Pipeline {
        let mut p = Pipeline::default();
        self.blanks();
        if self.peek_literal() == Some("!") {
            p.bang = true;
            p.bang_at = self.pos;
            self.pos += 1;
        }
        if self.eat_literal("time") {
            self.blanks();
        }
        loop {
            self.blanks();
            let Some(c) = self.command(stops) else { break };
            p.commands.push(c);
            self.blanks();
            if self.at("||") {
                break;
            }
            if self.at("|&") {
                self.pos += 2;
            } else if self.peek() == Some(b'|') {
                self.pos += 1;
            } else {
                break;
            }
            self.linebreaks();
        }
        p
    }

    fn command(&mut self, stops: &[&str]) -> Option<Command> {
        self.blanks();
        let start = self.pos;
        let c = self.peek()?;
        if c == b'\n' || c == b';' || c == b'&' || c == b'|' || c == b')' {
            return None;
        }
        if self.at_reserved(stops) || self.at_reserved(RESERVED_END) {
            return None;
        }
        self.depth += 1;
        if self.depth > 100 {
            self.depth -= 1;
            self.pos = self.b.len();
            return None;
        }
        let kind = self.compound();
        let result = match kind {
            Some(kind) => {
                let mut redirects = Vec::new();
                loop {
                    self.blanks();
                    match self.redirect() {
                        Some(r) => redirects.push(r),
                        None => break,
                    }
                }
                Some(Command {
                    kind,
                    redirects,
                    start,
                    end: self.pos,
                })
            }
            None => self.simple(start),
        };
        self.depth -= 1;
        result
    }

    /// Compound commands and `[[`/`((`; `None` when the command is a simple one.
    fn compound(&mut self) -> Option<CommandKind> {
        if self.at("((") {
            let arith = self.arith_until_close(2);
            return Some(CommandKind::Arith(arith));
        }
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let l = self.list(&[]);
            self.blanks();
            if self.peek() == Some(b')') {
                self.pos += 1;
            }
            return Some(CommandKind::Subshell(l));
        }
        let word = self.peek_literal()?.to_owned();
        match word.as_str() {
            "{" => {
                self.pos += 1;
                let l = self.list(&["}"]);
                self.linebreaks();
                self.eat_literal("}");
                Some(CommandKind::Group(l))
            }
            "[[" => {
                self.pos += 2;
                Some(CommandKind::Test(self.test_words()))
            }
            "if" => {
                self.pos += 2;
                let mut clauses = Vec::new();
                let mut otherwise = None;
                loop {
                    let cond = self.list(&["then"]);
                    self.linebreaks();
                    self.eat_literal("then");
                    let body = self.list(&["elif", "else", "fi"]);
                    clauses.push((cond, body));
                    self.linebreaks();
                    if self.eat_literal("elif") {
                        continue;
                    }
                    if self.eat_literal("else") {
                        otherwise = Some(self.list(&["fi"]));
                        self.linebreaks();
                    }
                    self.eat_literal("fi");
                    break;
                }
                Some(CommandKind::If { clauses, otherwise })
            }
            "while" | "until" => {
                self.pos += word.len();
                let condition = self.list(&["do"]);
                let body = self.do_group();
                Some(CommandKind::Loop { condition, body })
            }
            "for" | "select" => {
                self.pos += word.len();
                self.blanks();
                if self.at("((") {
                    let arith = self.arith_until_close(2);
                    self.blanks();
                    if self.peek() == Some(b';') {
                        self.pos += 1;
                    }
                    let body = self.do_group();
                    return Some(CommandKind::ArithFor { arith, body });
                }
                let var = self.word().map(|w| literal_of(&w)).unwrap_or_default();
                self.linebreaks();
                let mut words = None;
                if self.eat_literal("in") {
                    let mut ws = Vec::new();
                    loop {
                        self.blanks();
                        match self.peek() {
                            Some(b';' | b'\n') | None => break,
                            _ => {}
                        }
                        if self.at_reserved(&["do"]) {
                            break;
                        }
                        match self.word() {
                            Some(w) => ws.push(w),
                            None => break,
                        }
                    }
                    words = Some(ws);
                }
                self.blanks();
                if self.peek() == Some(b';') {
                    self.pos += 1;
                }
                let body = self.do_group();
                Some(CommandKind::For { var, words, body })
            }
            "case" => {
                self.pos += 4;
                self.blanks();
                let subject = self.word().unwrap_or_default();
                self.linebreaks();
                self.eat_literal("in");
                let mut arms = Vec::new();
                loop {
                    self.linebreaks();
                    if self.peek().is_none() || self.eat_literal("esac") {
                        break;
                    }
                    if self.peek() == Some(b'(') {
                        self.pos += 1;
                    }
                    let mut patterns = Vec::new();
                    loop {
                        self.blanks();
                        match self.peek() {
                            Some(b')') => {
                                self.pos += 1;
                                break;
                            }
                            Some(b'|') => self.pos += 1,
                            None | Some(b'\n') => break,
                            _ => match self.word() {
                                Some(w) => patterns.push(w),
                                None => self.pos += 1,
                            },
                        }
                    }
                    let body = self.list(&["esac"]);
                    arms.push((patterns, body));
                    self.blanks();
                    for op in [";;&", ";;", ";&"] {
                        if self.at(op) {
                            self.pos += op.len();
                            break;
                        }
                    }
                }
                Some(CommandKind::Case { subject, arms })
            }
            "function" => {
                self.pos += 8;
                self.blanks();
                let _name = self.word();
                self.blanks();
                if self.at("()") {
                    self.pos += 2;
                }
                self.linebreaks();
                let body = self.command(&[])?;
                Some(CommandKind::Function(Box::new(body)))
            }
            _ => {
                // name() compound
                let after = self.pos + word.len();
                let rest = self.s.get(after..).unwrap_or("");
                let trimmed = rest.trim_start_matches([' ', '\t']);
                if trimmed.starts_with("()") && is_name(&word) {
                    self.pos = after + (rest.len() - trimmed.len()) + 2;
                    self.linebreaks();
                    let body = self.command(&[])?;
                    return Some(CommandKind::Function(Box::new(body)));
                }
                None
            }
        }
    }

    fn do_group(&mut self) -> List {
        self.linebreaks();
        self.eat_literal("do");
        let body = self.list(&["done"]);
        self.linebreaks();
        self.eat_literal("done");
        body
    }

    /// Words of `[[ … ]]` up to `]]` (operators dropped).
    fn test_words(&mut self) -> Vec<Word> {
        let mut words = Vec::new();
        loop {
            self.blanks();
            match self.peek() {
                None => break,
                Some(b'\n') => self.newline(),
                Some(b'&' | b'|' | b'(' | b')' | b'<' | b'>' | b';') => self.pos += 1,
                _ => {
                    if self.eat_literal("]]") {
                        break;
                    }
                    match self.word() {
                        Some(w) => words.push(w),
                        None => self.pos += 1,
                    }
                }
            }
        }
        words
    }

    fn simple(&mut self, start: usize) -> Option<Command> {
        let mut assigns = Vec::new();
        let mut args: Vec<Arg> = Vec::new();
        let mut redirects = Vec::new();
        loop {
            self.blanks();
            if let Some(r) = self.redirect() {
                redirects.push(r);
                continue;
            }
            match self.peek() {
                None => break,
                Some(c) if is_meta(c) => break,
                _ => {}
            }
            let declaration = matches!(args.first(), Some(Arg::Word(w)) if DECLARATIONS.contains(&literal_of(w).as_str()));
            if (args.is_empty() || declaration)
                && let Some(a) = self.assignment()
            {
                if args.is_empty() {
                    assigns.push(a);
                } else {
                    args.push(Arg::Assign(a));
                }
                continue;
            }
            match self.word() {
                Some(w) => args.push(Arg::Word(w)),
                None => break,
            }
        }
        if assigns.is_empty() && args.is_empty() && redirects.is_empty() {
            return None;
        }
        Some(Command {
            kind: CommandKind::Simple { assigns, args },
            redirects,
            start,
            end: self.pos,
        })
    }

    /// `name=value`, `name+=value`, `name[i]=value`, `name=(a b)` at the cursor.
    fn assignment(&mut self) -> Option<Assign> {
        let start = self.pos;
        let b = self.b;
        let mut i = start;
        if !(i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'_')) {
            return None;
        }
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let name = self.s.get(start..i).unwrap_or("").to_owned();
        if i < b.len() && b[i] == b'[' {
            let close = self.s.get(i..).unwrap_or("").find(']')? + i;
            i = close + 1;
        }
        if i < b.len() && b[i] == b'+' {
            i += 1;
        }
        if !(i < b.len() && b[i] == b'=') {
            return None;
        }
        self.pos = i + 1;
        let value = if self.peek() == Some(b'(') {
            self.pos += 1;
            let mut words = Vec::new();
            loop {
                self.linebreaks();
                match self.peek() {
                    None => break,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => match self.word() {
                        Some(w) => words.push(w),
                        None => self.pos += 1,
                    },
                }
            }
            AssignValue::Array(words)
        } else {
            let w = self.word().unwrap_or(Word {
                parts: Vec::new(),
                start: self.pos,
                end: self.pos,
            });
            AssignValue::Scalar(w)
        };
        Some(Assign { name, value, start })
    }

    fn redirect(&mut self) -> Option<Redirect> {
        let save = self.pos;
        let mut i = self.pos;
        while i < self.b.len() && self.b[i].is_ascii_digit() {
            i += 1;
        }
        if i < self.b.len() && self.b[i] == b'{' {
            // {fd}>file
            if let Some(close) = self.s.get(i..).unwrap_or("").find('}') {
                let after = i + close + 1;
                if matches!(self.b.get(after), Some(b'<' | b'>')) {
                    i = after;
                }
            }
        }
        let ops = [
            "<<<", "<<-", "<<", "&>>", "&>", ">>", ">&", "<&", "<>", ">|", ">", "<",
        ];
        let rest = self.s.get(i..).unwrap_or("");
        let Some(op) = ops.iter().find(|o| rest.starts_with(**o)) else {
            self.pos = save;
            return None;
        };
        self.pos = i + op.len();
        self.blanks();
        if *op == "<<" || *op == "<<-" {
            let w = self.word();
            let (delimiter, expand) = match &w {
                Some(w) => (
                    literal_of(w),
                    !w.parts
                        .iter()
                        .any(|p| matches!(p, Part::SingleQuoted { .. } | Part::DoubleQuoted(_)))
                        && !self.s.get(w.start..w.end).unwrap_or("").contains('\\'),
                ),
                None => (String::new(), false),
            };
            let id = self.next_heredoc;
            self.next_heredoc += 1;
            self.pending.push(PendingHeredoc {
                delimiter,
                strip_tabs: *op == "<<-",
                expand,
                id,
            });
            return Some(Redirect {
                target: None,
                heredoc: Some(vec![Part::Lit(format!("\u{0}{id}"))]),
            });
        }
        let target = self.word();
        Some(Redirect {
            target,
            heredoc: None,
        })
    }

    /// A word at the cursor (`None` at a metacharacter or end of input).
    fn word(&mut self) -> Option<Word> {
        let start = self.pos;
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            if is_meta(c) {
                break;
            }
            match c {
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        None => {}
                        Some(b'\n') => self.pos += 1,
                        Some(_) => {
                            let ch = self.char_at(self.pos);
                            lit.push(ch);
                            self.pos += ch.len_utf8();
                        }
                    }
                }
                b'\'' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let end = self
                        .s
                        .get(self.pos..)
                        .unwrap_or("")
                        .find('\'')
                        .map_or(self.b.len(), |i| self.pos + i);
                    parts.push(Part::SingleQuoted {
                        text: self.s.get(self.pos..end).unwrap_or("").to_owned(),
                        start: self.pos - 1,
                        end: (end + 1).min(self.b.len()),
                    });
                    self.pos = (end + 1).min(self.b.len());
                }
                b'"' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let inner = self.double_quoted();
                    parts.push(Part::DoubleQuoted(inner));
                }
                b'$' if self.b.get(self.pos + 1) == Some(&b'\'') => {
                    flush(&mut lit, &mut parts);
                    self.pos += 2;
                    let mut text = String::new();
                    while let Some(d) = self.peek() {
                        if d == b'\\' {
                            self.pos += 1;
                            if self.peek().is_some() {
                                let ch = self.char_at(self.pos);
                                text.push(ch);
                                self.pos += ch.len_utf8();
                            }
                            continue;
                        }
                        self.pos += 1;
                        if d == b'\'' {
                            break;
                        }
                        text.push(d as char);
                    }
                    parts.push(Part::AnsiC(text));
                }
                b'$' if self.b.get(self.pos + 1) == Some(&b'"') => {
                    flush(&mut lit, &mut parts);
                    self.pos += 2;
                    let inner = self.double_quoted();
                    parts.push(Part::DoubleQuoted(inner));
                }
                b'$' | b'`' => {
                    flush(&mut lit, &mut parts);
                    match self.dollar() {
                        Some(p) => parts.push(p),
                        None => lit.push('$'),
                    }
                }
                b'*' | b'?' => {
                    flush(&mut lit, &mut parts);
                    parts.push(Part::Glob((c as char).to_string()));
                    self.pos += 1;
                }
                b'[' if self
                    .s
                    .get(self.pos + 1..)
                    .unwrap_or("")
                    .find(|ch: char| ch == ']' || (ch as u32) < 128 && is_meta(ch as u8))
                    .is_some_and(|i| self.b[self.pos + 1 + i] == b']' && i > 0) =>
                {
                    flush(&mut lit, &mut parts);
                    let end = self
                        .s
                        .get(self.pos + 1..)
                        .unwrap_or("")
                        .find(']')
                        .map_or(self.b.len(), |i| self.pos + 1 + i + 1);
                    parts.push(Part::Glob(
                        self.s.get(self.pos..end).unwrap_or("").to_owned(),
                    ));
                    self.pos = end;
                }
                _ => {
                    let ch = self.char_at(self.pos);
                    lit.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        flush(&mut lit, &mut parts);
        (self.pos > start).then_some(Word {
            parts,
            start,
            end: self.pos,
        })
    }

    /// Inside `"…"` (the opening quote consumed); consumes the closing quote.
    fn double_quoted(&mut self) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let next = self.b.get(self.pos + 1).copied();
                    match next {
                        Some(b'"' | b'\\' | b'$' | b'`') => {
                            lit.push(next.map_or('\\', char::from));
                            self.pos += 2;
                        }
                        Some(b'\n') => self.pos += 2,
                        _ => {
                            lit.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                b'$' | b'`' => {
                    flush(&mut lit, &mut parts);
                    match self.dollar() {
                        Some(p) => parts.push(p),
                        None => lit.push('$'),
                    }
                }
                _ => {
                    let ch = self.char_at(self.pos);
                    lit.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        flush(&mut lit, &mut parts);
        parts
    }

    /// `$…` or a backtick substitution at the cursor. `None` (and the `$` consumed) for a
    /// lone `$`.
    fn dollar(&mut self) -> Option<Part> {
        let start = self.pos;
        if self.peek() == Some(b'`') {
            self.pos += 1;
            let body_start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'\\' {
                    self.pos += 2;
                    continue;
                }
                if c == b'`' {
                    break;
                }
                self.pos += 1;
            }
            let body_end = self.pos.min(self.b.len());
            self.pos = (self.pos + 1).min(self.b.len());
            let body = self.sub_list(body_start, body_end);
            return Some(Part::CommandSub {
                body,
                start,
                end: self.pos,
            });
        }
        self.pos += 1;
        match self.peek() {
            Some(b'(') if self.b.get(self.pos + 1) == Some(&b'(') => {
                self.pos -= 1;
                let mut arith = self.arith_until_close(3);
                arith.start = start;
                Some(Part::Arithmetic(arith))
            }
            Some(b'(') => {
                self.pos += 1;
                self.depth += 1;
                let body = if self.depth > 100 {
                    self.pos = self.b.len();
                    List::default()
                } else {
                    self.list(&[])
                };
                self.depth -= 1;
                if self.peek() == Some(b')') {
                    self.pos += 1;
                }
                Some(Part::CommandSub {
                    body,
                    start,
                    end: self.pos,
                })
            }
            Some(b'{') => {
                self.pos += 1;
                let text_start = self.pos;
                let mut depth = 1;
                while let Some(c) = self.peek() {
                    match c {
                        b'\\' => self.pos += 1,
                        b'\'' => {
                            if let Some(i) = self.s.get(self.pos + 1..).unwrap_or("").find('\'') {
                                self.pos += i + 1;
                            }
                        }
                        b'"' => {
                            self.pos += 1;
                            while let Some(d) = self.peek() {
                                if d == b'\\' {
                                    self.pos += 1;
                                } else if d == b'"' {
                                    break;
                                }
                                self.pos += 1;
                            }
                        }
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                let text_end = self.pos.min(self.b.len());
                self.pos = (self.pos + 1).min(self.b.len());
                let text = self.s.get(text_start..text_end).unwrap_or("").to_owned();
                let mut param = Param {
                    text,
                    braced: true,
                    nested: Vec::new(),
                    index_refs: Vec::new(),
                    start,
                    end: self.pos,
                };
                self.param_operands(&mut param, text_start);
                Some(Part::Param(param))
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let name_start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    self.pos += 1;
                }
                Some(Part::Param(Param {
                    text: self.s.get(name_start..self.pos).unwrap_or("").to_owned(),
                    braced: false,
                    nested: Vec::new(),
                    index_refs: Vec::new(),
                    start,
                    end: self.pos,
                }))
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                self.pos += 1;
                Some(Part::Param(Param {
                    text: (c as char).to_string(),
                    braced: false,
                    nested: Vec::new(),
                    index_refs: Vec::new(),
                    start,
                    end: self.pos,
                }))
            }
            _ => None,
        }
    }

    /// The operand of `${name<op>operand}` and an arithmetic index, read as words.
    fn param_operands(&self, param: &mut Param, text_start: usize) {
        let name = param.name().len();
        let prefix = param.text.len() - param.text.trim_start_matches(['#', '!']).len();
        let prefix = if param.text.len() > 1 {
            prefix.min(1)
        } else {
            0
        };
        let mut rest_start = text_start + prefix + name;
        let text_end = text_start + param.text.len();
        if self.b.get(rest_start) == Some(&b'[')
            && let Some(close) = self.s.get(rest_start..text_end).unwrap_or("").find(']')
        {
            let idx_start = rest_start + 1;
            let idx_end = rest_start + close;
            let arith = arith_of(self.s, idx_start, idx_end);
            param.index_refs = arith.refs;
            param.nested.extend(arith.words);
            rest_start = idx_end + 1;
        }
        if rest_start >= text_end {
            return;
        }
        // Skip the operator (`:-`, `#`, `%%`, `/`, `^^`…), then read words.
        let mut i = rest_start;
        while i < text_end
            && matches!(
                self.b[i],
                b':' | b'-' | b'=' | b'?' | b'+' | b'#' | b'%' | b'/' | b'^' | b',' | b'@'
            )
        {
            i += 1;
        }
        let mut sub = Parser {
            s: self.s.get(..floor(self.s, text_end)).unwrap_or(""),
            b: &self.b[..floor(self.s, text_end)],
            pos: i,
            pending: Vec::new(),
            bodies: Vec::new(),
            next_heredoc: 0,
            depth: self.depth + 1,
        };
        while sub.pos < text_end {
            let before = sub.pos;
            // Inside `${…}` spaces and metacharacters are literal: read word pieces.
            if let Some(w) = sub.word()
                && w.parts
                    .iter()
                    .any(|p| !matches!(p, Part::Lit(_) | Part::Glob(_) | Part::SingleQuoted { .. }))
            {
                param.nested.push(w);
            }
            if sub.pos == before {
                sub.pos += 1;
            }
        }
    }

    /// `((…))` or `$((…))` at the cursor (`open` = 2 or 3 characters to skip); reads to the
    /// matching `))`.
    fn arith_until_close(&mut self, open: usize) -> Arith {
        let start = self.pos;
        self.pos += open;
        let body_start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'(' => depth += 1,
                b')' => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                b'\'' => {
                    if let Some(i) = self.s.get(self.pos + 1..).unwrap_or("").find('\'') {
                        self.pos += i + 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        let body_end = self.pos.min(self.b.len());
        // `))`
        if self.peek() == Some(b')') {
            self.pos += 1;
        }
        if self.peek() == Some(b')') {
            self.pos += 1;
        }
        let mut a = arith_of(self.s, body_start, body_end);
        a.start = start;
        a.end = self.pos;
        a
    }

    fn sub_list(&self, start: usize, end: usize) -> List {
        if self.depth > 100 || start >= end {
            return List::default();
        }
        let mut sub = Parser {
            s: self.s.get(..floor(self.s, end)).unwrap_or(""),
            b: &self.b[..floor(self.s, end)],
            pos: start,
            pending: Vec::new(),
            bodies: Vec::new(),
            next_heredoc: 0,
            depth: self.depth + 1,
        };
        let mut list = List::default();
        while sub.pos < end {
            let before = sub.pos;
            list.items.extend(sub.list(&[]).items);
            if sub.pos == before {
                sub.pos += 1;
            }
        }
        list
    }

    /// Expansions in an unquoted heredoc body.
    fn heredoc_parts(&self, start: usize, end: usize) -> Vec<Part> {
        let mut sub = Parser {
            s: self.s.get(..floor(self.s, end)).unwrap_or(""),
            b: &self.b[..floor(self.s, end)],
            pos: start,
            pending: Vec::new(),
            bodies: Vec::new(),
            next_heredoc: 0,
            depth: self.depth + 1,
        };
        let mut parts = Vec::new();
        while sub.pos < end {
            match sub.peek() {
                Some(b'\\') => sub.pos += 2,
                Some(b'$' | b'`') => {
                    if let Some(p) = sub.dollar() {
                        parts.push(p);
                    }
                }
                _ => sub.pos += 1,
            }
        }
        parts
    }
}

fn flush(lit: &mut String, parts: &mut Vec<Part>) {
    if !lit.is_empty() {
        parts.push(Part::Lit(std::mem::take(lit)));
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':')
}

/// The literal text of a word (quotes removed); expansions contribute nothing.
pub(crate) fn literal_of(w: &Word) -> String {
    fn push(parts: &[Part], out: &mut String) {
        for p in parts {
            match p {
                Part::Lit(s) | Part::Glob(s) | Part::AnsiC(s) => out.push_str(s),
                Part::SingleQuoted { text, .. } => out.push_str(text),
                Part::DoubleQuoted(inner) => push(inner, out),
                _ => {}
            }
        }
    }
    let mut out = String::new();
    push(&w.parts, &mut out);
    out
}

/// Whether a word is literal text only (no expansion).
pub(crate) fn is_literal(w: &Word) -> bool {
    fn lit(parts: &[Part]) -> bool {
        parts.iter().all(|p| match p {
            Part::Lit(_) | Part::Glob(_) | Part::SingleQuoted { .. } | Part::AnsiC(_) => true,
            Part::DoubleQuoted(inner) => lit(inner),
            _ => false,
        })
    }
    lit(&w.parts)
}

/// Variables, `$` expansions and assignments in an arithmetic expression `s[start..end]`.
fn arith_of(s: &str, start: usize, end: usize) -> Arith {
    let b = s.as_bytes();
    let mut a = Arith {
        refs: Vec::new(),
        assigns: Vec::new(),
        words: Vec::new(),
        start,
        end,
    };
    let mut i = start;
    while i < end {
        let c = b[i];
        if c == b'$' || c == b'`' {
            let mut p = Parser {
                s: &s[..floor(s, end)],
                b: &b[..floor(s, end)],
                pos: i,
                pending: Vec::new(),
                bodies: Vec::new(),
                next_heredoc: 0,
                depth: 1,
            };
            let from = i;
            if let Some(part) = p.dollar() {
                a.words.push(Word {
                    parts: vec![part],
                    start: from,
                    end: p.pos,
                });
            }
            i = p.pos.max(i + 1);
            continue;
        }
        if c.is_ascii_digit() {
            while i < end && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'#') {
                i += 1;
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let ns = i;
            while i < end && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let name = s.get(ns..i).unwrap_or("").to_owned();
            let mut j = i;
            while j < end && b[j] == b' ' {
                j += 1;
            }
            let before = s.get(start..ns).unwrap_or("").trim_end();
            let rest = s.get(j..end).unwrap_or("");
            let assigned = (rest.starts_with('=') && !rest.starts_with("=="))
                || [
                    "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^=", "++", "--",
                ]
                .iter()
                .any(|op| rest.starts_with(op))
                || before.ends_with("++")
                || before.ends_with("--");
            a.refs.push((name.clone(), ns));
            if assigned {
                a.assigns.push((name, ns));
            }
            continue;
        }
        i += 1;
    }
    a
}

/// The words (literal text) of every simple command of a script, nested ones included.
pub(crate) fn simple_commands(list: &List) -> Vec<Vec<String>> {
    fn walk_list(l: &List, out: &mut Vec<Vec<String>>) {
        for ao in &l.items {
            for p in &ao.pipelines {
                for c in &p.commands {
                    walk(c, out);
                }
            }
        }
    }
    fn walk_words(ws: &[&Word], out: &mut Vec<Vec<String>>) {
        for w in ws {
            for p in &w.parts {
                let inner = match p {
                    Part::DoubleQuoted(i) => i.as_slice(),
                    other => std::slice::from_ref(other),
                };
                for q in inner {
                    if let Part::CommandSub { body, .. } = q {
                        walk_list(body, out);
                    }
                }
            }
        }
    }
    fn walk(c: &Command, out: &mut Vec<Vec<String>>) {
        match &c.kind {
            CommandKind::Simple { args, .. } => {
                let words: Vec<&Word> = args
                    .iter()
                    .filter_map(|a| match a {
                        Arg::Word(w) => Some(w),
                        Arg::Assign(_) => None,
                    })
                    .collect();
                out.push(words.iter().map(|w| literal_of(w)).collect());
                walk_words(&words, out);
            }
            CommandKind::Subshell(l) | CommandKind::Group(l) => walk_list(l, out),
            CommandKind::If { clauses, otherwise } => {
                for (a, b) in clauses {
                    walk_list(a, out);
                    walk_list(b, out);
                }
                if let Some(o) = otherwise {
                    walk_list(o, out);
                }
            }
            CommandKind::Loop { condition, body } => {
                walk_list(condition, out);
                walk_list(body, out);
            }
            CommandKind::For { body, .. } | CommandKind::ArithFor { body, .. } => {
                walk_list(body, out)
            }
            CommandKind::Case { arms, .. } => {
                for (_, b) in arms {
                    walk_list(b, out);
                }
            }
            CommandKind::Function(body) => walk(body, out),
            CommandKind::Test(_) | CommandKind::Arith(_) => {}
        }
    }
    let mut out = Vec::new();
    walk_list(list, &mut out);
    out
}

/// The largest character boundary of `s` at or before `i`.
fn floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_simple(l: &List) -> (Vec<String>, usize) {
        let c = &l.items[0].pipelines[0].commands[0];
        match &c.kind {
            CommandKind::Simple { args, assigns } => (
                args.iter()
                    .map(|a| match a {
                        Arg::Word(w) => literal_of(w),
                        Arg::Assign(a) => format!("{}=", a.name),
                    })
                    .collect(),
                assigns.len(),
            ),
            other => panic!("not a simple command: {other:?}"),
        }
    }

    #[test]
    fn reads_quotes_escapes_and_assignments() {
        let l = parse(r#"A=1 B="x y" echo 'a b' "c $d" e\ f"#);
        let (args, assigns) = first_simple(&l);
        assert_eq!(assigns, 2);
        assert_eq!(args, vec!["echo", "a b", "c ", "e f"]);
    }

    #[test]
    fn keeps_parameter_modifiers_and_nested_words() {
        let l = parse("echo ${a:-$b} ${#c} ${d[@]}");
        let c = &l.items[0].pipelines[0].commands[0];
        let CommandKind::Simple { args, .. } = &c.kind else {
            panic!("simple");
        };
        let params: Vec<&Param> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Word(w) => match w.parts.first() {
                    Some(Part::Param(p)) => Some(p),
                    _ => None,
                },
                Arg::Assign(_) => None,
            })
            .collect();
        assert_eq!(params.len(), 3);
        assert_eq!(params[0].name(), "a");
        assert_eq!(params[0].modifier(), ":-$b");
        assert_eq!(params[0].nested.len(), 1);
        assert!(params[1].is_length());
        assert!(params[2].is_array());
    }

    #[test]
    fn understands_compound_commands() {
        let l = parse(
            "if [ -f x ]; then cd /a; elif true; then :; else exit 1; fi\n\
             for f in a b; do echo \"$f\"; done\n\
             case $x in a|b) echo one ;; *) echo two ;; esac\n\
             f() { local y=1; }\n\
             (( i++ )); [[ $a == b ]]",
        );
        let kinds: Vec<&str> = l
            .items
            .iter()
            .map(|ao| match &ao.pipelines[0].commands[0].kind {
                CommandKind::If { .. } => "if",
                CommandKind::For { .. } => "for",
                CommandKind::Case { .. } => "case",
                CommandKind::Function(_) => "function",
                CommandKind::Arith(_) => "arith",
                CommandKind::Test(_) => "test",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            vec!["if", "for", "case", "function", "arith", "test"]
        );
    }

    #[test]
    fn heredoc_bodies_are_not_commands() {
        let l = parse("cat <<EOF > /x\nrm -rf /\n$HOME\nEOF\necho done");
        assert_eq!(l.items.len(), 2);
        let c = &l.items[0].pipelines[0].commands[0];
        let body = c.redirects.iter().find_map(|r| r.heredoc.as_ref());
        assert!(matches!(body.map(Vec::as_slice), Some([Part::Param(_)])));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let alphabet: Vec<char> = "a $(){}[]'\"`\\;&|<>#\n=*?!-é…€ \t:+%/~0".chars().collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            for k in 0..len {
                let r =
                    seed.rotate_left(k as u32 * 7) ^ (k as u64).wrapping_mul(0x2545_f491_4f6c_dd1d);
                s.push(alphabet[(r % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&s);
        }
    }
}
