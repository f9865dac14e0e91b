//! Source tracing: segments name the node that wrote each output range, and origins name
//! the traced value an action printed, through variables, `with`, `range`, functions and
//! nested executions.

use std::sync::Arc;

use bulwark_gotmpl::trace::display_path;
use bulwark_gotmpl::{FuncMap, Map, ParamType, Signature, TemplateSet, Trace, TraceIndex, Value};

fn values() -> Value {
    let mut image = Map::new();
    image.insert("tag".into(), Value::from("1.2"));
    image.insert("pullPolicy".into(), Value::from(""));
    let mut sc = Map::new();
    sc.insert("privileged".into(), Value::Bool(true));
    sc.insert("runAsUser".into(), Value::Float(0.0));
    let mut v = Map::new();
    v.insert("image".into(), Value::map(image));
    v.insert("securityContext".into(), Value::map(sc));
    v.insert("replicas".into(), Value::Float(3.0));
    v.insert(
        "ports".into(),
        Value::list(vec![Value::Float(80.0), Value::Float(443.0)]),
    );
    Value::map(v)
}

fn set(templates: &[(&str, &str)]) -> TemplateSet {
    let mut funcs = FuncMap::new();
    funcs.insert_fn("quote", Signature::variadic(&[], ParamType::Any), |_, a| {
        Ok(Value::from(format!(
            "{:?}",
            a.first().map(Value::to_go_string).unwrap_or_default()
        )))
    });
    funcs.insert_fn(
        "default",
        Signature::variadic(&[ParamType::Any], ParamType::Any),
        |_, a| {
            let given = a.get(1).filter(|v| v.is_true()).cloned();
            Ok(given.unwrap_or_else(|| a.first().cloned().unwrap_or_default()))
        },
    );
    funcs.insert_fn(
        "include",
        Signature::fixed(&[ParamType::String, ParamType::Any]),
        |ctx, a| {
            let name = a
                .first()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let data = a.get(1).cloned().unwrap_or_default();
            ctx.execute_template(&name, &data)
                .map(Value::from)
                .map_err(|e| bulwark_gotmpl::FuncError::new(e.to_string()))
        },
    );
    funcs.insert_fn(
        "nindent",
        Signature::fixed(&[ParamType::Int, ParamType::String]),
        |_, a| {
            let n = match a.first() {
                Some(Value::Int(n)) => *n as usize,
                _ => 0,
            };
            let pad = " ".repeat(n);
            let text = a.get(1).and_then(Value::as_str).unwrap_or_default();
            Ok(Value::from(format!(
                "\n{pad}{}",
                text.replace('\n', &format!("\n{pad}"))
            )))
        },
    );
    let mut set = TemplateSet::new("root", Arc::new(funcs));
    for (name, text) in templates {
        set.parse(name, text).expect("parses");
    }
    set
}

fn run(templates: &[(&str, &str)]) -> (String, Trace) {
    let set = set(templates);
    let vals = values();
    let mut index = TraceIndex::new();
    index.add_root("Values", &vals);
    let mut data = Map::new();
    data.insert("Values".into(), vals);
    let data = Value::map(data);
    let plain = set.execute(templates[0].0, &data).expect("runs");
    let (out, trace) = set
        .execute_traced(templates[0].0, &data, Arc::new(index))
        .expect("runs traced");
    assert_eq!(out, plain, "tracing changes nothing in the output");
    (out, trace)
}

/// The template, position and origin paths of the segment holding the first byte of
/// `needle` in the output.
fn at(out: &str, trace: &Trace, needle: &str) -> (String, usize, Vec<String>) {
    let off = out.find(needle).expect("needle in output");
    let s = trace.segment_at(off).expect("a segment holds it");
    let origins = s
        .origins
        .iter()
        .map(|id| display_path(&trace.index.path(*id).1))
        .collect();
    (s.template.to_string(), s.pos, origins)
}

#[test]
fn fields_variables_and_functions_keep_their_origin() {
    let t = "kind: Pod\n\
             image: {{ .Values.image.tag | quote }}\n\
             {{- $sc := .Values.securityContext }}\n\
             privileged: {{ $sc.privileged }}\n\
             replicas: {{ .Values.replicas }}\n\
             policy: {{ .Values.image.pullPolicy | default \"Always\" }}\n\
             tag2: {{ default \"x\" .Values.image.tag }}\n";
    let (out, trace) = run(&[("t.yaml", t)]);
    assert_eq!(at(&out, &trace, "\"1.2\"").2, ["image.tag"]);
    assert_eq!(at(&out, &trace, "true").2, ["securityContext.privileged"]);
    assert_eq!(at(&out, &trace, "3\n").2, ["replicas"]);
    // the default won: no values origin
    assert!(at(&out, &trace, "Always").2.is_empty());
    assert_eq!(at(&out, &trace, "1.2\n").2, ["image.tag"]);
    // literal text maps to its own position
    let (name, pos, origins) = at(&out, &trace, "kind");
    assert_eq!((name.as_str(), pos), ("t.yaml", 0));
    assert!(origins.is_empty());
}

#[test]
fn with_and_range_dots_keep_their_origin() {
    let t = "{{ with .Values.securityContext.runAsUser }}user: {{ . }}{{ end }}\n\
             {{ range .Values.ports }}- {{ . }}\n{{ end }}";
    let (out, trace) = run(&[("t.yaml", t)]);
    // runAsUser is 0 (false): `with` skips it
    assert!(!out.contains("user"));
    assert_eq!(at(&out, &trace, "443").2, ["ports[1]"]);
    assert_eq!(at(&out, &trace, "80").2, ["ports[0]"]);
}

#[test]
fn included_output_maps_to_the_helper() {
    let helpers = "{{- define \"sc\" -}}\nprivileged: {{ .privileged }}\nrunAsUser: 7\n{{- end }}";
    let t = "securityContext:{{ include \"sc\" .Values.securityContext | nindent 2 }}\n";
    let (out, trace) = run(&[("t.yaml", t), ("_helpers.tpl", helpers)]);
    assert_eq!(
        out,
        "securityContext:\n  privileged: true\n  runAsUser: 7\n"
    );
    let (name, _, origins) = at(&out, &trace, "true");
    assert_eq!(name, "_helpers.tpl");
    assert_eq!(origins, ["securityContext.privileged"]);
    let (name, pos, _) = at(&out, &trace, "runAsUser");
    assert_eq!(name, "_helpers.tpl");
    assert!(helpers[pos..].starts_with("\nrunAsUser"), "{pos}");
}
