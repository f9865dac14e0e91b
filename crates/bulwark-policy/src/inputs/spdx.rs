//! SPDX documents as conftest reads them: the tag-value format (SPDX 2.1 to 2.3) loaded and
//! brought to the SPDX 2.3 JSON shape (`spdxVersion` is then `SPDX-2.3`, `DocumentName` is
//! `name`, `Creator` lines are `creationInfo.creators`, packages under `packages` with the
//! files that follow them under their `files`, other files under `files`, `LicenseID` blocks
//! under `hasExtractedLicensingInfos`, `Relationship` lines as
//! `{spdxElementId, relationshipType, relatedSpdxElement}`). A document that already is SPDX
//! JSON is taken as it is.
//!
//! An unknown tag, a line that is not `Tag: value`, an unclosed `<text>` or a version other
//! than SPDX-2.x is an error naming the line, as tools-golang refuses them.

use serde_json::{Map, Value, json};

type Res<T> = Result<T, (u32, String)>;

/// Where the tags being read go.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    Document,
    Package,
    File,
    Snippet,
    License,
    Annotation,
    Review,
}

pub(super) fn parse(text: &str) -> Result<Value, (Option<u32>, String)> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed)
            .map_err(|e| (Some(e.line() as u32), format!("SPDX JSON: {e}")));
    }
    parse_tag_value(text).map_err(|(l, m)| (Some(l), m))
}

fn parse_tag_value(text: &str) -> Res<Value> {
    let mut doc = Map::new();
    let mut creation = Map::new();
    let mut packages: Vec<Map<String, Value>> = Vec::new();
    let mut files: Vec<Map<String, Value>> = Vec::new();
    let mut snippets: Vec<Map<String, Value>> = Vec::new();
    let mut licenses: Vec<Map<String, Value>> = Vec::new();
    let mut relationships: Vec<Map<String, Value>> = Vec::new();
    let mut annotations: Vec<Map<String, Value>> = Vec::new();
    let mut section = Section::Document;
    // Whether the current file belongs to the last package.
    let mut file_in_package = false;
    let mut version_seen = false;

    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i as u32 + 1;
        let line = lines[i].trim_end_matches('\r');
        i += 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((tag, rest)) = line.split_once(':') else {
            return Err((line_no, format!("expected `Tag: value`, found `{t}`")));
        };
        let tag = tag.trim();
        let mut value = rest.trim().to_owned();
        if let Some(start) = value.strip_prefix("<text>") {
            let mut body = start.to_owned();
            loop {
                if let Some(end) = body.find("</text>") {
                    body.truncate(end);
                    break;
                }
                let Some(next) = lines.get(i) else {
                    return Err((line_no, format!("`{tag}`: <text> is not closed")));
                };
                body.push('\n');
                body.push_str(next.trim_end_matches('\r'));
                i += 1;
            }
            value = body;
        }
        let v = Value::String(value.clone());

        // Tags that start a new element.
        match tag {
            "PackageName" => {
                section = Section::Package;
                file_in_package = true;
                packages.push(Map::new());
            }
            "FileName" => {
                section = Section::File;
                let m = Map::new();
                match packages.last_mut() {
                    Some(p) if file_in_package => push_list(p, "files", Value::Object(m)),
                    _ => files.push(m),
                }
            }
            "SnippetSPDXID" => {
                section = Section::Snippet;
                file_in_package = false;
                snippets.push(Map::new());
            }
            "LicenseID" => {
                section = Section::License;
                file_in_package = false;
                licenses.push(Map::new());
            }
            "Annotator" => {
                section = Section::Annotation;
                annotations.push(Map::new());
            }
            "Reviewer" => {
                section = Section::Review;
                let mut m = Map::new();
                m.insert("annotationType".into(), json!("REVIEW"));
                annotations.push(m);
            }
            _ => {}
        }

        // Document-wide tags, wherever they appear.
        match tag {
            "SPDXVersion" => {
                if !matches!(value.as_str(), "SPDX-2.1" | "SPDX-2.2" | "SPDX-2.3") {
                    return Err((line_no, format!("unsupported SPDX version `{value}`")));
                }
                version_seen = true;
                doc.insert("spdxVersion".into(), json!("SPDX-2.3"));
                continue;
            }
            "DataLicense" => {
                doc.insert("dataLicense".into(), v);
                continue;
            }
            "DocumentName" => {
                doc.insert("name".into(), v);
                continue;
            }
            "DocumentNamespace" => {
                doc.insert("documentNamespace".into(), v);
                continue;
            }
            "DocumentComment" => {
                doc.insert("comment".into(), v);
                continue;
            }
            "ExternalDocumentRef" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                let [id, uri, alg, sum] = parts[..] else {
                    return Err((
                        line_no,
                        format!(
                            "ExternalDocumentRef: expected `DocumentRef-ID URI ALG: CHECKSUM`, found `{value}`"
                        ),
                    ));
                };
                push_list(
                    &mut doc,
                    "externalDocumentRefs",
                    json!({
                        "externalDocumentId": id,
                        "spdxDocument": uri,
                        "checksum": {"algorithm": alg.trim_end_matches(':'), "checksumValue": sum},
                    }),
                );
                continue;
            }
            "LicenseListVersion" => {
                creation.insert("licenseListVersion".into(), v);
                continue;
            }
            "Creator" => {
                push_list(&mut creation, "creators", v);
                continue;
            }
            "Created" => {
                creation.insert("created".into(), v);
                continue;
            }
            "CreatorComment" => {
                creation.insert("comment".into(), v);
                continue;
            }
            "Relationship" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                let [a, kind, b] = parts[..] else {
                    return Err((
                        line_no,
                        format!("Relationship: expected `ID TYPE ID`, found `{value}`"),
                    ));
                };
                relationships.push(
                    json!({"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b})
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                );
                continue;
            }
            "RelationshipComment" => {
                if let Some(r) = relationships.last_mut() {
                    r.insert("comment".into(), v);
                    continue;
                }
                return Err((
                    line_no,
                    "RelationshipComment before any Relationship".into(),
                ));
            }
            _ => {}
        }

        let target = match section {
            Section::Document => {
                if tag == "SPDXID" {
                    doc.insert("SPDXID".into(), v);
                    continue;
                }
                None
            }
            Section::Package => packages
                .last_mut()
                .and_then(|p| package_tag(p, tag, &value)),
            Section::File => {
                let f = match packages.last_mut() {
                    Some(p) if file_in_package => p
                        .get_mut("files")
                        .and_then(Value::as_array_mut)
                        .and_then(|l| l.last_mut())
                        .and_then(Value::as_object_mut),
                    _ => files.last_mut(),
                };
                f.and_then(|f| file_tag(f, tag, &value))
            }
            Section::Snippet => snippets
                .last_mut()
                .and_then(|s| snippet_tag(s, tag, &value)),
            Section::License => licenses.last_mut().and_then(|l| {
                let key = match tag {
                    "LicenseID" => "licenseId",
                    "ExtractedText" => "extractedText",
                    "LicenseName" => "name",
                    "LicenseComment" => "comment",
                    "LicenseCrossReference" => {
                        push_list(l, "seeAlsos", json!(value));
                        return Some(());
                    }
                    _ => return None,
                };
                l.insert(key.into(), json!(value));
                Some(())
            }),
            Section::Annotation | Section::Review => annotations.last_mut().and_then(|a| {
                let key = match tag {
                    "Annotator" | "Reviewer" => "annotator",
                    "AnnotationDate" | "ReviewDate" => "annotationDate",
                    "AnnotationType" => "annotationType",
                    "AnnotationComment" | "ReviewComment" => "comment",
                    "SPDXREF" => "spdxElementId",
                    _ => return None,
                };
                a.insert(key.into(), json!(value));
                Some(())
            }),
        };
        if target.is_none() {
            return Err((line_no, format!("unknown tag `{tag}` here")));
        }
    }
    if !version_seen {
        return Err((1, "not an SPDX tag-value document: no SPDXVersion".into()));
    }
    if !creation.is_empty() {
        doc.insert("creationInfo".into(), Value::Object(creation));
    }
    for (key, list) in [
        ("packages", packages),
        ("files", files),
        ("hasExtractedLicensingInfos", licenses),
        ("relationships", relationships),
        ("annotations", annotations),
        ("snippets", snippets),
    ] {
        if !list.is_empty() {
            doc.insert(
                key.into(),
                Value::Array(list.into_iter().map(Value::Object).collect()),
            );
        }
    }
    Ok(Value::Object(doc))
}

fn push_list(m: &mut Map<String, Value>, key: &str, v: Value) {
    match m.get_mut(key) {
        Some(Value::Array(a)) => a.push(v),
        _ => {
            m.insert(key.to_owned(), Value::Array(vec![v]));
        }
    }
}

/// `ALG: VALUE` as `{algorithm, checksumValue}`.
fn checksum(value: &str) -> Value {
    let (alg, sum) = value.split_once(':').unwrap_or(("", value));
    json!({"algorithm": alg.trim(), "checksumValue": sum.trim()})
}

fn package_tag(p: &mut Map<String, Value>, tag: &str, value: &str) -> Option<()> {
    let plain = match tag {
        "PackageName" => "name",
        "SPDXID" => "SPDXID",
        "PackageVersion" => "versionInfo",
        "PackageFileName" => "packageFileName",
        "PackageSupplier" => "supplier",
        "PackageOriginator" => "originator",
        "PackageDownloadLocation" => "downloadLocation",
        "PackageHomePage" => "homepage",
        "PackageSourceInfo" => "sourceInfo",
        "PackageLicenseConcluded" => "licenseConcluded",
        "PackageLicenseDeclared" => "licenseDeclared",
        "PackageLicenseComments" => "licenseComments",
        "PackageCopyrightText" => "copyrightText",
        "PackageSummary" => "summary",
        "PackageDescription" => "description",
        "PackageComment" => "comment",
        "PrimaryPackagePurpose" => "primaryPackagePurpose",
        "ReleaseDate" => "releaseDate",
        "BuiltDate" => "builtDate",
        "ValidUntilDate" => "validUntilDate",
        "FilesAnalyzed" => {
            p.insert(
                "filesAnalyzed".into(),
                json!(value.eq_ignore_ascii_case("true")),
            );
            return Some(());
        }
        "PackageVerificationCode" => {
            let (code, excluded) = match value.split_once("(excludes:") {
                Some((c, e)) => (c.trim(), Some(e.trim_end_matches(')').trim())),
                None => (value.trim(), None),
            };
            let mut m = Map::new();
            m.insert("packageVerificationCodeValue".into(), json!(code));
            if let Some(e) = excluded {
                m.insert("packageVerificationCodeExcludedFiles".into(), json!([e]));
            }
            p.insert("packageVerificationCode".into(), Value::Object(m));
            return Some(());
        }
        "PackageChecksum" => {
            push_list(p, "checksums", checksum(value));
            return Some(());
        }
        "PackageLicenseInfoFromFiles" => {
            push_list(p, "licenseInfoFromFiles", json!(value));
            return Some(());
        }
        "PackageAttributionText" => {
            push_list(p, "attributionTexts", json!(value));
            return Some(());
        }
        "ExternalRef" => {
            let mut it = value.split_whitespace();
            let (c, t, l) = (it.next()?, it.next()?, it.next()?);
            push_list(
                p,
                "externalRefs",
                json!({"referenceCategory": c, "referenceType": t, "referenceLocator": l}),
            );
            return Some(());
        }
        "ExternalRefComment" => {
            let r = p
                .get_mut("externalRefs")?
                .as_array_mut()?
                .last_mut()?
                .as_object_mut()?;
            r.insert("comment".into(), json!(value));
            return Some(());
        }
        _ => return None,
    };
    p.insert(plain.into(), json!(value));
    Some(())
}

fn file_tag(f: &mut Map<String, Value>, tag: &str, value: &str) -> Option<()> {
    let plain = match tag {
        "FileName" => "fileName",
        "SPDXID" => "SPDXID",
        "LicenseConcluded" => "licenseConcluded",
        "LicenseComments" => "licenseComments",
        "FileCopyrightText" => "copyrightText",
        "FileComment" => "comment",
        "FileNotice" => "noticeText",
        "FileType" => {
            push_list(f, "fileTypes", json!(value));
            return Some(());
        }
        "FileChecksum" => {
            push_list(f, "checksums", checksum(value));
            return Some(());
        }
        "LicenseInfoInFile" => {
            push_list(f, "licenseInfoInFiles", json!(value));
            return Some(());
        }
        "FileContributor" => {
            push_list(f, "fileContributors", json!(value));
            return Some(());
        }
        "FileAttributionText" => {
            push_list(f, "attributionTexts", json!(value));
            return Some(());
        }
        _ => return None,
    };
    f.insert(plain.into(), json!(value));
    Some(())
}

fn snippet_tag(s: &mut Map<String, Value>, tag: &str, value: &str) -> Option<()> {
    let plain = match tag {
        "SnippetSPDXID" => "SPDXID",
        "SnippetFromFileSPDXID" => "snippetFromFile",
        "SnippetLicenseConcluded" => "licenseConcluded",
        "SnippetLicenseComments" => "licenseComments",
        "SnippetCopyrightText" => "copyrightText",
        "SnippetComment" => "comment",
        "SnippetName" => "name",
        "LicenseInfoInSnippet" => {
            push_list(s, "licenseInfoInSnippets", json!(value));
            return Some(());
        }
        "SnippetAttributionText" => {
            push_list(s, "attributionTexts", json!(value));
            return Some(());
        }
        "SnippetByteRange" | "SnippetLineRange" => {
            let (a, b) = value.split_once(':')?;
            let (a, b) = (a.trim().parse::<i64>().ok()?, b.trim().parse::<i64>().ok()?);
            let key = if tag == "SnippetByteRange" {
                "offset"
            } else {
                "lineNumber"
            };
            let file = s.get("snippetFromFile").cloned().unwrap_or(Value::Null);
            push_list(
                s,
                "ranges",
                json!({"startPointer": {key: a, "reference": file}, "endPointer": {key: b, "reference": file}}),
            );
            return Some(());
        }
        _ => return None,
    };
    s.insert(plain.into(), json!(value));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_files_and_relationships() {
        let v = parse(
            "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: d\n\
             Creator: Tool: x\nCreated: 2021-08-26T01:46:00Z\n\n\
             PackageName: p\nSPDXID: SPDXRef-p\nPackageVersion: 1.0\nFilesAnalyzed: false\n\
             PackageChecksum: SHA1: abc\nPackageComment: <text>line one\nline two</text>\n\
             FileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: def\n\
             Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p\n",
        )
        .expect("parses");
        assert_eq!(v["spdxVersion"], "SPDX-2.3");
        assert_eq!(v["name"], "d");
        assert_eq!(v["creationInfo"]["creators"][0], "Tool: x");
        assert_eq!(v["packages"][0]["versionInfo"], "1.0");
        assert_eq!(v["packages"][0]["filesAnalyzed"], false);
        assert_eq!(v["packages"][0]["checksums"][0]["algorithm"], "SHA1");
        assert_eq!(v["packages"][0]["comment"], "line one\nline two");
        assert_eq!(v["packages"][0]["files"][0]["fileName"], "./a.c");
        assert_eq!(v["relationships"][0]["relationshipType"], "DESCRIBES");
    }

    #[test]
    fn bad_documents_name_the_line() {
        let e = parse("SPDXVersion: SPDX-2.2\nBogusTag: x\n").expect_err("fails");
        assert_eq!(e.0, Some(2), "{}", e.1);
        let e = parse("SPDXVersion: SPDX-9.9\n").expect_err("fails");
        assert!(e.1.contains("unsupported SPDX version"), "{}", e.1);
        let e = parse("SPDXVersion: SPDX-2.2\nPackageName: p\nPackageComment: <text>open\n")
            .expect_err("fails");
        assert!(e.1.contains("not closed"), "{}", e.1);
        assert!(parse("foo: bar\n").is_err());
    }
}
