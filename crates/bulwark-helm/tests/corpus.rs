//! Conformance on the shared chart corpus: every chart loads; the templates a render would
//! produce (after dependency processing) are exactly the keys of Helm v4's golden render;
//! charts Helm refuses before any template runs fail here with Helm's message.

use std::path::PathBuf;

use bulwark_helm::{Capabilities, Map, ReleaseOptions, load, prepare, rendered_template_names};

fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("BULWARK_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    if dir.join("corpus/charts/INDEX.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "shared corpus not found at {} (set BULWARK_SHARED)",
        dir.display()
    );
    None
}

/// Golden errors that arise before template execution, so this crate must reproduce them.
const PRE_RENDER_ERRORS: &[&str] = &[
    "helm__helm/chart-bad-requirements",
    "helm__helm/chart-bad-type",
    "helm__helm/chart-with-bad-subcharts",
    "helm__helm/chart-with-schema-and-subchart",
    "helm__helm/chart-with-schema-negative",
    "helm__helm/lib-chart",
];

/// Known differences from the goldens, each with its reason; a chart listed here must still
/// differ exactly as described, so a change in either direction fails the test.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    // INDEX.json lists these three as vendored, but the corpus folder holds only `charts/crds`;
    // Helm's golden was rendered with them present.
    "prometheus-community__helm-charts/kube-prometheus-stack",
    "grafana kube-state-metrics prometheus-node-exporter",
)];

#[test]
fn corpus_charts_load_and_match_golden_template_sets() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let index: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared.join("corpus/charts/INDEX.json")).expect("read INDEX.json"),
    )
    .expect("INDEX.json parses");
    let charts = index["charts"].as_array().expect("charts array");
    let (mut loaded, mut compared, mut agreed, mut errors_matched) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for entry in charts {
        let id = entry["id"].as_str().expect("id");
        let dir = shared.join("corpus/charts").join(id);
        if !dir.is_dir() {
            continue;
        }
        let golden_path = shared
            .join("corpus/charts-golden")
            .join(id)
            .join("default.json");
        let golden: Option<serde_json::Value> = std::fs::read(&golden_path)
            .ok()
            .map(|b| serde_json::from_slice(&b).expect("golden parses"));
        let result = load(&dir).map_err(|e| e.to_string()).and_then(|chart| {
            loaded += 1;
            prepare(
                chart,
                &Map::new(),
                ReleaseOptions::default(),
                Capabilities::default(),
            )
            .map_err(|e| e.to_string())
        });
        let Some(golden) = golden else { continue };
        let golden = golden.as_object().expect("golden object");
        if let Some(err) = golden.get("error").and_then(|e| e.as_str()) {
            if PRE_RENDER_ERRORS.contains(&id) {
                match &result {
                    Err(e) if e == err => errors_matched += 1,
                    other => failures.push(format!(
                        "{id}: want error {err:?}, got {:?}",
                        other.as_ref().map(|_| "ok")
                    )),
                }
            } else if let Err(e) = &result {
                failures.push(format!("{id}: fails before rendering: {e}"));
            }
            continue;
        }
        compared += 1;
        match result {
            Err(e) => failures.push(format!("{id}: {e}")),
            Ok(input) => {
                let got = rendered_template_names(&input.chart);
                let mut want: Vec<String> = golden.keys().cloned().collect();
                want.sort();
                let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
                let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
                if let Some((_, subcharts)) = KNOWN_DIFFERENCES.iter().find(|(k, _)| *k == id) {
                    let prefix = format!("{}/charts/", input.chart.name());
                    let mut missing_subcharts: Vec<&str> = missing
                        .iter()
                        .filter_map(|m| m.strip_prefix(&prefix)?.split('/').next())
                        .collect();
                    missing_subcharts.dedup();
                    if !extra.is_empty() || missing_subcharts.join(" ") != *subcharts {
                        failures.push(format!(
                            "{id}: known difference changed: missing {missing:?}, extra {extra:?}"
                        ));
                    }
                } else if got == want {
                    agreed += 1;
                } else {
                    failures.push(format!("{id}: missing {missing:?}, extra {extra:?}"));
                }
            }
        }
    }
    let summary = format!(
        "loaded {loaded}; template sets agree {agreed}/{compared}; pre-render errors matched {errors_matched}/{}",
        PRE_RENDER_ERRORS.len()
    );
    assert!(failures.is_empty(), "{summary}\n{}", failures.join("\n"));
    assert_eq!(compared, 110, "{summary}");
    assert_eq!(agreed + KNOWN_DIFFERENCES.len(), compared, "{summary}");
    assert_eq!(errors_matched, PRE_RENDER_ERRORS.len(), "{summary}");
}

/// Helm builds imports from tables still shared with the coalesced values (Go maps are
/// references): `subchartb`'s `SCBdata` imported into `imported-chartA-B` lands in
/// `subcharta`'s `SCAdata` table too, and so in every import of it. Facts from Helm v4.2.3.
#[test]
fn import_values_share_tables_as_helm_does() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let chart = load(&shared.join("corpus/charts/helm__helm/subchart")).expect("loads");
    let input = prepare(
        chart,
        &Map::new(),
        ReleaseOptions::default(),
        Capabilities::default(),
    )
    .expect("prepares");
    let json = |v: &bulwark_helm::Value| v.to_json().to_string();
    let sca = r#""SCAbool":false,"SCAfloat":3.1,"SCAint":55,"SCAnested1":{"SCAnested2":true},"SCAstring":"jabba","SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba""#;
    assert_eq!(
        json(&input.values["imported-chartA"]),
        format!(r#"{{"SC1extra2":1.337,{sca}}}"#)
    );
    let subcharta = input.values["subcharta"].as_map().expect("subcharta map");
    assert_eq!(json(&subcharta["SCAdata"]), format!("{{{sca}}}"));
}
