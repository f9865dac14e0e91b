use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `source file` in a RUN that runs under a POSIX shell (`/bin/sh`, dash, ash).
    ///
    /// ## Why is this bad?
    /// `source` is a bash builtin; dash (`/bin/sh` on Debian and Ubuntu) has only `.`, so the
    /// RUN fails with `source: not found`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN source /opt/venv/bin/activate && pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN . /opt/venv/bin/activate && pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC3046](https://www.shellcheck.net/wiki/SC3046)
    pub(crate) static META = {
        code: "DKF155",
        name: "source-in-sh",
        family: Dockerfile,
        severity: Medium,
        summary: "`source` is used under /bin/sh",
        help: "use `.` instead of `source`",
        aliases: ["SC3046"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 3046, out);
}
