use bulwark_core::Finding;
use bulwark_dockerfile::shell::Word;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{list_words, read_run, runs, simplified, unpinned};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `zypper install` (`zypper in`) commands in `RUN` instructions (and
    /// `ONBUILD RUN` triggers) that install a package without a version constraint
    /// (`httpd` instead of `httpd=2.4.62`, `httpd>=2.4`), unless it is an `.rpm` file.
    /// Variables are replaced by the values ARG and ENV give them; a build argument
    /// declared without a default counts as a version set at build time.
    ///
    /// ## Why is this bad?
    /// Without a version, each build installs whatever the repositories offer that day:
    /// two builds of the same Dockerfile give different images, an update can break the
    /// image without any change to its source, and the build cache hides the difference
    /// until it is invalidated.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y tomcat && zypper clean
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y tomcat=9.0.96 && zypper clean
    /// ```
    /// (quote or escape `>`/`<` constraints: `'tomcat>=9.0'`).
    ///
    /// ## References
    /// - [hadolint DL3037](https://github.com/hadolint/hadolint/wiki/DL3037)
    pub(crate) static META = {
        code: "DKF080",
        name: "zypper-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`zypper install` of a package without a version",
        help: "name the version: `zypper install -y <package>=<version>`",
        aliases: ["DL3037"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn pinned(package: &str) -> bool {
    package.contains(['=', '<', '>']) || package.ends_with(".rpm")
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let mut loose: Vec<&Word> = Vec::new();
        let script = read_run(ctx, ins);
        for cmd in script.commands() {
            if !(cmd.is("zypper") && cmd.has_arg(&["install", "in"])) {
                continue;
            }
            let args = cmd.operands().filter(|w| {
                let v = simplified(w);
                v != "install" && v != "in"
            });
            loose.extend(unpinned(ctx, ins, args, pinned));
        }
        let Some(first) = loose.first() else {
            continue;
        };
        let what = if loose.len() == 1 { "has" } else { "have" };
        out.push(
            ctx.finding(
                first.span,
                format!(
                    "{} {what} no version in `zypper install`",
                    list_words(&loose)
                ),
            )
            .with_label("add `=<version>`"),
        );
    }
}
