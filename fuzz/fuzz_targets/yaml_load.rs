//! Arbitrary bytes (as UTF-8 when valid) through both resolver profiles and the JSON
//! conversion: the loader must return `Ok` or `Err`, never panic or hang, and every span it
//! returns must lie on character boundaries inside the input.
#![no_main]

use bulwark_yaml::{LoadOptions, Node, NodeKind, Profile, load_str_with};
use libfuzzer_sys::fuzz_target;

fn check(n: &Node, text: &str) {
    let s = n.span;
    assert!(s.start <= s.end && s.end <= text.len(), "{s:?}");
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{s:?}"
    );
    match &n.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Sequence(items) => items.iter().for_each(|i| check(i, text)),
        NodeKind::Mapping(entries) => entries.iter().for_each(|e| {
            check(&e.key, text);
            check(&e.value, text);
        }),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for profile in [Profile::GoYamlV2, Profile::Yaml12Core] {
        let options = LoadOptions {
            profile,
            ..LoadOptions::default()
        };
        match load_str_with(text, options) {
            Ok(docs) => {
                for d in &docs {
                    let _ = d.root.to_json();
                    let _ = d.root.try_to_json();
                    check(&d.root, text);
                }
            }
            Err(e) => {
                assert!(
                    e.offset <= text.len() && e.line >= 1 && e.column >= 1,
                    "{e:?}"
                );
            }
        }
    }
});
