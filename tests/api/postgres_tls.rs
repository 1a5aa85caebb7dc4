//! The store reaches PostgreSQL over TLS that verifies the server (`sslmode=verify-full` with the CA that signed
//! the server's certificate), and a server certificate from another CA is refused with a message that says so.
//! Runs when `MEDBETJENING_TEST_POSTGRES_TLS_CA` names that CA (CI sets the cluster up); skipped otherwise.

use medbetjening::history::store::Store;
use sqlx::Row;

use crate::common::Db;

const CA_ENV: &str = "MEDBETJENING_TEST_POSTGRES_TLS_CA";

/// `url` by the name on the server's certificate, with verified TLS against `ca`.
fn verified(url: &str, ca: &str) -> String {
    let mut url = url::Url::parse(url).expect("a URL");
    url.set_host(Some("localhost")).expect("host");
    url.query_pairs_mut().append_pair("sslmode", "verify-full").append_pair("sslrootcert", ca);
    url.to_string()
}

#[tokio::test]
async fn the_store_reaches_postgresql_over_verified_tls() {
    if !Db::postgres_configured("postgres_tls") {
        return;
    }
    let Ok(ca) = std::env::var(CA_ENV) else {
        eprintln!("postgres_tls: skipped — set {CA_ENV} to the CA of a PostgreSQL that serves TLS for localhost");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let (plain, _postgres) = Db::Postgres.fresh(dir.path()).await;
    let url = verified(&plain, &ca);
    let migrated = std::process::Command::new(env!("CARGO_BIN_EXE_medbetjening"))
        .args(["migrate", "--database", &url])
        .output()
        .expect("runs");
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));

    let store = Store::open(&url).await.expect("opens over TLS");
    let row = sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(store.pool())
        .await
        .expect("the connection's TLS state");
    assert!(row.try_get::<bool, _>(0).expect("a flag"), "the connection is encrypted");
    store.close().await;

    // A server whose certificate another CA signed is not trusted.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    let other_ca = dir.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.cert.pem()).expect("write");
    let error = Store::open(&verified(&plain, &other_ca.display().to_string())).await.expect_err("not trusted");
    let message = error.to_string();
    assert!(message.contains("cannot reach the database at localhost"), "{message}");
    assert!(message.contains("TLS") && message.contains("sslrootcert"), "{message}");
    assert!(!message.contains("medb_ci:"), "no password in the message: {message}");
}
