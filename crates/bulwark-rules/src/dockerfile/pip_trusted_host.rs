use bulwark_core::Finding;

use super::pip_unpinned_package::pip_display;
use super::pkg_command::run_scripts;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports pip (`pip`, `pip3`, `python -m pip`…) given `--trusted-host`.
    ///
    /// ## Why is this bad?
    /// `--trusted-host` makes pip accept that host over plain HTTP or with an invalid TLS
    /// certificate: anything between the build and the index can serve its own packages,
    /// which pip then installs and runs (`setup.py`) in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir --index-url http://pypi.internal/simple --trusted-host pypi.internal flask==3.1.0
    /// ```
    ///
    /// ## Fix
    /// Serve the index over HTTPS with a certificate the image trusts (add the CA to the
    /// system store, or pass `--cert`):
    /// ```dockerfile
    /// COPY internal-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates \
    ///  && pip install --no-cache-dir --cert /etc/ssl/certs/ca-certificates.crt \
    ///       --index-url https://pypi.internal/simple flask==3.1.0
    /// ```
    ///
    /// ## References
    /// - [pip: `--trusted-host`](https://pip.pypa.io/en/stable/cli/pip/#cmdoption-trusted-host)
    pub(crate) static META = {
        code: "DKF056",
        name: "pip-trusted-host",
        family: Dockerfile,
        severity: High,
        summary: "pip skips TLS verification for a host",
        help: "remove `--trusted-host`; use an HTTPS index with a certificate the image trusts",
        aliases: ["CKV2_DOCKER_4"],
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
        let Some((who, word)) = run.commands().find_map(|c| {
            let pip = c.name().starts_with("pip") && !c.name().starts_with("pipenv")
                || (c.name().starts_with("python")
                    && c.args
                        .windows(2)
                        .any(|w| w[0].value() == "-m" && w[1].value() == "pip"));
            if !pip {
                return None;
            }
            let w = c
                .args
                .iter()
                .find(|a| a.flags.contains(&"trusted-host"))
                .map(|a| a.word)?;
            Some((pip_display(&c), w))
        }) else {
            continue;
        };
        out.push(
            ctx.finding(word.span, format!("`{who}` runs with `--trusted-host`"))
                .with_label("TLS verification is off for this host"),
        );
    }
}
