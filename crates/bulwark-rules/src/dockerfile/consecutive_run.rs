use bulwark_core::{Finding, Location};
use bulwark_dockerfile::{Detail, Instruction, InstructionKind};

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{first_line, read_run};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` (only comments between them)
    /// with the same `--mount`, `--network` and `--security` options, when each of the two
    /// runs a single command.
    ///
    /// `RUN`s that already chain several commands are left alone: splitting there is
    /// usually deliberate (to keep a slow, rarely changing step in its own cached layer).
    ///
    /// ## Why is this bad?
    /// Every `RUN` adds a layer. Files that one step creates and the next deletes stay in
    /// the image, each layer costs a little at pull and start, and two steps that belong
    /// together (an update and the install that needs it) can get out of step through the
    /// build cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl \
    ///     && curl -fsSLo /usr/local/bin/tool https://example.com/tool
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3059](https://github.com/hadolint/hadolint/wiki/DL3059)
    /// - [Dockerfile best practices: RUN](https://docs.docker.com/build/building/best-practices/#run)
    pub(crate) static META = {
        code: "DKF086",
        name: "consecutive-run",
        family: Dockerfile,
        severity: Low,
        summary: "consecutive RUN instructions could be one",
        help: "join the commands into one `RUN` with `&&`",
        aliases: ["DL3059"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// A `--mount`: its type and its `key[=value]` fields, sorted.
type MountKey = (String, Vec<(String, Option<String>)>);

/// The options of a RUN that make two RUNs different steps.
#[derive(PartialEq, Eq)]
struct RunOptions {
    mounts: Vec<MountKey>,
    network: Option<String>,
    security: Option<String>,
}

fn options(ins: &Instruction) -> Option<RunOptions> {
    let Detail::Run {
        mounts,
        network,
        security,
        ..
    } = &ins.detail
    else {
        return None;
    };
    let mut mounts: Vec<_> = mounts
        .iter()
        .map(|m| {
            let mut o = m.options.clone();
            o.sort();
            (m.kind.clone(), o)
        })
        .collect();
    mounts.sort();
    Some(RunOptions {
        mounts,
        network: network.clone(),
        security: security.clone(),
    })
}

/// How many commands a RUN runs, as hadolint counts them: commands with a literal name,
/// the text read as a POSIX shell script whatever the stage's SHELL, none at all when
/// ShellCheck could not parse it.
fn command_count(ctx: &DockerfileCtx<'_>, ins: &Instruction) -> usize {
    read_run(ctx, ins).commands().len()
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let mut previous: Option<(&Instruction, RunOptions, usize)> = None;
    for ins in &ctx.dockerfile.instructions {
        if ins.kind != InstructionKind::Run {
            previous = None;
            continue;
        }
        let Some(opts) = options(ins) else {
            previous = None;
            continue;
        };
        let count = command_count(ctx, ins);
        if let Some((prev, prev_opts, prev_count)) = &previous
            && *prev_opts == opts
            && *prev_count <= 1
            && count <= 1
        {
            out.push(
                ctx.instruction_finding(ins, "`RUN` directly follows another `RUN`")
                    .with_label("could be part of the previous `RUN`")
                    .with_secondary(
                        Location::new(ctx.file.path(), first_line(ctx, prev)),
                        "previous `RUN`",
                    ),
            );
        }
        previous = Some((ins, opts, count));
    }
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::run_shell::finding_lines;

    fn lines(text: &str) -> Vec<u32> {
        finding_lines("DKF086", text)
    }

    #[test]
    fn single_command_runs_in_a_row_are_reported() {
        assert_eq!(lines("FROM a\nRUN a\n# c\nRUN b\nRUN c\n"), [4, 5]);
        // a test expression is no command to hadolint
        assert_eq!(lines("FROM a\nRUN a\nRUN [ -e x ] && b\n"), [3]);
    }

    #[test]
    fn chains_other_instructions_and_options_separate_runs() {
        assert!(lines("FROM a\nRUN a && b\nRUN c\n").is_empty());
        assert!(lines("FROM a\nRUN a\nWORKDIR /\nRUN b\n").is_empty());
        assert!(lines("FROM a\nRUN a\nONBUILD RUN b\nRUN c\n").is_empty());
        assert!(lines("FROM a\nRUN --mount=type=secret,id=x a\nRUN a\n").is_empty());
        assert_eq!(
            lines(
                "FROM a\nRUN --mount=type=cache,target=/c a\nRUN --mount=target=/c,type=cache b\n"
            ),
            [3]
        );
    }
}
