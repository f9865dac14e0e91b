//! `bulwark scan`.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};

use bulwark_core::{InputError, Report, Severity, SourceFile, TargetKind, TargetReport};
use bulwark_k8s::SchemaSet;
use bulwark_report::conftest::{ConftestFormat, ConftestOptions, render_conftest};
use bulwark_report::{TableOptions, render_json, render_junit, render_sarif, render_table};
use bulwark_rules::{
    Config, DockerfileInput, KubernetesFile, ScanOptions, all_rules, scan_dockerfiles,
    scan_kubernetes_files,
};

use crate::chart_scan::{ChartScan, ChartValues, scan_chart};
use crate::cli::{ColorChoice, ReportFormat, ScanArgs};
use crate::discover::{Discovered, FileKind, discover};
use crate::image_target;
use crate::vuln::{VulnScanner, input_error};
use bulwark_vulndb::vex::VexSubject;

/// Files larger than this are reported as input errors rather than read.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub fn run(mut args: ScanArgs) -> Result<u8, String> {
    // conftest skips blank file names (`conftest test file.yaml ""`), and so does bulwark.
    args.targets.retain(|t| !t.as_os_str().is_empty());
    crate::conftest_cmd::apply_config(&mut args)?;
    if args.conftest_output.is_some() {
        args.only_policies = true;
    }
    if args.only_policies && args.policy.is_empty() {
        return Err(
            "--only-policies needs --policy DIR (or a conftest.toml that names `policy`)"
                .to_owned(),
        );
    }
    let (images, paths) = image_target::split_targets(&args.targets)?;
    let image_options = image_target::open_options(&args.image)?;
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => paths.first().and_then(|t| Config::discover(t)),
    };
    let mut config = match &config_path {
        Some(p) => Config::load(p).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    for d in &args.disable {
        if !config.disable(d) {
            return Err(format!(
                "unknown rule `{d}` in --disable: see `bulwark rules`"
            ));
        }
    }
    // Gatekeeper templates and constraints among the policy inputs need the manifests'
    // objects even with `--only-policies`.
    let gatekeeper = crate::gatekeeper_scan::load(&args.policy)?;
    let discovered = if args.only_policies && gatekeeper.is_none() {
        Vec::new()
    } else {
        discover(&paths, &|p| config.is_excluded(p))?
    };
    let (charts, files): (Vec<Discovered>, Vec<Discovered>) = discovered
        .into_iter()
        .partition(|d| d.kind == FileKind::Chart);
    let chart_values = if charts.is_empty() {
        None
    } else {
        Some(ChartValues::from_args(&args)?)
    };
    // SBOM files (CycloneDX, SPDX, Syft, bulwark JSON) are package lists, not manifests
    let (sbom_files, files): (Vec<Discovered>, Vec<Discovered>) =
        files.into_iter().partition(|f| is_sbom_file(&f.path));
    // Lockfiles are package lists too: matched against the advisory database.
    let (lockfiles, files): (Vec<Discovered>, Vec<Discovered>) = files
        .into_iter()
        .partition(|f| f.kind == FileKind::Lockfile);

    if let Some(p) = paths
        .first()
        .and_then(|t| find_upward(t, &[".hadolint.yaml", ".hadolint.yml"]))
    {
        let text = fs_err::read_to_string(&p).map_err(|e| e.to_string())?;
        config
            .apply_hadolint(&p.display().to_string(), &text)
            .map_err(|e| e.to_string())?;
    }
    let mut errors: BTreeMap<String, Vec<InputError>> = BTreeMap::new();
    let mut manifests = Vec::new();
    let mut dockerfiles = Vec::new();
    for (f, parsed) in files.iter().zip(parse_all(&files)) {
        match parsed {
            Ok(Parsed::Manifest(k)) => manifests.push(k),
            Ok(Parsed::Dockerfile(d)) => dockerfiles.push(d),
            Err(e) => errors.entry(f.display.clone()).or_default().push(e),
        }
    }
    let mut schemas = Vec::new();
    // The embedded schemas take a while to load: only when there are manifests (plain or
    // rendered from charts) to validate.
    if !(args.no_schema || args.only_policies || manifests.is_empty() && charts.is_empty()) {
        schemas.push(SchemaSet::embedded(args.kube_version.as_deref()).map_err(|e| e.to_string())?);
        for dir in &args.schema_location {
            schemas.push(
                SchemaSet::from_dir(dir)
                    .map_err(|e| format!("--schema-location {}: {e}", dir.display()))?,
            );
        }
    }
    // The local date (expiring suppressions, date-bound checks) matters to file rules,
    // Gatekeeper and policies only. Finding the local time zone indexes the whole zoneinfo
    // database, a good part of an image scan's start-up, so other scans take the UTC date.
    let local_date_needed = !manifests.is_empty()
        || !dockerfiles.is_empty()
        || chart_values.is_some()
        || gatekeeper.is_some()
        || !args.policy.is_empty();
    let today = if local_date_needed {
        jiff::Zoned::now().date()
    } else {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    };
    let opts = ScanOptions {
        config: &config,
        today,
        schemas: &schemas,
    };
    let mut targets = Vec::new();
    let mut chart_sources = Vec::new();
    if !args.only_policies {
        targets.extend(scan_kubernetes_files(&manifests, &opts));
        targets.extend(scan_dockerfiles(&dockerfiles, &opts));
        if let Some(values) = &chart_values {
            for scanned in scan_charts(&charts, values, &opts) {
                targets.extend(scanned.targets);
                chart_sources.extend(scanned.sources);
            }
        }
        targets.extend(scan_packages(
            &args,
            &config,
            &images,
            &sbom_files,
            &lockfiles,
            &paths,
            &image_options,
        ));
        targets.extend(crate::provenance_scan::scan(&args, &config)?);
        if args.require_signature {
            let signatures = image_signature_reports(&args, &config, &images)?;
            merge_targets(&mut targets, signatures);
        }
    }
    for (path, errs) in errors {
        match targets.iter_mut().find(|t| t.path == path) {
            Some(t) => t.errors.extend(errs),
            None => targets.push(TargetReport {
                kind: if files
                    .iter()
                    .any(|f| f.display == path && f.kind == FileKind::Dockerfile)
                {
                    TargetKind::Dockerfile
                } else {
                    TargetKind::Kubernetes
                },
                path,
                findings: Vec::new(),
                errors: errs,
            }),
        }
    }
    // Gatekeeper constraints apply to the charts' rendered objects too (render errors are
    // the chart scan's to report).
    let mut rendered = Vec::new();
    if let (Some(_), Some(values)) = (&gatekeeper, &chart_values) {
        for chart in &charts {
            for (name, text) in
                crate::chart_scan::rendered_manifests(chart, values).unwrap_or_default()
            {
                if let Ok(k) = KubernetesFile::parse(SourceFile::new(name, text)) {
                    rendered.push(k);
                }
            }
        }
    }
    manifests.append(&mut rendered);
    if let Some(loaded) = &gatekeeper {
        let found = crate::gatekeeper_scan::run(loaded, &manifests, &config, today);
        merge_targets(&mut targets, found);
    }
    let mut sources: HashMap<String, SourceFile> = manifests
        .into_iter()
        .map(|k| k.file)
        .chain(dockerfiles.into_iter().map(|d| d.file))
        .chain(chart_sources)
        .map(|f| (f.path().to_owned(), f))
        .collect();
    let policy = if args.policy.is_empty()
        || (gatekeeper.is_some() && !crate::gatekeeper_scan::has_rego_policies(&args.policy)?)
    {
        None
    } else {
        let outcome = crate::policy_scan::run(&args, &config, today)?;
        if let Some(format) = args.conftest_output {
            return Ok(finish_conftest(&args, &config, format.into(), &outcome));
        }
        if args.policy_checks.trace {
            let options = ConftestOptions {
                trace: true,
                ..ConftestOptions::default()
            };
            eprint!(
                "{}",
                render_conftest(&outcome.conftest, ConftestFormat::Stdout, &options)
            );
        }
        merge_targets(&mut targets, outcome.targets);
        for s in outcome.sources {
            sources.entry(s.path().to_owned()).or_insert(s);
        }
        for p in &outcome.prints {
            eprintln!("PRNT  {p}");
        }
        Some(outcome.counts)
    };
    let report = Report::new(targets);

    let text = match args.format {
        ReportFormat::Table => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    args.output.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none()
                }
            };
            render_table(
                &report,
                &sources,
                &TableOptions {
                    color,
                    show_suppressed: args.show_suppressed,
                },
            )
        }
        ReportFormat::Json => render_json(&report),
        ReportFormat::Sarif => {
            let metas: Vec<_> = all_rules().iter().map(|r| r.meta).collect();
            render_sarif(&report, &metas, &sources, env!("CARGO_PKG_VERSION"))
        }
        ReportFormat::Junit => render_junit(&report),
    };
    // conftest's summary line, after the findings, for people and scripts used to it.
    let text = match (&policy, args.format) {
        (Some(counts), ReportFormat::Table) => {
            format!("{}\n{}\n", text.trim_end(), counts.summary_line())
        }
        _ => text,
    };
    let fail_on: Severity = args
        .fail_on
        .map(Severity::from)
        .or(config.fail_on)
        .unwrap_or(Severity::Low);
    let code = report.exit_code(fail_on) as u8;
    if args.quiet && code == 0 && args.output.is_none() {
        return Ok(0);
    }
    match &args.output {
        Some(p) => fs_err::write(p, text.as_bytes()).map_err(|e| e.to_string())?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`bulwark scan | head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
        }
    }
    Ok(code)
}

/// Prints the policy results in a conftest format (`--conftest-output`) and gives conftest's
/// exit code: 1 on a failure (or a warning with `--fail-on info`), 2 when an input could not
/// be read; nothing is printed with `--quiet` when the code is 0.
fn finish_conftest(
    args: &ScanArgs,
    config: &Config,
    format: ConftestFormat,
    outcome: &crate::policy_scan::PolicyOutcome,
) -> u8 {
    let mut errors = 0;
    for t in &outcome.targets {
        for e in &t.errors {
            errors += 1;
            match e.line {
                Some(l) => eprintln!("error: {}:{l}: {}", e.path, e.message),
                None => eprintln!("error: {}: {}", e.path, e.message),
            }
        }
    }
    let fail_on: Severity = args
        .fail_on
        .map(Severity::from)
        .or(config.fail_on)
        .unwrap_or(Severity::Low);
    let counts = &outcome.counts;
    let code = if errors > 0 {
        2
    } else if counts.failures > 0 || (fail_on <= Severity::Info && counts.warnings > 0) {
        1
    } else {
        0
    };
    if args.quiet && code == 0 {
        return 0;
    }
    let options = ConftestOptions {
        color: match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                args.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
            }
        },
        trace: args.policy_checks.trace,
        suppress_exceptions: args.suppress_exceptions,
        ..ConftestOptions::default()
    };
    for p in &outcome.prints {
        eprintln!("PRNT  {p}");
    }
    let text = render_conftest(&outcome.conftest, format, &options);
    match &args.output {
        Some(p) => {
            if let Err(e) = fs_err::write(p, text.as_bytes()) {
                eprintln!("error: {e}");
                return 2;
            }
        }
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    code
}

/// Whether a discovered file is an SBOM document: a JSON file whose first 4 KiB name a
/// CycloneDX, SPDX, Syft or bulwark SBOM.
fn is_sbom_file(path: &std::path::Path) -> bool {
    use std::io::Read;
    if path.extension().is_none_or(|e| e != "json") {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    if f.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    [
        "\"bomFormat\"",
        "\"spdxVersion\"",
        "\"bulwark.sbom/v1\"",
        "\"artifactRelationships\"",
    ]
    .iter()
    .any(|k| text.contains(k))
}

/// The reports of image and SBOM targets: their packages matched against the advisory
/// database (unless `SUP001` is disabled), or the errors that prevented it.
fn scan_packages(
    args: &ScanArgs,
    config: &Config,
    images: &[(String, bulwark_oci::ImageSource)],
    sbom_files: &[Discovered],
    lockfiles: &[Discovered],
    explicit_targets: &[std::path::PathBuf],
    image_options: &bulwark_oci::OpenOptions,
) -> Vec<TargetReport> {
    if images.is_empty() && sbom_files.is_empty() && lockfiles.is_empty() {
        return Vec::new();
    }
    let enabled = bulwark_rules::find_rule(bulwark_rules::supply_chain::VULNERABLE_PACKAGE.code)
        .is_some_and(|r| config.is_enabled(r));
    // The database opens on another thread while the images are catalogued.
    let (catalogued, scanner) = std::thread::scope(|scope| {
        let opening = enabled.then(|| scope.spawn(|| VulnScanner::open(args)));
        let catalogued: Vec<_> = images
            .iter()
            .map(|(target, source)| crate::sbom_cmd::catalog_image(source, target, image_options))
            .collect();
        let scanner = opening.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err("the advisory database could not be opened".to_owned()))
        });
        (catalogued, scanner)
    });
    let finish = |mut report: TargetReport, sbom: Option<bulwark_sbom::Sbom>, ids: Vec<String>| {
        match (&scanner, sbom) {
            (Some(Ok(s)), Some(sbom)) => {
                let subject = VexSubject { identities: ids };
                let done = s.report(report.kind, &report.path, &sbom, &subject);
                report.findings.extend(done.findings);
                report.errors.extend(done.errors);
            }
            (Some(Err(e)), Some(_)) => report.errors.push(input_error(&report.path, e.clone())),
            _ => {}
        }
        report
    };
    let mut out = Vec::new();
    for ((target, _), catalogued) in images.iter().zip(catalogued) {
        let mut report = TargetReport {
            kind: TargetKind::Image,
            path: target.clone(),
            findings: Vec::new(),
            errors: Vec::new(),
        };
        match catalogued {
            Ok((catalog, ids)) => {
                for w in &catalog.warnings {
                    eprintln!("warning: {target}: {}: {}", w.path, w.message);
                }
                out.push(finish(report, Some(catalog.sbom), ids));
            }
            Err(e) => {
                report.errors.push(input_error(target, e));
                out.push(report);
            }
        }
    }
    for f in sbom_files {
        let (report, sbom) = scan_sbom_file(f);
        out.push(finish(report, sbom, vec![f.display.clone()]));
    }
    for f in lockfiles {
        let (report, sbom) = scan_lockfile(f);
        // Lockfiles met while walking a folder are matched when there is a database; without
        // one they are left unmatched with a warning rather than failing a configuration scan.
        if let (Some(Err(e)), false) = (&scanner, explicit_targets.contains(&f.path)) {
            eprintln!(
                "warning: {}: not matched against advisories: {e}",
                f.display
            );
            out.push(report);
            continue;
        }
        out.push(finish(report, sbom, vec![f.display.clone()]));
    }
    out
}

/// `--require-signature --key FILE`: each image target's cosign signatures checked, as
/// `SUP012`/`SUP013` findings (or the error that kept them from being checked).
fn image_signature_reports(
    args: &ScanArgs,
    config: &Config,
    images: &[(String, bulwark_oci::ImageSource)],
) -> Result<Vec<TargetReport>, String> {
    let key_path = args
        .key
        .as_deref()
        .ok_or("--require-signature needs --key FILE (a cosign public key)")?;
    let key = crate::image_sign::load_public_key(key_path)?;
    Ok(images
        .iter()
        .map(|(target, _)| {
            match crate::image_sign::image_verdict(target, &key, args.image.insecure) {
                Ok(verdict) => bulwark_rules::artifact_report(
                    target,
                    bulwark_rules::ArtifactKind::Image,
                    &verdict,
                    config,
                ),
                Err(e) => TargetReport {
                    kind: TargetKind::Image,
                    path: target.clone(),
                    findings: Vec::new(),
                    errors: vec![input_error(target, e)],
                },
            }
        })
        .collect())
}

/// Catalogues one lockfile (only that file is read); every package is located at the
/// lockfile as the report shows it.
fn scan_lockfile(f: &Discovered) -> (TargetReport, Option<bulwark_sbom::Sbom>) {
    let name = f
        .path
        .file_name()
        .map_or_else(|| f.display.clone(), |n| n.to_string_lossy().into_owned());
    let mut source = bulwark_sbom::FileListSource::new(
        f.display.clone(),
        vec![(f.path.clone(), format!("/{name}"))],
    );
    let mut report = TargetReport {
        kind: TargetKind::Lockfile,
        path: f.display.clone(),
        findings: Vec::new(),
        errors: Vec::new(),
    };
    match bulwark_sbom::catalog(&mut source) {
        Ok(mut catalog) => {
            // A lockfile that does not parse is an input error, not an empty package list.
            for w in catalog.warnings {
                report.errors.push(input_error(&f.display, w.message));
            }
            for p in &mut catalog.sbom.packages {
                for l in &mut p.locations {
                    l.path.clone_from(&f.display);
                }
            }
            (report, Some(catalog.sbom))
        }
        Err(e) => {
            report.errors.push(input_error(&f.display, e.to_string()));
            (report, None)
        }
    }
}

/// Reads an SBOM target into its packages.
pub(crate) fn scan_sbom_file(f: &Discovered) -> (TargetReport, Option<bulwark_sbom::Sbom>) {
    let read = fs_err::read(&f.path)
        .map_err(|e| e.to_string())
        .and_then(|b| bulwark_sbom::format::read_sbom(&b, &f.display).map_err(|e| e.to_string()));
    let (errors, sbom) = match read {
        Ok(s) => (Vec::new(), Some(s)),
        Err(message) => (
            vec![InputError {
                path: f.display.clone(),
                line: None,
                column: None,
                message,
            }],
            None,
        ),
    };
    let report = TargetReport {
        kind: TargetKind::Sbom,
        path: f.display.clone(),
        findings: Vec::new(),
        errors,
    };
    (report, sbom)
}

/// Adds the findings and errors of `more` to the targets of the same path, or as targets.
fn merge_targets(targets: &mut Vec<TargetReport>, more: Vec<TargetReport>) {
    for t in more {
        match targets.iter_mut().find(|x| x.path == t.path) {
            Some(x) => {
                x.findings.extend(t.findings);
                x.errors.extend(t.errors);
            }
            None => targets.push(t),
        }
    }
}

/// A file read and parsed.
enum Parsed {
    Manifest(KubernetesFile),
    Dockerfile(DockerfileInput),
}

/// The nearest of `names` in the folder of `start` or above it.
fn find_upward(start: &std::path::Path, names: &[&str]) -> Option<std::path::PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    let start = std::fs::canonicalize(start).ok()?;
    start
        .ancestors()
        .find_map(|dir| names.iter().map(|n| dir.join(n)).find(|p| p.is_file()))
}

/// Renders and scans the charts on every available core, keeping their order.
fn scan_charts(
    charts: &[Discovered],
    values: &ChartValues,
    opts: &ScanOptions<'_>,
) -> Vec<ChartScan> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(charts.len().max(1));
    let one = |c: &Discovered| scan_chart(c, values, opts);
    if threads <= 1 {
        return charts.iter().map(one).collect();
    }
    let slots = interleaved_map(charts, threads, one);
    slots
        .into_iter()
        .zip(charts)
        .map(|(r, c)| {
            r.unwrap_or_else(|| ChartScan {
                targets: vec![TargetReport {
                    path: c.display.clone(),
                    kind: TargetKind::Helm,
                    findings: Vec::new(),
                    errors: vec![InputError {
                        path: c.display.clone(),
                        line: None,
                        column: None,
                        message: "internal error while scanning this chart".to_owned(),
                    }],
                }],
                sources: Vec::new(),
            })
        })
        .collect()
}

/// Reads and parses the files on every available core, keeping their order.
fn parse_all(files: &[Discovered]) -> Vec<Result<Parsed, InputError>> {
    let parse = |f: &Discovered| {
        let source = read_source(&f.path, &f.display)?;
        match f.kind {
            FileKind::Manifest => KubernetesFile::parse(source).map(Parsed::Manifest),
            FileKind::Dockerfile => DockerfileInput::parse(source).map(Parsed::Dockerfile),
            FileKind::Chart | FileKind::Lockfile => Err(InputError {
                path: f.display.clone(),
                line: None,
                column: None,
                message: "a chart is rendered and a lockfile catalogued, not parsed as a file"
                    .to_owned(),
            }),
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    if threads <= 1 {
        return files.iter().map(parse).collect();
    }
    // Interleave files over threads so large files spread out.
    let slots = interleaved_map(files, threads, parse);
    slots
        .into_iter()
        .zip(files)
        .map(|(r, f)| {
            r.unwrap_or_else(|| {
                Err(InputError {
                    path: f.display.clone(),
                    line: None,
                    column: None,
                    message: "internal error while reading this file".to_owned(),
                })
            })
        })
        .collect()
}

fn read_source(path: &std::path::Path, display: &str) -> Result<SourceFile, InputError> {
    let err = |message: String| InputError {
        path: display.to_owned(),
        line: None,
        column: None,
        message,
    };
    let meta = fs_err::metadata(path).map_err(|e| err(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(format!(
            "file is {} bytes, more than the {MAX_FILE_BYTES}-byte limit",
            meta.len()
        )));
    }
    let bytes = fs_err::read(path).map_err(|e| err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        err(format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(SourceFile::new(display, text))
}

/// Applies `f` to every item on `threads` scoped threads, item `i` going to thread
/// `i % threads` so large items spread out; results keep the items' order. An item whose
/// thread panicked gives `None` (that thread's other items too), and the caller reports it.
fn interleaved_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    let mut slots: Vec<Option<R>> = Vec::new();
    slots.resize_with(items.len(), || None);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let f = &f;
                scope.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            if let Ok(done) = h.join() {
                for (i, r) in done {
                    slots[i] = Some(r);
                }
            }
        }
    });
    slots
}
