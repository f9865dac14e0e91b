use bulwark_core::Finding;

use super::{clean_context_path, dockerignore_for, local_sources};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY` and `ADD` instructions that copy the whole build context (`COPY . .`,
    /// `COPY ./ /app/`, `COPY * ./`) when nothing keeps credentials out of it: there is no
    /// `.dockerignore` beside the Dockerfile (`<Dockerfile>.dockerignore` or
    /// `.dockerignore` in its folder), or the one there does not exclude every path of the
    /// `sensitive_paths` option (by default `.git` and `.env`).
    ///
    /// The rule reads the `.dockerignore` of the Dockerfile's folder, which is the build
    /// context's root in the common case (`docker build .` next to the Dockerfile); a build
    /// whose context is elsewhere has its `.dockerignore` at that context's root.
    ///
    /// ## Why is this bad?
    /// The build context is the whole folder: the `.git` directory (every committed
    /// secret, ever), local `.env` files, keys and credentials a developer keeps next to the
    /// code. `COPY . .` puts all of it into an image layer, where anyone who can pull the
    /// image can read it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    /// with no `.dockerignore`.
    ///
    /// ## Fix
    /// Add a `.dockerignore` next to the Dockerfile:
    /// ```text
    /// .git
    /// .env*
    /// **/*.pem
    /// **/*.key
    /// ```
    /// or copy only what the image needs (`COPY src/ ./src/`).
    ///
    /// ## Options
    /// - `sensitive_paths` (list of context paths, default `[".git", ".env"]`): paths the
    ///   `.dockerignore` must exclude for a whole-context copy to pass.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     context-copied-unfiltered:
    ///       sensitive_paths: [".git", ".env", ".aws", "secrets"]
    /// ```
    ///
    /// ## References
    /// - [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - CIS Docker Benchmark 4.10: ensure secrets are not stored in Dockerfiles
    pub(crate) static META = {
        code: "DKF127",
        name: "context-copied-unfiltered",
        family: Dockerfile,
        severity: Medium,
        summary: "whole build context copied without a `.dockerignore` that keeps secrets out",
        help: "add a `.dockerignore` excluding `.git`, `.env*` and key files, or copy only the paths the image needs",
        aliases: [],
        compliance: ["CIS-DOCKER-4.10", "NIST-800-190-4.1.4"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Whether a source names the whole build context.
fn is_whole_context(source: &str) -> bool {
    matches!(clean_context_path(source).as_str(), "" | "*")
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    let sensitive = ctx
        .options
        .strings("sensitive_paths")
        .unwrap_or_else(|| vec![".git".to_owned(), ".env".to_owned()]);
    let mut ignore = None;
    let mut ignore_read = false;
    for ins in ctx.instructions() {
        let Some((source, _)) = local_sources(df, ins)
            .into_iter()
            .find(|(_, v)| is_whole_context(v))
        else {
            continue;
        };
        if !ignore_read {
            ignore = dockerignore_for(ctx.file.path());
            ignore_read = true;
        }
        let keyword = ins.kind.as_str();
        let (message, label) = match &ignore {
            None => (
                format!(
                    "`{keyword} {}` copies the whole build context, and no `.dockerignore` beside the Dockerfile keeps `.git`, `.env` files or keys out of it",
                    source.value
                ),
                "whole build context, no `.dockerignore`".to_owned(),
            ),
            Some(i) => {
                let missing: Vec<String> = sensitive
                    .iter()
                    .filter(|p| !i.excludes(p))
                    .map(|p| format!("`{p}`"))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                (
                    format!(
                        "`{keyword} {}` copies the whole build context, and `{}` does not exclude {}",
                        source.value,
                        i.path,
                        missing.join(", ")
                    ),
                    format!("{} not excluded", missing.join(", ")),
                )
            }
        };
        out.push(ctx.finding(source.span, message).with_label(label));
    }
}

#[cfg(test)]
mod tests {
    use super::is_whole_context;

    #[test]
    fn whole_context_sources() {
        for s in [".", "./", "*", "./*", "/"] {
            assert!(is_whole_context(s), "{s}");
        }
        for s in ["src", "./app.py", "*.txt"] {
            assert!(!is_whole_context(s), "{s}");
        }
    }
}
