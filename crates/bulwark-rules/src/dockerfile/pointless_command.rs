use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions (and `ONBUILD RUN` triggers) that call a command which
    /// makes no sense while an image is built: `ssh`, `vim`, `shutdown`, `service`, `ps`,
    /// `free`, `top`, `kill` or `mount`.
    ///
    /// ## Why is this bad?
    /// A build step runs once, without a terminal, in a throw-away container that has no
    /// init system and no other processes: interactive programs hang or do nothing,
    /// `service` and `shutdown` have no service manager to talk to, `ps`, `top`, `free`
    /// and `kill` look at processes that do not exist yet, and `mount` either fails or
    /// changes nothing that ends up in the image. Such a step is leftover from
    /// interactive debugging, or it hides a misunderstanding of how the image runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends nginx \
    ///     && service nginx start
    /// ```
    ///
    /// ## Fix
    /// Start services from `CMD` or `ENTRYPOINT` (or the orchestrator), configure files
    /// with `COPY` or non-interactive tools, and drop the rest:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends nginx
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3001](https://github.com/hadolint/hadolint/wiki/DL3001)
    /// - [Dockerfile best practices](https://docs.docker.com/build/building/best-practices/)
    pub(crate) static META = {
        code: "DKF070",
        name: "pointless-command",
        family: Dockerfile,
        severity: Low,
        summary: "RUN calls a command that makes no sense in an image build",
        help: "remove the command: start services from `CMD` or `ENTRYPOINT` and configure files non-interactively",
        aliases: ["DL3001"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// The commands hadolint lists.
const POINTLESS: &[&str] = &[
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(first) = commands.iter().find(|c| c.is_any(POINTLESS)) else {
            continue;
        };
        let name = first.name();
        out.push(
            ctx.finding(
                first.name_word.span,
                format!("`{name}` makes no sense in an image build"),
            )
            .with_label(reason(name)),
        );
    }
}

fn reason(name: &str) -> &'static str {
    match name {
        "ssh" | "vim" => "interactive program in a build step",
        "service" | "shutdown" => "no service manager runs during a build",
        "mount" => "mounts made during a build do not reach the image",
        _ => "no other processes exist during a build",
    }
}
