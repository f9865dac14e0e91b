use bulwark_core::{Finding, Span};
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};
use crate::secrets::{find_credential, is_path, is_placeholder, names_credential, words};

declare_rule! {
    /// ## What it does
    /// Reports `ENV` values and `ARG` defaults (ONBUILD ones too) that are credentials
    /// written into the Dockerfile:
    /// - a value in a known credential format, whatever the variable's name: private keys,
    ///   AWS access key IDs, GitHub, GitLab, Slack, Stripe, npm, Hugging Face and OpenAI
    ///   tokens, JSON Web Tokens, passwords in URLs;
    /// - a literal value of a variable whose name says it is a credential (`DB_PASSWORD`,
    ///   `API_TOKEN`, `SECRET_KEY`, `ADMIN_PASS`…);
    /// - a long random-looking value (high entropy, not hexadecimal) of a variable whose name
    ///   contains `KEY` (`STRIPE_KEY`, `MAPS_KEY`).
    ///
    /// Not reported: references to other variables (`$DB_PASSWORD`), placeholders
    /// (`changeme`, `<token>`, `xxxx`), switches (`true`, `0`), file paths
    /// (`/run/secrets/db`), checksums and key fingerprints (`GPG_KEY`, `*_SHA256`).
    ///
    /// ## Why is this bad?
    /// The value is in the repository, in every build log, and in the image: `ENV` values in
    /// its configuration (`docker inspect`), `ARG` defaults in its history. Anyone who can
    /// pull the image or read the repository has the credential, and rotating it means
    /// rebuilding every image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV DATABASE_URL=postgres://app:Zq8vR2mK7w@db:5432/app
    /// ARG ADMIN_PASSWORD=admin123
    /// ```
    ///
    /// ## Fix
    /// Revoke the credential. Give it to the container at run time (orchestrator secrets
    /// mounted as files), or to a build step as a build secret:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=admin_password,env=ADMIN_PASSWORD ./configure.sh
    /// ```
    ///
    /// ## Options
    /// - `extra_words`: more words that make a variable a credential, such as `DSN` for
    ///   `SENTRY_DSN` (matched against the words of the name, any case).
    /// - `ignore_names`: variable names never reported (any case).
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     credential-in-arg-env:
    ///       extra_words: [DSN]
    ///       ignore_names: [GRAFANA_ANONYMOUS_TOKEN]
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    /// - CIS Docker Benchmark 4.10: ensure secrets are not stored in Dockerfiles
    /// - CWE-798: use of hard-coded credentials
    pub(crate) static META = {
        code: "DKF125",
        name: "credential-in-arg-env",
        family: Dockerfile,
        severity: High,
        summary: "credential written as an `ENV` value or `ARG` default",
        help: "revoke the credential; pass it at run time as a mounted secret, or at build time with `RUN --mount=type=secret`",
        aliases: [],
        compliance: ["CIS-DOCKER-4.10", "NIST-800-190-4.1.4"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Words of a name that say the value is a checksum, fingerprint or other public datum.
const NOT_A_SECRET_WORDS: [&str; 14] = [
    "GPG",
    "PGP",
    "SHA",
    "SHA1",
    "SHA256",
    "SHA512",
    "SHASUM",
    "CHECKSUM",
    "HASH",
    "DIGEST",
    "FINGERPRINT",
    "PUBLIC",
    "PUB",
    "SUM",
];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let upper =
        |v: Vec<String>| -> Vec<String> { v.into_iter().map(|s| s.to_ascii_uppercase()).collect() };
    let extra_words = upper(ctx.options.strings("extra_words").unwrap_or_default());
    let ignore_names = upper(ctx.options.strings("ignore_names").unwrap_or_default());
    for ins in ctx.instructions() {
        let (keyword, vars): (&str, Vec<(&str, &str, Span)>) = match &ins.detail {
            Detail::Env(pairs) => (
                "ENV",
                pairs
                    .iter()
                    .map(|kv| {
                        (
                            kv.key.value.as_str(),
                            kv.value.value.as_str(),
                            kv.value.span,
                        )
                    })
                    .collect(),
            ),
            Detail::Arg(decls) => (
                "ARG",
                decls
                    .iter()
                    .filter_map(|d| {
                        d.default
                            .as_ref()
                            .map(|v| (d.name.value.as_str(), v.value.as_str(), v.span))
                    })
                    .collect(),
            ),
            _ => continue,
        };
        for (name, raw, span) in vars {
            if ignore_names.contains(&name.to_ascii_uppercase()) || has_reference(raw) {
                continue;
            }
            let value = unquote(raw);
            let what = if let Some((what, _)) = find_credential(&value) {
                what.to_owned()
            } else if is_placeholder(&value) || is_path(&value) {
                continue;
            } else if names_credential(name, &extra_words) {
                "a literal credential".to_owned()
            } else if names_key(name) && is_high_entropy(&value) {
                "a random-looking key".to_owned()
            } else {
                continue;
            };
            let message = match keyword {
                "ENV" => {
                    format!("`ENV` sets `{name}` to {what}, stored in the image configuration")
                }
                _ => format!("`ARG` `{name}` defaults to {what}, recorded in the image history"),
            };
            out.push(
                ctx.finding(span, message)
                    .with_label("credential in the Dockerfile"),
            );
        }
    }
}

/// Whether a value as written refers to a variable (`$X`, `${X}`) outside single quotes.
fn has_reference(raw: &str) -> bool {
    let mut in_single = false;
    let mut escaped = false;
    for c in raw.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !in_single => escaped = true,
            '\'' => in_single = !in_single,
            '$' if !in_single => return true,
            _ => {}
        }
    }
    false
}

/// A value as written without its quotes and escapes.
fn unquote(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in raw.chars() {
        if escaped {
            out.push(c);
            escaped = false;
            continue;
        }
        match (c, quote) {
            ('\\', Some('"') | None) => escaped = true,
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            _ => out.push(c),
        }
    }
    out
}

/// Whether a name contains the word `KEY` and no word saying the value is public.
fn names_key(name: &str) -> bool {
    let w = words(name);
    w.iter().any(|x| x == "KEY" || x == "APIKEY")
        && !w.iter().any(|x| NOT_A_SECRET_WORDS.contains(&x.as_str()))
}

/// A long token that looks random: at least 20 characters of letters, digits and
/// `+/=_-`, with upper- and lower-case letters and digits, not hexadecimal, and a Shannon
/// entropy of at least 4 bits per character.
pub(crate) fn is_high_entropy(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 20
        || !v
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-'))
        || v.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-')
    {
        return false;
    }
    let classes = [
        v.bytes().any(|c| c.is_ascii_uppercase()),
        v.bytes().any(|c| c.is_ascii_lowercase()),
        v.bytes().any(|c| c.is_ascii_digit()),
    ];
    if !classes.iter().all(|&c| c) {
        return false;
    }
    let mut counts = [0usize; 256];
    for b in v.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = v.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    entropy >= 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_quotes_and_entropy() {
        assert!(has_reference("\"$ADMIN_PASSWORD\""));
        assert!(has_reference("${TOKEN:-x}"));
        assert!(!has_reference("'$literal'"));
        assert!(!has_reference("a\\$b"));
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote("'x\\y'"), "x\\y");
        assert!(is_high_entropy("q7Rk2LmZ9vXw4PbT1nYc8HdJ"));
        assert!(!is_high_entropy("A035C8C19219BA821ECEA86B64E628F8D684696D"));
        assert!(!is_high_entropy("/usr/local/lib/python3.12/site-packages"));
        assert!(!is_high_entropy("short1A"));
        assert!(names_key("STRIPE_KEY"));
        assert!(names_key("mapsApiKey") || names_key("MAPS_APIKEY"));
        assert!(!names_key("GPG_KEY"));
        assert!(!names_key("KEYRING_PATH"));
    }
}
