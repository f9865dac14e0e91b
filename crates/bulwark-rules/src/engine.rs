//! Runs the rules over parsed Kubernetes files and applies configuration and suppressions.

use std::collections::BTreeMap;

use bulwark_core::{Finding, InputError, SourceFile, TargetKind, TargetReport};
use bulwark_k8s::{K8sObject, objects_in};
use bulwark_yaml::Document;

use crate::context::{ObjectCtx, SetCtx, SetObject};
use crate::registry::{Check, Rule, all_rules};
use crate::{Config, suppress};

declare_rule! {
    /// ## What it does
    /// Reports a `bulwark:ignore` comment or an `ignore.bulwark.dev/…` annotation that gives no
    /// reason.
    ///
    /// ## Why is this bad?
    /// A suppression hides a finding from every report and gate. Without a reason, reviewers
    /// cannot tell an accepted risk from a silenced alarm, so bulwark does not honour it.
    ///
    /// ## Example
    /// ```yaml
    /// privileged: true # bulwark:ignore KUB010
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// privileged: true # bulwark:ignore KUB010 the CNI agent needs to manage host interfaces
    /// ```
    pub(crate) static SUPPRESSION_WITHOUT_REASON = {
        code: "CFG001",
        name: "suppression-without-reason",
        family: Config,
        severity: Medium,
        summary: "suppression gives no reason",
        help: "write why the finding is accepted after the rule codes",
        aliases: [],
        compliance: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a suppression whose `until=` date has passed (or is not a valid date).
    ///
    /// ## Why is this bad?
    /// Time-boxed exceptions are how teams accept a risk for a while. Once the date passes the
    /// exception no longer holds, the finding it hid is reported again, and so is the stale
    /// suppression, so that someone renews or removes it.
    ///
    /// ## Example
    /// ```yaml
    /// # bulwark:ignore KUB012 until=2024-01-31 waiting for the upstream image to drop root
    /// ```
    ///
    /// ## Fix
    /// Fix the underlying finding and remove the comment, or set a new date with a reason.
    pub(crate) static EXPIRED_SUPPRESSION = {
        code: "CFG002",
        name: "expired-suppression",
        family: Config,
        severity: Medium,
        summary: "suppression has expired",
        help: "fix the finding and remove the suppression, or renew it with a new date",
        aliases: [],
        compliance: [],
    }
}

pub(crate) static ENGINE_RULES: [Rule; 2] = [
    Rule {
        meta: &SUPPRESSION_WITHOUT_REASON,
        check: Check::Engine,
        default_enabled: true,
    },
    Rule {
        meta: &EXPIRED_SUPPRESSION,
        check: Check::Engine,
        default_enabled: true,
    },
];

/// A Kubernetes YAML/JSON file, parsed.
pub struct KubernetesFile {
    pub file: SourceFile,
    pub docs: Vec<Document>,
}

impl KubernetesFile {
    /// Parses a file; a YAML error becomes an input error naming file, line and column.
    pub fn parse(file: SourceFile) -> Result<KubernetesFile, InputError> {
        match bulwark_yaml::load_str(file.text()) {
            Ok(docs) => Ok(KubernetesFile { file, docs }),
            Err(e) => Err(InputError {
                path: file.path().to_owned(),
                line: Some(e.line),
                column: Some(e.column),
                message: e.message,
            }),
        }
    }

    /// Whether any document is a Kubernetes object.
    pub fn has_objects(&self) -> bool {
        !objects_in(&self.docs).is_empty()
    }
}

/// What a scan needs besides its inputs.
pub struct ScanOptions<'a> {
    pub config: &'a Config,
    /// The date suppressions' `until=` is compared with.
    pub today: jiff::civil::Date,
}

/// Runs every enabled rule over the files and returns one target report per file that holds
/// Kubernetes objects. Files without any are left out (they are not Kubernetes manifests).
pub fn scan_kubernetes_files(
    files: &[KubernetesFile],
    opts: &ScanOptions<'_>,
) -> Vec<TargetReport> {
    let rules: Vec<&Rule> = all_rules()
        .into_iter()
        .filter(|r| opts.config.is_enabled(r))
        .collect();
    let per_file: Vec<Vec<K8sObject<'_>>> = files.iter().map(|f| objects_in(&f.docs)).collect();
    let mut findings: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    for (i, (f, objects)) in files.iter().zip(&per_file).enumerate() {
        let out = findings.entry(i).or_default();
        for obj in objects {
            for rule in &rules {
                if let Check::Object(check) = rule.check {
                    let ctx =
                        ObjectCtx::new(rule.meta, &f.file, obj, opts.config.options(rule.meta));
                    check(&ctx, out);
                }
            }
        }
    }
    let set: Vec<SetObject<'_>> = files
        .iter()
        .zip(&per_file)
        .flat_map(|(f, objs)| {
            objs.iter().map(|o| SetObject {
                file: &f.file,
                object: *o,
            })
        })
        .collect();
    for rule in &rules {
        if let Check::Set(check) = rule.check {
            let ctx = SetCtx {
                meta: rule.meta,
                objects: &set,
                options: opts.config.options(rule.meta),
            };
            let mut out = Vec::new();
            check(&ctx, &mut out);
            for f in out {
                if let Some(i) = files.iter().position(|x| x.file.path() == f.location.path) {
                    findings.entry(i).or_default().push(f);
                }
            }
        }
    }
    let mut reports = Vec::new();
    for (i, (f, objects)) in files.iter().zip(&per_file).enumerate() {
        if objects.is_empty() {
            continue;
        }
        let mut fs = findings.remove(&i).unwrap_or_default();
        suppress::apply(&f.file, &f.docs, objects, &mut fs, opts.config, opts.today);
        fs.retain(|x| crate::find_rule(&x.rule).is_none_or(|r| opts.config.is_enabled(r)));
        for x in &mut fs {
            if let Some(sev) =
                crate::find_rule(&x.rule).and_then(|r| opts.config.severity_override(r.meta))
            {
                x.severity = sev;
            }
        }
        fs.sort_by(|a, b| {
            (a.location.start_byte, &a.rule, &a.message).cmp(&(
                b.location.start_byte,
                &b.rule,
                &b.message,
            ))
        });
        reports.push(TargetReport {
            path: f.file.path().to_owned(),
            kind: TargetKind::Kubernetes,
            findings: fs,
            errors: Vec::new(),
        });
    }
    reports
}
