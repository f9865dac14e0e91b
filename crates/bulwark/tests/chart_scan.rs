//! `bulwark scan` on Helm charts: rendering (folders, archives, `ci/` variants, `--values`,
//! `--set`), findings mapped to template and values lines, suppressions in templates and
//! values files, and charts that fail to render reported as Helm reports them.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bulwark(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const WEB: &str = "tests/fixtures/charts/web";

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn findings<'a>(target: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn chart_findings_point_at_templates_and_values_in_the_table() {
    let out = bulwark(&["scan", WEB, "--color", "never"], &crate_dir());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn chart_findings_carry_template_values_and_rendered_locations_in_json() {
    let out = bulwark(&["scan", WEB, "--format", "json"], &crate_dir());
    let r = json(&out);
    let targets = r["targets"].as_array().unwrap();
    let paths: Vec<&str> = targets
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [WEB, "tests/fixtures/charts/web (ci/hardened-values.yaml)"]
    );
    assert!(targets.iter().all(|t| t["type"] == "helm"));

    // privileged: true comes from `toYaml .Values.securityContext`: the template action,
    // the nested values key, the rendered place
    let f = findings(&targets[0], "KUB010")[0];
    insta::assert_json_snapshot!("privileged_finding_json", f);
    assert_eq!(
        f["location"]["path"],
        format!("{WEB}/templates/deployment.yaml")
    );
    assert_eq!(f["location"]["start_line"], 23);
    assert_eq!(
        f["rendered_location"]["path"],
        "web/templates/deployment.yaml"
    );
    assert_eq!(
        f["labels"][0]["location"]["path"],
        format!("{WEB}/values.yaml")
    );
    assert_eq!(f["labels"][0]["location"]["start_line"], 12);
    assert!(
        f["message"].as_str().unwrap().ends_with(&format!(
            "(from `securityContext.privileged` in {WEB}/values.yaml:12)"
        )),
        "{f}"
    );

    // a Go template comment suppresses the probe findings of the container below it
    for rule in ["KUB058", "KUB059"] {
        let f = findings(&targets[0], rule)[0];
        assert_eq!(
            f["suppressed"]["reason"], "the service mesh probes the pod",
            "{f}"
        );
        assert_eq!(f["suppressed"]["location"]["start_line"], 18);
    }
    // a values comment suppresses the finding its key fed
    let f = findings(&targets[0], "KUB060")[0];
    assert_eq!(
        f["suppressed"]["location"]["path"],
        format!("{WEB}/values.yaml")
    );
    assert_eq!(f["location"]["start_line"], 8);

    // the ci variant reports only what differs from the default render, pointing at the
    // variant's file
    let v = &targets[1];
    assert!(findings(v, "KUB010").is_empty());
    let f = findings(v, "KUB014")[0];
    assert_eq!(
        f["labels"][0]["location"]["path"],
        format!("{WEB}/ci/hardened-values.yaml")
    );
    assert_eq!(f["labels"][0]["location"]["start_line"], 6);
}

#[test]
fn sarif_lists_values_lines_as_related_locations() {
    let out = bulwark(
        &["scan", WEB, "--format", "sarif", "--no-ci-values"],
        &crate_dir(),
    );
    let r = json(&out);
    let results = r["runs"][0]["results"].as_array().unwrap();
    let f = results.iter().find(|x| x["ruleId"] == "KUB010").unwrap();
    assert_eq!(
        f["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        format!("{WEB}/values.yaml")
    );
    assert_eq!(
        f["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
}

#[test]
fn values_files_and_set_flags_feed_the_render_and_are_named() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "prod.yaml",
        "image:\n  tag: \"1.27.2\"\nservice:\n  type: LoadBalancer\n",
    );
    let chart = crate_dir().join(WEB);
    let out = bulwark(
        &[
            "scan",
            chart.to_str().unwrap(),
            "--no-ci-values",
            "--values",
            "prod.yaml",
            "--set",
            "securityContext.privileged=false",
            "--format",
            "json",
        ],
        d.path(),
    );
    let r = json(&out);
    let t = &r["targets"][0];
    assert!(
        findings(t, "KUB010").is_empty(),
        "--set wins over values.yaml"
    );
    assert!(findings(t, "KUB050").is_empty(), "prod.yaml pins the tag");
    let f = findings(t, "KUB061")[0];
    assert_eq!(f["labels"][0]["location"]["path"], "prod.yaml");
    assert_eq!(f["labels"][0]["location"]["start_line"], 4);
    let f = findings(t, "KUB051")[0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("`image.tag` in prod.yaml:2"),
        "{f}"
    );
}

#[test]
fn suppressions_without_reason_or_expired_in_templates_and_values_are_reported() {
    let d = copy_web_chart(&[
        // A Go comment (gone from the rendered output) without a reason, and an expired `#`
        // comment in a part that default values do not render.
        (
            "templates/deployment.yaml",
            "  template:\n",
            "  template:\n    {{- /* bulwark:ignore KUB010 */}}\n    {{- if .Values.never }}\n    # bulwark:ignore KUB050 until=2020-01-01 pinned later\n    {{- end }}\n",
        ),
        (
            "values.yaml",
            "securityContext:\n",
            "securityContext: # bulwark:ignore KUB010\n",
        ),
    ]);
    let out = bulwark(
        &[
            "scan",
            d.path().to_str().unwrap(),
            "--no-ci-values",
            "--format",
            "json",
        ],
        d.path(),
    );
    let r = json(&out);
    let t = &r["targets"][0];
    let at = |f: &serde_json::Value| {
        (
            f["location"]["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .take(2)
                .collect::<Vec<_>>()
                .join("<"),
            f["location"]["start_line"].as_u64().unwrap(),
        )
    };
    let mut cfg001: Vec<_> = findings(t, "CFG001").into_iter().map(at).collect();
    cfg001.sort();
    assert_eq!(
        cfg001,
        [
            ("deployment.yaml<templates".to_owned(), 13),
            (
                "values.yaml<".to_owned() + d.path().file_name().unwrap().to_str().unwrap(),
                11
            ),
        ],
        "{t}"
    );
    let cfg002: Vec<_> = findings(t, "CFG002").into_iter().map(at).collect();
    assert_eq!(
        cfg002,
        [("deployment.yaml<templates".to_owned(), 15)],
        "{t}"
    );
    // Neither reasonless comment hides the privileged container.
    let kub010 = findings(t, "KUB010");
    assert!(
        !kub010.is_empty() && kub010.iter().all(|f| f["suppressed"].is_null()),
        "{t}"
    );
}

#[test]
fn crds_and_schemas_are_checked_in_chart_scans() {
    // Rendered manifests are validated against the Kubernetes schemas too.
    let d = copy_web_chart(&[(
        "templates/deployment.yaml",
        "  replicas:",
        "  replicaz: 1\n  replicas:",
    )]);
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: # bulwark:ignore KUB066\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: []\n";
    write(d.path(), "crds/widgets.yaml", crd);
    write(
        d.path(),
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    );
    write(d.path(), "charts/sub/crds/broken.yaml", "kind: [unclosed\n");
    let out = bulwark(
        &[
            "scan",
            d.path().to_str().unwrap(),
            "--no-ci-values",
            "--format",
            "json",
        ],
        d.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a broken CRD file is an input error"
    );
    let r = json(&out);
    let t = &r["targets"][0];
    let root = d.path().display().to_string();
    let cfg = findings(t, "CFG001");
    assert_eq!(cfg.len(), 1, "{t}");
    assert_eq!(
        cfg[0]["location"]["path"],
        format!("{root}/crds/widgets.yaml")
    );
    assert_eq!(cfg[0]["location"]["start_line"], 3);
    let schema = findings(t, "KUB001");
    assert_eq!(schema.len(), 1, "{t}");
    assert_eq!(
        schema[0]["location"]["path"],
        format!("{root}/templates/deployment.yaml")
    );
    assert_eq!(schema[0]["location"]["start_line"], 8);
    let errors = t["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{t}");
    assert_eq!(
        errors[0]["path"],
        format!("{root}/charts/sub/crds/broken.yaml")
    );
    // The flow sequence is still open at the end of the file.
    assert_eq!(errors[0]["line"], 2, "{}", errors[0]["message"]);
}

/// A copy of the web fixture chart in a temporary folder, each `(file, from, to)` edit
/// replacing the first `from` in that file.
fn copy_web_chart(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let src = crate_dir().join(WEB);
    for entry in walk(&src) {
        let rel = entry
            .strip_prefix(&src)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let mut text = std::fs::read_to_string(&entry).unwrap();
        for (file, from, to) in edits {
            if rel == *file {
                assert!(text.contains(from), "{file} has no {from:?}");
                text = text.replacen(from, to, 1);
            }
        }
        write(d.path(), &rel, &text);
    }
    d
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn chart_archives_are_rendered_and_point_inside_the_archive() {
    let d = tempfile::tempdir().unwrap();
    let tgz = d.path().join("web-0.1.0.tgz");
    let file = std::fs::File::create(&tgz).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all("web", crate_dir().join(WEB)).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    let out = bulwark(
        &[
            "scan",
            "web-0.1.0.tgz",
            "--format",
            "json",
            "--no-ci-values",
        ],
        d.path(),
    );
    let r = json(&out);
    let t = &r["targets"][0];
    assert_eq!(t["path"], "web-0.1.0.tgz");
    let f = findings(t, "KUB010")[0];
    assert_eq!(
        f["location"]["path"],
        "web-0.1.0.tgz/templates/deployment.yaml"
    );
    assert_eq!(
        f["labels"][0]["location"]["path"],
        "web-0.1.0.tgz/values.yaml"
    );
}

#[test]
fn charts_in_walked_folders_are_rendered_and_broken_ones_fail_as_helm_says() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "deploy/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27.2\n      securityContext:\n        privileged: true\n",
    );
    write(
        d.path(),
        "charts/broken/Chart.yaml",
        "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
    );
    write(d.path(), "charts/broken/values.yaml", "image: {}\n");
    write(
        d.path(),
        "charts/broken/templates/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - name: c\n      image: {{ required \"image.tag is required\" .Values.image.tag }}\n",
    );
    let out = bulwark(&["scan", ".", "--format", "json"], d.path());
    assert_eq!(out.status.code(), Some(2));
    let r = json(&out);
    let paths: Vec<&str> = r["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    // the chart's own files are not scanned as manifests
    assert_eq!(paths, ["charts/broken", "deploy/pod.yaml"]);
    let template = bulwark(&["template", "charts/broken"], d.path());
    let helm_says = String::from_utf8_lossy(&template.stderr);
    let message = r["targets"][0]["errors"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "execution error at (broken/templates/pod.yaml:8:16): image.tag is required"
    );
    assert!(helm_says.contains(message), "{helm_says}");
    assert_eq!(findings(&r["targets"][1], "KUB010").len(), 1);
}

/// Every corpus chart (default values and each `ci/` variant) scans without a crash; each
/// finding points at a real chart file and a real line; charts Helm refuses fail with
/// Helm's message; and most findings land on a template line.
#[test]
fn corpus_charts_scan_with_findings_in_chart_files() {
    let Some(corpus) = bulwark_test::shared_path("corpus/charts") else {
        return;
    };
    let Some(goldens) = bulwark_test::shared_path("corpus/charts-golden") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let report = d.path().join("report.json");
    let out = bulwark(
        &[
            "scan",
            corpus.to_str().unwrap(),
            "--format",
            "json",
            "-o",
            report.to_str().unwrap(),
        ],
        d.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let targets = r["targets"].as_array().unwrap();
    let mut lines: std::collections::HashMap<String, usize> = Default::default();
    let mut total = 0usize;
    let mut on_template = 0usize;
    let mut with_values = 0usize;
    for t in targets {
        for e in t["errors"].as_array().unwrap() {
            let m = e["message"].as_str().unwrap();
            assert!(!m.contains("internal error"), "{}: {m}", t["path"]);
        }
        for f in t["findings"].as_array().unwrap() {
            total += 1;
            let loc = &f["location"];
            let path = loc["path"].as_str().unwrap();
            let line = loc["start_line"].as_u64().unwrap() as usize;
            assert!(line >= 1, "{f}");
            if let Some((archive, _)) = path.split_once(".tgz/") {
                assert!(Path::new(&format!("{archive}.tgz")).is_file(), "{f}");
            } else {
                let n = *lines.entry(path.to_owned()).or_insert_with(|| {
                    std::fs::read_to_string(path)
                        .unwrap_or_else(|e| panic!("{path}: {e}"))
                        .lines()
                        .count()
                });
                assert!(line <= n.max(1), "{path} has {n} lines: {f}");
            }
            if f["rendered_location"] != f["location"] && path.contains("/templates/") {
                on_template += 1;
            }
            if f["labels"].as_array().is_some_and(|l| !l.is_empty()) {
                with_values += 1;
            }
        }
    }
    // Charts Helm refuses: the default target fails with Helm's message.
    for g in bulwark_test::walk_files(&goldens) {
        if g.file_name().is_none_or(|n| n != "default.json") {
            continue;
        }
        let golden: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&g).unwrap()).unwrap();
        let Some(want) = golden["error"].as_str() else {
            continue;
        };
        let id = g.parent().unwrap().strip_prefix(&goldens).unwrap();
        let chart = corpus.join(id).display().to_string();
        let t = targets
            .iter()
            .find(|t| t["path"] == chart.as_str())
            .unwrap();
        assert_eq!(t["errors"][0]["message"], want, "{chart}");
    }
    // Findings placed on template text (not on an action) sit on the same text as in the
    // rendered manifest; the default renders are Helm's goldens.
    let mut checked = 0;
    for t in targets {
        let chart = Path::new(t["path"].as_str().unwrap());
        let Ok(id) = chart.strip_prefix(&corpus) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(goldens.join(id).join("default.json")) else {
            continue;
        };
        let golden: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for f in t["findings"].as_array().unwrap() {
            let (loc, r) = (&f["location"], &f["rendered_location"]);
            let path = loc["path"].as_str().unwrap();
            // Not rendered: `crds/` files, suppression comments in templates.
            if path.contains(".tgz/") || r.is_null() {
                continue;
            }
            let line = |text: &str, l: &serde_json::Value| -> String {
                let n = l["start_line"].as_u64().unwrap() as usize;
                let c = l["start_column"].as_u64().unwrap() as usize;
                let line = text.lines().nth(n - 1).unwrap_or("");
                line.chars().skip(c - 1).collect()
            };
            let template = line(&std::fs::read_to_string(path).unwrap(), loc);
            if template.starts_with("{{") {
                continue;
            }
            let rendered_text = golden[r["path"].as_str().unwrap()].as_str().unwrap();
            let rendered = line(rendered_text, r);
            let piece = template.split("{{").next().unwrap_or("").trim();
            assert!(
                rendered.trim().starts_with(piece),
                "{path}:{}: template `{template}` vs rendered `{rendered}`",
                loc["start_line"]
            );
            checked += 1;
        }
    }
    assert!(
        checked > 1000,
        "{checked} findings on template text checked"
    );
    assert!(total > 1000, "{total} findings");
    let share = on_template as f64 / total as f64;
    eprintln!(
        "corpus charts: {} targets, {total} findings, {on_template} ({:.1}%) on a template line, {with_values} ({:.1}%) naming a values line",
        targets.len(),
        share * 100.0,
        with_values as f64 * 100.0 / total as f64
    );
    assert!(
        share > 0.95,
        "only {:.1}% of findings map to a template",
        share * 100.0
    );
}
