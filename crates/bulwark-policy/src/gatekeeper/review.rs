//! `input.review`: the admission request Gatekeeper hands a template, built as Gatekeeper's
//! audit and gator build it from a plain object (kind, name, namespace, object, and the
//! fields an `AdmissionRequest` marshals with empty values), or taken from an
//! `AdmissionReview` document (operation, old object, user info).

use serde_json::{Value as Json, json};

/// A review and the objects Gatekeeper's matcher looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// `input.review`.
    pub json: Json,
    pub object: Option<Json>,
    pub old_object: Option<Json>,
    /// `request.namespace`, else the object's namespace.
    pub namespace: Option<String>,
}

impl Review {
    /// The review of an object as audit and gator make it (no operation, no old object).
    pub fn of_object(object: &Json) -> Review {
        let api_version = object
            .get("apiVersion")
            .and_then(Json::as_str)
            .unwrap_or("");
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let kind = object.get("kind").and_then(Json::as_str).unwrap_or("");
        let name = object.pointer("/metadata/name").and_then(Json::as_str);
        let namespace = object
            .pointer("/metadata/namespace")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty());
        let mut review = serde_json::Map::new();
        review.insert("uid".into(), json!(""));
        review.insert(
            "kind".into(),
            json!({"group": group, "version": version, "kind": kind}),
        );
        review.insert(
            "resource".into(),
            json!({"group": "", "version": "", "resource": ""}),
        );
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            review.insert("name".into(), json!(name));
        }
        if let Some(ns) = namespace {
            review.insert("namespace".into(), json!(ns));
        }
        review.insert("operation".into(), json!(""));
        review.insert("userInfo".into(), json!({}));
        review.insert("object".into(), object.clone());
        review.insert("oldObject".into(), Json::Null);
        review.insert("options".into(), Json::Null);
        Review {
            json: Json::Object(review),
            object: Some(object.clone()),
            old_object: None,
            namespace: namespace.map(str::to_string),
        }
    }

    /// The review carried by an `AdmissionReview` (`admission.k8s.io`): its `request`, with
    /// the object set from the old object on DELETE, as the API server and gator do.
    pub fn of_admission_review(document: &Json) -> Result<Review, String> {
        let request = document
            .get("request")
            .filter(|r| r.is_object())
            .ok_or("the AdmissionReview has no `request`")?;
        let mut request = request.clone();
        let object = request.get("object").filter(|o| !o.is_null()).cloned();
        let old_object = request.get("oldObject").filter(|o| !o.is_null()).cloned();
        if object.is_none() && old_object.is_none() {
            return Err(
                "the AdmissionRequest has neither `object` nor `oldObject` to review".to_string(),
            );
        }
        let operation = request
            .get("operation")
            .and_then(Json::as_str)
            .unwrap_or("");
        let object = match (object, operation) {
            (None, "DELETE") => {
                if let Some(map) = request.as_object_mut() {
                    map.insert("object".into(), old_object.clone().unwrap_or(Json::Null));
                }
                old_object.clone()
            }
            (object, _) => object,
        };
        let map = request
            .as_object_mut()
            .ok_or("the AdmissionRequest is not an object")?;
        // Fields an AdmissionRequest always marshals.
        for (key, empty) in [
            ("uid", json!("")),
            ("kind", json!({"group": "", "version": "", "kind": ""})),
            (
                "resource",
                json!({"group": "", "version": "", "resource": ""}),
            ),
            ("operation", json!("")),
            ("userInfo", json!({})),
            ("oldObject", Json::Null),
            ("options", Json::Null),
        ] {
            map.entry(key).or_insert(empty);
        }
        let namespace = map
            .get("namespace")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .or_else(|| {
                object
                    .as_ref()
                    .or(old_object.as_ref())
                    .and_then(|o| o.pointer("/metadata/namespace"))
                    .and_then(Json::as_str)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
            });
        Ok(Review {
            json: request,
            object,
            old_object,
            namespace,
        })
    }

    /// Whether a document is an `AdmissionReview` of the `admission.k8s.io` group.
    pub fn is_admission_review(document: &Json) -> bool {
        document.get("kind").and_then(Json::as_str) == Some("AdmissionReview")
            && document
                .get("apiVersion")
                .and_then(Json::as_str)
                .is_some_and(|v| v.starts_with("admission.k8s.io/"))
    }

    /// The objects the matcher considers (object, then old object).
    pub fn match_objects(&self) -> Vec<&Json> {
        self.object.iter().chain(self.old_object.iter()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_review_has_gatekeepers_fields() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}});
        let review = Review::of_object(&pod);
        assert_eq!(
            review.json["kind"],
            json!({"group": "", "version": "v1", "kind": "Pod"})
        );
        assert_eq!(review.json["namespace"], json!("shop"));
        assert_eq!(review.json["operation"], json!(""));
        assert_eq!(review.json["object"], pod);
        let deploy =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        let review = Review::of_object(&deploy);
        assert_eq!(review.json["kind"]["group"], json!("apps"));
        assert!(review.json.get("namespace").is_none());
    }

    #[test]
    fn delete_reviews_take_the_old_object() {
        let doc = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"operation": "DELETE", "oldObject": {"kind": "Pod", "metadata": {"name": "p"}}}});
        assert!(Review::is_admission_review(&doc));
        let review = Review::of_admission_review(&doc).expect("valid");
        assert_eq!(review.json["object"]["metadata"]["name"], json!("p"));
        let empty = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"operation": "CREATE"}});
        assert!(Review::of_admission_review(&empty).is_err());
    }
}
