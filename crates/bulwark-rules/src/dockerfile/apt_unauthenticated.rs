use bulwark_core::Finding;

use super::pkg_command::run_scripts;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get` (and `apt`) given `--allow-unauthenticated`, `--force-yes` or
    /// `-o APT::Get::AllowUnauthenticated=true`.
    ///
    /// ## Why is this bad?
    /// These options make apt install packages whose signature it cannot verify
    /// (`--force-yes` also allows downgrades and removing essential packages). Anything that
    /// can tamper with the download (a mirror, a proxy) can then put its own code into the
    /// image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --allow-unauthenticated vendor-tool=1.2.0
    /// ```
    ///
    /// ## Fix
    /// Add the repository's signing key (`signed-by=` in the source entry) and install
    /// normally:
    /// ```dockerfile
    /// COPY vendor.gpg /usr/share/keyrings/vendor.gpg
    /// RUN echo "deb [signed-by=/usr/share/keyrings/vendor.gpg] https://apt.vendor.example stable main" \
    ///       > /etc/apt/sources.list.d/vendor.list \
    ///  && apt-get update && apt-get install -y --no-install-recommends vendor-tool=1.2.0
    /// ```
    ///
    /// ## References
    /// - [apt-get(8): `--allow-unauthenticated`](https://manpages.debian.org/stable/apt/apt-get.8.en.html)
    /// - CIS Docker Benchmark 4.11: install only verified packages
    pub(crate) static META = {
        code: "DKF055",
        name: "apt-unauthenticated-packages",
        family: Dockerfile,
        severity: High,
        summary: "apt installs packages it cannot authenticate",
        help: "remove `--allow-unauthenticated`/`--force-yes` and install the repository's signing key",
        aliases: ["CKV2_DOCKER_8", "CKV2_DOCKER_11"],
        compliance: ["CIS-DOCKER-4.11", "NIST-800-190-4.1.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let apt: Vec<_> = run
            .commands()
            .filter(|c| c.is("apt-get") || c.is("apt"))
            .collect();
        let unsafe_word = apt.iter().find_map(|c| {
            c.args
                .iter()
                .find(|a| {
                    a.flags.contains(&"allow-unauthenticated")
                        || a.flags.contains(&"force-yes")
                        || a.value()
                            .eq_ignore_ascii_case("APT::Get::AllowUnauthenticated=true")
                })
                .map(|a| (c.name(), a.word))
        });
        let Some((tool, word)) = unsafe_word else {
            continue;
        };
        let force_yes = apt.iter().any(|c| c.has_flag("force-yes"));
        let mut f = ctx
            .finding(word.span, format!("`{tool}` runs with `{}`", word.value))
            .with_label("packages are installed without a verified signature");
        // `--force-yes` is also Checkov's CKV2_DOCKER_11.
        if !force_yes {
            f.aliases.retain(|a| a != "CKV2_DOCKER_11");
        }
        out.push(f);
    }
}
