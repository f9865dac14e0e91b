//! Helpers shared by the binary's integration tests.

use std::process::{Command, Output};

/// Runs the built `bulwark` binary with `args`, colours off.
pub fn bulwark(args: &[&str]) -> Output {
    #[allow(clippy::unwrap_used)]
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}
