use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::run_shell::{
    has_cache_mount, is_trigger, is_trivy_id, read_run, runs, trivy_run_values, uncleaned_install,
};
use crate::kubernetes::drop_aliases;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions (and `ONBUILD RUN` triggers) where `zypper install`
    /// (`zypper in`) is not followed, in the same `RUN`, by `zypper clean` (`zypper cc`)
    /// or an `rm` of `/var/cache/zypp`, unless the `RUN` mounts a cache or tmpfs over
    /// `/var/cache/zypp`.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata and downloaded packages in `/var/cache/zypp`.
    /// Whatever is there at the end of the `RUN` is stored in the layer for good: a
    /// cleanup in a later `RUN` cannot make the image smaller.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y mariadb=10.11.9
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y mariadb=10.11.9 && zypper clean --all
    /// ```
    /// or keep the cache out of the image with BuildKit:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/var/cache/zypp zypper install -y mariadb=10.11.9
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3036](https://github.com/hadolint/hadolint/wiki/DL3036)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub(crate) static META = {
        code: "DKF079",
        name: "zypper-cache-not-cleaned",
        family: Dockerfile,
        severity: Medium,
        summary: "`zypper install` without `zypper clean` in the same RUN",
        help: "end the `RUN` with `&& zypper clean --all`, or mount a cache at `/var/cache/zypp`",
        aliases: ["DL3036", "AVD-DS-0020", "DS020", "DS-0020"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

const CACHE: &[&str] = &["/var/cache/zypp"];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        if has_cache_mount(ins, CACHE) {
            continue;
        }
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(install) = uncleaned_install(
            &commands,
            "zypper",
            &["install", "in"],
            &["clean", "cc"],
            CACHE,
        ) else {
            continue;
        };
        let sub = install.arg(&["install", "in"]);
        let span = sub.map_or(install.name_word.span, |w| w.span);
        let finding = ctx
            .finding(
                span,
                format!(
                    "`zypper {}` is not followed by `zypper clean`",
                    sub.map_or("install", |w| w.value.as_str())
                ),
            )
            .with_label("the zypper cache stays in this layer");
        let text = trivy_run_values(ins).first().copied().unwrap_or_default();
        let trivy = !is_trigger(ctx.dockerfile, ins) && trivy_fires(text);
        out.push(drop_aliases(finding, |a| is_trivy_id(a) && !trivy));
    }
}

/// Trivy's DS020 pattern: the commands it counts as installs, then the cleanups.
static DS020: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(zypper in)|(zypper remove)|(zypper rm)|(zypper source-install)|(zypper si)|(zypper patch)|(zypper (-(-)?[a-zA-Z]+ *)*install)|(zypper clean)|(zypper cc)",
    )
    .ok()
});

/// Whether Trivy's DS020 reports the text of a shell-form RUN: an install matches and
/// the last match is not a cleanup.
fn trivy_fires(text: &str) -> bool {
    let Some(re) = DS020.as_ref() else {
        return false;
    };
    let clean = |m: &str| m == "zypper clean" || m == "zypper cc";
    let matches: Vec<&str> = re.find_iter(text).map(|m| m.as_str()).collect();
    matches.iter().any(|m| !clean(m)) && matches.last().is_some_and(|m| !clean(m))
}
