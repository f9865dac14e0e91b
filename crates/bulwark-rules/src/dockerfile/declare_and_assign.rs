use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `export`, `local`, `declare`, `readonly` and `typeset` whose assignment takes
    /// its value from a command substitution (`export GNUPGHOME="$(mktemp -d)"`).
    ///
    /// ## Why is this bad?
    /// The exit status of the line is the one of `export`, always 0: when the command in
    /// `$(…)` fails, `set -e` and `&&` do not notice, and the build goes on with an empty value.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN set -eux; export GNUPGHOME="$(mktemp -d)"; gpg --batch --recv-keys "$KEY"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN set -eux; GNUPGHOME="$(mktemp -d)"; export GNUPGHOME; gpg --batch --recv-keys "$KEY"
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2155](https://www.shellcheck.net/wiki/SC2155)
    pub(crate) static META = {
        code: "DKF158",
        name: "declare-and-assign-separately",
        family: Dockerfile,
        severity: Medium,
        summary: "`export`/`local` hides a command substitution's failure",
        help: "assign first, then export: `x=\"$(cmd)\"; export x`",
        aliases: ["SC2155"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2155, out);
}
