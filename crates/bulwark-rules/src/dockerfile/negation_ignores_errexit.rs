use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `! command` in a RUN that runs with `set -e` (or a `SHELL` with `-e`), where
    /// the negated status is not used: the command is not the last of the script, not a
    /// condition, not on the left of `&&`/`||`.
    ///
    /// ## Why is this bad?
    /// `set -e` deliberately ignores commands negated with `!`: `! grep -q error log` is meant
    /// as an assertion, but the RUN goes on (and succeeds) whatever `grep` finds.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN set -eux; \
    ///     ! ldd /usr/local/bin/app | grep 'not found'; \
    ///     app --version
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN set -eux; \
    ///     if ldd /usr/local/bin/app | grep 'not found'; then exit 1; fi; \
    ///     app --version
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2251](https://www.shellcheck.net/wiki/SC2251)
    pub(crate) static META = {
        code: "DKF165",
        name: "negation-ignores-errexit",
        family: Dockerfile,
        severity: Low,
        summary: "a `! cmd` check never fails the RUN",
        help: "write `cmd && exit 1` (or `if cmd; then exit 1; fi`) instead of `! cmd`",
        aliases: ["SC2251"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2251, out);
}
