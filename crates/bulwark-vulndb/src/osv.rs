//! OSV records (JSON, or YAML as the PyPA and OSS-Fuzz databases write them), including
//! GitHub Security Advisory records in OSV form (`GHSA-…` ids, `database_specific.severity`).

use serde::Deserialize;
use serde_json::Value;

use crate::model::{Advisory, Affected, Event, Range, RangeKind, Score, first_line};

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Option<Vec<RawScore>>,
    #[serde(default)]
    affected: Option<Vec<RawAffected>>,
    #[serde(default)]
    references: Option<Vec<RawReference>>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawScore {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    url: String,
}

#[derive(Deserialize, Default)]
struct RawPackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Option<Vec<RawRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    severity: Option<Vec<RawScore>>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<Value>,
}

/// Whether a JSON value looks like an OSV record (`id` plus `affected` or `modified`).
pub fn is_osv(v: &Value) -> bool {
    v.get("id").is_some_and(Value::is_string)
        && (v.get("affected").is_some() || v.get("modified").is_some())
}

/// Reads one OSV record. Unknown range types and malformed events are dropped (the rest of
/// the record still counts); a record without an `id` is an error.
pub fn parse_osv(v: Value) -> Result<Advisory, String> {
    let raw: RawRecord =
        serde_json::from_value(v).map_err(|e| format!("not an OSV record: {e}"))?;
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .or(raw.details)
        .map(|s| first_line(&s, 240))
        .unwrap_or_default();
    let database_severity = raw
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let url = raw.references.as_ref().and_then(|refs| {
        refs.iter()
            .find(|r| r.kind == "ADVISORY")
            .or_else(|| refs.first())
            .map(|r| r.url.clone())
    });
    let affected = raw
        .affected
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let pkg = a.package.unwrap_or_default();
            Affected {
                ecosystem: pkg.ecosystem,
                name: pkg.name,
                purl: pkg.purl,
                ranges: a
                    .ranges
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(convert_range)
                    .collect(),
                versions: a.versions.unwrap_or_default(),
                severity: scores(a.severity),
                unaffected_requirements: Vec::new(),
            }
        })
        .collect();
    Ok(Advisory {
        id: raw.id,
        aliases: raw.aliases.unwrap_or_default(),
        summary,
        published: raw.published,
        modified: raw.modified,
        withdrawn: raw.withdrawn.is_some_and(|w| !w.is_empty()),
        severity: scores(raw.severity),
        database_severity,
        url,
        affected,
    })
}

fn scores(raw: Option<Vec<RawScore>>) -> Vec<Score> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|s| Score {
            kind: s.kind,
            score: s.score,
        })
        .collect()
}

fn convert_range(r: RawRange) -> Option<Range> {
    let kind = match r.kind.as_str() {
        "SEMVER" => RangeKind::Semver,
        "ECOSYSTEM" => RangeKind::Ecosystem,
        "GIT" => RangeKind::Git,
        _ => return None,
    };
    let events = r
        .events
        .into_iter()
        .filter_map(|e| {
            let obj = e.as_object()?;
            let (k, v) = obj.iter().next()?;
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some(match k.as_str() {
                "introduced" => Event::Introduced(v),
                "fixed" => Event::Fixed(v),
                "last_affected" => Event::LastAffected(v),
                "limit" => Event::Limit(v),
                _ => return None,
            })
        })
        .collect();
    Some(Range { kind, events })
}

/// A YAML node as JSON with every scalar kept as the text written (OSV fields are strings;
/// `1.10` must not become the number 1.1).
pub fn yaml_to_json(node: &bulwark_yaml::Node) -> Value {
    use bulwark_yaml::NodeKind;
    match &node.kind {
        NodeKind::Scalar(s) => match s.value {
            bulwark_yaml::Value::Null if s.style == bulwark_yaml::ScalarStyle::Plain => Value::Null,
            _ => Value::String(s.text.clone()),
        },
        NodeKind::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.key_string(), yaml_to_json(&e.value)))
                .collect(),
        ),
    }
}

/// Parses YAML text into JSON (the first document).
pub fn yaml_text_to_json(text: &str) -> Result<Value, String> {
    let docs = bulwark_yaml::load_str_with(
        text,
        bulwark_yaml::LoadOptions {
            profile: bulwark_yaml::Profile::Yaml12Core,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(docs.first().map_or(Value::Null, |d| yaml_to_json(&d.root)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghsa_records_keep_their_database_severity_and_ranges() {
        let rec = serde_json::json!({
            "schema_version": "1.4.0",
            "id": "GHSA-jf85-cpcp-j695",
            "modified": "2024-03-15T20:32:51Z",
            "published": "2019-07-10T19:45:23Z",
            "aliases": ["CVE-2019-10744"],
            "summary": "Prototype Pollution in lodash",
            "affected": [{
                "package": {"ecosystem": "npm", "name": "lodash"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.17.12"}]}]
            }],
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H"}],
            "database_specific": {"severity": "CRITICAL", "github_reviewed": true}
        });
        assert!(is_osv(&rec));
        let a = parse_osv(rec).expect("valid");
        assert_eq!(a.database_severity.as_deref(), Some("CRITICAL"));
        assert_eq!(
            a.affected[0].ranges[0].events[1],
            Event::Fixed("4.17.12".into())
        );
        assert_eq!(a.aliases, ["CVE-2019-10744"]);
    }

    #[test]
    fn yaml_scalars_stay_text() {
        let v = yaml_text_to_json("versions:\n- 1.10\n- \"1.2\"\nx: ~\n").expect("valid");
        assert_eq!(v["versions"][0], "1.10");
        assert!(v["x"].is_null());
    }
}
