//! Dependency processing before rendering, as Helm's `ProcessDependencies`: vendored
//! subcharts matched to `dependencies:` entries (name and version range), aliases applied,
//! `tags` and `condition` evaluated through the parent's values, disabled subcharts removed,
//! then `import-values` merged from children into parents.

use std::collections::HashSet;

use crate::chart::Chart;
use crate::coalesce::{
    CoalesceError, Warnings, coalesce_tables, coalesce_values, merge_tables, merge_values,
};
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
                Some(_) => w.push(format!(
                    "returned non-bool value tag={k} chart={}",
                    r.name
                )),
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
                Ok(_) => w.push(format!(
                    "returned non-bool value path={c} chart={}",
                    r.name
                )),
                Err(PathError::NoValue(_)) => {}
                Err(e) => w.push(format!("the method PathValue returned error: {e}")),
            }
        }
    }
}

/// `parent: a.b` turns the imported table into `{a: {b: table}}`; `.` keeps it at the top.
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(part.to_owned(), Value::Map(cur));
        cur = m;
    }
    cur
}

fn process_import_values(c: &mut Chart, merge: bool, w: &mut Warnings) -> Result<(), CoalesceError> {
    let Some(reqs) = c.metadata.dependencies.as_ref() else {
        return Ok(());
    };
    let reqs: Vec<Dependency> = reqs.iter().flatten().cloned().collect();
    let cvals = if merge {
        merge_values(c, &Map::new(), w)?
    } else {
        coalesce_values(c, &Map::new(), w)?
    };
    let mut b = Map::new();
    for r in &reqs {
        for iv in &r.import_values {
            let (child, parent) = match iv {
                ImportValue::Pair { child, parent } => (child.clone(), parent.as_str()),
                ImportValue::Export(s) => (format!("exports.{s}"), "."),
                ImportValue::Other(_) => continue,
            };
            let vv = match table(&cvals, &format!("{}.{child}", r.name)) {
                Ok(t) => t.clone(),
                Err(e) => {
                    w.push(format!(
                        "ImportValues missing table from chart {}: {e}",
                        r.name
                    ));
                    continue;
                }
            };
            let add = path_to_map(parent, vv);
            if merge {
                merge_tables(&mut b, add, w);
            } else {
                coalesce_tables(&mut b, add, w);
            }
        }
    }
    let mut cvals = cvals;
    if merge {
        merge_tables(&mut cvals, b, w);
    } else {
        trim_nil_values(&mut cvals);
        coalesce_tables(&mut cvals, b, w);
    }
    c.values = cvals;
    Ok(())
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
