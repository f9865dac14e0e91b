//! Lists and dictionaries (Sprig's `list.go` and `dict.go`, mergo's merge rules).
//!
//! As in Go, `set`, `unset` and the `merge` family change the dictionary they are given in
//! place (every holder of the map sees the change) and return it; `deepCopy` copies.

use bulwark_gotmpl::{FuncError, FuncMap, Map, ParamType, SharedMap, Signature, Value};

use crate::conv::{as_list, assertion_error, deep_equal, err, is_empty, kind, s, strval, to_int64};

fn nil_panic() -> FuncError {
    err("runtime error: invalid memory address or nil pointer dereference")
}

/// The list for a `Cannot find NAME on type KIND` function.
fn list_arg<'a>(v: &'a Value, what: &str) -> Result<&'a [Value], FuncError> {
    match v {
        Value::Nil => Err(nil_panic()),
        Value::List(l) => Ok(l),
        other if what == "chunk" => Err(err(format!("Cannot chunk type {}", kind(other)))),
        other => Err(err(format!("Cannot {what} on type {}", kind(other)))),
    }
}

fn list_op(
    map: &mut FuncMap,
    name: &str,
    must: &str,
    what: &'static str,
    f: fn(&[Value]) -> Value,
) {
    for n in [name, must] {
        map.insert_fn(n, Signature::fixed(&[ParamType::Any]), move |_, a| {
            Ok(f(list_arg(&a[0], what)?))
        });
    }
}

/// mergo's `Merge`/`MergeWithOverwrite` of `src` into `dst` for `map[string]interface{}`:
/// `dst` and the maps nested in it change in place, as Go maps do.
pub(crate) fn merge_into(dst: &SharedMap, src: &Map, overwrite: bool) {
    for (k, sv) in src {
        if sv.is_nil() {
            if overwrite {
                dst.write().insert(k.clone(), Value::Nil);
            }
            continue;
        }
        let existing = dst.get(k);
        if let (Value::Map(sm), Some(Value::Map(dm))) = (sv, &existing) {
            let src_entries = sm.snapshot();
            merge_into(dm, &src_entries, overwrite);
            if !dm.is_empty() {
                continue;
            }
        }
        let keep = match dst.get(k) {
            Some(d) => !overwrite && !is_empty(&d),
            None => false,
        };
        if !keep {
            dst.write().insert(k.clone(), sv.clone());
        }
    }
}

fn dict_arg(v: &Value) -> Result<&SharedMap, FuncError> {
    match v {
        Value::Map(m) => Ok(m),
        other => Err(assertion_error(other, "map[string]interface {}")),
    }
}

fn dig(keys: &[Value], default: &Value, dict: &SharedMap) -> Result<Value, FuncError> {
    let Some(first) = keys.first() else {
        return Ok(default.clone());
    };
    let Value::String(k) = first else {
        return Err(assertion_error(first, "string"));
    };
    let Some(step) = dict.get(k) else {
        return Ok(default.clone());
    };
    if keys.len() == 1 {
        return Ok(step);
    }
    dig(&keys[1..], default, dict_arg(&step)?)
}

pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::{Any, Int, Map as M, String as Str};
    for name in ["list", "tuple"] {
        map.insert_fn(name, Signature::variadic(&[], Any), |_, a| {
            Ok(Value::list(a))
        });
    }
    for (name, must) in [("append", "mustAppend"), ("push", "mustPush")] {
        for n in [name, must] {
            map.insert_fn(n, Signature::fixed(&[Any, Any]), |_, mut a| {
                let v = a.pop().unwrap_or_default();
                let mut l = list_arg(&a[0], "push")?.to_vec();
                l.push(v);
                Ok(Value::list(l))
            });
        }
    }
    for n in ["prepend", "mustPrepend"] {
        map.insert_fn(n, Signature::fixed(&[Any, Any]), |_, mut a| {
            let v = a.pop().unwrap_or_default();
            let mut l = vec![v];
            l.extend_from_slice(list_arg(&a[0], "prepend")?);
            Ok(Value::list(l))
        });
    }
    list_op(map, "first", "mustFirst", "find first", |l| {
        l.first().cloned().unwrap_or_default()
    });
    list_op(map, "last", "mustLast", "find last", |l| {
        l.last().cloned().unwrap_or_default()
    });
    list_op(map, "rest", "mustRest", "find rest", |l| {
        Value::list(l.get(1..).unwrap_or_default().to_vec())
    });
    list_op(map, "initial", "mustInitial", "find initial", |l| {
        Value::list(
            l.get(..l.len().saturating_sub(1))
                .unwrap_or_default()
                .to_vec(),
        )
    });
    list_op(map, "reverse", "mustReverse", "find reverse", |l| {
        Value::list(l.iter().rev().cloned().collect())
    });
    list_op(map, "compact", "mustCompact", "compact", |l| {
        Value::list(l.iter().filter(|v| !is_empty(v)).cloned().collect())
    });
    list_op(map, "uniq", "mustUniq", "find uniq", |l| {
        let mut out: Vec<Value> = Vec::new();
        for v in l {
            if !out.iter().any(|o| deep_equal(o, v)) {
                out.push(v.clone());
            }
        }
        Value::list(out)
    });
    for n in ["without", "mustWithout"] {
        map.insert_fn(n, Signature::variadic(&[Any], Any), |_, a| {
            let l = list_arg(&a[0], "find without")?;
            let omit = &a[1..];
            Ok(Value::list(
                l.iter()
                    .filter(|v| !omit.iter().any(|o| deep_equal(o, v)))
                    .cloned()
                    .collect(),
            ))
        });
    }
    for n in ["has", "mustHas"] {
        map.insert_fn(n, Signature::fixed(&[Any, Any]), |_, a| match &a[1] {
            Value::Nil => Ok(Value::Bool(false)),
            Value::List(l) => Ok(Value::Bool(l.iter().any(|v| deep_equal(v, &a[0])))),
            other => Err(err(format!("Cannot find has on type {}", kind(other)))),
        });
    }
    for n in ["slice", "mustSlice"] {
        map.insert_fn(n, Signature::variadic(&[Any], Any), |_, a| {
            let l = match &a[0] {
                Value::Nil => return Err(nil_panic()),
                Value::List(l) => l,
                other => {
                    return Err(err(format!(
                        "list should be type of slice or array but {}",
                        kind(other)
                    )));
                }
            };
            if l.is_empty() {
                return Ok(Value::Nil);
            }
            let start = a.get(1).map(to_int64).unwrap_or(0);
            let end = if a.len() < 3 {
                l.len() as i64
            } else {
                to_int64(&a[2])
            };
            if start < 0 || end < start || end > l.len() as i64 {
                return Err(err("reflect.Value.Slice: slice index out of bounds"));
            }
            Ok(Value::list(l[start as usize..end as usize].to_vec()))
        });
    }
    map.insert_fn("concat", Signature::variadic(&[], Any), |_, a| {
        let mut out = Vec::new();
        for v in &a {
            match v {
                Value::List(l) => out.extend_from_slice(l),
                Value::Nil => return Err(nil_panic()),
                other => {
                    return Err(err(format!("Cannot concat type {} as list", kind(other))));
                }
            }
        }
        Ok(Value::list(out))
    });
    for n in ["chunk", "mustChunk"] {
        map.insert_fn(n, Signature::fixed(&[Int, Any]), |_, a| {
            let size = crate::conv::n(&a, 0);
            let l = list_arg(&a[1], "chunk")?;
            if size <= 0 {
                return Err(err("runtime error: makeslice: len out of range"));
            }
            Ok(Value::list(
                l.chunks(size as usize)
                    .map(|c| Value::list(c.to_vec()))
                    .collect(),
            ))
        });
    }

    map.insert_fn("dict", Signature::variadic(&[], Any), |_, a| {
        let mut m = Map::new();
        for pair in a.chunks(2) {
            let v = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
            m.insert(strval(&pair[0]), v);
        }
        Ok(Value::map(m))
    });
    map.insert_fn("get", Signature::fixed(&[M, Str]), |_, a| {
        Ok(dict_arg(&a[0])?
            .get(s(&a, 1))
            .unwrap_or_else(|| Value::from("")))
    });
    map.insert_fn("set", Signature::fixed(&[M, Str, Any]), |_, mut a| {
        let v = a.pop().unwrap_or_default();
        let m = dict_arg(&a[0])?;
        m.write().insert(s(&a, 1).to_owned(), v);
        Ok(Value::Map(m.clone()))
    });
    map.insert_fn("unset", Signature::fixed(&[M, Str]), |_, a| {
        let m = dict_arg(&a[0])?;
        m.write().remove(s(&a, 1));
        Ok(Value::Map(m.clone()))
    });
    map.insert_fn("hasKey", Signature::fixed(&[M, Str]), |_, a| {
        Ok(Value::Bool(dict_arg(&a[0])?.contains_key(s(&a, 1))))
    });
    map.insert_fn("pluck", Signature::variadic(&[Str], M), |_, a| {
        let key = s(&a, 0);
        let mut out = Vec::new();
        for d in &a[1..] {
            if let Some(v) = dict_arg(d)?.get(key) {
                out.push(v);
            }
        }
        Ok(Value::list(out))
    });
    map.insert_fn("keys", Signature::variadic(&[], M), |_, a| {
        let mut out = Vec::new();
        for d in &a {
            out.extend(dict_arg(d)?.keys().into_iter().map(Value::from));
        }
        Ok(Value::list(out))
    });
    map.insert_fn("values", Signature::fixed(&[M]), |_, a| {
        Ok(Value::list(
            dict_arg(&a[0])?.read().values().cloned().collect(),
        ))
    });
    map.insert_fn("pick", Signature::variadic(&[M], Str), |_, a| {
        let d = dict_arg(&a[0])?;
        let mut m = Map::new();
        for k in &a[1..] {
            let k = k.as_str().unwrap_or_default();
            if let Some(v) = d.get(k) {
                m.insert(k.to_owned(), v);
            }
        }
        Ok(Value::map(m))
    });
    map.insert_fn("omit", Signature::variadic(&[M], Str), |_, a| {
        let d = dict_arg(&a[0])?.snapshot();
        let omit: Vec<&str> = a[1..].iter().filter_map(Value::as_str).collect();
        Ok(Value::map(
            d.iter()
                .filter(|(k, _)| !omit.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ))
    });
    for (name, overwrite) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        map.insert_fn(name, Signature::variadic(&[M], M), move |_, a| {
            let dst = dict_arg(&a[0])?;
            for src in &a[1..] {
                let src_entries = dict_arg(src)?.snapshot();
                merge_into(dst, &src_entries, overwrite);
            }
            Ok(Value::Map(dst.clone()))
        });
    }
    map.insert_fn("dig", Signature::variadic(&[], Any), |_, a| {
        if a.len() < 3 {
            return Err(err("dig needs at least three arguments"));
        }
        let dict = dict_arg(&a[a.len() - 1])?;
        dig(&a[..a.len() - 2], &a[a.len() - 2], dict)
    });
    for n in ["deepCopy", "mustDeepCopy"] {
        map.insert_fn(n, Signature::fixed(&[Any]), |_, a| Ok(a[0].deep_copy()));
    }
    let _ = as_list;
}
