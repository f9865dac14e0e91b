//! `data.inventory`: the objects Gatekeeper syncs into OPA, laid out as its sync does:
//! `cluster[groupVersion][kind][name]` for cluster-scoped objects and
//! `namespace[namespace][groupVersion][kind][name]` for namespaced ones. The Namespace
//! objects are also kept by name, for `namespaceSelector`.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

/// Objects made available to templates, and the Namespaces among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    data: Map<String, Json>,
    namespaces: HashMap<String, Json>,
}

impl Inventory {
    pub fn new() -> Inventory {
        Inventory::default()
    }

    /// Builds an inventory of every object that has an apiVersion, a kind and a name.
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Json>) -> Inventory {
        let mut inventory = Inventory::new();
        for object in objects {
            inventory.add(object);
        }
        inventory
    }

    /// Adds an object; objects without apiVersion, kind or name are ignored (Gatekeeper
    /// rejects them). A later object with the same identity replaces the earlier one.
    pub fn add(&mut self, object: &Json) {
        let text = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Json::as_str)
                .filter(|s| !s.is_empty())
        };
        let (Some(api_version), Some(kind), Some(name)) =
            (text("/apiVersion"), text("/kind"), text("/metadata/name"))
        else {
            return;
        };
        if kind == "Namespace" && api_version == "v1" {
            self.namespaces.insert(name.to_string(), object.clone());
        }
        let path: Vec<&str> = match text("/metadata/namespace") {
            Some(ns) => vec!["namespace", ns, api_version, kind],
            None => vec!["cluster", api_version, kind],
        };
        let mut node = &mut self.data;
        for key in path {
            let entry = node
                .entry(key.to_string())
                .or_insert_with(|| Json::Object(Map::new()));
            if !entry.is_object() {
                *entry = Json::Object(Map::new());
            }
            node = match entry.as_object_mut() {
                Some(map) => map,
                None => return,
            };
        }
        node.insert(name.to_string(), object.clone());
    }

    /// The Namespace object of that name, if it is in the inventory.
    pub fn namespace(&self, name: &str) -> Option<&Json> {
        self.namespaces.get(name)
    }

    /// `data.inventory` as JSON.
    pub fn to_json(&self) -> Json {
        Json::Object(self.data.clone())
    }

    /// `data` as templates see it, `{"inventory": …}`, converted for the engine once.
    pub fn to_data(&self) -> crate::engine::RegoValue {
        crate::engine::RegoValue::from(serde_json::json!({ "inventory": self.to_json() }))
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn layout_follows_gatekeeper_sync() {
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
        let ing = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                          "metadata": {"name": "web", "namespace": "shop"}});
        let inv = Inventory::from_objects([&ns, &ing]);
        let data = inv.to_json();
        assert_eq!(data["cluster"]["v1"]["Namespace"]["shop"], ns);
        assert_eq!(
            data["namespace"]["shop"]["networking.k8s.io/v1"]["Ingress"]["web"],
            ing
        );
        assert_eq!(inv.namespace("shop"), Some(&ns));
    }
}
