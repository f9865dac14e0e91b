//! Runs the rules over parsed Kubernetes files and applies configuration and suppressions.

use std::collections::BTreeMap;

use bulwark_core::Location;
use bulwark_core::{Finding, InputError, SourceFile, TargetKind, TargetReport};
use bulwark_k8s::{K8sObject, SchemaSet, Validation, objects_in};
use bulwark_yaml::Document;

use crate::context::{DockerfileCtx, ObjectCtx, SetCtx, SetObject};
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

declare_rule! {
    /// ## What it does
    /// Validates every object against the JSON schema of its `apiVersion` and `kind` for the
    /// selected Kubernetes version (`--kube-version`, default: the newest embedded), strictly:
    /// unknown fields, wrong types, values out of range and missing required fields are
    /// reported at the offending key or value. Custom resources are checked when
    /// `--schema-location DIR` provides their schemas.
    ///
    /// ## Why is this bad?
    /// The API server rejects an invalid object, or, for a misspelt optional field, silently
    /// drops it: a `securityContext` setting under the wrong key is a control that is not
    /// there. Catching it before `kubectl apply` turns a failed rollout or a false sense of
    /// security into an edit.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27.2
    ///       securityContext:
    ///         runAsNonroot: true   # misspelt: ignored by a lenient client, rejected here
    /// ```
    ///
    /// ## Fix
    /// Correct the field name, type or value as the message says (`runAsNonRoot: true`).
    ///
    /// ## References
    /// - [Kubernetes API reference](https://kubernetes.io/docs/reference/kubernetes-api/)
    /// - kubernetes-validate and kubeconform validate the same schemas
    pub(crate) static SCHEMA_INVALID = {
        code: "KUB001",
        name: "schema-invalid",
        family: Kubernetes,
        severity: High,
        summary: "object does not match the Kubernetes schema",
        help: "fix the field as the message says; check the spelling and type against the API reference",
        aliases: [],
        compliance: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Notes objects whose `apiVersion` and `kind` have no schema for the selected Kubernetes
    /// version: custom resources (unless `--schema-location DIR` holds their schemas) and
    /// APIs that were removed (for example `policy/v1beta1` PodSecurityPolicy or
    /// `extensions/v1beta1` Ingress).
    ///
    /// ## Why is this bad?
    /// Such objects were not validated. For a custom resource that may be fine; for a removed
    /// API it means the cluster will refuse the object.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: extensions/v1beta1
    /// kind: Ingress
    /// ```
    ///
    /// ## Fix
    /// Move removed APIs to their current version (`networking.k8s.io/v1`), or provide the
    /// custom resource's schema with `--schema-location`.
    pub(crate) static NO_SCHEMA = {
        code: "KUB002",
        name: "no-schema",
        family: Kubernetes,
        severity: Info,
        summary: "no schema to validate the object against",
        help: "use a current API version, or pass the custom resource's schema with `--schema-location`",
        aliases: [],
        compliance: [],
    }
}

pub(crate) static ENGINE_RULES: [Rule; 4] = [
    Rule {
        meta: &SCHEMA_INVALID,
        check: Check::Engine,
        default_enabled: true,
    },
    Rule {
        meta: &NO_SCHEMA,
        check: Check::Engine,
        default_enabled: true,
    },
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

    /// Marks findings about this file that come from outside the built-in rules (policy
    /// findings) as suppressed by the file's `bulwark:ignore` comments, its objects'
    /// `ignore.bulwark.dev/` annotations and the configuration's `ignore` entries, exactly as
    /// built-in findings are. Unusable suppressions are not reported again here: the built-in
    /// scan of the file reports them.
    pub fn apply_suppressions(
        &self,
        findings: &mut Vec<Finding>,
        config: &Config,
        today: jiff::civil::Date,
    ) {
        let objects = objects_in(&self.docs);
        let count = findings.len();
        suppress::apply(&self.file, &self.docs, &objects, findings, config, today);
        findings.truncate(count);
    }
}

/// A Dockerfile, parsed (instruction-level errors are kept in the model and reported as
/// input errors; the rules still run on what was understood).
pub struct DockerfileInput {
    pub file: SourceFile,
    pub dockerfile: bulwark_dockerfile::Dockerfile,
}

impl DockerfileInput {
    /// Parses a Dockerfile; a file BuildKit cannot read at all is an input error.
    pub fn parse(file: SourceFile) -> Result<DockerfileInput, InputError> {
        match bulwark_dockerfile::parse_recovering(file.text()) {
            Ok(dockerfile) => Ok(DockerfileInput { file, dockerfile }),
            Err(e) => Err(InputError {
                path: file.path().to_owned(),
                line: Some(e.line),
                column: Some(e.column),
                message: e.kind.to_string(),
            }),
        }
    }

    /// The instruction-level parse errors, as input errors.
    pub fn errors(&self) -> Vec<InputError> {
        self.dockerfile
            .errors
            .iter()
            .map(|e| InputError {
                path: self.file.path().to_owned(),
                line: Some(e.line),
                column: Some(e.column),
                message: e.kind.to_string(),
            })
            .collect()
    }
}

/// Runs every enabled Dockerfile rule over each Dockerfile; one target report per file, in
/// the order given. Files are spread over the available cores.
pub fn scan_dockerfiles(files: &[DockerfileInput], opts: &ScanOptions<'_>) -> Vec<TargetReport> {
    let rules: Vec<&Rule> = all_rules()
        .into_iter()
        .filter(|r| opts.config.is_enabled(r) && matches!(r.check, Check::Dockerfile(_)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    if threads <= 1 {
        return files
            .iter()
            .map(|f| scan_dockerfile(f, &rules, opts))
            .collect();
    }
    let mut reports: Vec<Option<TargetReport>> = Vec::new();
    reports.resize_with(files.len(), || None);
    std::thread::scope(|scope| {
        let rules = &rules;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    files
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, f)| (i, scan_dockerfile(f, rules, opts)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A rule that panicked loses only its thread's reports; the scan goes on.
            if let Ok(done) = h.join() {
                for (i, r) in done {
                    reports[i] = Some(r);
                }
            }
        }
    });
    reports
        .into_iter()
        .zip(files)
        .map(|(r, f)| {
            r.unwrap_or_else(|| TargetReport {
                path: f.file.path().to_owned(),
                kind: TargetKind::Dockerfile,
                findings: Vec::new(),
                errors: vec![InputError {
                    path: f.file.path().to_owned(),
                    line: None,
                    column: None,
                    message: "internal error while checking this file".to_owned(),
                }],
            })
        })
        .collect()
}

/// Runs the rules over one Dockerfile.
fn scan_dockerfile(
    input: &DockerfileInput,
    rules: &[&Rule],
    opts: &ScanOptions<'_>,
) -> TargetReport {
    let df = &input.dockerfile;
    let scripts: Vec<Option<bulwark_dockerfile::shell::ShellScript>> = df
        .instructions
        .iter()
        .map(|i| bulwark_dockerfile::shell::analyze_run(df, i))
        .collect();
    let mut fs = Vec::new();
    for rule in rules {
        if let Check::Dockerfile(check) = rule.check {
            let ctx = DockerfileCtx::new(
                rule.meta,
                &input.file,
                df,
                opts.config.options(rule.meta),
                &scripts,
            );
            check(&ctx, &mut fs);
        }
    }
    suppress::apply_dockerfile(&input.file, df, &mut fs, opts.config, opts.today);
    finish(&mut fs, opts);
    TargetReport {
        path: input.file.path().to_owned(),
        kind: TargetKind::Dockerfile,
        findings: fs,
        errors: input.errors(),
    }
}

/// Drops findings of disabled rules, applies configured severities and sorts by position.
fn finish(fs: &mut Vec<Finding>, opts: &ScanOptions<'_>) {
    fs.retain(|x| crate::find_rule(&x.rule).is_none_or(|r| opts.config.is_enabled(r)));
    for x in fs.iter_mut() {
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
}

/// What a scan needs besides its inputs.
pub struct ScanOptions<'a> {
    pub config: &'a Config,
    /// The date suppressions' `until=` is compared with.
    pub today: jiff::civil::Date,
    /// Schemas to validate objects against (`KUB001`, `KUB002`); `None` skips validation.
    pub schemas: &'a [SchemaSet],
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
        if !opts.schemas.is_empty() {
            validate_objects(&f.file, objects, opts, out);
        }
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
        finish(&mut fs, opts);
        reports.push(TargetReport {
            path: f.file.path().to_owned(),
            kind: TargetKind::Kubernetes,
            findings: fs,
            errors: Vec::new(),
        });
    }
    reports
}

/// Validates objects against the first schema set that knows their kind.
fn validate_objects(
    file: &SourceFile,
    objects: &[K8sObject<'_>],
    opts: &ScanOptions<'_>,
    out: &mut Vec<Finding>,
) {
    let invalid_on = opts.config.is_enabled(&ENGINE_RULES[0]);
    let none_on = opts.config.is_enabled(&ENGINE_RULES[1]);
    for obj in objects {
        let label = match obj.name {
            Some(n) => format!("{} '{}'", obj.kind, n),
            None => obj.kind.to_owned(),
        };
        let mut result = Validation::NoSchema;
        for set in opts.schemas {
            result = set.validate(obj);
            if !matches!(result, Validation::NoSchema) {
                break;
            }
        }
        match result {
            Validation::Valid => {}
            Validation::Invalid(errors) if invalid_on => {
                let version = opts.schemas.first().and_then(SchemaSet::kubernetes_version);
                for e in errors {
                    let at = if e.path.is_empty() {
                        String::new()
                    } else {
                        format!(" at `{}`", e.path)
                    };
                    let against = version
                        .as_deref()
                        .map(|v| format!(" for Kubernetes {v}"))
                        .unwrap_or_default();
                    out.push(
                        Finding::new(
                            &SCHEMA_INVALID,
                            format!(
                                "{label} does not match its schema{against}{at}: {}",
                                e.message
                            ),
                            Location::new(file.path(), e.span),
                        )
                        .with_resource(obj.resource())
                        .with_label(e.message.clone()),
                    );
                }
            }
            Validation::NoSchema if none_on => {
                let message = opts
                    .schemas
                    .first()
                    .map(|s| s.no_schema_message(obj))
                    .unwrap_or_else(|| {
                        format!("no schema for `{}` `{}`", obj.api_version, obj.kind)
                    });
                let span = obj
                    .node
                    .entry("apiVersion")
                    .map(|e| e.key.span.to(e.value.span))
                    .unwrap_or(obj.node.span);
                out.push(
                    Finding::new(
                        &NO_SCHEMA,
                        format!("{label} is not validated: {message}"),
                        Location::new(file.path(), span),
                    )
                    .with_resource(obj.resource()),
                );
            }
            Validation::SchemaUnusable(message) if invalid_on => {
                out.push(
                    Finding::new(
                        &SCHEMA_INVALID,
                        format!("{label} cannot be validated: {message}"),
                        Location::new(file.path(), obj.node.span),
                    )
                    .with_resource(obj.resource()),
                );
            }
            _ => {}
        }
    }
}
