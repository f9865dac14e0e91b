//! Charts in `bulwark scan`: each chart is rendered as Helm renders it (its default values
//! plus `--values`/`--set`, then once more per `ci/*-values.yaml`, as chart-testing does),
//! the rendered manifests go through every Kubernetes analyzer, and each finding is moved
//! to the template line that wrote it, with the values lines that fed it as secondary
//! labels and its place in the rendered manifest kept as `rendered_location`.

use std::collections::HashSet;

use bulwark_core::{Finding, InputError, Label, Location, SourceFile, TargetKind, TargetReport};
use bulwark_helm::loader::merge_maps;
use bulwark_helm::manifest::sort_manifests;
use bulwark_helm::sourcemap::template_extent;
use bulwark_helm::{
    Capabilities, Chart, ChartFile, ChartSources, KubeVersion, Map, ReleaseOptions, ValueOptions,
    check_installable, load, parse_values, prepare, render, render_traced,
};
use bulwark_rules::{
    KubernetesFile, ScanOptions, apply_config, find_rule, scan_kubernetes_files,
    suppress_from_feeding_file, unusable_suppressions, yaml_extent,
};

use crate::cli::ScanArgs;
use crate::discover::Discovered;

/// The values the user gave for every chart.
pub struct ChartValues {
    /// `--values` files: shown path, text, parsed.
    files: Vec<(SourceFile, Map)>,
    /// The `--set` family.
    flags: ValueOptions,
    /// What the flags alone set.
    flag_values: Map,
    capabilities: Capabilities,
    /// Whether to render each `ci/*-values.yaml` too.
    ci_variants: bool,
}

impl ChartValues {
    /// Reads and checks the values options of `bulwark scan` (a bad file or flag is a
    /// usage error).
    pub fn from_args(args: &ScanArgs) -> Result<ChartValues, String> {
        let mut files = Vec::new();
        for path in &args.values {
            let bytes = fs_err::read(path).map_err(|e| e.to_string())?;
            let shown = crate::discover::display_path(path);
            let map = parse_values(&shown, &bytes)
                .map_err(|e| format!("failed to parse {shown}: {e}"))?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            files.push((SourceFile::new(shown, text), map));
        }
        let flags = ValueOptions {
            json_values: args.set_json.clone(),
            values: args.set.clone(),
            string_values: args.set_string.clone(),
            file_values: args.set_file.clone(),
            ..ValueOptions::default()
        };
        let flag_values = flags.apply_flags(Map::new()).map_err(|e| e.to_string())?;
        let mut capabilities = Capabilities::default();
        if let Some(v) = &args.kube_version {
            let kv = KubeVersion::parse(v).ok_or_else(|| format!("invalid kube version {v:?}"))?;
            capabilities = capabilities.with_kube_version(kv);
        }
        Ok(ChartValues {
            files,
            flags,
            flag_values,
            capabilities,
            ci_variants: !args.no_ci_values,
        })
    }
}

/// What scanning one chart gave: a target per variant, and the files findings point into.
pub struct ChartScan {
    pub targets: Vec<TargetReport>,
    pub sources: Vec<SourceFile>,
}

fn error_target(path: &str, message: String) -> TargetReport {
    TargetReport {
        path: path.to_owned(),
        kind: TargetKind::Helm,
        findings: Vec::new(),
        errors: vec![InputError {
            path: path.to_owned(),
            line: None,
            column: None,
            message,
        }],
    }
}

/// Renders and scans one chart (folder or archive) with each of its variants. A chart
/// that cannot be loaded or rendered is a target with Helm's error.
pub fn scan_chart(chart: &Discovered, values: &ChartValues, opts: &ScanOptions<'_>) -> ChartScan {
    let loaded = match load(&chart.path) {
        Ok(c) => c,
        Err(e) => {
            return ChartScan {
                targets: vec![error_target(&chart.display, e.to_string())],
                sources: Vec::new(),
            };
        }
    };
    let mut variants: Vec<Option<&ChartFile>> = vec![None];
    if values.ci_variants {
        let mut ci: Vec<&ChartFile> = loaded
            .files
            .iter()
            .filter(|f| {
                f.name
                    .strip_prefix("ci/")
                    .is_some_and(|n| !n.contains('/') && n.ends_with("-values.yaml"))
            })
            .collect();
        ci.sort_by(|a, b| a.name.cmp(&b.name));
        variants.extend(ci.into_iter().map(Some));
    }
    let mut out = ChartScan {
        targets: Vec::new(),
        sources: Vec::new(),
    };
    let mut seen_paths: HashSet<String> = HashSet::new();
    // Findings of the default render; a variant reports only what differs.
    let mut default_keys: HashSet<(String, String, u32, u32, String)> = HashSet::new();
    for variant in variants {
        let (mut target, sources) = scan_variant(&loaded, &chart.display, variant, values, opts);
        let key = |f: &Finding| {
            (
                f.rule.clone(),
                f.location.path.clone(),
                f.location.start_line,
                f.location.start_column,
                f.message.clone(),
            )
        };
        if variant.is_none() {
            default_keys = target.findings.iter().map(key).collect();
            if target.errors.is_empty() {
                let crds = scan_crds(&loaded, &chart.display, opts);
                target.findings.extend(crds.findings);
                target.errors.extend(crds.errors);
                out.sources.extend(crds.sources);
            }
        } else {
            target.findings.retain(|f| !default_keys.contains(&key(f)));
        }
        for s in sources {
            if seen_paths.insert(s.path().to_owned()) {
                out.sources.push(s);
            }
        }
        out.targets.push(target);
    }
    out
}

/// The user's values for one render: `--values` files, then the variant's `ci/` file, then
/// the `--set` flags; and the files they came from.
fn user_values(
    root: &str,
    variant: Option<&ChartFile>,
    values: &ChartValues,
) -> Result<(Map, Vec<SourceFile>), String> {
    let mut user = Map::new();
    let mut user_files = Vec::new();
    for (file, map) in &values.files {
        user = merge_maps(user, map.clone());
        user_files.push(file.clone());
    }
    if let Some(v) = variant {
        let shown = join(root, &v.name);
        let map =
            parse_values(&shown, &v.data).map_err(|e| format!("failed to parse {shown}: {e}"))?;
        user = merge_maps(user, map);
        user_files.push(SourceFile::new(
            shown,
            String::from_utf8_lossy(&v.data).into_owned(),
        ));
    }
    let user = values.flags.apply_flags(user).map_err(|e| e.to_string())?;
    Ok((user, user_files))
}

/// The manifests a chart renders to with the scan's values (no `ci/` variants), for the
/// policy engines: each as `(name, text)`, named `CHART/templates/x.yaml (rendered)` so it
/// is not mistaken for the template itself. NOTES.txt and empty outputs are left out.
pub fn rendered_manifests(
    chart: &Discovered,
    values: &ChartValues,
) -> Result<Vec<(String, String)>, String> {
    let loaded = load(&chart.path).map_err(|e| e.to_string())?;
    if loaded.is_library() {
        return Ok(Vec::new());
    }
    check_installable(&loaded, &values.capabilities).map_err(|e| e.to_string())?;
    let (user, _) = user_values(&chart.display, None, values)?;
    let input = prepare(
        loaded,
        &user,
        ReleaseOptions::default(),
        values.capabilities.clone(),
    )
    .map_err(|e| e.to_string())?;
    let rendered = render(&input).map_err(|e| e.to_string())?;
    sort_manifests(&rendered).map_err(|e| e.to_string())?;
    Ok(rendered
        .into_iter()
        .filter(|(name, text)| !name.ends_with("/NOTES.txt") && !text.trim().is_empty())
        .map(|(name, text)| {
            let inside = name.split_once('/').map_or(name.as_str(), |(_, rest)| rest);
            (format!("{} (rendered)", join(&chart.display, inside)), text)
        })
        .collect())
}

/// What scanning a chart's `crds/` files gave.
struct CrdScan {
    findings: Vec<Finding>,
    errors: Vec<InputError>,
    sources: Vec<SourceFile>,
}

/// Scans the chart's CustomResourceDefinitions (`crds/*.yaml|yml|json` of the chart and its
/// subcharts, which Helm installs as they are, unrendered) like plain manifests, at their
/// place in the chart (`CHART/charts/sub/crds/x.yaml`).
fn scan_crds(chart: &Chart, root: &str, opts: &ScanOptions<'_>) -> CrdScan {
    let mut out = CrdScan {
        findings: Vec::new(),
        errors: Vec::new(),
        sources: Vec::new(),
    };
    let mut files = Vec::new();
    for (full, f) in chart.crd_files() {
        // `full` starts with the chart's own name: the rest is the path inside the chart.
        let inside = full.split_once('/').map_or(full.as_str(), |(_, rest)| rest);
        let shown = join(root, inside);
        let text = String::from_utf8_lossy(&f.data).into_owned();
        match KubernetesFile::parse(SourceFile::new(shown, text)) {
            Ok(k) => files.push(k),
            Err(e) => out.errors.push(e),
        }
    }
    for report in scan_kubernetes_files(&files, opts) {
        out.findings.extend(report.findings);
        out.errors.extend(report.errors);
    }
    out.sources.extend(files.into_iter().map(|k| k.file));
    out
}

/// `dir/rest`, without `./` noise.
fn join(dir: &str, rest: &str) -> String {
    match dir {
        "" | "." => rest.to_owned(),
        d => format!("{}/{rest}", d.trim_end_matches('/')),
    }
}

fn scan_variant(
    chart: &Chart,
    root: &str,
    variant: Option<&ChartFile>,
    values: &ChartValues,
    opts: &ScanOptions<'_>,
) -> (TargetReport, Vec<SourceFile>) {
    let target = match variant {
        None => root.to_owned(),
        Some(v) => format!("{root} ({})", v.name),
    };
    let fail = |message: String| (error_target(&target, message), Vec::new());
    let (user, user_files) = match user_values(root, variant, values) {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    if chart.is_library() {
        // A library chart renders nothing; its templates are scanned through the charts
        // that use it.
        return (
            TargetReport {
                path: target,
                kind: TargetKind::Helm,
                findings: Vec::new(),
                errors: Vec::new(),
            },
            Vec::new(),
        );
    }
    if let Err(e) = check_installable(chart, &values.capabilities) {
        return fail(e.to_string());
    }
    let input = match prepare(
        chart.clone(),
        &user,
        ReleaseOptions::default(),
        values.capabilities.clone(),
    ) {
        Ok(i) => i,
        Err(e) => return fail(e.to_string()),
    };
    let (rendered, traces) = match render_traced(&input) {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    // What `helm template` refuses after rendering (a document that is not YAML).
    if let Err(e) = sort_manifests(&rendered) {
        return fail(e.to_string());
    }
    let sources = ChartSources::new(
        root,
        &input.chart,
        user_files,
        values.flag_values.clone(),
        traces,
    );
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for (name, text) in &rendered {
        if name.ends_with("/NOTES.txt") || text.trim().is_empty() {
            continue;
        }
        match parse_rendered(name, text) {
            Ok(k) => files.push(k),
            Err(mut e) => {
                e.message = format!("rendered template is not valid YAML: {}", e.message);
                errors.push(e);
            }
        }
    }
    let mut findings = Vec::new();
    for report in scan_kubernetes_files(&files, opts) {
        errors.extend(report.errors);
        for mut f in report.findings {
            map_finding(&sources, &files, &mut f, opts);
            findings.push(f);
        }
    }
    report_unusable_suppressions(&sources, &mut findings, opts);
    apply_config(&mut findings, opts.config, opts.today);
    let mut shown: Vec<SourceFile> = sources.files().cloned().collect();
    shown.extend(files.into_iter().map(|k| k.file));
    (
        TargetReport {
            path: target,
            kind: TargetKind::Helm,
            findings,
            errors,
        },
        shown,
    )
}

/// Reports the `bulwark:ignore` comments of the chart's templates (`#` and Go comments, in
/// rendered parts or not) and values files that are not honoured — no reason (`CFG001`),
/// past their date (`CFG002`) — once each, beside those already found in the rendered output.
fn report_unusable_suppressions(
    sources: &ChartSources,
    findings: &mut Vec<Finding>,
    opts: &ScanOptions<'_>,
) {
    let key = |f: &Finding| {
        (
            f.rule.clone(),
            f.location.path.clone(),
            f.location.start_line,
        )
    };
    let mut seen: HashSet<(String, String, u32)> = findings.iter().map(key).collect();
    for file in sources.files() {
        if !file.text().contains("bulwark:ignore") {
            continue;
        }
        let comments = sources
            .template_comments(file.path())
            .unwrap_or_else(|| file.clone());
        for f in unusable_suppressions(&comments, opts.today) {
            let enabled = find_rule(&f.rule).is_none_or(|r| opts.config.is_enabled(r));
            if enabled && seen.insert(key(&f)) {
                findings.push(f);
            }
        }
    }
}

/// Parses a rendered template. Helm splits documents at any `---` that starts a line, even
/// one followed by more text (`---# comment`); when the whole text does not parse, each
/// piece Helm would see is parsed on its own (in a copy of the text where the rest is
/// blanked, so positions stay those of the rendered text).
fn parse_rendered(name: &str, text: &str) -> Result<KubernetesFile, InputError> {
    let file = SourceFile::new(name, text);
    let whole = match KubernetesFile::parse(file.clone()) {
        Ok(k) => return Ok(k),
        Err(e) => e,
    };
    let Ok(sep) = regex::Regex::new(r"(?:^|\s*\n)---[ \t]*") else {
        return Err(whole);
    };
    let mut pieces = Vec::new();
    let mut from = 0;
    for m in sep.find_iter(text) {
        pieces.push(from..m.start());
        from = m.end();
    }
    pieces.push(from..text.len());
    if pieces.len() < 2 {
        return Err(whole);
    }
    let mut docs = Vec::new();
    for piece in pieces {
        if text[piece.clone()].trim().is_empty() {
            continue;
        }
        let blanked: String = text
            .char_indices()
            .map(|(i, c)| {
                if piece.contains(&i) || c == '\n' {
                    c.to_string()
                } else {
                    " ".repeat(c.len_utf8())
                }
            })
            .collect();
        match bulwark_yaml::load_str(&blanked) {
            Ok(d) => {
                for mut doc in d {
                    doc.index = docs.len();
                    docs.push(doc);
                }
            }
            Err(_) => return Err(whole),
        }
    }
    Ok(KubernetesFile { file, docs })
}

/// Moves a finding from the rendered manifest to the chart: the template text or action
/// that wrote it, the values lines that fed it (named in the message and as secondary
/// labels), and the suppressions written there.
fn map_finding(
    sources: &ChartSources,
    files: &[KubernetesFile],
    f: &mut Finding,
    opts: &ScanOptions<'_>,
) {
    let name = f.location.path.clone();
    let Some(k) = files.iter().find(|k| k.file.path() == name) else {
        return;
    };
    let text = k.file.text();
    let to_chart = |loc: &Location| {
        sources
            .map(&name, text, &k.docs, loc.start_byte, loc.end_byte)
            .template
    };
    let mapped = sources.map(
        &name,
        text,
        &k.docs,
        f.location.start_byte,
        f.location.end_byte,
    );
    let rendered = f.location.clone();
    if let Some(t) = mapped.template {
        f.location = t;
    }
    f.rendered_location = Some(rendered);
    for label in &mut f.labels {
        if label.location.path == name
            && let Some(t) = to_chart(&label.location)
        {
            label.location = t;
        }
    }
    if let Some(s) = &mut f.suppressed
        && let Some(loc) = &mut s.location
        && loc.path == name
        && let Some(t) = to_chart(loc)
    {
        *loc = t;
    }
    if !mapped.values.is_empty() {
        let from: Vec<String> = mapped.values.iter().map(|o| o.describe()).collect();
        f.message = format!("{} (from {})", f.message, from.join(", "));
        for o in &mapped.values {
            if let Some(loc) = &o.location {
                f.labels.push(Label {
                    location: loc.clone(),
                    message: format!("`{}` is set here", o.key),
                });
            }
        }
    }
    if f.suppressed.is_some() {
        return;
    }
    if let Some(t) = sources.template_comments(&f.location.path) {
        let line = f.location.start_line;
        if suppress_from_feeding_file(&t, line, f, opts.today, |l| template_extent(&t, l)) {
            return;
        }
    }
    for o in &mapped.values {
        let Some(loc) = &o.location else { continue };
        if let Some((file, docs)) = sources.values_file(&loc.path)
            && suppress_from_feeding_file(file, loc.start_line, f, opts.today, |l| {
                yaml_extent(docs, l)
            })
        {
            return;
        }
    }
}
