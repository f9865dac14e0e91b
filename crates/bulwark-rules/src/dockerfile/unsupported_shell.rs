use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports RUN instructions whose `SHELL` (or `# hadolint shell=` pragma) is a shell the
    /// script checks do not understand: zsh, fish, csh/tcsh, or an interpreter such as python,
    /// perl or ruby. The shell checks of this section skip such RUNs.
    ///
    /// ## Why is this bad?
    /// The RUN is not analysed at all, so quoting mistakes, unset variables and failing
    /// `cd` in it go unreported.
    ///
    /// ## Example
    /// ```dockerfile
    /// SHELL ["/bin/zsh", "-c"]
    /// RUN print -P "%F{green}ready%f"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN echo ready
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC1071](https://www.shellcheck.net/wiki/SC1071)
    pub(crate) static META = {
        code: "DKF156",
        name: "unsupported-shell",
        family: Dockerfile,
        severity: High,
        summary: "the RUN's shell cannot be checked",
        help: "use sh, bash, dash or ksh for RUN, or disable this rule for the file",
        aliases: ["SC1071"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 1071, out);
}
