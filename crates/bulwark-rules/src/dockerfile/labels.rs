//! The label schema shared by the label rules (`DKF100`–`DKF109`): the `label_schema` and
//! `strict_labels` options, the pairs of a LABEL instruction, and the value validators with
//! the semantics hadolint gives them (URL as `Network.URI.parseURI`, RFC 3339 as
//! `timerep`, SPDX as Cabal's license identifiers, git hash, SemVer as the `semver`
//! package, e-mail as `email-validate`).

use bulwark_dockerfile::{Detail, Instruction, InstructionKind, KeyValue};

use crate::RuleOptions;
use crate::context::DockerfileCtx;

/// The type a label's value must have, as `.hadolint.yaml`'s `label-schema` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelType {
    Text,
    Url,
    Rfc3339,
    Spdx,
    Hash,
    Semver,
    Email,
}

impl LabelType {
    fn parse(s: &str) -> Option<LabelType> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "text" => LabelType::Text,
            "url" => LabelType::Url,
            "rfc3339" => LabelType::Rfc3339,
            "spdx" => LabelType::Spdx,
            "hash" => LabelType::Hash,
            "semver" => LabelType::Semver,
            "email" => LabelType::Email,
            _ => return None,
        })
    }
}

/// The `label_schema` option: label name → type, sorted by name. Entries with an unknown
/// type are kept as `text` (the label is still required).
pub(crate) fn label_schema(options: &RuleOptions) -> Vec<(String, LabelType)> {
    let mut out: Vec<(String, LabelType)> = options
        .0
        .get("label_schema")
        .and_then(serde_json::Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let t = v.as_str().and_then(LabelType::parse);
                    (k.clone(), t.unwrap_or(LabelType::Text))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// One `key=value` of a LABEL, with quotes and escapes removed.
pub(crate) struct LabelPair<'a> {
    /// The key, variables expanded when they all have a value.
    pub key: String,
    /// The value, variables expanded; `None` when it refers to a variable without a value
    /// (a build argument given on the command line), so it cannot be checked.
    pub value: Option<String>,
    pub kv: &'a KeyValue,
}

/// The LABEL instructions of the file, in order. Like hadolint, only LABELs of the file
/// itself: an `ONBUILD LABEL` labels the child image, not this one.
pub(crate) fn label_instructions<'a>(
    ctx: &DockerfileCtx<'a>,
) -> impl Iterator<Item = (&'a Instruction, &'a [KeyValue])> {
    ctx.dockerfile
        .instructions
        .iter()
        .filter(|i| i.kind == InstructionKind::Label)
        .filter_map(|i| match &i.detail {
            Detail::Label(pairs) => Some((i, pairs.as_slice())),
            _ => None,
        })
}

/// The pairs of a LABEL instruction.
pub(crate) fn label_pairs<'a>(
    ctx: &DockerfileCtx<'_>,
    ins: &Instruction,
    pairs: &'a [KeyValue],
) -> Vec<LabelPair<'a>> {
    let scope = ctx.dockerfile.scope_at(ins.index);
    let escape = ctx.dockerfile.escape;
    pairs
        .iter()
        .map(|kv| {
            let key = match scope.expand(&kv.key.value, escape) {
                Ok(e) if e.unresolved.is_empty() => e.value,
                _ => kv.key.value.replace(['"', '\''], ""),
            };
            let value = match scope.expand(&kv.value.value, escape) {
                Ok(e) if e.unresolved.is_empty() => Some(e.value),
                _ => None,
            };
            LabelPair { key, value, kv }
        })
        .collect()
}

/// Reports, for each LABEL and each schema label (of type `ty`, or of any type), the first
/// value of that label that `is_bad` refuses: hadolint reports a LABEL once per label name.
/// Values that refer to variables without a value cannot be checked and are skipped.
pub(crate) fn check_schema_values(
    ctx: &DockerfileCtx<'_>,
    out: &mut Vec<bulwark_core::Finding>,
    ty: Option<LabelType>,
    is_bad: fn(&str) -> bool,
    message: fn(&str, &str) -> String,
    label: &str,
) {
    let names: Vec<String> = label_schema(ctx.options)
        .into_iter()
        .filter(|(_, t)| ty.is_none_or(|ty| ty == *t))
        .map(|(k, _)| k)
        .collect();
    if names.is_empty() {
        return;
    }
    for (ins, pairs) in label_instructions(ctx) {
        let pairs = label_pairs(ctx, ins, pairs);
        for name in &names {
            let bad = pairs
                .iter()
                .find(|p| p.key == *name && p.value.as_deref().is_some_and(is_bad));
            if let Some(p) = bad {
                let value = p.value.as_deref().unwrap_or_default();
                out.push(
                    ctx.finding(p.kv.value.span, message(name, value))
                        .with_label(label.to_owned()),
                );
            }
        }
    }
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Whether every character of `s` is allowed by `ok` or part of a `%XX` escape.
fn chars_ok(s: &[u8], ok: impl Fn(u8) -> bool) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let hex = |j: usize| s.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if ok(s[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_pchar(c: u8) -> bool {
    is_unreserved(c) || is_sub_delim(c) || c == b':' || c == b'@'
}

/// An absolute URI as RFC 3986 defines it (`scheme:hier-part[?query][#fragment]`), the
/// grammar of Haskell's `Network.URI.parseURI`.
pub(crate) fn is_uri(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(colon) = b.iter().position(|&c| c == b':') else {
        return false;
    };
    let scheme = &b[..colon];
    if scheme.is_empty()
        || !scheme[0].is_ascii_alphabetic()
        || !scheme
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    {
        return false;
    }
    let rest = &b[colon + 1..];
    let (rest, fragment) = match rest.iter().position(|&c| c == b'#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (hier, query) = match rest.iter().position(|&c| c == b'?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let qf_ok = |p: &[u8]| chars_ok(p, |c| is_pchar(c) || c == b'/' || c == b'?');
    if !query.is_none_or(qf_ok) || !fragment.is_none_or(qf_ok) {
        return false;
    }
    let path_ok = |p: &[u8]| chars_ok(p, |c| is_pchar(c) || c == b'/');
    if let Some(after) = hier.strip_prefix(b"//") {
        let end = after.iter().position(|&c| c == b'/').unwrap_or(after.len());
        let (authority, path) = after.split_at(end);
        return is_authority(authority) && path_ok(path);
    }
    // path-absolute ("/" not followed by "/"), path-rootless or path-empty
    path_ok(hier)
}

fn is_authority(a: &[u8]) -> bool {
    let (userinfo, hostport) = match a.iter().position(|&c| c == b'@') {
        Some(i) => (Some(&a[..i]), &a[i + 1..]),
        None => (None, a),
    };
    if let Some(u) = userinfo
        && !chars_ok(u, |c| is_unreserved(c) || is_sub_delim(c) || c == b':')
    {
        return false;
    }
    let (host, port) = if hostport.first() == Some(&b'[') {
        let Some(close) = hostport.iter().position(|&c| c == b']') else {
            return false;
        };
        let literal = &hostport[1..close];
        let literal_ok = !literal.is_empty()
            && literal.iter().all(|&c| {
                c.is_ascii_hexdigit()
                    || matches!(c, b':' | b'.')
                    || is_unreserved(c)
                    || is_sub_delim(c)
            });
        if !literal_ok {
            return false;
        }
        (&hostport[..0], &hostport[close + 1..])
    } else {
        match hostport.iter().position(|&c| c == b':') {
            Some(i) => (&hostport[..i], &hostport[i..]),
            None => (hostport, &hostport[hostport.len()..]),
        }
    };
    if !chars_ok(host, |c| is_unreserved(c) || is_sub_delim(c)) {
        return false;
    }
    match port.split_first() {
        None => true,
        Some((b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

fn digits(s: &[u8], n: usize) -> Option<u32> {
    let d = s.get(..n)?;
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(d.iter().fold(0, |acc, &c| acc * 10 + u32::from(c - b'0')))
}

/// A date-time as RFC 3339 writes it (`2021-03-10T10:26:33.5+01:00`, `…Z`), with a valid
/// calendar date; like Haskell's `parseTimeRFC3339`, letters in any case and surrounding
/// white space are accepted.
pub(crate) fn is_rfc3339(s: &str) -> bool {
    let b = s.trim().as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return false;
    }
    let field = |at: usize, n: usize| digits(&b[at..], n);
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        field(0, 4),
        field(5, 2),
        field(8, 2),
        field(11, 2),
        field(14, 2),
        field(17, 2),
    ) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let h = digits(&[*h1, *h2], 2);
            let m = digits(&[*m1, *m2], 2);
            h.is_some_and(|h| h < 24) && m.is_some_and(|m| m < 60)
        }
        _ => false,
    }
}

/// One SPDX license identifier of the SPDX License List, exactly as listed (not an
/// expression such as `MIT OR Apache-2.0`), as Cabal's `LicenseId` parser reads it.
pub(crate) fn is_spdx_license_id(s: &str) -> bool {
    super::spdx_license_ids::SPDX_LICENSE_IDS
        .binary_search(&s)
        .is_ok()
}

/// A git commit hash: 7 or 40 lower-case hexadecimal digits.
pub(crate) fn is_git_hash(s: &str) -> bool {
    (s.len() == 7 || s.len() == 40) && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// A semantic version `MAJOR.MINOR.PATCH[-pre][+build]` as Haskell's `semver` package
/// parses it: numbers are decimal digits, identifiers are `[0-9A-Za-z-]+` separated by
/// dots, and an identifier that starts with a digit must be all digits.
pub(crate) fn is_semver(s: &str) -> bool {
    fn number(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
    }
    fn identifiers(s: &str) -> bool {
        s.split('.').all(|id| {
            !id.is_empty()
                && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                && (!id.as_bytes()[0].is_ascii_digit() || number(id))
        })
    }
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| number(p))
        && pre.is_none_or(identifiers)
        && build.is_none_or(identifiers)
}

/// An e-mail address as RFC 5322's `addr-spec` (`local@domain`), the grammar of Haskell's
/// `email-validate`: a dot-atom or quoted local part, a dot-atom or `[literal]` domain.
pub(crate) fn is_email(s: &str) -> bool {
    fn atext(c: u8) -> bool {
        c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&c)
    }
    fn dot_atom(s: &[u8]) -> bool {
        !s.is_empty()
            && s.split(|&c| c == b'.')
                .all(|a| !a.is_empty() && a.iter().all(|&c| atext(c)))
    }
    let b = s.as_bytes();
    let Some(at) = b.iter().rposition(|&c| c == b'@') else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    let local_ok = dot_atom(local)
        || (local.len() >= 2 && local[0] == b'"' && local[local.len() - 1] == b'"' && {
            let inner = &local[1..local.len() - 1];
            let mut ok = true;
            let mut i = 0;
            while i < inner.len() {
                match inner[i] {
                    b'\\' if i + 1 < inner.len() => i += 2,
                    b'"' | b'\\' => {
                        ok = false;
                        break;
                    }
                    c if (32..127).contains(&c) => i += 1,
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            ok
        });
    let domain_ok = dot_atom(domain)
        || (domain.len() >= 2
            && domain[0] == b'['
            && domain[domain.len() - 1] == b']'
            && domain[1..domain.len() - 1]
                .iter()
                .all(|&c| (33..127).contains(&c) && !matches!(c, b'[' | b']' | b'\\')));
    local_ok && domain_ok
}

/// hadolint's rule for label keys (DL3048): lower-case letters, digits, `.` and `-`,
/// starting with a letter and ending with a letter or digit, no `..` or `--`, and none of
/// the namespaces Docker reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`).
pub(crate) fn label_key_problem(key: &str) -> Option<&'static str> {
    let b = key.as_bytes();
    if key.starts_with("com.docker.")
        || key.starts_with("io.docker.")
        || key.starts_with("org.dockerproject.")
    {
        return Some("uses a namespace Docker reserves");
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-'))
    {
        return Some("has characters other than lower-case letters, digits, `.` and `-`");
    }
    if !b.first().is_some_and(u8::is_ascii_lowercase) {
        return Some("does not start with a lower-case letter");
    }
    if !b
        .last()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Some("does not end with a lower-case letter or digit");
    }
    if key.contains("..") || key.contains("--") {
        return Some("has consecutive separators");
    }
    None
}

/// hadolint's name for a stage: its alias as written, else the name of its image (the
/// reference without registry, tag and digest). A later `FROM <name>` continues a stage
/// whose alias is `<name>`.
pub(crate) fn hadolint_stage_name(ins: &Instruction) -> String {
    match &ins.detail {
        Detail::From {
            name: Some(alias), ..
        } => alias.value.clone(),
        Detail::From { image, .. } => hadolint_image_name(&image.value),
        _ => String::new(),
    }
}

/// The image name hadolint compares with stage aliases: without registry, tag or digest.
pub(crate) fn hadolint_image_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let no_tag = match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => &no_digest[..i],
        _ => no_digest,
    };
    match no_tag.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            rest.to_owned()
        }
        _ => no_tag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_follow_rfc_3986() {
        for ok in [
            "http://example.com",
            "https://user:pw@example.com:8080/a/b?q=1#frag",
            "mailto:someone@example.com",
            "urn:isbn:0451450523",
            "http://[::1]:80/",
            "file:///etc/hosts",
            "git+ssh://git@github.com/acme/app.git",
        ] {
            assert!(is_uri(ok), "{ok}");
        }
        for bad in [
            "not-url",
            "example.com",
            "1http://x",
            "http://exa mple.com",
            "http://example.com:80a",
            "http://x/%zz",
            "",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn rfc3339_needs_a_valid_date_and_offset() {
        for ok in [
            "2021-03-10T10:26:33.564595127+01:00",
            "2021-03-10T10:26:33Z",
            "2024-02-29t00:00:00z",
            " 2021-03-10T10:26:33-05:30 ",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "not-date",
            "2021-03-10",
            "2021-03-10 10:26:33Z",
            "2021-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z",
            "2021-03-10T24:00:00Z",
            "2021-03-10T10:26:33",
            "2021-03-10T10:26:33.Z",
            "2021-03-10T10:26:33+0100",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn spdx_ids_are_exact() {
        assert!(is_spdx_license_id("BSD-3-Clause"));
        assert!(is_spdx_license_id("Apache-2.0"));
        assert!(is_spdx_license_id("GPL-2.0"), "deprecated ids are listed");
        assert!(!is_spdx_license_id("not-spdx"));
        assert!(!is_spdx_license_id("mit"));
        assert!(!is_spdx_license_id("MIT OR Apache-2.0"));
    }

    #[test]
    fn git_hashes_and_semver() {
        assert!(is_git_hash("2dbfae9"));
        assert!(is_git_hash("43c572f1272b6b3171dd1db9e41b7027128ce080"));
        assert!(!is_git_hash("not-git-hash"));
        assert!(!is_git_hash("2DBFAE9"));
        for ok in [
            "1.0.0",
            "1.2.3-rc.1",
            "1.2.3-alpha-1+build.5",
            "01.2.3",
            "1.0.0-x.7.z.92",
        ] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in [
            "not-sem-ver",
            "1.0",
            "v1.0.0",
            "1.0.0-",
            "1.0.0-1a",
            "1.0.0+",
            "1.0.0.0",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn emails_follow_addr_spec() {
        for ok in [
            "abcd@google.com",
            "a.b+c@example.co.uk",
            "\"a b\"@x.org",
            "x@[127.0.0.1]",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "not-email",
            "a@",
            "@b.c",
            "a..b@c.d",
            "a@b..c",
            "a b@c.d",
            "A Person <a@b.c>",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn label_keys_follow_docker_conventions() {
        assert_eq!(label_key_problem("org.valid-key.label3"), None);
        assert!(label_key_problem("com.docker.label").is_some());
        assert!(label_key_problem("invalid$character").is_some());
        assert!(label_key_problem(".invalid").is_some());
        assert!(label_key_problem("1invalid").is_some());
        assert!(label_key_problem("invalid-").is_some());
        assert!(label_key_problem("invalid..character").is_some());
        assert!(label_key_problem("Upper").is_some());
        assert!(label_key_problem("").is_some());
    }

    #[test]
    fn hadolint_image_names_drop_registry_tag_and_digest() {
        assert_eq!(hadolint_image_name("base"), "base");
        assert_eq!(hadolint_image_name("base:1.0"), "base");
        assert_eq!(
            hadolint_image_name("registry.example.com:5000/team/app:1@sha256:ab"),
            "team/app"
        );
        assert_eq!(hadolint_image_name("library/debian"), "library/debian");
    }
}
