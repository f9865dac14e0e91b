//! Dependency processing before rendering, as Helm's `ProcessDependencies`: vendored
//! subcharts matched to `dependencies:` entries (name and version range), aliases applied,
//! `tags` and `condition` evaluated through the parent's values, disabled subcharts removed,
//! then `import-values` merged from children into parents.

use std::collections::HashSet;

use crate::chart::Chart;
use crate::coalesce::{CoalesceError, Warnings, coalesce_values, merge_values};
use crate::metadata::{Dependency, ImportValue};
use crate::semver::is_compatible_range;
use crate::value::{Map, PathError, Value, path_value, table};

/// Helm v4's `ProcessDependencies` (import values merged, keeping `null`s).
pub fn process_dependencies(
    chart: &mut Chart,
    values: &Map,
    warnings: &mut Warnings,
) -> Result<(), CoalesceError> {
    process_dependency_enabled(chart, values, "", warnings)?;
    process_dependency_import_values(chart, true, warnings)
}

/// As [`process_dependencies`], with import values coalesced (`null`s removed), as Helm's
/// older `ProcessDependencies` did.
pub fn process_dependencies_coalescing(
    chart: &mut Chart,
    values: &Map,
    warnings: &mut Warnings,
) -> Result<(), CoalesceError> {
    process_dependency_enabled(chart, values, "", warnings)?;
    process_dependency_import_values(chart, false, warnings)
}

fn alias_dependency(charts: &[Chart], dep: &Dependency) -> Option<Chart> {
    let c = charts
        .iter()
        .find(|c| c.name() == dep.name && is_compatible_range(&dep.version, &c.metadata.version))?;
    let mut out = c.clone();
    if !dep.alias.is_empty() {
        out.metadata.name = dep.alias.clone();
    }
    Some(out)
}

fn process_dependency_enabled(
    c: &mut Chart,
    v: &Map,
    path: &str,
    w: &mut Warnings,
) -> Result<(), CoalesceError> {
    let Some(reqs) = c.metadata.dependencies.take() else {
        return Ok(());
    };
    let mut reqs: Vec<Dependency> = reqs.into_iter().flatten().collect();
    let existing = std::mem::take(&mut c.dependencies);
    let mut chart_deps: Vec<Chart> = existing
        .iter()
        .filter(|e| {
            !reqs
                .iter()
                .any(|r| e.name() == r.name && is_compatible_range(&r.version, &e.metadata.version))
        })
        .cloned()
        .collect();
    for req in &mut reqs {
        if let Some(d) = alias_dependency(&existing, req) {
            chart_deps.push(d);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
        req.enabled = true;
    }
    c.dependencies = chart_deps;
    c.metadata.dependencies = Some(reqs.iter().cloned().map(Some).collect());
    let cvals = coalesce_values(c, v, w)?;
    process_tags(&mut reqs, &cvals, w);
    process_conditions(&mut reqs, &cvals, path, w);
    let rm: HashSet<String> = reqs
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    let mut cd: Vec<Chart> = std::mem::take(&mut c.dependencies)
        .into_iter()
        .filter(|d| !rm.contains(d.name()))
        .collect();
    let kept: Vec<Option<Dependency>> = reqs
        .into_iter()
        .filter(|r| !rm.contains(&r.name))
        .map(Some)
        .collect();
    for t in &mut cd {
        let subpath = format!("{path}{}.", t.name());
        process_dependency_enabled(t, &cvals, &subpath, w)?;
    }
    c.metadata.dependencies = if kept.is_empty() { None } else { Some(kept) };
    c.dependencies = cd;
    Ok(())
}

fn process_tags(reqs: &mut [Dependency], cvals: &Map, w: &mut Warnings) {
    let Ok(tags) = table(cvals, "tags") else {
        return;
    };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tags.get(k) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => w.push(format!("returned non-bool value tag={k} chart={}", r.name)),
                None => {}
            }
        }
        if !has_true && has_false {
            r.enabled = false;
        } else if has_true || !has_false {
            r.enabled = true;
        }
    }
}

fn process_conditions(reqs: &mut [Dependency], cvals: &Map, path: &str, w: &mut Warnings) {
    for r in reqs {
        let cond = r.condition.trim().to_owned();
        for c in cond.split(',') {
            if c.is_empty() {
                continue;
            }
            match path_value(cvals, &format!("{path}{c}")) {
                Ok(Value::Bool(b)) => {
                    r.enabled = *b;
                    break;
                }
                Ok(_) => w.push(format!("returned non-bool value path={c} chart={}", r.name)),
                Err(PathError::NoValue(_)) => {}
                Err(e) => w.push(format!("the method PathValue returned error: {e}")),
            }
        }
    }
}

fn process_import_values(
    c: &mut Chart,
    merge: bool,
    w: &mut Warnings,
) -> Result<(), CoalesceError> {
    let Some(reqs) = c.metadata.dependencies.as_ref() else {
        return Ok(());
    };
    let reqs: Vec<Dependency> = reqs.iter().flatten().cloned().collect();
    let cvals = if merge {
        merge_values(c, &Map::new(), w)?
    } else {
        coalesce_values(c, &Map::new(), w)?
    };
    // Helm builds the imports from tables that are still part of `cvals` (Go maps are
    // references), so an import merged into another import's table also changes every other
    // place that table was imported to. The heap reproduces that sharing.
    let mut heap = Heap::default();
    let root = heap.alloc_map(&cvals);
    let b = heap.new_map();
    for r in &reqs {
        for iv in &r.import_values {
            let (child, parent) = match iv {
                ImportValue::Pair { child, parent } => (child.clone(), parent.as_str()),
                ImportValue::Export(s) => (format!("exports.{s}"), "."),
                ImportValue::Other(_) => continue,
            };
            let path = format!("{}.{child}", r.name);
            let Some(vv) = heap.table(root, &path) else {
                w.push(format!(
                    "ImportValues missing table from chart {}: {:?} is not a table",
                    r.name,
                    path.rsplit('.').next().unwrap_or_default()
                ));
                continue;
            };
            let add = heap.path_to_map(parent, vv);
            heap.coalesce_tables(w, b, add, "", merge);
        }
    }
    // `cvals` is copied only now, with whatever the imports changed in it.
    let mut base = match heap.to_value(&Slot::Map(root)) {
        Value::Map(m) => m,
        _ => cvals,
    };
    if !merge {
        trim_nil_values(&mut base);
    }
    let fresh = heap.alloc_map(&base);
    heap.coalesce_tables(w, fresh, b, "", merge);
    if let Value::Map(m) = heap.to_value(&Slot::Map(fresh)) {
        c.values = m;
    }
    Ok(())
}

/// A value in the [`Heap`]: maps are references, as in Go.
#[derive(Debug, Clone)]
enum Slot {
    Value(Value),
    Map(usize),
}

impl Slot {
    fn is_null(&self) -> bool {
        matches!(self, Slot::Value(Value::Null))
    }
}

/// Maps with reference semantics, for the parts of Helm that depend on Go maps being
/// shared.
#[derive(Debug, Default)]
struct Heap {
    maps: Vec<std::collections::BTreeMap<String, Slot>>,
}

impl Heap {
    fn new_map(&mut self) -> usize {
        self.maps.push(Default::default());
        self.maps.len() - 1
    }

    fn alloc(&mut self, v: &Value) -> Slot {
        match v {
            Value::Map(m) => Slot::Map(self.alloc_map(m)),
            other => Slot::Value(other.clone()),
        }
    }

    fn alloc_map(&mut self, m: &Map) -> usize {
        let id = self.new_map();
        for (k, v) in m {
            let slot = self.alloc(v);
            self.maps[id].insert(k.clone(), slot);
        }
        id
    }

    fn table(&self, root: usize, path: &str) -> Option<usize> {
        let mut cur = root;
        for part in path.split('.') {
            match self.maps[cur].get(part) {
                Some(Slot::Map(id)) => cur = *id,
                _ => return None,
            }
        }
        Some(cur)
    }

    fn path_to_map(&mut self, path: &str, data: usize) -> usize {
        if path == "." {
            return data;
        }
        let mut cur = data;
        for part in path.split('.').rev() {
            let id = self.new_map();
            self.maps[id].insert(part.to_owned(), Slot::Map(cur));
            cur = id;
        }
        cur
    }

    /// `coalesceTablesFullKey` on shared maps.
    fn coalesce_tables(
        &mut self,
        w: &mut Warnings,
        dst: usize,
        src: usize,
        prefix: &str,
        merge: bool,
    ) {
        let src_non_nil: HashSet<String> = self.maps[src]
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| k.clone())
            .collect();
        let dst_nils: Vec<String> = self.maps[dst]
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| k.clone())
            .collect();
        for k in dst_nils {
            self.maps[src].insert(k, Slot::Value(Value::Null));
        }
        let entries: Vec<(String, Slot)> = self.maps[src]
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, val) in entries {
            let full_key = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match self.maps[dst].get(&key).cloned() {
                Some(dv) if !merge && dv.is_null() && src_non_nil.contains(&key) => {
                    self.maps[dst].remove(&key);
                }
                None => {
                    self.maps[dst].insert(key, val);
                }
                Some(Slot::Map(d)) => match val {
                    Slot::Map(s) => self.coalesce_tables(w, d, s, &full_key, merge),
                    Slot::Value(v) if !v.is_null() => w.push(format!(
                        "warning: destination for {full_key} is a table. Ignoring non-table value ({v})"
                    )),
                    Slot::Value(_) => {}
                },
                Some(Slot::Value(_)) => {
                    if let Slot::Map(_) = val {
                        let shown = self.to_value(&val);
                        w.push(format!(
                            "warning: cannot overwrite table with non table for {full_key} ({shown})"
                        ));
                    }
                }
            }
        }
    }

    fn to_value(&self, slot: &Slot) -> Value {
        self.to_value_depth(slot, 0)
    }

    fn to_value_depth(&self, slot: &Slot, depth: usize) -> Value {
        match slot {
            Slot::Value(v) => v.clone(),
            // A map reachable from itself (possible only through pathological imports)
            // is cut off rather than followed forever.
            Slot::Map(_) if depth > 256 => Value::Null,
            Slot::Map(id) => Value::Map(
                self.maps[*id]
                    .iter()
                    .map(|(k, v)| (k.clone(), self.to_value_depth(v, depth + 1)))
                    .collect(),
            ),
        }
    }
}

fn trim_nil_values(m: &mut Map) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        if let Value::Map(sub) = v {
            trim_nil_values(sub);
        }
    }
}

fn process_dependency_import_values(
    c: &mut Chart,
    merge: bool,
    w: &mut Warnings,
) -> Result<(), CoalesceError> {
    for d in &mut c.dependencies {
        process_dependency_import_values(d, merge, w)?;
    }
    process_import_values(c, merge, w)
}
