//! `bulwark policy test` on Trivy's own checks: the `_test.rego` files of the Kubernetes and
//! Dockerfile checks in `../shared/corpus/policies/trivy-checks`, run with the `lib` helpers.
//! At least 95% of the test rules must pass, and the ones that do not are exactly those
//! listed, with the reason, in `tests/trivy-checks-known-failures.txt`.

use std::collections::BTreeMap;

use bulwark_policy::unittest::{TestOptions, TestOutcome, run_tests};

#[test]
fn trivy_check_unit_tests_pass() {
    let Some(root) = bulwark_test::shared_path("corpus/policies/trivy-checks") else {
        return;
    };
    let report = run_tests(&TestOptions {
        paths: vec![
            root.join("checks/kubernetes"),
            root.join("checks/docker"),
            root.join("lib"),
        ],
        ..TestOptions::default()
    })
    .expect("the checks load");
    let mut failing: BTreeMap<String, String> = BTreeMap::new();
    for r in &report.results {
        let why = match &r.outcome {
            TestOutcome::Pass => continue,
            TestOutcome::Fail { failed_cases } if failed_cases.is_empty() => "FAIL".to_owned(),
            TestOutcome::Fail { failed_cases } => format!("FAIL cases {failed_cases:?}"),
            TestOutcome::Error(e) => format!("ERROR {e}"),
        };
        failing.insert(r.name.clone(), why);
    }
    let total = report.results.len();
    let passed = report.passed();
    let rate = passed as f64 / total as f64;
    let listed_text = include_str!("trivy-checks-known-failures.txt");
    let listed: BTreeMap<&str, &str> = listed_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_once(' ').map_or((l, ""), |(n, r)| (n, r.trim())))
        .collect();
    let unexpected: Vec<String> = failing
        .iter()
        .filter(|(n, _)| !listed.contains_key(n.as_str()))
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
    let fixed: Vec<&str> = listed
        .keys()
        .filter(|n| !failing.contains_key(**n))
        .copied()
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "{passed}/{total} pass; failing but not listed:\n{}\nlisted but passing now:\n{}",
        unexpected.join("\n"),
        fixed.join("\n")
    );
    assert!(total > 400, "only {total} tests found");
    assert!(
        rate >= 0.95,
        "{passed}/{total} = {:.1}% pass, below 95%",
        rate * 100.0
    );
}
