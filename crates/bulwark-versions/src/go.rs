//! Go module versions: SemVer with a `v` (`v1.2.3`, `v2.0.0+incompatible`), ordered by SemVer
//! precedence, which is also the order of pseudo-versions (`v0.0.0-20230101120000-abcdef123456`,
//! `v1.2.4-0.20230101120000-abcdef123456`, `v1.2.3-pre.0.20230101120000-abcdef123456`): a
//! pseudo-version sorts after its base version and before the next release. Go toolchain
//! versions (`go1.21rc2`, `go1.20`) are read as the Go vulnerability database writes them
//! (`1.21.0-rc.2`, `1.20.0`). The `v` is optional, as in OSV records.

use std::cmp::Ordering;

use crate::semver::{self, Identifier};
use crate::{Scheme, VersionError};

/// What a pseudo-version encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pseudo {
    /// `yyyymmddhhmmss` (UTC) of the commit.
    pub timestamp: String,
    /// The commit hash prefix.
    pub revision: String,
}

/// A Go module or toolchain version.
#[derive(Debug, Clone)]
pub struct Version {
    pub semver: semver::Version,
    pub pseudo: Option<Pseudo>,
}

impl Version {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let t = s.trim();
        let sv = if let Some(tool) = t.strip_prefix("go") {
            toolchain(tool)
                .ok_or_else(|| VersionError::new(Scheme::Go, s, "invalid Go toolchain version"))?
        } else {
            let body = t.strip_prefix('v').unwrap_or(t);
            semver::parse(body, Scheme::Go, true).map_err(|mut e| {
                e.input = s.to_owned();
                e
            })?
        };
        let pseudo = pseudo_of(&sv);
        Ok(Version { semver: sv, pseudo })
    }

    pub fn is_pseudo(&self) -> bool {
        self.pseudo.is_some()
    }
}

/// `1.21rc2` → `1.21.0-rc.2`, `1.19.8` → `1.19.8`, `1.20` → `1.20.0`.
fn toolchain(s: &str) -> Option<semver::Version> {
    let cut = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (nums, pre) = s.split_at(cut);
    let parts: Vec<u64> = nums
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut v = semver::Version::new(
        parts[0],
        *parts.get(1).unwrap_or(&0),
        *parts.get(2).unwrap_or(&0),
    );
    if !pre.is_empty() {
        let (kind, n) = pre.split_at(pre.find(|c: char| c.is_ascii_digit())?);
        if !matches!(kind, "rc" | "beta" | "alpha") {
            return None;
        }
        v.pre = vec![
            Identifier::Alpha(kind.to_owned()),
            Identifier::Numeric(n.parse().ok()?),
        ];
    }
    Some(v)
}

/// The pseudo-version parts, when the pre-release ends with `[0.]yyyymmddhhmmss-revision`.
fn pseudo_of(v: &semver::Version) -> Option<Pseudo> {
    let pre = &v.pre;
    // The timestamp-revision is written `20230101120000-abcdef123456`, one identifier with a
    // hyphen (or, when the timestamp is the whole first identifier, split by `-` inside).
    let last = match pre.last()? {
        Identifier::Alpha(s) => s.clone(),
        Identifier::Numeric(_) => return None,
    };
    let (ts, rev) = last.split_once('-')?;
    let ts_ok = ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit());
    let rev_ok = !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_alphanumeric());
    if !(ts_ok && rev_ok) {
        return None;
    }
    // Forms: X.0.0-ts-rev (one identifier), X.Y.(Z+1)-0.ts-rev, X.Y.Z-pre.0.ts-rev.
    let shape_ok = match pre.len() {
        1 => v.minor == 0 && v.patch == 0,
        _ => pre[pre.len() - 2] == Identifier::Numeric(0),
    };
    shape_ok.then(|| Pseudo {
        timestamp: ts.to_owned(),
        revision: rev.to_owned(),
    })
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.semver.cmp(&other.semver)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_versions_are_recognised() {
        let p = Version::parse("v0.0.0-20230321023759-10a507213a29").expect("valid");
        assert_eq!(
            p.pseudo,
            Some(Pseudo {
                timestamp: "20230321023759".into(),
                revision: "10a507213a29".into()
            })
        );
        assert!(
            Version::parse("v1.2.4-0.20230101120000-abcdef123456")
                .expect("valid")
                .is_pseudo()
        );
        assert!(
            Version::parse("v1.2.3-rc.1.0.20230101120000-abcdef123456")
                .expect("valid")
                .is_pseudo()
        );
        assert!(!Version::parse("v1.2.3-rc.1").expect("valid").is_pseudo());
        assert!(
            !Version::parse("v2.0.0+incompatible")
                .expect("valid")
                .is_pseudo()
        );
    }

    #[test]
    fn toolchain_versions_read_as_the_vulndb_writes_them() {
        let v = |s: &str| Version::parse(s).expect("valid").semver.to_string();
        assert_eq!(v("go1.21rc2"), "1.21.0-rc.2");
        assert_eq!(v("go1.20"), "1.20.0");
        assert_eq!(v("go1.19.8"), "1.19.8");
        assert!(Version::parse("go1.x").is_err());
    }
}
