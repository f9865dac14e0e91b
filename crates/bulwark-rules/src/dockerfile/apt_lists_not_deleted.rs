use bulwark_core::Finding;

use super::pkg_command::{run_scripts, stage_reaches_image};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that refreshes the package lists (`apt-get update`, `apt update`,
    /// `aptitude update`) without deleting them (`rm -rf /var/lib/apt/lists/*` or
    /// `apt-get dist-clean`) in the same RUN, in a stage that ends up in the image: the last
    /// stage, the stages it is built `FROM`, or an `ONBUILD` trigger. A RUN that keeps the
    /// lists in a `--mount=type=cache` or `type=tmpfs` mount of `/var/lib/apt/lists` (or of
    /// both `/var/lib/apt` and `/var/cache/apt`) is fine.
    ///
    /// ## Why is this bad?
    /// The lists are tens of megabytes that the running container never needs; once a layer
    /// holds them, deleting them in a later RUN does not make the image smaller. Stale lists
    /// in an image also mislead whoever runs `apt-get install` in a derived image without
    /// refreshing them first.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [Dockerfile best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [hadolint DL3009](https://github.com/hadolint/hadolint/wiki/DL3009)
    pub(crate) static META = {
        code: "DKF041",
        name: "apt-lists-not-deleted",
        family: Dockerfile,
        severity: Low,
        summary: "the apt package lists are left in the image",
        help: "end the RUN with `rm -rf /var/lib/apt/lists/*`, or keep the lists in a cache mount",
        aliases: ["DL3009"],
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
        let Some((update, word)) = run.commands().find_map(|c| {
            ["apt-get", "apt", "aptitude"]
                .contains(&c.name())
                .then(|| {
                    c.args
                        .iter()
                        .find(|a| a.value() == "update")
                        .map(|a| a.word)
                })
                .flatten()
                .map(|w| (c.name().to_owned(), w))
        }) else {
            continue;
        };
        // `apt-get dist-clean` (apt 2.7) deletes the lists as well.
        let cleaned = run.commands().any(|c| {
            (c.is("rm")
                && c.operands(&[])
                    .iter()
                    .any(|w| w.value.starts_with("/var/lib/apt/lists")))
                || (["apt-get", "apt"].contains(&c.name()) && c.has_arg("dist-clean"))
        });
        if cleaned
            || run.has_cache_mount("/var/lib/apt/lists")
            || (run.has_cache_mount("/var/lib/apt") && run.has_cache_mount("/var/cache/apt"))
        {
            continue;
        }
        if !run.is_trigger(ctx) && !stage_reaches_image(ctx, run.instruction.stage) {
            continue;
        }
        out.push(
            ctx.finding(
                word.span,
                format!(
                    "`{update} update` leaves the package lists in the image: `/var/lib/apt/lists` is not deleted in this RUN"
                ),
            )
            .with_label("lists downloaded here stay in the layer"),
        );
    }
}
