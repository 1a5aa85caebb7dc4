//! Plain HTTP from the command line: the console and the commands that talk to a service refuse an `http://`
//! address on another machine before they journal, open a window or send anything.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("MEDBETJENING_SERVER")
        .env_remove("MEDBETJENING_TOKEN")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn plain_http_to_another_machine_is_refused_before_anything_is_journaled_or_sent() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("outbox.jsonl").display().to_string();
    let shot = dir.path().join("shot.png").display().to_string();
    let data = dir.path().join("data").display().to_string();
    let token = "mbj_not_a_real_token";
    let log =
        ["session", "log", "--server", "http://192.0.2.1", "--token", token, "--outbox", &journal, "--demo-count", "1"];
    let flush = ["outbox", "flush", "--server", "http://historik.kk.dk:8080", "--token", token, "--outbox", &journal];
    let console = ["--data-dir", &data, "--server", "http://192.0.2.1", "--token", token, "--screenshot", &shot];
    for (args, host) in [(&log[..], "192.0.2.1"), (&flush[..], "historik.kk.dk"), (&console[..], "192.0.2.1")] {
        let out = run(args);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        for needle in
            [&format!("refusing to connect to {host} over plain http://"), "unencrypted", "--allow-plain-http"]
        {
            assert!(stderr.contains(needle), "{args:?}: {needle:?} in {stderr}");
        }
        assert!(!stderr.contains(token), "the token is never printed: {stderr}");
        assert!(!Path::new(&journal).exists(), "{args:?}: nothing was journaled");
        assert!(!Path::new(&shot).exists() && !Path::new(&data).exists(), "{args:?}: no console was started");
    }

    // This machine is fine over plain HTTP: the session is journaled and waits, as nothing listens on port 9.
    let local = [
        "session",
        "log",
        "--server",
        "http://127.0.0.1:9",
        "--token",
        token,
        "--outbox",
        &journal,
        "--demo-count",
        "1",
    ];
    let out = run(&local);
    assert!(!text(&out.stderr).contains("refusing"), "{}", text(&out.stderr));
    assert!(Path::new(&journal).exists(), "journaled for later");
}
