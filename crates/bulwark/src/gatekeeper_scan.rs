//! Gatekeeper mode of `bulwark scan --policy DIR`: the ConstraintTemplates and Constraints
//! among the policy inputs (YAML and JSON files) are applied to the Kubernetes objects of the
//! scanned files as Gatekeeper's audit applies them (`bulwark_policy::gatekeeper`): every
//! object is matched against every constraint, Namespaces among the objects serve
//! `namespaceSelector`, and `data.inventory` holds all the objects. Each violation is a
//! `POL003` finding at the object, through the same suppressions and `--fail-on` gate as
//! built-in findings.
//!
//! The constraint's enforcement action (at the shift-left point, `gator.gatekeeper.sh`)
//! decides what the finding does: `deny` keeps the rule's severity (high), `warn` lowers it to
//! info (counted only with `--fail-on info`, as conftest's `warn`), and `dryrun` keeps the
//! finding in the report but suppressed (Gatekeeper records dry-run violations and never acts
//! on them).

use std::path::PathBuf;

use bulwark_core::{
    Finding, InputError, Location, Severity, Suppression, SuppressionKind, TargetKind, TargetReport,
};
use bulwark_k8s::objects_in;
use bulwark_policy::engine::EngineOptions;
use bulwark_policy::gatekeeper::{EnforcementAction, Gatekeeper, GatekeeperError};
use bulwark_rules::{Config, KubernetesFile, missing_span};

pub use bulwark_rules::policy::GATEKEEPER_VIOLATION;

/// Templates and constraints read from the policy inputs, and the errors of bad ones.
pub struct Loaded {
    gatekeeper: Gatekeeper,
    errors: Vec<GatekeeperError>,
}

/// Reads the templates and constraints under `policy`. `None` when there are none (and no
/// bad ones): Gatekeeper mode is off.
pub fn load(policy: &[PathBuf]) -> Result<Option<Loaded>, String> {
    if policy.is_empty() {
        return Ok(None);
    }
    let (gatekeeper, errors) =
        Gatekeeper::load(policy, EngineOptions::default()).map_err(|e| e.to_string())?;
    if gatekeeper.templates.is_empty() && gatekeeper.constraints.is_empty() && errors.is_empty() {
        return Ok(None);
    }
    Ok(Some(Loaded { gatekeeper, errors }))
}

/// Whether the policy inputs hold `.rego` files (conftest-mode policies or Trivy checks).
pub fn has_rego_policies(policy: &[PathBuf]) -> Result<bool, String> {
    bulwark_policy::load::find_policy_files(policy)
        .map(|files| !files.is_empty())
        .map_err(|e| e.to_string())
}

/// Applies the loaded templates and constraints to the objects of `manifests`. Bad templates
/// and constraints are input errors on their files; the others still run.
pub fn run(
    loaded: &Loaded,
    manifests: &[KubernetesFile],
    config: &Config,
    today: jiff::civil::Date,
) -> Vec<TargetReport> {
    let Loaded { gatekeeper, errors } = loaded;
    let mut targets: Vec<TargetReport> = errors.iter().map(error_target).collect();

    // Every object of every file, in file order.
    let mut owners = Vec::new();
    let mut objects = Vec::new();
    for (fi, file) in manifests.iter().enumerate() {
        for object in objects_in(&file.docs) {
            let Ok(json) = object.node.try_to_json() else {
                continue;
            };
            owners.push((fi, missing_span(object.node), object.resource()));
            objects.push(json);
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results = gatekeeper.audit(&objects, threads);

    let mut per_file: Vec<Vec<Finding>> = vec![Vec::new(); manifests.len()];
    for r in results {
        let (fi, span, resource) = &owners[r.object];
        let message = if r.error {
            format!(
                "constraint {}/{} could not be evaluated: {}",
                r.constraint_kind, r.constraint_name, r.message
            )
        } else {
            format!(
                "{} ({}/{})",
                r.message, r.constraint_kind, r.constraint_name
            )
        };
        let mut finding = Finding::new(
            &GATEKEEPER_VIOLATION,
            message,
            Location::new(manifests[*fi].file.path(), *span),
        )
        .with_resource(resource.clone())
        .with_label(format!(
            "violates {} {} (template {}, enforcementAction {})",
            r.constraint_kind,
            r.constraint_name,
            r.template,
            r.action.as_str()
        ));
        match r.action {
            EnforcementAction::Deny => {}
            EnforcementAction::Warn => finding.severity = Severity::Info,
            EnforcementAction::Dryrun => {
                finding.severity = Severity::Info;
                finding.suppressed = Some(Suppression {
                    kind: SuppressionKind::Config,
                    reason: format!(
                        "constraint {}/{} has enforcementAction dryrun: violations are recorded, never enforced",
                        r.constraint_kind, r.constraint_name
                    ),
                    expires: None,
                    location: Some(Location::file(r.constraint_source.clone())),
                });
            }
        }
        per_file[*fi].push(finding);
    }
    for (file, mut findings) in manifests.iter().zip(per_file) {
        if findings.is_empty() {
            continue;
        }
        file.apply_suppressions(&mut findings, config, today);
        findings.sort_by_key(|f| f.location.start_byte);
        targets.push(TargetReport {
            path: file.file.path().to_owned(),
            kind: TargetKind::Kubernetes,
            findings,
            errors: Vec::new(),
        });
    }
    targets
}

/// A bad template or constraint, as an input error on its file.
fn error_target(error: &GatekeeperError) -> TargetReport {
    let (path, message) = match error {
        GatekeeperError::Invalid { path, message } => (path.clone(), message.clone()),
        GatekeeperError::Policy(e) => (String::new(), e.to_string()),
    };
    // `path:line` from a YAML error.
    let (path, line) = match path.rsplit_once(':') {
        Some((p, l)) if l.parse::<u32>().is_ok() => (p.to_owned(), l.parse().ok()),
        _ => (path, None),
    };
    TargetReport {
        path: path.clone(),
        kind: TargetKind::Config,
        findings: Vec::new(),
        errors: vec![InputError {
            path,
            line,
            column: None,
            message,
        }],
    }
}
