//! Versions and constraints as `github.com/Masterminds/semver/v3` reads them (Helm uses it
//! for chart versions, dependency ranges and `kubeVersion`).

use std::cmp::Ordering;

/// A lenient semantic version: `v` prefix allowed, minor and patch optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
}

fn valid_idents(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

impl Version {
    /// `semver.NewVersion`.
    pub fn parse(input: &str) -> Option<Version> {
        let s = input.strip_prefix('v').unwrap_or(input);
        let (s, metadata) = match s.split_once('+') {
            Some((a, m)) => {
                if !valid_idents(m) {
                    return None;
                }
                (a, m.to_owned())
            }
            None => (s, String::new()),
        };
        let (core, pre) = match s.split_once('-') {
            Some((a, p)) => {
                if !valid_idents(p) {
                    return None;
                }
                // Numeric identifiers must not have leading zeros.
                for id in p.split('.') {
                    if id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
                    {
                        return None;
                    }
                }
                (a, p.to_owned())
            }
            None => (s, String::new()),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let mut nums = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            nums[i] = p.parse().ok()?;
        }
        Some(Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre,
            metadata,
        })
    }

    fn cmp_core(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_core(other)
            .then_with(|| compare_prerelease(&self.pre, &other.pre))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = match (pa.get(i), pb.get(i)) {
            (Some(x), Some(y)) => (*x, *y),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (None, None) => break,
        };
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(i), Ok(j)) => i.cmp(&j),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wild {
    None,
    Major,
    Minor,
    Patch,
}

#[derive(Debug, Clone)]
struct Single {
    op: Op,
    v: Version,
    wild: Wild,
}

/// A constraint such as `>= 1.2, < 2`, `^1.x || ~0.3`, `1.2 - 1.4`.
#[derive(Debug, Clone)]
pub struct Constraint {
    groups: Vec<Vec<Single>>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_single(text: &str) -> Option<Single> {
    let ops = [
        (">=", Op::Ge),
        ("=>", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        ("!=", Op::Ne),
        ("~>", Op::Tilde),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
        ("~", Op::Tilde),
        ("^", Op::Caret),
    ];
    let mut op = Op::Eq;
    let mut rest = text;
    for (s, o) in ops {
        if let Some(r) = text.strip_prefix(s) {
            op = o;
            rest = r.trim_start();
            break;
        }
    }
    let body = rest.strip_prefix('v').unwrap_or(rest);
    let (core, suffix) = match body.find(['-', '+']) {
        Some(i) => (&body[..i], &body[i..]),
        None => (body, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    for p in &parts {
        if !is_x(p) && !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let (ver, wild) = if is_x(parts[0]) {
        (format!("0.0.0{suffix}"), Wild::Major)
    } else if parts.len() < 2 || is_x(parts[1]) {
        (format!("{}.0.0{suffix}", parts[0]), Wild::Minor)
    } else if parts.len() < 3 || is_x(parts[2]) {
        (format!("{}.{}.0{suffix}", parts[0], parts[1]), Wild::Patch)
    } else {
        (
            format!("{}.{}.{}{suffix}", parts[0], parts[1], parts[2]),
            Wild::None,
        )
    };
    Some(Single {
        op,
        v: Version::parse(&ver)?,
        wild,
    })
}

impl Constraint {
    /// `semver.NewConstraint`; `None` where Masterminds returns an error (including for the
    /// empty string).
    pub fn parse(input: &str) -> Option<Constraint> {
        let mut groups = Vec::new();
        for group in input.split("||") {
            let group = group.trim();
            if group.is_empty() {
                return None;
            }
            // Hyphen ranges `a - b`.
            let tokens: Vec<&str> = group
                .split([',', ' ', '\t'])
                .filter(|t| !t.is_empty())
                .collect();
            let mut singles = Vec::new();
            let mut i = 0;
            let mut pending_op: Option<&str> = None;
            while i < tokens.len() {
                let t = tokens[i];
                if tokens.get(i + 1) == Some(&"-") && i + 2 < tokens.len() {
                    singles.push(parse_single(&format!(">={t}"))?);
                    singles.push(parse_single(&format!("<={}", tokens[i + 2]))?);
                    i += 3;
                    continue;
                }
                // An operator written apart from its version: `>= 1.2`.
                if t.bytes().all(|b| b"<>=!~^".contains(&b)) {
                    pending_op = Some(t);
                    i += 1;
                    continue;
                }
                let text = match pending_op.take() {
                    Some(op) => format!("{op}{t}"),
                    None => t.to_owned(),
                };
                singles.push(parse_single(&text)?);
                i += 1;
            }
            if pending_op.is_some() || singles.is_empty() {
                return None;
            }
            groups.push(singles);
        }
        Some(Constraint { groups })
    }

    /// `Constraints.Check`.
    pub fn matches(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|g| g.iter().all(|c| check_single(c, v)))
    }
}

fn check_single(c: &Single, v: &Version) -> bool {
    // A pre-release only satisfies constraints that mention a pre-release.
    if !v.pre.is_empty() && c.v.pre.is_empty() {
        return false;
    }
    let cv = &c.v;
    match c.op {
        Op::Eq => match c.wild {
            Wild::None => v.cmp(cv) == Ordering::Equal,
            _ => tilde_or_equal_wild(c, v),
        },
        Op::Ne => match c.wild {
            Wild::None => v.cmp(cv) != Ordering::Equal,
            _ => !tilde_or_equal_wild(c, v),
        },
        Op::Gt => match c.wild {
            Wild::Major => false,
            Wild::Minor => v.major > cv.major,
            Wild::Patch => v.major > cv.major || (v.major == cv.major && v.minor > cv.minor),
            Wild::None => v > cv,
        },
        Op::Lt => v < cv,
        Op::Ge => v >= cv,
        Op::Le => match c.wild {
            Wild::Major => true,
            Wild::Minor => v.major <= cv.major,
            Wild::Patch => v.major < cv.major || (v.major == cv.major && v.minor <= cv.minor),
            Wild::None => v <= cv,
        },
        Op::Tilde => {
            if v < cv {
                return false;
            }
            if c.wild == Wild::Major {
                return true;
            }
            if v.major != cv.major {
                return false;
            }
            c.wild == Wild::Minor || v.minor == cv.minor
        }
        Op::Caret => {
            if v < cv {
                return false;
            }
            match c.wild {
                Wild::Major => true,
                _ if cv.major > 0 => v.major == cv.major,
                Wild::Minor => v.major == 0,
                _ if cv.minor > 0 => v.major == 0 && v.minor == cv.minor,
                Wild::Patch => v.major == 0 && v.minor == 0,
                _ => v.major == 0 && v.minor == 0 && v.patch == cv.patch,
            }
        }
    }
}

fn tilde_or_equal_wild(c: &Single, v: &Version) -> bool {
    match c.wild {
        Wild::Major => true,
        Wild::Minor => v.major == c.v.major,
        Wild::Patch => v.major == c.v.major && v.minor == c.v.minor,
        Wild::None => v == &c.v,
    }
}

/// Helm's `IsCompatibleRange`: false when either side does not parse.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Constraint::parse(constraint), Version::parse(version)) {
        (Some(c), Some(v)) => c.matches(&v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_compatible_range as ok;

    #[test]
    fn masterminds_constraints() {
        let cases = [
            ("2.x.x", "2.31.4", true),
            ("2.x.x", "3.0.0", false),
            ("^2.0.0", "2.9.1", true),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            (">=1.19.0-0", "v1.36.0", true),
            (">=1.19.0-0 <1.30.0-0", "1.36.0", false),
            (">= 1.22.0-0", "1.36.0", true),
            ("*", "1.0.0", true),
            ("*", "1.0.0-alpha", false),
            ("", "1.0.0", false),
            ("1.2 - 1.4", "1.3.5", true),
            ("1.2 - 1.4", "1.5.0", false),
            ("<1.0.0 || >=2.0.0", "2.1.0", true),
            ("0.1.0", "0.1.0", true),
            ("0.1.0", "0.1.1", false),
            (">1.x", "2.0.0", true),
            (">1.x", "1.9.0", false),
            ("<=1.2", "1.2.9", true),
            ("~0.1.0", "0.1.5", true),
            ("=1.2.3", "1.2.3", true),
            ("!=1.2.3", "1.2.3", false),
        ];
        for (c, v, want) in cases {
            assert_eq!(ok(c, v), want, "{c} vs {v}");
        }
    }
}
