//! npm: versions are SemVer 2.0 (a leading `v` or `=` is tolerated), ordered by SemVer
//! precedence; ranges follow node-semver: sets joined by `||`, each a list of comparators
//! (`>=1.2.3 <2`), hyphen ranges (`1.2 - 2.3.4`), X-ranges (`1.x`, `*`), tilde and caret.
//! A pre-release version satisfies a set only when one of its comparators carries a
//! pre-release of the same `major.minor.patch`.

use crate::semver::{Bound, Op, Partial, Version, split_op};
use crate::{Scheme, VersionError};

/// Parses an npm version (`1.2.3`, `v1.2.3-beta.1`).
pub fn parse(s: &str) -> Result<Version, VersionError> {
    let t = s.trim();
    let t = t.strip_prefix('=').unwrap_or(t).trim_start();
    let t = t.strip_prefix('v').unwrap_or(t);
    crate::semver::parse(t, Scheme::Npm, false).map_err(|mut e| {
        e.input = s.to_owned();
        e
    })
}

/// A node-semver range.
#[derive(Debug, Clone)]
pub struct Range {
    /// Alternatives (`||`); each is a conjunction of bounds.
    sets: Vec<Vec<Bound>>,
}

impl Range {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let err = |why: &str| VersionError::new(Scheme::Npm, s, why);
        let mut sets = Vec::new();
        for alt in s.split("||") {
            let alt = alt.trim();
            let mut bounds = Vec::new();
            if let Some((lo, hi)) = alt.split_once(" - ") {
                let lo = Partial::parse(lo).map_err(err)?;
                let hi = Partial::parse(hi).map_err(err)?;
                if !lo.any {
                    bounds.push((Op::Ge, lo.floor()));
                }
                if !hi.any {
                    bounds.extend(upper_inclusive(&hi));
                }
                sets.push(bounds);
                continue;
            }
            // Operators may be separated from their version by spaces (`>= 1.2.3`).
            let mut tokens = alt.split_whitespace().peekable();
            while let Some(tok) = tokens.next() {
                let (op, rest) = split_op(tok);
                let rest = if rest.is_empty() && !op.is_empty() {
                    tokens
                        .next()
                        .ok_or_else(|| err("operator without a version"))?
                } else {
                    rest
                };
                let p = Partial::parse(rest).map_err(err)?;
                bounds.extend(desugar(op, &p));
            }
            sets.push(bounds);
        }
        Ok(Range { sets })
    }

    /// Whether `v` is in the range.
    pub fn satisfies(&self, v: &Version) -> bool {
        self.sets.iter().any(|set| {
            set.iter().all(|(op, b)| op.test(v.cmp(b)))
                && (v.pre.is_empty()
                    || set
                        .iter()
                        .any(|(_, b)| !b.pre.is_empty() && b.release() == v.release()))
        })
    }
}

/// `X.Y.Z-0`, the lowest pre-release of `X.Y.Z`: exclusive upper bounds use it so that
/// pre-releases of the next version stay out.
fn lowest_pre(major: u64, minor: u64, patch: u64) -> Version {
    let mut v = Version::new(major, minor, patch);
    v.pre = vec![crate::semver::Identifier::Numeric(0)];
    v
}

/// `<= p` for a partial upper bound of a hyphen range.
fn upper_inclusive(p: &Partial) -> Vec<Bound> {
    match (p.minor, p.patch) {
        (Some(_), Some(_)) => vec![(Op::Le, p.floor())],
        (Some(m), None) => vec![(Op::Lt, lowest_pre(p.major, m + 1, 0))],
        _ => vec![(Op::Lt, lowest_pre(p.major + 1, 0, 0))],
    }
}

fn desugar(op: &str, p: &Partial) -> Vec<Bound> {
    use Op::*;
    if p.any {
        return match op {
            "<" | ">" => vec![(Lt, Version::new(0, 0, 0))], // matches nothing
            _ => vec![(Ge, Version::new(0, 0, 0))],
        };
    }
    let (ma, mi, pa) = (p.major, p.minor, p.patch);
    let lo = p.floor();
    let x_range = || match (mi, pa) {
        (Some(_), Some(_)) => vec![(Eq, lo.clone())],
        (Some(m), None) => vec![(Ge, lo.clone()), (Lt, lowest_pre(ma, m + 1, 0))],
        _ => vec![(Ge, lo.clone()), (Lt, lowest_pre(ma + 1, 0, 0))],
    };
    match op {
        "" | "=" => x_range(),
        ">" => match (mi, pa) {
            (Some(_), Some(_)) => vec![(Gt, lo)],
            (Some(m), None) => vec![(Ge, Version::new(ma, m + 1, 0))],
            _ => vec![(Ge, Version::new(ma + 1, 0, 0))],
        },
        ">=" => vec![(Ge, lo)],
        "<" => match (mi, pa) {
            (Some(_), Some(_)) => vec![(Lt, lo)],
            (Some(m), None) => vec![(Lt, lowest_pre(ma, m, 0))],
            _ => vec![(Lt, lowest_pre(ma, 0, 0))],
        },
        "<=" => upper_inclusive(p),
        "~" | "~>" => match mi {
            Some(m) => vec![(Ge, lo), (Lt, lowest_pre(ma, m + 1, 0))],
            None => vec![(Ge, lo), (Lt, lowest_pre(ma + 1, 0, 0))],
        },
        // "^"
        _ => {
            let upper = if ma > 0 {
                lowest_pre(ma + 1, 0, 0)
            } else {
                match (mi, pa) {
                    (None, _) => lowest_pre(1, 0, 0),
                    (Some(m), _) if m > 0 => lowest_pre(0, m + 1, 0),
                    (Some(_), None) => lowest_pre(0, 1, 0),
                    (Some(_), Some(pt)) => lowest_pre(0, 0, pt + 1),
                }
            };
            vec![(Ge, lo), (Lt, upper)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_node_semver() {
        // (range, version, satisfied) from node-semver's documentation and test fixtures.
        let cases = [
            ("1.2.3 - 2.3.4", "2.3.4", true),
            ("1.2 - 2.3.4", "1.2.0", true),
            ("1.2.3 - 2.3", "2.3.9", true),
            ("1.2.3 - 2.3", "2.4.0", false),
            ("1.2.3 - 2", "2.9.9", true),
            ("1.x", "1.9.0", true),
            ("1.x", "2.0.0", false),
            ("*", "9.9.9", true),
            ("", "1.0.0", true),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1", "1.9.9", true),
            ("~0.2", "0.3.0", false),
            ("^1.2.3", "1.99.0", true),
            ("^1.2.3", "2.0.0-alpha", false),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("^0.0", "0.0.9", true),
            ("^0.0", "0.1.0", false),
            ("^0.x", "0.9.0", true),
            (">=1.2.7 <1.3.0", "1.2.8", true),
            (">=1.2.7 <1.3.0", "1.3.0", false),
            ("1.2.7 || >=1.2.9 <2.0.0", "1.2.8", false),
            ("1.2.7 || >=1.2.9 <2.0.0", "1.4.6", true),
            (">1.2.3-alpha.3", "1.2.3-alpha.7", true),
            (">1.2.3-alpha.3", "3.4.5-alpha.9", false),
            (">1.2.3-alpha.3", "3.4.5", true),
            ("^1.2.3-beta.2", "1.2.3-beta.4", true),
            ("^1.2.3-beta.2", "1.2.4-beta.2", false),
            (">= 4.17.0 < 4.17.21", "4.17.15", true),
            ("<4.17.21", "4.17.21", false),
            ("<1.2", "1.2.0-rc.1", false),
            (">1", "1.9.9", false),
            ("<=1.2", "1.2.99", true),
        ];
        for (range, v, want) in cases {
            let r = Range::parse(range).expect("valid range");
            assert_eq!(
                r.satisfies(&parse(v).expect("valid version")),
                want,
                "{v} in {range:?}"
            );
        }
    }

    #[test]
    fn versions_are_semver_with_loose_prefixes() {
        assert_eq!(parse("v1.2.3").expect("v prefix").to_string(), "1.2.3");
        assert!(parse("1.2").is_err());
        assert!(Range::parse(">=a.b").is_err());
    }
}
