//! `.bulwark.yaml`: which rules run, their severities and options, excluded paths and
//! path-scoped ignores. Parsed with spans so that a bad line is pointed at.
//!
//! ```yaml
//! rules:
//!   disable: [KUB050, latest-tag]     # codes, names or peer aliases
//!   enable: [KUB055]                  # rules that are off by default
//!   severity: {KUB012: high}
//!   options:
//!     allowed-registries:             # the rule (code or name) …
//!       allowed_registries: [ghcr.io/acme, registry.example.com]
//! exclude: ["vendor/**", "**/testdata/**"]
//! ignore:
//!   - paths: ["legacy/**"]
//!     rules: [KUB012]
//!     reason: migrated in the next release
//!     until: 2027-01-31
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use bulwark_core::{RuleMeta, Severity};
use bulwark_yaml::Node;
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::registry::{Rule, all_rules};

/// File names looked for, in order, from the target folder upward.
pub const CONFIG_FILE_NAMES: [&str; 2] = [".bulwark.yaml", ".bulwark.yml"];

/// A configuration problem, pointing at the file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// Options of one rule, as written under `rules.options.<rule>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleOptions(pub serde_json::Map<String, serde_json::Value>);

impl RuleOptions {
    /// A list of strings (a single string counts as a list of one).
    pub fn strings(&self, key: &str) -> Option<Vec<String>> {
        match self.0.get(key)? {
            serde_json::Value::String(s) => Some(vec![s.clone()]),
            serde_json::Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.0.get(key)?.as_bool()
    }

    pub fn i64(&self, key: &str) -> Option<i64> {
        self.0.get(key)?.as_i64()
    }
}

/// Rules ignored below some paths.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub globs: GlobSet,
    pub patterns: Vec<String>,
    /// Rule codes (resolved from codes, names or aliases); empty means every rule.
    pub rules: Vec<&'static str>,
    pub reason: String,
    pub until: Option<String>,
}

/// The effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from, if from a file.
    pub path: Option<PathBuf>,
    disabled: Vec<&'static str>,
    enabled: Vec<&'static str>,
    severity: HashMap<&'static str, Severity>,
    options: HashMap<&'static str, RuleOptions>,
    exclude: Option<GlobSet>,
    pub exclude_patterns: Vec<String>,
    pub ignores: Vec<PathIgnore>,
    pub fail_on: Option<Severity>,
}

static EMPTY_OPTIONS: std::sync::LazyLock<RuleOptions> =
    std::sync::LazyLock::new(RuleOptions::default);

impl Config {
    /// Finds `.bulwark.yaml` in `start` or the nearest folder above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = if start.is_file() {
            start.parent()?
        } else {
            start
        };
        let start = std::fs::canonicalize(start).ok()?;
        start.ancestors().find_map(|dir| {
            CONFIG_FILE_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file())
        })
    }

    /// Reads and parses a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
        })?;
        let mut c = Config::parse(&path.display().to_string(), &text)?;
        c.path = Some(path.to_owned());
        Ok(c)
    }

    /// Parses configuration text; `path` is used in error messages.
    pub fn parse(path: &str, text: &str) -> Result<Config, ConfigError> {
        let err = |node: &Node, message: String| ConfigError {
            path: path.to_owned(),
            line: node.span.start_line,
            column: node.span.start_column,
            message,
        };
        let docs = bulwark_yaml::load_str(text).map_err(|e| ConfigError {
            path: path.to_owned(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        let mut config = Config::default();
        let Some(root) = docs.first().map(|d| &d.root) else {
            return Ok(config);
        };
        if root.is_null() {
            return Ok(config);
        }
        if !root.is_mapping() {
            return Err(err(root, "expected a mapping at the top level".into()));
        }
        let rule = |n: &Node| -> Result<&'static Rule, ConfigError> {
            let s = n
                .scalar_text()
                .ok_or_else(|| err(n, "expected a rule code or name".into()))?;
            all_rules()
                .into_iter()
                .find(|r| r.meta.is_selected_by(s))
                .ok_or_else(|| err(n, format!("unknown rule `{s}`: see `bulwark rules`")))
        };
        let list = |n: &Node, what: &str| -> Result<Vec<Node>, ConfigError> {
            match &n.kind {
                bulwark_yaml::NodeKind::Sequence(items) => Ok(items.clone()),
                _ if n.is_null() => Ok(Vec::new()),
                _ if n.as_scalar().is_some() => Ok(vec![n.clone()]),
                _ => Err(err(n, format!("expected a list of {what}"))),
            }
        };
        for e in root.entries() {
            let key = e.key.key_string();
            match key.as_str() {
                "rules" => {
                    for re in e.value.entries() {
                        match re.key.key_string().as_str() {
                            "disable" => {
                                for n in list(&re.value, "rules")? {
                                    config.disabled.push(rule(&n)?.meta.code);
                                }
                            }
                            "enable" => {
                                for n in list(&re.value, "rules")? {
                                    config.enabled.push(rule(&n)?.meta.code);
                                }
                            }
                            "severity" => {
                                for se in re.value.entries() {
                                    let r = rule(&se.key)?;
                                    let s = se.value.scalar_text().unwrap_or_default();
                                    let sev: Severity =
                                        s.parse().map_err(|e| err(&se.value, format!("{e}")))?;
                                    config.severity.insert(r.meta.code, sev);
                                }
                            }
                            "options" => {
                                for oe in re.value.entries() {
                                    let r = rule(&oe.key)?;
                                    match oe.value.to_json() {
                                        serde_json::Value::Object(m) => {
                                            config.options.insert(r.meta.code, RuleOptions(m));
                                        }
                                        _ => {
                                            return Err(err(
                                                &oe.value,
                                                "expected a mapping of option names to values"
                                                    .into(),
                                            ));
                                        }
                                    }
                                }
                            }
                            other => {
                                return Err(err(
                                    &re.key,
                                    format!(
                                        "unknown key `rules.{other}`: expected disable, enable, severity or options"
                                    ),
                                ));
                            }
                        }
                    }
                }
                "exclude" => {
                    let mut b = GlobSetBuilder::new();
                    for n in list(&e.value, "path patterns")? {
                        let p = n.scalar_text().unwrap_or_default().to_owned();
                        b.add(Glob::new(&p).map_err(|g| err(&n, format!("invalid pattern: {g}")))?);
                        config.exclude_patterns.push(p);
                    }
                    config.exclude = Some(
                        b.build()
                            .map_err(|g| err(&e.value, format!("invalid patterns: {g}")))?,
                    );
                }
                "ignore" => {
                    for item in list(&e.value, "ignore entries")? {
                        let paths = item
                            .get("paths")
                            .ok_or_else(|| err(&item, "an ignore entry needs `paths`".into()))?;
                        let mut b = GlobSetBuilder::new();
                        let mut patterns = Vec::new();
                        for n in list(paths, "path patterns")? {
                            let p = n.scalar_text().unwrap_or_default().to_owned();
                            b.add(
                                Glob::new(&p)
                                    .map_err(|g| err(&n, format!("invalid pattern: {g}")))?,
                            );
                            patterns.push(p);
                        }
                        let mut rules = Vec::new();
                        if let Some(rn) = item.get("rules") {
                            for n in list(rn, "rules")? {
                                rules.push(rule(&n)?.meta.code);
                            }
                        }
                        let reason = item
                            .get("reason")
                            .and_then(Node::scalar_text)
                            .filter(|s| !s.trim().is_empty())
                            .ok_or_else(|| err(&item, "an ignore entry needs a `reason`".into()))?
                            .to_owned();
                        let until = item
                            .get("until")
                            .and_then(Node::scalar_text)
                            .map(str::to_owned);
                        if let (Some(u), Some(n)) = (&until, item.get("until"))
                            && u.parse::<jiff::civil::Date>().is_err()
                        {
                            return Err(err(
                                n,
                                format!("`until` must be a date (YYYY-MM-DD), found `{u}`"),
                            ));
                        }
                        config.ignores.push(PathIgnore {
                            globs: b
                                .build()
                                .map_err(|g| err(paths, format!("invalid patterns: {g}")))?,
                            patterns,
                            rules,
                            reason,
                            until,
                        });
                    }
                }
                "fail-on" | "fail_on" => {
                    let s = e.value.scalar_text().unwrap_or_default();
                    config.fail_on = Some(s.parse().map_err(|x| err(&e.value, format!("{x}")))?);
                }
                other => {
                    return Err(err(
                        &e.key,
                        format!(
                            "unknown key `{other}`: expected rules, exclude, ignore or fail-on"
                        ),
                    ));
                }
            }
        }
        Ok(config)
    }

    /// Applies a hadolint configuration (`.hadolint.yaml`) to the Dockerfile rules that carry
    /// hadolint codes as aliases, as hadolint itself would read it:
    /// - hadolint's defaults first: `DL1001` and `DL3057` are off unless overridden;
    /// - `ignored: [DL3008]` disables the rules aliased to those codes;
    /// - `override: {error|warning|info|style: [codes]}` sets their severity (error → high,
    ///   warning → medium, info → low, style → info) and turns them on;
    /// - `trustedRegistries` becomes the `trusted_registries` option of the `DL3026` rule;
    /// - `label-schema` and `strict-labels` become the `label_schema` and `strict_labels`
    ///   options of the label rules (`DL3048`–`DL3058`);
    /// - `failure-threshold` sets `fail-on` (`none` and `ignore` leave only critical findings
    ///   failing).
    pub fn apply_hadolint(&mut self, path: &str, text: &str) -> Result<(), ConfigError> {
        let err = |node: &Node, message: String| ConfigError {
            path: path.to_owned(),
            line: node.span.start_line,
            column: node.span.start_column,
            message,
        };
        let docs = bulwark_yaml::load_str(text).map_err(|e| ConfigError {
            path: path.to_owned(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        let root = docs.first().map(|d| d.root.clone());
        let by_alias = |code: &str| -> Vec<&'static Rule> {
            all_rules()
                .into_iter()
                .filter(|r| r.meta.aliases.iter().any(|a| a.eq_ignore_ascii_case(code)))
                .collect()
        };
        for code in ["DL1001", "DL3057"] {
            for r in by_alias(code) {
                self.disabled.push(r.meta.code);
            }
        }
        let Some(root) = root.filter(|r| r.is_mapping()) else {
            return Ok(());
        };
        let strings = |n: &Node| -> Vec<String> {
            match n.as_sequence() {
                Some(items) => items
                    .iter()
                    .filter_map(|i| i.scalar_text().map(str::to_owned))
                    .collect(),
                None => n
                    .scalar_text()
                    .map(|s| vec![s.to_owned()])
                    .unwrap_or_default(),
            }
        };
        for e in root.entries() {
            match e.key.key_string().as_str() {
                "ignored" => {
                    for code in strings(&e.value) {
                        for r in by_alias(&code) {
                            self.disabled.push(r.meta.code);
                        }
                    }
                }
                "override" => {
                    for oe in e.value.entries() {
                        let level = oe.key.key_string();
                        let severity = match level.as_str() {
                            "error" => Some(Severity::High),
                            "warning" => Some(Severity::Medium),
                            "info" => Some(Severity::Low),
                            "style" => Some(Severity::Info),
                            "ignore" => None,
                            other => {
                                return Err(err(
                                    &oe.key,
                                    format!(
                                        "unknown hadolint severity `{other}`: expected error, warning, info, style or ignore"
                                    ),
                                ));
                            }
                        };
                        for code in strings(&oe.value) {
                            for r in by_alias(&code) {
                                match severity {
                                    Some(sev) => {
                                        self.disabled.retain(|c| *c != r.meta.code);
                                        self.enabled.push(r.meta.code);
                                        self.severity.insert(r.meta.code, sev);
                                    }
                                    None => self.disabled.push(r.meta.code),
                                }
                            }
                        }
                    }
                }
                "trustedRegistries" => {
                    let regs: Vec<serde_json::Value> = strings(&e.value)
                        .into_iter()
                        .map(serde_json::Value::String)
                        .collect();
                    for r in by_alias("DL3026") {
                        self.options.entry(r.meta.code).or_default().0.insert(
                            "trusted_registries".into(),
                            serde_json::Value::Array(regs.clone()),
                        );
                    }
                }
                key @ ("label-schema" | "strict-labels") => {
                    let (name, value) = if key == "label-schema" {
                        ("label_schema", e.value.to_json())
                    } else {
                        (
                            "strict_labels",
                            serde_json::Value::Bool(e.value.as_bool().unwrap_or(false)),
                        )
                    };
                    for n in 3048..=3058 {
                        for r in by_alias(&format!("DL{n}")) {
                            self.options
                                .entry(r.meta.code)
                                .or_default()
                                .0
                                .insert(name.into(), value.clone());
                        }
                    }
                }
                "failure-threshold" => {
                    self.fail_on = match e.value.scalar_text().unwrap_or_default() {
                        "error" => Some(Severity::High),
                        "warning" => Some(Severity::Medium),
                        "info" => Some(Severity::Low),
                        "style" => Some(Severity::Info),
                        "ignore" | "none" => Some(Severity::Critical),
                        other => {
                            return Err(err(
                                &e.value,
                                format!("unknown failure-threshold `{other}`"),
                            ));
                        }
                    };
                }
                // Output and pragma settings do not change what is found.
                _ => {}
            }
        }
        Ok(())
    }

    pub fn is_enabled(&self, rule: &Rule) -> bool {
        let code = rule.meta.code;
        !self.disabled.contains(&code) && (rule.default_enabled || self.enabled.contains(&code))
    }

    /// Disables rules by selector (CLI flags); unknown selectors are returned.
    pub fn disable(&mut self, selector: &str) -> bool {
        match crate::find_rule(selector) {
            Some(r) => {
                self.disabled.push(r.meta.code);
                true
            }
            None => false,
        }
    }

    /// The severity configured for a rule, if the configuration overrides it.
    pub fn severity_override(&self, meta: &RuleMeta) -> Option<Severity> {
        self.severity.get(meta.code).copied()
    }

    pub fn options(&self, meta: &RuleMeta) -> &RuleOptions {
        self.options.get(meta.code).unwrap_or(&EMPTY_OPTIONS)
    }

    /// Whether a path (relative to the scan root, with `/` separators) is excluded.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.is_match(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rules_and_keys_point_at_their_line() {
        let e = Config::parse(".bulwark.yaml", "rules:\n  disable:\n    - KUB999\n")
            .expect_err("unknown rule");
        assert_eq!((e.line, e.column), (3, 7));
        assert!(e.message.contains("unknown rule `KUB999`"), "{e}");
        let e = Config::parse(".bulwark.yaml", "rulez: {}\n").expect_err("unknown key");
        assert_eq!(e.line, 1);
        let e = Config::parse(
            ".bulwark.yaml",
            "ignore:\n  - paths: [a/**]\n    rules: [KUB010]\n",
        )
        .expect_err("reason");
        assert!(e.message.contains("reason"), "{e}");
    }
}
