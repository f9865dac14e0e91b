//! The parser of `text/template/parse`: one text becomes a set of named trees (the top
//! level plus every `define` and `block`), with Go's error messages.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::ParseError;
use crate::lex::{Item, ItemType, Lexer};
use crate::node::{
    Arg, Branch, BranchKind, Command, List, Node, Number, Pipe, Pos, Tree, Variable, is_empty_list,
};

/// Parser settings.
#[derive(Clone, Copy, Debug)]
pub struct ParseOptions<'a> {
    /// Left delimiter (`{{` when empty).
    pub left_delim: &'a str,
    /// Right delimiter (`}}` when empty).
    pub right_delim: &'a str,
    /// Skip the check that every called function exists (Go's `SkipFuncCheck`).
    pub skip_func_check: bool,
    /// Deepest nesting of parentheses and control structures accepted.
    pub max_depth: usize,
}

impl ParseOptions<'_> {
    pub(crate) fn left_delim_or_default(&self) -> &str {
        if self.left_delim.is_empty() {
            "{{"
        } else {
            self.left_delim
        }
    }
}

impl Default for ParseOptions<'_> {
    fn default() -> Self {
        ParseOptions {
            left_delim: "",
            right_delim: "",
            skip_func_check: false,
            max_depth: 1000,
        }
    }
}

/// Parsed trees by name, as Go's `parse.Parse` returns them.
pub type TreeSet = BTreeMap<String, Arc<Tree>>;

/// Parses `text` as template `name`; `has_function` says which function names exist.
pub fn parse(
    name: &str,
    text: &str,
    options: ParseOptions<'_>,
    has_function: &dyn Fn(&str) -> bool,
) -> Result<TreeSet, ParseError> {
    let text: Arc<str> = Arc::from(text);
    let mut lex = Lexer::new(&text, options.left_delim, options.right_delim);
    lex.break_ok = !is_builtin_or(has_function, "break");
    lex.continue_ok = !is_builtin_or(has_function, "continue");
    let mut p = Parser {
        lex,
        name: name.to_owned(),
        parse_name: name.to_owned(),
        text: text.clone(),
        token: [eof_item(), eof_item(), eof_item()],
        peek_count: 0,
        vars: vec!["$".into()],
        action_line: 0,
        range_depth: 0,
        depth: 0,
        options,
        has_function,
        trees: TreeSet::new(),
    };
    let root = p.parse_top()?;
    p.add(name.to_owned(), root)?;
    Ok(p.trees)
}

fn is_builtin_or(has_function: &dyn Fn(&str) -> bool, name: &str) -> bool {
    has_function(name)
}

fn eof_item<'a>() -> Item<'a> {
    Item {
        typ: ItemType::Eof,
        pos: 0,
        val: Cow::Borrowed(""),
        line: 0,
    }
}

type PResult<T> = Result<T, ParseError>;

enum Parsed {
    Node(Node),
    End,
    Else { pos: Pos },
}

struct Saved<'a> {
    name: String,
    token: [Item<'a>; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
}

struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    name: String,
    parse_name: String,
    text: Arc<str>,
    token: [Item<'a>; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
    depth: usize,
    options: ParseOptions<'a>,
    has_function: &'f dyn Fn(&str) -> bool,
    trees: TreeSet,
}

impl<'a> Parser<'a, '_> {
    fn next(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count].clone()
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1].clone();
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_item();
        self.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn errorf(&self, msg: impl Into<String>) -> ParseError {
        ParseError::new(format!(
            "template: {}:{}: {}",
            self.parse_name,
            self.token[0].line,
            msg.into()
        ))
    }

    fn unexpected(&self, token: &Item, context: &str) -> ParseError {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_owned();
                }
            }
            return self.errorf(format!("{token}{extra}"));
        }
        self.errorf(format!("unexpected {token} in {context}"))
    }

    fn expect(&mut self, typ: ItemType, context: &str) -> PResult<Item<'a>> {
        let t = self.next_non_space();
        if t.typ != typ {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn has_function(&self, name: &str) -> bool {
        (self.has_function)(name)
    }

    fn add(&mut self, name: String, root: List) -> PResult<()> {
        match self.trees.get(&name) {
            Some(existing) if !is_empty_list(&existing.root) => {
                if !is_empty_list(&root) {
                    return Err(self.errorf(format!(
                        "template: multiple definition of template {}",
                        crate::fmt::quote(&name)
                    )));
                }
                Ok(())
            }
            _ => {
                let tree = Tree {
                    name: name.clone(),
                    parse_name: self.parse_name.clone(),
                    root,
                    text: self.text.clone(),
                };
                self.trees.insert(name, Arc::new(tree));
                Ok(())
            }
        }
    }

    fn save_for_subtree(&mut self, name: String) -> Saved<'a> {
        Saved {
            name: std::mem::replace(&mut self.name, name),
            token: std::mem::replace(&mut self.token, [eof_item(), eof_item(), eof_item()]),
            peek_count: std::mem::replace(&mut self.peek_count, 0),
            vars: std::mem::replace(&mut self.vars, vec!["$".into()]),
            action_line: std::mem::replace(&mut self.action_line, 0),
            range_depth: std::mem::replace(&mut self.range_depth, 0),
        }
    }

    fn restore(&mut self, s: Saved<'a>) {
        self.name = s.name;
        self.token = s.token;
        self.peek_count = s.peek_count;
        self.vars = s.vars;
        self.action_line = s.action_line;
        self.range_depth = s.range_depth;
    }

    fn parse_top(&mut self) -> PResult<List> {
        let mut root = List {
            pos: self.peek().pos,
            nodes: Vec::new(),
        };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    let saved = self.save_for_subtree("definition".into());
                    let r = self.parse_definition();
                    self.restore(saved);
                    r?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.nodes.push(n),
                Parsed::End => return Err(self.errorf("unexpected {{end}}")),
                Parsed::Else { .. } => return Err(self.errorf("unexpected {{else}}")),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let name = self.next_non_space();
        if name.typ != ItemType::String && name.typ != ItemType::RawString {
            return Err(self.unexpected(&name, context));
        }
        let unquoted = unquote(&name.val).map_err(|e| self.errorf(e))?;
        self.name = unquoted.clone();
        self.expect(ItemType::RightDelim, context)?;
        let (list, end) = self.item_list()?;
        if let Parsed::Else { .. } = end {
            return Err(self.errorf(format!("unexpected {{{{else}}}} in {context}")));
        }
        self.add(unquoted, list)
    }

    fn item_list(&mut self) -> PResult<(List, Parsed)> {
        let mut list = List {
            pos: self.peek_non_space().pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.nodes.push(n),
                end => return Ok((list, end)),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text {
                pos: token.pos,
                text: token.val.into_owned(),
            })),
            ItemType::LeftDelim => {
                self.action_line = token.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        if self.depth >= self.options.max_depth {
            return Err(self.errorf("max expression depth exceeded"));
        }
        self.depth += 1;
        Ok(())
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.nested(|p| p.block_control()),
            ItemType::Break => return self.break_control(token.pos, token.line, "{{break}}"),
            ItemType::Continue => return self.break_control(token.pos, token.line, "{{continue}}"),
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemType::If => return self.nested(|p| p.if_control()),
            ItemType::Range => return self.nested(|p| p.branch_control(BranchKind::Range)),
            ItemType::Template => return self.template_control(),
            ItemType::With => return self.nested(|p| p.branch_control(BranchKind::With)),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action {
            pos: token.pos,
            line: token.line,
            pipe,
        }))
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> PResult<Node>) -> PResult<Parsed> {
        self.enter()?;
        let r = f(self);
        self.depth -= 1;
        r.map(Parsed::Node)
    }

    fn break_control(&mut self, pos: Pos, line: usize, what: &str) -> PResult<Parsed> {
        let token = self.next_non_space();
        if token.typ != ItemType::RightDelim {
            return Err(self.unexpected(&token, what));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{what} outside {{{{range}}}}")));
        }
        Ok(Parsed::Node(if what == "{{break}}" {
            Node::Break { pos, line }
        } else {
            Node::Continue { pos, line }
        }))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else { pos: peek.pos });
        }
        let token = self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else { pos: token.pos })
    }

    fn if_control(&mut self) -> PResult<Node> {
        self.branch_control(BranchKind::If)
    }

    fn branch_control(&mut self, kind: BranchKind) -> PResult<Node> {
        let context = match kind {
            BranchKind::If => "if",
            BranchKind::Range => "range",
            BranchKind::With => "with",
        };
        let mark = self.vars.len();
        let r = self.parse_control(kind, context);
        self.vars.truncate(mark);
        let (pipe, list, else_list) = r?;
        Ok(Node::Branch(Box::new(Branch {
            kind,
            pos: pipe.pos,
            line: pipe.line,
            pipe,
            list,
            else_list,
        })))
    }

    fn parse_control(
        &mut self,
        kind: BranchKind,
        context: &str,
    ) -> PResult<(Pipe, List, Option<List>)> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if kind == BranchKind::Range {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if kind == BranchKind::Range {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        match next {
            Parsed::End => {}
            Parsed::Else { pos, .. } => {
                let chained = match kind {
                    BranchKind::If if self.peek().typ == ItemType::If => Some(BranchKind::If),
                    BranchKind::With if self.peek().typ == ItemType::With => Some(BranchKind::With),
                    _ => None,
                };
                if let Some(k) = chained {
                    self.next();
                    self.enter()?;
                    let inner = self.branch_control(k);
                    self.depth -= 1;
                    else_list = Some(List {
                        pos,
                        nodes: vec![inner?],
                    });
                } else {
                    let (l, next) = self.item_list()?;
                    match next {
                        Parsed::End => {}
                        _ => return Err(self.errorf("expected end; found {{else}}")),
                    }
                    else_list = Some(l);
                }
            }
            Parsed::Node(_) => {}
        }
        Ok((pipe, list, else_list))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let saved = self.save_for_subtree(name.clone());
        let r = match self.item_list() {
            Ok((list, Parsed::End)) => self.add(name.clone(), list).map(|()| true),
            Ok(_) => Ok(false),
            Err(e) => Err(e),
        };
        self.restore(saved);
        if !r? {
            return Err(self.errorf(format!("unexpected {{{{else}}}} in {context}")));
        }
        Ok(Node::Template {
            pos: token.pos,
            line: token.line,
            name,
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self) -> PResult<Parsed> {
        let context = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, ItemType::RightDelim)?);
        }
        Ok(Parsed::Node(Node::Template {
            pos: token.pos,
            line: token.line,
            name,
            pipe,
        }))
    }

    fn parse_template_name(&mut self, token: &Item, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => {
                unquote(&token.val).map_err(|e| self.errorf(e))
            }
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe {
            pos: token.pos,
            line: token.line,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let token_after = self.peek();
            let next = self.peek_non_space();
            match next.typ {
                ItemType::Assign | ItemType::Declare => {
                    pipe.is_assign = next.typ == ItemType::Assign;
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        ident: vec![v.val.to_string()],
                    });
                    self.vars.push(v.val.into_owned());
                }
                ItemType::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        ident: vec![v.val.to_string()],
                    });
                    self.vars.push(v.val.into_owned());
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                                continue 'decls;
                            }
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ if token_after.typ == ItemType::Space => self.backup3(v, token_after),
                _ => self.backup2(v),
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Arg::Bool { .. }
                        | Arg::Dot { .. }
                        | Arg::Nil { .. }
                        | Arg::Number { .. }
                        | Arg::String { .. }
                )
            ) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let mut cmd = Command {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ == ItemType::Field {
            let pos = self.peek().pos;
            let mut fields = Vec::new();
            while self.peek().typ == ItemType::Field {
                let f = self.next().val;
                fields.push(f[1..].to_owned());
            }
            return Ok(Some(match node {
                Arg::Field { ident, .. } => {
                    let mut ident = ident;
                    ident.extend(fields);
                    Arg::Field { pos, ident }
                }
                Arg::Variable(v) => {
                    let mut ident = v.ident;
                    ident.extend(fields);
                    Arg::Variable(Variable { pos, ident })
                }
                Arg::Bool { .. }
                | Arg::String { .. }
                | Arg::Number { .. }
                | Arg::Nil { .. }
                | Arg::Dot { .. } => {
                    return Err(self.errorf(format!(
                        "unexpected . after term {}",
                        crate::fmt::quote(&node.to_string())
                    )));
                }
                other => Arg::Chain {
                    pos,
                    node: Box::new(other),
                    fields,
                },
            }));
        }
        Ok(Some(node))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !self.options.skip_func_check && !self.has_function(&token.val) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::fmt::quote(&token.val)
                    )));
                }
                Arg::Identifier {
                    pos,
                    name: token.val.into_owned(),
                }
            }
            ItemType::Dot => Arg::Dot { pos },
            ItemType::Nil => Arg::Nil { pos },
            ItemType::Variable => {
                if !self.vars.iter().any(|v| *v == token.val) {
                    return Err(self.errorf(format!(
                        "undefined variable {}",
                        crate::fmt::quote(&token.val)
                    )));
                }
                Arg::Variable(Variable {
                    pos,
                    ident: vec![token.val.into_owned()],
                })
            }
            ItemType::Field => Arg::Field {
                pos,
                ident: vec![token.val[1..].to_owned()],
            },
            ItemType::Bool => Arg::Bool {
                pos,
                value: token.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let number = new_number(&token.val, token.typ).map_err(|e| self.errorf(e))?;
                Arg::Number {
                    pos,
                    number: Box::new(number),
                }
            }
            ItemType::LeftParen => {
                self.enter()?;
                let r = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.depth -= 1;
                Arg::Pipe(Box::new(r?))
            }
            ItemType::String | ItemType::RawString => {
                let text = unquote(&token.val).map_err(|e| self.errorf(e))?;
                Arg::String {
                    pos,
                    quoted: token.val.into_owned(),
                    text,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// `strconv.Unquote` for the three Go quote styles; the error text is Go's.
pub(crate) fn unquote(s: &str) -> Result<String, String> {
    let err = || "invalid syntax".to_owned();
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(err());
    }
    let q = b[0];
    if q != b[b.len() - 1] {
        return Err(err());
    }
    let inner = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if inner.contains('`') {
                return Err(err());
            }
            Ok(inner.replace('\r', ""))
        }
        b'"' | b'\'' => {
            let quote = q as char;
            let mut out = String::new();
            let mut rest = inner;
            if q == b'\'' && rest.is_empty() {
                return Err(err());
            }
            let mut count = 0;
            while !rest.is_empty() {
                if rest.starts_with(quote) && q == b'"' {
                    return Err(err());
                }
                let (c, tail) = unquote_char(rest, quote).map_err(|_| err())?;
                out.push(c);
                rest = tail;
                count += 1;
                if q == b'\'' && count > 1 {
                    return Err(err());
                }
            }
            Ok(out)
        }
        _ => Err(err()),
    }
}

/// `strconv.UnquoteChar`: the first (possibly escaped) character of `s` and the rest.
pub(crate) fn unquote_char(s: &str, quote: char) -> Result<(char, &str), ()> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(())?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(());
    }
    if c != '\\' {
        return Ok((c, chars.as_str()));
    }
    let rest = chars.as_str();
    let mut it = rest.chars();
    let e = it.next().ok_or(())?;
    let tail = it.as_str();
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(());
            }
            Some(e)
        }
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((c, tail));
    }
    let hex = |n: usize| -> Result<(u32, &str), ()> {
        if tail.len() < n || !tail.is_char_boundary(n) {
            return Err(());
        }
        let v = u32::from_str_radix(&tail[..n], 16).map_err(|_| ())?;
        if !tail[..n].bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(());
        }
        Ok((v, &tail[n..]))
    };
    match e {
        'x' => {
            let (v, t) = hex(2)?;
            Ok((char::from_u32(v).unwrap_or('\u{fffd}'), t))
        }
        'u' => {
            let (v, t) = hex(4)?;
            Ok((char::from_u32(v).ok_or(())?, t))
        }
        'U' => {
            let (v, t) = hex(8)?;
            Ok((char::from_u32(v).ok_or(())?, t))
        }
        '0'..='7' => {
            if tail.len() < 2 || !tail.is_char_boundary(2) {
                return Err(());
            }
            let digits = format!("{e}{}", &tail[..2]);
            if !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return Err(());
            }
            let v = u32::from_str_radix(&digits, 8).map_err(|_| ())?;
            if v > 255 {
                return Err(());
            }
            Ok((char::from_u32(v).unwrap_or('\u{fffd}'), &tail[2..]))
        }
        _ => Err(()),
    }
}

/// Go's `strconv.ParseInt/ParseUint(text, 0, 64)` syntax: sign, base prefix, underscores
/// only between digits (and after a base prefix).
fn parse_go_uint(text: &str) -> Option<u64> {
    let (base, digits, prefixed) =
        if let Some(r) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (16, r, true)
        } else if let Some(r) = text.strip_prefix("0b").or_else(|| text.strip_prefix("0B")) {
            (2, r, true)
        } else if let Some(r) = text.strip_prefix("0o").or_else(|| text.strip_prefix("0O")) {
            (8, r, true)
        } else if text.len() > 1 && text.starts_with('0') {
            (8, &text[1..], true)
        } else {
            (10, text, false)
        };
    if !underscore_ok(digits, prefixed, base == 16) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    u64::from_str_radix(&clean, base).ok()
}

fn underscore_ok(digits: &str, prefixed: bool, hex: bool) -> bool {
    if !digits.contains('_') {
        return true;
    }
    let mut saw = if prefixed { '0' } else { '^' };
    for c in digits.chars() {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = '0';
        } else if c == '_' {
            if saw != '0' {
                return false;
            }
            saw = '_';
        } else {
            if saw == '_' {
                return false;
            }
            saw = '!';
        }
    }
    saw != '_'
}

fn parse_go_int(text: &str) -> Option<i64> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let u = parse_go_uint(body)?;
    if neg {
        if u <= i64::MAX as u64 + 1 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseFloat(text, 64)` for Go literal syntax (decimal, hex floats, underscores).
fn parse_go_float(text: &str) -> Option<f64> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        if !underscore_ok(h, true, true) {
            return None;
        }
        let h: String = h.chars().filter(|&c| c != '_').collect();
        parse_hex_float(&h)?
    } else {
        if !underscore_ok(body, false, false) || body.is_empty() {
            return None;
        }
        let clean: String = body.chars().filter(|&c| c != '_').collect();
        if !clean
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        if clean.starts_with(['e', 'E']) || clean == "." {
            return None;
        }
        let v: f64 = clean.parse().ok()?;
        if v.is_infinite() {
            return None;
        }
        v
    };
    Some(if neg { -v } else { v })
}

fn parse_hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = match h.find(['p', 'P']) {
        Some(i) => (&h[..i], Some(&h[i + 1..])),
        None => (h, None),
    };
    let exp: i32 = match exp {
        Some(e) => e.parse().ok()?,
        None => {
            if mant.contains('.') {
                return None; // hex float needs an exponent
            }
            0
        }
    };
    let (int_part, frac_part) = match mant.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let r = v * 2f64.powi(exp);
    if r.is_infinite() { None } else { Some(r) }
}

/// Go's `newNumber`.
fn new_number(text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        text: text.to_owned(),
        int: None,
        uint: None,
        float: None,
        complex: None,
    };
    match typ {
        ItemType::CharConstant => {
            let inner = &text[1..];
            let (c, tail) = unquote_char(inner, '\'').map_err(|_| "invalid syntax".to_owned())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let v = c as u32;
            n.int = Some(i64::from(v));
            n.uint = Some(u64::from(v));
            n.float = Some(f64::from(v));
            return Ok(n);
        }
        ItemType::Complex => {
            // real+imag i
            let split = text[1..].rfind(['+', '-']).map(|i| i + 1);
            let parsed = split.and_then(|i| {
                let re = parse_go_float(&text[..i])?;
                let im = parse_go_float(text[i..].strip_suffix('i')?)?;
                Some((re, im))
            });
            let Some((re, im)) = parsed else {
                return Err("expected integer".into());
            };
            n.complex = Some((re, im));
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(body) = text.strip_suffix('i')
        && let Some(f) = parse_go_float(body).or_else(|| parse_go_int(body).map(|i| i as f64))
    {
        n.complex = Some((0.0, f));
        simplify_complex(&mut n);
        return Ok(n);
    }
    n.uint = if text.starts_with(['+', '-']) {
        None
    } else {
        parse_go_uint(text)
    };
    if let Some(i) = parse_go_int(text) {
        n.int = Some(i);
        if i == 0 {
            n.uint = Some(0);
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = parse_go_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::fmt::quote(text)));
        }
        n.float = Some(f);
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            n.int = Some(f as i64);
        }
        if f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            n.uint = Some(f as u64);
        }
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!(
            "illegal number syntax: {}",
            crate::fmt::quote(text)
        ));
    }
    Ok(n)
}

fn simplify_complex(n: &mut Number) {
    if let Some((re, im)) = n.complex
        && im == 0.0
    {
        n.float = Some(re);
        if re.fract() == 0.0 && re.abs() < 9.2e18 {
            n.int = Some(re as i64);
            if re >= 0.0 {
                n.uint = Some(re as u64);
            }
        }
    }
}
