use bulwark_core::Finding;

use super::pkg_command::run_scripts;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` without `--no-install-recommends` (or
    /// `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// By default apt-get also installs every package the requested ones *recommend*:
    /// documentation, optional tools, sometimes whole language runtimes. They make the image
    /// larger and add software, and so vulnerabilities, that nothing in the container uses.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    /// Install a recommended package explicitly when the image does need it.
    ///
    /// ## References
    /// - [Dockerfile best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [hadolint DL3015](https://github.com/hadolint/hadolint/wiki/DL3015)
    /// - CIS Docker Benchmark 4.3: do not install unnecessary packages
    pub(crate) static META = {
        code: "DKF043",
        name: "apt-get-install-recommends",
        family: Dockerfile,
        severity: Low,
        summary: "`apt-get install` also installs recommended packages",
        help: "add `--no-install-recommends` to `apt-get install`",
        aliases: ["DL3015", "AVD-DS-0029", "DS029", "DS-0029"],
        compliance: ["CIS-DOCKER-4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let Some(word) = run.commands().find_map(|c| {
            (c.is("apt-get")
                && !c.has_flag("no-install-recommends")
                && !c.has_arg("APT::Install-Recommends=false"))
            .then(|| {
                c.args
                    .iter()
                    .find(|a| a.value() == "install")
                    .map(|a| a.word)
            })
            .flatten()
        }) else {
            continue;
        };
        out.push(
            ctx.finding(
                word.span,
                "`apt-get install` runs without `--no-install-recommends`",
            )
            .with_label("recommended packages are installed too"),
        );
    }
}
