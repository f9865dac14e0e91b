//! Gatekeeper mode: ConstraintTemplates and Constraints found among the policy inputs,
//! applied to Kubernetes objects as Gatekeeper's audit applies them.
//!
//! Each template's Rego (with its `libs`) is compiled into its own engine (templates may ship
//! different versions of the same `lib` package). For each object, every constraint whose
//! `match` selects it ([`matching`]) evaluates its template's `violation` rule with
//! `input.review` ([`review`]) and `input.parameters`; `data.inventory` ([`inventory`]) holds
//! every scanned object, laid out as Gatekeeper's sync lays it out, and Namespaces among them
//! serve `namespaceSelector`.

pub mod inventory;
pub mod matching;
pub mod review;
pub mod schema;
pub mod template;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

pub use inventory::Inventory;
pub use matching::Match;
pub use review::Review;
pub use template::{
    Constraint, ConstraintTemplate, EnforcementAction, SHIFT_LEFT_ENFORCEMENT_POINT, Violation,
    is_template,
};

use crate::engine::{EngineOptions, PolicyError, RegoValue};

/// Errors of reading templates and constraints.
#[derive(Debug, thiserror::Error)]
pub enum GatekeeperError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

/// One violation of one constraint by one object.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditResult {
    /// Index of the object in the slice given to [`Gatekeeper::audit`].
    pub object: usize,
    /// The template's name and the file it came from.
    pub template: String,
    pub template_source: String,
    pub constraint_kind: String,
    pub constraint_name: String,
    pub constraint_source: String,
    /// The constraint's action at bulwark's (shift-left) enforcement point.
    pub action: EnforcementAction,
    pub message: String,
    pub details: Json,
    /// The template failed to evaluate; `message` is the error.
    pub error: bool,
}

/// Templates and constraints ready to audit objects.
#[derive(Debug, Clone, Default)]
pub struct Gatekeeper {
    pub templates: Vec<ConstraintTemplate>,
    pub constraints: Vec<Constraint>,
}

/// Deepest folder nesting followed when looking for templates and constraints.
const MAX_DEPTH: usize = 64;

/// The YAML and JSON files under `path`: a file as given, a folder walked (hidden entries
/// skipped), sorted.
fn manifest_files(
    path: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
) -> Result<(), GatekeeperError> {
    let io = |e: std::io::Error| GatekeeperError::Invalid {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if fs_err::metadata(path).map_err(io)?.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if depth > MAX_DEPTH {
        return Err(GatekeeperError::Invalid {
            path: path.display().to_string(),
            message: format!("folders nest deeper than {MAX_DEPTH} levels"),
        });
    }
    let mut entries: Vec<PathBuf> = fs_err::read_dir(path)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            manifest_files(&entry, depth + 1, out)?;
        } else if entry
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(entry);
        }
    }
    Ok(())
}

/// Whether a file's text may hold a template or a constraint (cheap test before parsing).
fn mentions_gatekeeper(text: &str) -> bool {
    text.contains("templates.gatekeeper.sh") || text.contains("constraints.gatekeeper.sh")
}

impl Gatekeeper {
    /// Reads the templates and constraints among the YAML and JSON files under `paths`
    /// (files as given, folders walked). Other documents are ignored; a file that does not
    /// parse is an error only when it mentions Gatekeeper's API groups. Bad templates and
    /// constraints are reported and left out, as [`Gatekeeper::from_documents`] does.
    pub fn load(
        paths: &[PathBuf],
        options: EngineOptions,
    ) -> Result<(Gatekeeper, Vec<GatekeeperError>), GatekeeperError> {
        let mut files = Vec::new();
        for p in paths {
            manifest_files(p, 0, &mut files)?;
        }
        files.dedup();
        let mut documents = Vec::new();
        let mut errors = Vec::new();
        for file in files {
            let display = file.display().to_string();
            let Ok(text) = fs_err::read_to_string(&file) else {
                continue;
            };
            if !mentions_gatekeeper(&text) {
                continue;
            }
            let docs = match bulwark_yaml::load_str(&text) {
                Ok(d) => d,
                Err(e) => {
                    errors.push(GatekeeperError::Invalid {
                        path: format!("{display}:{}", e.line),
                        message: e.message,
                    });
                    continue;
                }
            };
            for doc in docs {
                match doc.root.try_to_json() {
                    Ok(json) if is_template(&json) || Constraint::is_constraint(&json) => {
                        documents.push((display.clone(), json))
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(GatekeeperError::Invalid {
                        path: display.clone(),
                        message: e.to_string(),
                    }),
                }
            }
        }
        let (set, mut more) = Gatekeeper::from_documents(&documents, options);
        errors.append(&mut more);
        Ok((set, errors))
    }

    /// Collects the templates and constraints among policy documents (other documents are
    /// ignored). A bad template or constraint is reported and left out; the others stay.
    pub fn from_documents(
        documents: &[(impl AsRef<Path>, Json)],
        options: EngineOptions,
    ) -> (Gatekeeper, Vec<GatekeeperError>) {
        let mut set = Gatekeeper::default();
        let mut errors = Vec::new();
        for (path, doc) in documents {
            let source = path.as_ref().display().to_string();
            if is_template(doc) {
                match ConstraintTemplate::from_json(doc, &source, options) {
                    Ok(t) => set.templates.push(t),
                    // Name the template's file whatever went wrong.
                    Err(GatekeeperError::Policy(e)) => errors.push(GatekeeperError::Invalid {
                        path: source,
                        message: e.to_string(),
                    }),
                    Err(e) => errors.push(e),
                }
            }
        }
        for (path, doc) in documents {
            let source = path.as_ref().display().to_string();
            if Constraint::is_constraint(doc) {
                match Constraint::from_json(doc, &source) {
                    Ok(c) if set.templates.iter().any(|t| t.kind == c.kind) => {
                        let template = set.templates.iter().find(|t| t.kind == c.kind);
                        match template.map(|t| t.validate_constraint(&c)) {
                            Some(Err(e)) => errors.push(e),
                            _ => set.constraints.push(c),
                        }
                    }
                    Ok(c) => errors.push(GatekeeperError::Invalid {
                        path: source,
                        message: format!(
                            "constraint {}/{}: no ConstraintTemplate defines kind `{}`",
                            c.kind, c.name, c.kind
                        ),
                    }),
                    Err(e) => errors.push(e),
                }
            }
        }
        (set, errors)
    }

    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }

    /// Audits objects: every constraint against every object it matches, with
    /// `data.inventory` made of all the objects. Work is spread over `threads` workers.
    /// Results come back ordered by object, then constraint order.
    pub fn audit(&self, objects: &[Json], threads: usize) -> Vec<AuditResult> {
        let inventory = Inventory::from_objects(objects.iter());
        let reviews: Vec<(Review, RegoValue)> = objects
            .iter()
            .map(|o| {
                let review = Review::of_object(o);
                let value = RegoValue::from(review.json.clone());
                (review, value)
            })
            .collect();
        let mut templates = self.templates.clone();
        let mut results = Vec::new();
        let data = inventory.to_data();
        for t in templates.iter_mut() {
            if let Err(e) = t.set_inventory_value(&data) {
                // Cannot happen for an inventory built from objects; report it on object 0.
                results.push(AuditResult {
                    object: 0,
                    template: t.name.clone(),
                    template_source: t.source.clone(),
                    constraint_kind: t.kind.clone(),
                    constraint_name: String::new(),
                    constraint_source: String::new(),
                    action: EnforcementAction::Deny,
                    message: e.to_string(),
                    details: Json::Null,
                    error: true,
                });
            }
        }
        let parameters: Vec<RegoValue> = self
            .constraints
            .iter()
            .map(|c| RegoValue::from(c.parameters.clone()))
            .collect();
        let template_of: Vec<Option<usize>> = self
            .constraints
            .iter()
            .map(|c| templates.iter().position(|t| t.kind == c.kind))
            .collect();
        let work = |templates: &mut Vec<ConstraintTemplate>, index: usize| {
            let (review, value) = &reviews[index];
            let namespace = review
                .namespace
                .as_deref()
                .and_then(|n| inventory.namespace(n));
            let mut out = Vec::new();
            for (ci, constraint) in self.constraints.iter().enumerate() {
                let Some(ti) = template_of[ci] else { continue };
                // A scoped constraint without an action for this enforcement point is off.
                let Some(action) = constraint.action else {
                    continue;
                };
                let violations = match constraint
                    .matcher
                    .matches_any(&review.match_objects(), namespace)
                {
                    Ok(false) => continue,
                    Ok(true) => templates[ti].review(value, &parameters[ci]),
                    Err(message) => vec![Violation {
                        msg: message,
                        details: Json::Null,
                        error: true,
                    }],
                };
                let template = &templates[ti];
                out.extend(violations.into_iter().map(|v| AuditResult {
                    object: index,
                    template: template.name.clone(),
                    template_source: template.source.clone(),
                    constraint_kind: constraint.kind.clone(),
                    constraint_name: constraint.name.clone(),
                    constraint_source: constraint.source.clone(),
                    action,
                    message: v.msg,
                    details: v.details,
                    error: v.error,
                }));
            }
            out
        };
        let threads = threads.clamp(1, objects.len().max(1));
        if threads == 1 {
            for index in 0..objects.len() {
                results.extend(work(&mut templates, index));
            }
            return results;
        }
        let mut per_object: Vec<Vec<AuditResult>> = vec![Vec::new(); objects.len()];
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let mut local = templates.clone();
                    let work = &work;
                    scope.spawn(move || {
                        (t..objects.len())
                            .step_by(threads)
                            .map(|i| (i, work(&mut local, i)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for handle in handles {
                if let Ok(done) = handle.join() {
                    for (i, r) in done {
                        per_object[i] = r;
                    }
                }
            }
        });
        results.extend(per_object.into_iter().flatten());
        results
    }

    /// The template for a constraint kind.
    pub fn template_for(&self, kind: &str) -> Option<&ConstraintTemplate> {
        self.templates.iter().find(|t| t.kind == kind)
    }
}
