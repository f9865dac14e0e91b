use bulwark_core::Finding;

use super::pkg_command::{after_subcommand, run_scripts, unpinned_finding};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `npm install <package>` naming a package without a version, tag or range
    /// (`express` rather than `express@4.21.2`). `npm install` without packages (which
    /// installs what `package.json` and the lock file say) is fine, and so are tarballs
    /// (`.tgz`, `.tar`, `.tar.gz`), folders (`./lib`, `/src`, `~/pkg`) and git URLs pinned
    /// with `#<commit-ish>`.
    ///
    /// ## Why is this bad?
    /// Without a version the image gets whatever the registry's `latest` tag points at on
    /// the day of the build: two builds of the same Dockerfile can differ, and a rebuild can
    /// bring in a breaking or compromised release unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN npm install -g typescript@5.7.2
    /// ```
    /// For an application, commit `package-lock.json` and use `npm ci`.
    ///
    /// ## References
    /// - [npm install](https://docs.npmjs.com/cli/commands/npm-install)
    /// - [hadolint DL3016](https://github.com/hadolint/hadolint/wiki/DL3016)
    pub(crate) static META = {
        code: "DKF049",
        name: "npm-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`npm install` installs a package without pinning its version",
        help: "pin each package to a version: `npm install <package>@<version>`",
        aliases: ["DL3016"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn pinned(package: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|p| package.starts_with(p))
    {
        return package.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"]
        .iter()
        .any(|s| package.ends_with(s))
        || ["/", "./", "../", "~/"]
            .iter()
            .any(|p| package.starts_with(p))
    {
        return true;
    }
    // `@scope/name@1.2.3`: the first `@` belongs to the scope.
    match package.strip_prefix('@') {
        Some(scoped) => scoped.contains('@'),
        None => package.contains('@'),
    }
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        for c in run.commands() {
            if !c.is_with_any("npm", &["install"]) {
                continue;
            }
            let operands = c.operands(&["loglevel", "registry"]);
            if operands.first().map(|w| w.value.as_str()) != Some("install") {
                continue;
            }
            let unpinned: Vec<_> = after_subcommand(&operands, &["install"])
                .into_iter()
                .filter(|w| !pinned(&w.value))
                .collect();
            let Some(f) = unpinned_finding(
                ctx,
                "npm install",
                "installs",
                ("package", "packages"),
                &unpinned,
                "no `@<version>`",
            ) else {
                continue;
            };
            out.push(f);
            break;
        }
    }
}
