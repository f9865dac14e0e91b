//! From a rendered manifest back to the chart: the template file, line and column that
//! wrote a place of the output, and the values file line of each `.Values` key it printed.
//!
//! A traced render ([`crate::render_traced`]) says, for every output range, which template
//! node wrote it and which `.Values` paths the node printed. [`ChartSources`] turns that into
//! locations in the files a user edits: template positions (partials included, for output of
//! `include`), and, for each path, the line of the values file that set it — the last `-f`
//! file (or `ci/` variant) that has the key, else the chart's `values.yaml`, else the
//! `values.yaml` of the subchart it belongs to; `global` keys also resolve to the parent's
//! `global` section. A `toYaml .Values.x` block maps each nested key to its own line.

use std::collections::HashMap;

use bulwark_core::{Location, SourceFile, Span};
use bulwark_gotmpl::trace::display_path;
use bulwark_gotmpl::{PathSeg, Segment, Trace};
use bulwark_yaml::{Document, Node, NodeKind};

use crate::chart::Chart;
use crate::engine::Traces;
use crate::value::{Map, Value};

/// A values file that fed the render, with its parsed structure.
struct Layer {
    file: SourceFile,
    docs: Vec<Document>,
    /// The top-level path its root stands for (`["sub"]` for a subchart's `values.yaml`).
    prefix: Vec<String>,
}

/// Where a `.Values` path came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesOrigin {
    /// The key as written in its file (`image.tag`; for a subchart's own `values.yaml`,
    /// relative to that file).
    pub key: String,
    /// The file (`charts/web/values.yaml`, `-f` file as given) or `--set`.
    pub source: String,
    /// The key's place in the file (none for `--set`).
    pub location: Option<Location>,
}

impl ValuesOrigin {
    /// `` `image.tag` in charts/web/values.yaml:12 `` (or `` `image.tag` from --set ``).
    pub fn describe(&self) -> String {
        match &self.location {
            Some(l) => format!("`{}` in {}:{}", self.key, l.path, l.start_line),
            None => format!("`{}` from {}", self.key, self.source),
        }
    }
}

/// Where a place of the rendered output came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapped {
    /// The template text or action that wrote it.
    pub template: Option<Location>,
    /// The values it printed, most specific first.
    pub values: Vec<ValuesOrigin>,
}

/// The files of a rendered chart and the traces of its render.
pub struct ChartSources {
    /// By Helm's template name (`web/templates/deployment.yaml`).
    templates: HashMap<String, SourceFile>,
    /// Highest priority first.
    layers: Vec<Layer>,
    /// `--set` family values.
    set_values: Map,
    traces: Traces,
    /// By template name: the indexes of the trace's segments written by a chart file's
    /// node (not by text parsed at run time).
    known: HashMap<String, Vec<usize>>,
}

/// `dir/rest` without `./` noise.
fn join(dir: &str, rest: &str) -> String {
    match dir {
        "" | "." => rest.to_owned(),
        d => format!("{}/{rest}", d.trim_end_matches('/')),
    }
}

impl ChartSources {
    /// `root` is how the chart is shown (its folder or archive path); `chart` is the chart as
    /// rendered (after dependency processing); `user_files` are the `-f` files in the order
    /// given (later ones win); `set_values` holds what `--set` and its siblings gave.
    pub fn new(
        root: &str,
        chart: &Chart,
        user_files: Vec<SourceFile>,
        set_values: Map,
        traces: Traces,
    ) -> ChartSources {
        let mut templates = HashMap::new();
        let mut chart_layers = Vec::new();
        fn rec(
            c: &Chart,
            full: &str,
            dir: &str,
            prefix: &[String],
            templates: &mut HashMap<String, SourceFile>,
            layers: &mut Vec<Layer>,
        ) {
            for t in &c.templates {
                let text = String::from_utf8_lossy(&t.data).into_owned();
                templates.insert(
                    format!("{full}/{}", t.name),
                    SourceFile::new(join(dir, &t.name), text),
                );
            }
            if let Some(raw) = &c.raw_values {
                let text = String::from_utf8_lossy(raw).into_owned();
                let docs = bulwark_yaml::load_str(&text).unwrap_or_default();
                layers.push(Layer {
                    file: SourceFile::new(join(dir, "values.yaml"), text),
                    docs,
                    prefix: prefix.to_vec(),
                });
            }
            for d in &c.dependencies {
                let mut p = prefix.to_vec();
                p.push(d.name().to_owned());
                let sub_dir = if d.origin.is_empty() {
                    join(dir, &format!("charts/{}", d.name()))
                } else {
                    join(dir, &d.origin)
                };
                rec(
                    d,
                    &format!("{full}/charts/{}", d.name()),
                    &sub_dir,
                    &p,
                    templates,
                    layers,
                );
            }
        }
        rec(
            chart,
            chart.name(),
            root,
            &[],
            &mut templates,
            &mut chart_layers,
        );
        // Parents before subcharts: a parent's values override its subcharts' defaults.
        chart_layers.sort_by_key(|l| l.prefix.len());
        let mut layers: Vec<Layer> = user_files
            .into_iter()
            .rev()
            .map(|file| Layer {
                docs: bulwark_yaml::load_str(file.text()).unwrap_or_default(),
                file,
                prefix: Vec::new(),
            })
            .collect();
        layers.extend(chart_layers);
        let mut known = HashMap::new();
        // Whether a parsed text is its file's, by the text's address (every node of one
        // parse shares it).
        let mut is_file: HashMap<(usize, usize), bool> = HashMap::new();
        for (name, trace) in &traces {
            let idx: Vec<usize> = trace
                .segments
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let key = (s.source.as_ptr() as usize, s.source.len());
                    *is_file.entry(key).or_insert_with(|| {
                        templates
                            .get(&*s.template)
                            .is_some_and(|f| f.text() == &*s.source)
                    })
                })
                .map(|(i, _)| i)
                .collect();
            known.insert(name.clone(), idx);
        }
        ChartSources {
            templates,
            layers,
            set_values,
            traces,
            known,
        }
    }

    /// The template and values files, for snippets.
    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.templates
            .values()
            .chain(self.layers.iter().map(|l| &l.file))
    }

    /// The template named `name` by Helm (`web/templates/x.yaml`).
    pub fn template(&self, name: &str) -> Option<&SourceFile> {
        self.templates.get(name)
    }

    /// The values file shown as `path`, with its YAML structure.
    pub fn values_file(&self, path: &str) -> Option<(&SourceFile, &[Document])> {
        self.layers
            .iter()
            .find(|l| l.file.path() == path)
            .map(|l| (&l.file, l.docs.as_slice()))
    }

    /// The template shown as `path`, with its suppressing Go comments rewritten as `#`
    /// comments (see [`template_suppression_text`]), if it has any `bulwark:ignore`.
    pub fn template_comments(&self, path: &str) -> Option<SourceFile> {
        let t = self.templates.values().find(|t| t.path() == path)?;
        t.text()
            .contains("bulwark:ignore")
            .then(|| SourceFile::new(t.path(), template_suppression_text(t.text())))
    }

    /// The trace of template `name`'s render.
    pub fn trace(&self, name: &str) -> Option<&Trace> {
        self.traces.get(name)
    }

    /// Maps bytes `start..end` of the output of template `name` (`rendered`, parsed as
    /// `docs`) back to the chart.
    pub fn map(
        &self,
        name: &str,
        rendered: &str,
        docs: &[Document],
        start: usize,
        end: usize,
    ) -> Mapped {
        let Some(trace) = self.traces.get(name) else {
            return Mapped::default();
        };
        let known: Vec<&Segment> = self
            .known
            .get(name)
            .map(|idx| idx.iter().filter_map(|&i| trace.segments.get(i)).collect())
            .unwrap_or_default();
        let end = end.max(start + 1);
        // The most specific segment holding the start.
        let at_start = known
            .iter()
            .filter(|s| s.start <= start && start < s.end)
            .max_by(|a, b| {
                a.depth
                    .cmp(&b.depth)
                    .then_with(|| (b.end - b.start).cmp(&(a.end - a.start)))
            })
            .copied();
        let one_line = !rendered
            .get(start..end.min(rendered.len()))
            .unwrap_or("")
            .trim_end()
            .contains('\n');
        // On one line, the actions that wrote the value count (not the key's text);
        // innermost ones only.
        let leaves: Vec<&Segment> = if one_line {
            let overlapping: Vec<&Segment> = known
                .iter()
                .filter(|s| s.start < end && start < s.end)
                .copied()
                .collect();
            overlapping
                .iter()
                .filter(|s| {
                    s.action
                        && !overlapping
                            .iter()
                            .any(|o| o.depth > s.depth && o.start >= s.start && o.end <= s.end)
                })
                .copied()
                .collect()
        } else {
            Vec::new()
        };
        let primary = leaves.first().copied().or(at_start);
        let Some(primary) = primary else {
            return Mapped::default();
        };
        let template = self.template_location(primary, rendered, start, end);
        let mut values = Vec::new();
        let sources: Vec<&Segment> = if leaves.is_empty() {
            vec![primary]
        } else {
            leaves
        };
        for s in sources {
            for id in &s.origins {
                let id = refine(trace, docs, s, start, *id);
                let (_, steps) = trace.index.path(id);
                if let Some(o) = self.resolve(&steps)
                    && !values.contains(&o)
                {
                    values.push(o);
                }
            }
        }
        Mapped { template, values }
    }

    /// The template file a segment's node was parsed from (only asked for segments of
    /// `known`, whose source is the file's text).
    fn file_of(&self, s: &Segment) -> Option<&SourceFile> {
        self.templates.get(&*s.template)
    }

    fn template_location(
        &self,
        s: &Segment,
        rendered: &str,
        start: usize,
        end: usize,
    ) -> Option<Location> {
        let file = self.file_of(s)?;
        let src = file.text();
        let pos = s.pos.min(src.len());
        if s.action {
            // `{{ … }}` around the pipeline.
            let a = src[..pos].rfind("{{").unwrap_or(pos);
            let b = src[pos..].find("}}").map_or(src.len(), |i| pos + i + 2);
            return Some(Location::new(file.path(), file.span(a, b)));
        }
        // Literal text: the same bytes in the template (an included helper's text may
        // have been re-indented on the way).
        let from = start.clamp(s.start, s.end);
        let line_end = rendered[from..]
            .find('\n')
            .map_or(rendered.len(), |i| from + i);
        let to = end.min(s.end).min(line_end).max(from);
        let a = pos + follow(&rendered[s.start..from], &src[pos..]);
        let b = a + follow(&rendered[from..to], &src[a..]);
        Some(Location::new(file.path(), file.span(a, b.max(a))))
    }

    /// The values file line (or `--set` flag) that set top-level path `steps`.
    pub fn resolve(&self, steps: &[PathSeg]) -> Option<ValuesOrigin> {
        if steps.is_empty() {
            return None;
        }
        if lookup_value(&self.set_values, steps) {
            return Some(ValuesOrigin {
                key: display_path(steps),
                source: "--set".into(),
                location: None,
            });
        }
        for layer in &self.layers {
            let Some(rest) = strip_prefix(steps, &layer.prefix) else {
                continue;
            };
            if rest.is_empty() {
                continue;
            }
            if let Some(span) = layer.docs.first().and_then(|d| find_node(&d.root, rest)) {
                return Some(ValuesOrigin {
                    key: display_path(rest),
                    source: layer.file.path().to_owned(),
                    location: Some(Location::new(layer.file.path(), span)),
                });
            }
        }
        // A subchart's `global` values come from the parent's `global`.
        let g = steps
            .iter()
            .position(|s| matches!(s, PathSeg::Key(k) if k == "global"))?;
        if g > 0 {
            return self.resolve(&steps[g..]);
        }
        None
    }
}

/// How many bytes of `template` spell `rendered` (the same bytes, white space aside).
fn follow(rendered: &str, template: &str) -> usize {
    let (r, t) = (rendered.as_bytes(), template.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < r.len() && j < t.len() {
        if r[i] == t[j] {
            i += 1;
            j += 1;
        } else if r[i].is_ascii_whitespace() {
            i += 1;
        } else if t[j].is_ascii_whitespace() {
            j += 1;
        } else {
            break;
        }
    }
    // Stay on a character boundary.
    while j < template.len() && !template.is_char_boundary(j) {
        j += 1;
    }
    j
}

fn strip_prefix<'a>(steps: &'a [PathSeg], prefix: &[String]) -> Option<&'a [PathSeg]> {
    if steps.len() < prefix.len() {
        return None;
    }
    for (s, p) in steps.iter().zip(prefix) {
        match s {
            PathSeg::Key(k) if k == p => {}
            _ => return None,
        }
    }
    Some(&steps[prefix.len()..])
}

/// Whether `steps` (or a prefix of it holding a scalar) is set in `map`.
fn lookup_value(map: &Map, steps: &[PathSeg]) -> bool {
    let mut cur: Option<&Value> = None;
    for (i, s) in steps.iter().enumerate() {
        let next = match (cur, s) {
            (None, PathSeg::Key(k)) if i == 0 => map.get(k),
            (Some(Value::Map(m)), PathSeg::Key(k)) => m.get(k),
            (Some(Value::List(l)), PathSeg::Index(n)) => l.get(*n),
            (Some(_), _) => return true,
            _ => None,
        };
        match next {
            Some(v) => cur = Some(v),
            None => return false,
        }
    }
    cur.is_some()
}

/// The span naming `steps` in a values document: `key: scalar` for a scalar, the key for
/// a map or list, the item for a list item.
fn find_node(root: &Node, steps: &[PathSeg]) -> Option<Span> {
    let mut node = root;
    let mut span = root.span;
    for s in steps {
        match s {
            PathSeg::Key(k) => {
                let e = node.entry(k)?;
                span = if matches!(e.value.kind, NodeKind::Scalar(_)) {
                    e.key.span.to(e.value.span)
                } else {
                    e.key.span
                };
                node = &e.value;
            }
            PathSeg::Index(i) => {
                let item = node.as_sequence()?.get(*i)?;
                span = match &item.kind {
                    NodeKind::Mapping(entries) => entries.first().map_or(item.span, |e| {
                        if matches!(e.value.kind, NodeKind::Scalar(_)) {
                            e.key.span.to(e.value.span)
                        } else {
                            e.key.span
                        }
                    }),
                    _ => item.span,
                };
                node = item;
            }
        }
    }
    Some(span)
}

/// The keys and items from a document's root to the deepest node holding `offset`, each
/// with the node it leads to.
fn path_to(docs: &[Document], offset: usize) -> Vec<(PathSeg, &Node)> {
    let mut out = Vec::new();
    let Some(doc) = docs.iter().find(|d| {
        d.root.span.start <= offset && offset < d.root.span.end.max(d.root.span.start + 1)
    }) else {
        return out;
    };
    let mut node = &doc.root;
    loop {
        let next = match &node.kind {
            NodeKind::Mapping(entries) => entries.iter().find_map(|e| {
                let in_key = e.key.span.start <= offset && offset < e.key.span.end;
                let in_value = e.value.span.start <= offset && offset < e.value.span.end;
                (in_key || in_value).then(|| {
                    let key = e.key.scalar_text().unwrap_or_default().to_owned();
                    (PathSeg::Key(key), &e.value, in_key)
                })
            }),
            NodeKind::Sequence(items) => items.iter().enumerate().find_map(|(i, n)| {
                (n.span.start <= offset && offset < n.span.end).then_some((
                    PathSeg::Index(i),
                    n,
                    false,
                ))
            }),
            NodeKind::Scalar(_) => None,
        };
        match next {
            Some((seg, child, stop)) => {
                out.push((seg, child));
                if stop {
                    break;
                }
                node = child;
            }
            None => break,
        }
    }
    out
}

/// For an action that printed a map or list from the values (`toYaml .Values.x`): the
/// path of the nested key at `offset`, as deep as the values have it.
fn refine(trace: &Trace, docs: &[Document], s: &Segment, offset: usize, id: u32) -> u32 {
    let steps = path_to(docs, offset);
    // The first node the action wrote stands for the printed value.
    let Some(root) = steps
        .iter()
        .position(|(_, n)| n.span.start >= s.start && n.span.start < s.end)
    else {
        return id;
    };
    let mut cur = id;
    for (seg, _) in &steps[root + 1..] {
        match trace.index.child(cur, seg) {
            Some(c) => cur = c,
            None => break,
        }
    }
    cur
}

/// A template's text with Go comments that suppress findings
/// (`{{- /* bulwark:ignore KUB012 reason */ -}}`) rewritten as `#` comments of the same
/// length, so the usual `bulwark:ignore` parsing finds them at their line.
pub fn template_suppression_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let (before, tail) = rest.split_at(open);
        out.push_str(before);
        // `{{`, an optional trim marker and blanks, then `/*`.
        let inner = tail[2..].strip_prefix('-').unwrap_or(&tail[2..]);
        let inner = inner.trim_start_matches([' ', '\t']);
        let comment = inner.strip_prefix("/*").and_then(|body| {
            let close = body.find("*/")?;
            let text = body[..close].trim();
            let after = body[close + 2..].trim_start_matches([' ', '\t']);
            let after = after.strip_prefix('-').unwrap_or(after);
            let after = after.strip_prefix("}}")?;
            let whole = tail.len() - after.len();
            (text.starts_with("bulwark:ignore") && !tail[..whole].contains('\n'))
                .then_some((text, whole))
        });
        match comment {
            Some((body, whole)) => {
                let mut line = format!("# {body}");
                if line.len() > whole {
                    line.truncate(whole);
                }
                while line.len() < whole {
                    line.push(' ');
                }
                out.push_str(&line);
                rest = &tail[whole..];
            }
            None => {
                out.push_str("{{");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The lines an own-line `bulwark:ignore` comment in a template covers when the next
/// content line is `line`: that line and every following line indented deeper, template
/// actions on lines of their own aside.
pub fn template_extent(file: &SourceFile, line: u32) -> Option<(u32, u32)> {
    let indent = |t: &str| t.len() - t.trim_start().len();
    let action_only = |t: &str| {
        let t = t.trim();
        t.starts_with("{{") && t.ends_with("}}")
    };
    let mut first = line;
    // Skip template actions standing alone (`{{- if … }}`): the comment is about the YAML
    // they guard.
    while let Some(t) = file.line(first) {
        if !action_only(t) {
            break;
        }
        first += 1;
    }
    let head = file.line(first)?;
    let base = indent(head);
    let head_is_item = head.trim_start().starts_with('-');
    let mut last = first;
    let mut l = first + 1;
    while let Some(t) = file.line(l) {
        let trimmed = t.trim();
        if !(trimmed.is_empty() || trimmed.starts_with('#') || action_only(t)) {
            let i = indent(t);
            if i < base || (i == base && (head_is_item || !trimmed.starts_with('-'))) {
                break;
            }
            last = l;
        }
        l += 1;
    }
    Some((line, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_comments_become_hash_comments_of_the_same_length() {
        let t = "a: 1\n  {{- /* bulwark:ignore KUB012 needs root */ -}}\nb: {{ .x }} {{/* bulwark:ignore KUB050 vendor */}}\n{{/* other */}}";
        let s = template_suppression_text(t);
        assert_eq!(s.len(), t.len());
        assert_eq!(
            s.lines().nth(1).map(str::trim_end),
            Some("  # bulwark:ignore KUB012 needs root")
        );
        assert!(s.contains("{{ .x }} # bulwark:ignore KUB050 vendor"));
        assert!(s.ends_with("{{/* other */}}"));
    }

    #[test]
    fn template_extent_follows_indentation() {
        let f = SourceFile::new(
            "t.yaml",
            "spec:\n  {{- if .x }}\n  securityContext:\n    {{- toYaml .y | nindent 4 }}\n    a: 1\n  other: 2\n",
        );
        assert_eq!(template_extent(&f, 2), Some((2, 5)));
    }

    #[test]
    fn follow_skips_added_indentation() {
        assert_eq!(follow("a:\n    b", "a:\n  b: 1"), 6);
        assert_eq!(follow("", "x"), 0);
    }
}
