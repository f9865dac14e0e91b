//! Conformance with the Gatekeeper library's own gator suites
//! (`../shared/corpus/policies/gatekeeper-library`): every suite must pass at least 97% of
//! its assertions, and the assertions that fail must be exactly those listed, with a reason,
//! in `docs/conformance/gatekeeper.md` (so a fix or a new failure both show up here).

#![allow(clippy::print_stderr)]

use std::collections::BTreeSet;
use std::path::Path;

use bulwark_policy::engine::EngineOptions;
use bulwark_policy::gator::{Filter, Runner, find_suites};

const MIN_RATE: f64 = 0.97;

/// The suites the conformance document lists as below the rate (`- suite `path`: reason`).
fn listed_low_suites() -> BTreeSet<String> {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/conformance/gatekeeper.md");
    let text = std::fs::read_to_string(&doc).expect("docs/conformance/gatekeeper.md exists");
    text.lines()
        .filter_map(|line| line.strip_prefix("- suite `"))
        .filter_map(|rest| rest.split_once('`').map(|(path, _)| path.to_string()))
        .collect()
}

/// The failures listed in the conformance document: lines `- `suite` › `test` › `case` › assertion N: reason`.
fn listed_failures() -> BTreeSet<String> {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/conformance/gatekeeper.md");
    let text = std::fs::read_to_string(&doc).expect("docs/conformance/gatekeeper.md exists");
    text.lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter(|rest| rest.contains(" › "))
        .filter_map(|rest| rest.split_once(':').map(|(id, _)| id))
        .map(|id| id.replace('`', ""))
        .collect()
}

#[test]
fn gatekeeper_library_suites_pass() {
    let Some(root) = bulwark_test::shared_path("corpus/policies/gatekeeper-library/library") else {
        return;
    };
    let root = root.display().to_string();
    let suites = find_suites(&format!("{root}/...")).expect("suites are readable");
    assert!(suites.len() >= 49, "found only {} suites", suites.len());
    let mut runner = Runner::new(EngineOptions::default(), Filter::default());
    let mut failures = BTreeSet::new();
    let mut low = Vec::new();
    let (mut all_passed, mut all_total) = (0, 0);
    for suite in &suites {
        let result = runner.run(suite);
        let (passed, total) = result.assertion_counts(suite);
        all_passed += passed;
        all_total += total;
        let name = suite
            .display
            .strip_prefix(&format!("{root}/"))
            .unwrap_or(&suite.display)
            .to_string();
        if total > 0 && (passed as f64) < MIN_RATE * total as f64 {
            low.push(name.clone());
        }
        for (test, test_result) in suite.tests.iter().zip(&result.tests) {
            if let Some(e) = &test_result.error {
                for (ci, case) in test.cases.iter().enumerate() {
                    for ai in 0..case.assertions.len() {
                        let id = format!(
                            "{name} › {} › {} › assertion {}",
                            test.name,
                            case.name,
                            ai + 1
                        );
                        eprintln!("{id}: {e} (case {ci})");
                        failures.insert(id);
                    }
                }
                continue;
            }
            for case in &test_result.cases {
                for (ai, a) in case.assertions.iter().enumerate() {
                    if let Some(e) = &a.error {
                        let id = format!(
                            "{name} › {} › {} › assertion {}",
                            test.name,
                            case.name,
                            ai + 1
                        );
                        eprintln!("{id}: {e}");
                        failures.insert(id);
                    }
                }
            }
        }
    }
    eprintln!("assertions passed: {all_passed}/{all_total}");
    let low: BTreeSet<String> = low.into_iter().collect();
    let listed_low = listed_low_suites();
    assert_eq!(
        low, listed_low,
        "suites below {MIN_RATE} must be exactly those listed in docs/conformance/gatekeeper.md"
    );
    let listed = listed_failures();
    let unlisted: Vec<_> = failures.difference(&listed).collect();
    let fixed: Vec<_> = listed.difference(&failures).collect();
    assert!(
        unlisted.is_empty(),
        "failing assertions missing from docs/conformance/gatekeeper.md: {unlisted:#?}"
    );
    assert!(
        fixed.is_empty(),
        "listed in docs/conformance/gatekeeper.md but passing now (remove them): {fixed:#?}"
    );
}
