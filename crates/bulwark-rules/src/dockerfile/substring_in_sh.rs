use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports substring expansions (`${VERSION:0:3}`) in a RUN that runs under a POSIX
    /// shell (`/bin/sh`, dash, ash).
    ///
    /// ## Why is this bad?
    /// Substring expansion is a bash feature: dash stops the RUN with `Bad substitution`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo "major version ${VERSION:0:2}"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN echo "major version $(echo "$VERSION" | cut -c1-2)"
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC3057](https://www.shellcheck.net/wiki/SC3057)
    pub(crate) static META = {
        code: "DKF163",
        name: "substring-expansion-in-sh",
        family: Dockerfile,
        severity: Medium,
        summary: "`${var:offset:length}` is used under /bin/sh",
        help: "use `cut`, `expr` or a `case` pattern, or run the RUN with bash",
        aliases: ["SC3057"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 3057, out);
}
