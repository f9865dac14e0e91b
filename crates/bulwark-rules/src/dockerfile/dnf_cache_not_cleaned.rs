use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::run_shell::{
    has_cache_mount, is_trigger, read_run, runs, trivy_run_values, uncleaned_install,
};
use crate::kubernetes::drop_aliases;
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
        aliases: [
            "DL3040",
            "AVD-DS-0019",
            "DS019",
            "DS-0019",
            "AVD-DS-0027",
            "DS027",
            "DS-0027",
        ],
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
        let script = read_run(ctx, ins);
        let commands = script.commands();
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
        let finding = ctx
            .finding(
                span,
                format!(
                    "`{tool} {}` is not followed by `{tool} clean all`",
                    sub.map_or("install", |w| w.value.as_str())
                ),
            )
            .with_label("the dnf cache stays in this layer");
        // Trivy's DS019 (dnf) and DS027 (microdnf) match the text of shell-form RUNs.
        let text = trivy_run_values(ins).first().copied().unwrap_or_default();
        let trigger = is_trigger(ctx.dockerfile, ins);
        let ds019 = !trigger && trivy_fires(&DS019, text, "dnf clean all");
        let ds027 = !trigger && trivy_fires(&DS027, text, "microdnf clean all");
        out.push(drop_aliases(finding, |a| {
            (a.contains("0019") || a == "DS019") && !ds019
                || (a.contains("0027") || a == "DS027") && !ds027
        }));
    }
}

/// Trivy's DS019 install pattern, with its clean command as the last alternative.
static DS019: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(dnf install)|(dnf in)|(dnf reinstall)|(dnf rei)|(dnf install-n)|(dnf install-na)|(dnf install-nevra)|(dnf clean all)",
    )
    .ok()
});

/// Trivy's DS027 install pattern, with its clean command as the last alternative.
static DS027: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(microdnf install)|(microdnf reinstall)|(microdnf clean all)").ok()
});

/// Whether Trivy reports the text: it matches an install alternative and the last match
/// of any alternative is not `clean`.
fn trivy_fires(re: &LazyLock<Option<Regex>>, text: &str, clean: &str) -> bool {
    let Some(re) = re.as_ref() else {
        return false;
    };
    let matches: Vec<&str> = re.find_iter(text).map(|m| m.as_str()).collect();
    matches.iter().any(|m| *m != clean) && matches.last().is_some_and(|m| *m != clean)
}
