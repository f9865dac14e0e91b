use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{is_trivy_id, read_run, runs, split_and_and, trivy_run_values};
use crate::kubernetes::drop_aliases;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions that change directory with `cd`.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`: the next instruction starts again in
    /// the `WORKDIR`. Build steps that depend on an earlier `cd` are hard to read and break
    /// when the instructions are reordered or split, and `cd dir && make` silently runs
    /// in the wrong place when `dir` does not exist and the shell does not stop on errors.
    /// `WORKDIR` sets the directory for every following instruction and for the running
    /// container, and creates it when missing.
    ///
    /// ONBUILD triggers are not checked (hadolint does not check them either).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// COPY . /src
    /// RUN cd /src && go build -o /out/app ./cmd/app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM golang:1.23
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/app ./cmd/app
    /// ```
    /// Tools that take a directory option (`make -C`, `git -C`, `tar -C`) avoid `cd`
    /// within a step.
    ///
    /// ## References
    /// - [hadolint DL3003](https://github.com/hadolint/hadolint/wiki/DL3003)
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    pub(crate) static META = {
        code: "DKF071",
        name: "cd-in-run",
        family: Dockerfile,
        severity: Medium,
        summary: "RUN changes directory with `cd` instead of WORKDIR",
        help: "set the directory with `WORKDIR`, or use the tool's directory option (`make -C`, `git -C`)",
        aliases: ["DL3003", "AVD-DS-0013", "DS013", "DS-0013"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, false) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(cd) = commands.iter().find(|c| c.is("cd")) else {
            continue;
        };
        let target = cd.operands().next().map_or_else(
            || "the home directory".to_owned(),
            |w| format!("`{}`", w.value),
        );
        let finding = ctx
            .finding(
                cd.name_word.span,
                format!("`RUN` changes directory to {target} with `cd`"),
            )
            .with_label("lasts only until the end of this `RUN`");
        // Trivy's DS013 looks for a `&&`-separated part that starts with `cd `.
        let trivy = trivy_run_values(ins)
            .iter()
            .any(|v| split_and_and(v).iter().any(|p| p.starts_with("cd ")));
        out.push(drop_aliases(finding, |a| is_trivy_id(a) && !trivy));
    }
}
