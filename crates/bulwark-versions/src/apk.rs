//! Alpine (and Wolfi) package versions, ordered as apk-tools 2.14/3.x does:
//! `digits(.digits)*[letter](_suffix[N])*[~hash][-rN]`. The suffixes `_alpha`, `_beta`,
//! `_pre`, `_rc` are pre-releases (older than no suffix), `_cvs`, `_svn`, `_git`, `_hg`,
//! `_p` post-releases. A dotted component with a leading zero compares as text (`1.01 <
//! 1.1`), others numerically. When one version is a prefix of the other, the longer is newer
//! unless what it adds is a pre-release suffix.

use std::cmp::Ordering;

use crate::{Scheme, VersionError, cmp_digits};

/// Token kinds, in apk-tools' order (it decides between versions of different shapes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
}

/// Suffixes by rank; `NONE_RANK` (no suffix) sits between the pre- and post-release ones.
const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("rc", 4),
    ("cvs", 6),
    ("svn", 7),
    ("git", 8),
    ("hg", 9),
    ("p", 10),
];
const NONE_RANK: u8 = 5;

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// Digits, the letter, or the commit hash.
    text: String,
    /// The suffix rank, for `Kind::Suffix`.
    suffix: u8,
}

/// An APK version.
#[derive(Debug, Clone)]
pub struct Version {
    tokens: Vec<Token>,
}

impl Version {
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let err = |why: &str| VersionError::new(Scheme::Apk, s, why);
        let t = s.trim();
        let b = t.as_bytes();
        let digits = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let n = digits(0);
        if n == 0 {
            return Err(err("must start with a number"));
        }
        let mut tokens = vec![Token {
            kind: Kind::InitialDigit,
            text: t[..n].to_owned(),
            suffix: 0,
        }];
        let mut i = n;
        while i < b.len() {
            let prev = tokens.last().map_or(Kind::InitialDigit, |t| t.kind);
            let (kind, start, end, suffix) = match b[i] {
                b'a'..=b'z' if prev <= Kind::Digit => (Kind::Letter, i, i + 1, 0),
                b'.' if prev <= Kind::Digit => {
                    let n = digits(i + 1);
                    if n == 0 {
                        return Err(err("expected a number after `.`"));
                    }
                    (Kind::Digit, i + 1, i + 1 + n, 0)
                }
                b'0'..=b'9' if prev == Kind::Suffix => (Kind::SuffixNo, i, i + digits(i), 0),
                b'_' if prev <= Kind::SuffixNo => {
                    let n = b[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_lowercase())
                        .count();
                    let word = &t[i + 1..i + 1 + n];
                    let rank = SUFFIXES
                        .iter()
                        .find(|(w, _)| *w == word)
                        .map(|(_, r)| *r)
                        .ok_or_else(|| err(&format!("unknown suffix `_{word}`")))?;
                    (Kind::Suffix, i + 1, i + 1 + n, rank)
                }
                b'~' if prev < Kind::CommitHash => {
                    let n = b[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_hexdigit())
                        .count();
                    if n == 0 {
                        return Err(err("expected a commit hash after `~`"));
                    }
                    (Kind::CommitHash, i + 1, i + 1 + n, 0)
                }
                b'-' if prev < Kind::RevisionNo && b.get(i + 1) == Some(&b'r') => {
                    let n = digits(i + 2);
                    if n == 0 {
                        return Err(err("expected a number after `-r`"));
                    }
                    (Kind::RevisionNo, i + 2, i + 2 + n, 0)
                }
                c => {
                    return Err(err(&format!(
                        "unexpected `{}` at offset {i}",
                        char::from(c)
                    )));
                }
            };
            tokens.push(Token {
                kind,
                text: t[start..end].to_owned(),
                suffix,
            });
            i = end;
        }
        Ok(Version { tokens })
    }
}

fn cmp_token(a: &Token, b: &Token) -> Ordering {
    match a.kind {
        Kind::Digit if a.text.starts_with('0') || b.text.starts_with('0') => a.text.cmp(&b.text),
        Kind::InitialDigit | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
            cmp_digits(&a.text, &b.text)
        }
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        Kind::Letter | Kind::CommitHash | Kind::End => a.text.cmp(&b.text),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.tokens, &other.tokens);
        let mut i = 0;
        while i < a.len() && i < b.len() && a[i].kind == b[i].kind {
            let o = cmp_token(&a[i], &b[i]);
            if o != Ordering::Equal {
                return o;
            }
            i += 1;
        }
        let ak = a.get(i).map_or(Kind::End, |t| t.kind);
        let bk = b.get(i).map_or(Kind::End, |t| t.kind);
        if ak == bk {
            return Ordering::Equal;
        }
        if ak == Kind::Suffix && a[i].suffix < NONE_RANK {
            return Ordering::Less;
        }
        if bk == Kind::Suffix && b[i].suffix < NONE_RANK {
            return Ordering::Greater;
        }
        // The kind earlier in apk's order continues the version further: it is newer.
        bk.cmp(&ak)
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
