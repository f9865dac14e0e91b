use bulwark_core::Finding;

use super::pkg_command::{run_scripts, unpinned_finding};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `go install`, `go get` and `go run` of a remote package without a version
    /// (`example.com/cmd/tool` or `example.com/cmd/tool@latest` rather than
    /// `example.com/cmd/tool@v1.4.2`). Local packages (`.`, `./cmd/app`, `/src/app`) are
    /// built from the build context and need no version.
    ///
    /// ## Why is this bad?
    /// Without a version (or with `@latest`) the image gets whatever the module proxy
    /// resolves on the day of the build: two builds of the same Dockerfile can differ, and
    /// a rebuild can bring in a breaking or compromised release unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install github.com/go-delve/delve/cmd/dlv@latest
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN go install github.com/go-delve/delve/cmd/dlv@v1.24.0
    /// ```
    ///
    /// ## References
    /// - [go install](https://go.dev/ref/mod#go-install)
    /// - [hadolint DL3062](https://github.com/hadolint/hadolint/wiki/DL3062)
    pub(crate) static META = {
        code: "DKF052",
        name: "go-unpinned-module",
        family: Dockerfile,
        severity: Medium,
        summary: "`go install` fetches a module without pinning its version",
        help: "pin the version: `go install <package>@<version>` (not `@latest`)",
        aliases: ["DL3062"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn pinned(package: &str) -> bool {
    let local = package.starts_with('/') || package.starts_with('.');
    local || (package.contains('@') && !package.ends_with("@latest") && !package.ends_with("@none"))
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let mut unpinned = Vec::new();
        let mut sub = "install";
        for c in run.commands().filter(|c| c.is("go")) {
            let operands = c.operands(&[]);
            let Some(verb) = operands.first() else {
                continue;
            };
            match verb.value.as_str() {
                // `go run pkg args…`: only the package is checked, not its arguments.
                "run" => {
                    if let Some(p) = operands.get(1).filter(|p| !pinned(&p.value)) {
                        unpinned.push(*p);
                        sub = "run";
                    }
                }
                "install" | "get" => {
                    for p in operands[1..]
                        .iter()
                        .filter(|p| p.value != "tool" && !pinned(&p.value))
                    {
                        unpinned.push(*p);
                        sub = if verb.value == "get" {
                            "get"
                        } else {
                            "install"
                        };
                    }
                }
                _ => {}
            }
        }
        out.extend(unpinned_finding(
            ctx,
            &format!("go {sub}"),
            "fetches",
            ("package", "packages"),
            &unpinned,
            "no `@<version>` (`@latest` is not one)",
        ));
    }
}
