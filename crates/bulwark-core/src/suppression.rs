use serde::{Deserialize, Serialize};

use crate::Location;

/// How a finding was suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// A `# bulwark:ignore` comment in the source.
    Inline,
    /// An `ignore.bulwark.dev/<rule>` annotation on the object.
    Annotation,
    /// A configuration file entry.
    Config,
    /// A VEX statement (OpenVEX or CycloneDX) that the product is not affected or fixed.
    Vex,
}

/// Why a finding is not counted: kept in JSON and SARIF output so reviewers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<Location>,
}

/// A `bulwark:ignore` comment found in a source text.
///
/// Syntax: `# bulwark:ignore CODE[,CODE…] [until=YYYY-MM-DD] reason…` where CODE is a rule
/// code, a rule name or a peer alias, or `all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSuppression {
    /// 1-based line of the comment.
    pub line: u32,
    /// Whether the comment stands alone on its line (it then applies to what follows) or
    /// trails code (it then applies to that line).
    pub own_line: bool,
    /// Byte range of the comment text starting at `#`.
    pub start: usize,
    pub end: usize,
    pub selectors: Vec<String>,
    pub reason: Option<String>,
    /// `until=` date as written (`YYYY-MM-DD`).
    pub until: Option<String>,
}

impl InlineSuppression {
    pub fn selects(&self, code: &str, name: &str, aliases: &[String]) -> bool {
        self.selectors.iter().any(|s| {
            s.eq_ignore_ascii_case("all")
                || s.eq_ignore_ascii_case(code)
                || s == name
                || aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
        })
    }

    /// Whether the `until` date has passed on `today` (`YYYY-MM-DD`). An unparsable date
    /// counts as expired so that a typo never silences a finding forever.
    pub fn is_expired(&self, today: jiff::civil::Date) -> bool {
        match &self.until {
            None => false,
            Some(d) => match d.parse::<jiff::civil::Date>() {
                Ok(date) => date < today,
                Err(_) => true,
            },
        }
    }
}

const MARKER: &str = "bulwark:ignore";

/// Finds every `# bulwark:ignore` comment in `text` (YAML, Dockerfile, shell-style comments).
pub fn parse_inline_suppressions(text: &str) -> Vec<InlineSuppression> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    let mut offset = 0usize;
    for (idx, line) in text.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += line.len();
        let Some(pos) = line.find(MARKER) else {
            continue;
        };
        // The marker must be the start of a comment: `#` then optional spaces.
        let before = &line[..pos];
        let trimmed = before.trim_end();
        let Some(hash_pos) = trimmed.strip_suffix('#').map(str::len) else {
            continue;
        };
        if hash_pos > 0 && !before[..hash_pos].ends_with([' ', '\t']) {
            continue;
        }
        let own_line = before[..hash_pos].trim().is_empty();
        let rest = line[pos + MARKER.len()..].trim_end_matches(['\n', '\r']);
        // `bulwark:ignore` must be followed by white space (or end of line).
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            continue;
        }
        let mut words = rest.split_whitespace().peekable();
        let selectors: Vec<String> = words
            .next()
            .map(|w| {
                w.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut until = None;
        if let Some(w) = words.peek()
            && let Some(date) = w.strip_prefix("until=")
        {
            until = Some(date.to_owned());
            words.next();
        }
        let reason: Vec<&str> = words.collect();
        let reason = (!reason.is_empty()).then(|| reason.join(" "));
        out.push(InlineSuppression {
            line: idx as u32 + 1,
            own_line,
            start: line_start + hash_pos,
            end: line_start + line.trim_end_matches(['\n', '\r']).len(),
            selectors,
            reason,
            until,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trailing_and_own_line_comments() {
        let text = "a: 1 # bulwark:ignore KUB001,KUB002 until=2030-01-01 needed for the CNI\n  # bulwark:ignore run-as-non-root\nnotacomment: bulwark:ignore KUB003 x\n";
        let s = parse_inline_suppressions(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].line, 1);
        assert!(!s[0].own_line);
        assert_eq!(s[0].selectors, ["KUB001", "KUB002"]);
        assert_eq!(s[0].until.as_deref(), Some("2030-01-01"));
        assert_eq!(s[0].reason.as_deref(), Some("needed for the CNI"));
        assert_eq!(&text[s[0].start..s[0].start + 1], "#");
        assert_eq!(s[1].line, 2);
        assert!(s[1].own_line);
        assert_eq!(s[1].reason, None);
    }

    #[test]
    fn expiry_is_checked_against_today() {
        let s = &parse_inline_suppressions("# bulwark:ignore KUB001 until=2020-01-01 old\n")[0];
        let today: jiff::civil::Date = "2026-01-01".parse().expect("date");
        assert!(s.is_expired(today));
        let s = &parse_inline_suppressions("# bulwark:ignore KUB001 until=20x0 typo\n")[0];
        assert!(s.is_expired(today));
    }
}
