//! The parse tree (`text/template/parse` nodes). `Display` prints a node the way Go's
//! `Node.String` does; execution errors quote it (`executing "t" at <.Values.x>`).

use std::fmt::{self, Write};
use std::sync::Arc;

/// A byte offset into the template text.
pub type Pos = usize;

/// One parsed template: its name, the name of the file it came from and its body.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The template's name (`define "name"`, or the name given to `parse`).
    pub name: String,
    /// The name of the top-level template being parsed when this tree was found.
    pub parse_name: String,
    /// The body.
    pub root: List,
    /// The whole text that was parsed (positions index into it).
    pub text: Arc<str>,
}

impl Tree {
    /// `NAME:LINE:COL` of a position, as Go's `ErrorContext` prints it (column: bytes
    /// after the last newline, from 0).
    pub fn location(&self, pos: Pos) -> String {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }
}

/// A sequence of nodes.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// Position of the first token.
    pub pos: Pos,
    /// The nodes.
    pub nodes: Vec<Node>,
}

/// A statement-level node.
#[derive(Debug, Clone)]
pub enum Node {
    /// Plain text.
    Text { pos: Pos, text: String },
    /// `{{pipeline}}`.
    Action { pos: Pos, line: usize, pipe: Pipe },
    /// `{{if}}`, `{{range}}`, `{{with}}`.
    Branch(Box<Branch>),
    /// `{{template "name" pipeline}}` (and the call half of `{{block}}`).
    Template {
        pos: Pos,
        line: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    /// `{{break}}`.
    Break { pos: Pos, line: usize },
    /// `{{continue}}`.
    Continue { pos: Pos, line: usize },
}

/// Which control structure a [`Branch`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchKind {
    /// `if`
    If,
    /// `range`
    Range,
    /// `with`
    With,
}

/// `{{if|range|with pipeline}} list {{else}} else_list {{end}}`.
#[derive(Debug, Clone)]
pub struct Branch {
    /// Which keyword.
    pub kind: BranchKind,
    /// Position of the pipeline.
    pub pos: Pos,
    /// Line of the pipeline.
    pub line: usize,
    /// The condition or the ranged value.
    pub pipe: Pipe,
    /// Body.
    pub list: List,
    /// `else` body.
    pub else_list: Option<List>,
}

/// `$a, $b := cmd | cmd`.
#[derive(Debug, Clone)]
pub struct Pipe {
    /// Position.
    pub pos: Pos,
    /// Line.
    pub line: usize,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    /// Declared or assigned variables.
    pub decl: Vec<Variable>,
    /// Commands, in order.
    pub cmds: Vec<Command>,
}

/// A variable reference `$x.F.G` (declarations have one ident).
#[derive(Debug, Clone)]
pub struct Variable {
    /// Position.
    pub pos: Pos,
    /// `$x`, then field names.
    pub ident: Vec<String>,
}

/// Space-separated operands; the first is the function or value.
#[derive(Debug, Clone)]
pub struct Command {
    /// Position.
    pub pos: Pos,
    /// Operands.
    pub args: Vec<Arg>,
}

/// A parsed number constant with every interpretation Go's parser keeps.
#[derive(Debug, Clone)]
pub struct Number {
    /// Source text.
    pub text: String,
    /// Integer value, if representable as int64.
    pub int: Option<i64>,
    /// Unsigned value, if representable as uint64.
    pub uint: Option<u64>,
    /// Float value, if representable.
    pub float: Option<f64>,
    /// Complex (imaginary) constant: real and imaginary parts.
    pub complex: Option<(f64, f64)>,
}

/// An operand.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A function name.
    Identifier { pos: Pos, name: String },
    /// `.`
    Dot { pos: Pos },
    /// `nil`
    Nil { pos: Pos },
    /// `.A.B`
    Field { pos: Pos, ident: Vec<String> },
    /// `$x.A`
    Variable(Variable),
    /// `(pipe).A.B` or another term followed by fields.
    Chain {
        pos: Pos,
        node: Box<Arg>,
        fields: Vec<String>,
    },
    /// `true` / `false`
    Bool { pos: Pos, value: bool },
    /// A number or character constant.
    Number { pos: Pos, number: Box<Number> },
    /// A string constant: source text (with quotes) and value.
    String {
        pos: Pos,
        quoted: String,
        text: String,
    },
    /// `(pipeline)`
    Pipe(Box<Pipe>),
}

impl Arg {
    /// Position of the operand.
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Variable(v) => v.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ident.join("."))
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(p) = a {
                write!(f, "({p})")?;
            } else {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Dot { .. } => f.write_char('.'),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Field { ident, .. } => {
                for id in ident {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Arg::Variable(v) => write!(f, "{v}"),
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Bool { value, .. } => f.write_str(if *value { "true" } else { "false" }),
            Arg::Number { number, .. } => f.write_str(&number.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl List {
    /// Go's `String` with text nodes printed by `text_format` (`%s` in Go, `%q` in its tests).
    pub fn render(&self, quote_text: bool) -> String {
        let mut s = String::new();
        for n in &self.nodes {
            n.write_to(&mut s, quote_text);
        }
        s
    }
}

impl Node {
    fn write_to(&self, s: &mut String, quote_text: bool) {
        match self {
            Node::Text { text, .. } => {
                if quote_text {
                    s.push_str(&crate::fmt::quote(text));
                } else {
                    s.push_str(text);
                }
            }
            Node::Action { pipe, .. } => {
                let _ = write!(s, "{{{{{pipe}}}}}");
            }
            Node::Branch(b) => {
                let name = match b.kind {
                    BranchKind::If => "if",
                    BranchKind::Range => "range",
                    BranchKind::With => "with",
                };
                let _ = write!(s, "{{{{{name} {}}}}}", b.pipe);
                s.push_str(&b.list.render(quote_text));
                if let Some(e) = &b.else_list {
                    s.push_str("{{else}}");
                    s.push_str(&e.render(quote_text));
                }
                s.push_str("{{end}}");
            }
            Node::Template { name, pipe, .. } => {
                let q = crate::fmt::quote(name);
                match pipe {
                    Some(p) => {
                        let _ = write!(s, "{{{{template {q} {p}}}}}");
                    }
                    None => {
                        let _ = write!(s, "{{{{template {q}}}}}");
                    }
                }
            }
            Node::Break { .. } => s.push_str("{{break}}"),
            Node::Continue { .. } => s.push_str("{{continue}}"),
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s, false);
        f.write_str(&s)
    }
}

/// Whether a tree holds nothing but space (Go's `IsEmptyTree`): such a definition never
/// replaces an existing one.
pub fn is_empty_list(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text { text, .. } => text.trim_matches(|c: char| c.is_whitespace()).is_empty(),
        _ => false,
    })
}
