//! The `bulwark` command line: arguments, discovery of targets, wiring of the analyzers and
//! reporters, terminal output and exit codes. The only crate that prints.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod chart_scan;
mod cli;
mod conftest_cmd;
mod db_cmd;
mod discover;
mod gatekeeper_scan;
mod image_sign;
mod image_target;
mod package_cmd;
mod policy_cmd;
mod policy_scan;
mod provenance_scan;
mod rules_cmd;
mod sbom_cmd;
mod scan;
mod template_cmd;
mod verify_cmd;
mod vuln;

use std::process::ExitCode;

// The global allocator is mimalloc, installed by regorus (bulwark-policy) with its
// `allocator-memory-limits` feature: chart rendering and scanning allocate many small
// short-lived objects, and the policy engine bounds a policy's heap through it.

use clap::Parser;

fn main() -> ExitCode {
    // No transparent huge pages for this process: mimalloc asks for them on its arena, and a
    // short run then pays for zeroing whole 2 MiB pages it mostly never uses (about 3% of
    // rendering the chart corpus one process per chart). Failure only keeps the default.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(*args),
        cli::Command::Rules(args) => rules_cmd::run(args),
        cli::Command::Template(args) => template_cmd::run(args),
        cli::Command::Db(args) => db_cmd::run(args),
        cli::Command::Sbom(args) => sbom_cmd::run(args),
        cli::Command::Policy(command) => policy_cmd::run(command),
        cli::Command::Package(args) => package_cmd::run(args),
        cli::Command::Verify(args) => verify_cmd::run(args),
        cli::Command::Sign(args) => image_sign::run_sign(args),
        cli::Command::GenerateKeyPair(args) => image_sign::run_generate_key_pair(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
