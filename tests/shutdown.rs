//! Stopping the service as systemd and Kubernetes do, with SIGTERM: `/health` turns 503 so load balancers stop
//! sending, a request in flight is still answered in full, and the process exits 0.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("the binary runs")
}

#[tokio::test]
async fn sigterm_drains_requests_in_flight_and_exits_0() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    assert!(run(&["migrate", "--database", &database]).status.success());
    let added =
        run(&["staff", "add", "--name", "Feed", "--role", "integration", "--site", "X", "--database", &database]);
    let token = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    let mut child = Command::new(BIN)
        .args(["serve", "--database", &database, "--bind", "127.0.0.1:0", "--shutdown-delay", "2"])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let line = BufReader::new(stderr).lines().map_while(Result::ok).find(|l| l.contains("http://")).expect("address");
    let address =
        line.split_whitespace().find(|w| w.starts_with("http://")).expect("url").trim_start_matches("http://");
    let address = address.to_owned();

    // A registry write whose body is half sent when the signal comes.
    let body = r#"{"cpr": "0707614285", "name": "Jens Jensen"}"#;
    let mut slow = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let head = format!(
        "PUT /v1/citizens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).await.expect("head");
    slow.write_all(&body.as_bytes()[..10]).await.expect("half the body");
    tokio::time::sleep(Duration::from_millis(200)).await;

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let health = reqwest::get(format!("http://{address}/health")).await.expect("still answering while draining");
    assert_eq!(health.status(), 503, "load balancers are told to stop sending");
    let health: serde_json::Value = health.json().await.expect("JSON");
    assert_eq!(health["status"], "draining");

    slow.write_all(&body.as_bytes()[10..]).await.expect("the rest of the body");
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), slow.read_to_string(&mut answer)).await.expect("answered").ok();
    assert!(answer.starts_with("HTTP/1.1 201"), "the request in flight was served in full: {answer}");

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "the service stops after the drain");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0), "a SIGTERM is a normal stop, not a kill (143)");
    assert!(tokio::net::TcpStream::connect(&address).await.is_err(), "the port is closed");
}
