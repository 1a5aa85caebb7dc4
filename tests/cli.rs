//! The command-line tool as a person uses it: the built binary, real files, real HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use medbetjening::domain::{Purpose, Role};
use medbetjening::history::api::{CitizenSearch, TimelineParams};
use medbetjening::history::client::HistoryClient;

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `serve` on port 0; returns the child and the URL it printed.
fn serve(database: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--database", database, "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let line = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("http://"))
        .expect("serve prints its address");
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("url").to_owned();
    (child, url)
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Creates the schema, as an operator does once before anything else.
fn migrate(database: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medbetjening"))
        .args(["migrate", "--database", database])
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "migrate: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn staff_add_then_serve_then_http_works_as_the_readme_says() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    let out = run(&["demo-data", "--database", &database, "--citizens", "12", "--heavy", "0", "--seed", "5"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("12 citizens created"), "{}", text(&out.stdout));
    let again = run(&["demo-data", "--database", &database, "--citizens", "12", "--heavy", "0", "--seed", "5"]);
    assert!(
        text(&again.stdout).contains("0 citizens created, 12 already there; 0 contacts stored"),
        "{}",
        text(&again.stdout)
    );

    let out = run(&[
        "staff",
        "add",
        "--name",
        "Kim Skranke",
        "--role",
        "counter",
        "--site",
        "Borgerservice Nørrebro",
        "--database",
        &database,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).trim().to_owned();
    assert!(token.starts_with("mbj_"), "the token is printed once on stdout");
    assert!(text(&out.stderr).contains("only a hash is stored"));
    let bad_role = run(&["staff", "add", "--name", "X", "--role", "wizard", "--site", "Y", "--database", &database]);
    assert!(!bad_role.status.success());
    assert!(text(&bad_role.stderr).contains("counter, phone, trainer"), "{}", text(&bad_role.stderr));

    let (child, url) = serve(&database);
    let _child = Killed(child);
    let client = HistoryClient::new(&url, &token, Duration::from_secs(10)).expect("client");
    let me = client.me().await.expect("the token works");
    assert_eq!((me.name.as_str(), me.role), ("Kim Skranke", Role::Counter));
    let mut found = Vec::new();
    for prefix in ["han", "jen", "nie", "and", "ped", "chr", "lar", "mad", "ras", "sør", "ols", "pou", "ann", "mar"] {
        let search = CitizenSearch { q: Some(prefix.into()), ..CitizenSearch::default() };
        found = client.search_citizens(&search, Purpose::CounterVisit).await.expect("search").citizens;
        if !found.is_empty() {
            break;
        }
    }
    assert!(!found.is_empty() && found.iter().all(|c| c.fictitious));
    let page = client.timeline(found[0].id, &TimelineParams::default(), Purpose::CounterVisit).await.expect("timeline");
    assert!(!page.events.is_empty());
}

#[tokio::test]
async fn import_stores_good_lines_once_and_reports_bad_ones_by_line() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    let file = dir.path().join("feed.jsonl");
    let lines = [
        r#"{"type":"citizen","cpr":"070761-4285","name":"Søren Ærø","phones":["+45 20304050"],"emails":["soeren@example.com"],"fictitious":true}"#,
        r#"{"type":"citizen","cpr":"310299-1234","name":"Umulig Dato"}"#,
        "this is not json",
        r#"{"type":"event","source":"telefoni","source_id":"t-1","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03-01T09:00:00Z","channel":"phone","authority":"borgerservice","summary":"Spørgsmål om pas"}"#,
        r#"{"type":"event","source":"telefoni","source_id":"t-2","citizen":{"phone":"99999999"},"occurred_at":"2026-03-01T10:00:00Z","channel":"phone","authority":"borgerservice","summary":"Ukendt nummer"}"#,
        "",
        r#"{"type":"event","source":"kk.dk","source_id":"w-1","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03-02T09:00:00Z","channel":"web","authority":"borgerservice","summary":"x","colour":"blue"}"#,
        r#"{"type":"citizen","cpr":"0101901234","name":"Anna Hansen","fictitious":true}"#,
        r#"{"type":"event","source":"chat","source_id":"c-1","citizen":{"email":"SOEREN@example.com"},"occurred_at":"2026-03-03T09:00:00Z","channel":"chatbot","authority":"udbetaling-danmark","kle":"32.06.00","summary":"Spurgte om boligstøtte"}"#,
        r#"{"type":"cat","name":"Jens Jensen"}"#,
        r#"{"type":"event","source":"chat","source_id":"c-2","citizen":{"cpr":"0707614285"},"occurred_at":12,"channel":"chatbot","authority":"borgerservice","summary":"Jens Jensen ringede"}"#,
    ];
    std::fs::write(&file, lines.join("\n")).expect("write feed");
    let path = file.display().to_string();

    for round in ["first", "second"] {
        let out = run(&["import", &path, "--database", &database]);
        assert_eq!(out.status.code(), Some(2), "{round}: bad lines give exit code 2");
        let stderr = text(&out.stderr);
        for line in [2, 3, 7, 10, 11] {
            assert!(stderr.contains(&format!("feed.jsonl:{line}: ")), "{round}: line {line} reported in {stderr}");
        }
        // Line 5 names a phone nobody has: not a bad line, but a contact for the unmatched queue.
        assert!(["1", "4", "5", "9"].iter().all(|n| !stderr.contains(&format!(":{n}: "))), "{stderr}");
        assert!(stderr.contains("feed.jsonl:2: cpr: the day"), "{stderr}");
        assert!(stderr.contains("colour"), "the unknown field is named: {stderr}");
        assert!(!stderr.contains("Jens Jensen"), "values from the file are not echoed: {stderr}");
        let summary = text(&out.stdout);
        let expected = if round == "first" {
            "11 lines: citizens 2 created, 0 updated, 0 unchanged; contacts 2 stored, 0 already there, 1 in the \
             unmatched queue; 5 bad lines."
        } else {
            "11 lines: citizens 0 created, 0 updated, 2 unchanged; contacts 0 stored, 2 already there, 1 in the \
             unmatched queue; 5 bad lines."
        };
        assert_eq!(summary.trim(), expected, "{round}");
    }

    let store = medbetjening::history::store::Store::open(&database).await.expect("store");
    assert_eq!(store.count_citizens().await.expect("count"), 2);
    let lookup =
        medbetjening::history::store::CitizenLookup::Cpr(medbetjening::domain::Cpr::parse("0707614285").expect("cpr"));
    let soren = store.find_citizens(&lookup, false, 5).await.expect("find").remove(0);
    assert_eq!(soren.name, "Søren Ærø");
    assert_eq!(store.all_events(soren.id).await.expect("events").len(), 2, "each good event stored exactly once");
    let (queued, more) = store.unmatched(10).await.expect("queue");
    assert_eq!((queued.len(), more), (1, false), "queued once, though imported twice");
    assert_eq!((queued[0].event.source_id.as_str(), queued[0].named_by.as_str()), ("t-2", "phone"));
}

#[test]
fn import_refuses_control_characters_huge_lines_and_conflicts_and_quotes_no_value() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    let file = dir.path().join("feed.jsonl");
    let huge = format!(r#"{{"type":"citizen","cpr":"0707614285","name":"{}"}}"#, "Jens Jensen ".repeat(200_000));
    let lines = [
        r#"{"type":"citizen","cpr":"0707614285","name":"Søren Ærø","fictitious":true}"#.to_owned(),
        r#"{"type":"citizen","cpr":"0101901234","name":"Anna\u0000Hansen"}"#.to_owned(),
        r#"{"type":"citizen","cpr":707614285,"name":"Jens Jensen"}"#.to_owned(),
        huge,
        r#"{"type":"event","source":"tlf","source_id":"1","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03-01T09:00:00Z","channel":"phone","authority":"borgerservice","summary":"Ringede om pas"}"#.to_owned(),
        r#"{"type":"event","source":"tlf","source_id":"1","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03-01T09:00:00Z","channel":"phone","authority":"borgerservice","summary":"Noget helt andet"}"#.to_owned(),
        r#"{"type":"event","source":"tlf","source_id":"2","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03-01T09:00:00Z","channel":"fax","authority":"borgerservice","summary":"x"}"#.to_owned(),
        r#"{"type":"event","source":"tlf","source_id":"3","citizen":{"cpr":"0707614285"},"occurred_at":"2026-03-02T09:00:00Z","channel":"phone","authority":"borgerservice","summary":"Med\ttab og\nlinjeskift"}"#.to_owned(),
    ];
    std::fs::write(&file, lines.join("\n")).expect("write feed");
    let out = run(&["import", &file.display().to_string(), "--database", &database]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("feed.jsonl:2: name: contains a control character"), "{stderr}");
    assert!(stderr.contains("feed.jsonl:3: cpr: invalid type: integer, expected a string"), "{stderr}");
    assert!(stderr.contains("feed.jsonl:4: line: longer than the limit of 1048576 bytes"), "{stderr}");
    assert!(stderr.contains("feed.jsonl:6: a different contact is already stored"), "{stderr}");
    assert!(stderr.contains("feed.jsonl:7: ") && stderr.contains("`phone`"), "what was expected is named: {stderr}");
    for value in ["707614285", "Jens", "Anna", "fax", "Noget"] {
        assert!(!stderr.contains(value), "no value from the file in a message ({value}): {stderr}");
    }
    assert!(
        text(&out.stdout).contains("contacts 2 stored, 0 already there, 0 in the unmatched queue; 5 bad lines"),
        "the import went on after each bad line: {}",
        text(&out.stdout)
    );
}

#[tokio::test]
async fn audit_verify_and_prune_say_what_they_found_in_their_exit_codes() {
    use medbetjening::history::api::AuditAction;
    use medbetjening::history::store::{NewAudit, Store};

    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    let store = Store::open(&database).await.expect("store");
    let now = chrono::Utc::now();
    let (staff, _) = store.add_staff("Kim Skranke", Role::Counter, "Borgerservice", now).await.expect("staff");
    let entry = NewAudit {
        staff_id: staff.id,
        action: AuditAction::Search,
        purpose: Purpose::CounterVisit,
        criterion: Some("name:Jens".into()),
        citizen_ids: vec![],
    };
    for days in [400, 399, 398, 0] {
        store.record_audit(&entry, now - chrono::Duration::days(days)).await.expect("audit row");
    }
    let out = run(&["audit", "verify", "--database", &database]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Chain head: row 4, hash "), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("4 rows verified, chain intact.\n"), "{}", text(&out.stdout));

    let key_file = dir.path().join("audit.key");
    let key = key_file.display().to_string();
    let nonsense = run(&["audit", "prune", "--older-than", "6 parsecs", "--database", &database, "--key-file", &key]);
    assert!(!nonsense.status.success());
    assert!(text(&nonsense.stderr).contains("is not an age"), "{}", text(&nonsense.stderr));
    assert!(!key_file.exists(), "nothing happens on a nonsense age");

    let out = run(&["audit", "prune", "--older-than", "1y", "--database", &database, "--key-file", &key]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Created a new checkpoint key"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Pruned 3 rows of the audit log"), "{}", text(&out.stdout));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).expect("the key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key is readable by its owner only");
    }

    let out = run(&["audit", "verify", "--database", &database]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("signature was not checked"), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("1 row verified, chain intact."), "{}", text(&out.stdout));
    let out = run(&["audit", "verify", "--database", &database, "--key-file", &key]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("its signature is valid"), "{}", text(&out.stdout));

    sqlx::query("UPDATE audit SET criterion = 'name:Else' WHERE seq = 4").execute(store.pool()).await.expect("tamper");
    let out = run(&["audit", "verify", "--database", &database, "--key-file", &key]);
    assert_eq!(out.status.code(), Some(1), "a broken chain is exit code 1");
    assert!(text(&out.stdout).contains("Chain broken at row 4 (id "), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains("Else"), "row content is not echoed: {}", text(&out.stdout));
}

#[test]
fn import_and_session_log_name_a_file_saved_in_another_encoding() {
    let dir = tempfile::tempdir().expect("dir");
    let utf16 = |text: &str| -> Vec<u8> {
        [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
    };

    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    let feed = dir.path().join("feed.jsonl");
    let line = r#"{"type":"citizen","cpr":"0707614285","name":"Søren Ærø","fictitious":true}"#;
    std::fs::write(&feed, utf16(&format!("{line}\n{line}\n"))).expect("feed");
    let out = run(&["import", &feed.display().to_string(), "--database", &database]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.matches("feed.jsonl").count(), 1, "reported once, not for every line: {stderr}");
    assert!(stderr.contains("feed.jsonl:1: the file is UTF-16 ("), "{stderr}");
    assert!(stderr.contains("save it as UTF-8; nothing was imported"), "{stderr}");
    let bom = [b"\xEF\xBB\xBF".as_slice(), line.as_bytes(), b"\n"].concat();
    std::fs::write(&feed, bom).expect("feed");
    let out = run(&["import", &feed.display().to_string(), "--database", &database]);
    assert_eq!(out.status.code(), Some(0), "a BOM is fine: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("citizens 1 created"), "{}", text(&out.stdout));

    let session =
        medbetjening::history::outbox::demo_session(None, &mut fastrand::Rng::with_seed(7), chrono::Utc::now());
    let json = serde_json::to_string(&session).expect("json");
    let files = [
        ("bom.json", [b"\xEF\xBB\xBF".as_slice(), json.as_bytes()].concat()),
        ("unicode.json", utf16(&json)),
        ("ansi.json", b"{\"note\":\"S\xF8ren\"}".to_vec()),
    ];
    let mut args = vec!["session", "log", "--server", "http://127.0.0.1:9", "--token", "t"];
    let journal = dir.path().join("outbox.journal").display().to_string();
    args.extend(["--outbox", journal.as_str()]);
    let paths: Vec<String> = files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("session file");
            path.display().to_string()
        })
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let out = run(&args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("bom.json"), "a BOM is fine: {stderr}");
    assert!(stderr.contains("unicode.json: the file is UTF-16 ("), "{stderr}");
    assert!(stderr.contains("ansi.json: the file is not UTF-8 (byte 10); it may be saved as ANSI"), "{stderr}");
    assert!(!stderr.contains("note") && !stderr.contains("S\u{fffd}ren"), "no content is quoted: {stderr}");
    assert!(stderr.contains("nothing was logged"), "{stderr}");
}

#[test]
fn demo_data_progress_is_a_few_plain_lines_when_stderr_is_piped() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    // `output()` pipes stderr, as a log file or a CI job would take it.
    let out = run(&["demo-data", "--database", &database, "--citizens", "40", "--heavy", "0", "--seed", "3"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains('\r'), "no redrawing in place: {stderr:?}");
    let progress: Vec<&str> = stderr.lines().filter(|l| l.contains("citizens: ")).collect();
    assert_eq!(progress, ["citizens: 0%", "citizens: 25%", "citizens: 50%", "citizens: 75%", "citizens: 100%"]);
    assert!(stderr.lines().all(|l| l.matches('%').count() <= 1), "one figure a line: {stderr:?}");
}
