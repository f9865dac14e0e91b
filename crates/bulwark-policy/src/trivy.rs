//! Trivy-format checks: Rego modules whose `# METADATA` block (before `package`) carries
//! `custom.id` (or `custom.avd_id`), `custom.severity` and `custom.input.selector` types
//! (`kubernetes`, `dockerfile`), and whose `deny` rule returns results made with
//! `result.new(msg, cause)` (or plain strings). Libraries (`custom.library: true`) are
//! loaded but not run. Inputs are given in Trivy's shapes: a Kubernetes object as it is, a
//! Dockerfile as `{"Stages": [{"Name", "Commands": [...]}]}`.

use serde_json::Value;

use crate::engine::{PolicyEngine, PolicyError};
use crate::load::PolicyFile;

/// What kind of input a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    Kubernetes,
    Dockerfile,
}

/// A check's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrivyCheck {
    /// `data.<package>`.
    pub package: String,
    pub file: String,
    /// `custom.id` (`DS-0005`, `KSV-0012`, a user's own id).
    pub id: String,
    /// `custom.avd_id` and `custom.aliases`.
    pub aliases: Vec<String>,
    pub title: String,
    pub description: String,
    /// `custom.severity` (`LOW`, `MEDIUM`, `HIGH`, `CRITICAL`), upper case.
    pub severity: String,
    pub recommended_action: String,
    pub selectors: Vec<Selector>,
}

/// One result of a check on one input.
#[derive(Debug, Clone, PartialEq)]
pub struct TrivyResult {
    pub message: String,
    pub start_line: Option<u32>,
    pub end_line: Option<u32>,
}

/// The `# METADATA` block of a module: the comment lines after `# METADATA` up to the first
/// line that is not a comment, as YAML. `None` without one.
pub fn metadata_block(text: &str) -> Option<Value> {
    let mut lines = text.lines().skip_while(|l| l.trim() != "# METADATA");
    lines.next()?;
    let yaml: Vec<&str> = lines
        .take_while(|l| l.trim_start().starts_with('#'))
        .map(|l| {
            let l = l.trim_start().trim_start_matches('#');
            l.strip_prefix(' ').unwrap_or(l)
        })
        .collect();
    let docs = bulwark_yaml::load_str(&yaml.join("\n")).ok()?;
    docs.first().map(|d| d.root.to_json())
}

/// The check a module defines, if its metadata makes it one.
pub fn check_of(file: &PolicyFile) -> Option<TrivyCheck> {
    let meta = metadata_block(&file.text)?;
    let custom = meta.get("custom")?;
    if custom.get("library").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let str_of = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    let id = str_of(custom.get("id").or_else(|| custom.get("avd_id")));
    if id.is_empty() {
        return None;
    }
    let selectors: Vec<Selector> = custom
        .pointer("/input/selector")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| match s.get("type").and_then(Value::as_str)? {
            "kubernetes" => Some(Selector::Kubernetes),
            "dockerfile" => Some(Selector::Dockerfile),
            _ => None,
        })
        .collect();
    let package = file
        .text
        .lines()
        .find_map(|l| l.trim().strip_prefix("package "))
        .map(|p| p.trim().to_owned())?;
    let mut aliases: Vec<String> = Vec::new();
    if let Some(a) = custom.get("avd_id").and_then(Value::as_str)
        && a != id
    {
        aliases.push(a.to_owned());
    }
    for a in custom
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if a != id && !aliases.iter().any(|x| x == a) {
            aliases.push(a.to_owned());
        }
    }
    Some(TrivyCheck {
        package,
        file: file.path.clone(),
        id,
        aliases,
        title: str_of(meta.get("title")),
        description: str_of(meta.get("description")),
        severity: str_of(custom.get("severity")).to_ascii_uppercase(),
        recommended_action: str_of(custom.get("recommended_action")),
        selectors,
    })
}

/// Evaluates `check`'s `deny` against `input` (already in Trivy's shape).
pub fn run_check(
    engine: &mut PolicyEngine,
    check: &TrivyCheck,
    input: &Value,
) -> Result<Vec<TrivyResult>, PolicyError> {
    engine.set_input(input);
    let value = engine.eval_rule(&format!("data.{}.deny", check.package))?;
    let items = match value {
        Some(Value::Array(items)) => items,
        _ => return Ok(Vec::new()),
    };
    let line = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .map(|n| n as u32)
    };
    Ok(items
        .into_iter()
        .filter_map(|item| match item {
            Value::String(message) => Some(TrivyResult {
                message,
                start_line: None,
                end_line: None,
            }),
            Value::Object(_) => Some(TrivyResult {
                message: match item.get("msg") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                },
                start_line: line(&item, "startline"),
                end_line: line(&item, "endline"),
            }),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::BaseDir;
    use crate::engine::EngineOptions;
    use crate::inputs::trivy_dockerfile_input;
    use crate::load::build_engine;

    const CHECK: &str = r#"# METADATA
# title: No root
# custom:
#   id: USR-0001
#   avd_id: AVD-USR-0001
#   severity: high
#   input:
#     selector:
#     - type: dockerfile
package user.dockerfile.no_root

import rego.v1

deny contains res if {
	some stage in input.Stages
	some cmd in stage.Commands
	cmd.Cmd == "user"
	cmd.Value[0] == "root"
	res := result.new("do not run as root", cmd)
}
"#;

    #[test]
    fn reads_metadata_and_runs_on_dockerfiles() {
        let file = PolicyFile {
            path: "no_root.rego".into(),
            text: CHECK.into(),
        };
        let check = check_of(&file).expect("a check");
        assert_eq!(check.id, "USR-0001");
        assert_eq!(check.aliases, vec!["AVD-USR-0001"]);
        assert_eq!(check.severity, "HIGH");
        assert_eq!(check.selectors, vec![Selector::Dockerfile]);
        let mut engine = build_engine(
            &[file],
            &Value::Null,
            EngineOptions::default(),
            &BaseDir::default(),
        )
        .expect("loads");
        let df = bulwark_dockerfile::parse("FROM alpine\nUSER root\n").expect("parses");
        let results = run_check(
            &mut engine,
            &check,
            &trivy_dockerfile_input(&df, "Dockerfile"),
        )
        .expect("runs");
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].message, "do not run as root");
        assert_eq!(results[0].start_line, Some(2));
    }

    #[test]
    fn libraries_are_not_checks() {
        let file = PolicyFile {
            path: "lib.rego".into(),
            text: "# METADATA\n# custom:\n#   library: true\npackage lib.x\n".into(),
        };
        assert!(check_of(&file).is_none());
    }
}
