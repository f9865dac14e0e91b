use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{commands_of, has_cache_mount, runs, uncleaned_install};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions (and `ONBUILD RUN` triggers) where a `dnf` or `microdnf`
    /// command that installs packages (`install`, `reinstall`, `upgrade`,
    /// `upgrade-minimal` and their short forms) is not followed, in the same `RUN`, by a
    /// `clean all` of the same tool or an `rm` of its cache (`/var/cache/dnf`,
    /// `/var/cache/libdnf5`, `/var/cache/yum`), unless the `RUN` mounts a cache or tmpfs
    /// over the cache.
    ///
    /// ## Why is this bad?
    /// dnf keeps repository metadata and, depending on its configuration, the downloaded
    /// packages in its cache. Whatever is there at the end of the `RUN` is stored in the
    /// layer for good: a cleanup in a later `RUN` cannot make the image smaller.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:41
    /// RUN dnf install -y mariadb-10.11.10
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM fedora:41
    /// RUN dnf install -y mariadb-10.11.10 && dnf clean all
    /// ```
    /// or keep the cache out of the image with BuildKit:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y mariadb-10.11.10
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3040](https://github.com/hadolint/hadolint/wiki/DL3040)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub(crate) static META = {
        code: "DKF082",
        name: "dnf-cache-not-cleaned",
        family: Dockerfile,
        severity: Medium,
        summary: "`dnf install` without `dnf clean all` in the same RUN",
        help: "end the `RUN` with `&& dnf clean all` (`microdnf clean all`), or mount a cache at `/var/cache/libdnf5`",
        aliases: ["DL3040"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

const CACHE: &[&str] = &["/var/cache/libdnf5", "/var/cache/dnf", "/var/cache/yum"];

/// dnf subcommands (and their aliases) that download packages.
const INSTALLS: &[&str] = &[
    "install",
    "in",
    "reinstall",
    "rei",
    "upgrade",
    "up",
    "upgrade-minimal",
    "up-min",
];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        if has_cache_mount(ins, CACHE) {
            continue;
        }
        let commands = commands_of(ctx, ins);
        let Some(install) = ["dnf", "microdnf"]
            .iter()
            .filter_map(|tool| uncleaned_install(&commands, tool, INSTALLS, &["clean"], CACHE))
            .min_by_key(|c| c.command.span.start)
        else {
            continue;
        };
        let sub = install.arg(INSTALLS);
        let span = sub.map_or(install.name_word.span, |w| w.span);
        let tool = install.name();
        out.push(
            ctx.finding(
                span,
                format!(
                    "`{tool} {}` is not followed by `{tool} clean all`",
                    sub.map_or("install", |w| w.value.as_str())
                ),
            )
            .with_label("the dnf cache stays in this layer"),
        );
    }
}
