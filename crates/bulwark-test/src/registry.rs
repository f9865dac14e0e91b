//! A throw-away OCI distribution registry (Debian's `docker-registry`, distribution 2.8) on
//! a free 127.0.0.1 port, for tests; stopped (by its own process handle) and its storage
//! removed when dropped.
//!
//! Without the registry binary, [`LocalRegistry::start`] returns `None` (with a note on
//! stderr) so tests skip, except under `CI`, where it panics.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A running registry.
pub struct LocalRegistry {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The registry binary (`$REGISTRY_BIN`, else `docker-registry` on `PATH`).
///
/// # Panics
/// In CI (`CI` set), when it is missing.
pub fn registry_binary() -> Option<PathBuf> {
    let name = std::env::var("REGISTRY_BIN").unwrap_or_else(|_| "docker-registry".into());
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(&name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("`{name}` is missing: install Debian's docker-registry package");
        }
        eprintln!("skipping: `{name}` is not installed (apt-get install docker-registry)");
    }
    found
}

/// Whether the registry on `port` is the one started with header value `id`: `None` while
/// nothing answers there.
fn answers_as(port: u16, id: &str) -> Option<bool> {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    stream
        .write_all(b"GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    if head.is_empty() {
        return None;
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    Some(head.contains(&format!("x-bulwark-registry: {}", id.to_ascii_lowercase())))
}

/// A free port on 127.0.0.1.
///
/// # Panics
/// When no port can be bound.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn fresh_dir() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "bulwark-registry-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

impl LocalRegistry {
    /// Starts a registry; `auth` is the YAML of its `auth:` section (empty for none).
    /// `None` when the binary is missing outside CI.
    ///
    /// A free port can be taken by another test's registry between [`free_port`] and this
    /// one binding it; then this registry exits and the port answers for the other one.
    /// Each registry therefore adds its own `X-Bulwark-Registry` header to every response,
    /// and the start is only done when the port answers with that header; otherwise it is
    /// tried again on another port.
    ///
    /// # Panics
    /// When it does not start within 20 seconds (with its log), or in CI without the binary.
    pub fn start(auth: &str) -> Option<LocalRegistry> {
        let bin = registry_binary()?;
        let dir = fresh_dir();
        let id = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let port = free_port();
            let config = format!(
                "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n\
                 storage:\n  filesystem:\n    rootdirectory: {root}/storage\n  delete:\n    enabled: true\n\
                 http:\n  addr: 127.0.0.1:{port}\n  secret: bulwark-test\n  headers:\n    \
                 X-Bulwark-Registry: [\"{id}\"]\n{auth}",
                root = dir.display()
            );
            let config_path = dir.join("config.yml");
            std::fs::write(&config_path, config).unwrap_or_else(|e| panic!("{e}"));
            let log =
                std::fs::File::create(dir.join("registry.log")).unwrap_or_else(|e| panic!("{e}"));
            let child = Command::new(&bin)
                .arg("serve")
                .arg(&config_path)
                .stdout(Stdio::null())
                .stderr(Stdio::from(log))
                .spawn()
                .unwrap_or_else(|e| panic!("starting the registry: {e}"));
            let mut child = child;
            loop {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    let log = std::fs::read_to_string(dir.join("registry.log")).unwrap_or_default();
                    panic!("the registry did not start on port {port}: {log}");
                }
                if matches!(child.try_wait(), Ok(Some(_))) {
                    // It exited (the port was taken): another port.
                    break;
                }
                match answers_as(port, &id) {
                    Some(true) => return Some(LocalRegistry { child, port, dir }),
                    Some(false) => break,
                    None => std::thread::sleep(Duration::from_millis(50)),
                }
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:<port>`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Its folder (config, log, storage).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored data of a blob (distribution's filesystem layout).
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        self.dir
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(hex.get(..2).unwrap_or(""))
            .join(hex)
            .join("data")
    }
}
