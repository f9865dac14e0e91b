use bulwark_core::{Finding, Span};
use bulwark_dockerfile::shell::{Command, Word};
use bulwark_dockerfile::{Detail, Scope, VarKind};

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};
use crate::secrets::{find_credential, is_placeholder};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions (ONBUILD ones too) that hand a credential to a command on
    /// its command line, where the credential is written in the Dockerfile or comes from a
    /// build argument or `ENV`:
    /// - logins: `docker|podman|buildah|skopeo login -p/--password`, `az login
    ///   -p/--password/--federated-token`, `doctl auth init -t/--access-token`,
    ///   `gcloud auth activate-service-account --key-file`;
    /// - configuration: `aws configure set aws_access_key_id|aws_secret_access_key|
    ///   aws_session_token`, `npm|pnpm|yarn config set` of `_authToken`, `_auth`,
    ///   `_password` or `npmAuthToken`;
    /// - downloads: `curl -u/--user user:password`, `curl -H 'Authorization: …'` (and
    ///   `PRIVATE-TOKEN`, `X-API-Key` headers), `wget --password/--http-password/--header`;
    /// - any word in a known credential format (a password in a URL such as
    ///   `https://user:token@host/repo.git`, GitHub, GitLab, AWS, Slack, npm tokens…).
    ///
    /// A `RUN` with a `--mount=type=secret` is the right way and is not reported, nor are
    /// values read from files (`$(cat /run/secrets/token)`) or from variables the script
    /// sets itself.
    ///
    /// ## Why is this bad?
    /// The command line of every `RUN` is stored in the image history (`docker history
    /// --no-trunc`), with build arguments and `ENV` values next to it, and printed in build
    /// logs. Anyone who can pull the image, or read the CI logs, can read the credential.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG REGISTRY_PASSWORD
    /// RUN docker login -u ci -p "$REGISTRY_PASSWORD" registry.example.com
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=registry_password \
    ///     docker login -u ci --password-stdin registry.example.com < /run/secrets/registry_password
    /// ```
    /// and build with `docker build --secret id=registry_password,env=REGISTRY_PASSWORD .`.
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    /// - CIS Docker Benchmark 4.10: ensure secrets are not stored in Dockerfiles
    pub(crate) static META = {
        code: "DKF128",
        name: "credential-in-run",
        family: Dockerfile,
        severity: High,
        summary: "`RUN` passes a credential on a command line",
        help: "mount the credential with `RUN --mount=type=secret,id=<id>` and read it from `/run/secrets/<id>` (or `env=<NAME>`), instead of writing it or passing it as a build argument",
        aliases: [],
        compliance: ["CIS-DOCKER-4.10", "NIST-800-190-4.1.4"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// A command argument that carries a credential: the word, its value (after `=` for
/// `--flag=value`), and what it is.
struct CredentialArg<'a> {
    word: &'a Word,
    value: String,
    what: String,
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    for ins in ctx.instructions() {
        let Detail::Run { mounts, .. } = &ins.detail else {
            continue;
        };
        if mounts.iter().any(|m| m.kind.eq_ignore_ascii_case("secret")) {
            continue;
        }
        let Some(script) = ctx.script(ins) else {
            continue;
        };
        let scope = df.scope_at(ins.index);
        let mut reported: Vec<Span> = Vec::new();
        for cmd in script.commands() {
            for arg in credential_args(cmd) {
                let Some(source) = credential_source(&arg.value, &arg.word.raw, &scope) else {
                    continue;
                };
                reported.push(arg.word.span);
                let message = if arg.what.starts_with("`gcloud") {
                    format!(
                        "{} reads `{}`, a service-account key stored in the image",
                        arg.what, arg.value
                    )
                } else {
                    format!("{} gets {source}", arg.what)
                };
                out.push(
                    ctx.finding(arg.word.span, message)
                        .with_label("credential on the command line"),
                );
            }
            for w in cmd.words.iter().chain(&cmd.assignments) {
                if reported.contains(&w.span) {
                    continue;
                }
                if let Some((what, _)) = find_credential(&w.value) {
                    reported.push(w.span);
                    out.push(
                        ctx.finding(w.span, format!("`RUN` writes {what} into the command line"))
                            .with_label("credential on the command line"),
                    );
                }
            }
        }
    }
}

/// Where a credential argument's value comes from, in the words of a message; `None` when
/// it does not leak (a placeholder, a secret file, a variable the script sets itself).
fn credential_source(value: &str, raw: &str, scope: &Scope) -> Option<String> {
    if raw.contains("/run/secrets") || raw.contains("$(cat ") || raw.contains("`cat ") {
        return None;
    }
    let vars = referenced_variables(raw);
    if vars.is_empty() {
        return (!is_placeholder(value))
            .then(|| "a credential written in the Dockerfile".to_owned());
    }
    vars.iter().find_map(|v| match scope.kind(v) {
        Some(VarKind::Arg) => Some(format!(
            "build argument `{v}`, which the image history records"
        )),
        Some(VarKind::Env) => Some(format!(
            "`{v}`, an `ENV` value stored in the image configuration"
        )),
        None => None,
    })
}

/// The variables a word refers to (`$NAME`, `${NAME…}`) outside single quotes.
fn referenced_variables(raw: &str) -> Vec<String> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_single = false;
    while i < chars.len() {
        match chars[i] {
            '\\' if !in_single => i += 1,
            '\'' => in_single = !in_single,
            '$' if !in_single => {
                let braced = chars.get(i + 1) == Some(&'{');
                let start = if braced { i + 2 } else { i + 1 };
                let mut j = start;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j > start {
                    out.push(chars[start..j].iter().collect());
                }
                i = j.max(i + 1) - 1;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The value of an option: `-p value`, `-pvalue`, `--password value`, `--password=value`.
fn option_values<'a>(cmd: &'a Command, short: &[&str], long: &[&str]) -> Vec<(&'a Word, String)> {
    let args = cmd.args();
    let mut out = Vec::new();
    for (i, w) in args.iter().enumerate() {
        let v = w.value.as_str();
        for l in long {
            if v == *l {
                if let Some(next) = args.get(i + 1) {
                    out.push((next, next.value.clone()));
                }
            } else if let Some(rest) = v.strip_prefix(l).and_then(|r| r.strip_prefix('=')) {
                out.push((w, rest.to_owned()));
            }
        }
        for s in short {
            if v == *s {
                if let Some(next) = args.get(i + 1) {
                    out.push((next, next.value.clone()));
                }
            } else if let Some(rest) = v.strip_prefix(s)
                && !v.starts_with("--")
                && !rest.is_empty()
            {
                out.push((w, rest.to_owned()));
            }
        }
    }
    out
}

/// The arguments of `cmd` that carry a credential, by what the command does with them.
fn credential_args(cmd: &Command) -> Vec<CredentialArg<'_>> {
    let Some(name) = cmd.base_name() else {
        return Vec::new();
    };
    let positional: Vec<&str> = cmd.positional_args().map(|w| w.value.as_str()).collect();
    let sub = |n: usize| positional.get(n).copied().unwrap_or_default();
    let mut out: Vec<(&Word, String, String)> = Vec::new();
    fn add<'a>(
        out: &mut Vec<(&'a Word, String, String)>,
        what: String,
        values: Vec<(&'a Word, String)>,
    ) {
        for (word, value) in values {
            out.push((word, value, what.clone()));
        }
    }
    match name {
        "docker" | "podman" | "buildah" | "skopeo" | "nerdctl" if positional.contains(&"login") => {
            add(
                &mut out,
                format!("`{name} login --password`"),
                option_values(cmd, &["-p"], &["--password"]),
            );
        }
        "az" if sub(0) == "login" => add(
            &mut out,
            "`az login`".to_owned(),
            option_values(cmd, &["-p"], &["--password", "--federated-token"]),
        ),
        "doctl" if sub(0) == "auth" && sub(1) == "init" => add(
            &mut out,
            "`doctl auth init`".to_owned(),
            option_values(cmd, &["-t"], &["--access-token"]),
        ),
        "gcloud" if sub(0) == "auth" && sub(1) == "activate-service-account" => add(
            &mut out,
            "`gcloud auth activate-service-account --key-file`".to_owned(),
            option_values(cmd, &[], &["--key-file"]),
        ),
        "aws" if sub(0) == "configure" && sub(1) == "set" => {
            let args = cmd.args_after_subcommand("set").unwrap_or(&[]);
            let key = args.iter().find(|w| !w.value.starts_with('-'));
            let is_secret = key.is_some_and(|k| {
                let k = k.value.rsplit('.').next().unwrap_or_default();
                matches!(
                    k,
                    "aws_access_key_id" | "aws_secret_access_key" | "aws_session_token"
                )
            });
            if let (true, Some(k)) = (is_secret, key)
                && let Some(v) = args.iter().skip_while(|w| w.span != k.span).nth(1)
            {
                add(
                    &mut out,
                    format!("`aws configure set {}`", k.value),
                    vec![(v, v.value.clone())],
                );
            }
        }
        "npm" | "pnpm" | "yarn" if sub(0) == "config" && sub(1) == "set" => {
            let args = cmd.args_after_subcommand("set").unwrap_or(&[]);
            let mut it = args.iter().filter(|w| !w.value.starts_with('-'));
            if let Some(k) = it.next() {
                let (key, inline) = match k.value.split_once('=') {
                    Some((key, v)) => (key, Some(v.to_owned())),
                    None => (k.value.as_str(), None),
                };
                let secret_key = [
                    "_authToken",
                    "_auth",
                    "_password",
                    "npmAuthToken",
                    "npmAuthIdent",
                ]
                .iter()
                .any(|s| key.ends_with(s));
                if secret_key {
                    let what = format!("`{name} config set {key}`");
                    match inline {
                        Some(v) => add(&mut out, what, vec![(k, v)]),
                        None => {
                            if let Some(v) = it.next() {
                                add(&mut out, what, vec![(v, v.value.clone())]);
                            }
                        }
                    }
                }
            }
        }
        "curl" => {
            let users = option_values(cmd, &["-u"], &["--user", "--proxy-user"])
                .into_iter()
                .filter(|(_, v)| v.split_once(':').is_some_and(|(_, p)| !p.is_empty()))
                .map(|(w, v)| {
                    let password = v.split_once(':').map_or(v.clone(), |(_, p)| p.to_owned());
                    (w, password)
                })
                .collect();
            add(&mut out, "`curl --user`".to_owned(), users);
            add(
                &mut out,
                "`curl` header".to_owned(),
                auth_headers(option_values(cmd, &["-H"], &["--header"])),
            );
        }
        "wget" => {
            add(
                &mut out,
                "`wget` password".to_owned(),
                option_values(
                    cmd,
                    &[],
                    &[
                        "--password",
                        "--http-password",
                        "--ftp-password",
                        "--proxy-password",
                    ],
                ),
            );
            add(
                &mut out,
                "`wget` header".to_owned(),
                auth_headers(option_values(cmd, &[], &["--header"])),
            );
        }
        _ => {}
    }
    out.into_iter()
        .map(|(word, value, what)| CredentialArg { word, value, what })
        .collect()
}

/// The headers among `values` that carry a credential (`Authorization: …`,
/// `PRIVATE-TOKEN: …`, `X-API-Key: …`), with the credential part.
fn auth_headers(values: Vec<(&Word, String)>) -> Vec<(&Word, String)> {
    values
        .into_iter()
        .filter_map(|(w, v)| {
            let (name, rest) = v.split_once(':')?;
            let name = name.trim().to_ascii_lowercase();
            let credential = matches!(
                name.as_str(),
                "authorization"
                    | "proxy-authorization"
                    | "private-token"
                    | "job-token"
                    | "x-api-key"
                    | "api-key"
                    | "x-auth-token"
                    | "x-jfrog-art-api"
            );
            let rest = rest.trim();
            // `Authorization: Bearer <token>`: the credential is the last word.
            let token = rest.rsplit(' ').next().unwrap_or(rest).to_owned();
            (credential && !token.is_empty()).then_some((w, token))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_referenced_by_a_word() {
        assert_eq!(
            referenced_variables("\"$REGISTRY_PASSWORD\""),
            ["REGISTRY_PASSWORD"]
        );
        assert_eq!(referenced_variables("${A:-x}:$B"), ["A", "B"]);
        assert!(referenced_variables("'$NOT'").is_empty());
        assert!(referenced_variables("plain").is_empty());
    }
}
