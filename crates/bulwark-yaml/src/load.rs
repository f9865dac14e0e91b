//! Event stream (saphyr-parser) to node trees.

use std::collections::HashMap;
use std::fmt;

use bulwark_core::Span;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle as SaphyrStyle, Tag};

use crate::explain::explain;
use crate::node::{Document, Entry, Node, NodeKind, Scalar, ScalarStyle, Value};
use crate::resolve::{Profile, decode_go_base64, is_go_yaml_timestamp, resolve_plain};

/// A YAML syntax or structure error with the position where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct YamlError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// Byte offset.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid YAML at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Limits and resolution for [`load_str_with`].
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    pub profile: Profile,
    /// Most nodes that alias expansion may create in one stream (defeats "billion laughs").
    pub max_alias_nodes: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            profile: Profile::GoYamlV2,
            max_alias_nodes: 1_000_000,
            max_depth: 512,
        }
    }
}

/// Loads every document of a YAML stream with the go-yaml v2 profile.
pub fn load_str(text: &str) -> Result<Vec<Document>, YamlError> {
    load_str_with(text, LoadOptions::default())
}

/// Loads every document of a YAML stream.
///
/// libyaml, and so go-yaml, accepts some indentation the YAML 1.2 scanner rejects: flow
/// collections whose continuation lines are indented less than the enclosing block (a
/// closing `]` under its key, for instance), and quoted strings whose continuation lines are
/// not indented at all. Such lines are re-indented and parsed again (indentation there does
/// not change any value); spans are mapped back to the original text.
pub fn load_str_with(text: &str, options: LoadOptions) -> Result<Vec<Document>, YamlError> {
    let mut fixed = std::borrow::Cow::Borrowed(text);
    let mut inserted: Vec<Insertion> = Vec::new();
    let mut attempts = 0;
    loop {
        let mut loader = Loader {
            text: &fixed,
            offsets: CharOffsets::new(&fixed),
            options,
            anchors: HashMap::new(),
            alias_nodes: 0,
        };
        match loader.run() {
            Ok(mut docs) => {
                if !inserted.is_empty() {
                    for d in &mut docs {
                        d.span = map_span(d.span, &inserted);
                        map_node(&mut d.root, &inserted);
                    }
                }
                return Ok(docs);
            }
            Err(e) => {
                attempts += 1;
                let fixes = if attempts > MAX_INDENT_FIXES {
                    Vec::new()
                } else if e.message == "invalid indentation in quoted scalar" {
                    quoted_indentation_fix(&fixed, &e)
                } else {
                    flow_indentation_fix(&fixed, &e)
                        .map(|offset| vec![(offset, e.line, 1)])
                        .unwrap_or_default()
                };
                if fixes.is_empty() {
                    return Err(explain(text, map_error(e, &inserted)));
                }
                let mut s = fixed.into_owned();
                // Last line first, so earlier offsets stay valid; each space is recorded
                // at the offset it had when inserted.
                for &(offset, line, count) in fixes.iter().rev() {
                    for _ in 0..count {
                        s.insert(offset, ' ');
                        inserted.push(Insertion { offset, line });
                    }
                }
                fixed = std::borrow::Cow::Owned(s);
            }
        }
    }
}

/// Most re-parses with re-indented lines before an indentation error is reported.
const MAX_INDENT_FIXES: usize = 64;

/// One space inserted at the start of a line (offset in the text as fixed so far).
#[derive(Debug, Clone, Copy)]
struct Insertion {
    offset: usize,
    line: u32,
}

/// Where to insert a space when `e` is an indentation error inside a flow collection.
fn flow_indentation_fix(text: &str, e: &YamlError) -> Option<usize> {
    if e.message != "invalid indentation" && e.message != "invalid indentation in flow construct" {
        return None;
    }
    let line_start = text[..e.offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let first = text[line_start..].trim_start_matches(' ').chars().next()?;
    let in_flow = e.message != "invalid indentation" || matches!(first, ']' | '}' | ',');
    in_flow.then_some(line_start)
}

/// For a quoted scalar (opening quote at `e.offset`) whose continuation lines are indented
/// too little, the spaces to insert: `(line start offset, 1-based line, count)` for each
/// continuation line indented less than the content of the line the quote opens on.
/// libyaml does not check indentation inside quoted scalars, and leading spaces of
/// continuation lines are folded away, so the value does not change.
fn quoted_indentation_fix(text: &str, e: &YamlError) -> Vec<(usize, u32, usize)> {
    let start = e.offset.min(text.len());
    let Some(quote) = text[start..]
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')
    else {
        return Vec::new();
    };
    // Find the closing quote.
    let bytes = text.as_bytes();
    let mut i = start + 1;
    let close = loop {
        match bytes.get(i) {
            None => return Vec::new(),
            Some(b'\\') if quote == '"' => i += 2,
            Some(b'\'') if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            Some(&c) if c == quote as u8 => break i,
            Some(_) => i += 1,
        }
    };
    // Content column of the opening line: after its indentation and any `- ` markers.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let head = &text[line_start..start];
    let mut content = head.len() - head.trim_start_matches(' ').len();
    while head[content..].starts_with("- ") {
        content += 2;
        content += head[content..].len() - head[content..].trim_start_matches(' ').len();
    }
    let needed = content + 1;
    let mut line = e.line;
    let mut fixes = Vec::new();
    for (pos, _) in text[start..close].match_indices('\n') {
        line += 1;
        let ls = start + pos + 1;
        let indent = text[ls..].len() - text[ls..].trim_start_matches(' ').len();
        let blank = text[ls + indent..].starts_with(['\n', '\r']);
        if indent < needed && !blank {
            fixes.push((ls, line, needed - indent));
        }
    }
    fixes
}

fn map_offset(mut o: usize, inserted: &[Insertion]) -> usize {
    for ins in inserted.iter().rev() {
        if o > ins.offset {
            o -= 1;
        }
    }
    o
}

fn map_span(mut s: Span, inserted: &[Insertion]) -> Span {
    for ins in inserted.iter().rev() {
        if s.start > ins.offset {
            s.start -= 1;
        }
        if s.end > ins.offset {
            s.end -= 1;
        }
        if s.start_line == ins.line && s.start_column > 1 {
            s.start_column -= 1;
        }
        if s.end_line == ins.line && s.end_column > 1 {
            s.end_column -= 1;
        }
    }
    s
}

fn map_node(n: &mut Node, inserted: &[Insertion]) {
    n.span = map_span(n.span, inserted);
    match &mut n.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Sequence(items) => items.iter_mut().for_each(|i| map_node(i, inserted)),
        NodeKind::Mapping(entries) => entries.iter_mut().for_each(|e| {
            map_node(&mut e.key, inserted);
            map_node(&mut e.value, inserted);
        }),
    }
}

fn map_error(mut e: YamlError, inserted: &[Insertion]) -> YamlError {
    let count = inserted.iter().filter(|i| i.line == e.line).count() as u32;
    e.offset = map_offset(e.offset, inserted);
    e.column = e.column.saturating_sub(count).max(1);
    e
}

fn describe_value(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::UInt(_) => "an unsigned 64-bit integer",
        Value::Float(_) => "a float",
        Value::String(_) => "a string",
    }
}

/// Converts saphyr's character indices to byte offsets.
struct CharOffsets {
    /// `None` when the text is ASCII (indices are offsets).
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            t.push(text.len());
            t
        });
        CharOffsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

enum Frame {
    Sequence {
        start: Span,
        anchor: usize,
        tag: Option<String>,
        items: Vec<Node>,
    },
    Mapping {
        start: Span,
        anchor: usize,
        tag: Option<String>,
        entries: Vec<Entry>,
        /// Index of each key (as a JSON key) in `entries`.
        index: HashMap<String, usize>,
        /// Keys written explicitly (not merged), for the YAML 1.2 merge order.
        explicit: Vec<bool>,
        key: Option<Node>,
    },
}

struct Loader<'a> {
    text: &'a str,
    offsets: CharOffsets,
    options: LoadOptions,
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
}

fn node_count(n: &Node) -> usize {
    match &n.kind {
        NodeKind::Scalar(_) => 1,
        NodeKind::Sequence(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        NodeKind::Mapping(e) => {
            1 + e
                .iter()
                .map(|e| node_count(&e.key) + node_count(&e.value))
                .sum::<usize>()
        }
    }
}

/// The tag in its short form: `!!int` for `tag:yaml.org,2002:int` however it was written
/// (`!!int`, `!<tag:yaml.org,2002:int>`), as go-yaml's `shortTag` does.
fn tag_string(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        return format!("!!{}", tag.suffix);
    }
    if let Some(rest) = tag.suffix.strip_prefix("tag:yaml.org,2002:")
        && (tag.handle.is_empty() || tag.handle == "!")
    {
        return format!("!!{rest}");
    }
    tag.to_string()
}

impl Loader<'_> {
    fn span(&self, start: Marker, end: Marker) -> Span {
        Span {
            start: self.offsets.byte(start.index()),
            end: self.offsets.byte(end.index()),
            start_line: start.line() as u32,
            start_column: start.col() as u32 + 1,
            end_line: end.line() as u32,
            end_column: end.col() as u32 + 1,
        }
    }

    fn error_at(&self, m: Marker, message: impl Into<String>) -> YamlError {
        YamlError {
            line: m.line() as u32,
            column: m.col() as u32 + 1,
            offset: self.offsets.byte(m.index()),
            message: message.into(),
        }
    }

    fn error_span(&self, s: Span, message: impl Into<String>) -> YamlError {
        YamlError {
            line: s.start_line,
            column: s.start_column,
            offset: s.start,
            message: message.into(),
        }
    }

    fn run(&mut self) -> Result<Vec<Document>, YamlError> {
        let mut parser = Parser::new_from_str(self.text);
        let mut docs = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut doc_start: Option<(Span, bool)> = None;
        let mut root: Option<Node> = None;
        while let Some(ev) = parser.next_event() {
            let (ev, sp) = ev.map_err(|e| self.error_at(*e.marker(), e.info()))?;
            let span = self.span(sp.start, sp.end);
            let finished: Option<Node> = match ev {
                Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
                Event::DocumentStart(explicit) => {
                    doc_start = Some((span, explicit));
                    self.anchors.clear();
                    None
                }
                Event::DocumentEnd => {
                    let (start, explicit) = doc_start.take().unwrap_or((span, false));
                    let root_node = root.take().unwrap_or_else(|| Node::null(start));
                    let end = if root_node.span.end >= start.end {
                        root_node.span
                    } else {
                        start
                    };
                    docs.push(Document {
                        index: docs.len(),
                        span: start.to(end),
                        explicit_start: explicit,
                        root: root_node,
                    });
                    None
                }
                Event::Alias(id) => {
                    let Some((node, count)) = self.anchors.get(&id) else {
                        let name = self.text[span.start..span.end].trim_start_matches('*');
                        return Err(self.error_span(
                            span,
                            format!(
                                "unknown alias `*{name}`: no anchor `&{name}` is defined before it in this document"
                            ),
                        ));
                    };
                    self.alias_nodes += count;
                    if self.alias_nodes > self.options.max_alias_nodes {
                        return Err(self.error_span(
                            span,
                            format!(
                                "alias expansion exceeds {} nodes",
                                self.options.max_alias_nodes
                            ),
                        ));
                    }
                    Some(node.clone())
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let tag = tag.map(|t| tag_string(&t));
                    let node = self.scalar(span, &text, style, tag)?;
                    self.remember(anchor, &node);
                    Some(node)
                }
                Event::SequenceStart(anchor, tag) => {
                    if stack.len() >= self.options.max_depth {
                        return Err(self.error_span(span, "nesting too deep"));
                    }
                    stack.push(Frame::Sequence {
                        start: span,
                        anchor,
                        tag: tag.map(|t| tag_string(&t)),
                        items: Vec::new(),
                    });
                    None
                }
                Event::MappingStart(anchor, tag) => {
                    if stack.len() >= self.options.max_depth {
                        return Err(self.error_span(span, "nesting too deep"));
                    }
                    stack.push(Frame::Mapping {
                        start: span,
                        anchor,
                        tag: tag.map(|t| tag_string(&t)),
                        entries: Vec::new(),
                        index: HashMap::new(),
                        explicit: Vec::new(),
                        key: None,
                    });
                    None
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Frame::Sequence {
                        start,
                        anchor,
                        tag,
                        items,
                    }) => {
                        let end = items.last().map(|n| n.span).unwrap_or(span);
                        let end = if span.end > end.end && self.is_flow_close(span, b']') {
                            span
                        } else {
                            end
                        };
                        let node = Node {
                            span: start.to(end),
                            kind: NodeKind::Sequence(items),
                            tag,
                        };
                        self.remember(anchor, &node);
                        Some(node)
                    }
                    _ => return Err(self.error_span(span, "unexpected end of sequence")),
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Frame::Mapping {
                        start,
                        anchor,
                        tag,
                        entries,
                        ..
                    }) => {
                        let end = entries.last().map(|e| e.value.span).unwrap_or(span);
                        let end = if span.end > end.end && self.is_flow_close(span, b'}') {
                            span
                        } else {
                            end
                        };
                        let node = Node {
                            span: start.to(end),
                            kind: NodeKind::Mapping(entries),
                            tag,
                        };
                        self.remember(anchor, &node);
                        Some(node)
                    }
                    _ => return Err(self.error_span(span, "unexpected end of mapping")),
                },
            };
            if let Some(node) = finished {
                match stack.last_mut() {
                    None => root = Some(node),
                    Some(Frame::Sequence { items, .. }) => items.push(node),
                    Some(Frame::Mapping { key, .. }) if key.is_none() => *key = Some(node),
                    Some(Frame::Mapping {
                        entries,
                        index,
                        explicit,
                        key,
                        ..
                    }) => {
                        let k = key.take().unwrap_or_else(|| Node::null(node.span));
                        self.insert(entries, index, explicit, k, node)?;
                    }
                }
            }
        }
        Ok(docs)
    }

    /// Whether the event span ends just after a flow collection's closing bracket.
    fn is_flow_close(&self, span: Span, bracket: u8) -> bool {
        span.end > 0 && self.text.as_bytes().get(span.end - 1) == Some(&bracket)
            || self.text.as_bytes().get(span.start) == Some(&bracket)
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.clone(), node_count(node)));
        }
    }

    fn scalar(
        &self,
        span: Span,
        text: &str,
        style: SaphyrStyle,
        tag: Option<String>,
    ) -> Result<Node, YamlError> {
        let style = match style {
            SaphyrStyle::Plain => ScalarStyle::Plain,
            SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            SaphyrStyle::Literal => ScalarStyle::Literal,
            SaphyrStyle::Folded => ScalarStyle::Folded,
        };
        let value = match tag.as_deref() {
            None if style == ScalarStyle::Plain => resolve_plain(text, self.options.profile),
            None => Value::String(text.into()),
            Some(t) => self.tagged_value(span, text, t)?,
        };
        Ok(Node {
            span,
            kind: NodeKind::Scalar(Scalar {
                text: text.into(),
                style,
                value,
            }),
            tag,
        })
    }

    /// The value of a scalar with an explicit tag, as go-yaml v2's `resolve` gives it: `!!str`
    /// takes any text, `!!binary` is base64, the other core tags must resolve to their own
    /// kind (an integer is accepted as a float), and any other tag leaves the text a string.
    /// Quoting does not matter once a tag is written (`!!int "12"` is 12).
    fn tagged_value(&self, span: Span, text: &str, tag: &str) -> Result<Value, YamlError> {
        let profile = self.options.profile;
        let go = profile == Profile::GoYamlV2;
        match tag {
            "!!binary" => decode_go_base64(text)
                .map(Value::String)
                .ok_or_else(|| self.error_span(span, "`!!binary` value is not valid base64 data")),
            "!!null" | "!!bool" | "!!int" | "!!float" | "!!timestamp" => {
                let v = resolve_plain(text, profile);
                match (tag, v) {
                    ("!!null", v @ Value::Null)
                    | ("!!bool", v @ Value::Bool(_))
                    | ("!!int", v @ (Value::Int(_) | Value::UInt(_)))
                    | ("!!float", v @ Value::Float(_)) => Ok(v),
                    ("!!float", Value::Int(i)) => Ok(Value::Float(i as f64)),
                    // go-yaml v2 converts only signed integers for `!!float`.
                    ("!!float", Value::UInt(u)) if !go => Ok(Value::Float(u as f64)),
                    // go-yaml v2 decodes timestamps into `interface{}` as the text written.
                    ("!!timestamp", Value::String(s)) if !go || is_go_yaml_timestamp(&s) => {
                        Ok(Value::String(s))
                    }
                    (_, v) => Err(self.error_span(
                        span,
                        format!(
                            "cannot decode `{text}` as `{tag}`: it reads as {}",
                            describe_value(&v)
                        ),
                    )),
                }
            }
            _ => Ok(Value::String(text.into())),
        }
    }

    /// go-yaml v2's `isMerge`: the plain scalar `<<` (untagged or with the non-specific `!`),
    /// or `<<` tagged `!!merge`.
    fn is_merge_key(&self, key: &Node) -> bool {
        let NodeKind::Scalar(s) = &key.kind else {
            return false;
        };
        s.text == "<<"
            && match key.tag.as_deref() {
                None | Some("!") => s.style == ScalarStyle::Plain,
                Some(t) => t == "!!merge",
            }
    }

    fn insert(
        &self,
        entries: &mut Vec<Entry>,
        index: &mut HashMap<String, usize>,
        explicit: &mut Vec<bool>,
        key: Node,
        value: Node,
    ) -> Result<(), YamlError> {
        if self.is_merge_key(&key) {
            let sources: Vec<&Node> = match &value.kind {
                NodeKind::Mapping(_) => vec![&value],
                NodeKind::Sequence(items) if items.iter().all(Node::is_mapping) => {
                    // Earlier maps take precedence: apply from last to first.
                    items.iter().rev().collect()
                }
                _ => {
                    return Err(self.error_span(
                        value.span,
                        "the value of a merge key `<<` must be a mapping or a sequence of mappings",
                    ));
                }
            };
            let go = self.options.profile == Profile::GoYamlV2;
            for src in sources {
                for e in src.entries() {
                    let k = e.key.key_string();
                    match index.get(&k) {
                        // go-yaml v2 lets merged values replace earlier keys; YAML 1.2 keeps
                        // explicit keys.
                        Some(&i) if go || !explicit[i] => {
                            entries[i] = e.clone();
                            explicit[i] = false;
                        }
                        Some(_) => {}
                        None => {
                            index.insert(k, entries.len());
                            entries.push(e.clone());
                            explicit.push(false);
                        }
                    }
                }
            }
            return Ok(());
        }
        if self.options.profile == Profile::GoYamlV2 && !matches!(key.kind, NodeKind::Scalar(_)) {
            let what = if key.is_mapping() {
                "mapping"
            } else {
                "sequence"
            };
            return Err(self.error_span(
                key.span,
                format!("a {what} cannot be a mapping key (go-yaml: invalid map key)"),
            ));
        }
        let k = key.key_string();
        match index.get(&k) {
            Some(&i) => {
                entries[i] = Entry { key, value };
                explicit[i] = true;
            }
            None => {
                index.insert(k, entries.len());
                entries.push(Entry { key, value });
                explicit.push(true);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut docs = load_str(text).expect("valid yaml");
        assert_eq!(docs.len(), 1);
        docs.remove(0).root
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: web\n    image: \"nginx\"\n";
        let root = one(text);
        let image = root
            .path(&["spec", "containers"])
            .and_then(|c| c.items().first())
            .and_then(|c| c.get("image"))
            .expect("image");
        assert_eq!(image.as_str(), Some("nginx"));
        assert_eq!((image.span.start_line, image.span.start_column), (6, 12));
        assert_eq!(&text[image.span.start..image.span.end], "\"nginx\"");
        let kind = root.entry("kind").expect("kind");
        assert_eq!(&text[kind.key.span.start..kind.key.span.end], "kind");
    }

    #[test]
    fn multi_document_streams_and_flow_style() {
        let text =
            "---\n{ apiVersion: \"v1\", kind: Pod, }\n---\n# only a comment\n---\na: [1, 2]\n";
        let docs = load_str(text).expect("valid");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].root.get("kind").and_then(Node::as_str), Some("Pod"));
        assert!(docs[1].root.is_null());
        let a = docs[2].root.get("a").expect("a");
        assert_eq!(&text[a.span.start..a.span.end], "[1, 2]");
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        // (`y` would be the boolean `true` under go-yaml v2, hence `p`/`q`)
        let root =
            one("base: &b {p: 1, q: 2}\nm:\n  q: 0\n  <<: *b\n  z: 3\nr:\n  <<: [*b]\n  p: 9\n");
        let m = root.get("m").expect("m");
        // go-yaml v2: the merged value replaces the earlier explicit key
        assert_eq!(m.get("q").and_then(Node::as_i64), Some(2));
        assert_eq!(m.get("z").and_then(Node::as_i64), Some(3));
        let n = root.get("r").expect("r");
        assert_eq!(n.get("p").and_then(Node::as_i64), Some(9));
        assert_eq!(n.get("q").and_then(Node::as_i64), Some(2));
    }

    #[test]
    fn duplicate_keys_keep_the_last() {
        let root = one("a: 1\nb: 2\na: 3\n");
        assert_eq!(root.entries().len(), 2);
        assert_eq!(root.get("a").and_then(Node::as_i64), Some(3));
    }

    #[test]
    fn yaml11_words_as_keys_become_json_keys() {
        let root = one("on: push\n'yes': 1\n");
        assert!(root.get("true").is_some());
        assert!(root.get("yes").is_some());
        assert_eq!(
            root.to_json(),
            serde_json::json!({"true": "push", "yes": 1})
        );
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = load_str(&text).expect_err("must be bounded");
        assert!(err.message.contains("alias expansion"), "{err}");
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = load_str("a: 1\nb: [1, 2\nc: 3\n").expect_err("invalid");
        assert!(err.line >= 2, "{err}");
        let err = load_str("a: b: c\n").expect_err("invalid");
        assert_eq!(err.line, 1, "{err}");
    }

    #[test]
    fn flow_collections_may_close_at_the_key_indentation_as_in_libyaml() {
        let text = "spec:\n  args: [\n      \"-a\", \"b\",\n  ]\n  env: x\n";
        let root = one(text);
        let args = root.path(&["spec", "args"]).expect("args");
        assert_eq!(args.items().len(), 2);
        let env = root.path(&["spec", "env"]).expect("env");
        assert_eq!(&text[env.span.start..env.span.end], "x");
        assert_eq!((env.span.start_line, env.span.start_column), (5, 8));
        assert_eq!(
            &text[args.span.start..args.span.end],
            "[\n      \"-a\", \"b\",\n  ]"
        );
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "name: \"çé\"\nkind: Pod\n";
        let root = one(text);
        let k = root.get("kind").expect("kind");
        assert_eq!(&text[k.span.start..k.span.end], "Pod");
        assert_eq!(k.span.start_column, 7);
    }

    fn span_text<'t>(text: &'t str, n: &Node) -> &'t str {
        &text[n.span.start..n.span.end]
    }

    #[test]
    fn crlf_spans_and_columns_stay_right() {
        let text = "a: 1\r\nb:\r\n  - x\r\n  - \"y\"\r\nc: |\r\n  l1\r\n";
        let root = one(text);
        let b = root.get("b").expect("b");
        let y = &b.items()[1];
        assert_eq!(span_text(text, y), "\"y\"");
        assert_eq!((y.span.start_line, y.span.start_column), (4, 5));
        let c = root.entry("c").expect("c");
        assert_eq!(span_text(text, &c.key), "c");
        assert_eq!((c.key.span.start_line, c.key.span.start_column), (5, 1));
        assert_eq!(c.value.as_str(), Some("l1\n"));
    }

    #[test]
    fn multibyte_spans_are_bytes_and_columns_are_characters() {
        let text = "名前: 値\nemoji: \"😀\"\nnext: ok\n";
        let root = one(text);
        let e = root.entry("名前").expect("key");
        assert_eq!(span_text(text, &e.key), "名前");
        assert_eq!(span_text(text, &e.value), "値");
        assert_eq!(e.value.span.start_column, 5);
        let next = root.get("next").expect("next");
        assert_eq!(span_text(text, next), "ok");
        assert_eq!((next.span.start_line, next.span.start_column), (3, 7));
    }

    #[test]
    fn byte_order_mark_is_skipped_with_spans_after_it() {
        let text = "\u{feff}a: 1\n";
        let root = one(text);
        let a = root.entry("a").expect("a");
        assert_eq!(span_text(text, &a.key), "a");
        assert_eq!(span_text(text, &a.value), "1");
    }

    #[test]
    fn very_long_lines_load_with_exact_spans() {
        let long = "x".repeat(200_000);
        let text = format!("a: {long}\nb: [{}]\n", vec!["1"; 20_000].join(", "));
        let root = one(&text);
        assert_eq!(span_text(&text, root.get("a").expect("a")), long);
        let b = root.get("b").expect("b");
        assert_eq!(b.items().len(), 20_000);
        assert_eq!(b.span.end, text.len() - 1);
    }

    #[test]
    fn quoted_continuation_lines_without_indentation_keep_their_spans() {
        let text = "a: \"x\ny\"\nb: 1\n";
        let root = one(text);
        let a = root.get("a").expect("a");
        assert_eq!(a.as_str(), Some("x y"));
        assert_eq!(span_text(text, a), "\"x\ny\"");
        let b = root.get("b").expect("b");
        assert_eq!((b.span.start_line, b.span.start_column), (3, 4));
        assert_eq!(span_text(text, b), "1");
    }

    #[test]
    fn rejects_nothing_by_panicking_on_odd_inputs() {
        for text in [
            "\u{feff}",
            "\r",
            "\r\r\n",
            "---\r\n...\r\n",
            "\"\n",
            "'",
            "[",
            "{",
            "? ",
            ": ",
            "- \"a\n\"",
            "a: \"\\",
            "*",
            "&",
            "!",
            "!!int",
            "<<: *a",
            "\t",
            "a:\n\t- b",
        ] {
            let _ = load_str(text);
            let _ = load_str_with(
                text,
                LoadOptions {
                    profile: Profile::Yaml12Core,
                    ..LoadOptions::default()
                },
            );
        }
    }
}
