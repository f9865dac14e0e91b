#![no_main]
//! Any input: the Dockerfile parser and the RUN shell analysis must not panic, and every
//! span must lie on character boundaries of the input.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = bulwark_dockerfile::buildkit_ast_dump(text);
    if let Ok(df) = bulwark_dockerfile::parse_recovering(text) {
        for ins in &df.instructions {
            for span in [ins.span, ins.keyword_span] {
                assert!(text.get(span.start..span.end).is_some(), "bad span {span:?}");
            }
            for a in &ins.args {
                assert!(text.get(a.span.start..a.span.end).is_some(), "bad arg span {:?}", a.span);
            }
            let scope = df.scope_at(ins.index);
            for a in &ins.args {
                let _ = scope.expand(&a.value, df.escape);
            }
            let _ = bulwark_dockerfile::shell::analyze_run(&df, ins);
        }
    }
});
