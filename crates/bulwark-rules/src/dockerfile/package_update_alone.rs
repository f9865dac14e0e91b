use bulwark_core::Finding;

use super::pkg_command::run_scripts;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that updates a package manager's index (`apt-get update`, `apk update`,
    /// `yum update`, `dnf update`, `zypper update`/`up`) without installing or upgrading
    /// anything with the same package manager later in that RUN.
    ///
    /// ## Why is this bad?
    /// The build cache keys a layer on its RUN line, not on the state of the mirrors: once
    /// `RUN apt-get update` is cached, a later `RUN apt-get install …` keeps using the old
    /// index (until something invalidates the cache) and fails when the mirror has dropped
    /// the versions it lists, or silently installs outdated packages. Updating and
    /// installing in one RUN keeps them in step.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
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
    /// - CIS Docker Benchmark 4.7: do not use update instructions alone
    pub(crate) static META = {
        code: "DKF053",
        name: "package-index-update-alone",
        family: Dockerfile,
        severity: Medium,
        summary: "the package index is updated in a RUN that installs nothing",
        help: "update the index and install the packages in the same RUN",
        aliases: ["AVD-DS-0017", "DS017", "DS-0017"],
        compliance: ["CIS-DOCKER-4.7"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

const MANAGERS: &[&[&str]] = &[
    &["apt-get", "apt"],
    &["yum"],
    &["apk"],
    &["dnf"],
    &["zypper"],
];
const UPDATES: &[&str] = &["update", "up"];
const INSTALLS: &[&str] = &[
    "upgrade",
    "install",
    "source-install",
    "reinstall",
    "groupinstall",
    "localinstall",
    "add",
];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let commands: Vec<_> = run.commands().collect();
        let alone = MANAGERS.iter().find_map(|names| {
            let mine = |c: &&super::pkg_command::PkgCommand<'_>| names.contains(&c.name());
            let updates: Vec<(usize, _)> = commands
                .iter()
                .enumerate()
                .filter(|(_, c)| mine(c))
                .filter_map(|(i, c)| {
                    c.args
                        .iter()
                        .find(|a| UPDATES.contains(&a.value()))
                        .map(|a| (i, (c.name(), a.word)))
                })
                .collect();
            let (first, _) = updates.first()?;
            let installed_later = commands
                .iter()
                .enumerate()
                .any(|(i, c)| i > *first && mine(&c) && INSTALLS.iter().any(|s| c.has_arg(s)));
            (!installed_later).then(|| updates[0].1)
        });
        let Some((name, word)) = alone else {
            continue;
        };
        out.push(
            ctx.finding(
                word.span,
                format!(
                    "`{name} {}` updates the package index but nothing is installed after it in this RUN",
                    word.value
                ),
            )
            .with_label("a cached layer keeps this index stale"),
        );
    }
}
