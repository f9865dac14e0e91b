//! The `bulwark` command line: arguments, discovery of targets, wiring of the analyzers and
//! reporters, terminal output and exit codes. The only crate that prints.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod discover;
mod package_cmd;
mod provenance_scan;
mod rules_cmd;
mod scan;
mod template_cmd;
mod verify_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(args),
        cli::Command::Rules(args) => rules_cmd::run(args),
        cli::Command::Template(args) => template_cmd::run(args),
        cli::Command::Package(args) => package_cmd::run(args),
        cli::Command::Verify(args) => verify_cmd::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
