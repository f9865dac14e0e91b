//! `bulwark policy`: `test DIR...` runs Rego unit tests (`test_` rules) as `opa test` and
//! `conftest verify` do; `verify SUITE...` runs gator suites, reported as `gator verify`
//! reports them.

use std::io::Write;

use bulwark_policy::engine::{EngineOptions, SyntaxMode};
use bulwark_policy::gator::{Filter, Runner, find_suites, print_results};
use bulwark_policy::unittest::{TestOptions, TestOutcome, TestReport, run_tests};

use bulwark_report::conftest::{CheckResult, ConftestOptions, ResultMessage, render_conftest};

use crate::cli::{
    ConftestOutput, PolicyCommand, PolicyTestArgs, PolicyVerifyArgs, RegoVersionArg, TestReportKind,
};

pub fn run(command: PolicyCommand) -> Result<u8, String> {
    match command {
        PolicyCommand::Test(args) => test(args),
        PolicyCommand::Verify(args) => verify(args),
        PolicyCommand::Parse(args) => crate::conftest_cmd::parse(args),
        PolicyCommand::Doc(args) => crate::conftest_cmd::doc(args),
        PolicyCommand::Reformat(args) => crate::conftest_cmd::reformat(args),
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
    if args.report.is_some() && args.output.is_some_and(|o| o != ConftestOutput::Stdout) {
        return Err("report flag is supported with stdout only (drop --output or --report)".into());
    }
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
            strict_builtin_errors: args.checks.show_builtin_errors.unwrap_or(false),
            ..EngineOptions::default()
        },
        strict: args.checks.strict,
        capabilities: match &args.checks.capabilities {
            Some(p) => Some(
                bulwark_policy::analysis::Capabilities::load(p)
                    .map_err(|e| format!("--capabilities: {e}"))?,
            ),
            None => None,
        },
        trace: args.checks.trace || args.report == Some(TestReportKind::Full),
    };
    let report = run_tests(&options).map_err(|e| match e {
        bulwark_policy::engine::PolicyError::Check { errors } => format!(
            "the policies do not compile ({} error{}):\n{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors.join("\n")
        ),
        e => e.to_string(),
    })?;
    let text = match (args.report, args.output) {
        (Some(kind), _) => render_report(&report, kind),
        (None, Some(o)) if o != ConftestOutput::Stdout => render_conftest(
            &as_check_results(&report),
            o.into(),
            &ConftestOptions::default(),
        ),
        _ => render(&report, args.verbose || args.checks.trace),
    };
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
            for n in &r.notes {
                s.push_str(&format!("  Note {n:?}\n"));
            }
            for rule in &r.reached {
                s.push_str(&format!("  | Enter {rule}\n"));
            }
        }
    }
    totals(&mut s, report);
    s
}

/// The tally lines that close both renderings.
fn totals(s: &mut String, report: &TestReport) {
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
}

fn outcome_word(o: &TestOutcome) -> &'static str {
    match o {
        TestOutcome::Pass => "PASS",
        TestOutcome::Fail { .. } => "FAIL",
        TestOutcome::Error(_) => "ERROR",
    }
}

/// `opa test`'s report: a FAILURES section (each failing test with what `kind` asks for),
/// then a SUMMARY of every test by file, then the tallies.
pub fn render_report(report: &TestReport, kind: TestReportKind) -> String {
    let rule = "-".repeat(80);
    let mut s = String::new();
    let line = |r: &bulwark_policy::unittest::TestResult| {
        format!(
            "{}: {} ({:.1}ms)",
            r.name,
            outcome_word(&r.outcome),
            r.duration.as_secs_f64() * 1000.0
        )
    };
    let failing: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.outcome != TestOutcome::Pass)
        .collect();
    if !failing.is_empty() {
        s.push_str(&format!("FAILURES\n{rule}\n"));
        for r in failing {
            s.push_str(&format!("{}\n\n", line(r)));
            match &r.outcome {
                TestOutcome::Error(e) => s.push_str(&format!("  error: {e}\n")),
                TestOutcome::Fail { failed_cases } if !failed_cases.is_empty() => {
                    s.push_str(&format!("  failing cases: {failed_cases:?}\n"))
                }
                _ => {}
            }
            if kind == TestReportKind::Full {
                for rule in &r.reached {
                    s.push_str(&format!("  | Enter {rule}\n"));
                }
            }
            for n in &r.notes {
                s.push_str(&format!("  Note {n:?}\n"));
            }
            if kind != TestReportKind::Notes {
                for p in &r.prints {
                    s.push_str(&format!("  {p}\n"));
                }
            }
            s.push('\n');
        }
    }
    s.push_str(&format!("SUMMARY\n{rule}\n"));
    let mut file = "";
    for r in &report.results {
        if r.file != file {
            if !file.is_empty() {
                s.push('\n');
            }
            file = &r.file;
            s.push_str(&format!("{file}:\n"));
        }
        s.push_str(&format!("{}\n", line(r)));
        if r.outcome == TestOutcome::Pass || kind == TestReportKind::Full {
            for p in &r.prints {
                s.push_str(&format!("  {p}\n"));
            }
        }
        if r.outcome == TestOutcome::Pass && kind == TestReportKind::Full {
            for n in &r.notes {
                s.push_str(&format!("  Note {n:?}\n"));
            }
        }
    }
    totals(&mut s, report);
    s
}

/// Test results in conftest's result shape: one result per policy file and package, each
/// failing test a failure named after it.
pub fn as_check_results(report: &TestReport) -> Vec<CheckResult> {
    let mut out: Vec<CheckResult> = Vec::new();
    for r in &report.results {
        let package = r
            .name
            .strip_prefix("data.")
            .and_then(|n| n.rsplit_once('.'))
            .map(|(p, _)| p.to_owned())
            .unwrap_or_default();
        let idx = match out
            .iter()
            .position(|c| c.filename == r.file && c.namespace == package)
        {
            Some(i) => i,
            None => {
                out.push(CheckResult {
                    filename: r.file.clone(),
                    namespace: package,
                    ..CheckResult::default()
                });
                out.len() - 1
            }
        };
        let c = &mut out[idx];
        match &r.outcome {
            TestOutcome::Pass => c.successes += 1,
            TestOutcome::Fail { .. } | TestOutcome::Error(_) => {
                let msg = match &r.outcome {
                    TestOutcome::Error(e) => format!("{}: {e}", r.name),
                    _ => r.name.clone(),
                };
                let mut m = ResultMessage::new(msg, serde_json::Map::new(), r.line);
                m.outputs = r.prints.clone();
                c.failures.push(m);
            }
        }
    }
    out
}
