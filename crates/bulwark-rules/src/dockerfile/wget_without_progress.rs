use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `wget` commands in `RUN` instructions (and `ONBUILD RUN` triggers) that
    /// neither choose a progress style (`--progress=…`) nor quieten the output (`-q`,
    /// `--quiet`, `-nv`, `--no-verbose`) nor send it to a file (`-o`, `--output-file`,
    /// `-a`, `--append-output`).
    ///
    /// ## Why is this bad?
    /// Without a terminal, wget prints a line of dots for every few kilobytes it
    /// downloads: fetching a large file writes thousands of lines into the build log,
    /// which slows the build output down and buries the messages that matter.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget https://example.com/release.tar.gz
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget --progress=dot:giga https://example.com/release.tar.gz
    /// ```
    /// or `wget -nv`, which still reports errors and the saved file.
    ///
    /// ## References
    /// - [hadolint DL3047](https://github.com/hadolint/hadolint/wiki/DL3047)
    /// - [GNU Wget manual: --progress](https://www.gnu.org/software/wget/manual/wget.html#Download-Options)
    pub(crate) static META = {
        code: "DKF085",
        name: "wget-without-progress",
        family: Dockerfile,
        severity: Low,
        summary: "`wget` without `--progress` floods the build log",
        help: "add `--progress=dot:giga`, or `-nv` (`--no-verbose`) or `-q`",
        aliases: ["DL3047"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Flags (as hadolint splits them) that settle wget's output.
const QUIET: &[&str] = &[
    "progress",
    "q",
    "quiet",
    "o",
    "output-file",
    "a",
    "append-output",
    "no-verbose",
];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(wget) = commands
            .iter()
            .find(|c| c.is("wget") && !c.has_flag(QUIET) && !c.has_arg(&["-nv"]))
        else {
            continue;
        };
        out.push(
            ctx.finding(
                wget.name_word.span,
                "`wget` runs without `--progress` or `-nv`",
            )
            .with_label("prints a progress line for every few kilobytes"),
        );
    }
}
