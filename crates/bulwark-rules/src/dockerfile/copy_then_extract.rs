use bulwark_core::{Finding, Location, Span};
use bulwark_dockerfile::{Detail, InstructionKind};

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{RunCommand, read_run, simplified};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a local archive that `COPY` puts into the image and a later `RUN` of the same
    /// stage unpacks (`tar -x`, `gunzip`, `unxz`, `bunzip2`, `zcat`…).
    ///
    /// ## Why is this bad?
    /// The copied archive stays in the layer `COPY` created, even when the `RUN` deletes
    /// it afterwards, so the image carries the packed and the unpacked files. `ADD`
    /// unpacks a local tar archive (plain, gzip, bzip2 or xz) as it adds it, in one
    /// layer, without a `tar` in the image.
    ///
    /// An archive is recognised by its file name (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`,
    /// `.bz2`, `.xz`, `.Z`, `.lz`…), in the sources or the destination of `COPY`, and
    /// the `RUN` must name the same file (by base name). `COPY --from` is not considered.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY dist/app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM debian:12
    /// ADD dist/app.tar.gz /opt/
    /// ```
    /// Alternatively unpack in a build stage and `COPY --from` the result.
    ///
    /// ## References
    /// - [hadolint DL3010](https://github.com/hadolint/hadolint/wiki/DL3010)
    /// - [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
    pub(crate) static META = {
        code: "DKF073",
        name: "copy-then-extract",
        family: Dockerfile,
        severity: Low,
        summary: "archive is copied and then extracted by RUN",
        help: "let `ADD` unpack the local archive, or unpack it in a build stage and `COPY --from` the result",
        aliases: ["DL3010"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// File name endings of the archives hadolint recognises.
const ARCHIVE_ENDINGS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Commands that unpack or decompress their operands.
const UNPACKERS: &[&str] = &[
    "unzip",
    "gunzip",
    "bunzip2",
    "unlzma",
    "unxz",
    "zgz",
    "uncompress",
    "zcat",
    "gzcat",
];

/// An archive a COPY put into the stage.
struct Copied {
    name: String,
    span: Span,
    /// Where a RUN extracts it.
    extracted_at: Option<Span>,
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let mut copied: Vec<Copied> = Vec::new();
    let df = ctx.dockerfile;
    for ins in &df.instructions {
        match (&ins.detail, ins.kind) {
            (Detail::From { .. }, _) => report(ctx, &mut copied, out),
            (
                Detail::Copy {
                    sources,
                    dest: Some(dest),
                    from: None,
                    ..
                },
                _,
            ) => {
                if is_archive(&dest.value) {
                    copied.push(Copied {
                        name: base_name(&dest.value).to_owned(),
                        span: dest.span,
                        extracted_at: None,
                    });
                } else {
                    for s in sources.iter().filter(|s| is_archive(&s.value)) {
                        copied.push(Copied {
                            name: base_name(&s.value).to_owned(),
                            span: s.span,
                            extracted_at: None,
                        });
                    }
                }
            }
            (_, InstructionKind::Run) if !copied.is_empty() => {
                let script = read_run(ctx, ins);
                for cmd in script.commands() {
                    if !extracts(&cmd) {
                        continue;
                    }
                    let operands: Vec<String> = cmd
                        .operands()
                        .map(|w| base_name(&simplified(w)).to_owned())
                        .collect();
                    for c in copied.iter_mut() {
                        if c.extracted_at.is_none() && operands.contains(&c.name) {
                            c.extracted_at = Some(cmd.command.span);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    report(ctx, &mut copied, out);
}

fn report(ctx: &DockerfileCtx<'_>, copied: &mut Vec<Copied>, out: &mut Vec<Finding>) {
    for c in copied.drain(..) {
        let Some(at) = c.extracted_at else {
            continue;
        };
        out.push(
            ctx.finding(
                c.span,
                format!(
                    "`{}` is copied into the image and then extracted by a `RUN`",
                    c.name
                ),
            )
            .with_label("the archive stays in this layer")
            .with_secondary(Location::new(ctx.file.path(), at), "extracted here"),
        );
    }
}

/// Whether a command unpacks its operands: `tar` with `-x`/`--extract`/`--get` (or the
/// old `tar xf` form), or a decompressor.
fn extracts(cmd: &RunCommand<'_>) -> bool {
    if cmd.is_any(UNPACKERS) {
        return true;
    }
    if !cmd.is("tar") {
        return false;
    }
    cmd.args.iter().enumerate().any(|(i, w)| {
        let v = simplified(w);
        match v.strip_prefix('-') {
            Some(long) if long.starts_with('-') => v == "--extract" || v == "--get",
            Some(short) => short.contains('x'),
            None => i == 0 && v.contains('x') && v.chars().all(|c| c.is_ascii_alphabetic()),
        }
    })
}

fn drop_quotes(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// The file name of a path (Windows separators too), quotes removed.
fn base_name(path: &str) -> &str {
    let p = drop_quotes(path);
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

fn is_archive(path: &str) -> bool {
    let p = drop_quotes(path);
    ARCHIVE_ENDINGS.iter().any(|e| p.ends_with(e))
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::run_shell::finding_lines;

    #[test]
    fn archives_are_followed_within_their_stage() {
        let lines = |text: &str| finding_lines("DKF073", text);
        assert_eq!(
            lines("FROM a\nCOPY x/app.tar /src/\nWORKDIR /src\nRUN tar -xf app.tar\n"),
            [2]
        );
        assert_eq!(
            lines("FROM a\nCOPY app.tgz /opt/\nRUN tar xzf /opt/app.tgz\n"),
            [2]
        );
        assert_eq!(
            lines("FROM a\nCOPY b\\\\c.tar.gz \"C:\\\\d\"\nRUN tar -xf \"C:\\\\d\\\\c.tar.gz\"\n"),
            [2]
        );
        assert!(lines("FROM a\nCOPY app.tar /opt/\nFROM b\nRUN tar -xf /opt/app.tar\n").is_empty());
        assert!(
            lines("FROM a\nCOPY --from=b /app.tar /opt/\nRUN tar -xf /opt/app.tar\n").is_empty()
        );
        assert!(lines("FROM a\nCOPY app.tar /opt/\nRUN tar -cf /opt/app.tar /src\n").is_empty());
        assert!(lines("FROM a\nCOPY app.zip /opt/\nRUN unzip /opt/app.zip\n").is_empty());
    }
}
