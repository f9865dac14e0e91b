use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use bulwark_dockerfile::shell::ShellScript;

use crate::dockerfile::run_shell::{
    has_cache_mount, is_trigger, is_trivy_id, read_run, runs, uncleaned_install,
};
use crate::kubernetes::drop_aliases;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions (and `ONBUILD RUN` triggers) where `yum install` is not
    /// followed, in the same `RUN`, by `yum clean all` (or an `rm` of `/var/cache/yum`),
    /// unless the `RUN` mounts a cache or tmpfs over `/var/cache/yum`.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata and, depending on its configuration, the downloaded
    /// packages in `/var/cache/yum`. Whatever is there at the end of the `RUN` is stored
    /// in the layer for good: a cleanup in a later `RUN` cannot make the image smaller.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y mariadb-5.5.68
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y mariadb-5.5.68 && yum clean all
    /// ```
    /// or keep the cache out of the image with BuildKit:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/var/cache/yum yum install -y mariadb-5.5.68
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3032](https://github.com/hadolint/hadolint/wiki/DL3032)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub(crate) static META = {
        code: "DKF075",
        name: "yum-cache-not-cleaned",
        family: Dockerfile,
        severity: Medium,
        summary: "`yum install` without `yum clean all` in the same RUN",
        help: "end the `RUN` with `&& yum clean all`, or mount a cache at `/var/cache/yum`",
        aliases: ["DL3032", "AVD-DS-0015", "DS015", "DS-0015"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

const CACHE: &[&str] = &["/var/cache/yum"];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        if has_cache_mount(ins, CACHE) {
            continue;
        }
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(install) = uncleaned_install(&commands, "yum", &["install"], &["clean"], CACHE)
        else {
            continue;
        };
        let span = install
            .arg(&["install"])
            .map_or(install.name_word.span, |w| w.span);
        let finding = ctx
            .finding(span, "`yum install` is not followed by `yum clean all`")
            .with_label("the yum cache stays in this layer");
        let trivy = !is_trigger(ctx.dockerfile, ins) && script.raw().is_some_and(trivy_fires);
        out.push(drop_aliases(finding, |a| is_trivy_id(a) && !trivy));
    }
}

/// Trivy's DS015: a command with `yum` followed by `install` comes after the last command
/// that has an `all` word (or no command has one).
fn trivy_fires(script: &ShellScript) -> bool {
    let words: Vec<Vec<&str>> = script
        .commands()
        .map(|c| c.words.iter().map(|w| w.value.as_str()).collect())
        .collect();
    let install = words.iter().rposition(|c| {
        c.iter()
            .position(|w| *w == "yum")
            .is_some_and(|i| c[i + 1..].contains(&"install"))
    });
    let all = words.iter().rposition(|c| c.contains(&"all"));
    match (install, all) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(i), Some(a)) => i > a,
    }
}
