//! Go maps are references: `set`, `unset` and the `merge` family change the dictionary they
//! are given, and every holder of it sees the change; `deepCopy` breaks the sharing.

use std::sync::Arc;

use bulwark_gotmpl::{Map, TemplateSet, Value};
use bulwark_sprig::{ChartContext, helm_functions};

struct Offline;

impl ChartContext for Offline {
    fn lookup(&self, _: &str, _: &str, _: &str, _: &str) -> Value {
        Value::map(Map::new())
    }
}

fn render(template: &str, data: &Value) -> String {
    let mut set = TemplateSet::new("t", Arc::new(helm_functions(Arc::new(Offline))));
    set.parse("t", template).expect("parses");
    set.execute("t", data).expect("runs")
}

#[test]
fn set_and_unset_change_the_map_in_place() {
    let t = r#"{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}"#;
    assert_eq!(render(t, &Value::Nil), "map[b:2]");
}

#[test]
fn merge_changes_the_destination_and_nested_maps() {
    let t = r#"{{ $n := dict "x" 1 }}{{ $d := dict "n" $n }}{{ $_ := merge $d (dict "a" 1 "n" (dict "y" 2)) }}{{ $d }} {{ $n }}"#;
    assert_eq!(
        render(t, &Value::Nil),
        "map[a:1 n:map[x:1 y:2]] map[x:1 y:2]"
    );
    let t = r#"{{ $d := dict "a" 1 }}{{ $_ := mergeOverwrite $d $d (dict "a" 2) }}{{ $d }}"#;
    assert_eq!(render(t, &Value::Nil), "map[a:2]");
}

#[test]
fn changes_through_dot_are_seen_by_the_caller() {
    let mut m = Map::new();
    m.insert("Values".into(), Value::map(Map::new()));
    let data = Value::map(m);
    let t = r#"{{ define "x" }}{{ $_ := set .Values "k" "v" }}{{ end }}{{ include "x" . }}{{ .Values.k }}"#;
    assert_eq!(render(t, &data), "v");
    let Value::Map(top) = &data else {
        panic!("a map")
    };
    let values = top.get("Values").expect("values");
    assert_eq!(
        values.as_map().expect("map").get("k"),
        Some(Value::from("v"))
    );
}

#[test]
fn deep_copy_does_not_share() {
    let t = r#"{{ $d := dict "n" (dict "x" 1) }}{{ $c := deepCopy $d }}{{ $_ := set $c.n "x" 2 }}{{ $d.n.x }} {{ $c.n.x }}"#;
    assert_eq!(render(t, &Value::Nil), "1 2");
}
