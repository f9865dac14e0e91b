use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use super::is_remote_source;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` instructions (ONBUILD ones too) that fetch a remote source without
    /// verifying it:
    /// - an HTTP(S) URL without `--checksum=sha256:…`;
    /// - a git repository (`https://…/repo.git#ref`, `git@host:repo.git`) that is not
    ///   pinned by `--checksum` or by a full commit hash after `#`: branches and tags move.
    ///
    /// `ADD` of local files, which the `add-instead-of-copy` rules cover, is not reported
    /// here.
    ///
    /// ## Why is this bad?
    /// The build trusts whatever the server returns when it runs: a compromised server, a
    /// hijacked domain or a re-tagged release puts different code into the image without
    /// any change to the Dockerfile, and the build cannot be reproduced.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:<sha256 of the file> \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    /// (`--checksum` needs Dockerfile syntax 1.6 or later), or download with `curl` and
    /// check with `sha256sum -c`.
    ///
    /// ## References
    /// - [Dockerfile reference: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    /// - CIS Docker Benchmark 4.9: ensure that COPY is used instead of ADD
    pub(crate) static META = {
        code: "DKF129",
        name: "remote-add-without-checksum",
        family: Dockerfile,
        severity: Medium,
        summary: "`ADD` fetches a remote source without verifying it",
        help: "add `--checksum=sha256:<digest>` to the `ADD`, or pin a git source to a full commit hash (`repo.git#<commit>`)",
        aliases: [],
        compliance: ["CIS-DOCKER-4.9", "NIST-800-190-4.1.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Whether an ADD source is a git repository rather than a file to download.
fn is_git_source(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    let path = s.split('#').next().unwrap_or(&s);
    s.starts_with("git@")
        || s.starts_with("git://")
        || s.starts_with("ssh://")
        || path.ends_with(".git")
}

/// Whether a git source names a full commit after `#` (`#<40 hex>`, also `#<commit>:<dir>`).
fn pins_commit(source: &str) -> bool {
    source
        .split_once('#')
        .map(|(_, fragment)| fragment.split(':').next().unwrap_or(fragment))
        .is_some_and(|r| r.len() == 40 && r.bytes().all(|c| c.is_ascii_hexdigit()))
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    for ins in ctx.instructions() {
        let Detail::Add {
            sources, checksum, ..
        } = &ins.detail
        else {
            continue;
        };
        if checksum.is_some() {
            continue;
        }
        let scope = df.scope_at(ins.index);
        for source in sources {
            let value = scope.expand_lossy(&source.value, df.escape);
            if !is_remote_source(&value) {
                continue;
            }
            let (message, label) = if is_git_source(&value) {
                if pins_commit(&value) {
                    continue;
                }
                (
                    format!(
                        "`ADD` clones `{}` at a branch or tag, which can move",
                        source.value
                    ),
                    "git source not pinned to a commit",
                )
            } else {
                (
                    format!(
                        "`ADD` downloads `{}` without `--checksum`, so the build accepts whatever the server returns",
                        source.value
                    ),
                    "no `--checksum`",
                )
            };
            out.push(ctx.finding(source.span, message).with_label(label));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_sources_and_commit_pins() {
        assert!(is_git_source(
            "https://github.com/moby/buildkit.git#v0.10.1"
        ));
        assert!(is_git_source("git@github.com:moby/buildkit.git"));
        assert!(!is_git_source("https://example.com/tool.tar.gz"));
        assert!(pins_commit(
            "https://github.com/moby/buildkit.git#4c3a1e9b4f6e6b6a0e4e7d2f5a8c9b1d3e2f4a6b"
        ));
        assert!(pins_commit(
            "https://github.com/moby/buildkit.git#4c3a1e9b4f6e6b6a0e4e7d2f5a8c9b1d3e2f4a6b:docs"
        ));
        assert!(!pins_commit("https://github.com/moby/buildkit.git#v0.10.1"));
        assert!(!pins_commit("https://github.com/moby/buildkit.git"));
    }
}
