use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports variables with lower-case letters in their name that a RUN expands but that
    /// nothing assigns: not the script, not an `ARG` or `ENV` of the stage (an `ARG` before the
    /// first `FROM` must be declared again in the stage), not the shell. Expansions with a
    /// default (`${name:-x}`, `${name?}`) are fine. All-upper-case names are left to the
    /// environment (see `DKF152`).
    ///
    /// ## Why is this bad?
    /// The variable expands to nothing, silently: `curl -o /tmp/$file` writes `/tmp/`,
    /// `cd $dir` goes home. In a Dockerfile it is most often an `ARG` declared in another stage
    /// or before `FROM` and never redeclared where it is used.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG version=1.4.2
    /// FROM alpine:3.21
    /// RUN wget -q "https://example.com/tool-${version}.tar.gz"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.21
    /// ARG version=1.4.2
    /// RUN wget -q "https://example.com/tool-${version}.tar.gz"
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2154](https://www.shellcheck.net/wiki/SC2154)
    /// - [Dockerfile reference: ARG scope](https://docs.docker.com/reference/dockerfile/#scope)
    pub(crate) static META = {
        code: "DKF151",
        name: "unassigned-variable",
        family: Dockerfile,
        severity: Medium,
        summary: "a variable is used but never assigned",
        help: "declare it (`ARG name` or `ENV name=…` in this stage) or assign it in the RUN",
        aliases: ["SC2154"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2154, out);
}
