use std::collections::HashMap;
use std::fmt::Write as _;

use bulwark_core::{Finding, InputError, Location, Report, RuleMeta, Severity, SuppressionKind};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::source::{SourceLookup, trimmed_line};
use crate::table::input_error_text;

/// The `$schema` written into SARIF logs: the OASIS SARIF 2.1.0 schema.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of bulwark's fingerprint in `result.partialFingerprints`.
pub const SARIF_FINGERPRINT_KEY: &str = "bulwark/v1";

/// Renders `report` as a SARIF 2.1.0 log with one run.
///
/// `rules` describes the rules in `tool.driver.rules` (findings of rules not listed there get
/// a descriptor built from the finding, so every `ruleIndex` resolves). `sources` gives the
/// flagged lines' text for `partialFingerprints` (`bulwark/v1`): a hash of the rule code, the
/// file path, the resource, the message and the trimmed flagged line, with no line numbers,
/// so a finding keeps its fingerprint when unrelated lines move; `:N` counts repeats of the
/// same hash in one log. Suppressed findings carry `suppressions`; input errors become
/// `invocations[0].toolExecutionNotifications`.
pub fn render_sarif(
    report: &Report,
    rules: &[&RuleMeta],
    sources: &(impl SourceLookup + ?Sized),
    tool_version: &str,
) -> String {
    let mut descriptors: Vec<Value> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for rule in rules {
        if !index.contains_key(rule.code) {
            index.insert(rule.code.to_owned(), descriptors.len());
            descriptors.push(rule_descriptor(rule));
        }
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::new();
    for finding in report.findings() {
        let rule_index = match index.get(&finding.rule) {
            Some(i) => *i,
            None => {
                let i = descriptors.len();
                index.insert(finding.rule.clone(), i);
                descriptors.push(finding_descriptor(finding));
                i
            }
        };
        let line = trimmed_line(sources, &finding.location.path, finding.location.start_line);
        let hash = fingerprint(finding, line);
        let count = seen.entry(hash.clone()).or_default();
        *count += 1;
        results.push(result(finding, rule_index, &format!("{hash}:{count}")));
    }

    let notifications: Vec<Value> = report.errors().map(notification).collect();
    let log = json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "bulwark",
                    "version": tool_version,
                    "rules": descriptors,
                }
            },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    match serde_json::to_string_pretty(&log) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(_) => String::from("{}\n"),
    }
}

/// SARIF `level` for a severity.
fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` score (CVSS-like, 0–10) for a severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn tags<'a>(
    aliases: impl Iterator<Item = &'a str>,
    compliance: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut tags = vec!["security".to_owned()];
    for t in aliases.chain(compliance) {
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    tags
}

fn rule_descriptor(rule: &RuleMeta) -> Value {
    let mut d = Map::new();
    d.insert("id".into(), json!(rule.code));
    d.insert("name".into(), json!(rule.name));
    d.insert("shortDescription".into(), json!({ "text": rule.summary }));
    let full = first_paragraph(rule.docs).unwrap_or_else(|| rule.summary.to_owned());
    d.insert("fullDescription".into(), json!({ "text": full }));
    let help_text = if rule.help.is_empty() {
        rule.summary
    } else {
        rule.help
    };
    let mut help = Map::new();
    help.insert("text".into(), json!(help_text));
    if !rule.docs.is_empty() {
        help.insert("markdown".into(), json!(rule.docs));
    }
    d.insert("help".into(), Value::Object(help));
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": sarif_level(rule.severity) }),
    );
    d.insert(
        "properties".into(),
        json!({
            "tags": tags(rule.aliases.iter().copied(), rule.compliance.iter().copied()),
            "severity": rule.severity.as_str(),
            "security-severity": security_severity(rule.severity),
        }),
    );
    Value::Object(d)
}

/// The first paragraph of a rule's Markdown docs that is not a heading, on one line.
fn first_paragraph(docs: &str) -> Option<String> {
    docs.split("\n\n")
        .map(|p| {
            p.lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .find(|p| !p.is_empty())
}

/// A descriptor for a rule the caller did not describe (a policy's dynamic code, say).
fn finding_descriptor(f: &Finding) -> Value {
    let mut d = Map::new();
    d.insert("id".into(), json!(f.rule));
    d.insert("name".into(), json!(f.name));
    d.insert("shortDescription".into(), json!({ "text": f.name }));
    if let Some(help) = &f.help {
        d.insert("help".into(), json!({ "text": help }));
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": sarif_level(f.severity) }),
    );
    d.insert(
        "properties".into(),
        json!({
            "tags": tags(f.aliases.iter().map(String::as_str), f.compliance.iter().map(String::as_str)),
            "severity": f.severity.as_str(),
            "security-severity": security_severity(f.severity),
        }),
    );
    Value::Object(d)
}

fn result(f: &Finding, rule_index: usize, fingerprint: &str) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("level".into(), json!(sarif_level(f.severity)));
    r.insert("message".into(), json!({ "text": f.message }));

    let mut location = Map::new();
    location.insert("physicalLocation".into(), physical_location(&f.location));
    if let Some(resource) = &f.resource {
        let mut logical = Map::new();
        if let Some(name) = &resource.name {
            logical.insert("name".into(), json!(name));
        }
        logical.insert("fullyQualifiedName".into(), json!(resource.display()));
        logical.insert("kind".into(), json!("resource"));
        location.insert("logicalLocations".into(), json!([logical]));
    }
    if let Some(label) = &f.label {
        location.insert("message".into(), json!({ "text": label }));
    }
    r.insert("locations".into(), json!([location]));

    if !f.labels.is_empty() {
        let related: Vec<Value> = f
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                json!({
                    "id": i,
                    "physicalLocation": physical_location(&l.location),
                    "message": { "text": l.message },
                })
            })
            .collect();
        r.insert("relatedLocations".into(), json!(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ SARIF_FINGERPRINT_KEY: fingerprint }),
    );
    if let Some(s) = &f.suppressed {
        let mut sup = Map::new();
        let kind = match s.kind {
            SuppressionKind::Inline | SuppressionKind::Annotation => "inSource",
            SuppressionKind::Config | SuppressionKind::Vex => "external",
        };
        sup.insert("kind".into(), json!(kind));
        sup.insert("status".into(), json!("accepted"));
        if !s.reason.is_empty() {
            sup.insert("justification".into(), json!(s.reason));
        }
        if let Some(loc) = &s.location {
            sup.insert(
                "location".into(),
                json!({ "physicalLocation": physical_location(loc) }),
            );
        }
        let mut props = Map::new();
        props.insert("bulwarkKind".into(), json!(s.kind));
        if let Some(expires) = &s.expires {
            props.insert("expires".into(), json!(expires));
        }
        sup.insert("properties".into(), Value::Object(props));
        r.insert("suppressions".into(), json!([sup]));
    }
    let mut props = Map::new();
    props.insert("severity".into(), json!(f.severity.as_str()));
    if let Some(resource) = &f.resource {
        props.insert("resource".into(), json!(resource));
    }
    if !f.compliance.is_empty() {
        props.insert("compliance".into(), json!(f.compliance));
    }
    r.insert("properties".into(), Value::Object(props));
    Value::Object(r)
}

fn physical_location(loc: &Location) -> Value {
    let mut p = Map::new();
    p.insert(
        "artifactLocation".into(),
        json!({ "uri": path_uri(&loc.path) }),
    );
    if loc.start_line >= 1 {
        let start_column = loc.start_column.max(1);
        let end_line = loc.end_line.max(loc.start_line);
        let end_column = if end_line == loc.start_line {
            loc.end_column.max(start_column)
        } else {
            loc.end_column.max(1)
        };
        p.insert(
            "region".into(),
            json!({
                "startLine": loc.start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            }),
        );
    }
    Value::Object(p)
}

fn notification(e: &InputError) -> Value {
    let mut physical = Map::new();
    physical.insert(
        "artifactLocation".into(),
        json!({ "uri": path_uri(&e.path) }),
    );
    if let Some(line) = e.line.filter(|l| *l >= 1) {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(col) = e.column.filter(|c| *c >= 1) {
            region.insert("startColumn".into(), json!(col));
        }
        physical.insert("region".into(), Value::Object(region));
    }
    json!({
        "level": "error",
        "message": { "text": input_error_text(e) },
        "locations": [{ "physicalLocation": physical }],
    })
}

/// A file path as a relative URI reference: `/` separators, everything but unreserved
/// characters and `/` percent-encoded (so spaces and non-ASCII names stay valid).
fn path_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `bulwark/v1` fingerprint: the first 128 bits of SHA-256 over the rule code, the file path,
/// the resource identity, the message and the trimmed flagged line, in hex.
pub(crate) fn fingerprint(f: &Finding, line_text: &str) -> String {
    let mut h = Sha256::new();
    let resource = f.resource.as_ref();
    let parts = [
        f.rule.as_str(),
        f.location.path.as_str(),
        resource.map_or("", |r| r.api_version.as_str()),
        resource.map_or("", |r| r.kind.as_str()),
        resource.and_then(|r| r.namespace.as_deref()).unwrap_or(""),
        resource.and_then(|r| r.name.as_deref()).unwrap_or(""),
        resource.and_then(|r| r.container.as_deref()).unwrap_or(""),
        f.message.as_str(),
        line_text,
    ];
    for part in parts {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in digest.iter().take(16) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_description_is_the_first_prose_paragraph() {
        let docs =
            "## What it does\nChecks that\nimages are pinned.\n\n## Why is this bad?\nTags move.\n";
        assert_eq!(
            first_paragraph(docs).as_deref(),
            Some("Checks that images are pinned.")
        );
        assert_eq!(first_paragraph(""), None);
    }

    #[test]
    fn uris_encode_spaces_and_non_ascii() {
        assert_eq!(
            path_uri("deploy/web app/é.yaml"),
            "deploy/web%20app/%C3%A9.yaml"
        );
        assert_eq!(
            path_uri(r"charts\web\values.yaml"),
            "charts/web/values.yaml"
        );
    }
}
