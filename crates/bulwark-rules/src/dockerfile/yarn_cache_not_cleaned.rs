use bulwark_core::Finding;

use super::pkg_command::{run_scripts, stage_reaches_image};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a RUN with `yarn install` that does not run `yarn cache clean` after it, in a
    /// stage that ends up in the image (the last stage, the stages it is built `FROM`, or an
    /// `ONBUILD` trigger). A RUN without `yarn cache clean` that keeps yarn's cache in a
    /// `--mount=type=cache` or `type=tmpfs` mount of `~/.cache/yarn` is fine.
    ///
    /// ## Why is this bad?
    /// yarn keeps a copy of every package it downloads in its global cache; in an image
    /// that cache is never used again but stays in the layer, often as large as
    /// `node_modules` itself.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ## References
    /// - [yarn cache](https://classic.yarnpkg.com/en/docs/cli/cache)
    /// - [hadolint DL3060](https://github.com/hadolint/hadolint/wiki/DL3060)
    pub(crate) static META = {
        code: "DKF051",
        name: "yarn-cache-not-cleaned",
        family: Dockerfile,
        severity: Low,
        summary: "`yarn install` leaves its package cache in the image",
        help: "run `yarn cache clean` after `yarn install` in the same RUN",
        aliases: ["DL3060"],
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
        let commands: Vec<_> = run.commands().collect();
        let Some(install) = commands
            .iter()
            .position(|c| c.is_with_any("yarn", &["install"]))
        else {
            continue;
        };
        let clean = commands
            .iter()
            .position(|c| c.is_with_any("yarn", &["cache", "clean"]));
        let forgot = match clean {
            None => !run.has_cache_mount(".cache/yarn"),
            Some(c) => c < install,
        };
        if !forgot || (!run.is_trigger(ctx) && !stage_reaches_image(ctx, run.instruction.stage)) {
            continue;
        }
        let cmd = &commands[install];
        let word = cmd
            .args
            .iter()
            .find(|a| a.value() == "install")
            .map_or(cmd.name_span(), |a| a.word.span);
        out.push(
            ctx.finding(
                word,
                "`yarn install` runs without `yarn cache clean` after it",
            )
            .with_label("downloaded packages stay in yarn's cache"),
        );
    }
}
