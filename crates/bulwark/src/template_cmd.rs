//! `bulwark template`: render a chart as Helm v4 does. `--output json` prints what the
//! Helm SDK's render returns (`{template path: text}`, the golden format of the shared
//! corpus); `--output yaml` prints the `helm template` stream, after the checks `helm
//! template` makes (installable chart type, `kubeVersion`).

use std::collections::BTreeMap;
use std::io::Write;

use bulwark_helm::manifest::{sort_manifests, template_stream};
use bulwark_helm::{
    Capabilities, KubeVersion, ReleaseOptions, ValueOptions, check_installable, load, prepare,
    render,
};

use crate::cli::{TemplateArgs, TemplateOutput};

pub fn run(args: TemplateArgs) -> Result<u8, String> {
    let chart = load(&args.chart).map_err(|e| e.to_string())?;
    let user = ValueOptions {
        value_files: args.values.clone(),
        json_values: args.set_json.clone(),
        values: args.set.clone(),
        string_values: args.set_string.clone(),
        file_values: args.set_file.clone(),
        literal_values: Vec::new(),
    }
    .merge_values()
    .map_err(|e| e.to_string())?;
    let mut capabilities = Capabilities::default().with_api_versions(args.api_versions.clone());
    if let Some(v) = &args.kube_version {
        let kv = KubeVersion::parse(v).ok_or_else(|| format!("invalid kube version {v:?}"))?;
        capabilities = capabilities.with_kube_version(kv);
    }
    if args.output == TemplateOutput::Yaml {
        check_installable(&chart, &capabilities).map_err(|e| e.to_string())?;
    }
    let release = ReleaseOptions {
        name: args.name.clone(),
        namespace: args.namespace.clone(),
        ..ReleaseOptions::default()
    };
    let input = prepare(chart, &user, release, capabilities).map_err(|e| e.to_string())?;
    let rendered = render(&input).map_err(|e| e.to_string())?;
    let text = match args.output {
        TemplateOutput::Json => json_object(&rendered),
        TemplateOutput::Yaml => {
            let sorted = sort_manifests(&rendered).map_err(|e| e.to_string())?;
            template_stream(&sorted)
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
    Ok(0)
}

/// Python's `json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=1)` and a newline,
/// as the corpus goldens are written.
fn json_object(rendered: &BTreeMap<String, String>) -> String {
    if rendered.is_empty() {
        return "{}\n".into();
    }
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let items: Vec<String> = rendered
        .iter()
        .map(|(k, v)| format!(" {}: {}", quote(k), quote(v)))
        .collect();
    format!("{{\n{}\n}}\n", items.join(",\n"))
}
