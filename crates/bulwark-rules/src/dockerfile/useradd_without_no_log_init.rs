use bulwark_core::Finding;
use bulwark_dockerfile::shell::Word;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{RunCommand, read_run, runs, simplified};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `useradd` commands in `RUN` instructions (and `ONBUILD RUN` triggers) that
    /// set a user ID of more than
    /// five digits, or one taken from a variable, without `-l` (`--no-log-init`).
    ///
    /// ## Why is this bad?
    /// `useradd` reserves room for the new user in the sparse files `/var/log/lastlog` and
    /// `/var/log/faillog`, at an offset that grows with the UID. On disk the files are
    /// sparse, but image layers do not keep holes: a UID such as `123456789` adds
    /// gigabytes of zeros to the image. A UID from a build argument may be that large.
    /// `-l` skips the log initialisation, which a container does not need.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 123456 app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -l -u 123456 app
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3046](https://github.com/hadolint/hadolint/wiki/DL3046)
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    pub(crate) static META = {
        code: "DKF084",
        name: "useradd-without-no-log-init",
        family: Dockerfile,
        severity: Medium,
        summary: "`useradd` with a high UID and without `-l`",
        help: "add `-l` (`--no-log-init`) to `useradd`",
        aliases: ["DL3046"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Short options of `useradd` that take a value.
const WITH_VALUE: &str = "bcdefgGkKpRPsuZ";

/// The `-l` flag (or `--no-log-init`) and the word holding the UID, read as `getopt` does.
fn options<'a>(cmd: &RunCommand<'a>) -> (bool, Option<&'a Word>) {
    let mut no_log_init = false;
    let mut uid = None;
    let mut i = 0;
    while let Some(w) = cmd.args.get(i) {
        i += 1;
        let v = w.value.as_str();
        if v == "--" {
            break;
        }
        if let Some(long) = v.strip_prefix("--") {
            let (name, value) = long
                .split_once('=')
                .map_or((long, None), |(n, v)| (n, Some(v)));
            match name {
                "no-log-init" => no_log_init = true,
                "uid" => {
                    uid = Some(w);
                    if value.is_none() {
                        uid = cmd.args.get(i);
                        i += 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        let Some(cluster) = v.strip_prefix('-').filter(|c| !c.is_empty()) else {
            continue;
        };
        for (k, c) in cluster.char_indices() {
            if c == 'l' {
                no_log_init = true;
            }
            if WITH_VALUE.contains(c) {
                let attached = k + 1 < cluster.len();
                if c == 'u' {
                    uid = if attached { Some(w) } else { cmd.args.get(i) };
                }
                if !attached {
                    i += 1;
                }
                break;
            }
        }
    }
    (no_log_init, uid)
}

/// The UID text of the word that holds it (`-u123`, `--uid=123` or a separate word).
fn uid_text(word: &Word) -> String {
    let v = simplified(word);
    if let Some(rest) = v.strip_prefix("--uid=") {
        return rest.to_owned();
    }
    match v.strip_prefix('-') {
        Some(cluster) => cluster
            .split_once('u')
            .map_or(String::new(), |(_, r)| r.to_owned()),
        None => v,
    }
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let found = commands.iter().filter(|c| c.is("useradd")).find_map(|c| {
            let (no_log_init, uid) = options(c);
            let uid = uid.filter(|_| !no_log_init)?;
            let text = uid_text(uid);
            (text.chars().count() > 5).then_some((uid, text))
        });
        let Some((uid, text)) = found else {
            continue;
        };
        let (message, label) = if uid.has_expansion {
            (
                format!(
                    "`useradd` takes its UID from `{}` and has no `-l`",
                    uid.value
                ),
                "a large UID would bloat `/var/log/lastlog`",
            )
        } else {
            (
                format!("`useradd` creates UID `{text}` without `-l`"),
                "this UID bloats `/var/log/lastlog` and `faillog`",
            )
        };
        out.push(ctx.finding(uid.span, message).with_label(label));
    }
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::run_shell::finding_lines;

    #[test]
    fn reads_the_uid_as_getopt_does() {
        let lines = |run: &str| finding_lines("DKF084", &format!("FROM a\nRUN {run}\n"));
        assert_eq!(lines("useradd -u 123456 a"), [2]);
        assert_eq!(lines("useradd -mu123456 a"), [2]);
        assert_eq!(lines("useradd --uid=1234567 a"), [2]);
        assert_eq!(lines("useradd --uid ${UID} a"), [2]);
        assert!(lines("useradd -lu 123456 a").is_empty());
        assert!(lines("useradd --no-log-init -u 123456 a").is_empty());
        // `-g` takes `u` as its value: no UID is given
        assert!(lines("useradd -gu 123456").is_empty());
        assert!(lines("useradd -u 99999 a").is_empty());
    }
}
