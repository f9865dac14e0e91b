use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `$var`, `${…}`, `$(…)` and backticks written inside single quotes, where
    /// the shell does not expand them. Arguments of commands that expand them themselves are
    /// left alone: `sh -c`, `bash -c`, `awk`, `perl`, `jq`, `sed` (unless the text is a sed
    /// address), `eval`, `trap`, `ssh`, `docker`, `sudo`….
    ///
    /// ## Why is this bad?
    /// The text is passed on literally, `$HOME` and all, which is rarely what was meant when
    /// it is an `echo` or a configuration line.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo 'export PATH=$PATH:/opt/tool/bin' >> /etc/profile.d/tool.sh
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN echo "export PATH=\$PATH:/opt/tool/bin" >> /etc/profile.d/tool.sh
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2016](https://www.shellcheck.net/wiki/SC2016)
    pub(crate) static META = {
        code: "DKF159",
        name: "expansion-in-single-quotes",
        family: Dockerfile,
        severity: Low,
        summary: "an expansion is written inside single quotes",
        help: "use double quotes if the expansion should happen",
        aliases: ["SC2016"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2016, out);
}
