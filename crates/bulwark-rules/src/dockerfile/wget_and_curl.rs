use bulwark_core::{Finding, Location, Span};
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{is_trigger, read_run};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions that use `curl` or `wget` in a stage that uses the
    /// other one too: each such `RUN` from the one where both have appeared. `ONBUILD RUN`
    /// triggers are checked among themselves.
    ///
    /// ## Why is this bad?
    /// Both tools download files; an image that needs both carries two HTTP clients, two
    /// sets of dependencies and two sets of vulnerabilities where one would do, and
    /// readers must know the options of both to review the downloads.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget -nv -O /tmp/tool.tgz https://example.com/tool.tgz
    /// RUN curl -fsSL https://example.com/install.sh -o /tmp/install.sh
    /// ```
    ///
    /// ## Fix
    /// Pick one of them for the whole stage:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \
    ///     && curl -fsSLo /tmp/install.sh https://example.com/install.sh
    /// ```
    ///
    /// ## References
    /// - [hadolint DL4001](https://github.com/hadolint/hadolint/wiki/DL4001)
    /// - CIS Docker Benchmark 4.3 (do not install unnecessary packages)
    pub(crate) static META = {
        code: "DKF087",
        name: "wget-and-curl",
        family: Dockerfile,
        severity: Medium,
        summary: "stage uses both `wget` and `curl`",
        help: "use one download tool (`curl` or `wget`) throughout the stage",
        aliases: ["DL4001"],
        compliance: ["CIS-DOCKER-4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Where each tool was first used in the current stage (or among the triggers).
#[derive(Default)]
struct Seen {
    curl: Option<Span>,
    wget: Option<Span>,
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let mut stage = Seen::default();
    let mut triggers = Seen::default();
    for ins in ctx.instructions() {
        if ins.kind == InstructionKind::From {
            stage = Seen::default();
            continue;
        }
        if ins.kind != InstructionKind::Run {
            continue;
        }
        let seen = if is_trigger(ctx.dockerfile, ins) {
            &mut triggers
        } else {
            &mut stage
        };
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(first) = commands.iter().find(|c| c.is_any(&["curl", "wget"])) else {
            continue;
        };
        for c in &commands {
            let slot = if c.is("curl") {
                &mut seen.curl
            } else if c.is("wget") {
                &mut seen.wget
            } else {
                continue;
            };
            slot.get_or_insert(c.name_word.span);
        }
        let (Some(curl), Some(wget)) = (seen.curl, seen.wget) else {
            continue;
        };
        let this = first.name();
        let (other, other_span) = if this == "curl" {
            ("wget", wget)
        } else {
            ("curl", curl)
        };
        out.push(
            ctx.finding(
                first.name_word.span,
                format!("`{this}` is used in a stage that also uses `{other}`"),
            )
            .with_label("one download tool is enough")
            .with_secondary(
                Location::new(ctx.file.path(), other_span),
                format!("`{other}` used here"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::run_shell::finding_lines;

    #[test]
    fn each_stage_and_the_triggers_are_apart() {
        let lines = |text: &str| finding_lines("DKF087", text);
        assert_eq!(lines("FROM a\nRUN wget x && curl y\n"), [2]);
        assert_eq!(
            lines("FROM a\nRUN wget x\nRUN curl y\nRUN echo\nRUN wget z\n"),
            [3, 5]
        );
        assert!(lines("FROM a\nRUN wget x\nFROM b\nRUN curl y\n").is_empty());
        assert!(lines("FROM a\nRUN wget x\nONBUILD RUN curl y\n").is_empty());
        assert_eq!(
            lines("FROM a\nONBUILD RUN wget x\nFROM b\nONBUILD RUN curl y\n"),
            [4]
        );
    }
}
