//! `medbetjening migrate` is the one step that changes the schema; every other command checks it is exactly its
//! own and refuses otherwise. On PostgreSQL the service runs as a role that may only read and write rows, and
//! `audit verify` as one that may only read.

use std::process::{Child, Command, Output, Stdio};

use sqlx::Connection;

use crate::common::{Db, POSTGRES_ENV};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medbetjening"))
        .args(args)
        .env_remove("MEDBETJENING_DATABASE")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url).await.expect("connect")
}

async fn commands_refuse_a_schema_that_is_not_their_own(db: Db) {
    let dir = tempfile::tempdir().expect("dir");
    let (url, _postgres) = db.fresh(dir.path()).await;
    let refused = run(&["staff", "list", "--database", &url]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("medbetjening migrate"), "says what to do: {}", stderr(&refused));

    let first = run(&["migrate", "--database", &url]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("Applied 6 migrations"));
    let again = run(&["migrate", "--database", &url]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to do"));
    assert!(run(&["staff", "list", "--database", &url]).status.success());

    // A database a newer program migrated.
    let mut conn = connect(&url).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', $1, $2, 0)",
    )
    .bind(true)
    .bind(vec![0_u8; 4])
    .execute(&mut conn)
    .await
    .expect("a future migration");
    let newer = run(&["staff", "list", "--database", &url]);
    assert!(!newer.status.success());
    assert!(stderr(&newer).contains("version 99, newer than this program knows (6)"), "{}", stderr(&newer));

    // A database an older program left behind.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version >= 6").execute(&mut conn).await.expect("delete");
    let older = run(&["serve", "--database", &url, "--bind", "127.0.0.1:0"]);
    assert!(!older.status.success());
    let message = stderr(&older);
    assert!(message.contains("at version 5, and this program needs version 6"), "{message}");
    assert!(message.contains("medbetjening migrate"), "{message}");
}

crate::on_both_databases!(commands_refuse_a_schema_that_is_not_their_own);

/// PostgreSQL roles made for one test and dropped after it, with the database.
struct Roles {
    admin: String,
    names: Vec<String>,
}

impl Drop for Roles {
    fn drop(&mut self) {
        let (admin, names) = (self.admin.clone(), self.names.clone());
        std::thread::Builder::new()
            .name("drop-test-roles".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                runtime.block_on(async {
                    if let Ok(mut conn) = <sqlx::PgConnection as Connection>::connect(&admin).await {
                        for name in names {
                            let drop = format!("DROP ROLE IF EXISTS {name}");
                            sqlx::Executor::execute(&mut conn, drop.as_str()).await.ok();
                        }
                    }
                });
            })
            .expect("a cleanup thread")
            .join()
            .ok();
    }
}

/// The database URL for another role with a password.
fn as_role(url: &str, role: &str) -> String {
    let mut url = url::Url::parse(url).expect("a URL");
    url.set_username(role).expect("user");
    url.set_password(Some("role-password")).expect("password");
    url.to_string()
}

/// A running `serve`, stopped when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn serve(url: &str) -> (Served, String) {
    use std::io::{BufRead, BufReader};
    let mut child = Served(
        Command::new(env!("CARGO_BIN_EXE_medbetjening"))
            .args(["serve", "--database", url, "--bind", "127.0.0.1:0", "--shutdown-delay", "0"])
            .env_remove("MEDBETJENING_DATABASE")
            .env("RUST_LOG", "warn")
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts"),
    );
    let stderr = child.0.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            return (child, url.to_owned());
        }
        seen.push(line);
    }
    panic!("serve printed no address: {seen:?}");
}

#[tokio::test]
async fn the_service_runs_with_rights_on_rows_only_and_the_auditor_with_select_only() {
    if !Db::postgres_configured("least_privilege_roles") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (owner_url, postgres) = Db::Postgres.fresh(dir.path()).await;
    assert!(run(&["migrate", "--database", &owner_url]).status.success());
    let admin = std::env::var(POSTGRES_ENV).expect("set");
    let suffix = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    let (app, auditor) = (format!("mbj_app_{suffix}"), format!("mbj_audit_{suffix}"));
    let roles = Roles { admin: admin.clone(), names: vec![app.clone(), auditor.clone()] };
    let database = url::Url::parse(&owner_url).expect("url").path().trim_start_matches('/').to_owned();
    let mut conn = <sqlx::PgConnection as Connection>::connect(&owner_url).await.expect("owner");
    // The same statements as the README's operator chapter.
    for statement in [
        format!("CREATE ROLE {app} LOGIN PASSWORD 'role-password'"),
        format!("CREATE ROLE {auditor} LOGIN PASSWORD 'role-password'"),
        format!("GRANT CONNECT ON DATABASE {database} TO {app}, {auditor}"),
        format!("GRANT USAGE ON SCHEMA public TO {app}, {auditor}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}"),
        format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {auditor}"),
    ] {
        sqlx::Executor::execute(&mut conn, statement.as_str()).await.expect(&statement);
    }
    drop(conn);

    let app_url = as_role(&owner_url, &app);
    let added = run(&["staff", "add", "--name", "Kim", "--role", "counter", "--site", "X", "--database", &app_url]);
    assert!(added.status.success(), "{}", stderr(&added));
    let token = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    let (served, url) = serve(&app_url);
    let http = reqwest::Client::new();
    let session = serde_json::json!({
        "channel": "counter", "authority": "borgerservice", "site": "X", "started_at": "2026-03-02T09:00:00Z",
        "ended_at": "2026-03-02T09:10:00Z", "outcome": "completed", "contact_kind": "information", "summary": "Hjælp"
    });
    let put = http.put(format!("{url}/v1/sessions/{}", uuid::Uuid::new_v4())).bearer_auth(&token).json(&session);
    assert_eq!(put.send().await.expect("answer").status(), 201, "a write as the runtime role");
    let search =
        http.get(format!("{url}/v1/citizens?q=jensen")).bearer_auth(&token).header("x-purpose", "counter_visit");
    assert_eq!(search.send().await.expect("answer").status(), 200, "an audited read as the runtime role");
    drop(served);

    let auditor_url = as_role(&owner_url, &auditor);
    let verified = run(&["audit", "verify", "--database", &auditor_url]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(String::from_utf8_lossy(&verified.stdout).contains("chain intact"));
    let refused = run(&["staff", "add", "--name", "X", "--role", "admin", "--site", "X", "--database", &auditor_url]);
    assert!(!refused.status.success(), "the auditor may not write");
    assert!(!stderr(&refused).contains("role-password"), "{}", stderr(&refused));
    drop(postgres);
    drop(roles);
}
