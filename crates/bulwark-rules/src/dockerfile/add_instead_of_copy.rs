use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::{has_variable, own_instructions, unquote};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` of local files or directories: sources that are neither a URL, a Git
    /// repository, nor a tar archive `ADD` unpacks (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`,
    /// `.tar.xz` and the like). A `.zip` is a plain file to `ADD` and is reported, and so is
    /// an inline file (`ADD <<EOF /etc/motd`), which `COPY` writes as well. A source given by
    /// a variable is judged by the value the Dockerfile gives it.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it unpacks local archives and fetches URLs. Used for plain
    /// files it hides that magic from readers, and a file that later happens to be a tar
    /// archive gets unpacked instead of copied. `COPY` says exactly what happens.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    /// - CIS Docker Benchmark 4.9: ensure that COPY is used instead of ADD
    /// - [hadolint DL3020](https://github.com/hadolint/hadolint/wiki/DL3020)
    pub(crate) static META = {
        code: "DKF011",
        name: "add-instead-of-copy",
        family: Dockerfile,
        severity: High,
        summary: "`ADD` copies local files",
        help: "use `COPY` for local files and directories; keep `ADD` for archives to unpack and remote sources",
        aliases: ["DL3020"],
        compliance: ["CIS-DOCKER-4.9"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Suffixes of the archives `ADD` unpacks (hadolint's list).
const ARCHIVE_SUFFIXES: [&str; 15] = [
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    for ins in own_instructions(ctx) {
        let Detail::Add { sources, .. } = &ins.detail else {
            continue;
        };
        // The first local source, with the value a variable gives it.
        let local = sources.iter().find_map(|s| {
            let written = unquote(&s.value);
            if has_variable(written) {
                // Judge the value the variable has; unknown values are not reported.
                match df.scope_at(ins.index).expand(written, df.escape) {
                    Ok(e) if e.unresolved.is_empty() && is_local(&e.value) => {
                        Some((s, format!("`{written}` (`{}`)", e.value)))
                    }
                    _ => None,
                }
            } else {
                is_local(written).then(|| (s, format!("`{written}`")))
            }
        });
        let Some((local, shown)) = local else {
            continue;
        };
        let (message, label) = if local.value.starts_with("<<") {
            (
                format!(
                    "`ADD {}` writes an inline file; `COPY` does the same",
                    local.value
                ),
                "an inline file",
            )
        } else {
            (
                format!(
                    "`ADD` copies local {shown}; `COPY` does the same without unpacking or fetching"
                ),
                "a local file or directory",
            )
        };
        out.push(ctx.finding(local.span, message).with_label(label));
    }
}

/// Whether `ADD` only copies this source (no URL, Git repository or tar archive).
fn is_local(source: &str) -> bool {
    let remote = ["http://", "https://", "git@", "git://", "ssh://"]
        .iter()
        .any(|p| source.starts_with(p));
    let archive = ARCHIVE_SUFFIXES.iter().any(|s| source.ends_with(s));
    !remote && !archive
}
