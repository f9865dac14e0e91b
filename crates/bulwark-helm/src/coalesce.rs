//! Coalescing values as Helm's `pkg/chart/common/util/coalesce.go` does: the caller's values
//! override the chart's defaults, maps merge and everything else is replaced, each subchart
//! gets its defaults under its name, `global` flows down, and — when coalescing rather than
//! merging — `null` deletes a key.

use crate::chart::Chart;
use crate::value::{Map, Value};

/// A subchart's key holds something other than a map.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("type mismatch on {name}: %!t({go_type}={value})")]
pub struct CoalesceError {
    pub name: String,
    pub go_type: &'static str,
    pub value: String,
}

/// Warnings Helm logs while coalescing (`warning: skipped value for …`), in the order met.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Warnings(pub Vec<String>);

impl Warnings {
    pub(crate) fn push(&mut self, s: String) {
        self.0.push(s);
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

/// Helm's `CoalesceValues`: the chart's (and subcharts') defaults under `vals`; `null`
/// removes keys.
pub fn coalesce_values(
    chart: &Chart,
    vals: &Map,
    warnings: &mut Warnings,
) -> Result<Map, CoalesceError> {
    let mut dest = vals.clone();
    coalesce(warnings, chart, &mut dest, "", false)?;
    Ok(dest)
}

/// Helm's `MergeValues`: as [`coalesce_values`] but `null`s are kept.
pub fn merge_values(
    chart: &Chart,
    vals: &Map,
    warnings: &mut Warnings,
) -> Result<Map, CoalesceError> {
    let mut dest = vals.clone();
    coalesce(warnings, chart, &mut dest, "", true)?;
    Ok(dest)
}

fn coalesce(
    w: &mut Warnings,
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
) -> Result<(), CoalesceError> {
    coalesce_chart_values(w, chart, dest, prefix, merge);
    coalesce_deps(w, chart, dest, prefix, merge)
}

fn coalesce_deps(
    w: &mut Warnings,
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
) -> Result<(), CoalesceError> {
    for sub in &chart.dependencies {
        let name = sub.name().to_owned();
        let mut dvmap = match dest.remove(&name) {
            None => Map::new(),
            Some(Value::Map(m)) => m,
            Some(other) => {
                let err = CoalesceError {
                    name: name.clone(),
                    go_type: other.go_type(),
                    value: other.to_string(),
                };
                dest.insert(name, other);
                return Err(err);
            }
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(w, &mut dvmap, dest, &sub_prefix);
        let result = coalesce(w, sub, &mut dvmap, &sub_prefix, merge);
        dest.insert(name, Value::Map(dvmap));
        result?;
    }
    Ok(())
}

/// Copies the globals of `src` into `dest["global"]` (the parent's globals win).
fn coalesce_globals(w: &mut Warnings, dest: &mut Map, src: &Map, prefix: &str) {
    let mut dg = match dest.get("global") {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            w.push("warning: skipping globals because destination global is not a table.".into());
            return;
        }
    };
    let sg = match src.get("global") {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            w.push("warning: skipping globals because source global is not a table.".into());
            return;
        }
    };
    for (key, val) in sg {
        match val {
            Value::Map(vv) => match dg.get_mut(&key) {
                None => {
                    dg.insert(key, Value::Map(vv));
                }
                Some(Value::Map(destv)) => {
                    let mut vv = vv;
                    let sub_prefix = concat_prefix(prefix, &key);
                    coalesce_tables_full_key(w, &mut vv, destv.clone(), &sub_prefix, true);
                    dg.insert(key, Value::Map(vv));
                }
                Some(_) => w.push(format!(
                    "Conflict: cannot merge map onto non-map for {key:?}. Skipping."
                )),
            },
            val => {
                if matches!(dg.get(&key), Some(Value::Map(_))) {
                    w.push(format!("key {key} is table. Skipping"));
                } else {
                    dg.insert(key, val);
                }
            }
        }
    }
    dest.insert("global".into(), Value::Map(dg));
}

fn is_subchart(chart: &Chart, key: &str) -> bool {
    chart.dependencies.iter().any(|d| d.name() == key)
}

/// Removes `null` entries recursively.
fn clean_nil_values(m: &mut Map) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        if let Value::Map(sub) = v {
            clean_nil_values(sub);
        }
    }
}

/// The chart's defaults under `v`. When coalescing, `null`s among the defaults are dropped
/// (at every level, as Helm v4.2 does), so they neither shadow globals nor print.
fn coalesce_chart_values(w: &mut Warnings, chart: &Chart, v: &mut Map, prefix: &str, merge: bool) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    for (key, val) in chart.values.clone() {
        match v.get_mut(&key) {
            Some(value) => {
                if value.is_null() && !merge {
                    v.remove(&key);
                } else if let Value::Map(dest) = value {
                    match val {
                        Value::Map(mut src) => {
                            let merge = merge || is_subchart(chart, &key);
                            if !merge {
                                clean_nil_values(&mut src);
                            }
                            coalesce_tables_full_key(
                                w,
                                dest,
                                src,
                                &concat_prefix(&sub_prefix, &key),
                                merge,
                            );
                        }
                        Value::Null => {}
                        _ => w.push(format!(
                            "warning: skipped value for {sub_prefix}.{key}: Not a table."
                        )),
                    }
                }
            }
            None => {
                let mut val = val;
                if !merge {
                    if val.is_null() {
                        continue;
                    }
                    if let Value::Map(sub) = &mut val {
                        clean_nil_values(sub);
                    }
                }
                v.insert(key, val);
            }
        }
    }
}

/// Helm's `CoalesceTables`: `src` under `dst`, `dst` authoritative, `null` in `dst` deletes.
pub fn coalesce_tables(dst: &mut Map, src: Map, warnings: &mut Warnings) {
    coalesce_tables_full_key(warnings, dst, src, "", false);
}

/// Helm's `MergeTables`: as [`coalesce_tables`] but `null`s are kept.
pub fn merge_tables(dst: &mut Map, src: Map, warnings: &mut Warnings) {
    coalesce_tables_full_key(warnings, dst, src, "", true);
}

fn coalesce_tables_full_key(
    w: &mut Warnings,
    dst: &mut Map,
    mut src: Map,
    prefix: &str,
    merge: bool,
) {
    let src_non_nil: std::collections::HashSet<String> = src
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    for (key, val) in dst.iter() {
        if val.is_null() {
            src.insert(key.clone(), Value::Null);
        }
    }
    for (key, val) in src {
        let full_key = concat_prefix(prefix, &key);
        match dst.get_mut(&key) {
            Some(dv) if !merge && dv.is_null() && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, val);
            }
            Some(dv) => match (dv, val) {
                (Value::Map(dvm), Value::Map(vm)) => {
                    coalesce_tables_full_key(w, dvm, vm, &full_key, merge);
                }
                (_, val @ Value::Map(_)) => w.push(format!(
                    "warning: cannot overwrite table with non table for {full_key} ({val})"
                )),
                (Value::Map(_), val) if !val.is_null() => w.push(format!(
                    "warning: destination for {full_key} is a table. Ignoring non-table value ({val})"
                )),
                _ => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::parse_values;
    use crate::metadata::ChartMetadata;

    fn vals(yaml: &str) -> Map {
        parse_values("test.yaml", yaml.as_bytes()).expect("values parse")
    }

    fn chart(name: &str, values: &str, deps: Vec<Chart>) -> Chart {
        Chart {
            metadata: ChartMetadata {
                name: name.into(),
                version: "0.1.0".into(),
                api_version: "v2".into(),
                ..ChartMetadata::default()
            },
            lock: None,
            templates: vec![],
            files: vec![],
            values: vals(values),
            raw_values: None,
            schema: None,
            dependencies: deps,
            origin: String::new(),
        }
    }

    fn json(m: &Map) -> String {
        Value::Map(m.clone()).to_json().to_string()
    }

    #[test]
    fn user_values_override_defaults_and_null_deletes() {
        let c = chart("top", "a: 1\nb: {c: 2, d: 3}\ne: keep\n", vec![]);
        let mut w = Warnings::default();
        let out =
            coalesce_values(&c, &vals("a: 5\nb: {d: null}\ne: null\n"), &mut w).expect("coalesces");
        assert_eq!(json(&out), r#"{"a":5,"b":{"c":2}}"#);
        let merged = merge_values(&c, &vals("b: {d: null}\n"), &mut w).expect("merges");
        assert_eq!(json(&merged), r#"{"a":1,"b":{"c":2,"d":null},"e":"keep"}"#);
    }

    #[test]
    fn subchart_defaults_and_globals_flow_down() {
        let sub = chart(
            "sub",
            "x: 1\nglobal: {g: child, h: child}\nn: null\n",
            vec![],
        );
        let c = chart("top", "global: {g: parent}\nsub: {x: 2}\n", vec![sub]);
        let mut w = Warnings::default();
        let out = coalesce_values(&c, &Map::new(), &mut w).expect("coalesces");
        assert_eq!(
            json(&out),
            r#"{"global":{"g":"parent"},"sub":{"global":{"g":"parent","h":"child"},"x":2}}"#
        );
    }

    #[test]
    fn type_mismatch_on_subchart_key_fails() {
        let sub = chart("sub", "x: 1\n", vec![]);
        let c = chart("top", "", vec![sub]);
        let mut w = Warnings::default();
        let err = coalesce_values(&c, &vals("sub: text\n"), &mut w).expect_err("mismatch");
        assert_eq!(err.to_string(), "type mismatch on sub: %!t(string=text)");
    }

    #[test]
    fn table_over_scalar_warns() {
        let c = chart("top", "a: {b: 1}\n", vec![]);
        let mut w = Warnings::default();
        let out = coalesce_values(&c, &vals("a: 3\n"), &mut w).expect("coalesces");
        assert_eq!(json(&out), r#"{"a":3}"#);
        let mut w = Warnings::default();
        let c = chart("top", "a: 3\n", vec![]);
        let out = coalesce_values(&c, &vals("a: {b: 1}\n"), &mut w).expect("coalesces");
        assert_eq!(json(&out), r#"{"a":{"b":1}}"#);
        assert_eq!(
            w.0,
            vec!["warning: skipped value for top.a: Not a table.".to_owned()]
        );
    }
}
