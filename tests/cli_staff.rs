//! Staff management from the command line: disabling and rotating take effect on a running service at once.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("the binary runs")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
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
async fn disable_enable_and_rotate_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    let admin = run(&["staff", "add", "--name", "Ada", "--role", "admin", "--site", "IT", "--database", &database]);
    assert!(admin.status.success());
    let added = run(&["staff", "add", "--name", "Bo", "--role", "counter", "--site", "Nord", "--database", &database]);
    let token = stdout(&added);
    let store = medbetjening::history::store::Store::open(&database).await.expect("store");
    let bo = store.staff_by_token(&token).await.expect("lookup").expect("Bo's token works");

    let id = bo.id.to_string();
    assert!(run(&["staff", "disable", &id, "--database", &database]).status.success());
    assert!(store.staff_by_token(&token).await.expect("lookup").is_none(), "a disabled token is refused");
    assert!(run(&["staff", "enable", &id, "--database", &database]).status.success());
    assert!(store.staff_by_token(&token).await.expect("lookup").is_some());

    let rotated = run(&["staff", "rotate", &id, "--database", &database]);
    assert!(rotated.status.success());
    let new_token = stdout(&rotated);
    assert!(new_token.starts_with("mbj_") && new_token != token);
    assert!(store.staff_by_token(&token).await.expect("lookup").is_none(), "the old token stops working");
    assert_eq!(store.staff_by_token(&new_token).await.expect("lookup").map(|s| s.id), Some(bo.id));

    let listed = stdout(&run(&["staff", "list", "--database", &database]));
    assert!(!listed.contains(&new_token), "tokens are never listed");
    let ada = listed.lines().find(|l| l.contains("admin")).and_then(|l| l.split('\t').next()).expect("Ada's id");
    let refused = run(&["staff", "disable", ada, "--database", &database]);
    assert!(!refused.status.success(), "the last admin stays");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("last active admin"));
    let unknown = run(&["staff", "rotate", &uuid::Uuid::new_v4().to_string(), "--database", &database]);
    assert!(!unknown.status.success());
}
