//! Validation of a constraint's `spec.parameters` against its template's
//! `spec.crd.spec.validation.openAPIV3Schema`, as the API server validates a constraint
//! against the CRD Gatekeeper generates from the template: `type` (with `nullable`,
//! `x-kubernetes-int-or-string` and `x-kubernetes-preserve-unknown-fields`), `enum`,
//! `required`, `properties`, `additionalProperties` (as a schema), `items`, `minimum`,
//! `maximum`, `minItems`, `maxItems`, `minLength`, `maxLength`. Fields the schema does not
//! declare are accepted (the API server prunes or, for v1beta1 templates, keeps them).

use serde_json::Value as Json;

/// The JSON type name of a value, in the schema's words.
fn type_name(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn has_type(value: &Json, wanted: &str) -> bool {
    match (wanted, value) {
        ("integer", Json::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        ("number", Json::Number(_)) => true,
        (wanted, value) => type_name(value) == wanted,
    }
}

fn flag(schema: &Json, key: &str) -> bool {
    schema.get(key).and_then(Json::as_bool) == Some(true)
}

fn number(schema: &Json, key: &str) -> Option<f64> {
    schema.get(key).and_then(Json::as_f64)
}

/// Every way `value` (at `path`, such as `spec.parameters.ranges[0]`) breaks `schema`.
pub fn validate(schema: &Json, value: &Json, path: &str, errors: &mut Vec<String>) {
    if !schema.is_object() {
        return;
    }
    if value.is_null() {
        if !flag(schema, "nullable") && schema.get("type").is_some() {
            errors.push(format!("{path}: must not be null"));
        }
        return;
    }
    if flag(schema, "x-kubernetes-int-or-string") {
        if !has_type(value, "integer") && !value.is_string() {
            errors.push(format!(
                "{path}: expected an integer or a string, found {}",
                type_name(value)
            ));
        }
        return;
    }
    if let Some(wanted) = schema.get("type").and_then(Json::as_str)
        && !has_type(value, wanted)
    {
        errors.push(format!(
            "{path}: expected {wanted}, found {}",
            type_name(value)
        ));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Json::as_array)
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(Json::to_string).collect();
        errors.push(format!("{path}: {value} is not one of {}", list.join(", ")));
    }
    match value {
        Json::Number(n) => {
            let n = n.as_f64().unwrap_or(0.0);
            if let Some(min) = number(schema, "minimum")
                && n < min
            {
                errors.push(format!("{path}: {n} is less than the minimum {min}"));
            }
            if let Some(max) = number(schema, "maximum")
                && n > max
            {
                errors.push(format!("{path}: {n} is more than the maximum {max}"));
            }
        }
        Json::String(s) => {
            let length = s.chars().count() as f64;
            if number(schema, "minLength").is_some_and(|m| length < m) {
                errors.push(format!("{path}: shorter than minLength"));
            }
            if number(schema, "maxLength").is_some_and(|m| length > m) {
                errors.push(format!("{path}: longer than maxLength"));
            }
        }
        Json::Array(items) => {
            let length = items.len() as f64;
            if number(schema, "minItems").is_some_and(|m| length < m) {
                errors.push(format!("{path}: fewer items than minItems"));
            }
            if number(schema, "maxItems").is_some_and(|m| length > m) {
                errors.push(format!("{path}: more items than maxItems"));
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate(item_schema, item, &format!("{path}[{i}]"), errors);
                }
            }
        }
        Json::Object(fields) => {
            for name in schema
                .get("required")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
            {
                if !fields.contains_key(name) {
                    errors.push(format!("{path}.{name}: required"));
                }
            }
            let properties = schema.get("properties").and_then(Json::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (name, field) in fields {
                let field_path = format!("{path}.{name}");
                match properties.and_then(|p| p.get(name)) {
                    Some(field_schema) => validate(field_schema, field, &field_path, errors),
                    None => {
                        if let Some(a) = additional {
                            validate(a, field, &field_path, errors);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn errors(schema: Json, value: Json) -> Vec<String> {
        let mut out = Vec::new();
        validate(&schema, &value, "spec.parameters", &mut out);
        out
    }

    #[test]
    fn types_enums_and_nesting_are_checked_with_their_path() {
        let schema = json!({
            "type": "object",
            "properties": {
                "ranges": {"type": "array", "items": {"type": "object", "properties": {
                    "min": {"type": "integer"}}}},
                "rule": {"type": "string", "enum": ["MustRunAs", "RunAsAny"]},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "port": {"x-kubernetes-int-or-string": true}
            },
            "required": ["rule"]
        });
        assert!(
            errors(
                schema.clone(),
                json!({"ranges": [{"min": 1}], "rule": "RunAsAny", "labels": {"a": "b"}, "port": "http", "other": 1})
            )
            .is_empty()
        );
        assert_eq!(
            errors(
                schema,
                json!({"ranges": [{"min": "1"}], "rule": "Never", "labels": {"a": 2}, "port": true})
            ),
            [
                "spec.parameters.ranges[0].min: expected integer, found string",
                "spec.parameters.rule: \"Never\" is not one of \"MustRunAs\", \"RunAsAny\"",
                "spec.parameters.labels.a: expected string, found integer",
                "spec.parameters.port: expected an integer or a string, found boolean",
            ]
        );
        assert_eq!(
            errors(json!({"type": "object", "required": ["rule"]}), json!({})),
            vec!["spec.parameters.rule: required".to_string()]
        );
        assert!(errors(json!({"type": "integer"}), json!(3.0)).is_empty());
        assert_eq!(
            errors(json!({"type": "integer", "minimum": 1}), json!(0)),
            vec!["spec.parameters: 0 is less than the minimum 1".to_string()]
        );
    }
}
