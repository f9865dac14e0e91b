//! SemVer 2.0 (<https://semver.org>): `MAJOR.MINOR.PATCH[-PRE][+BUILD]`. Precedence compares
//! the numbers, then pre-release identifiers (numeric ones numerically and below alphanumeric
//! ones, a shorter list first when it is a prefix), a release above its pre-releases; build
//! metadata does not count.
//!
//! Also Cargo's version requirements (`^1.2`, `>= 0.4.20, < 0.5`, `~1.2.3`, `1.*`), which
//! RustSec advisories use for patched and unaffected versions.

use std::cmp::Ordering;
use std::fmt;

use crate::{Scheme, VersionError};

/// One pre-release identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identifier {
    Numeric(u64),
    Alpha(String),
}

impl Ord for Identifier {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Identifier::Numeric(a), Identifier::Numeric(b)) => a.cmp(b),
            (Identifier::Numeric(_), Identifier::Alpha(_)) => Ordering::Less,
            (Identifier::Alpha(_), Identifier::Numeric(_)) => Ordering::Greater,
            (Identifier::Alpha(a), Identifier::Alpha(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Identifier {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Numeric(n) => write!(f, "{n}"),
            Identifier::Alpha(s) => f.write_str(s),
        }
    }
}

/// A SemVer version. Equality and order ignore build metadata.
#[derive(Debug, Clone)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<Identifier>,
    pub build: String,
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            let pre: Vec<String> = self.pre.iter().map(ToString::to_string).collect();
            write!(f, "-{}", pre.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

impl Version {
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Version {
            major,
            minor,
            patch,
            pre: Vec::new(),
            build: String::new(),
        }
    }

    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// Strict SemVer 2.0: three numbers without leading zeros, identifiers of
    /// `[0-9A-Za-z-]`.
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        parse(s, Scheme::SemVer, false)
    }

    /// As OSV `SEMVER` ranges are read in practice: surrounding space, a leading `v` or `=`,
    /// and missing minor or patch numbers (`1.2` is `1.2.0`) are accepted, and so are
    /// leading zeros.
    pub fn parse_lenient(s: &str) -> Result<Self, VersionError> {
        let t = s.trim();
        let t = t.strip_prefix('=').unwrap_or(t).trim_start();
        let t = t
            .strip_prefix('v')
            .or_else(|| t.strip_prefix('V'))
            .unwrap_or(t);
        parse(t, Scheme::SemVer, true).map_err(|mut e| {
            e.input = s.to_owned();
            e
        })
    }

    /// The same numbers without pre-release or build.
    pub fn release(&self) -> Version {
        Version::new(self.major, self.minor, self.patch)
    }
}

/// Parses `s` as SemVer; `lenient` allows one to three numbers and leading zeros.
pub(crate) fn parse(s: &str, scheme: Scheme, lenient: bool) -> Result<Version, VersionError> {
    let err = |why: &str| VersionError::new(scheme, s, why);
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => {
            check_identifiers(b, false).map_err(|w| err(&format!("build metadata: {w}")))?;
            (r, b.to_owned())
        }
        None => (s, String::new()),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let mut nums = [0u64; 3];
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 || (!lenient && parts.len() != 3) {
        return Err(err("expected MAJOR.MINOR.PATCH"));
    }
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("version numbers must be digits"));
        }
        if !lenient && p.len() > 1 && p.starts_with('0') {
            return Err(err("numbers must not have leading zeros"));
        }
        nums[i] = p.parse().map_err(|_| err("number too large"))?;
    }
    let pre = match pre {
        Some(p) => {
            check_identifiers(p, !lenient).map_err(|w| err(&format!("pre-release: {w}")))?;
            p.split('.').map(identifier).collect()
        }
        None => Vec::new(),
    };
    Ok(Version {
        major: nums[0],
        minor: nums[1],
        patch: nums[2],
        pre,
        build,
    })
}

fn identifier(p: &str) -> Identifier {
    if p.bytes().all(|b| b.is_ascii_digit()) {
        // Digits that overflow u64 compare as text: still a total order.
        p.parse()
            .map_or_else(|_| Identifier::Alpha(p.to_owned()), Identifier::Numeric)
    } else {
        Identifier::Alpha(p.to_owned())
    }
}

fn check_identifiers(s: &str, no_leading_zero: bool) -> Result<(), &'static str> {
    for id in s.split('.') {
        if id.is_empty() {
            return Err("empty identifier");
        }
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("identifiers are [0-9A-Za-z-]");
        }
        if no_leading_zero
            && id.len() > 1
            && id.starts_with('0')
            && id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err("numeric identifiers must not have leading zeros");
        }
    }
    Ok(())
}

/// A primitive bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn test(self, ord: Ordering) -> bool {
        match self {
            Op::Eq => ord == Ordering::Equal,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
        }
    }
}

/// `(op, version)`: a version `v` satisfies it when `v op version`.
pub type Bound = (Op, Version);

/// One Cargo comparator, kept with its original numbers so the pre-release rule can be
/// applied.
#[derive(Debug, Clone)]
struct Comparator {
    bounds: Vec<Bound>,
    /// major, minor, patch as written (None when omitted or a wildcard).
    written: (u64, Option<u64>, Option<u64>),
    has_pre: bool,
}

/// A Cargo version requirement: comparators joined by commas, all of which must hold.
#[derive(Debug, Clone)]
pub struct CargoReq {
    comparators: Vec<Comparator>,
}

impl CargoReq {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let err = |why: &str| VersionError::new(Scheme::SemVer, s, why);
        let mut comparators = Vec::new();
        for part in s.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(err("empty comparator"));
            }
            if part == "*" {
                comparators.push(Comparator {
                    bounds: vec![(Op::Ge, Version::new(0, 0, 0))],
                    written: (0, None, None),
                    has_pre: false,
                });
                continue;
            }
            let (op, rest) = split_op(part);
            let partial = Partial::parse(rest.trim()).map_err(err)?;
            let bounds = desugar_cargo(op, &partial);
            comparators.push(Comparator {
                bounds,
                written: (partial.major, partial.minor, partial.patch),
                has_pre: !partial.pre.is_empty(),
            });
        }
        Ok(CargoReq { comparators })
    }

    /// Whether `v` satisfies every comparator (with Cargo's rule that a pre-release only
    /// matches when a comparator names the same `major.minor.patch` with a pre-release).
    pub fn matches(&self, v: &Version) -> bool {
        let all = self
            .comparators
            .iter()
            .all(|c| c.bounds.iter().all(|(op, b)| op.test(v.cmp(b))));
        if !all {
            return false;
        }
        if v.pre.is_empty() {
            return true;
        }
        self.comparators
            .iter()
            .any(|c| c.has_pre && c.written == (v.major, Some(v.minor), Some(v.patch)))
    }
}

/// The operator at the start of a comparator (`""` when none).
pub(crate) fn split_op(s: &str) -> (&str, &str) {
    for op in [">=", "<=", "~>", ">", "<", "=", "~", "^"] {
        if let Some(rest) = s.strip_prefix(op) {
            return (op, rest);
        }
    }
    ("", s)
}

/// A version with parts possibly missing or wildcards (`1`, `1.2`, `1.2.*`, `1.x`).
#[derive(Debug, Clone)]
pub(crate) struct Partial {
    pub major: u64,
    pub minor: Option<u64>,
    pub patch: Option<u64>,
    pub pre: Vec<Identifier>,
    /// Whether the major itself was a wildcard.
    pub any: bool,
}

impl Partial {
    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let s = s.split_once('+').map_or(s, |(a, _)| a);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        let mut nums: [Option<u64>; 3] = [None; 3];
        let mut any = false;
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 3 {
            return Err("too many version numbers");
        }
        let is_wild = |p: &str| matches!(p, "*" | "x" | "X");
        for (i, p) in parts.iter().enumerate() {
            if is_wild(p) {
                if !parts[i..].iter().all(|p| is_wild(p)) {
                    return Err("only wildcards may follow a wildcard");
                }
                any = i == 0;
                break;
            }
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err("version numbers must be digits");
            }
            nums[i] = Some(p.parse().map_err(|_| "number too large")?);
        }
        let pre = match pre {
            Some(p) => {
                check_identifiers(p, false)?;
                p.split('.').map(identifier).collect()
            }
            None => Vec::new(),
        };
        Ok(Partial {
            major: nums[0].unwrap_or(0),
            minor: nums[1],
            patch: nums[2],
            pre,
            any,
        })
    }

    pub(crate) fn floor(&self) -> Version {
        Version {
            major: self.major,
            minor: self.minor.unwrap_or(0),
            patch: self.patch.unwrap_or(0),
            pre: self.pre.clone(),
            build: String::new(),
        }
    }
}

fn desugar_cargo(op: &str, p: &Partial) -> Vec<Bound> {
    use Op::*;
    if p.any {
        return vec![(Ge, Version::new(0, 0, 0))];
    }
    let (ma, mi, pa) = (p.major, p.minor, p.patch);
    let lo = p.floor();
    let next_major = || Version::new(ma + 1, 0, 0);
    let next_minor = |m: u64| Version::new(ma, m + 1, 0);
    let exact_range = || match (mi, pa) {
        (Some(_), Some(_)) => vec![(Eq, lo.clone())],
        (Some(m), None) => vec![(Ge, lo.clone()), (Lt, next_minor(m))],
        _ => vec![(Ge, lo.clone()), (Lt, next_major())],
    };
    match op {
        "=" => exact_range(),
        ">" => match (mi, pa) {
            (Some(_), Some(_)) => vec![(Gt, lo)],
            (Some(m), None) => vec![(Ge, next_minor(m))],
            _ => vec![(Ge, next_major())],
        },
        ">=" => vec![(Ge, lo)],
        "<" => vec![(Lt, lo)],
        "<=" => match (mi, pa) {
            (Some(_), Some(_)) => vec![(Le, lo)],
            (Some(m), None) => vec![(Lt, next_minor(m))],
            _ => vec![(Lt, next_major())],
        },
        "~" | "~>" => match (mi, pa) {
            (Some(m), Some(_)) => vec![(Ge, lo), (Lt, next_minor(m))],
            _ => exact_range(),
        },
        // "^" and a bare version
        _ => match (mi, pa) {
            _ if ma > 0 => vec![(Ge, lo), (Lt, next_major())],
            (Some(m), _) if m > 0 => vec![(Ge, lo), (Lt, next_minor(m))],
            (Some(_), Some(pt)) => vec![(Ge, lo), (Lt, Version::new(0, 0, pt + 1))],
            _ => exact_range(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse_lenient(s).expect("valid")
    }

    #[test]
    fn cargo_requirements_follow_cargo() {
        let cases = [
            ("^1.2.3", "1.9.0", true),
            ("^1.2.3", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("1.2", "1.9.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1.2", "1.2.7", true),
            (">= 0.4.20", "0.4.20", true),
            (">= 0.4.20, < 0.5", "0.5.0", false),
            ("<= 1.2", "1.2.9", true),
            ("> 1.2", "1.2.9", false),
            ("1.*", "1.7.0", true),
            ("*", "0.0.1", true),
            ("=0.3", "0.3.5", true),
            (">= 1.0.0", "1.1.0-alpha.1", false),
            (">= 1.1.0-alpha.0", "1.1.0-alpha.1", true),
        ];
        for (req, ver, want) in cases {
            let r = CargoReq::parse(req).expect("valid requirement");
            assert_eq!(r.matches(&v(ver)), want, "{ver} against {req}");
        }
        assert!(CargoReq::parse(">= 1.x.y").is_err());
    }

    #[test]
    fn strict_parsing_rejects_what_semver_forbids() {
        assert!(Version::parse("1.2").is_err());
        assert!(Version::parse("01.2.3").is_err());
        assert!(Version::parse("1.2.3-01").is_err());
        assert!(Version::parse("1.2.3-rc..1").is_err());
        assert!(Version::parse("1.2.3+build.5").is_ok());
        assert_eq!(v("v1.2").to_string(), "1.2.0");
    }
}
