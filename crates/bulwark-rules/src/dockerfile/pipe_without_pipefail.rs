use bulwark_core::Finding;
use bulwark_dockerfile::shell::ShellScript;
use bulwark_dockerfile::{CommandForm, Detail, Instruction};

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::runs;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions with a pipe (`|`) when the shell that runs them is not
    /// set up with `-o pipefail` by a `SHELL` instruction: bash, zsh or ash with
    /// `-o pipefail` (`-eo pipefail` and other option clusters count). Stages whose `SHELL`
    /// is not a POSIX shell (PowerShell, `cmd`) are not checked, and a stage built `FROM`
    /// an earlier stage keeps that stage's `SHELL`.
    ///
    /// `set -o pipefail` inside the `RUN` does not count: `/bin/sh` is dash on Debian and
    /// Ubuntu, which may not know the option, and the choice belongs in `SHELL` where
    /// every `RUN` of the stage gets it. ONBUILD triggers are not checked: the shell of
    /// the stage that runs them is not known here.
    ///
    /// ## Why is this bad?
    /// The exit status of a pipeline is the status of its last command. In
    /// `curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/x.gpg`
    /// a failed download still ends the step successfully: the build goes on with an
    /// empty or truncated file, and the layer is cached as if all went well.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/install.sh | bash
    /// ```
    /// On Alpine or other busybox images, use `SHELL ["/bin/ash", "-o", "pipefail", "-c"]`.
    ///
    /// ## References
    /// - [hadolint DL4006](https://github.com/hadolint/hadolint/wiki/DL4006)
    /// - [Dockerfile best practices: using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
    pub(crate) static META = {
        code: "DKF089",
        name: "pipe-without-pipefail",
        family: Dockerfile,
        severity: Medium,
        summary: "RUN with a pipe and no `pipefail` in SHELL",
        help: "set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (`/bin/ash` on Alpine) before this `RUN`",
        aliases: ["DL4006"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Whether a `SHELL` command line runs bash, zsh or ash with `-o pipefail`.
fn sets_pipefail(shell: &[String]) -> bool {
    let Some((program, args)) = shell.split_first() else {
        return false;
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    matches!(base, "bash" | "zsh" | "ash")
        && args.iter().any(|a| {
            a.strip_prefix('-')
                .is_some_and(|f| !f.starts_with('-') && f.contains('o'))
        })
        && args.iter().any(|a| a == "pipefail")
}

/// Whether a shell is PowerShell or `cmd`, whose pipes this rule does not judge.
fn is_windows_shell(shell: &[String]) -> bool {
    shell.first().is_some_and(|p| {
        let base = p.rsplit(['/', '\\']).next().unwrap_or(p).to_ascii_lowercase();
        matches!(
            base.strip_suffix(".exe").unwrap_or(&base),
            "pwsh" | "powershell" | "cmd"
        )
    })
}

/// The shell of a `RUN`: the stage's, or for a file without FROM, the last SHELL before it.
fn shell_of(ctx: &DockerfileCtx<'_>, ins: &Instruction, script: &ShellScript) -> Vec<String> {
    if ins.stage.is_some() {
        return script.shell.clone();
    }
    ctx.dockerfile
        .instructions
        .iter()
        .take(ins.index)
        .rev()
        .find_map(|i| match &i.detail {
            Detail::Shell(CommandForm::Exec(words)) => {
                Some(words.iter().map(|w| w.value.clone()).collect())
            }
            _ => None,
        })
        .unwrap_or_else(|| script.shell.clone())
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, false) {
        let Some(script) = ctx.script(ins) else {
            continue;
        };
        let Some(pipe) = script.pipes.first() else {
            continue;
        };
        let shell = shell_of(ctx, ins, script);
        if !script.posix || is_windows_shell(&shell) || sets_pipefail(&shell) {
            continue;
        }
        let shell = shell.first().map_or("/bin/sh", String::as_str);
        out.push(
            ctx.finding(
                *pipe,
                format!("pipe in a `RUN` whose shell `{shell}` does not set `pipefail`"),
            )
            .with_label("a failure before the last command goes unnoticed"),
        );
    }
}
