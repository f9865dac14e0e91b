//! Unit tests of the helpers of the instructions and stages section.

use super::{ImageRef, variable_references};

#[test]
fn image_references_split_like_the_runtime() {
    let r = ImageRef::parse("localhost:5000/web");
    assert_eq!(
        (r.registry, r.path, r.tag),
        (Some("localhost:5000"), "web", None)
    );
    let r = ImageRef::parse("docker.io/library/debian:12@sha256:abc");
    assert_eq!(r.registry, Some("docker.io"));
    assert_eq!(
        (r.path, r.tag, r.digest),
        ("library/debian", Some("12"), Some("sha256:abc"))
    );
    let r = ImageRef::parse("${REGISTRY:-ghcr.io}/app:${VERSION:-1.0}");
    assert_eq!((r.name(), r.tag), ("app", Some("${VERSION:-1.0}")));
    assert_eq!(r.registry, None);
    let r = ImageRef::parse("zemanlx/ubuntu");
    assert_eq!(
        (r.registry, r.path, r.name()),
        (None, "zemanlx/ubuntu", "ubuntu")
    );
    assert!(r.is_docker_hub());
}

#[test]
fn variable_references_skip_single_quotes() {
    let refs: Vec<_> = variable_references("$A/${B:-x}/'$C'/$")
        .map(|r| r.2)
        .collect();
    assert_eq!(refs, ["A", "B"]);
}
