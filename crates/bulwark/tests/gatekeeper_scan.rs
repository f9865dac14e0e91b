//! `bulwark scan --policy DIR` in Gatekeeper mode: a template of the Gatekeeper library with
//! constraints, over a manifest of the corpus and over a fixture exercising the match,
//! enforcement actions, suppressions and bad constraints.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value as Json;

fn bulwark(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A policy folder with the library's `k8srequiredlabels` template and `constraints`.
fn policy_dir(constraints: &str) -> Option<tempfile::TempDir> {
    let template = bulwark_test::shared_path(
        "corpus/policies/gatekeeper-library/library/general/requiredlabels/template.yaml",
    )?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(template, dir.path().join("template.yaml")).unwrap();
    write(dir.path(), "constraints.yaml", constraints);
    Some(dir)
}

fn pol003(report: &Json) -> Vec<&Json> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["findings"].as_array().unwrap())
        .filter(|f| f["rule"] == "POL003")
        .collect()
}

const DEPLOYMENTS_NEED_OWNER: &str = r#"apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: deployments-need-owner
spec:
  match:
    kinds:
      - apiGroups: ["apps"]
        kinds: ["Deployment"]
  parameters:
    labels:
      - key: owner
"#;

#[test]
fn library_template_flags_corpus_deployments() {
    let (Some(policy), Some(manifest)) = (
        policy_dir(DEPLOYMENTS_NEED_OWNER),
        bulwark_test::shared_path(
            "corpus/manifests/istio__istio/samples/bookinfo/platform/kube/bookinfo-db.yaml",
        ),
    ) else {
        return;
    };
    let out = bulwark(
        &[
            "scan",
            manifest.to_str().unwrap(),
            "--policy",
            policy.path().to_str().unwrap(),
            "--only-policies",
            "--format",
            "json",
        ],
        policy.path(),
    );
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let findings = pol003(&report);
    assert_eq!(findings.len(), 1, "{report:#}");
    let f = findings[0];
    assert_eq!(f["name"], "gatekeeper-violation");
    assert_eq!(f["severity"], "high");
    assert_eq!(
        f["message"],
        "you must provide labels: {\"owner\"} (K8sRequiredLabels/deployments-need-owner)"
    );
    assert_eq!(f["resource"]["kind"], "Deployment");
    assert_eq!(f["resource"]["name"], "mongodb-v1");
    // The object's first key (`apiVersion`).
    assert_eq!(f["location"]["start_line"], 29, "{f:#}");
    assert!(
        f["label"]
            .as_str()
            .unwrap()
            .contains("template k8srequiredlabels"),
        "{f:#}"
    );
}

const FIXTURE: &str = r#"apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels:
    team: a
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-b
  labels:
    team: b
---
apiVersion: v1
kind: Pod
metadata:
  name: bare-a
  namespace: team-a
spec:
  containers:
    - name: app
      image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: bare-b
  namespace: team-b
spec:
  containers:
    - name: app
      image: nginx
---
# bulwark:ignore POL003 owner is set by the team-a admission webhook
apiVersion: v1
kind: Pod
metadata:
  name: ignored-a
  namespace: team-a
spec:
  containers:
    - name: app
      image: nginx
"#;

const FIXTURE_CONSTRAINTS: &str = r#"apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: team-a-owner
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
    namespaceSelector:
      matchLabels:
        team: a
  parameters:
    labels:
      - key: owner
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: tier-warn
spec:
  enforcementAction: warn
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
    namespaces: ["team-b"]
  parameters:
    labels:
      - key: tier
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: app-dryrun
spec:
  enforcementAction: dryrun
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
    namespaces: ["team-b"]
  parameters:
    labels:
      - key: app
"#;

#[test]
fn match_enforcement_actions_and_suppressions() {
    let Some(policy) = policy_dir(FIXTURE_CONSTRAINTS) else {
        return;
    };
    let targets = tempfile::tempdir().unwrap();
    write(targets.path(), "pods.yaml", FIXTURE);
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "pods.yaml",
            "--policy",
            policy.path().to_str().unwrap(),
            "--only-policies",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        bulwark(&args, targets.path())
    };
    let out = scan(&[]);
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    let summary: Vec<(String, String, bool)> = pol003(&report)
        .into_iter()
        .map(|f| {
            (
                format!(
                    "{} {}",
                    f["resource"]["name"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                ),
                f["severity"].as_str().unwrap().to_owned(),
                f.get("suppressed").is_some_and(|s| !s.is_null()),
            )
        })
        .collect();
    let row = |s: &str, sev: &str, sup: bool| (s.to_owned(), sev.to_owned(), sup);
    assert_eq!(
        summary,
        vec![
            row(
                "bare-a you must provide labels: {\"owner\"} (K8sRequiredLabels/team-a-owner)",
                "high",
                false
            ),
            row(
                "bare-b you must provide labels: {\"app\"} (K8sRequiredLabels/app-dryrun)",
                "info",
                true
            ),
            row(
                "bare-b you must provide labels: {\"tier\"} (K8sRequiredLabels/tier-warn)",
                "info",
                false
            ),
            row(
                "ignored-a you must provide labels: {\"owner\"} (K8sRequiredLabels/team-a-owner)",
                "high",
                true
            ),
        ],
        "{report:#}"
    );
    assert_eq!(out.status.code(), Some(1));
    // The warning alone does not fail a scan at the default threshold.
    let out = scan(&["--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(0));

    // A constraint whose parameters break the template's schema is an input error naming it.
    write(
        policy.path(),
        "bad.yaml",
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n  name: bad-labels\nspec:\n  parameters:\n    labels: owner\n",
    );
    let out = scan(&[]);
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2), "{report:#}");
    let text = report.to_string();
    assert!(
        text.contains("constraint K8sRequiredLabels/bad-labels: parameters do not follow the schema of template `k8srequiredlabels`: spec.parameters.labels: expected array, found string"),
        "{report:#}"
    );
    // The other constraints still ran.
    assert_eq!(pol003(&report).len(), 4);
}
