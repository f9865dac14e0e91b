use bulwark_core::Finding;

use super::pip_unpinned_package::{is_pip_install, pip_display};
use super::pkg_command::{PkgCommand, run_scripts, visible_vars};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `python -m pip install`) without
    /// `--no-cache-dir`. It is fine when `PIP_NO_CACHE_DIR` is set to a true value (`1`,
    /// `true`, `on`, `yes`) by an ENV or ARG of the stage (or of the stage it is built
    /// from) or in the RUN itself, and when the RUN keeps pip's cache in a
    /// `--mount=type=cache` or `type=tmpfs` mount of `~/.cache/pip`. pipx and pipenv are
    /// not pip.
    ///
    /// ## Why is this bad?
    /// pip keeps every downloaded wheel and sdist in `~/.cache/pip`; in an image that cache
    /// is never used again but stays in the layer, often doubling the space the installed
    /// packages take.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install requests==2.32.3
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests==2.32.3
    /// ```
    /// or once for the stage: `ENV PIP_NO_CACHE_DIR=1`.
    ///
    /// ## References
    /// - [pip: caching](https://pip.pypa.io/en/stable/topics/caching/)
    /// - [hadolint DL3042](https://github.com/hadolint/hadolint/wiki/DL3042)
    pub(crate) static META = {
        code: "DKF048",
        name: "pip-cache-not-disabled",
        family: Dockerfile,
        severity: Medium,
        summary: "`pip install` leaves its download cache in the image",
        help: "add `--no-cache-dir` to `pip install` (or set `ENV PIP_NO_CACHE_DIR=1`)",
        aliases: ["DL3042"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn truthy(value: &str) -> bool {
    ["1", "true", "on", "yes"]
        .iter()
        .any(|t| value.eq_ignore_ascii_case(t))
}

fn sets_no_cache_dir(c: &PkgCommand<'_>) -> bool {
    c.command
        .assignments
        .iter()
        .chain(c.command.args())
        .any(|w| {
            w.value
                .strip_prefix("PIP_NO_CACHE_DIR=")
                .is_some_and(truthy)
        })
}

fn is_wrapper(c: &PkgCommand<'_>) -> bool {
    let name = c.name();
    ["pipx", "pipenv"].iter().any(|w| {
        name.contains(w)
            || (name.starts_with("python")
                && c.args
                    .windows(2)
                    .any(|p| p[0].value() == "-m" && p[1].value() == *w))
    })
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let env = visible_vars(ctx, run.instruction)
            .into_iter()
            .rev()
            .find(|(n, _)| n == "PIP_NO_CACHE_DIR")
            .and_then(|(_, v)| v);
        if env.as_deref().is_some_and(truthy)
            || run.has_cache_mount(".cache/pip")
            || run.commands().any(|c| sets_no_cache_dir(&c))
        {
            continue;
        }
        let Some(c) = run
            .commands()
            .find(|c| is_pip_install(c) && !c.has_arg("--no-cache-dir") && !is_wrapper(c))
        else {
            continue;
        };
        let word = c
            .args
            .iter()
            .find(|a| a.value() == "install")
            .map_or(c.name_span(), |a| a.word.span);
        out.push(
            ctx.finding(
                word,
                format!(
                    "`{} install` runs without `--no-cache-dir`",
                    pip_display(&c)
                ),
            )
            .with_label("downloads are cached in the layer"),
        );
    }
}
