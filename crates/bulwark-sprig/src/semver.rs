//! Masterminds `semver` v3 as Helm uses it: [`Version::parse`] (`NewVersion`, which coerces
//! `v1`, `1.2`, leading zeros), [`Constraints::parse`] (`NewConstraint`: `^`, `~`, `x`,
//! hyphen ranges, `,` and `||`), [`Constraints::check`] with its prerelease rules, and the
//! template functions `semver` and `semverCompare`. [`semver_compare`] is what Helm's chart
//! `kubeVersion` check and `semverCompare` calls need.

use std::cmp::Ordering;
use std::sync::{Arc, LazyLock};

use bulwark_gotmpl::{FuncError, FuncMap, Opaque, ParamType, Signature, Value};
use regex::Regex;

use crate::args::str_arg;

/// A `semver` parse failure, worded as the Go library words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SemverError(String);

/// A parsed version (`*semver.Version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

// Go's `\s` is ASCII whitespace, `\d` ASCII digits; spelled out so Rust's Unicode classes
// do not widen them.
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
const WS: &str = r"[\t\n\f\r ]";

fn compile(pattern: &str) -> Regex {
    // The patterns are constants (the `regexes_compile` test runs every one).
    Regex::new(pattern).expect("constant regular expression compiles")
}

static LOOSE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
    )
});
static CONSTRAINT: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"^{WS}*({OPS}){WS}*({CV}){WS}*$")));
static CONSTRAINT_RANGE: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")));
static FIND_CONSTRAINT: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"({OPS}){WS}*({CV})")));
static VALID_CONSTRAINT: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"^({WS}*({OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV}){WS}*)*$"
    ))
});

fn parse_segment(s: &str) -> Result<u64, SemverError> {
    s.parse::<u64>().map_err(|e| {
        let why = if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) {
            "value out of range"
        } else {
            "invalid syntax"
        };
        SemverError(format!(
            "error parsing version segment: strconv.ParseUint: parsing \"{s}\": {why}"
        ))
    })
}

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Version {
    /// `semver.NewVersion` with the library defaults (`CoerceNewVersion`).
    pub fn parse(v: &str) -> Result<Version, SemverError> {
        let Some(m) = LOOSE_VERSION.captures(v) else {
            return Err(SemverError("invalid semantic version".into()));
        };
        let get = |i: usize| m.get(i).map_or("", |x| x.as_str());
        let major = parse_segment(get(1))?;
        let minor = match get(2) {
            "" => 0,
            s => parse_segment(&s[1..])?,
        };
        let patch = match get(3) {
            "" => 0,
            s => parse_segment(&s[1..])?,
        };
        let pre = get(5).to_owned();
        for part in pre.split('.').filter(|_| !pre.is_empty()) {
            if is_num(part) && part.len() > 1 && part.starts_with('0') {
                return Err(SemverError("version segment starts with 0".into()));
            }
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata: get(8).to_owned(),
            original: v.to_owned(),
        })
    }

    /// Major version.
    pub fn major(&self) -> u64 {
        self.major
    }
    /// Minor version.
    pub fn minor(&self) -> u64 {
        self.minor
    }
    /// Patch version.
    pub fn patch(&self) -> u64 {
        self.patch
    }
    /// Prerelease (without the `-`).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }
    /// Build metadata (without the `+`).
    pub fn metadata(&self) -> &str {
        &self.metadata
    }
    /// The text parsed.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Semver precedence (metadata ignored), as the library's `Compare`.
    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let sa: Vec<&str> = a.split('.').collect();
    let sb: Vec<&str> = b.split('.').collect();
    for i in 0..sa.len().max(sb.len()) {
        let d = compare_pre_part(
            sa.get(i).copied().unwrap_or(""),
            sb.get(i).copied().unwrap_or(""),
        );
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    let num = |x: &str| x.parse::<u64>().ok();
    if o.is_empty() {
        return if num(s).is_some() {
            Ordering::Greater
        } else {
            Ordering::Less
        };
    }
    if s.is_empty() {
        return if num(o).is_some() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    match (num(s), num(o)) {
        (None, None) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(x), Some(y)) => {
            if x > y {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Constraint {
    con: Version,
    op: Op,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A parsed constraint set (`*semver.Constraints`): OR groups of AND-ed constraints.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    /// Per group: one of its constraints names a prerelease, so prereleases are considered.
    group_has_pre: Vec<bool>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(c: &str) -> Result<Constraint, SemverError> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse("0.0.0")?,
            op: Op::TildeOrEqual,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let Some(m) = CONSTRAINT.captures(c) else {
        return Err(SemverError(format!(
            "improper constraint: {}",
            bulwark_gotmpl::fmt::quote(c)
        )));
    };
    let get = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let op = match get(1) {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let (m3, m4, m5, m6) = (get(3), get(4), get(5), get(6));
    let mut ver = get(2).to_owned();
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    if is_x(m3) || m3.is_empty() {
        ver = format!("0.0.0{m6}");
        dirty = true;
    } else if is_x(m4.trim_start_matches('.')) || m4.is_empty() {
        minor_dirty = true;
        dirty = true;
        ver = format!("{m3}.0.0{m6}");
    } else if is_x(m5.trim_start_matches('.')) || m5.is_empty() {
        dirty = true;
        patch_dirty = true;
        ver = format!("{m3}{m4}.0{m6}");
    }
    let con = Version::parse(&ver).map_err(|_| SemverError("constraint parser error".into()))?;
    Ok(Constraint {
        con,
        op,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

fn rewrite_range(input: &str) -> String {
    let mut out = input.to_owned();
    for m in CONSTRAINT_RANGE.captures_iter(input) {
        let whole = m.get(0).map_or("", |x| x.as_str());
        let from = m.get(1).map_or("", |x| x.as_str());
        let to = m.get(11).map_or("", |x| x.as_str());
        out = out.replacen(whole, &format!(">= {from}, <= {to}"), 1);
    }
    out
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, SemverError> {
        let c = rewrite_range(c);
        let mut groups = Vec::new();
        let mut group_has_pre = Vec::new();
        for part in c.split("||") {
            if !VALID_CONSTRAINT.is_match(part) {
                return Err(SemverError(format!(
                    "improper constraint: {}",
                    bulwark_gotmpl::fmt::quote(part)
                )));
            }
            let mut found: Vec<&str> = FIND_CONSTRAINT
                .find_iter(part)
                .map(|m| m.as_str())
                .collect();
            if found.is_empty() {
                found.push(part);
            }
            let mut group = Vec::with_capacity(found.len());
            let mut has_pre = false;
            for s in found {
                let pc = parse_constraint(s)?;
                has_pre |= !pc.con.pre.is_empty();
                group.push(pc);
            }
            groups.push(group);
            group_has_pre.push(has_pre);
        }
        Ok(Constraints {
            groups,
            group_has_pre,
        })
    }

    /// `Constraints.Check`: whether `v` satisfies any OR group.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .zip(&self.group_has_pre)
            .any(|(group, pre)| group.iter().all(|c| c.check(v, *pre)))
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !include_pre && !v.pre.is_empty() {
            return false;
        }
        let c = &self.con;
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            Op::Greater => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Ordering::Greater
                }
            }
            Op::Less => v.compare(c) == Ordering::Less,
            Op::GreaterEqual => v.compare(c) != Ordering::Less,
            Op::LessEqual => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            Op::Tilde => self.tilde(v),
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            Op::Caret => {
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if c.major == 0 && v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if c.minor == 0 && v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

/// Sprig's `semverCompare`: parses both and checks `version` against `constraint`.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, SemverError> {
    let c = Constraints::parse(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}

impl Opaque for Version {
    fn type_name(&self) -> String {
        "*semver.Version".into()
    }
    fn format(&self) -> String {
        self.to_string()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Major" => Value::Uint(self.major),
            "Minor" => Value::Uint(self.minor),
            "Patch" => Value::Uint(self.patch),
            "Prerelease" => Value::from(self.pre.as_str()),
            "Metadata" => Value::from(self.metadata.as_str()),
            "Original" => Value::from(self.original.as_str()),
            "String" => Value::from(self.to_string()),
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Registers `semver` and `semverCompare`.
pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::String as Str;
    map.insert_fn("semver", Signature::fixed(&[Str]), |_, a| {
        Version::parse(str_arg(&a, 0))
            .map(|v| Value::Opaque(Arc::new(v)))
            .map_err(|e| FuncError::new(e.to_string()))
    });
    map.insert_fn("semverCompare", Signature::fixed(&[Str, Str]), |_, a| {
        semver_compare(str_arg(&a, 0), str_arg(&a, 1))
            .map(Value::Bool)
            .map_err(|e| FuncError::new(e.to_string()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        for r in [
            &*LOOSE_VERSION,
            &*CONSTRAINT,
            &*CONSTRAINT_RANGE,
            &*FIND_CONSTRAINT,
            &*VALID_CONSTRAINT,
        ] {
            assert!(!r.as_str().is_empty());
        }
    }
}
