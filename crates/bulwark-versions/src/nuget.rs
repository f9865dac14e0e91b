//! NuGet: `Major.Minor[.Patch[.Revision]][-Label][+Metadata]` (SemVer 2.0 plus the legacy
//! fourth number; missing numbers are 0). Release labels compare by dot-separated parts,
//! numeric parts numerically and below text parts, text parts case-insensitively; a
//! version without a label sorts after its pre-releases; metadata does not count.

use std::cmp::Ordering;

use crate::{Scheme, VersionError, cmp_digits};

/// A NuGet version.
#[derive(Debug, Clone)]
pub struct Version {
    numbers: [u64; 4],
    label: Vec<String>,
}

impl Version {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let err = |why: &str| VersionError::new(Scheme::NuGet, s, why);
        let t = s.trim();
        let t = t.split_once('+').map_or(t, |(a, _)| a);
        let (core, label) = match t.split_once('-') {
            Some((c, l)) => (c, Some(l)),
            None => (t, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 4 {
            return Err(err("expected one to four dot-separated numbers"));
        }
        let mut numbers = [0u64; 4];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("version numbers must be digits"));
            }
            numbers[i] = p.parse().map_err(|_| err("number too large"))?;
        }
        let label = match label {
            Some(l) => {
                let ids: Vec<String> = l.split('.').map(str::to_owned).collect();
                if ids.iter().any(|x| {
                    x.is_empty() || !x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                }) {
                    return Err(err("invalid release label"));
                }
                ids
            }
            None => Vec::new(),
        };
        Ok(Version { numbers, label })
    }

    pub fn is_prerelease(&self) -> bool {
        !self.label.is_empty()
    }
}

fn cmp_label_part(a: &str, b: &str) -> Ordering {
    let an = a.bytes().all(|c| c.is_ascii_digit());
    let bn = b.bytes().all(|c| c.is_ascii_digit());
    match (an, bn) {
        (true, true) => cmp_digits(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.label.is_empty(), other.label.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.label.iter().zip(&other.label) {
                        let o = cmp_label_part(a, b);
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.label.len().cmp(&other.label.len())
                }
            }
        })
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
