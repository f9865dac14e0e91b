//! `bulwark db update` against a real HTTP server on 127.0.0.1 serving OSV exports in
//! osv.dev's layout (`<Ecosystem>/all.zip`), built from the shared advisory archives; and the
//! same layout as a local mirror folder.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

mod common;
use common::bulwark;

/// Writes `<root>/<ecosystem>/all.zip` holding the `.json` records of a shared archive, flat
/// as osv.dev's exports are.
fn export(root: &Path, ecosystem: &str, archive: &Path) -> usize {
    let dir = root.join(ecosystem);
    std::fs::create_dir_all(&dir).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dir.join("all.zip")).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let mut n = 0;
    bulwark_vulndb::archive::for_each_entry(archive, &mut |e| {
        let name = e.path.rsplit('/').next().unwrap_or(e.path);
        if name.ends_with(".json") && name.contains('-') {
            zip.start_file(name, options).unwrap();
            zip.write_all(e.bytes).unwrap();
            n += 1;
        }
        Ok(())
    })
    .unwrap();
    zip.finish().unwrap();
    n
}

/// A minimal HTTP/1.1 file server: GET of a file under `root`, 404 otherwise.
struct Server {
    addr: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    serve(conn, &root);
                }
            }
        });
        Server {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut conn: TcpStream, root: &Path) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request.split(' ').nth(1).unwrap_or("/");
    let file = root.join(path.trim_start_matches('/'));
    let response = match (path.contains(".."), std::fs::read(&file)) {
        (false, Ok(body)) => {
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend(body);
            r
        }
        _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    };
    let _ = conn.write_all(&response);
}

#[test]
fn update_downloads_ecosystem_exports_and_scans_use_them() {
    let Some(vulndb) = bulwark_test::shared_path("vulndb") else {
        return;
    };
    let images = bulwark_test::shared_path("images").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mirror = tmp.path().join("mirror");
    assert_eq!(
        export(&mirror, "Go", &vulndb.join("golang-vulndb.tar.zst")),
        4291
    );
    assert_eq!(
        export(&mirror, "crates.io", &vulndb.join("rustsec-osv.tar.zst")),
        1206
    );
    let server = Server::start(mirror.clone());
    let base = format!("http://{}/", server.addr);

    let db = tmp.path().join("cache").join("db.sqlite");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let db_s = db.to_str().unwrap();
    let out = bulwark(&[
        "db",
        "update",
        "--db",
        db_s,
        "--source",
        &base,
        "--ecosystem",
        "Go,crates.io",
        "--ecosystem",
        "PyPI",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // PyPI is not served: reported, the others imported, exit 2.
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("osv-Go: 4291 advisories from 4291 files"),
        "{stdout}"
    );
    assert!(
        stdout.contains("osv-crates.io: 1206 advisories"),
        "{stdout}"
    );
    assert!(
        stderr.contains("PyPI") && stderr.contains("HTTP 404"),
        "{stderr}"
    );
    // No download is left behind.
    let left: Vec<_> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    let status = bulwark(&["db", "status", "--db", db_s]);
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("osv-Go") && status.contains("4291"),
        "{status}"
    );

    // The Go advisories expected for tiny-static are all found through the downloaded data.
    let target = format!(
        "oci-archive:{}",
        images.join("tiny-static.oci.tar").display()
    );
    let scan = bulwark(&["scan", "-f", "json", "--db", db_s, &target]);
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let text = report.to_string();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(images.join("tiny-static.expected-osv.json")).unwrap(),
    )
    .unwrap();
    let mut n = 0;
    for p in expected["packages"].as_array().unwrap() {
        for a in p["advisories"].as_array().into_iter().flatten() {
            let a = a.as_str().unwrap();
            assert!(text.contains(&format!("\"{a}\"")), "{a} not reported");
            n += 1;
        }
    }
    assert_eq!(n, 96);

    // A second update replaces the sources (same counts), from the mirror folder this time.
    drop(server);
    let again = bulwark(&[
        "db",
        "update",
        "--db",
        db_s,
        "--source",
        mirror.to_str().unwrap(),
        "--ecosystem",
        "Go,crates.io",
    ]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        again.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(stdout.contains("osv-Go: 4291 advisories"), "{stdout}");
    let status = bulwark(&["db", "status", "--db", db_s]);
    let status = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.matches("osv-Go").count(), 1, "{status}");
}
