//! Package URLs (`pkg:type/namespace/name@version?qualifiers#subpath`), built the way Syft
//! builds them so SBOMs and advisory matches line up, and parsed back from SBOMs.

use serde::{Deserialize, Serialize};

/// A package URL string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Purl(pub String);

impl Purl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Builds a purl; empty namespace, version, qualifier values and subpath are left out;
    /// qualifiers are sorted by key.
    pub fn build(
        ty: &str,
        namespace: &str,
        name: &str,
        version: &str,
        qualifiers: &[(&str, &str)],
        subpath: &str,
    ) -> Purl {
        let mut s = format!("pkg:{ty}/");
        if !namespace.is_empty() {
            for seg in namespace.split('/') {
                escape_into(&mut s, seg);
                s.push('/');
            }
        }
        escape_into(&mut s, name);
        if !version.is_empty() {
            s.push('@');
            escape_into(&mut s, version);
        }
        let mut qs: Vec<&(&str, &str)> = qualifiers.iter().filter(|(_, v)| !v.is_empty()).collect();
        qs.sort_by_key(|(k, _)| *k);
        for (i, (k, v)) in qs.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(k);
            s.push('=');
            escape_into(&mut s, v);
        }
        if !subpath.is_empty() {
            s.push('#');
            s.push_str(subpath);
        }
        Purl(s)
    }

    /// The parts of this purl, or `None` when it is not one.
    pub fn parse(&self) -> Option<PurlParts> {
        PurlParts::parse(&self.0)
    }
}

impl std::fmt::Display for Purl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A purl split into its components (percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PurlParts {
    pub ty: String,
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub qualifiers: Vec<(String, String)>,
    pub subpath: String,
}

impl PurlParts {
    pub fn parse(s: &str) -> Option<PurlParts> {
        let rest = s.strip_prefix("pkg:")?.trim_start_matches('/');
        let (rest, subpath) = match rest.split_once('#') {
            Some((a, b)) => (a, b.trim_matches('/').to_string()),
            None => (rest, String::new()),
        };
        let (rest, qualifiers) = match rest.split_once('?') {
            Some((a, q)) => (
                a,
                q.split('&')
                    .filter_map(|kv| {
                        let (k, v) = kv.split_once('=')?;
                        Some((k.to_ascii_lowercase(), unescape(v)))
                    })
                    .collect(),
            ),
            None => (rest, Vec::new()),
        };
        let (ty, path) = rest.split_once('/')?;
        let path = path.trim_end_matches('/');
        let (path, version) = match path.rfind('@') {
            Some(i) if !path[i..].contains('/') => (&path[..i], unescape(&path[i + 1..])),
            _ => (path, String::new()),
        };
        let (namespace, name) = match path.rfind('/') {
            Some(i) => (
                path[..i]
                    .split('/')
                    .map(unescape)
                    .collect::<Vec<_>>()
                    .join("/"),
                unescape(&path[i + 1..]),
            ),
            None => (String::new(), unescape(path)),
        };
        if name.is_empty() || ty.is_empty() {
            return None;
        }
        Some(PurlParts {
            ty: ty.to_ascii_lowercase(),
            namespace,
            name,
            version,
            qualifiers,
            subpath,
        })
    }

    /// A qualifier's value.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Percent-encodes everything but unreserved characters and `:`, `(`, `)` (what Syft's
/// purls leave as they are: epochs in versions, Go's `(devel)`).
fn escape_into(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'(' | b')')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

fn unescape(s: &str) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deb_purl_as_syft_builds_it() {
        let p = Purl::build(
            "deb",
            "debian",
            "libcap2",
            "1:2.66-4+deb12u3+b1",
            &[
                ("arch", "amd64"),
                ("upstream", "libcap2@1:2.66-4+deb12u3"),
                ("distro", "debian-12"),
            ],
            "",
        );
        assert_eq!(
            p.as_str(),
            "pkg:deb/debian/libcap2@1:2.66-4%2Bdeb12u3%2Bb1?arch=amd64&distro=debian-12&upstream=libcap2%401:2.66-4%2Bdeb12u3"
        );
        let parts = p.parse().expect("parses");
        assert_eq!(parts.version, "1:2.66-4+deb12u3+b1");
        assert_eq!(
            parts.qualifier("upstream"),
            Some("libcap2@1:2.66-4+deb12u3")
        );
    }

    #[test]
    fn golang_subpath_and_devel() {
        let p = Purl::build("golang", "mvdan.cc/sh", "v3", "v3.6.0", &[], "cmd/shfmt");
        assert_eq!(p.as_str(), "pkg:golang/mvdan.cc/sh/v3@v3.6.0#cmd/shfmt");
        let d = Purl::build(
            "golang",
            "example.com/bulwark",
            "fixture-go",
            "(devel)",
            &[],
            "",
        );
        assert_eq!(
            d.as_str(),
            "pkg:golang/example.com/bulwark/fixture-go@(devel)"
        );
        let parts = PurlParts::parse("pkg:npm/%40types/node@20.1.0").expect("parses");
        assert_eq!(
            (parts.namespace.as_str(), parts.name.as_str()),
            ("@types", "node")
        );
    }

    #[test]
    fn rejects_non_purls() {
        assert!(PurlParts::parse("cpe:2.3:a:x").is_none());
        assert!(PurlParts::parse("pkg:npm").is_none());
        assert_eq!(unescape("%4"), "%4");
        assert_eq!(unescape("a%zz"), "a%zz");
    }
}
