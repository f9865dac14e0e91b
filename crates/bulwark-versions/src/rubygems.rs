//! RubyGems (`Gem::Version`): digits and dot-separated segments, where a `-` stands for
//! `.pre.`; segments are the runs of digits and of letters; a version with a letter is a
//! pre-release. Trailing zeros of the release part and of the pre-release part do not count;
//! segments compare pairwise (missing ones are 0), numbers numerically, text
//! lexicographically, and text below numbers.

use std::cmp::Ordering;

use crate::{Scheme, VersionError, cmp_digits};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Digits without leading zeros (`""` is 0).
    Number(String),
    Text(String),
}

/// A RubyGems version.
#[derive(Debug, Clone)]
pub struct Version {
    canonical: Vec<Segment>,
    prerelease: bool,
}

impl Version {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let t = s.trim();
        let err = |why: &str| VersionError::new(Scheme::RubyGems, s, why);
        let t = if t.is_empty() { "0" } else { t };
        if !t.as_bytes()[0].is_ascii_digit() {
            return Err(err("must start with a digit"));
        }
        let (release, pre) = match t.split_once('-') {
            Some((r, p)) => (r, Some(p)),
            None => (t, None),
        };
        if release
            .split('.')
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(err("segments are letters and digits separated by `.`"));
        }
        if let Some(p) = pre
            && p.split('.')
                .any(|x| x.is_empty() || !x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return Err(err("invalid pre-release part"));
        }
        let text = match pre {
            Some(p) => format!("{release}.pre.{}", p.replace('-', ".pre.")),
            None => release.to_owned(),
        };
        let mut segments = Vec::new();
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            if b[i].is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                segments.push(Segment::Number(
                    text[start..i].trim_start_matches('0').to_owned(),
                ));
            } else if b[i].is_ascii_alphabetic() {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segments.push(Segment::Text(text[start..i].to_owned()));
            } else {
                i += 1;
            }
        }
        let prerelease = segments.iter().any(|s| matches!(s, Segment::Text(_)));
        // Drop trailing zeros of the numeric part and of the rest, separately.
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Text(_)))
            .unwrap_or(segments.len());
        let mut rest = segments.split_off(split);
        let is_zero = |s: &Segment| *s == Segment::Number(String::new());
        while segments.last().is_some_and(is_zero) {
            segments.pop();
        }
        while rest.last().is_some_and(is_zero) {
            rest.pop();
        }
        segments.extend(rest);
        Ok(Version {
            canonical: segments,
            prerelease,
        })
    }

    pub fn is_prerelease(&self) -> bool {
        self.prerelease
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number(String::new());
        let n = self.canonical.len().max(other.canonical.len());
        for i in 0..n {
            let l = self.canonical.get(i).unwrap_or(&zero);
            let r = other.canonical.get(i).unwrap_or(&zero);
            let ord = match (l, r) {
                (Segment::Number(a), Segment::Number(b)) => cmp_digits(a, b),
                (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
                (Segment::Text(a), Segment::Text(b)) => a.cmp(b),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
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
