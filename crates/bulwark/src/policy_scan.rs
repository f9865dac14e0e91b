//! The Rego part of `bulwark scan --policy DIR`: conftest-mode policies and Trivy-format
//! checks evaluated over every target file a policy parser reads, their results turned into
//! `POL` findings that go through the same configuration, suppressions, reporters and
//! `--fail-on` gate as built-in findings.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use bulwark_core::{
    Finding, InputError, Location, Resource, RuleMeta, Severity, SourceFile, Span, TargetKind,
    TargetReport,
};
use bulwark_policy::conftest::{Conftest, Counts, LoadOptions, NamespaceSelection, RuleMessage};
use bulwark_policy::engine::{EngineOptions, SyntaxMode};
use bulwark_policy::inputs::{
    InputFormat, ParseOptions, ParsedInput, parse_input_with, trivy_dockerfile_input,
};
use bulwark_policy::load::{build_engine, find_policy_files, load_data};
use bulwark_policy::trivy::{Selector, TrivyCheck, check_of, run_check};

use bulwark_core::{Suppression, SuppressionKind, parse_inline_suppressions};
use bulwark_rules::Config;

use crate::cli::{RegoVersionArg, ScanArgs};

pub use bulwark_rules::policy::{POLICY_DENY, POLICY_WARN};

/// What the policies produced.
pub struct PolicyOutcome {
    pub targets: Vec<TargetReport>,
    pub sources: Vec<SourceFile>,
    /// conftest's counts (tests, passed, warnings, failures, exceptions).
    pub counts: Counts,
    /// `print` output of the policies.
    pub prints: Vec<String>,
    /// The conftest-mode results in conftest's shape (for `--conftest-output` and traces).
    pub conftest: Vec<bulwark_report::conftest::CheckResult>,
}

fn engine_options(args: &ScanArgs) -> EngineOptions {
    EngineOptions {
        syntax: match args.rego_version {
            Some(RegoVersionArg::V0) => SyntaxMode::V0Compatible,
            Some(RegoVersionArg::V1) => SyntaxMode::V1,
            None => SyntaxMode::Auto,
        },
        strict_builtin_errors: args.policy_checks.show_builtin_errors.unwrap_or(false),
        ..EngineOptions::default()
    }
}

/// The static checks `--strict` and `--capabilities` ask for, as one error listing every
/// refusal.
pub fn check_policies(
    engine: &mut bulwark_policy::engine::PolicyEngine,
    checks: &crate::cli::PolicyCheckArgs,
) -> Result<(), String> {
    let mut refused = Vec::new();
    if let Some(path) = &checks.capabilities {
        let caps = bulwark_policy::analysis::Capabilities::load(path)
            .map_err(|e| format!("--capabilities: {e}"))?;
        refused.extend(caps.check(engine).iter().map(ToString::to_string));
    }
    if checks.strict {
        refused.extend(bulwark_policy::analysis::strict_errors(engine));
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the policies do not compile ({} error{}):\n{}",
            refused.len(),
            if refused.len() == 1 { "" } else { "s" },
            refused.join("\n")
        ))
    }
}

/// A conftest-mode result in conftest's shape.
fn conftest_result(
    r: &bulwark_policy::conftest::CheckResult,
) -> bulwark_report::conftest::CheckResult {
    use bulwark_report::conftest::{QueryTrace, ResultMessage};
    let messages = |list: &[RuleMessage]| -> Vec<ResultMessage> {
        list.iter()
            .map(|m| ResultMessage::new(m.message.clone(), m.metadata.clone(), m.line.unwrap_or(1)))
            .collect()
    };
    bulwark_report::conftest::CheckResult {
        filename: r.file.clone(),
        namespace: r.namespace.clone(),
        successes: r.successes,
        skipped: Vec::new(),
        warnings: messages(&r.warnings),
        failures: messages(&r.failures),
        exceptions: messages(&r.exceptions),
        queries: r
            .traces
            .iter()
            .map(|t| QueryTrace {
                query: t.query.clone(),
                traces: t.lines.clone(),
                passed: t.passed,
            })
            .collect(),
    }
}

/// Evaluates the policies of `args.policy` over the targets.
pub fn run(
    args: &ScanArgs,
    config: &Config,
    today: jiff::civil::Date,
) -> Result<PolicyOutcome, String> {
    let excluded = &|p: &str| config.is_excluded(p);
    for dir in &args.proto_file_dirs {
        if !dir.is_dir() {
            return Err(format!("--proto-file-dirs {}: not a folder", dir.display()));
        }
    }
    let parse_options = ParseOptions {
        proto_file_dirs: args.proto_file_dirs.clone(),
    };
    let forced = match &args.parser {
        Some(name) => Some(InputFormat::from_name(name).ok_or_else(|| {
            format!(
                "unknown parser `{name}` in --parser: use one of {}",
                InputFormat::ALL.map(|f| f.name()).join(", ")
            )
        })?),
        None => None,
    };
    let mut errors: BTreeMap<String, Vec<InputError>> = BTreeMap::new();
    let mut sources = Vec::new();
    let mut inputs = Vec::new();
    // Charts are rendered (with the scan's values) and their manifests checked, not their
    // template files one by one.
    let charts = charts_among(&args.targets, excluded)?;
    let mut files = gather(&args.targets, forced, excluded)?;
    files.retain(|f| !charts.iter().any(|c| f.path.starts_with(&c.path)));
    if !charts.is_empty() {
        let values = crate::chart_scan::ChartValues::from_args(args)?;
        for chart in &charts {
            match crate::chart_scan::rendered_manifests(chart, &values) {
                Ok(manifests) => {
                    for (name, text) in manifests {
                        match parse_input_with(&name, &text, InputFormat::Yaml, &parse_options) {
                            Ok(p) => inputs.push(p),
                            Err(e) => errors
                                .entry(name.clone())
                                .or_default()
                                .push(input_error(&name, e.line, e.message)),
                        }
                        sources.push(SourceFile::new(name, text));
                    }
                }
                Err(e) => errors
                    .entry(chart.display.clone())
                    .or_default()
                    .push(input_error(&chart.display, None, e)),
            }
        }
    }
    for file in files {
        let text = match read_target(&file.path) {
            Ok(t) => t,
            Err(e) => {
                errors
                    .entry(file.display.clone())
                    .or_default()
                    .push(input_error(&file.display, None, e));
                continue;
            }
        };
        match parse_input_with(&file.display, &text, file.format, &parse_options) {
            Ok(p) => inputs.push(p),
            Err(e) => errors
                .entry(file.display.clone())
                .or_default()
                .push(input_error(&file.display, e.line, e.message)),
        }
        sources.push(SourceFile::new(file.display.clone(), text));
    }

    let options = engine_options(args);
    let files = find_policy_files(&args.policy).map_err(|e| e.to_string())?;
    let trivy_checks: Vec<TrivyCheck> = files.iter().filter_map(check_of).collect();
    let mut conftest = Conftest::load(&LoadOptions {
        policies: args.policy.clone(),
        data: args.data.clone(),
        engine: options,
    })
    .map_err(|e| e.to_string())?;
    check_policies(conftest.engine_mut(), &args.policy_checks)?;
    if args.policy_checks.trace {
        conftest.enable_trace();
    }
    let selection = if args.all_namespaces {
        NamespaceSelection::All
    } else if args.namespace.is_empty() {
        NamespaceSelection::default()
    } else {
        NamespaceSelection::Globs(args.namespace.clone())
    };
    let results = if args.combine {
        conftest.check_combined(&inputs, &selection)
    } else {
        conftest.check(&inputs, &selection)
    }
    .map_err(|e| e.to_string())?;
    let counts = Counts::of(&results);
    let mut prints = conftest.take_prints();

    let mut findings: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for r in &results {
        // `--combine` results are about every file; they are shown on the first one.
        let path = match inputs.iter().find(|i| i.path == r.file) {
            Some(i) => i.path.clone(),
            None => inputs.first().map(|i| i.path.clone()).unwrap_or_default(),
        };
        for (meta, m) in r
            .failures
            .iter()
            .map(|m| (&POLICY_DENY, m))
            .chain(r.warnings.iter().map(|m| (&POLICY_WARN, m)))
        {
            let f = finding(meta, m, &path, &inputs, &sources);
            findings.entry(path.clone()).or_default().push(f);
        }
    }

    if !trivy_checks.is_empty() {
        let data = load_data(&args.data).map_err(|e| e.to_string())?;
        let mut engine =
            build_engine(&files, &data, options, &Default::default()).map_err(|e| e.to_string())?;
        for input in &inputs {
            let trivy_inputs = trivy_inputs(input, &sources);
            for check in &trivy_checks {
                for (selector, value, line, resource) in &trivy_inputs {
                    if !check.selectors.contains(selector) {
                        continue;
                    }
                    let results =
                        run_check(&mut engine, check, value).map_err(|e| e.to_string())?;
                    for res in results {
                        let f = trivy_finding(
                            check,
                            &res,
                            &input.path,
                            *line,
                            resource.clone(),
                            &sources,
                        );
                        findings.entry(input.path.clone()).or_default().push(f);
                    }
                }
            }
        }
        prints.extend(engine.take_prints());
    }

    for (path, fs) in findings.iter_mut() {
        suppress(fs, sources.iter().find(|s| s.path() == path), config, today);
    }
    let mut targets = Vec::new();
    for input in &inputs {
        let path = input.path.clone();
        targets.push(TargetReport {
            kind: target_kind(input.format),
            findings: findings.remove(&path).unwrap_or_default(),
            errors: errors.remove(&path).unwrap_or_default(),
            path,
        });
    }
    for (path, fs) in findings {
        targets.push(TargetReport {
            path,
            kind: TargetKind::Config,
            findings: fs,
            errors: Vec::new(),
        });
    }
    for (path, errs) in errors {
        targets.push(TargetReport {
            path,
            kind: TargetKind::Config,
            findings: Vec::new(),
            errors: errs,
        });
    }
    Ok(PolicyOutcome {
        targets,
        sources,
        counts,
        prints,
        conftest: results.iter().map(conftest_result).collect(),
    })
}

fn target_kind(format: InputFormat) -> TargetKind {
    match format {
        InputFormat::Dockerfile => TargetKind::Dockerfile,
        InputFormat::Yaml | InputFormat::Json => TargetKind::Kubernetes,
        _ => TargetKind::Config,
    }
}

fn input_error(path: &str, line: Option<u32>, message: String) -> InputError {
    InputError {
        path: path.to_owned(),
        line,
        column: None,
        message,
    }
}

/// The charts among the targets (chart folders, also found while walking, and `.tgz`
/// archives), as `bulwark scan` finds them.
fn charts_among(
    targets: &[PathBuf],
    excluded: &dyn Fn(&str) -> bool,
) -> Result<Vec<crate::discover::Discovered>, String> {
    let paths: Vec<PathBuf> = targets
        .iter()
        .filter(|t| !t.as_os_str().is_empty() && t.as_os_str() != "-")
        .cloned()
        .collect();
    Ok(crate::discover::discover(&paths, excluded)?
        .into_iter()
        .filter(|d| d.kind == crate::discover::FileKind::Chart)
        .collect())
}

/// A file a policy parser reads.
pub(crate) struct PolicyTarget {
    pub path: PathBuf,
    pub display: String,
    pub format: InputFormat,
}

/// Files under the targets that a parser reads: files as given (by `--parser`, else by
/// name, else as YAML), folders walked honouring `.gitignore`. `-` is standard input.
pub(crate) fn gather(
    targets: &[PathBuf],
    forced: Option<InputFormat>,
    excluded: &dyn Fn(&str) -> bool,
) -> Result<Vec<PolicyTarget>, String> {
    let mut out = Vec::new();
    for t in targets {
        if t.as_os_str().is_empty() {
            continue;
        }
        if t.as_os_str() == "-" {
            out.push(PolicyTarget {
                path: t.clone(),
                display: "-".to_owned(),
                format: forced.unwrap_or(InputFormat::Yaml),
            });
            continue;
        }
        let meta = std::fs::metadata(t).map_err(|e| format!("{}: {e}", t.display()))?;
        if meta.is_file() {
            out.push(PolicyTarget {
                path: t.clone(),
                display: display_path(t),
                format: forced
                    .or_else(|| InputFormat::detect(t))
                    .unwrap_or(InputFormat::Yaml),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(t)
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .require_git(false)
            .follow_links(false)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| e.to_string())?;
            if !entry.file_type().is_some_and(|ft| ft.is_file()) {
                continue;
            }
            let p = entry.path();
            let Some(format) = forced.or_else(|| InputFormat::detect(p)) else {
                continue;
            };
            let rel = p.strip_prefix(t).unwrap_or(p);
            if excluded(&display_path(rel)) {
                continue;
            }
            out.push(PolicyTarget {
                path: p.to_owned(),
                display: display_path(p),
                format,
            });
        }
    }
    Ok(out)
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Files larger than this are reported as input errors rather than read.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) fn read_target(path: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_FILE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("standard input: {e}"))?;
    } else {
        let meta = fs_err::metadata(path).map_err(|e| e.to_string())?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "file is {} bytes, more than the {MAX_FILE_BYTES}-byte limit",
                meta.len()
            ));
        }
        bytes = fs_err::read(path).map_err(|e| e.to_string())?;
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The Kubernetes object a document is, if it is one.
fn resource_of(doc: &serde_json::Value) -> Option<Resource> {
    let kind = doc.get("kind")?.as_str()?;
    let api_version = doc
        .get("apiVersion")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let meta = doc.get("metadata");
    let field = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    Some(Resource {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        namespace: field("namespace"),
        name: field("name"),
        container: None,
    })
}

/// The span of line `line` (1-based) of a source file, or the file's start.
fn line_location(path: &str, line: Option<u32>, sources: &[SourceFile]) -> Location {
    let Some(src) = sources.iter().find(|s| s.path() == path) else {
        return Location::file(path);
    };
    let line = line.unwrap_or(1).max(1);
    let text = src.text();
    let start = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum::<usize>()
        .min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    let end = start + text[start..end].trim_end_matches('\r').len();
    Location::new(path, src.span(start, end))
}

fn finding(
    meta: &RuleMeta,
    m: &RuleMessage,
    path: &str,
    inputs: &[ParsedInput],
    sources: &[SourceFile],
) -> Finding {
    let doc = inputs
        .iter()
        .find(|i| i.path == path)
        .and_then(|i| i.documents.get(m.document));
    let mut f = Finding::new(
        meta,
        m.message.clone(),
        line_location(path, m.line, sources),
    )
    .with_secondary(
        Location::new(
            m.policy_file.clone(),
            Span {
                start: 0,
                end: 0,
                start_line: m.policy_line,
                start_column: 1,
                end_line: m.policy_line,
                end_column: 1,
            },
        ),
        format!("rule `{}` in package `{}`", m.rule, m.namespace),
    );
    if let Some(sev) = m
        .metadata
        .get("severity")
        .and_then(|s| s.as_str())
        .and_then(|s| s.to_ascii_lowercase().parse::<Severity>().ok())
    {
        f.severity = sev;
    }
    if let Some(r) = doc.and_then(|d| resource_of(&d.value)) {
        f = f.with_resource(r);
    }
    f
}

type TrivyInput = (Selector, serde_json::Value, Option<u32>, Option<Resource>);

/// The inputs of a file in Trivy's shapes.
fn trivy_inputs(input: &ParsedInput, sources: &[SourceFile]) -> Vec<TrivyInput> {
    match input.format {
        InputFormat::Dockerfile => {
            let Some(src) = sources.iter().find(|s| s.path() == input.path) else {
                return Vec::new();
            };
            match bulwark_dockerfile::parse(src.text()) {
                Ok(df) => vec![(
                    Selector::Dockerfile,
                    trivy_dockerfile_input(&df, &input.path),
                    None,
                    None,
                )],
                Err(_) => Vec::new(),
            }
        }
        InputFormat::Yaml | InputFormat::Json => input
            .documents
            .iter()
            .filter_map(|d| {
                let r = resource_of(&d.value)?;
                Some((Selector::Kubernetes, d.value.clone(), d.line, Some(r)))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn trivy_finding(
    check: &TrivyCheck,
    res: &bulwark_policy::trivy::TrivyResult,
    path: &str,
    doc_line: Option<u32>,
    resource: Option<Resource>,
    sources: &[SourceFile],
) -> Finding {
    let severity = check
        .severity
        .to_ascii_lowercase()
        .parse::<Severity>()
        .unwrap_or(Severity::Medium);
    let location = line_location(path, res.start_line.or(doc_line), sources);
    let mut f = Finding {
        rule: check.id.clone(),
        name: check
            .package
            .rsplit('.')
            .next()
            .unwrap_or(&check.package)
            .to_owned(),
        aliases: check.aliases.clone(),
        severity,
        message: res.message.clone(),
        label: None,
        help: (!check.recommended_action.is_empty()).then(|| check.recommended_action.clone()),
        location,
        labels: Vec::new(),
        resource: None,
        compliance: Vec::new(),
        suppressed: None,
        rendered_location: None,
        vulnerability: None,
    }
    .with_secondary(
        Location::file(check.file.clone()),
        format!("Trivy check `{}` ({})", check.id, check.title),
    );
    if let Some(r) = resource {
        f = f.with_resource(r);
    }
    f
}

/// Applies `# bulwark:ignore` comments of the input file (on the finding's line, or alone on
/// the line before it) and the configuration's path-scoped ignores.
fn suppress(
    findings: &mut [Finding],
    source: Option<&SourceFile>,
    config: &Config,
    today: jiff::civil::Date,
) {
    if let Some(src) = source {
        for s in parse_inline_suppressions(src.text()) {
            if s.reason.is_none() || s.is_expired(today) {
                continue;
            }
            let line = if s.own_line { s.line + 1 } else { s.line };
            for f in findings.iter_mut() {
                if f.suppressed.is_none()
                    && f.location.start_line == line
                    && s.selects(&f.rule, &f.name, &f.aliases)
                {
                    f.suppressed = Some(Suppression {
                        kind: SuppressionKind::Inline,
                        reason: s.reason.clone().unwrap_or_default(),
                        expires: s.until.clone(),
                        location: Some(Location::file(src.path())),
                    });
                }
            }
        }
    }
    for ig in &config.ignores {
        if ig
            .until
            .as_deref()
            .and_then(|u| u.parse::<jiff::civil::Date>().ok())
            .is_some_and(|d| d < today)
        {
            continue;
        }
        for f in findings.iter_mut() {
            if f.suppressed.is_none()
                && ig.globs.is_match(&f.location.path)
                && (ig.rules.is_empty() || ig.rules.iter().any(|r| r.eq_ignore_ascii_case(&f.rule)))
            {
                f.suppressed = Some(Suppression {
                    kind: SuppressionKind::Config,
                    reason: ig.reason.clone(),
                    expires: ig.until.clone(),
                    location: None,
                });
            }
        }
    }
}
