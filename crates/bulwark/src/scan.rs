//! `bulwark scan`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};

use bulwark_core::{InputError, Report, Severity, SourceFile, TargetKind, TargetReport};
use bulwark_k8s::SchemaSet;
use bulwark_report::{TableOptions, render_json, render_junit, render_sarif, render_table};
use bulwark_rules::{
    Config, DockerfileInput, KubernetesFile, ScanOptions, all_rules, scan_dockerfiles,
    scan_kubernetes_files,
};

use crate::cli::{ColorChoice, ReportFormat, ScanArgs};
use crate::discover::{Discovered, FileKind, discover};

/// Files larger than this are reported as input errors rather than read.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub fn run(args: ScanArgs) -> Result<u8, String> {
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => args.targets.first().and_then(|t| Config::discover(t)),
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
    let files = discover(&args.targets, &|p| config.is_excluded(p))?;

    if let Some(p) = args
        .targets
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
    if !args.no_schema {
        schemas.push(SchemaSet::embedded(args.kube_version.as_deref()).map_err(|e| e.to_string())?);
        for dir in &args.schema_location {
            schemas.push(
                SchemaSet::from_dir(dir)
                    .map_err(|e| format!("--schema-location {}: {e}", dir.display()))?,
            );
        }
    }
    let today = jiff::Zoned::now().date();
    let opts = ScanOptions {
        config: &config,
        today,
        schemas: &schemas,
    };
    let mut targets = scan_kubernetes_files(&manifests, &opts);
    targets.extend(scan_dockerfiles(&dockerfiles, &opts));
    targets.extend(crate::provenance_scan::scan(&args, &config)?);
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
    let report = Report::new(targets);
    let sources: Vec<SourceFile> = manifests
        .into_iter()
        .map(|k| k.file)
        .chain(dockerfiles.into_iter().map(|d| d.file))
        .collect();

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
    let fail_on: Severity = args
        .fail_on
        .map(Severity::from)
        .or(config.fail_on)
        .unwrap_or(Severity::Low);
    Ok(report.exit_code(fail_on) as u8)
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

/// Reads and parses the files on every available core, keeping their order.
fn parse_all(files: &[Discovered]) -> Vec<Result<Parsed, InputError>> {
    let parse = |f: &Discovered| {
        let source = read_source(&f.path, &f.display)?;
        match f.kind {
            FileKind::Manifest => KubernetesFile::parse(source).map(Parsed::Manifest),
            FileKind::Dockerfile => DockerfileInput::parse(source).map(Parsed::Dockerfile),
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    if threads <= 1 {
        return files.iter().map(parse).collect();
    }
    // Interleave files over threads so large files spread out.
    let mut slots: Vec<Option<Result<Parsed, InputError>>> = Vec::new();
    slots.resize_with(files.len(), || None);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let parse = &parse;
                scope.spawn(move || {
                    files
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, f)| (i, parse(f)))
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
