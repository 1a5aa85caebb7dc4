//! What an operator meets running the shared service: no secret in help texts or messages, owner-only files, a
//! training store holding the cast only, JSON logs without personal data, and messages that say what is wrong.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");
const SECRET: &str = "s3cret-Pa55word";

fn command() -> Command {
    let mut command = Command::new(BIN);
    command.env_remove("MEDBETJENING_DATABASE").env_remove("MEDBETJENING_GUIDES").env("RUST_LOG", "warn");
    command
}

fn run(args: &[&str]) -> Output {
    command().args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn migrated(dir: &std::path::Path) -> String {
    let database = format!("sqlite:{}", dir.join("h.sqlite").display());
    let out = run(&["migrate", "--database", &database]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    database
}

#[test]
fn no_help_text_shows_the_database_password() {
    let url = format!("postgres://app:{SECRET}@db.example.kk.dk/historik");
    for args in [
        &["serve", "--help"][..],
        &["migrate", "--help"],
        &["staff", "add", "--help"],
        &["demo-data", "--help"],
        &["import", "--help"],
        &["audit", "verify", "--help"],
        &["citizen", "set-fictitious", "--help"],
    ] {
        let out = command().args(args).env("MEDBETJENING_DATABASE", &url).output().expect("runs");
        let help = text(&out.stdout);
        assert!(help.contains("--database-file"), "{args:?}: {help}");
        assert!(!help.contains(SECRET), "{args:?} shows the password: {help}");
    }
}

#[test]
fn the_url_may_come_from_a_file_and_messages_never_show_the_password() {
    let dir = tempfile::tempdir().expect("dir");
    let database = migrated(dir.path());
    let file = dir.path().join("database.url");
    std::fs::write(&file, format!("# the shared store\n{database}\n")).expect("write");
    let listed = run(&["staff", "list", "--database-file", &file.display().to_string()]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));

    // Nothing listens on port 1: the message names the address and the reason, and not the password.
    let url = format!("postgres://app:{SECRET}@127.0.0.1:1/historik");
    let out = run(&["staff", "list", "--database", &url]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("cannot reach the database at 127.0.0.1:1/historik"), "{stderr}");
    assert!(stderr.contains("connection was refused"), "{stderr}");
    assert!(!stderr.contains(SECRET) && !stderr.contains("app:"), "{stderr}");
    assert_eq!(stderr.matches("refused").count(), 1, "said once, not once per wrapper: {stderr}");

    // Plain to another machine is refused before anything is sent.
    let remote = format!("postgres://app:{SECRET}@db.example.kk.dk/historik");
    let stderr = text(&run(&["staff", "list", "--database", &remote]).stderr);
    assert!(stderr.contains("sslmode=verify-full"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_new_store_and_a_new_key_file_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let database = migrated(dir.path());
    let mode = |name: &str| std::fs::metadata(dir.path().join(name)).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode("h.sqlite"), 0o600);
    let key = dir.path().join("audit.key").display().to_string();
    let pruned = run(&["audit", "prune", "--older-than", "180d", "--key-file", &key, "--database", &database]);
    assert!(pruned.status.success(), "{}", text(&pruned.stderr));
    assert_eq!(mode("audit.key"), 0o600);
}

#[test]
fn training_seeding_stores_the_cast_and_nothing_more() {
    let dir = tempfile::tempdir().expect("dir");
    let database = migrated(dir.path());
    let out = run(&["demo-data", "--scenarios", "--database", &database]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("All are fictitious"), "no generated citizens: {stdout}");
    assert!(stdout.contains("Practice scenarios: 10 fictitious citizens created"), "{stdout}");
    // Asked for, more come.
    let more = run(&["demo-data", "--scenarios", "--citizens", "3", "--heavy", "0", "--database", &database]);
    assert!(text(&more.stdout).contains("3 citizens created"), "{}", text(&more.stdout));
}

#[tokio::test]
async fn json_logs_have_one_access_line_per_request_and_no_personal_data() {
    let dir = tempfile::tempdir().expect("dir");
    let database = migrated(dir.path());
    let added = run(&["staff", "add", "--name", "Kim", "--role", "counter", "--site", "X", "--database", &database]);
    let token = text(&added.stdout).trim().to_owned();
    let mut child = command()
        .args(["--log-format", "json", "serve", "--database", &database, "--bind", "127.0.0.1:0"])
        .args(["--shutdown-delay", "0"])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    // Every line is JSON, the address too.
    let url = loop {
        first.clear();
        stderr.read_line(&mut first).expect("a line");
        let line: serde_json::Value = serde_json::from_str(&first).unwrap_or_else(|_| panic!("not JSON: {first}"));
        if let Some(url) = line["fields"]["url"].as_str() {
            break url.to_owned();
        }
    };
    let http = reqwest::Client::new();
    let get = |path: &str, token: &str| {
        http.get(format!("{url}{path}")).bearer_auth(token).header("x-purpose", "counter_visit").send()
    };
    assert_eq!(get("/v1/citizens?cpr=0707614285", &token).await.expect("answer").status(), 200);
    assert_eq!(get("/v1/citizens?q=Jensen", &token).await.expect("answer").status(), 200);
    assert_eq!(get("/v1/me", "mbj_wrong").await.expect("answer").status(), 401);
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill").success());
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("the log");
    assert!(child.wait().expect("exits").success());

    let lines: Vec<serde_json::Value> =
        rest.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"))).collect();
    let access: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["target"] == "medbetjening::access").map(|l| &l["fields"]).collect();
    assert_eq!(access.len(), 3, "{rest}");
    assert_eq!((access[0]["route"].as_str(), access[0]["status"].as_u64()), (Some("/v1/citizens"), Some(200)));
    assert_ne!(access[0]["staff"], "-", "the caller's staff id");
    assert_eq!((access[2]["status"].as_u64(), access[2]["staff"].as_str()), (Some(401), Some("-")), "refused too");
    for forbidden in ["0707614285", "070761", "Jensen", "q=", "cpr=", "mbj_", "\u{1b}["] {
        assert!(!rest.contains(forbidden), "{forbidden:?} in the log: {rest}");
    }
}

#[test]
fn messages_say_what_is_wrong_and_what_to_do() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("kiosk.journal").display().to_string();
    // A service address without a scheme.
    let out = run(&["outbox", "flush", "--server", "historik.kk.dk", "--token", "mbj_x", "--outbox", &journal]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("must start with https://"), "{stderr}");
    assert!(!stderr.contains("relative URL"), "{stderr}");
    // A service that is not there.
    let server = ["--server", "http://127.0.0.1:1", "--token", "mbj_x"];
    let out = run(&[&["session", "log"][..], &server, &["--outbox", &journal, "--demo-count", "1"]].concat());
    assert_eq!(out.status.code(), Some(3), "journaled, waiting to be sent");
    let both = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(both.contains("could not reach the contact-history service at 127.0.0.1"), "{both}");
    assert!(both.contains("refused"), "{both}");

    // `guides check` reads the directory the console reads.
    let broken = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/guides_broken");
    let out = command().args(["guides", "check"]).env("MEDBETJENING_GUIDES", broken).output().expect("runs");
    assert!(!out.status.success(), "the broken guides were checked");
    assert!(text(&out.stdout).contains("never-ends.toml"), "{}", text(&out.stdout));

    // `import --authorities` accepts what `serve --authorities` does.
    let database = migrated(dir.path());
    let tsv = dir.path().join("authorities.tsv");
    std::fs::write(&tsv, "id\tkind\tname_da\tname_en\nnyt-center\tdepartment\tNyt center\tNew centre\n").expect("tsv");
    let feed = dir.path().join("feed.jsonl");
    std::fs::write(
        &feed,
        r#"{"type":"event","source":"x","source_id":"1","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03","channel":"web","authority":"nyt-center","summary":"x"}
{"type":"event","source":"x","source_id":"2","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03-01T09:00:00Z","channel":"web","authority":"nyt-center","summary":"x"}
"#,
    )
    .expect("feed");
    let feed = feed.display().to_string();
    let without = text(&run(&["import", &feed, "--database", &database]).stderr);
    assert!(without.contains("feed.jsonl:2: authority: unknown authority"), "{without}");
    let with = run(&["import", &feed, "--database", &database, "--authorities", &tsv.display().to_string()]);
    let stderr = text(&with.stderr);
    assert!(stderr.contains("feed.jsonl:1: occurred_at: premature end of input"), "the field is named: {stderr}");
    assert!(!stderr.contains("feed.jsonl:2:"), "{stderr}");
}

#[cfg(feature = "console")]
#[test]
fn the_console_without_a_display_says_what_to_do() {
    let dir = tempfile::tempdir().expect("dir");
    let out = command()
        .args(["--server", "http://127.0.0.1:1", "--token", "mbj_x"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("MEDBETJENING_DATA_DIR", dir.path())
        .output()
        .expect("runs");
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("no display") && stderr.contains("--no-default-features"), "{stderr}");
    assert!(!stderr.contains(".rs:") && !stderr.contains("/.cargo/"), "no source path from the build: {stderr}");
}

#[cfg(feature = "console")]
#[test]
fn the_desktop_program_opens_the_console_or_says_why_not() {
    let desktop = env!("CARGO_BIN_EXE_medbetjening-desktop");
    let dir = tempfile::tempdir().expect("dir");
    let plain = Command::new(desktop).args(["--server", "http://10.0.0.5"]).output().expect("runs");
    assert!(!plain.status.success());
    assert!(text(&plain.stderr).contains("refusing to connect to 10.0.0.5 over plain http"), "{}", text(&plain.stderr));
    let no_display = Command::new(desktop)
        .args(["--server", "http://127.0.0.1:1", "--token", "mbj_x"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("MEDBETJENING_DATA_DIR", dir.path())
        .output()
        .expect("runs");
    assert!(!no_display.status.success());
    assert!(text(&no_display.stderr).contains("no display"), "{}", text(&no_display.stderr));
}
