use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `cd` (also `pushd`, `popd`) in a RUN whose failure nothing handles: it is not
    /// followed by `&&`/`||`, not an `if`/`while` condition, and the script does not run with
    /// `set -e` (or a `SHELL` with `-e`). `cd ..` is left alone.
    ///
    /// ## Why is this bad?
    /// When the directory is missing, `cd` fails, and the commands after it run in the
    /// wrong directory: `cd /app/build; rm -rf *` empties the current directory instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /usr/src/app; make install
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// RUN make install
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2164](https://www.shellcheck.net/wiki/SC2164)
    pub(crate) static META = {
        code: "DKF153",
        name: "cd-without-error-check",
        family: Dockerfile,
        severity: Medium,
        summary: "the script goes on when `cd` fails",
        help: "write `cd dir && …` or `cd dir || exit`, or use `WORKDIR`",
        aliases: ["SC2164"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2164, out);
}
