use bulwark_core::Finding;
use bulwark_dockerfile::shell::ShellScript;
use bulwark_dockerfile::{CommandForm, Detail, Instruction};

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs};
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

/// Whether a `SHELL` command line passes `-o pipefail` (also in a cluster: `-eo pipefail`).
fn asks_pipefail(shell: &[String]) -> bool {
    let args = shell.get(1..).unwrap_or_default();
    args.iter().any(|a| {
        a.strip_prefix('-')
            .is_some_and(|f| !f.starts_with('-') && f.contains('o'))
    }) && args.iter().any(|a| a == "pipefail")
}

/// Whether the shell is one known to honour `-o pipefail`: bash, zsh or ash.
fn knows_pipefail(shell: &[String]) -> bool {
    shell
        .first()
        .is_some_and(|p| matches!(p.rsplit('/').next().unwrap_or(p), "bash" | "zsh" | "ash"))
}

/// Whether a shell is PowerShell or `cmd`, whose pipes this rule does not judge.
fn is_windows_shell(shell: &[String]) -> bool {
    shell.first().is_some_and(|p| {
        let base = p
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(p)
            .to_ascii_lowercase();
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
        let script = read_run(ctx, ins);
        let (Some(pipe), Some(script)) = (script.pipes().first().copied(), script.raw()) else {
            continue;
        };
        let shell = shell_of(ctx, ins, script);
        let asks = asks_pipefail(&shell);
        if !script.posix || is_windows_shell(&shell) || (asks && knows_pipefail(&shell)) {
            continue;
        }
        let program = shell.first().map_or("/bin/sh", String::as_str);
        let message = if asks {
            format!("pipe in a `RUN` whose shell `{program}` may not honour `-o pipefail`")
        } else {
            format!("pipe in a `RUN` whose shell `{program}` does not set `pipefail`")
        };
        out.push(
            ctx.finding(pipe, message)
                .with_label("a failure before the last command goes unnoticed"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::run_shell::finding_lines;

    fn lines(text: &str) -> Vec<u32> {
        finding_lines("DKF089", text)
    }

    #[test]
    fn the_shell_of_the_stage_decides() {
        assert_eq!(lines("FROM a\nRUN a | b\nRUN a || b\n"), [2]);
        assert!(
            lines("FROM a\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN a | b\n")
                .is_empty()
        );
        assert!(
            lines("FROM a\nSHELL [\"/usr/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n")
                .is_empty()
        );
        assert_eq!(
            lines("FROM a\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n"),
            [3]
        );
        assert_eq!(
            lines(
                "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM b\nRUN a | b\n"
            ),
            [4]
        );
        // a stage built on another keeps its SHELL
        assert!(lines("FROM a AS base\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\n").is_empty());
        assert!(lines("FROM a\nSHELL [\"cmd.exe\", \"/c\"]\nRUN dir | more\n").is_empty());
        assert!(lines("FROM a\nONBUILD RUN a | b\n").is_empty());
        assert_eq!(
            lines("FROM a\nRUN x=$(a | b)\nRUN case $x in a|b) c;; esac\n"),
            [2]
        );
    }
}
