//! Prints the top-level `.Values` bulwark computes for a chart, as JSON (a development aid
//! for comparing with Helm).
#![allow(clippy::print_stdout)]

use bulwark_helm::{Capabilities, ReleaseOptions, Value, ValueOptions, load, prepare};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        return;
    };
    // Further arguments are `--set` lines.
    let opts = ValueOptions {
        values: std::env::args().skip(2).collect(),
        ..ValueOptions::default()
    };
    let user = match opts.merge_values() {
        Ok(u) => u,
        Err(e) => {
            println!("{}", serde_json::json!({ "error": e.to_string() }));
            return;
        }
    };
    let out = load(std::path::Path::new(&path))
        .map_err(|e| e.to_string())
        .and_then(|c| {
            prepare(c, &user, ReleaseOptions::default(), Capabilities::default())
                .map_err(|e| e.to_string())
        });
    match out {
        Ok(input) => println!("{}", Value::Map(input.values).to_json()),
        Err(e) => println!("{}", serde_json::json!({ "error": e })),
    }
}
