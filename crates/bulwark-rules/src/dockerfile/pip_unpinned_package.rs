use bulwark_core::Finding;

use super::pkg_command::{PkgCommand, after_subcommand, run_scripts, unpinned_finding};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `pipx`, `python -m pip install`) naming a
    /// package without a version specifier (`requests` rather than `requests==2.32.3`).
    /// Installs from a requirements file (`-r`, `--requirement`), from the current
    /// project (`.`) or under a constraints file (`-c`, `--constraint`) are left alone, as
    /// are wheels and sdists (`.whl`, `.tar.gz`), paths and URLs, and VCS URLs pinned with
    /// `@<ref>`. The values of options such as `--index-url` or `--target` are not
    /// packages.
    ///
    /// ## Why is this bad?
    /// Without a version the image gets whatever PyPI serves on the day of the build: two
    /// builds of the same Dockerfile can differ, and a rebuild can bring in a breaking or
    /// compromised release unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests==2.32.3
    /// ```
    /// or keep the pins in a requirements file (ideally with hashes):
    /// `pip install --no-cache-dir --require-hashes -r requirements.txt`.
    ///
    /// ## References
    /// - [pip: repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    /// - [hadolint DL3013](https://github.com/hadolint/hadolint/wiki/DL3013)
    pub(crate) static META = {
        code: "DKF047",
        name: "pip-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`pip install` installs a package without pinning its version",
        help: "pin each package (`pip install <package>==<version>`) or install from a requirements file",
        aliases: ["DL3013"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Options of `pip install` (and pipx) whose value is the next word.
const VALUE_FLAGS: &[&str] = &[
    "abi",
    "b",
    "build",
    "e",
    "editable",
    "extra-index-url",
    "f",
    "find-links",
    "i",
    "index-url",
    "implementation",
    "no-binary",
    "only-binary",
    "platform",
    "prefix",
    "progress-bar",
    "proxy",
    "python",
    "python-version",
    "root",
    "root-user-action",
    "src",
    "t",
    "target",
    "trusted-host",
    "upgrade-strategy",
];

const VCS_SCHEMES: &[&str] = &[
    "git+file",
    "git+https",
    "git+ssh",
    "git+http",
    "git+git",
    "git",
    "hg+file",
    "hg+http",
    "hg+https",
    "hg+ssh",
    "hg+static-http",
    "svn",
    "svn+svn",
    "svn+http",
    "svn+https",
    "svn+ssh",
    "bzr+http",
    "bzr+https",
    "bzr+ssh",
    "bzr+sftp",
    "bzr+ftp",
    "bzr+lp",
];

/// `pip install`, `pip3 install`, `pipx install`, `python -m pip install` (not pipenv).
pub(crate) fn is_pip_install(c: &PkgCommand<'_>) -> bool {
    let name = c.name();
    if name.starts_with("pip") && !name.starts_with("pipenv") {
        return c.has_arg("install");
    }
    name.starts_with("python")
        && c.args
            .windows(3)
            .any(|w| w[0].value() == "-m" && w[1].value() == "pip" && w[2].value() == "install")
}

/// How the user invoked pip: `pip3`, `pipx`, `python3 -m pip`.
pub(crate) fn pip_display(c: &PkgCommand<'_>) -> String {
    if c.name().starts_with("python") {
        format!("{} -m pip", c.name())
    } else {
        c.name().to_owned()
    }
}

fn pinned(package: &str) -> bool {
    let vcs = VCS_SCHEMES.iter().any(|s| package.starts_with(s));
    ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
        .iter()
        .any(|op| package.contains(op))
        || (vcs && package.contains('@'))
        || package.ends_with(".whl")
        || package.ends_with(".tar.gz")
        || (!vcs && package.contains('/'))
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        for c in run.commands() {
            if !is_pip_install(&c)
                || c.has_any_flag(&["constraint", "c"])
                || c.has_arg("--requirement")
                || c.has_arg("-r")
                || c.has_arg(".")
            {
                continue;
            }
            let operands = c.operands(VALUE_FLAGS);
            let unpinned: Vec<_> = after_subcommand(&operands, &["install"])
                .into_iter()
                .filter(|w| !pinned(&w.value))
                .collect();
            let Some(f) = unpinned_finding(
                ctx,
                &format!("{} install", pip_display(&c)),
                "installs",
                ("package", "packages"),
                &unpinned,
                "no `==<version>`",
            ) else {
                continue;
            };
            out.push(f);
            break;
        }
    }
}
