//! RPM `[epoch:]version[-release]` (EVR), ordered as `rpmvercmp` does: runs of digits and
//! of letters compare (numbers numerically, above letters), other characters only separate,
//! `~` sorts before everything (pre-releases) and `^` after the end of the other version but
//! before anything else (post-release snapshots). Epochs compare first (missing is 0); a
//! missing release compares as empty. Every string is accepted.

use std::cmp::Ordering;

use crate::cmp_digits;

/// An RPM EVR.
#[derive(Debug, Clone)]
pub struct Version {
    pub epoch: u64,
    pub version: String,
    pub release: String,
}

impl Version {
    pub fn parse(s: &str) -> Version {
        let t = s.trim();
        let (epoch, rest) = match t.split_once(':') {
            Some((e, r)) if e.bytes().all(|b| b.is_ascii_digit()) => (e.parse().unwrap_or(0), r),
            _ => (0, t),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((v, r)) => (v, r),
            None => (rest, ""),
        };
        Version {
            epoch,
            version: version.to_owned(),
            release: release.to_owned(),
        }
    }
}

/// rpm's `rpmvercmp`.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut one, mut two) = (a.as_bytes(), b.as_bytes());
    let skip = |s: &[u8]| {
        s.iter()
            .take_while(|c| !c.is_ascii_alphanumeric() && **c != b'~' && **c != b'^')
            .count()
    };
    loop {
        if one.is_empty() && two.is_empty() {
            return Ordering::Equal;
        }
        one = &one[skip(one)..];
        two = &two[skip(two)..];
        let (c1, c2) = (one.first().copied(), two.first().copied());
        if c1 == Some(b'~') || c2 == Some(b'~') {
            if c1 != Some(b'~') {
                return Ordering::Greater;
            }
            if c2 != Some(b'~') {
                return Ordering::Less;
            }
            one = &one[1..];
            two = &two[1..];
            continue;
        }
        if c1 == Some(b'^') || c2 == Some(b'^') {
            if c1.is_none() {
                return Ordering::Less;
            }
            if c2.is_none() {
                return Ordering::Greater;
            }
            if c1 != Some(b'^') {
                return Ordering::Greater;
            }
            if c2 != Some(b'^') {
                return Ordering::Less;
            }
            one = &one[1..];
            two = &two[1..];
            continue;
        }
        let (Some(f1), Some(_)) = (c1, c2) else {
            break;
        };
        let numeric = f1.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let n1 = one.iter().take_while(|c| class(c)).count();
        let n2 = two.iter().take_while(|c| class(c)).count();
        if n2 == 0 {
            // Different kinds: numbers are newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (s1, s2) = (&one[..n1], &two[..n2]);
        let o = if numeric {
            cmp_digits(
                std::str::from_utf8(s1).unwrap_or(""),
                std::str::from_utf8(s2).unwrap_or(""),
            )
        } else {
            s1.cmp(s2)
        };
        if o != Ordering::Equal {
            return o;
        }
        one = &one[n1..];
        two = &two[n2..];
    }
    match (one.is_empty(), two.is_empty()) {
        (true, true) => Ordering::Equal,
        (false, _) => Ordering::Greater,
        (true, false) => Ordering::Less,
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| rpmvercmp(&self.release, &other.release))
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
