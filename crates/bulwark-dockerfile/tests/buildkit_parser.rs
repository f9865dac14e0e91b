//! BuildKit's own parser test files: our AST dump must equal BuildKit's `result`, and the
//! negative cases must fail.

mod common;

#[test]
fn buildkit_parser_testfiles() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let dir = shared.join("corpus/dockerfiles/moby__buildkit");
    let mut positive = 0;
    let mut negative = 0;
    let mut failures = Vec::new();
    for path in common::dockerfiles(&dir) {
        let folder = path.parent().expect("folder");
        let name = folder
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
        let expected = folder.join("buildkit-parse-result");
        if name.contains("testfiles-negative") {
            negative += 1;
            if let Ok(dump) = bulwark_dockerfile::buildkit_ast_dump(&text) {
                failures.push(format!("{name}: expected an error, got\n{dump}"));
            }
            if bulwark_dockerfile::parse(&text).is_ok() {
                failures.push(format!("{name}: parse() accepted a negative case"));
            }
        } else if expected.is_file() {
            positive += 1;
            let want = std::fs::read_to_string(&expected).expect("result");
            match bulwark_dockerfile::buildkit_ast_dump(&text) {
                Ok(got) => {
                    let want: Vec<&str> = want
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .collect();
                    let got: Vec<&str> = got.lines().collect();
                    if want != got {
                        failures.push(format!("{name}:\n want {want:#?}\n  got {got:#?}"));
                    }
                }
                Err(e) => failures.push(format!("{name}: {e}")),
            }
        }
    }
    assert_eq!((positive, negative), (33, 4), "BuildKit test files found");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
