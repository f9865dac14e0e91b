//! Ignore files (`.gitignore`, `.dockerignore`) as conftest reads them: one list of the
//! file's lines, each `{Kind, Value, Original}` where `Kind` is `Empty`, `Comment` (`Value` is
//! the text after `#`), `NegatedPath` (`Value` is the pattern after `!`) or `Path`. Every
//! line counts, so a file ending in a newline ends with an `Empty` entry.

use serde_json::{Value, json};

pub(super) fn parse(text: &str) -> Value {
    let entries = text
        .split('\n')
        .map(|raw| {
            let original = raw.strip_suffix('\r').unwrap_or(raw);
            let line = original.trim();
            let (kind, value) = if line.is_empty() {
                ("Empty", "")
            } else if let Some(c) = line.strip_prefix('#') {
                ("Comment", c.trim())
            } else if let Some(p) = line.strip_prefix('!') {
                ("NegatedPath", p.trim())
            } else {
                ("Path", line)
            };
            json!({"Kind": kind, "Value": value, "Original": original})
        })
        .collect();
    Value::Array(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_lines() {
        let v = parse("foo\n!bar\n\n# Baz\nqux/\n");
        let kinds: Vec<&str> = v
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["Kind"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            kinds,
            ["Path", "NegatedPath", "Empty", "Comment", "Path", "Empty"]
        );
        assert_eq!(v[1]["Value"], "bar");
        assert_eq!(v[1]["Original"], "!bar");
        assert_eq!(v[3]["Value"], "Baz");
        assert_eq!(v[4]["Value"], "qux/");
    }
}
