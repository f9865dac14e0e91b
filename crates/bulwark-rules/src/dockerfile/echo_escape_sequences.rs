use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `echo` arguments with backslash escapes (`\n`, `\t`, `\033`, `\x1b`…) in a
    /// RUN under sh, bash or ksh, when `echo` is not given `-e`.
    ///
    /// ## Why is this bad?
    /// Whether `echo` expands escapes depends on the shell and its options: dash's echo does,
    /// bash's does not. The same line writes a newline in one image and a literal `\n` in
    /// another.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo "[global]\nindex-url = https://pypi.example.com/simple" > /etc/pip.conf
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN printf '[global]\nindex-url = %s\n' https://pypi.example.com/simple > /etc/pip.conf
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2028](https://www.shellcheck.net/wiki/SC2028)
    pub(crate) static META = {
        code: "DKF160",
        name: "echo-escape-sequences",
        family: Dockerfile,
        severity: Low,
        summary: "`echo` is given backslash escape sequences",
        help: "use `printf` for text with escape sequences",
        aliases: ["SC2028"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2028, out);
}
