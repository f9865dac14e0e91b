use bulwark_core::Finding;

use super::pkg_command::run_scripts;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache`, unless the RUN keeps apk's cache in a
    /// `--mount=type=cache` or `type=tmpfs` mount of `/var/cache/apk`.
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, apk stores the package index (and, with `--update`, a fresh
    /// copy of it) under `/var/cache/apk`, and the layer keeps it: the image grows by
    /// megabytes that the running container never reads, unless every RUN remembers to
    /// delete `/var/cache/apk/*` afterwards.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add curl=8.5.0-r0
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.5.0-r0
    /// ```
    /// `--no-cache` also fetches a fresh index, so `apk update` is no longer needed.
    ///
    /// ## References
    /// - [Docker Alpine image: `--no-cache`](https://github.com/gliderlabs/docker-alpine/blob/master/docs/usage.md#disabling-cache)
    /// - [hadolint DL3019](https://github.com/hadolint/hadolint/wiki/DL3019)
    pub(crate) static META = {
        code: "DKF046",
        name: "apk-add-without-no-cache",
        family: Dockerfile,
        severity: Low,
        summary: "`apk add` leaves its package cache in the image",
        help: "use `apk add --no-cache`",
        aliases: ["DL3019", "AVD-DS-0025", "DS025", "DS-0025"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        if run.has_cache_mount("/var/cache/apk") {
            continue;
        }
        let Some(word) = run.commands().find_map(|c| {
            (c.is("apk") && !c.has_flag("no-cache"))
                .then(|| c.args.iter().find(|a| a.value() == "add").map(|a| a.word))
                .flatten()
        }) else {
            continue;
        };
        out.push(
            ctx.finding(word.span, "`apk add` runs without `--no-cache`")
                .with_label("the package index is cached in the layer"),
        );
    }
}
