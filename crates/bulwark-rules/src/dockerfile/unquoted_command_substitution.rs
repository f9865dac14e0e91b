use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `$(…)` and backtick substitutions outside double quotes, where the shell
    /// splits the output into words and expands glob characters in it. Assignments, `[[ ]]`,
    /// `case`, heredocs, `for` lists, a substitution used as the command name, and `$(seq …)` /
    /// `$(pgrep …)` (meant to be split) are left alone.
    ///
    /// ## Why is this bad?
    /// Output with spaces or `*` becomes several arguments or a list of files:
    /// `chown $(id -u):$(id -g) …` works, `cp $(find . -name '*.conf') /etc/app` breaks on the
    /// first file name with a space.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -s $(which python3) /usr/local/bin/python
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN ln -s "$(which python3)" /usr/local/bin/python
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2046](https://www.shellcheck.net/wiki/SC2046)
    pub(crate) static META = {
        code: "DKF157",
        name: "unquoted-command-substitution",
        family: Dockerfile,
        severity: Medium,
        summary: "a command substitution is not quoted",
        help: "quote the substitution: `\"$(cmd)\"`",
        aliases: ["SC2046"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2046, out);
}
