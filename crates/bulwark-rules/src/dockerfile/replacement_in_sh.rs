use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports pattern replacement expansions (`${f/tables/tables-legacy}`) in a RUN that
    /// runs under a POSIX shell (`/bin/sh`, dash, ash).
    ///
    /// ## Why is this bad?
    /// Pattern replacement is a bash feature: dash stops the RUN with `Bad substitution`
    /// (busybox ash happens to support it, so the same line works on Alpine and fails on
    /// Debian).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN for f in iptables ip6tables; do ln -s "${f/tables/tables-legacy}" "/usr/local/sbin/$f"; done
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN for f in iptables ip6tables; do ln -s "$(echo "$f" | sed 's/tables/tables-legacy/')" "/usr/local/sbin/$f"; done
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC3060](https://www.shellcheck.net/wiki/SC3060)
    pub(crate) static META = {
        code: "DKF164",
        name: "string-replacement-in-sh",
        family: Dockerfile,
        severity: Medium,
        summary: "`${var/pattern/text}` is used under /bin/sh",
        help: "use `sed` or `tr`, or run the RUN with bash",
        aliases: ["SC3060"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 3060, out);
}
