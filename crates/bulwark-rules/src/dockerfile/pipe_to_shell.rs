use bulwark_core::Finding;
use bulwark_dockerfile::shell::{Command, Word};

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions (ONBUILD ones too) that run a downloaded script without
    /// looking at it: `curl … | sh`, `wget -O- … | bash`, `curl … | sudo bash`,
    /// `curl … | python3`, and `sh -c "$(curl …)"` or `bash <(curl …)`. The shells and
    /// interpreters recognised are `sh`, `bash`, `dash`, `ash`, `zsh`, `ksh`, `python`,
    /// `python3`, `perl`, `ruby`, `node` and `php`. `wget` counts only when it writes to
    /// standard output (`-O -`, `-qO-`).
    ///
    /// ## Why is this bad?
    /// The build executes whatever the server sends at that moment, as root, with no
    /// checksum or signature: a compromised server, a hijacked domain or a man in the middle
    /// runs its own code in the image. A download cut short can even run half a script.
    /// Nothing in the Dockerfile shows what was run, so the build cannot be reviewed or
    /// reproduced.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Fix
    /// Download the script, verify it against a checksum you reviewed, then run it:
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/v1.4.2/install.sh \
    ///  && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    /// or install the tool from a package manager or a pinned release archive.
    ///
    /// ## References
    /// - NIST SP 800-190 4.1.3: embedded malware
    pub(crate) static META = {
        code: "DKF130",
        name: "pipe-to-shell",
        family: Dockerfile,
        severity: Medium,
        summary: "downloaded script piped into a shell",
        help: "download to a file, verify its checksum or signature (`sha256sum -c`), then run it",
        aliases: [],
        compliance: ["NIST-800-190-4.1.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

const INTERPRETERS: [&str; 12] = [
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node", "php",
];

/// The interpreter a command runs (its word and name as written), looking through `sudo`,
/// `env` and `exec` and their options.
fn interpreter(cmd: &Command) -> Option<(&Word, &str)> {
    for w in &cmd.words {
        let base = w.value.rsplit('/').next().unwrap_or(&w.value);
        if matches!(base, "sudo" | "env" | "exec" | "command" | "nohup")
            || w.value.starts_with('-')
            || w.value.contains('=')
        {
            continue;
        }
        let family = base.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        return INTERPRETERS.contains(&family).then_some((w, base));
    }
    None
}

/// Whether a download command writes what it fetches to standard output.
fn downloads_to_stdout(cmd: &Command) -> bool {
    if cmd.is("curl") {
        return !cmd.has_any_flag(&["-o", "--output", "-O", "--remote-name"]);
    }
    if cmd.is("wget") {
        let args = cmd.args();
        return args.iter().enumerate().any(|(i, w)| {
            let v = w.value.as_str();
            v == "--output-document=-"
                || v == "-O-"
                || (v.starts_with('-') && !v.starts_with("--") && v.ends_with("O-"))
                || ((v == "-O"
                    || v == "--output-document"
                    || (v.starts_with('-') && !v.starts_with("--") && v.ends_with('O')))
                    && args.get(i + 1).is_some_and(|n| n.value == "-"))
        });
    }
    false
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in ctx.instructions() {
        // An ONBUILD and its RUN trigger share one script: read it once, from the trigger.
        if ins.kind == bulwark_dockerfile::InstructionKind::Onbuild {
            continue;
        }
        let Some(script) = ctx.script(ins) else {
            continue;
        };
        for cmd in script.commands() {
            let Some(tool) = cmd.base_name().filter(|n| matches!(*n, "curl" | "wget")) else {
                continue;
            };
            // `curl … | sh`
            if let Some(target) = script.piped_to(cmd)
                && let Some((word, shell)) = interpreter(target)
                && downloads_to_stdout(cmd)
            {
                let span = if word.span.start_line == cmd.span.start_line {
                    cmd.span.to(word.span)
                } else {
                    word.span
                };
                out.push(
                    ctx.finding(span, format!("`{tool}` output is piped into `{shell}`, which runs whatever the server returns"))
                        .with_label("download piped into a shell"),
                );
                continue;
            }
            // `sh -c "$(curl …)"`, `bash <(curl …)`: the download is in a substitution that
            // a shell command receives as its script.
            if cmd.in_substitution
                && let Some(outer) = script.commands().find(|c| {
                    !c.in_substitution
                        && c.span.start <= cmd.span.start
                        && cmd.span.end <= c.span.end
                        && interpreter(c).is_some()
                })
                && let Some((_, shell)) = interpreter(outer)
            {
                out.push(
                    ctx.finding(
                        cmd.span,
                        format!(
                            "`{shell}` runs the output of `{tool}`, whatever the server returns"
                        ),
                    )
                    .with_label("downloaded script run by a shell"),
                );
            }
        }
    }
}
