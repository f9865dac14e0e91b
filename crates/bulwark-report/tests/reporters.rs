//! Renders one small hand-built report in every format: snapshots of each, the JSON contract,
//! SARIF schema validity and fingerprint stability, JUnit well-formedness.

use std::collections::HashMap;

use bulwark_core::{
    Finding, InputError, Location, Report, Resource, RuleFamily, RuleMeta, Severity, SourceFile,
    Span, Suppression, SuppressionKind, TargetKind, TargetReport,
};
use bulwark_report::{
    NoSources, SARIF_FINGERPRINT_KEY, SourceLookup, TableOptions, render_json, render_junit,
    render_sarif, render_table,
};
use serde_json::Value;

const KUB001: RuleMeta = RuleMeta {
    code: "KUB001",
    name: "image-tag-pinned",
    family: RuleFamily::Kubernetes,
    severity: Severity::High,
    summary: "container images use a fixed tag or digest",
    help: "pin the image to a version tag or a digest",
    aliases: &["AVD-KSV-0013", "CKV_K8S_14"],
    compliance: &["NSA-K8S-IMAGE-PIN"],
    docs: "## What it does\nChecks that images are pinned.\n",
};

const KUB012: RuleMeta = RuleMeta {
    code: "KUB012",
    name: "run-as-non-root",
    family: RuleFamily::Kubernetes,
    severity: Severity::Medium,
    summary: "containers run as a non-root user",
    help: "set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser`",
    aliases: &["AVD-KSV-0012", "CKV_K8S_23"],
    compliance: &["CIS-K8S-5.2.6", "NSA-K8S-POD-NONROOT"],
    docs: "## What it does\nChecks that containers cannot run as root.\n\n## Why is this bad?\nA root process that escapes its container is root on the node.\n",
};

const KUB020: RuleMeta = RuleMeta {
    code: "KUB020",
    name: "resource-limits",
    family: RuleFamily::Kubernetes,
    severity: Severity::Low,
    summary: "containers set CPU and memory limits",
    help: "set `resources.limits.cpu` and `resources.limits.memory`",
    aliases: &["AVD-KSV-0011"],
    compliance: &[],
    docs: "",
};

const SEC001: RuleMeta = RuleMeta {
    code: "SEC001",
    name: "plaintext-secret",
    family: RuleFamily::Secrets,
    severity: Severity::Critical,
    summary: "Secrets hold no plaintext values in manifests",
    help: "move the value to a secret store and reference it",
    aliases: &[],
    compliance: &["CIS-K8S-5.4.1"],
    docs: "",
};

const HLM010: RuleMeta = RuleMeta {
    code: "HLM010",
    name: "privileged-container",
    family: RuleFamily::Helm,
    severity: Severity::High,
    summary: "containers are not privileged",
    help: "set `privileged: false` in the chart's values",
    aliases: &["AVD-KSV-0017"],
    compliance: &["CIS-K8S-5.2.1"],
    docs: "",
};

/// Not passed to `render_sarif`: its descriptor is built from the finding.
const DKF005: RuleMeta = RuleMeta {
    code: "DKF005",
    name: "no-install-recommends",
    family: RuleFamily::Dockerfile,
    severity: Severity::Info,
    summary: "apt-get installs no recommended packages",
    help: "add `--no-install-recommends`",
    aliases: &["DL3015"],
    compliance: &[],
    docs: "",
};

const WEB_YAML: &str = "# équipe: données ☕
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:latest
          securityContext: {}
";

const SECRET_YAML: &str = "apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: default
stringData:
  pässwort: \"hünter2\"
";

const TEMPLATE_YAML: &str = "spec:
  containers:
    - name: app
      securityContext:
        privileged: {{ .Values.privileged }}
";

const VALUES_YAML: &str = "# défaut
privileged: true
";

fn loc(path: &str, start: (u32, u32), end: (u32, u32)) -> Location {
    Location::new(
        path,
        Span {
            start: 0,
            end: 0,
            start_line: start.0,
            start_column: start.1,
            end_line: end.0,
            end_column: end.1,
        },
    )
}

fn web() -> Resource {
    Resource {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        namespace: Some("default".into()),
        name: Some("web".into()),
        container: Some("web".into()),
    }
}

fn sources() -> HashMap<String, SourceFile> {
    [
        ("deploy/web.yaml", WEB_YAML),
        ("deploy/secret.yaml", SECRET_YAML),
        ("charts/web/templates/deployment.yaml", TEMPLATE_YAML),
        ("charts/web/values.yaml", VALUES_YAML),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_owned(), SourceFile::new(p, t)))
    .collect()
}

fn run_as_root(web_yaml_line: u32) -> Finding {
    Finding::new(
        &KUB012,
        "container `web` may run as root",
        loc("deploy/web.yaml", (web_yaml_line, 11), (web_yaml_line, 26)),
    )
    .with_label("`runAsNonRoot` is not set")
    .with_resource(web())
}

fn report() -> Report {
    let web_findings = vec![
        Finding::new(
            &KUB001,
            "container `web` uses the mutable tag `latest`",
            loc("deploy/web.yaml", (12, 18), (12, 30)),
        )
        .with_label("`nginx:latest`")
        .with_resource(web()),
        run_as_root(13),
        {
            let mut f = Finding::new(
                &KUB020,
                "container `web` sets no resource limits",
                loc("deploy/web.yaml", (11, 11), (11, 20)),
            )
            .with_resource(web());
            f.suppressed = Some(Suppression {
                kind: SuppressionKind::Inline,
                reason: "légacy — approuvé par l'équipe sécurité".into(),
                expires: Some("2030-01-01".into()),
                location: None,
            });
            f
        },
    ];
    let secret = Finding::new(
        &SEC001,
        "Secret `db` holds a plaintext value in `stringData.pässwort`",
        loc("deploy/secret.yaml", (7, 13), (7, 22)),
    )
    .with_label("plaintext value")
    .with_resource(Resource {
        api_version: "v1".into(),
        kind: "Secret".into(),
        namespace: Some("default".into()),
        name: Some("db".into()),
        container: None,
    });
    let privileged = Finding::new(
        &HLM010,
        "container `app` is privileged",
        loc("charts/web/templates/deployment.yaml", (5, 21), (5, 45)),
    )
    .with_label("`privileged` is `true`")
    .with_secondary(
        loc("charts/web/values.yaml", (2, 13), (2, 17)),
        "the value comes from here",
    )
    .with_resource(Resource {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        namespace: None,
        name: Some("release-web".into()),
        container: Some("app".into()),
    });
    let recommends = Finding::new(
        &DKF005,
        "`apt-get install` installs recommended packages",
        loc("Dockerfile", (3, 5), (3, 40)),
    )
    .with_label("no `--no-install-recommends`");
    Report::new(vec![
        TargetReport {
            path: "deploy/web.yaml".into(),
            kind: TargetKind::Kubernetes,
            findings: web_findings,
            errors: vec![],
        },
        TargetReport {
            path: "deploy/secret.yaml".into(),
            kind: TargetKind::Kubernetes,
            findings: vec![secret],
            errors: vec![],
        },
        TargetReport {
            path: "charts/web".into(),
            kind: TargetKind::Helm,
            findings: vec![privileged],
            errors: vec![],
        },
        TargetReport {
            path: "Dockerfile".into(),
            kind: TargetKind::Dockerfile,
            findings: vec![recommends],
            errors: vec![],
        },
        TargetReport {
            path: "deploy/broken.yaml".into(),
            kind: TargetKind::Kubernetes,
            findings: vec![],
            errors: vec![InputError {
                path: "deploy/broken.yaml".into(),
                line: Some(3),
                column: Some(7),
                message: "did not find expected key <here> & \"there\"".into(),
            }],
        },
        TargetReport {
            path: "deploy/ok.yaml".into(),
            kind: TargetKind::Kubernetes,
            findings: vec![],
            errors: vec![],
        },
    ])
}

const RULES: [&RuleMeta; 5] = [&KUB001, &KUB012, &KUB020, &SEC001, &HLM010];

fn sarif(report: &Report, sources: &(impl SourceLookup + ?Sized)) -> Value {
    serde_json::from_str(&render_sarif(report, &RULES, sources, "0.1.0")).expect("SARIF is JSON")
}

// ---------------------------------------------------------------- table

#[test]
fn table_snapshot() {
    let opts = TableOptions {
        color: false,
        show_suppressed: true,
    };
    insta::assert_snapshot!(render_table(&report(), &sources(), &opts));
}

#[test]
fn table_hides_suppressed_findings_unless_asked() {
    let out = render_table(&report(), &sources(), &TableOptions::default());
    assert!(!out.contains("KUB020"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour unless asked");
    let summary = out.lines().last().expect("summary line");
    assert_eq!(
        summary,
        "5 findings (1 critical, 2 high, 1 medium, 1 info), 1 suppressed, 1 input error in 6 files"
    );
}

#[test]
fn table_matches_house_style() {
    let report = Report::new(vec![TargetReport {
        path: "deploy/web.yaml".into(),
        kind: TargetKind::Kubernetes,
        findings: vec![run_as_root(13)],
        errors: vec![],
    }]);
    let out = render_table(&report, &sources(), &TableOptions::default());
    let expected = "\
warning[KUB012]: container `web` may run as root
  --> deploy/web.yaml:13:11
   |
13 |           securityContext: {}
   |           ^^^^^^^^^^^^^^^ `runAsNonRoot` is not set
   |
   = help: set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser`
   = note: medium severity in `Deployment/default/web`, container `web`
   = see: bulwark rules KUB012

1 finding (1 medium) in 1 file
";
    assert_eq!(out, expected);
}

#[test]
fn table_colours_only_when_asked() {
    let opts = TableOptions {
        color: true,
        show_suppressed: false,
    };
    assert!(render_table(&report(), &sources(), &opts).contains('\u{1b}'));
}

#[test]
fn table_without_sources_still_names_locations() {
    let out = render_table(&report(), &NoSources, &TableOptions::default());
    assert!(out.contains("--> deploy/web.yaml:13:11"), "{out}");
    assert!(
        out.contains("charts/web/values.yaml:2:13: the value comes from here"),
        "{out}"
    );
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(render_json(&report()));
}

/// The example of `bulwark.report/v1` in ARCHITECTURE.md, key for key.
#[test]
fn json_matches_the_documented_contract() {
    let meta = RuleMeta {
        code: "KUB012",
        name: "run-as-non-root",
        family: RuleFamily::Kubernetes,
        severity: Severity::Medium,
        summary: "",
        help: "",
        aliases: &["AVD-KSV-0012", "CKV_K8S_23"],
        compliance: &["CIS-K8S-5.2.6", "NSA-K8S-POD-NONROOT"],
        docs: "",
    };
    let finding = Finding::new(
        &meta,
        "container 'web' may run as root: set securityContext.runAsNonRoot: true",
        loc("deploy/web.yaml", (14, 9), (14, 30)),
    )
    .with_resource(Resource {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        namespace: Some("default".into()),
        name: Some("web".into()),
        container: None,
    });
    let report = Report::new(vec![TargetReport {
        path: "deploy/web.yaml".into(),
        kind: TargetKind::Kubernetes,
        findings: vec![finding],
        errors: vec![],
    }]);
    let documented = r#"{
  "schema": "bulwark.report/v1",
  "targets": [
    {
      "path": "deploy/web.yaml",
      "type": "kubernetes",
      "findings": [
        {
          "rule": "KUB012",
          "name": "run-as-non-root",
          "aliases": ["AVD-KSV-0012", "CKV_K8S_23"],
          "severity": "medium",
          "message": "container 'web' may run as root: set securityContext.runAsNonRoot: true",
          "location": {"path": "deploy/web.yaml", "start_line": 14, "start_column": 9, "end_line": 14, "end_column": 30},
          "resource": {"api_version": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "web"},
          "compliance": ["CIS-K8S-5.2.6", "NSA-K8S-POD-NONROOT"],
          "suppressed": null
        }
      ],
      "errors": []
    }
  ],
  "summary": {"findings": 1, "by_severity": {"medium": 1}}
}"#;
    let rendered = render_json(&report);
    let got: Value = serde_json::from_str(&rendered).expect("JSON");
    let want: Value = serde_json::from_str(documented).expect("documented JSON");
    assert_eq!(got, want, "{rendered}");
    // Key order too (serde_json keeps insertion order here).
    let keys = |v: &Value| -> Vec<String> {
        v["targets"][0]["findings"][0]
            .as_object()
            .expect("finding object")
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(keys(&got), keys(&want));
    // and it reads back into the same report
    let back: Report = serde_json::from_str(&rendered).expect("report");
    assert_eq!(back.summary, report.summary);
}

// ---------------------------------------------------------------- SARIF

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(render_sarif(&report(), &RULES, &sources(), "0.1.0"));
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    // The official schema's `language` patterns have an unescaped `]`, which the draft-07
    // meta-schema's `regex` format rejects; escape it (same meaning: a literal `]`) so the
    // schema compiles. bulwark writes no `language`.
    let raw = include_str!("data/sarif-schema-2.1.0.json");
    let stray = "-[a-zA-Z]{2}]?$";
    assert_eq!(raw.matches(stray).count(), 2);
    let schema: Value =
        serde_json::from_str(&raw.replace(stray, r"-[a-zA-Z]{2}\\]?$")).expect("schema");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles");
    for sources in [&sources() as &dyn SourceLookupDyn, &NoSourcesDyn] {
        let log = sarif(&report(), &sources.get());
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    // The schema is strict (additionalProperties: false): a misspelt key is caught.
    let mut bad = sarif(&report(), &sources());
    bad["runs"][0]["results"][0]["ruleID"] = Value::from("KUB001");
    assert!(!validator.is_valid(&bad));
}

/// Lets the schema test run with and without sources.
trait SourceLookupDyn {
    fn get(&self) -> HashMap<String, SourceFile>;
}
impl SourceLookupDyn for HashMap<String, SourceFile> {
    fn get(&self) -> HashMap<String, SourceFile> {
        self.clone()
    }
}
struct NoSourcesDyn;
impl SourceLookupDyn for NoSourcesDyn {
    fn get(&self) -> HashMap<String, SourceFile> {
        HashMap::new()
    }
}

#[test]
fn sarif_carries_rules_suppressions_related_locations_and_errors() {
    let log = sarif(&report(), &sources());
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    // DKF005 was not described by the caller: its descriptor comes from the finding
    assert_eq!(rules.len(), 6);
    assert_eq!(rules[5]["id"], "DKF005");
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "KUB020");
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    let helm = results
        .iter()
        .find(|r| r["ruleId"] == "HLM010")
        .expect("HLM010 result");
    assert_eq!(
        helm["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "charts/web/values.yaml"
    );
    let notes = &run["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes.as_array().map(Vec::len), Some(1));
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

fn fingerprint_of(report: &Report, sources: &HashMap<String, SourceFile>, rule: &str) -> String {
    let log = sarif(report, sources);
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == rule)
        .expect("result")
        .clone();
    result["partialFingerprints"][SARIF_FINGERPRINT_KEY]
        .as_str()
        .expect("fingerprint")
        .to_owned()
}

fn one_target(findings: Vec<Finding>) -> Report {
    Report::new(vec![TargetReport {
        path: "deploy/web.yaml".into(),
        kind: TargetKind::Kubernetes,
        findings,
        errors: vec![],
    }])
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let before = sources();
    let mut after = sources();
    let shifted = WEB_YAML.replacen("apiVersion", "# a comment\n# another\n---\napiVersion", 1);
    after.insert(
        "deploy/web.yaml".into(),
        SourceFile::new("deploy/web.yaml", shifted),
    );
    let fp_before = fingerprint_of(&one_target(vec![run_as_root(13)]), &before, "KUB012");
    let fp_after = fingerprint_of(&one_target(vec![run_as_root(16)]), &after, "KUB012");
    assert_eq!(fp_before, fp_after);

    // Another finding on another line of the same file has another fingerprint.
    let tag = Finding::new(
        &KUB001,
        "container `web` uses the mutable tag `latest`",
        loc("deploy/web.yaml", (12, 18), (12, 30)),
    )
    .with_resource(web());
    let fp_tag = fingerprint_of(&one_target(vec![tag]), &before, "KUB001");
    assert_ne!(fp_before, fp_tag);

    // So does the same rule on the same line for another container.
    let mut other = run_as_root(13);
    other.message = "container `sidecar` may run as root".into();
    if let Some(r) = other.resource.as_mut() {
        r.container = Some("sidecar".into());
    }
    let fp_other = fingerprint_of(&one_target(vec![other]), &before, "KUB012");
    assert_ne!(fp_before, fp_other);
}

#[test]
fn repeated_fingerprints_are_numbered() {
    let twice = one_target(vec![run_as_root(13), run_as_root(13)]);
    let log = sarif(&twice, &sources());
    let fps: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"][SARIF_FINGERPRINT_KEY]
                .as_str()
                .expect("fp")
        })
        .collect();
    assert_eq!(fps.len(), 2);
    assert!(fps[0].ends_with(":1") && fps[1].ends_with(":2"), "{fps:?}");
    assert_eq!(fps[0].trim_end_matches(":1"), fps[1].trim_end_matches(":2"));
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(render_junit(&report()));
}

#[test]
fn junit_is_well_formed_xml() {
    use quick_xml::events::Event;

    let xml = render_junit(&report());
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures, mut errors, mut skipped) = (0, 0, 0, 0, 0);
    let mut error_message = String::new();
    let mut depth = 0i32;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let element = match &event {
            Event::Start(e) => {
                depth += 1;
                e
            }
            Event::Empty(e) => e,
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match element.name().as_ref() {
            b"testsuite" => suites += 1,
            b"testcase" => cases += 1,
            b"failure" => failures += 1,
            b"skipped" => skipped += 1,
            b"error" => {
                errors += 1;
                let attr = element
                    .try_get_attribute("message")
                    .expect("attribute")
                    .expect("message attribute");
                error_message = attr.unescape_value().expect("unescape").into_owned();
            }
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(suites, 6);
    // 5 findings + 1 suppressed + 1 input error + 1 passing case for the clean file
    assert_eq!(cases, 8);
    assert_eq!(failures, 5);
    assert_eq!(skipped, 1);
    assert_eq!(errors, 1);
    assert_eq!(
        error_message,
        "did not find expected key <here> & \"there\""
    );
}
