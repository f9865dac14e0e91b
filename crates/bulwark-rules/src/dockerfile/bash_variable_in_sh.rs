use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports variables only bash sets (`$RANDOM`, `$SECONDS`, `$BASHPID`, `$PIPESTATUS`,
    /// `$HOSTNAME`, `$EUID`…) in a RUN that runs under a POSIX shell (`/bin/sh`, dash, ash),
    /// unless the script or the Dockerfile assigns them.
    ///
    /// ## Why is this bad?
    /// `/bin/sh` is dash on Debian and Ubuntu and busybox on Alpine: neither sets these
    /// variables, so they expand to nothing (`$RANDOM` is empty, not a number).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo "build $RANDOM" > /build-id
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN od -An -N2 -tu2 /dev/urandom > /build-id
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC3028](https://www.shellcheck.net/wiki/SC3028)
    pub(crate) static META = {
        code: "DKF154",
        name: "bash-variable-in-sh",
        family: Dockerfile,
        severity: Medium,
        summary: "a bash-only variable is used under /bin/sh",
        help: "run the RUN with bash (`SHELL [\"/bin/bash\", \"-c\"]`) or avoid the variable",
        aliases: ["SC3028"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 3028, out);
}
