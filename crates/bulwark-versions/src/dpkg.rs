//! Debian package versions (`[epoch:]upstream[-revision]`), ordered as dpkg does: epochs
//! numerically, then upstream and revision by `verrevcmp`, which alternates runs of non-
//! digits (letters before other characters, `~` before everything, even the end) and runs
//! of digits (numerically).

use std::cmp::Ordering;

use crate::{Scheme, VersionError, cmp_digits, split_digits};

/// A dpkg version.
#[derive(Debug, Clone)]
pub struct Version {
    pub epoch: u64,
    pub upstream: String,
    pub revision: String,
}

impl Version {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let err = |why: &str| VersionError::new(Scheme::Dpkg, s, why);
        let t = s.trim();
        if t.is_empty() {
            return Err(err("empty version"));
        }
        let (epoch, rest) = match t.split_once(':') {
            Some((e, r)) => {
                if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err("epoch must be a number"));
                }
                (e.parse().map_err(|_| err("epoch too large"))?, r)
            }
            None => (0, t),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((u, r)) => (u, r),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(err("empty upstream version"));
        }
        if !upstream.as_bytes()[0].is_ascii_digit() {
            return Err(err("upstream version must start with a digit"));
        }
        let ok = |p: &str, extra: &[u8]| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.~".contains(&b) || extra.contains(&b))
        };
        if !ok(upstream, b"-:") || !ok(revision, b"") {
            return Err(err("invalid character"));
        }
        Ok(Version {
            epoch,
            upstream: upstream.to_owned(),
            revision: revision.to_owned(),
        })
    }
}

/// The weight of one non-digit character (`None` is the end of the run).
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        let na = a.iter().take_while(|c| !c.is_ascii_digit()).count();
        let nb = b.iter().take_while(|c| !c.is_ascii_digit()).count();
        for i in 0..na.max(nb) {
            let ca = if i < na { Some(a[i]) } else { None };
            let cb = if i < nb { Some(b[i]) } else { None };
            let o = order(ca).cmp(&order(cb));
            if o != Ordering::Equal {
                return o;
            }
        }
        a = &a[na..];
        b = &b[nb..];
        // Both runs are ASCII digits, so the slices are valid UTF-8.
        let (da, ra) = split_digits(std::str::from_utf8(a).unwrap_or(""));
        let (db, rb) = split_digits(std::str::from_utf8(b).unwrap_or(""));
        let o = cmp_digits(da, db);
        if o != Ordering::Equal {
            return o;
        }
        a = ra.as_bytes();
        b = rb.as_bytes();
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
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
