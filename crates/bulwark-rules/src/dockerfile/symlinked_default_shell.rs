use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs, simplified};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `ln` commands in `RUN` instructions (and `ONBUILD RUN` triggers) that
    /// name `/bin/sh`, typically `ln -sf /bin/bash /bin/sh` to change the shell that
    /// runs the following `RUN`s.
    ///
    /// ## Why is this bad?
    /// Replacing `/bin/sh` changes the shell of every program in the image that calls
    /// `system()` or `sh -c`, including the package manager's maintainer scripts, not just
    /// the `RUN` instructions; a package update can also put the original link back. The
    /// `SHELL` instruction changes the shell of the following `RUN`, `CMD` and
    /// `ENTRYPOINT` instructions only, and says so in the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN ln -sf /bin/bash /bin/sh
    /// RUN source /etc/profile && make
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN source /etc/profile && make
    /// ```
    ///
    /// ## References
    /// - [hadolint DL4005](https://github.com/hadolint/hadolint/wiki/DL4005)
    /// - [Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)
    pub(crate) static META = {
        code: "DKF088",
        name: "symlinked-default-shell",
        family: Dockerfile,
        severity: Medium,
        summary: "RUN relinks `/bin/sh` instead of using SHELL",
        help: "leave `/bin/sh` alone and choose the shell of later instructions with `SHELL [\"/bin/bash\", \"-c\"]`",
        aliases: ["DL4005"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(sh) = commands
            .iter()
            .filter(|c| c.is("ln"))
            .find_map(|c| c.args.iter().find(|w| simplified(w) == "/bin/sh"))
        else {
            continue;
        };
        out.push(
            ctx.finding(sh.span, "`ln` replaces the default shell `/bin/sh`")
                .with_label("use the `SHELL` instruction instead"),
        );
    }
}
