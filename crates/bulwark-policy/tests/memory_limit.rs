//! The heap ceiling is process-wide, so this test has a process of its own (an integration
//! test binary) where no other evaluation raises the ceiling meanwhile.

use bulwark_policy::engine::{EngineOptions, LimitKind, Limits, PolicyEngine, PolicyError};

#[test]
fn memory_limit_stops_a_policy_that_builds_a_huge_value() {
    let mut e = PolicyEngine::new(EngineOptions {
        limits: Limits {
            time: None,
            memory_headroom: Some(64 * 1024 * 1024),
        },
        ..EngineOptions::default()
    });
    e.add_module(
        "big.rego",
        "package main\nbig := concat(\"\", [s | some i in numbers.range(1, 2000000); s := sprintf(\"%v-padding-padding\", [i])])\n",
    )
    .expect("parses");
    let err = match e.eval_rule("data.main.big") {
        Ok(_) => panic!("the evaluation was not stopped"),
        Err(err) => err,
    };
    assert!(
        matches!(
            err,
            PolicyError::Limit {
                kind: LimitKind::Memory { .. }
            }
        ),
        "{err}"
    );
}
