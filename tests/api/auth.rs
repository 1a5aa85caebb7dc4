//! Tokens and roles: 401 without a valid token, 403 for a role that may not, and a purpose on every read.

use medbetjening::domain::{Purpose, Role};
use medbetjening::history::api::{AuditParams, CitizenSearch};
use reqwest::StatusCode;

use crate::common::{Db, PURPOSE, TestService, citizen_input, create_citizen};

async fn missing_or_unknown_token_is_401_with_a_json_error(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    let response = http.get(format!("{url}/v1/me")).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = response.json().await.expect("json body");
    assert_eq!(body["error"]["code"], "unauthorized");

    let response = http.get(format!("{url}/v1/me")).header("authorization", "Basic abc").send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let error = service.stranger().me().await.expect_err("unknown token");
    assert_eq!(error.status(), Some(401));
    let search = CitizenSearch { q: Some("Jensen".into()), ..CitizenSearch::default() };
    let error = service.stranger().search_citizens(&search, PURPOSE).await.expect_err("unknown token");
    assert_eq!(error.status(), Some(401), "authentication comes before the purpose check");
}

async fn wrong_role_is_403(db: Db) {
    let service = TestService::start_on(db).await;
    let id = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let search = CitizenSearch { q: Some("Jensen".into()), ..CitizenSearch::default() };

    // Integration writes but reads nothing.
    let error = service.client(Role::Integration).search_citizens(&search, PURPOSE).await.expect_err("no reads");
    assert_eq!((error.status(), error.code()), (Some(403), Some("forbidden")));
    let error = service.client(Role::Integration).citizen(id, PURPOSE).await.expect_err("no reads");
    assert_eq!(error.status(), Some(403));
    // Counter staff read citizens but not the audit log, and do not feed the registry.
    let error =
        service.client(Role::Counter).audit(&AuditParams::default(), Purpose::Supervision).await.expect_err("no audit");
    assert_eq!(error.status(), Some(403));
    let error = service
        .client(Role::Counter)
        .put_citizen(&citizen_input("0101901234", "Ny Borger"))
        .await
        .expect_err("no registry");
    assert_eq!(error.status(), Some(403));
    // Admin manages but does not browse citizens.
    let error = service.client(Role::Admin).citizen(id, PURPOSE).await.expect_err("no browsing");
    assert_eq!(error.status(), Some(403));
    // The right roles get through.
    service.client(Role::Counter).citizen(id, PURPOSE).await.expect("counter reads");
    service
        .client(Role::Supervisor)
        .audit(&AuditParams::default(), Purpose::Supervision)
        .await
        .expect("supervisor audits");
}

async fn a_read_without_purpose_is_400_and_not_audited(db: Db) {
    let service = TestService::start_on(db).await;
    let id = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let (http, url) = service.raw();
    let token = service.token(Role::Counter);
    for path in [format!("/v1/citizens/{id}"), format!("/v1/citizens/{id}/events"), "/v1/citizens?q=jens".to_owned()] {
        let response = http.get(format!("{url}{path}")).bearer_auth(token).send().await.expect("answer");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "missing_purpose", "{path}");
        assert!(body["error"]["message"].as_str().expect("message").contains("counter_visit"), "names the purposes");
    }
    let response = http
        .get(format!("{url}/v1/citizens/{id}"))
        .bearer_auth(token)
        .header("x-purpose", "curiosity")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let params = AuditParams { citizen: Some(id), ..AuditParams::default() };
    let entries = service.client(Role::Supervisor).audit(&params, Purpose::Supervision).await.expect("audit").entries;
    assert!(
        entries.iter().all(|e| e.action != medbetjening::history::api::AuditAction::ReadProfile),
        "refused reads leave no read row"
    );
}

async fn trainers_see_fictitious_citizens_only(db: Db) {
    let service = TestService::start_on(db).await;
    let mut real = citizen_input("0707614285", "Rigtig Person");
    real.fictitious = Some(false);
    let real_id = create_citizen(&service, &real).await;
    let fiction_id = create_citizen(&service, &citizen_input("0101901234", "Øvelses Person")).await;
    let trainer = service.client(Role::Trainer);
    assert_eq!(trainer.citizen(real_id, Purpose::Training).await.expect_err("hidden").status(), Some(404));
    trainer.citizen(fiction_id, Purpose::Training).await.expect("fictitious is visible");
    let search = CitizenSearch { q: Some("person".into()), ..CitizenSearch::default() };
    let found = trainer.search_citizens(&search, Purpose::Training).await.expect("search").citizens;
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![fiction_id]);
    let counter_found = service.client(Role::Counter).search_citizens(&search, PURPOSE).await.expect("search").citizens;
    assert_eq!(counter_found.len(), 2);
}

crate::on_both_databases!(
    missing_or_unknown_token_is_401_with_a_json_error,
    wrong_role_is_403,
    a_read_without_purpose_is_400_and_not_audited,
    trainers_see_fictitious_citizens_only,
);
