//! ConstraintTemplates (their Rego and libs, compiled) and Constraints (kind, parameters,
//! match, enforcement action).

use serde_json::Value as Json;

use super::GatekeeperError;
use super::inventory::Inventory;
use super::matching::Match;
use crate::engine::{EngineOptions, PolicyEngine, RegoValue, RegoVersion, SyntaxMode, to_json};

/// The target whose Rego Gatekeeper evaluates for admission and audit.
pub const ADMISSION_TARGET: &str = "admission.k8s.gatekeeper.sh";

/// A compiled ConstraintTemplate.
#[derive(Debug, Clone)]
pub struct ConstraintTemplate {
    /// `metadata.name` (the lower-case kind).
    pub name: String,
    /// The constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    /// Where it was read from.
    pub source: String,
    /// The package of its Rego (without `data.`).
    pub package: String,
    pub version: RegoVersion,
    /// `spec.crd.spec.validation.openAPIV3Schema`: the schema of constraints' parameters.
    pub parameters_schema: Option<Json>,
    engine: PolicyEngine,
    violation_path: String,
}

/// One result of a template's `violation` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub msg: String,
    /// `details` of the result (`{}` when absent).
    pub details: Json,
    /// The evaluation failed and `msg` is the error, as Gatekeeper reports it.
    pub error: bool,
}

fn invalid(source: &str, message: impl Into<String>) -> GatekeeperError {
    GatekeeperError::Invalid {
        path: source.to_string(),
        message: message.into(),
    }
}

/// The Rego, libs and syntax version of the admission target of a template.
fn rego_of(
    doc: &Json,
    source: &str,
) -> Result<(String, Vec<String>, RegoVersion), GatekeeperError> {
    let targets = doc
        .pointer("/spec/targets")
        .and_then(Json::as_array)
        .ok_or_else(|| invalid(source, "a ConstraintTemplate needs `spec.targets`"))?;
    if targets.len() != 1 {
        return Err(invalid(
            source,
            format!(
                "a ConstraintTemplate has exactly one target, found {}",
                targets.len()
            ),
        ));
    }
    let target = &targets[0];
    let name = target.get("target").and_then(Json::as_str).unwrap_or("");
    if name != ADMISSION_TARGET {
        return Err(invalid(
            source,
            format!("target `{name}` is not `{ADMISSION_TARGET}`"),
        ));
    }
    let libs_of = super::matching::strings;
    // `code` (engine Rego) wins over the legacy `rego` field, as Gatekeeper prefers it.
    if let Some(code) = target.get("code").and_then(Json::as_array)
        && let Some(entry) = code
            .iter()
            .find(|c| c.get("engine").and_then(Json::as_str) == Some("Rego"))
    {
        let source_block = entry.get("source");
        let rego = source_block
            .and_then(|s| s.get("rego"))
            .and_then(Json::as_str)
            .ok_or_else(|| invalid(source, "the Rego code entry has no `source.rego`"))?;
        let version = match source_block
            .and_then(|s| s.get("version"))
            .and_then(Json::as_str)
        {
            Some("v1") => RegoVersion::V1,
            _ => RegoVersion::V0,
        };
        return Ok((
            rego.to_string(),
            libs_of(source_block.and_then(|s| s.get("libs"))),
            version,
        ));
    }
    match target.get("rego").and_then(Json::as_str) {
        Some(rego) => Ok((
            rego.to_string(),
            libs_of(target.get("libs")),
            RegoVersion::V0,
        )),
        None => Err(invalid(
            source,
            "the template has no Rego (only other engines such as K8sNativeValidation, which bulwark does not run)",
        )),
    }
}

impl ConstraintTemplate {
    /// Compiles a ConstraintTemplate document. Checks what Gatekeeper checks when a template
    /// is added: one admission target, a `violation` rule, libs under `lib.`, and a name
    /// equal to the lower-case kind.
    pub fn from_json(
        doc: &Json,
        source: &str,
        options: EngineOptions,
    ) -> Result<ConstraintTemplate, GatekeeperError> {
        let name = doc
            .pointer("/metadata/name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let kind = doc
            .pointer("/spec/crd/spec/names/kind")
            .and_then(Json::as_str)
            .ok_or_else(|| {
                invalid(
                    source,
                    "a ConstraintTemplate needs `spec.crd.spec.names.kind`",
                )
            })?
            .to_string();
        if name != kind.to_lowercase() {
            return Err(invalid(
                source,
                format!("template name `{name}` is not the lower-case of its kind `{kind}`"),
            ));
        }
        let (rego, libs, version) = rego_of(doc, source)?;
        let mut engine = PolicyEngine::new(EngineOptions {
            syntax: SyntaxMode::V0Compatible,
            ..options
        });
        let module = engine.add_module_as(source, &rego, version)?.clone();
        for (i, lib) in libs.iter().enumerate() {
            let lib_module = engine
                .add_module_as(&format!("{source}#libs[{i}]"), lib, version)?
                .clone();
            if !lib_module.package.starts_with("lib.") && lib_module.package != "lib" {
                return Err(invalid(
                    source,
                    format!(
                        "lib package `{}` must be under `lib` (data.lib...)",
                        lib_module.package
                    ),
                ));
            }
        }
        if !engine.declares_rule(&module.package, "violation") {
            return Err(invalid(
                source,
                "the template's Rego has no `violation` rule",
            ));
        }
        let violation_path = format!("data.{}.violation", module.package);
        Ok(ConstraintTemplate {
            name,
            kind,
            source: source.to_string(),
            package: module.package,
            version: module.version,
            parameters_schema: doc
                .pointer("/spec/crd/spec/validation/openAPIV3Schema")
                .filter(|s| s.is_object())
                .cloned(),
            engine,
            violation_path,
        })
    }

    /// Checks a constraint of this template's kind: its `spec.parameters` must follow the
    /// template's `openAPIV3Schema`, as the API server requires of the constraint CRD.
    pub fn validate_constraint(&self, constraint: &Constraint) -> Result<(), GatekeeperError> {
        let Some(schema) = &self.parameters_schema else {
            return Ok(());
        };
        let mut errors = Vec::new();
        super::schema::validate(
            schema,
            &constraint.parameters,
            "spec.parameters",
            &mut errors,
        );
        if errors.is_empty() {
            return Ok(());
        }
        Err(invalid(
            &constraint.source,
            format!(
                "constraint {}/{}: parameters do not follow the schema of template `{}`: {}",
                constraint.kind,
                constraint.name,
                self.name,
                errors.join("; ")
            ),
        ))
    }

    /// Replaces `data.inventory`.
    pub fn set_inventory(&mut self, inventory: &Inventory) -> Result<(), GatekeeperError> {
        self.set_inventory_value(&inventory.to_data())
    }

    /// Sets `data` to an inventory already converted with [`Inventory::to_data`]: many
    /// templates share one converted copy.
    pub fn set_inventory_value(&mut self, data: &RegoValue) -> Result<(), GatekeeperError> {
        self.engine.clear_data();
        self.engine.add_data_value(data.clone())?;
        Ok(())
    }

    /// Evaluates `violation` for one review and a constraint's parameters. An evaluation
    /// error is one violation whose message is the error, as Gatekeeper reports it.
    pub fn review(&mut self, review: &RegoValue, parameters: &RegoValue) -> Vec<Violation> {
        let mut input = std::collections::BTreeMap::new();
        input.insert(RegoValue::from("review"), review.clone());
        input.insert(RegoValue::from("parameters"), parameters.clone());
        self.engine.set_input_value(RegoValue::from(input));
        let result = self.engine.eval_rule_value(&self.violation_path);
        // Gatekeeper drops print output unless asked; so do we.
        let _ = self.engine.take_prints();
        match result {
            Ok(value) => violations_of(&value),
            Err(err) => vec![Violation {
                msg: err.to_string(),
                details: Json::Object(serde_json::Map::new()),
                error: true,
            }],
        }
    }
}

/// The results of `violation` that carry a `msg` (others are dropped, as Gatekeeper's hook
/// only forwards `r.msg`).
fn violations_of(value: &RegoValue) -> Vec<Violation> {
    let Some(Json::Array(results)) = to_json(value) else {
        return Vec::new();
    };
    results
        .into_iter()
        .filter_map(|r| {
            let msg = match r.get("msg")? {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(Violation {
                msg,
                details: r
                    .get("details")
                    .cloned()
                    .unwrap_or_else(|| Json::Object(serde_json::Map::new())),
                error: false,
            })
        })
        .collect()
}

/// A Constraint: an instance of a template's kind with parameters and a match.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub kind: String,
    pub name: String,
    pub source: String,
    /// `spec.parameters` (`{}` when absent, as Gatekeeper defaults it).
    pub parameters: Json,
    pub matcher: Match,
    /// `spec.enforcementAction` (`deny` when absent; `scoped` defers to
    /// `spec.scopedEnforcementActions`).
    pub enforcement_action: String,
    /// The action at bulwark's enforcement point ([`SHIFT_LEFT_ENFORCEMENT_POINT`]); `None`
    /// when a `scoped` constraint names no action for it, so the constraint does not apply.
    pub action: Option<EnforcementAction>,
}

/// The enforcement point of shift-left checks (gator): the one bulwark, a shift-left
/// checker, takes from `scopedEnforcementActions`.
pub const SHIFT_LEFT_ENFORCEMENT_POINT: &str = "gator.gatekeeper.sh";

/// What a violation of a constraint does. Ordered by strength: when a scoped constraint
/// gives several actions for one point, the strongest holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EnforcementAction {
    /// Recorded only (Gatekeeper's audit reports it; admission lets the object in silently).
    Dryrun,
    /// Admission lets the object in with a warning.
    Warn,
    /// Admission rejects the object.
    Deny,
}

impl EnforcementAction {
    pub fn parse(name: &str) -> Option<EnforcementAction> {
        match name.to_ascii_lowercase().as_str() {
            "deny" => Some(EnforcementAction::Deny),
            "warn" => Some(EnforcementAction::Warn),
            "dryrun" => Some(EnforcementAction::Dryrun),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementAction::Deny => "deny",
            EnforcementAction::Warn => "warn",
            EnforcementAction::Dryrun => "dryrun",
        }
    }
}

/// The action of a constraint at the shift-left enforcement point.
fn shift_left_action(
    doc: &Json,
    action: &str,
    label: &str,
    source: &str,
) -> Result<Option<EnforcementAction>, GatekeeperError> {
    if !action.eq_ignore_ascii_case("scoped") {
        return EnforcementAction::parse(action).map(Some).ok_or_else(|| {
            invalid(
                source,
                format!(
                    "{label}: unknown enforcementAction `{action}` (expected deny, dryrun, warn or scoped)"
                ),
            )
        });
    }
    let scoped = doc
        .pointer("/spec/scopedEnforcementActions")
        .and_then(Json::as_array)
        .ok_or_else(|| {
            invalid(
                source,
                format!(
                    "{label}: enforcementAction `scoped` needs `spec.scopedEnforcementActions`"
                ),
            )
        })?;
    let mut strongest = None;
    for entry in scoped {
        let name = entry.get("action").and_then(Json::as_str).unwrap_or("");
        let parsed = EnforcementAction::parse(name).ok_or_else(|| {
            invalid(
                source,
                format!(
                    "{label}: unknown scoped enforcement action `{name}` (expected deny, dryrun or warn)"
                ),
            )
        })?;
        let applies = entry
            .get("enforcementPoints")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("name").and_then(Json::as_str))
            .any(|p| p == "*" || p == SHIFT_LEFT_ENFORCEMENT_POINT);
        if applies {
            strongest = strongest.max(Some(parsed));
        }
    }
    Ok(strongest)
}

impl Constraint {
    pub fn from_json(doc: &Json, source: &str) -> Result<Constraint, GatekeeperError> {
        let kind = doc
            .get("kind")
            .and_then(Json::as_str)
            .ok_or_else(|| invalid(source, "a constraint needs a `kind`"))?
            .to_string();
        let name = doc
            .pointer("/metadata/name")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                invalid(
                    source,
                    format!("the {kind} constraint has no `metadata.name`"),
                )
            })?
            .to_string();
        let parameters = match doc.pointer("/spec/parameters") {
            Some(p) if !p.is_null() => p.clone(),
            _ => Json::Object(serde_json::Map::new()),
        };
        let matcher = Match::from_json(doc.pointer("/spec/match"))
            .map_err(|e| invalid(source, format!("{kind}/{name}: {e}")))?;
        let enforcement_action = doc
            .pointer("/spec/enforcementAction")
            .and_then(Json::as_str)
            .filter(|a| !a.is_empty())
            .unwrap_or("deny")
            .to_string();
        let action =
            shift_left_action(doc, &enforcement_action, &format!("{kind}/{name}"), source)?;
        Ok(Constraint {
            kind,
            name,
            source: source.to_string(),
            parameters,
            matcher,
            enforcement_action,
            action,
        })
    }

    /// Whether a document is a constraint (group `constraints.gatekeeper.sh`).
    pub fn is_constraint(doc: &Json) -> bool {
        doc.get("apiVersion")
            .and_then(Json::as_str)
            .is_some_and(|v| v.starts_with("constraints.gatekeeper.sh/"))
    }
}

/// Whether a document is a ConstraintTemplate (group `templates.gatekeeper.sh`).
pub fn is_template(doc: &Json) -> bool {
    doc.get("kind").and_then(Json::as_str) == Some("ConstraintTemplate")
        && doc
            .get("apiVersion")
            .and_then(Json::as_str)
            .is_some_and(|v| v.starts_with("templates.gatekeeper.sh/"))
}
