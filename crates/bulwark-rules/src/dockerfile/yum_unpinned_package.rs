use bulwark_core::Finding;
use bulwark_dockerfile::shell::Word;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{
    list_words, read_run, rpm_version_pinned, runs, simplified, unpinned,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `yum install` commands in `RUN` instructions (and `ONBUILD RUN` triggers)
    /// that install a package without a version (`httpd` instead of `httpd-2.4.6`), and
    /// `yum module install` commands that install a module without a stream
    /// (`nodejs` instead of `nodejs:20`).
    ///
    /// A package counts as pinned when the part after its first `-` reads as a version
    /// (letters, digits and `.~^_:+`, with a part starting with a digit), or when it is
    /// an `.rpm` file. Variables are replaced by the values ARG and ENV give them; a
    /// build argument declared without a default counts as a version set at build time.
    ///
    /// ## Why is this bad?
    /// Without a version, each build installs whatever the repositories offer that day:
    /// two builds of the same Dockerfile give different images, an update can break the
    /// image without any change to its source, and the build cache hides the difference
    /// until it is invalidated.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y tomcat && yum clean all
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y tomcat-7.0.76 && yum clean all
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3033](https://github.com/hadolint/hadolint/wiki/DL3033)
    pub(crate) static META = {
        code: "DKF076",
        name: "yum-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`yum install` of a package without a version",
        help: "name the version: `yum install -y <package>-<version>` (`<module>:<stream>` for modules)",
        aliases: ["DL3033"],
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
        let mut loose: Vec<&Word> = Vec::new();
        let mut modules = false;
        let script = read_run(ctx, ins);
        for cmd in script.commands() {
            if !(cmd.is("yum") && cmd.has_arg(&["install"])) {
                continue;
            }
            let module = cmd.has_arg(&["module"]);
            let args = cmd.operands().filter(|w| {
                let v = simplified(w);
                v != "install" && v != "module"
            });
            let found = if module {
                unpinned(ctx, ins, args, |p| p.contains(':'))
            } else {
                unpinned(ctx, ins, args, rpm_version_pinned)
            };
            modules |= module && !found.is_empty();
            loose.extend(found);
        }
        let Some(first) = loose.first() else {
            continue;
        };
        let what = if loose.len() == 1 { "has" } else { "have" };
        out.push(
            ctx.finding(
                first.span,
                format!("{} {what} no version in `yum install`", list_words(&loose)),
            )
            .with_label(if modules {
                "add `:<stream>` to a module, `-<version>` to a package"
            } else {
                "add `-<version>`"
            }),
        );
    }
}
