//! Helm's rendering engine (`pkg/engine` of Helm v4): every template of the chart and of
//! its enabled subcharts is parsed into one template set (`missingkey=zero`), each
//! non-partial template is executed with its chart's data (`.Values` scoped to the
//! chart, `.Release`, `.Chart`, `.Capabilities`, `.Files`, `.Subcharts`, `.Template`),
//! `<no value>` is removed from outputs, and errors are reworded as Helm rewords them.
//!
//! Data follow Go's sharing: the maps of one chart's data are shared by all its templates
//! (and a subchart's `.Values` is the very map under its name in the parent's), so a
//! template that changes them with `set` is seen by the templates rendered after it, in
//! Helm's order.

mod files;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use bulwark_gotmpl::{
    Error, FuncError, FuncMap, Limits, Map as GoMap, MissingKey, Options, ParamType, SharedMap,
    Signature, TemplateSet, Trace, TraceIndex, Value as GoValue, with_limits_stack,
};
use bulwark_sprig::ChartContext;

pub use bulwark_gotmpl::{PathSeg, Segment};
pub use files::{Files, KubeVersionValue, VersionSet};

use crate::chart::Chart;
use crate::render::{Capabilities, RenderInput, templates};
use crate::value::Value;

/// Helm's limit on nested `include`s of one template name.
pub const RECURSION_MAX_NUMS: usize = 1000;

const WARN_START: &str = bulwark_sprig::helm::WARN_START;
const WARN_END: &str = bulwark_sprig::helm::WARN_END;

/// A render failed; the message is Helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A template does not parse (`parse error at (file:line): message`).
    #[error("{0}")]
    Parse(String),
    /// A template failed while executing (`execution error at (file:line:col): message`,
    /// or Helm v4's located form).
    #[error("{0}")]
    Execution(String),
}

/// The rendered templates: `{template path: text}`, partials excluded, `NOTES.txt`
/// included, empty outputs kept as `""`.
pub type Rendered = BTreeMap<String, String>;

/// `lookup` without a cluster: always an empty map (Helm's offline behaviour).
struct Offline;

impl ChartContext for Offline {
    fn lookup(&self, _: &str, _: &str, _: &str, _: &str) -> GoValue {
        GoValue::map(GoMap::new())
    }
}

/// Converts a Helm value to a template value (`--set` integers are Go `int64`).
pub fn template_value(v: &Value) -> GoValue {
    match v {
        Value::Null => GoValue::Nil,
        Value::Bool(b) => GoValue::Bool(*b),
        Value::Int(i) => GoValue::Int64(*i),
        Value::Float(f) => GoValue::Float(*f),
        Value::String(s) => GoValue::from(s.as_str()),
        Value::List(l) => GoValue::list(l.iter().map(template_value).collect()),
        Value::Map(m) => GoValue::map(
            m.iter()
                .map(|(k, v)| (k.clone(), template_value(v)))
                .collect(),
        ),
    }
}

fn capabilities_value(c: &Capabilities) -> GoValue {
    let hv = &c.helm_version;
    let mut helm = GoMap::new();
    helm.insert("Version".into(), GoValue::from(hv.version.as_str()));
    helm.insert("GitCommit".into(), GoValue::from(hv.git_commit.as_str()));
    helm.insert(
        "GitTreeState".into(),
        GoValue::from(hv.git_tree_state.as_str()),
    );
    helm.insert("GoVersion".into(), GoValue::from(hv.go_version.as_str()));
    helm.insert(
        "KubeClientVersion".into(),
        GoValue::from(hv.kube_client_version.as_str()),
    );
    let mut m = GoMap::new();
    m.insert(
        "KubeVersion".into(),
        GoValue::Opaque(Arc::new(KubeVersionValue {
            version: c.kube_version.version.clone(),
            major: c.kube_version.major.clone(),
            minor: c.kube_version.minor.clone(),
        })),
    );
    m.insert(
        "APIVersions".into(),
        GoValue::Opaque(Arc::new(VersionSet {
            versions: c.api_versions.clone(),
        })),
    );
    m.insert("HelmVersion".into(), GoValue::map(helm));
    GoValue::map(m)
}

/// One chart's data object (Go's `next` in `recAllTpls`), shared by its templates.
struct ChartData {
    data: SharedMap,
}

/// Builds the data objects of `chart` and its subcharts, keyed by full chart path.
fn chart_data(
    chart: &Chart,
    full: &str,
    is_root: bool,
    parent_values: &GoValue,
    release: &GoValue,
    capabilities: &GoValue,
    out: &mut HashMap<String, ChartData>,
) -> SharedMap {
    let values = if is_root {
        parent_values.clone()
    } else {
        match parent_values {
            GoValue::Map(m) => match m.get(chart.name()) {
                Some(v @ GoValue::Map(_)) => v,
                _ => GoValue::map(GoMap::new()),
            },
            _ => GoValue::map(GoMap::new()),
        }
    };
    let subcharts = SharedMap::new(GoMap::new());
    let mut m = GoMap::new();
    m.insert(
        "Chart".into(),
        template_value(&chart.metadata.to_template_value(is_root)),
    );
    m.insert(
        "Files".into(),
        GoValue::Opaque(Arc::new(Files::new(
            chart.files.iter().map(|f| (f.name.clone(), f.data.clone())),
        ))),
    );
    m.insert("Release".into(), release.clone());
    m.insert("Capabilities".into(), capabilities.clone());
    m.insert("Values".into(), values.clone());
    m.insert("Subcharts".into(), GoValue::Map(subcharts.clone()));
    let data = SharedMap::new(m);
    for dep in &chart.dependencies {
        let child_full = format!("{full}/charts/{}", dep.name());
        let child = chart_data(dep, &child_full, false, &values, release, capabilities, out);
        subcharts
            .write()
            .insert(dep.name().to_owned(), GoValue::Map(child));
    }
    out.insert(full.to_owned(), ChartData { data: data.clone() });
    data
}

/// Helm's `include` (with its per-name recursion limit) and `tpl` (parsed as `gotpl` into a
/// copy of the running set), on top of Sprig and Helm's other functions.
fn function_map() -> FuncMap {
    let mut map = bulwark_sprig::helm_functions(Arc::new(Offline));
    let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    map.insert_fn(
        "include",
        Signature::fixed(&[ParamType::String, ParamType::Any]),
        move |ctx, a| {
            let name = a.first().and_then(GoValue::as_str).unwrap_or_default();
            {
                let mut c = counts.lock().unwrap_or_else(PoisonError::into_inner);
                let n = c.entry(name.to_owned()).or_insert(0);
                if *n > RECURSION_MAX_NUMS {
                    return Err(FuncError::new(format!(
                        "rendering template has a nested reference name: {name}: unable to execute template"
                    )));
                }
                *n += 1;
            }
            let data = a.get(1).cloned().unwrap_or_default();
            let r = ctx.execute_template(name, &data);
            if let Some(n) = counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_mut(name)
            {
                *n = n.saturating_sub(1);
            }
            Ok(GoValue::from(r?))
        },
    );
    map.insert_fn(
        "tpl",
        Signature::fixed(&[ParamType::String, ParamType::Any]),
        |ctx, a| {
            let text = a.first().and_then(GoValue::as_str).unwrap_or_default();
            let data = a.get(1).cloned().unwrap_or_default();
            let root = ctx.template_set().name().to_owned();
            let quoted = bulwark_gotmpl::fmt::quote(text);
            match ctx.execute_text(&root, text, &data) {
                Ok(out) => Ok(GoValue::from(out.replace("<no value>", ""))),
                Err(e @ Error::Parse(_)) => Err(FuncError::new(format!(
                    "cannot parse template {quoted}: {e}"
                ))),
                Err(e) => {
                    let limit = matches!(&e, Error::Exec(x) if x.kind == bulwark_gotmpl::ExecErrorKind::Limit);
                    Err(FuncError {
                        message: format!("error during tpl function execution for {quoted}: {e}"),
                        limit,
                    })
                }
            }
        },
    );
    map
}

/// Helm's `cleanupParseError`.
fn parse_error_message(filename: &str, message: &str) -> String {
    let tokens: Vec<&str> = message.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {message}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

/// Helm v4's rewording of an execution error: `required`/`fail` messages as
/// `execution error at (location): message`; otherwise Go's chain of errors (each
/// `error calling include:` wraps the included template's error) becomes one
/// `location\n  executing "name" at <node>:\n    message` block per template, as long as
/// every link of the chain is a template error; a chain ending in another error (`error
/// calling index: index of nil pointer`, a failing `tpl`) keeps Go's one-line message.
fn exec_error_message(filename: &str, message: &str) -> String {
    let tokens: Vec<&str> = message.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {message}");
    }
    let location = tokens[1];
    if let Some(a) = tokens[2].find(WARN_START)
        && let Some(b) = tokens[2].rfind(WARN_END)
        && a + WARN_START.len() <= b
    {
        return format!(
            "execution error at ({location}): {}",
            &tokens[2][a + WARN_START.len()..b]
        );
    }
    let mut blocks = String::new();
    let mut rest = message;
    loop {
        let Some(link) = rest.strip_prefix("template: ") else {
            return message.to_owned();
        };
        let Some((location, body)) = link.split_once(": executing ") else {
            // `template: no template "x" associated with template "gotpl"`.
            blocks.push_str(rest);
            break;
        };
        let Some(at) = body.find(" at <") else {
            return message.to_owned();
        };
        let Some(end) = body[at..].find(">: ") else {
            return message.to_owned();
        };
        let head = &body[..at + end + 1];
        let msg = &body[at + end + 3..];
        blocks.push_str(&format!("{location}\n  executing {head}:\n    "));
        // Go wraps a function's error (`%w`): the chain goes on with it.
        if let Some(call) = msg.strip_prefix("error calling ")
            && let Some((name, inner)) = call.split_once(": ")
            && !name.contains(' ')
        {
            blocks.push_str(&format!("error calling {name}:\n"));
            rest = inner;
            continue;
        }
        blocks.push_str(msg);
        break;
    }
    blocks
}

/// Renders every template of a prepared chart as Helm's engine does.
pub fn render(input: &RenderInput) -> Result<Rendered, RenderError> {
    render_with_limits(input, Limits::default())
}

/// [`render`] with explicit resource limits.
pub fn render_with_limits(input: &RenderInput, limits: Limits) -> Result<Rendered, RenderError> {
    render_inner(input, limits, false).map(|(out, _)| out)
}

/// Traces of a render, by template path: which template node wrote each part of the
/// output and which `.Values` paths (from the top-level values, so a subchart's `.Values.x`
/// is `sub.x`) it printed.
pub type Traces = BTreeMap<String, Trace>;

/// [`render`] with source tracing (the output is the same as [`render`]'s).
pub fn render_traced(input: &RenderInput) -> Result<(Rendered, Traces), RenderError> {
    render_inner(input, Limits::default(), true)
}

/// Parses and executes every template on one thread with the stack `limits` asks for.
fn render_inner(
    input: &RenderInput,
    limits: Limits,
    trace: bool,
) -> Result<(Rendered, Traces), RenderError> {
    with_limits_stack(&limits, || render_on_stack(input, limits, trace))
}

fn render_on_stack(
    input: &RenderInput,
    limits: Limits,
    trace: bool,
) -> Result<(Rendered, Traces), RenderError> {
    let release = template_value(&input.release.to_value());
    let capabilities = capabilities_value(&input.capabilities);
    let values = template_value(&Value::Map(input.values.clone()));
    let mut data = HashMap::new();
    let root = input.chart.name().to_owned();
    chart_data(
        &input.chart,
        &root,
        true,
        &values,
        &release,
        &capabilities,
        &mut data,
    );

    let mut set = TemplateSet::new("gotpl", Arc::new(function_map()));
    set.set_options(Options {
        missing_key: MissingKey::Zero,
        limits,
        ..Options::default()
    });
    let tpls = templates(&input.chart);
    let texts: Vec<(String, std::borrow::Cow<'_, str>)> = tpls
        .iter()
        .map(|t| (t.name.clone(), crate::chart::text_of(&t.file.data)))
        .collect();
    set.parse_all(&texts)
        .map_err(|(i, e)| RenderError::Parse(parse_error_message(&tpls[i].name, e.message())))?;
    let index = trace.then(|| {
        let mut index = TraceIndex::new();
        index.add_root("", &values);
        Arc::new(index)
    });
    let mut out = Rendered::new();
    let mut traces = Traces::new();
    for t in tpls.iter().filter(|t| !t.is_partial) {
        let full = t
            .base_path
            .strip_suffix("/templates")
            .unwrap_or(&t.base_path);
        let Some(chart) = data.get(full) else {
            continue;
        };
        let mut tm = GoMap::new();
        tm.insert("Name".into(), GoValue::from(t.name.as_str()));
        tm.insert("BasePath".into(), GoValue::from(t.base_path.as_str()));
        chart
            .data
            .write()
            .insert("Template".into(), GoValue::map(tm));
        let data = GoValue::Map(chart.data.clone());
        let result = match &index {
            None => set.execute(&t.name, &data).map(|text| (text, None)),
            Some(index) => set
                .execute_traced(&t.name, &data, index.clone())
                .map(|(text, trace)| (text, Some(trace))),
        };
        let (text, trace) = result.map_err(|e| match e {
            Error::Parse(p) => RenderError::Parse(parse_error_message(&t.name, p.message())),
            Error::Exec(x) => RenderError::Execution(exec_error_message(&t.name, &x.message)),
        })?;
        match trace {
            None => {
                out.insert(t.name.clone(), text.replace("<no value>", ""));
            }
            Some(mut trace) => {
                let text = strip_no_value(&text, &mut trace);
                out.insert(t.name.clone(), text);
                traces.insert(t.name.clone(), trace);
            }
        }
    }
    Ok((out, traces))
}

/// Removes `<no value>` as Helm does, moving the trace's segments with the text.
fn strip_no_value(text: &str, trace: &mut Trace) -> String {
    const GONE: &str = "<no value>";
    let removed: Vec<usize> = text.match_indices(GONE).map(|(i, _)| i).collect();
    if removed.is_empty() {
        return text.to_owned();
    }
    let moved = |off: usize| {
        let before = removed.partition_point(|&r| r + GONE.len() <= off);
        let inside = removed
            .get(before)
            .filter(|&&r| r < off)
            .map_or(0, |&r| off - r);
        off - before * GONE.len() - inside
    };
    for s in &mut trace.segments {
        s.start = moved(s.start);
        s.end = moved(s.end);
    }
    trace.segments.retain(|s| s.start < s.end);
    text.replace(GONE, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_messages_lose_go_framing() {
        let m = "template: c/templates/a.yaml:2:9: executing \"c/templates/a.yaml\" at <required \"x\" .Values.x>: error calling required: HELM_ERR_STARTx is requiredHELM_ERR_END";
        assert_eq!(
            exec_error_message("c/templates/a.yaml", m),
            "execution error at (c/templates/a.yaml:2:9): x is required"
        );
    }

    #[test]
    fn go_errors_take_helm_v4_located_form() {
        let m = "template: a/t.yaml:16:21: executing \"a/t.yaml\" at <.Values.test.Name>: nil pointer evaluating interface {}.Name";
        assert_eq!(
            exec_error_message("a/t.yaml", m),
            "a/t.yaml:16:21\n  executing \"a/t.yaml\" at <.Values.test.Name>:\n    nil pointer evaluating interface {}.Name"
        );
    }

    #[test]
    fn nested_include_errors_become_one_block_per_template() {
        let m = "template: e/t/a.yaml:1:3: executing \"e/t/a.yaml\" at <include \"mid\" .>: error calling include: template: e/t/_h.tpl:1:27: executing \"inner\" at <.a.b>: can't evaluate field b in type interface {}";
        assert_eq!(
            exec_error_message("e/t/a.yaml", m),
            "e/t/a.yaml:1:3\n  executing \"e/t/a.yaml\" at <include \"mid\" .>:\n    error calling include:\ne/t/_h.tpl:1:27\n  executing \"inner\" at <.a.b>:\n    can't evaluate field b in type interface {}"
        );
        let missing = "template: e/t/a.yaml:1:3: executing \"e/t/a.yaml\" at <include \"x\" .>: error calling include: template: no template \"x\" associated with template \"gotpl\"";
        assert!(exec_error_message("e/t/a.yaml", missing).ends_with(
            "error calling include:\ntemplate: no template \"x\" associated with template \"gotpl\""
        ));
        let raw = "template: e/t/a.yaml:1:3: executing \"e/t/a.yaml\" at <index .Values \"a\" \"b\">: error calling index: index of nil pointer";
        assert_eq!(exec_error_message("e/t/a.yaml", raw), raw);
    }

    #[test]
    fn parse_errors_keep_location_and_last_message() {
        assert_eq!(
            parse_error_message(
                "c/t.yaml",
                "template: c/t.yaml:3: unexpected \"}\" in operand"
            ),
            "parse error at (c/t.yaml:3): unexpected \"}\" in operand"
        );
    }
}
