//! `.helmignore` rules as Helm's `pkg/ignore` applies them (not full gitignore: no `**`,
//! patterns without a slash match the base name only, a negated rule ignores everything it
//! does not match, evaluation stops at the first decision).

/// Why a `.helmignore` line was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    #[error("double-star (**) syntax is not supported")]
    DoubleStar,
    #[error("syntax error in pattern")]
    BadPattern,
}

#[derive(Debug, Clone)]
enum Anchor {
    /// `/x`: matched against the whole path.
    Root,
    /// `a/b`: matched against the whole path.
    Path,
    /// `x`: matched against the base name.
    Base,
}

#[derive(Debug, Clone)]
struct Pattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    anchor: Anchor,
}

/// A parsed `.helmignore`.
#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    patterns: Vec<Pattern>,
}

impl IgnoreRules {
    pub fn empty() -> IgnoreRules {
        IgnoreRules::default()
    }

    /// Parses a `.helmignore` file, one rule a line.
    pub fn parse(text: &str) -> Result<IgnoreRules, IgnoreError> {
        let mut r = IgnoreRules::empty();
        for line in text.lines() {
            r.add_rule(line)?;
        }
        Ok(r)
    }

    /// Helm's default: dot files directly in `templates/` are ignored.
    pub fn add_defaults(&mut self) {
        // A valid pattern; this cannot fail.
        let _ = self.add_rule("templates/.?*");
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    fn add_rule(&mut self, rule: &str) -> Result<(), IgnoreError> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(IgnoreError::DoubleStar);
        }
        go_match(rule, "abc")?;
        let mut rule = rule;
        let negate = match rule.strip_prefix('!') {
            Some(r) => {
                rule = r;
                true
            }
            None => false,
        };
        let must_dir = match rule.strip_suffix('/') {
            Some(r) => {
                rule = r;
                true
            }
            None => false,
        };
        let (anchor, rule) = if let Some(r) = rule.strip_prefix('/') {
            (Anchor::Root, r)
        } else if rule.contains('/') {
            (Anchor::Path, rule)
        } else {
            (Anchor::Base, rule)
        };
        self.patterns.push(Pattern {
            rule: rule.to_owned(),
            negate,
            must_dir,
            anchor,
        });
        Ok(())
    }

    /// Whether `path` (relative to the chart root, `/`-separated) is ignored.
    pub fn ignores(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            let subject = match p.anchor {
                Anchor::Root | Anchor::Path => path,
                Anchor::Base => go_base(path),
            };
            let matched = go_match(&p.rule, subject).unwrap_or(false);
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

/// Go's `filepath.Base`: the last element after trailing slashes are removed.
fn go_base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Go's `filepath.Match` on Unix: `*` any run of non-`/`, `?` one non-`/` character,
/// `[...]` classes (`^` negates, ranges, `\` escapes), `\` escapes outside classes.
pub fn go_match(pattern: &str, name: &str) -> Result<bool, IgnoreError> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> Result<bool, IgnoreError> {
    let mut pi = 0;
    let mut ni = 0;
    while pi < p.len() {
        match p[pi] {
            '*' => {
                while pi < p.len() && p[pi] == '*' {
                    pi += 1;
                }
                let rest = &p[pi..];
                if rest.is_empty() {
                    return Ok(!n[ni..].contains(&'/'));
                }
                let mut k = ni;
                loop {
                    if match_from(rest, &n[k..])? {
                        // Go validates the rest of the pattern even on success paths;
                        return Ok(true);
                    }
                    if k >= n.len() || n[k] == '/' {
                        // Check the remaining pattern is well formed, as Go does.
                        check_pattern(rest)?;
                        return Ok(false);
                    }
                    k += 1;
                }
            }
            '?' => {
                if ni >= n.len() || n[ni] == '/' {
                    check_pattern(&p[pi + 1..])?;
                    return Ok(false);
                }
                pi += 1;
                ni += 1;
            }
            '[' => {
                let (matched, next) = match_class(p, pi, n.get(ni).copied())?;
                if !matched || ni >= n.len() {
                    check_pattern(&p[next..])?;
                    return Ok(false);
                }
                pi = next;
                ni += 1;
            }
            '\\' => {
                let c = *p.get(pi + 1).ok_or(IgnoreError::BadPattern)?;
                if n.get(ni) != Some(&c) {
                    check_pattern(&p[pi + 2..])?;
                    return Ok(false);
                }
                pi += 2;
                ni += 1;
            }
            c => {
                if n.get(ni) != Some(&c) {
                    check_pattern(&p[pi + 1..])?;
                    return Ok(false);
                }
                pi += 1;
                ni += 1;
            }
        }
    }
    Ok(ni == n.len())
}

/// Matches a class starting at `p[start] == '['`; returns (matched, index after `]`).
fn match_class(p: &[char], start: usize, c: Option<char>) -> Result<(bool, usize), IgnoreError> {
    let mut i = start + 1;
    let negated = p.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i).ok_or(IgnoreError::BadPattern)?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, ni) = class_char(p, i)?;
        i = ni;
        let mut hi = lo;
        if p.get(i) == Some(&'-') {
            let (h, ni) = class_char(p, i + 1)?;
            hi = h;
            i = ni;
            if hi < lo {
                return Err(IgnoreError::BadPattern);
            }
        }
        if let Some(c) = c
            && lo <= c
            && c <= hi
        {
            matched = true;
        }
    }
    let ok = match c {
        Some(c) => c != '/' && (matched != negated),
        None => false,
    };
    Ok((ok, i))
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), IgnoreError> {
    match p.get(i) {
        None | Some('-') | Some(']') => Err(IgnoreError::BadPattern),
        Some('\\') => p
            .get(i + 1)
            .map(|c| (*c, i + 2))
            .ok_or(IgnoreError::BadPattern),
        Some(c) => Ok((*c, i + 1)),
    }
}

fn check_pattern(p: &[char]) -> Result<(), IgnoreError> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '[' => {
                let (_, next) = match_class(p, i, None)?;
                i = next;
            }
            '\\' => {
                if i + 1 >= p.len() {
                    return Err(IgnoreError::BadPattern);
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_filepath_match() {
        let cases = [
            ("abc", "abc", true),
            ("*", "abc", true),
            ("*c", "abc", true),
            ("a*", "a", true),
            ("a*/b", "abc/b", true),
            ("a*", "ab/c", false),
            ("a?c", "abc", true),
            ("[a-c]b", "bb", true),
            ("[^a-c]b", "bb", false),
            ("a\\*b", "a*b", true),
            ("*.txt", "dir/x.txt", false),
            ("templates/.?*", "templates/.git", true),
            ("templates/.?*", "templates/a/.git", false),
        ];
        for (p, n, want) in cases {
            assert_eq!(go_match(p, n), Ok(want), "{p} {n}");
        }
        assert_eq!(go_match("[", "a"), Err(IgnoreError::BadPattern));
        assert_eq!(go_match("a[", "x"), Err(IgnoreError::BadPattern));
    }

    // Facts from Helm's pkg/ignore/rules_test.go.
    #[test]
    fn helm_ignore_rules() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("helm.txt", "helm.txt", false, true),
            ("helm.*", "helm.txt", false, true),
            ("helm.*", "rudder.txt", false, false),
            ("*.txt", "tiller.txt", false, true),
            ("*.txt", "cargo/a.txt", false, true),
            ("cargo/*.txt", "cargo/a.txt", false, true),
            ("cargo/*.*", "cargo/a.txt", false, true),
            ("cargo/*.txt", "mast/a.txt", false, false),
            ("ru[c-e]?er.txt", "rudder.txt", false, true),
            ("templates/.?*", "templates/.dotfile", false, true),
            ("cargo/", "cargo", true, true),
            ("cargo/", "cargo/", true, true),
            ("cargo/", "mast/", true, false),
            ("helm.txt/", "helm.txt", false, false),
            ("/helm.txt", "helm.txt", false, true),
            ("/rudder.txt", "cargo/rudder.txt", false, false),
            ("!helm.txt", "helm.txt", false, false),
            ("!helm.txt", "tiller.txt", false, true),
            ("!*.txt", "cargo", true, true),
            ("!cargo/", "mast/", true, true),
            ("mast/", "mast/a.txt", false, false),
            ("mast", "mast", true, true),
        ];
        for (rule, path, is_dir, want) in cases {
            let r = IgnoreRules::parse(rule).expect("rule parses");
            assert_eq!(r.ignores(path, *is_dir), *want, "{rule} on {path}");
        }
        assert_eq!(
            IgnoreRules::parse("a/**/b").err(),
            Some(IgnoreError::DoubleStar)
        );
        assert_eq!(IgnoreRules::parse("[").err(), Some(IgnoreError::BadPattern));
    }
}
