use bulwark_core::Finding;
use bulwark_dockerfile::shell::Word;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{
    list_words, read_run, rpm_version_pinned, runs, simplified, unpinned,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` and `microdnf install` commands in `RUN` instructions (and
    /// `ONBUILD RUN` triggers) that install a package without a version (`httpd` instead
    /// of `httpd-2.4.62`), and `dnf module install` commands that install a module without
    /// a stream (`nodejs` instead of `nodejs:20`). Group installs are not checked.
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
    /// FROM fedora:41
    /// RUN dnf install -y tomcat && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM fedora:41
    /// RUN dnf install -y tomcat-10.1.34 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3041](https://github.com/hadolint/hadolint/wiki/DL3041)
    pub(crate) static META = {
        code: "DKF083",
        name: "dnf-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`dnf install` of a package without a version",
        help: "name the version: `dnf install -y <package>-<version>` (`<module>:<stream>` for modules)",
        aliases: ["DL3041"],
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
        let mut tool = "dnf";
        let script = read_run(ctx, ins);
        for cmd in script.commands() {
            if !(cmd.is_any(&["dnf", "microdnf"]) && cmd.has_arg(&["install"])) {
                continue;
            }
            let module = cmd.has_arg(&["module"]);
            if !module && cmd.has_arg(&["group"]) {
                continue;
            }
            let args = cmd.operands().filter(|w| {
                let v = simplified(w);
                v != "install" && v != "module"
            });
            let found = if module {
                unpinned(ctx, ins, args, |p| p.contains(':'))
            } else {
                unpinned(ctx, ins, args, rpm_version_pinned)
            };
            if loose.is_empty() && !found.is_empty() {
                tool = cmd.name();
            }
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
                format!(
                    "{} {what} no version in `{tool} install`",
                    list_words(&loose)
                ),
            )
            .with_label(if modules {
                "add `:<stream>` to a module, `-<version>` to a package"
            } else {
                "add `-<version>`"
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::run_shell::finding_lines;

    #[test]
    fn versions_may_come_from_variables() {
        let lines = |text: &str| finding_lines("DKF083", text);
        assert!(lines("FROM a\nENV V=2.51.0-2.fc42\nRUN dnf -y install git-${V}\n").is_empty());
        assert!(lines("FROM a\nARG V\nRUN dnf -y install git-$V\n").is_empty());
        assert!(lines("FROM a AS b\nENV V=2.51\nFROM b\nRUN dnf -y install git-${V}\n").is_empty());
        assert_eq!(
            lines("FROM a AS b\nENV V=2.51\nFROM a\nRUN dnf -y install git-${V}\n"),
            [4]
        );
        assert_eq!(lines("FROM a\nRUN V=2.51; dnf -y install git-$V\n"), [2]);
        assert!(lines("FROM a\nRUN dnf -y group install \"Development Tools\"\n").is_empty());
        // a trigger runs in another build: it keeps the ENV of the image, not the ARGs
        assert!(lines("FROM a\nENV V=2.51\nONBUILD RUN dnf -y install git-$V\n").is_empty());
        assert_eq!(
            lines("FROM a\nARG V=2.51\nONBUILD RUN dnf -y install git-$V\n"),
            [3]
        );
    }
}
