//! VEX documents (OpenVEX JSON and CycloneDX VEX JSON): statements that a product is not
//! affected by a vulnerability, which suppress the matching findings with their reason.
//!
//! A statement applies to a vulnerability match when it names the vulnerability (its id or
//! one of its aliases, case-insensitively) and one of its products is
//! - the package itself: a purl equal to the package's, ignoring qualifiers and subpath,
//!   and ignoring the version when the statement's purl has none; or
//! - the image or SBOM being scanned (its target string, one of its names, a manifest or
//!   config digest, or a `pkg:oci/NAME…` purl with the image's repository name or digest),
//!   with either no subcomponents (the whole image) or a subcomponent naming the package.
//!
//! A statement without products applies to every product. Statuses that suppress: OpenVEX
//! `not_affected` and `fixed`; CycloneDX `not_affected`, `false_positive` and `resolved`.
//! Other statuses (`affected`, `under_investigation`, `exploitable`, `in_triage`) are kept
//! for reference but suppress nothing.

use serde_json::Value;

use crate::Error;
use crate::matcher::VulnMatch;

/// One statement of a VEX document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability id and aliases the statement names.
    pub vulnerabilities: Vec<String>,
    /// Products: purls, image references or digests, each with its subcomponents.
    pub products: Vec<VexProduct>,
    /// The status as written (`not_affected`, `fixed`, `false_positive`, …).
    pub status: String,
    /// The justification and impact statement (or CycloneDX detail), as one reason.
    pub reason: String,
    /// Whether the status suppresses findings.
    pub suppresses: bool,
    /// The document the statement came from.
    pub document: String,
}

/// A product of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexProduct {
    pub id: String,
    pub subcomponents: Vec<String>,
}

/// What is being scanned: its target string and the names and digests it is known by.
#[derive(Debug, Clone, Default)]
pub struct VexSubject {
    pub identities: Vec<String>,
}

/// Parses a VEX document (OpenVEX or CycloneDX JSON); `path` names it in errors.
pub fn parse_vex(bytes: &[u8], path: &str) -> Result<Vec<VexStatement>, Error> {
    let err = |message: String| Error::Vex {
        path: path.to_owned(),
        message,
    };
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        err(format!(
            "not JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if let Some(statements) = doc.get("statements").and_then(Value::as_array) {
        return statements
            .iter()
            .enumerate()
            .map(|(i, s)| {
                openvex_statement(s, path).map_err(|m| err(format!("statements[{i}]: {m}")))
            })
            .collect();
    }
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        let Some(vulns) = doc.get("vulnerabilities").and_then(Value::as_array) else {
            return Ok(Vec::new());
        };
        return vulns
            .iter()
            .enumerate()
            .map(|(i, v)| {
                cyclonedx_statement(v, path).map_err(|m| err(format!("vulnerabilities[{i}]: {m}")))
            })
            .collect();
    }
    Err(err(
        "expected an OpenVEX document (`statements`) or a CycloneDX document with `vulnerabilities`"
            .to_owned(),
    ))
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A product or subcomponent: a string (OpenVEX 0.0.x) or an object with `@id` and
/// `identifiers` (`purl`, `cpe22`, `cpe23`).
fn component_ids(v: &Value) -> Vec<String> {
    if let Some(s) = v.as_str() {
        return vec![s.to_owned()];
    }
    let mut ids: Vec<String> = str_field(v, "@id").map(str::to_owned).into_iter().collect();
    if let Some(idents) = v.get("identifiers").and_then(Value::as_object) {
        ids.extend(idents.values().filter_map(Value::as_str).map(str::to_owned));
    }
    ids
}

fn openvex_statement(s: &Value, path: &str) -> Result<VexStatement, String> {
    let mut vulnerabilities = Vec::new();
    match s.get("vulnerability") {
        Some(Value::String(id)) => vulnerabilities.push(id.clone()),
        Some(v @ Value::Object(_)) => {
            vulnerabilities.extend(str_field(v, "name").map(str::to_owned));
            vulnerabilities.extend(str_field(v, "@id").map(str::to_owned));
            if let Some(a) = v.get("aliases").and_then(Value::as_array) {
                vulnerabilities.extend(a.iter().filter_map(Value::as_str).map(str::to_owned));
            }
        }
        _ => return Err("expected `vulnerability` (a string or an object with `name`)".to_owned()),
    }
    if vulnerabilities.is_empty() {
        return Err("`vulnerability` names no id".to_owned());
    }
    let status = str_field(s, "status")
        .ok_or("expected `status`")?
        .to_owned();
    let mut products = Vec::new();
    for p in s
        .get("products")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let subcomponents: Vec<String> = p
            .get("subcomponents")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(component_ids)
            .collect();
        for id in component_ids(p) {
            products.push(VexProduct {
                id,
                subcomponents: subcomponents.clone(),
            });
        }
    }
    let reason = join_reason(
        &status,
        str_field(s, "justification"),
        str_field(s, "impact_statement").or(str_field(s, "status_notes")),
    );
    Ok(VexStatement {
        vulnerabilities,
        products,
        suppresses: matches!(status.as_str(), "not_affected" | "fixed"),
        status,
        reason,
        document: path.to_owned(),
    })
}

fn cyclonedx_statement(v: &Value, path: &str) -> Result<VexStatement, String> {
    let mut vulnerabilities: Vec<String> =
        str_field(v, "id").map(str::to_owned).into_iter().collect();
    for r in v
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        vulnerabilities.extend(str_field(r, "id").map(str::to_owned));
    }
    if vulnerabilities.is_empty() {
        return Err("expected `id`".to_owned());
    }
    let analysis = v.get("analysis").unwrap_or(&Value::Null);
    let status = str_field(analysis, "state")
        .unwrap_or("in_triage")
        .to_owned();
    let products = v
        .get("affects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| str_field(a, "ref"))
        .map(|r| VexProduct {
            // A BOM-Link (`urn:cdx:…/1#pkg:…`) names the component after `#`.
            id: r.rsplit_once('#').map_or(r, |(_, c)| c).to_owned(),
            subcomponents: Vec::new(),
        })
        .collect();
    let reason = join_reason(
        &status,
        str_field(analysis, "justification"),
        str_field(analysis, "detail"),
    );
    Ok(VexStatement {
        vulnerabilities,
        products,
        suppresses: matches!(
            status.as_str(),
            "not_affected" | "false_positive" | "resolved"
        ),
        status,
        reason,
        document: path.to_owned(),
    })
}

fn join_reason(status: &str, justification: Option<&str>, detail: Option<&str>) -> String {
    let mut r = format!("VEX {status}");
    if let Some(j) = justification {
        r.push_str(": ");
        r.push_str(j);
    }
    if let Some(d) = detail {
        r.push_str(if justification.is_some() {
            " — "
        } else {
            ": "
        });
        r.push_str(d);
    }
    r
}

/// A purl without qualifiers and subpath, split into (type/namespace/name, version).
fn purl_key(purl: &str) -> Option<(String, Option<String>)> {
    let rest = purl.strip_prefix("pkg:")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    // The version follows the last `@` of the name part (namespaces may hold `%40`).
    let (name, version) = match rest.rsplit_once('@') {
        Some((n, v)) => (n, Some(v.to_owned())),
        None => (rest, None),
    };
    Some((name.to_ascii_lowercase(), version))
}

/// Whether a statement's product id names the package `purl`.
fn names_package(id: &str, purl: Option<&str>) -> bool {
    let (Some(want), Some(have)) = (purl_key(id), purl.and_then(purl_key)) else {
        return false;
    };
    want.0 == have.0 && want.1.is_none_or(|v| Some(v) == have.1)
}

/// Whether a product id names the scanned subject.
fn names_subject(id: &str, subject: &VexSubject) -> bool {
    if subject.identities.iter().any(|i| i == id) {
        return true;
    }
    if let Some(rest) = id.strip_prefix("pkg:oci/") {
        let (name, qualifiers) = rest.split_once('?').unwrap_or((rest, ""));
        let (name, digest) = match name.split_once('@') {
            Some((n, d)) => (n, Some(d.replace("%3A", ":").replace("%3a", ":"))),
            None => (name, None),
        };
        if let Some(d) = digest {
            return subject.identities.contains(&d);
        }
        let repo = qualifiers
            .split('&')
            .find_map(|q| q.strip_prefix("repository_url="));
        return subject.identities.iter().any(|i| {
            let without_tag = strip_tag(i);
            match repo {
                Some(r) => without_tag == r.replace("%2F", "/"),
                None => without_tag.rsplit('/').next() == Some(name),
            }
        });
    }
    false
}

/// `registry/repo:tag` → `registry/repo` (a port's `:` is kept).
fn strip_tag(reference: &str) -> &str {
    match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => reference,
    }
}

impl VexStatement {
    /// Whether the statement speaks of this match in this subject.
    pub fn applies(&self, m: &VulnMatch, subject: &VexSubject) -> bool {
        let ids = std::iter::once(&m.id)
            .chain(&m.aliases)
            .chain(m.evidence.iter().map(|e| &e.advisory));
        let named = ids.into_iter().any(|id| {
            self.vulnerabilities
                .iter()
                .any(|v| v.eq_ignore_ascii_case(id))
        });
        if !named {
            return false;
        }
        let purl = m.package.purl.as_deref();
        self.products.is_empty()
            || self.products.iter().any(|p| {
                names_package(&p.id, purl)
                    || (names_subject(&p.id, subject)
                        && (p.subcomponents.is_empty()
                            || p.subcomponents.iter().any(|s| names_package(s, purl))))
            })
    }
}

/// The first suppressing statement that applies to `m`, if any.
pub fn find_suppression<'a>(
    statements: &'a [VexStatement],
    m: &VulnMatch,
    subject: &VexSubject,
) -> Option<&'a VexStatement> {
    statements
        .iter()
        .filter(|s| s.suppresses)
        .find(|s| s.applies(m, subject))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Package;

    fn urllib3() -> VulnMatch {
        VulnMatch {
            package: Package {
                name: "urllib3".into(),
                version: "1.26.4".into(),
                ecosystem: "PyPI".into(),
                purl: Some("pkg:pypi/urllib3@1.26.4".into()),
                ..Default::default()
            },
            id: "PYSEC-2023-192".into(),
            aliases: vec!["CVE-2023-43804".into(), "GHSA-v845-jxx5-vc9f".into()],
            summary: String::new(),
            url: None,
            fixed_versions: vec!["1.26.17".into()],
            cvss: Vec::new(),
            severity: bulwark_core::Severity::High,
            severity_source: "cvss-v3".into(),
            evidence: Vec::new(),
        }
    }

    fn subject() -> VexSubject {
        VexSubject {
            identities: vec![
                "oci-archive:img.oci.tar".into(),
                "localhost/bulwark/app:1".into(),
                "sha256:abc".into(),
            ],
        }
    }

    #[test]
    fn openvex_by_alias_and_image_subcomponent() {
        let doc = br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[
          {"vulnerability":{"name":"CVE-2023-43804"},
           "products":[{"@id":"pkg:oci/app@sha256%3Aabc","subcomponents":[{"@id":"pkg:pypi/urllib3"}]}],
           "status":"not_affected","justification":"vulnerable_code_not_in_execute_path",
           "impact_statement":"redirects are never followed"},
          {"vulnerability":"CVE-2023-43804","products":["pkg:pypi/urllib3@2.0.0"],"status":"not_affected"},
          {"vulnerability":{"name":"CVE-2023-43804"},"products":[{"@id":"pkg:pypi/urllib3"}],"status":"affected"}
        ]}"#;
        let st = parse_vex(doc, "a.vex.json").expect("test input");
        assert_eq!(st.len(), 3);
        let m = urllib3();
        let hit = find_suppression(&st, &m, &subject()).expect("test input");
        assert_eq!(
            hit.reason,
            "VEX not_affected: vulnerable_code_not_in_execute_path — redirects are never followed"
        );
        // Another image: the first statement does not apply; the second names another version.
        let other = VexSubject {
            identities: vec!["sha256:def".into()],
        };
        assert!(find_suppression(&st, &m, &other).is_none());
        // `affected` never suppresses.
        assert!(st[2].applies(&m, &other) && !st[2].suppresses);
    }

    #[test]
    fn openvex_image_by_repository_without_subcomponents() {
        let doc = br#"{"statements":[{"vulnerability":{"name":"PYSEC-2023-192"},
          "products":[{"@id":"pkg:oci/app?repository_url=localhost%2Fbulwark%2Fapp"}],
          "status":"fixed"}]}"#;
        let st = parse_vex(doc, "b.json").expect("test input");
        assert!(find_suppression(&st, &urllib3(), &subject()).is_some());
        assert!(find_suppression(&st, &urllib3(), &VexSubject::default()).is_none());
    }

    #[test]
    fn cyclonedx_vex() {
        let doc = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[
          {"id":"CVE-2023-43804","analysis":{"state":"not_affected","justification":"code_not_reachable","detail":"no redirects"},
           "affects":[{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:pypi/urllib3@1.26.4"}]},
          {"id":"CVE-2023-43804","analysis":{"state":"exploitable"},"affects":[{"ref":"pkg:pypi/urllib3@1.26.4"}]}
        ]}"#;
        let st = parse_vex(doc, "c.cdx.json").expect("test input");
        let hit = find_suppression(&st, &urllib3(), &VexSubject::default()).expect("test input");
        assert_eq!(
            hit.reason,
            "VEX not_affected: code_not_reachable — no redirects"
        );
        assert!(!st[1].suppresses);
    }

    #[test]
    fn bad_documents_are_errors() {
        for (doc, want) in [
            (&b"{"[..], "not JSON"),
            (br#"{"kind":"x"}"#, "expected an OpenVEX document"),
            (
                br#"{"statements":[{"products":[]}]}"#,
                "statements[0]: expected `vulnerability`",
            ),
            (
                br#"{"statements":[{"vulnerability":"CVE-1"}]}"#,
                "expected `status`",
            ),
        ] {
            let e = parse_vex(doc, "bad.json")
                .expect_err("an error")
                .to_string();
            assert!(e.contains("bad.json") && e.contains(want), "{e}");
        }
    }
}
