use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `[[ … ]]` tests in a RUN that runs under a POSIX shell (`/bin/sh`, dash,
    /// ash).
    ///
    /// ## Why is this bad?
    /// `[[` is a bash (and ksh) keyword. dash, `/bin/sh` on Debian and Ubuntu, runs it as a
    /// command named `[[`, which does not exist: the test fails with `[[: not found`, and in an
    /// `if` that quietly takes the `else` branch.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN if [[ "$TARGETARCH" == "arm64" ]]; then echo arm; fi
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN if [ "$TARGETARCH" = "arm64" ]; then echo arm; fi
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC3010](https://www.shellcheck.net/wiki/SC3010)
    pub(crate) static META = {
        code: "DKF161",
        name: "double-bracket-test-in-sh",
        family: Dockerfile,
        severity: Medium,
        summary: "`[[ … ]]` is used under /bin/sh",
        help: "use `[ … ]`, or run the RUN with bash (`SHELL [\"/bin/bash\", \"-c\"]`)",
        aliases: ["SC3010"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 3010, out);
}
