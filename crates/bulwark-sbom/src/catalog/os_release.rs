//! Operating-system identification from `os-release` (`/etc/os-release`, else
//! `/usr/lib/os-release`), as systemd documents the format.

use crate::model::Distro;
use crate::tree::Tree;

const PATHS: [&str; 2] = ["/etc/os-release", "/usr/lib/os-release"];

pub(crate) fn wants(path: &str) -> bool {
    PATHS.contains(&path)
}

/// The distribution of a tree, when it has an `os-release` file with an `ID`.
pub fn identify(tree: &Tree) -> Option<Distro> {
    PATHS
        .iter()
        .filter_map(|p| tree.read_text(p))
        .find_map(|text| parse(&text))
}

/// Parses `os-release` content: `KEY=value` lines, values optionally quoted with shell
/// escapes; comments and blank lines ignored.
pub fn parse(text: &str) -> Option<Distro> {
    let mut d = Distro::default();
    let mut version = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = unquote(v.trim());
        match k.trim() {
            "ID" => d.id = v.to_ascii_lowercase(),
            "VERSION_ID" => d.version_id = v,
            "VERSION_CODENAME" => d.codename = v,
            "PRETTY_NAME" => d.pretty_name = v,
            "ID_LIKE" => d.id_like = v.split_whitespace().map(str::to_string).collect(),
            "VERSION" => version = v,
            _ => {}
        }
    }
    if d.id.is_empty() {
        return None;
    }
    if d.version_id.is_empty() {
        // rolling releases (Arch, Debian sid) carry no VERSION_ID; some put it in VERSION
        d.version_id = version
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
    }
    Some(d)
}

fn unquote(v: &str) -> String {
    let q = v.chars().next();
    if let Some(q @ ('"' | '\'')) = q {
        let inner = v[1..].strip_suffix(q).unwrap_or(&v[1..]);
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' && q == '"' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        out
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_debian_and_alpine() {
        let d = parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n")
            .expect("debian");
        assert_eq!(
            (d.id.as_str(), d.version_id.as_str(), d.codename.as_str()),
            ("debian", "12", "bookworm")
        );
        let a = parse("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n# c\nID_LIKE='x y'\n")
            .expect("alpine");
        assert_eq!(a.version_id, "3.19.1");
        assert_eq!(a.id_like, vec!["x", "y"]);
        assert!(parse("NAME=nothing\n").is_none());
    }
}
