#![no_main]
//! Parses arbitrary text as a template and, when it parses, executes it over a small value
//! with tight limits: neither may panic, hang or overflow the stack.

use bulwark_gotmpl::{Limits, Map, Options, TemplateSet, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut set = TemplateSet::with_builtins("fuzz");
    set.set_options(Options {
        limits: Limits { max_steps: 20_000, max_output_bytes: 1 << 16, max_template_depth: 50, ..Limits::default() },
        ..Options::default()
    });
    if set.parse("t", text).is_err() {
        return;
    }
    let mut m = Map::new();
    m.insert("a".into(), Value::list(vec![Value::Int(1), Value::Float(2.5), Value::Nil]));
    m.insert("s".into(), Value::from("str"));
    m.insert("m".into(), Value::map(Map::from([("k".to_owned(), Value::Bool(true))])));
    let data = Value::map(m);
    let names: Vec<String> = set.names().map(str::to_owned).collect();
    for name in names {
        let _ = set.execute(&name, &data);
    }
    // Node printing must not panic either.
    if let Some(tree) = set.lookup("t") {
        let _ = tree.root.render(true);
    }
});
