//! PEP 440 (Python packages): `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the
//! spellings PEP 440 normalises (`alpha`, `c`, `pre`, `preview`, `rev`, `r`, `-N`, `_`/`-`
//! separators, a leading `v`, any letter case). Ordering is PEP 440's: epoch, release
//! (trailing zeros do not count), then `.devN` of a release before its pre-releases, pre-
//! releases before the release, post-releases after it, and local versions after the public
//! one. Specifiers (`~=`, `==`, `!=`, `<=`, `>=`, `<`, `>`, `===`, `==1.2.*`) are
//! [`SpecifierSet`].

use std::cmp::Ordering;
use std::fmt;

use crate::{Scheme, VersionError};

/// Pre-release kind, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
}

/// One segment of a local version label: numbers sort above text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Local {
    Text(String),
    Number(u64),
}

impl Ord for Local {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Local::Number(a), Local::Number(b)) => a.cmp(b),
            (Local::Number(_), Local::Text(_)) => Ordering::Greater,
            (Local::Text(_), Local::Number(_)) => Ordering::Less,
            (Local::Text(a), Local::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Local {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A PEP 440 version.
#[derive(Debug, Clone)]
pub struct Version {
    pub epoch: u64,
    pub release: Vec<u64>,
    pub pre: Option<(PreKind, u64)>,
    pub post: Option<u64>,
    pub dev: Option<u64>,
    pub local: Vec<Local>,
}

impl Version {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        Parser::new(s).version()
    }

    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }

    /// Epoch and release only (`1!2.0` for `1!2.0rc1.post3+x`).
    pub fn base(&self) -> Version {
        Version {
            epoch: self.epoch,
            release: self.release.clone(),
            pre: None,
            post: None,
            dev: None,
            local: Vec::new(),
        }
    }

    /// The version without its local label.
    pub fn public(&self) -> Version {
        Version {
            local: Vec::new(),
            ..self.clone()
        }
    }

    fn release_trimmed(&self) -> &[u64] {
        let n = self
            .release
            .iter()
            .rposition(|&x| x != 0)
            .map_or(0, |i| i + 1);
        &self.release[..n]
    }

    /// The sort key of pre, post and dev as PEP 440 orders them.
    fn suffix_key(&self) -> SuffixKey {
        let pre_rank = match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => -1, // 1.0.dev1 sorts before 1.0a1
            (None, _, _) => 1,
            (Some(_), _, _) => 0,
        };
        // post: None below every post number; dev: None above every dev number.
        let dev = match self.dev {
            Some(d) => (false, d),
            None => (true, 0),
        };
        (pre_rank, self.pre, self.post, dev)
    }
}

/// (pre rank, pre, post, (no dev, dev)).
type SuffixKey = (i8, Option<(PreKind, u64)>, Option<u64>, (bool, u64));

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.release_trimmed().cmp(other.release_trimmed()))
            .then_with(|| self.suffix_key().cmp(&other.suffix_key()))
            .then_with(|| self.local.cmp(&other.local))
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

impl fmt::Display for Version {
    /// The normalised form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}!", self.epoch)?;
        }
        let rel: Vec<String> = self.release.iter().map(u64::to_string).collect();
        f.write_str(&rel.join("."))?;
        if let Some((k, n)) = self.pre {
            let k = match k {
                PreKind::Alpha => "a",
                PreKind::Beta => "b",
                PreKind::Rc => "rc",
            };
            write!(f, "{k}{n}")?;
        }
        if let Some(p) = self.post {
            write!(f, ".post{p}")?;
        }
        if let Some(d) = self.dev {
            write!(f, ".dev{d}")?;
        }
        if !self.local.is_empty() {
            let l: Vec<String> = self
                .local
                .iter()
                .map(|s| match s {
                    Local::Number(n) => n.to_string(),
                    Local::Text(t) => t.clone(),
                })
                .collect();
            write!(f, "+{}", l.join("."))?;
        }
        Ok(())
    }
}

struct Parser<'a> {
    input: &'a str,
    s: String,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        Parser {
            input,
            s: input.trim().to_ascii_lowercase(),
            pos: 0,
        }
    }

    fn err(&self, why: &str) -> VersionError {
        VersionError::new(Scheme::Pep440, self.input, why)
    }

    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.rest().starts_with(lit) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Option<Result<u64, VersionError>> {
        let n = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let digits = &self.s[self.pos..self.pos + n];
        let v = digits
            .parse::<u64>()
            .map_err(|_| self.err("number too large"));
        self.pos += n;
        Some(v)
    }

    fn separator(&mut self) -> bool {
        self.eat(".") || self.eat("-") || self.eat("_")
    }

    /// Tries `sep? word sep? N?` for one of `words`; returns the number (0 when omitted).
    fn labelled(&mut self, words: &[&str]) -> Option<Result<(usize, u64), VersionError>> {
        let start = self.pos;
        self.separator();
        for (i, w) in words.iter().enumerate() {
            if self.eat(w) {
                let after_word = self.pos;
                self.separator();
                return match self.number() {
                    Some(n) => Some(n.map(|n| (i, n))),
                    None => {
                        self.pos = after_word;
                        Some(Ok((i, 0)))
                    }
                };
            }
        }
        self.pos = start;
        None
    }

    fn version(mut self) -> Result<Version, VersionError> {
        self.eat("v");
        let mut epoch = 0;
        let first = self
            .number()
            .ok_or_else(|| self.err("expected a release number"))??;
        let mut release = vec![first];
        if self.eat("!") {
            epoch = first;
            release.clear();
            release.push(
                self.number()
                    .ok_or_else(|| self.err("expected a release number after the epoch"))??,
            );
        }
        loop {
            let save = self.pos;
            if self.eat(".")
                && let Some(n) = self.number()
            {
                release.push(n?);
                continue;
            }
            self.pos = save;
            break;
        }
        // Longer spellings first so `preview` is not read as `pre` + `view`.
        const PRE: [&str; 7] = ["alpha", "beta", "preview", "pre", "rc", "a", "b"];
        let pre = match self.labelled(&PRE) {
            Some(r) => {
                let (i, n) = r?;
                Some((
                    match PRE[i] {
                        "alpha" | "a" => PreKind::Alpha,
                        "beta" | "b" => PreKind::Beta,
                        _ => PreKind::Rc,
                    },
                    n,
                ))
            }
            // `c` is also rc, but only after the other spellings were tried.
            None => self
                .labelled(&["c"])
                .transpose()?
                .map(|(_, n)| (PreKind::Rc, n)),
        };
        let post = match self.labelled(&["post", "rev", "r"]) {
            Some(r) => Some(r?.1),
            None => {
                let save = self.pos;
                if self.eat("-") {
                    match self.number() {
                        Some(n) => Some(n?),
                        None => {
                            self.pos = save;
                            None
                        }
                    }
                } else {
                    None
                }
            }
        };
        let dev = match self.labelled(&["dev"]) {
            Some(r) => Some(r?.1),
            None => None,
        };
        let mut local = Vec::new();
        if self.eat("+") {
            let label = self.rest().to_owned();
            for seg in label.split(['.', '-', '_']) {
                if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(self.err("invalid local version label"));
                }
                local.push(if seg.bytes().all(|b| b.is_ascii_digit()) {
                    Local::Number(seg.parse().map_err(|_| self.err("number too large"))?)
                } else {
                    Local::Text(seg.to_owned())
                });
            }
            self.pos = self.s.len();
        }
        if !self.rest().is_empty() {
            return Err(self.err(&format!("unexpected `{}`", self.rest())));
        }
        Ok(Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }
}

/// A specifier operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Compatible,
    Equal,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    Arbitrary,
}

/// One specifier (`>=1.2`, `==1.4.*`).
#[derive(Debug, Clone)]
pub struct Specifier {
    pub op: Operator,
    pub version: Version,
    /// The text after the operator, for `===`.
    text: String,
    /// `==1.2.*` / `!=1.2.*`.
    wildcard: bool,
}

impl Specifier {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let t = s.trim();
        let ops = [
            ("===", Operator::Arbitrary),
            ("~=", Operator::Compatible),
            ("==", Operator::Equal),
            ("!=", Operator::NotEqual),
            ("<=", Operator::LessEqual),
            (">=", Operator::GreaterEqual),
            ("<", Operator::Less),
            (">", Operator::Greater),
        ];
        let (op, rest) = ops
            .iter()
            .find_map(|(lit, op)| t.strip_prefix(lit).map(|r| (*op, r.trim())))
            .ok_or_else(|| VersionError::new(Scheme::Pep440, s, "expected an operator"))?;
        if op == Operator::Arbitrary {
            return Ok(Specifier {
                op,
                version: Version::parse(rest).unwrap_or_else(|_| zero_version()),
                text: rest.to_owned(),
                wildcard: false,
            });
        }
        let (text, wildcard) = match rest.strip_suffix(".*") {
            Some(p) if matches!(op, Operator::Equal | Operator::NotEqual) => (p, true),
            Some(_) => {
                return Err(VersionError::new(
                    Scheme::Pep440,
                    s,
                    "`.*` is only allowed with `==` and `!=`",
                ));
            }
            None => (rest, false),
        };
        let version = Version::parse(text)?;
        if op == Operator::Compatible && version.release.len() < 2 {
            return Err(VersionError::new(
                Scheme::Pep440,
                s,
                "`~=` needs at least two release numbers",
            ));
        }
        Ok(Specifier {
            op,
            version,
            text: rest.to_owned(),
            wildcard,
        })
    }

    /// Whether `v` satisfies this specifier (pre-release filtering is the set's job).
    pub fn contains(&self, v: &Version) -> bool {
        let spec = &self.version;
        match self.op {
            Operator::Arbitrary => self.text.eq_ignore_ascii_case(&v.to_string()),
            Operator::Equal if self.wildcard => prefix_match(v, spec),
            Operator::NotEqual if self.wildcard => !prefix_match(v, spec),
            Operator::Equal => equal(v, spec),
            Operator::NotEqual => !equal(v, spec),
            Operator::Compatible => {
                let mut prefix = spec.base();
                prefix.release.pop();
                v.public() >= *spec && prefix_match(v, &prefix)
            }
            Operator::LessEqual => v.public() <= *spec,
            Operator::GreaterEqual => v.public() >= *spec,
            Operator::Less => {
                v.public() < *spec
                    && !(!spec.is_prerelease() && v.is_prerelease() && v.base() == spec.base())
            }
            Operator::Greater => {
                v.public() > *spec
                    && !(!spec.is_postrelease() && v.is_postrelease() && v.base() == spec.base())
                    && (v.local.is_empty() || v.base() != spec.base())
            }
        }
    }

    fn is_prerelease_spec(&self) -> bool {
        !matches!(self.op, Operator::NotEqual) && self.version.is_prerelease()
    }
}

/// `0`: the placeholder version of an `===` specifier whose text is not PEP 440.
fn zero_version() -> Version {
    Version {
        epoch: 0,
        release: vec![0],
        pre: None,
        post: None,
        dev: None,
        local: Vec::new(),
    }
}

fn equal(v: &Version, spec: &Version) -> bool {
    if spec.local.is_empty() {
        v.public() == *spec
    } else {
        v == spec
    }
}

/// `==spec.*`: same epoch, and the release starts with spec's release (zero-padded), and
/// any pre/post/dev spec gives is equal.
fn prefix_match(v: &Version, spec: &Version) -> bool {
    if v.epoch != spec.epoch {
        return false;
    }
    let n = spec.release.len();
    let mut rel = v.release.clone();
    if rel.len() < n {
        rel.resize(n, 0);
    }
    if rel[..n] != spec.release[..] {
        return false;
    }
    if spec.pre.is_some() && v.pre != spec.pre {
        return false;
    }
    if spec.post.is_some() && v.post != spec.post {
        return false;
    }
    if spec.dev.is_some() && v.dev != spec.dev {
        return false;
    }
    true
}

/// Specifiers joined by commas; all must hold. Pre-releases are admitted only when a
/// specifier names one (or when asked).
#[derive(Debug, Clone)]
pub struct SpecifierSet {
    pub specifiers: Vec<Specifier>,
}

impl SpecifierSet {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let specifiers = s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(Specifier::parse)
            .collect::<Result<_, _>>()?;
        Ok(SpecifierSet { specifiers })
    }

    /// Whether `v` is in the set; `prereleases: None` admits pre-releases only when a
    /// specifier mentions one, as pip does.
    pub fn contains(&self, v: &Version, prereleases: Option<bool>) -> bool {
        let allow_pre = prereleases
            .unwrap_or_else(|| self.specifiers.iter().any(Specifier::is_prerelease_spec));
        if v.is_prerelease() && !allow_pre {
            return false;
        }
        self.specifiers.iter().all(|s| s.contains(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).expect("valid")
    }

    #[test]
    fn spellings_normalise() {
        for (input, norm) in [
            ("1.0ALPHA1", "1.0a1"),
            ("1.0-c1", "1.0rc1"),
            ("1.0.preview-2", "1.0rc2"),
            ("1.0-1", "1.0.post1"),
            ("1.0.rev", "1.0.post0"),
            ("1.0_dev", "1.0.dev0"),
            ("v2!1.0+Ubuntu-1", "2!1.0+ubuntu.1"),
            (" 1.2.3 ", "1.2.3"),
        ] {
            assert_eq!(v(input).to_string(), norm, "{input}");
        }
        for bad in ["", "1.0+", "1..0", "1.0abc", "french toast", "1.0+a_", "!1"] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn specifiers_follow_pep440() {
        let cases = [
            ("~=2.2", "2.3", true),
            ("~=2.2", "3.0", false),
            ("~=1.4.5", "1.4.9", true),
            ("~=1.4.5", "1.5.0", false),
            ("==1.1.*", "1.1.post1", true),
            ("==1.1", "1.1.0", true),
            ("==1.1", "1.1+local", true),
            ("==1.1+local", "1.1", false),
            ("!=1.1.*", "1.2", true),
            ("<1.26.5", "1.26.4", true),
            ("<1.26.5", "1.26.5rc1", false),
            ("<1.26.5rc2", "1.26.5rc1", true),
            (">1.7", "1.7.post2", false),
            (">1.7.post2", "1.7.post3", true),
            (">1.7", "1.7.1", true),
            (">1.7", "1.7+local", false),
            (">=2.0, <3", "2.5", true),
            (">=2.0, <3", "3.0", false),
            ("===1.0", "1.0", true),
            ("<=1.0", "1.0+abc", true),
        ];
        for (set, ver, want) in cases {
            let s = SpecifierSet::parse(set).expect("valid specifier");
            assert_eq!(s.contains(&v(ver), Some(true)), want, "{ver} in {set}");
        }
        let plain = SpecifierSet::parse(">=1.0").expect("valid");
        assert!(!plain.contains(&v("2.0b1"), None));
        let pre = SpecifierSet::parse(">=1.0b1").expect("valid");
        assert!(pre.contains(&v("2.0b1"), None));
        assert!(Specifier::parse("~=1").is_err());
        assert!(Specifier::parse(">=1.*").is_err());
    }
}
