//! The service keeps no state of its own: two instances over one database serve the same data.

use medbetjening::domain::{Purpose, Role};
use medbetjening::history::api::{SessionInput, TimelineParams};
use medbetjening::history::service::{self, AppState};
use medbetjening::history::store::Store;
use uuid::Uuid;

use crate::common::{Db, PURPOSE, TestService, at, citizen_input, create_citizen};

async fn second_instance(database: &str) -> (String, tokio::sync::oneshot::Sender<()>) {
    let store = Store::open(database).await.expect("the same database");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(service::serve(listener, AppState::new(store), async move {
        stopped.await.ok();
    }));
    (url, stop)
}

async fn a_session_written_through_one_instance_is_read_through_the_other(db: Db) {
    let first = TestService::start_on(db).await;
    let (second_url, _stop) = second_instance(&first.database).await;
    let citizen = create_citizen(&first, &citizen_input("0707614285", "Jens Jensen")).await;
    let id = Uuid::new_v4();
    let input: SessionInput = serde_json::from_value(serde_json::json!({
        "citizen_id": citizen, "channel": "phone", "authority": "borgerservice", "site": "Telefonen",
        "started_at": at(0), "ended_at": at(9), "kle": "23.05.10", "outcome": "completed",
        "contact_kind": "information", "summary": "Vejledt om flytning"
    }))
    .expect("input");
    first.client(Role::Phone).put_session(id, &input).await.expect("written through the first");

    // The same token works on both: staff and tokens live in the database too.
    let token = first.token(Role::Counter);
    let other =
        medbetjening::history::client::HistoryClient::new(&second_url, token, std::time::Duration::from_secs(10))
            .expect("client");
    let stored = other.session(id, Purpose::PhoneCall).await.expect("read through the second");
    assert_eq!(stored.summary, "Vejledt om flytning");
    let page = other.timeline(citizen, &TimelineParams::default(), PURPOSE).await.expect("timeline");
    assert_eq!(page.events.len(), 1);
    // A retry that lands on the other instance is still the same session.
    let retry = other.put_session(id, &input).await;
    assert_eq!(retry.expect_err("another staff member's token").status(), Some(409));
    let again = medbetjening::history::client::HistoryClient::new(
        &second_url,
        first.token(Role::Phone),
        std::time::Duration::from_secs(10),
    )
    .expect("client")
    .put_session(id, &input)
    .await
    .expect("the same session again");
    assert!(!again.created);
}

crate::on_both_databases!(a_session_written_through_one_instance_is_read_through_the_other);
