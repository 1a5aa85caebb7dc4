//! HTTPS and the plain-HTTP rule, as an operator meets them: the built binary, certificates made for the test by
//! a throwaway certificate authority, and the real client.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use medbetjening::domain::Role;
use medbetjening::history::client::{ClientError, HistoryClient};
use medbetjening::history::service::tls::is_loopback_bind;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");
const TIMEOUT: Duration = Duration::from_secs(10);

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A certificate authority and a server certificate it issued for `localhost` and 127.0.0.1, as PEM files.
struct Pki {
    dir: tempfile::TempDir,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "Test Kommune CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key")).expect("CA");
        let server_key = KeyPair::generate().expect("server key");
        let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).expect("params");
        params.distinguished_name.push(DnType::CommonName, "historik.test");
        let cert = params.signed_by(&server_key, &ca).expect("server certificate");
        let write = |name: &str, contents: String| {
            let path = dir.path().join(name);
            std::fs::write(&path, contents).expect("write PEM");
            path
        };
        let ca = write("ca.pem", ca.pem());
        let cert = write("server.pem", cert.pem());
        let key = write("server.key", server_key.serialize_pem());
        Self { dir, ca, cert, key }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn sqlite(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("history.sqlite").display())
}

/// A SQLite store in `dir` with its schema, made the way an operator does.
fn migrated(dir: &Path) -> String {
    let database = sqlite(dir);
    let out = run(&["migrate", "--database", &database]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    database
}

/// A counter staff member's token, made the way an operator does.
fn staff_token(database: &str) -> String {
    let out = run(&["staff", "add", "--name", "Test", "--role", "counter", "--site", "Test", "--database", database]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_owned()
}

/// A running `serve`, stopped (killed) when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// `serve` with these arguments; returns it and the URL it printed.
fn serve(args: &[&str]) -> (Served, String) {
    let mut served = Served(
        Command::new(BIN)
            .arg("serve")
            .args(args)
            .env("RUST_LOG", "warn")
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts"),
    );
    let stderr = served.0.stderr.take().expect("stderr");
    let mut before = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if let Some(url) = line.split_whitespace().find(|w| w.contains("://")) {
            return (served, url.to_owned());
        }
        before.push(line);
    }
    panic!("serve printed no address: {before:?}");
}

/// Sends Ctrl+C's signal and waits for the exit status.
fn interrupt(served: &mut Served) -> std::process::ExitStatus {
    let pid = served.0.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().expect("kill runs").success());
    let started = Instant::now();
    loop {
        if let Some(status) = served.0.try_wait().expect("wait") {
            return status;
        }
        assert!(started.elapsed() < TIMEOUT, "serve stops after Ctrl+C");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn https_works_with_the_municipal_ca_and_fails_clearly_without_it() {
    let pki = Pki::new();
    let database = migrated(pki.dir.path());
    let token = staff_token(&database);
    let (cert, key) = (pki.cert.display().to_string(), pki.key.display().to_string());
    let (mut served, url) =
        serve(&["--database", &database, "--bind", "127.0.0.1:0", "--tls-cert", &cert, "--tls-key", &key]);
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    // A client that connects and never starts its handshake must not hold up anyone else's.
    let silent = tokio::net::TcpStream::connect(url.trim_start_matches("https://")).await.expect("connect");
    let client = HistoryClient::with_ca_file(&url, &token, TIMEOUT, Some(&pki.ca)).expect("client");
    let started = Instant::now();
    let health = client.health().await.expect("health over HTTPS");
    assert!(health.store_reachable);
    assert!(started.elapsed() < Duration::from_secs(5), "not stalled by the silent client: {:?}", started.elapsed());
    assert_eq!(client.me().await.expect("an authenticated call over HTTPS").role, Role::Counter);
    let by_name = HistoryClient::with_ca_file(&url.replace("127.0.0.1", "localhost"), &token, TIMEOUT, Some(&pki.ca));
    assert_eq!(by_name.expect("client").me().await.expect("by the name on the certificate").name, "Test");

    let untrusting = HistoryClient::new(&url, &token, TIMEOUT).expect("client");
    let error = untrusting.me().await.expect_err("a certificate from an unknown CA is refused");
    assert!(matches!(error, ClientError::Tls(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("not trusted") && message.contains("--ca-file"), "{message}");
    assert!(!message.contains(&token), "{message}");
    assert!(error.is_transient(), "an outbox keeps sessions waiting until the certificate problem is fixed");

    let plain = HistoryClient::new(&url.replace("https://", "http://"), &token, TIMEOUT).expect("client");
    assert!(plain.health().await.is_err(), "plain HTTP gets no answer from the HTTPS port");

    drop(silent);
    assert!(interrupt(&mut served).success(), "Ctrl+C stops the HTTPS service cleanly");
}

#[test]
fn unusable_certificate_or_key_files_are_named_before_the_database_is_touched() {
    let pki = Pki::new();
    let other = Pki::new();
    std::fs::write(pki.path("garbage.pem"), "this is not a certificate\n").expect("write");
    let database = format!("sqlite:{}", pki.path("untouched.sqlite").display());
    let key_pem = std::fs::read_to_string(&pki.key).expect("key");
    let key_line = key_pem.lines().nth(1).expect("a base64 line").to_owned();
    let cases: [(PathBuf, &Path, &[&str]); 4] = [
        (pki.path("absent.pem"), &pki.key, &["cannot read the TLS certificate", "absent.pem"]),
        (pki.path("garbage.pem"), &pki.key, &["TLS certificate", "garbage.pem", "no PEM certificate"]),
        (pki.cert.clone(), &pki.cert, &["TLS key", "server.pem", "no PEM private key"]),
        (pki.cert.clone(), &other.key, &["do not go together", "server.pem", "server.key"]),
    ];
    for (cert, key, expected) in cases {
        let (cert, key) = (cert.display().to_string(), key.display().to_string());
        let out =
            run(&["serve", "--database", &database, "--bind", "127.0.0.1:0", "--tls-cert", &cert, "--tls-key", &key]);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        for needle in expected {
            assert!(stderr.contains(needle), "{needle:?} in {stderr}");
        }
        assert!(!stderr.contains(&key_line), "no key material in the message: {stderr}");
    }
    assert!(!pki.path("untouched.sqlite").exists(), "nothing was created before the files were checked");

    let cert = pki.cert.display().to_string();
    let out = run(&["serve", "--database", &database, "--tls-cert", &cert]);
    assert!(!out.status.success() && text(&out.stderr).contains("--tls-key"), "{}", text(&out.stderr));
}

#[test]
fn plain_http_on_a_network_address_is_refused_before_listening() {
    let dir = tempfile::tempdir().expect("dir");
    let database = sqlite(dir.path());
    // Holding the port proves the refusal comes before any bind: binding would fail with "in use" instead.
    let held = std::net::TcpListener::bind("0.0.0.0:0").expect("a port");
    let port = held.local_addr().expect("address").port();
    for bind in [format!("0.0.0.0:{port}"), format!("[::]:{port}"), format!("example.org:{port}")] {
        let out = run(&["serve", "--database", &database, "--bind", &bind]);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{bind}: {stderr}");
        for needle in ["refusing to serve plain HTTP", "unencrypted", "--tls-cert", "--allow-plain-http", &bind] {
            assert!(stderr.contains(needle), "{bind}: {needle:?} in {stderr}");
        }
        assert!(!stderr.contains("in use"), "{stderr}");
    }
    assert!(!dir.path().join("history.sqlite").exists(), "refused before the database was opened");
}

#[tokio::test]
async fn allow_plain_http_serves_on_a_network_address() {
    let dir = tempfile::tempdir().expect("dir");
    let database = migrated(dir.path());
    let (_served, url) = serve(&["--database", &database, "--bind", "0.0.0.0:0", "--allow-plain-http"]);
    let port = url.rsplit(':').next().expect("port");
    let client = HistoryClient::new(&format!("http://127.0.0.1:{port}"), "unused", TIMEOUT).expect("client");
    assert!(client.health().await.expect("health").store_reachable);
}

#[test]
fn loopback_means_this_machine_only() {
    for bind in [
        "127.0.0.1:8080",
        "127.10.20.30:1",
        "[::1]:8080",
        "[::ffff:127.0.0.1]:8080",
        "localhost:8080",
        "LOCALHOST.:8080",
        "localhost",
    ] {
        assert!(is_loopback_bind(bind), "{bind}");
    }
    for bind in [
        "0.0.0.0:8080",
        "[::]:8080",
        "10.0.0.5:8080",
        "192.168.1.20:80",
        "[fe80::1]:80",
        "[::ffff:10.0.0.1]:80",
        "example.org:8080",
        "localhost.example.org:8080",
        "my-localhost:8080",
        ":8080",
    ] {
        assert!(!is_loopback_bind(bind), "{bind}");
    }
}

#[test]
fn a_missing_or_empty_ca_file_is_a_clear_configuration_error() {
    let dir = tempfile::tempdir().expect("dir");
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "no certificates here\n").expect("write");
    for (file, needle) in [(dir.path().join("absent-ca.pem"), "cannot read the CA file"), (empty, "no PEM certificate")]
    {
        let error = HistoryClient::with_ca_file("https://localhost:1", "token", TIMEOUT, Some(&file))
            .expect_err("an unusable CA file");
        let message = error.to_string();
        assert!(matches!(error, ClientError::Config(_)), "{error:?}");
        let name = file.file_name().expect("name").to_string_lossy().into_owned();
        assert!(message.contains(needle) && message.contains(&name), "{message}");
    }
}
