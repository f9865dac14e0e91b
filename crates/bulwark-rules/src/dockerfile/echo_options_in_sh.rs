use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `echo` with options (`-e`, `-n`, `-E`) in a RUN that runs under `/bin/sh`.
    ///
    /// ## Why is this bad?
    /// POSIX leaves `echo` options undefined, and shells disagree: dash's echo prints
    /// `-e` as text and always expands escapes, bash's needs `-e`. A Dockerfile that works on
    /// one base image writes `-e` into a configuration file on another.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo -e "[main]\nenabled=1" > /etc/tool.conf
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN printf '[main]\nenabled=1\n' > /etc/tool.conf
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC3037](https://www.shellcheck.net/wiki/SC3037)
    pub(crate) static META = {
        code: "DKF162",
        name: "echo-options-in-sh",
        family: Dockerfile,
        severity: Medium,
        summary: "`echo -e`/`echo -n` is used under /bin/sh",
        help: "use `printf` instead of `echo` with options",
        aliases: ["SC3037"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 3037, out);
}
