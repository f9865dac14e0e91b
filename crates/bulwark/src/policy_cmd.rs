//! `bulwark policy`: `test DIR...` runs Rego unit tests (`test_` rules) as `opa test` and
//! `conftest verify` do; `verify SUITE...` runs gator suites, reported as `gator verify`
//! reports them.

use std::io::Write;

use bulwark_policy::engine::{EngineOptions, SyntaxMode};
use bulwark_policy::gator::{Filter, Runner, find_suites, print_results};
use bulwark_policy::unittest::{TestOptions, TestOutcome, TestReport, run_tests};

use crate::cli::{PolicyCommand, PolicyTestArgs, PolicyVerifyArgs, RegoVersionArg};

pub fn run(command: PolicyCommand) -> Result<u8, String> {
    match command {
        PolicyCommand::Test(args) => test(args),
        PolicyCommand::Verify(args) => verify(args),
    }
}

/// Exit code 0 when every case passes, 1 when one fails; unreadable suites are errors (2).
pub fn verify(args: PolicyVerifyArgs) -> Result<u8, String> {
    let filter =
        Filter::new(args.run.as_deref()).map_err(|e| format!("--run: invalid regex: {e}"))?;
    let mut suites = Vec::new();
    for argument in &args.suites {
        suites.extend(find_suites(argument).map_err(|e| format!("{argument}: {e}"))?);
    }
    let mut runner = Runner::new(EngineOptions::default(), filter);
    let results: Vec<_> = suites.iter().map(|s| runner.run(s)).collect();
    let mut text = String::new();
    let passed = print_results(&mut text, &results, args.verbose);
    // A closed pipe is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(if passed { 0 } else { 1 })
}

fn test(args: PolicyTestArgs) -> Result<u8, String> {
    let run = match &args.run {
        Some(r) => Some(regex::Regex::new(r).map_err(|e| format!("--run: {e}"))?),
        None => None,
    };
    let options = TestOptions {
        paths: args.paths.clone(),
        data: args.data.clone(),
        run,
        namespaces: args.namespace.clone(),
        engine: EngineOptions {
            syntax: match args.rego_version {
                Some(RegoVersionArg::V0) => SyntaxMode::V0Compatible,
                Some(RegoVersionArg::V1) => SyntaxMode::V1,
                None => SyntaxMode::Auto,
            },
            ..EngineOptions::default()
        },
    };
    let report = run_tests(&options).map_err(|e| e.to_string())?;
    let text = render(&report, args.verbose);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    Ok(if report.success() { 0 } else { 1 })
}

/// Failing and erroring tests (every test with `verbose`), then the totals.
pub fn render(report: &TestReport, verbose: bool) -> String {
    let mut s = String::new();
    for r in &report.results {
        let (word, detail) = match &r.outcome {
            TestOutcome::Pass if !verbose => continue,
            TestOutcome::Pass => ("PASS", None),
            TestOutcome::Fail { failed_cases } if failed_cases.is_empty() => ("FAIL", None),
            TestOutcome::Fail { failed_cases } => (
                "FAIL",
                Some(format!(
                    "failing cases: {}",
                    failed_cases
                        .iter()
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            TestOutcome::Error(e) => ("ERROR", Some(e.clone())),
        };
        s.push_str(&format!(
            "{}: {word} ({:.1}ms)  {}:{}\n",
            r.name,
            r.duration.as_secs_f64() * 1000.0,
            r.file,
            r.line
        ));
        if let Some(d) = detail {
            s.push_str(&format!("  {d}\n"));
        }
        if word != "PASS" || verbose {
            for p in &r.prints {
                s.push_str(&format!("  {p}\n"));
            }
        }
    }
    let total = report.results.len();
    let failed = report.failed() + report.errors();
    s.push_str(&format!("{}\n", "-".repeat(80)));
    s.push_str(&format!("PASS: {}/{total}\n", report.passed()));
    if report.failed() > 0 {
        s.push_str(&format!("FAIL: {}/{total}\n", report.failed()));
    }
    if report.errors() > 0 {
        s.push_str(&format!("ERROR: {}/{total}\n", report.errors()));
    }
    // conftest verify's summary line, for scripts that read it.
    s.push_str(&format!(
        "{total} test{}, {} passed, 0 warnings, {failed} failure{}, 0 exceptions, 0 skipped\n",
        if total == 1 { "" } else { "s" },
        report.passed(),
        if failed == 1 { "" } else { "s" },
    ));
    s
}
