use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports hadolint's inline ignore pragmas, `# hadolint ignore=DL3008,DL3015`, which
    /// bulwark honours like hadolint does (for the next instruction). The file-wide
    /// `# hadolint global ignore=…` is not reported. Off by default, as in hadolint; enable it
    /// to require reasons for every suppression.
    ///
    /// ## Why is this bad?
    /// The pragma silences findings without saying why, so reviewers cannot tell an accepted
    /// risk from a silenced alarm, and it outlives the reason it was added for. A
    /// `# bulwark:ignore DKF…` comment carries a reason and may carry an expiry date.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hadolint ignore=DL3008
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Fix the finding, or suppress it with a reason:
    /// ```dockerfile
    /// # bulwark:ignore DL3008 the distribution's current curl is what we want until=2026-12-31
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - [hadolint: inline ignores](https://github.com/hadolint/hadolint#inline-ignores)
    /// - [hadolint DL1001](https://github.com/hadolint/hadolint/wiki/DL1001)
    pub(crate) static META = {
        code: "DKF025",
        name: "hadolint-ignore-pragma",
        family: Dockerfile,
        severity: Info,
        summary: "hadolint inline ignore pragma",
        help: "fix the finding, or suppress it with `# bulwark:ignore <rule> <reason>`",
        aliases: ["DL1001"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: false,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let text = ctx.file.text();
    let instructions = &ctx.dockerfile.instructions;
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line_no = i as u32 + 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let Some(comment) = trimmed.strip_prefix('#') else {
            continue;
        };
        if !is_ignore_pragma(comment)
            || instructions
                .iter()
                .any(|x| x.start_line <= line_no && line_no <= x.end_line)
        {
            continue;
        }
        let from = start + (line.len() - trimmed.len());
        out.push(
            ctx.finding(
                ctx.file.span(from, start + line.trim_end().len()),
                "hadolint ignore pragma silences findings without a reason",
            )
            .with_label("inline ignore"),
        );
    }
}

/// `hadolint ignore=DL3008, DL3015` (the text after `#`), as hadolint reads it.
fn is_ignore_pragma(comment: &str) -> bool {
    let Some(rest) = comment.trim_start().strip_prefix("hadolint") else {
        return false;
    };
    if !rest.starts_with([' ', '\t']) {
        return false;
    }
    let Some(rest) = rest.trim_start().strip_prefix("ignore") else {
        return false;
    };
    let Some(list) = rest.trim_start().strip_prefix('=') else {
        return false;
    };
    let mut codes = list.split(',').map(str::trim);
    codes.clone().next().is_some_and(|c| !c.is_empty())
        && codes.all(|c| !c.is_empty() && c.bytes().all(|b| b"DLSC0123456789".contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::is_ignore_pragma;

    #[test]
    fn reads_ignore_pragmas_as_hadolint_does() {
        assert!(is_ignore_pragma(" hadolint ignore=DL3008"));
        assert!(is_ignore_pragma(" hadolint ignore = DL3023 , DL3021"));
        assert!(!is_ignore_pragma(" hadolint global ignore=DL3008"));
        assert!(!is_ignore_pragma(" hadolint shell=powershell"));
        assert!(!is_ignore_pragma(" hadolint ignore="));
        assert!(!is_ignore_pragma(" foobar"));
    }
}
