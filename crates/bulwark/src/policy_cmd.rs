//! `bulwark policy verify`: gator suites, reported as `gator verify` reports them.

use std::io::Write;

use bulwark_policy::engine::EngineOptions;
use bulwark_policy::gator::{Filter, Runner, find_suites, print_results};

use crate::cli::PolicyVerifyArgs;

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
