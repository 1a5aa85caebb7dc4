//! The showcase citizens the README tells a newcomer to look up: every demo store holds them, made the way the
//! console's first start makes it and the way `demo-data` makes it, each found by name through the service's API
//! and each showing what the table says; and the README names exactly them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use medbetjening::domain::{
    AttorneyDirection, Channel, ContactEvent, Cpr, CprWarning, DigitalPostStatus, Language, Purpose,
};
use medbetjening::guides::scenario::cast::Cast;
use medbetjening::history::api::{CitizenProfile, CitizenSearch, TimelineParams};
use medbetjening::history::client::HistoryClient;
use medbetjening::history::demo::HEAVY_EVENTS;
use medbetjening::history::demo::showcase::{Claim, SHOWCASE, Showcase};
use medbetjening::history::embedded::{self, EmbeddedOptions};

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");
const PURPOSE: Purpose = Purpose::CounterVisit;

/// Looks the showcase citizen up by name as the console's lookup field does: one match, which opens at once.
async fn look_up(client: &HistoryClient, showcase: &Showcase) -> CitizenProfile {
    assert!(medbetjening::domain::citizen::name_query_is_narrow(showcase.name), "the console sends {}", showcase.name);
    let search = CitizenSearch { q: Some(showcase.name.to_owned()), ..CitizenSearch::default() };
    let found = client.search_citizens(&search, PURPOSE).await.expect("search").citizens;
    assert_eq!(found.len(), 1, "{}: one match, not a list: {found:?}", showcase.name);
    assert_eq!(found[0].name, showcase.name);
    assert!(found[0].fictitious, "{} is flagged fictitious", showcase.name);
    client.citizen(found[0].id, PURPOSE).await.expect("profile")
}

/// Every contact, page by page, as the timeline scrolls.
async fn all_contacts(client: &HistoryClient, profile: &CitizenProfile) -> Vec<ContactEvent> {
    let mut events = Vec::new();
    let mut cursor = None;
    loop {
        let params = TimelineParams { limit: Some(500), cursor, ..TimelineParams::default() };
        let page = client.timeline(profile.id, &params, PURPOSE).await.expect("timeline");
        events.extend(page.events);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return events,
        }
    }
}

/// Checks that the citizen shows what their row claims, from what the service answers.
async fn check_claim(client: &HistoryClient, showcase: &Showcase, profile: &CitizenProfile) {
    let name = showcase.name;
    let events = all_contacts(client, profile).await;
    let modulus11 = profile.cpr_warnings.contains(&CprWarning::Modulus11);
    assert_eq!(modulus11, showcase.claim == Claim::FailsModulus11, "{name}: the modulus-11 warning only where claimed");
    match showcase.claim {
        Claim::ManyContacts => assert!(events.len() >= HEAVY_EVENTS, "{name}: {} contacts", events.len()),
        Claim::OpenCaseAndAbandonedAttempts => {
            assert!(!profile.open_cases.is_empty(), "{name}: an open case");
            let abandoned = events.iter().filter(|e| e.abandoned && e.channel.is_self_service()).count();
            assert!(abandoned >= 2, "{name}: {abandoned} abandoned self-service attempts");
        }
        Claim::ExemptFromDigitalPost => {
            assert!(matches!(profile.digital_post, DigitalPostStatus::Exempt { .. }), "{name}: exempt");
            assert!(events.iter().any(|e| e.channel == Channel::Letter), "{name}: answers come as letters");
            assert!(events.iter().all(|e| e.channel != Channel::DigitalPost), "{name}: nothing in Digital Post");
        }
        Claim::PowerOfAttorney => {
            let given = profile.powers_of_attorney.iter().filter(|p| p.direction == AttorneyDirection::Given);
            assert_eq!(given.count(), 1, "{name}: a power of attorney given");
        }
        Claim::EnglishNewcomer => {
            assert_eq!(profile.preferred_language, Language::En, "{name}: prefers English");
            let arrived = chrono::Utc::now() - chrono::Duration::days(90);
            assert!(
                !events.is_empty() && events.iter().all(|e| e.occurred_at > arrived),
                "{name}: only recent contacts"
            );
        }
        Claim::FailsModulus11 => {
            let revealed = client.reveal_cpr(profile.id, PURPOSE).await.expect("reveal").cpr;
            let cpr = Cpr::parse(&revealed).expect("a valid CPR number");
            assert!(!cpr.passes_modulus11(), "{name}: fails modulus 11");
            // Accepted: a CPR lookup finds the person, as at the counter.
            let search = CitizenSearch { cpr: Some(cpr.compact()), ..CitizenSearch::default() };
            let found = client.search_citizens(&search, PURPOSE).await.expect("CPR search").citizens;
            assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), [profile.id], "{name}: found by number");
        }
    }
}

/// Every showcase citizen is in the store behind `client`, with their number and what they claim.
async fn check_showcase(client: &HistoryClient) {
    for showcase in SHOWCASE {
        let profile = look_up(client, showcase).await;
        let revealed = client.reveal_cpr(profile.id, PURPOSE).await.expect("reveal").cpr;
        assert_eq!(revealed, showcase.cpr, "{}: the number in the table", showcase.name);
        check_claim(client, showcase, &profile).await;
    }
}

#[tokio::test]
async fn the_console_first_start_holds_every_showcase_citizen() {
    let dir = tempfile::tempdir().expect("data dir");
    // What the console starts when no server is given.
    let options = EmbeddedOptions::demo(dir.path().to_path_buf(), false, Cast::builtin().cast);
    let running = embedded::start(&options, |_, _| {}).await.expect("the embedded service starts");
    assert!(running.seeded.is_some(), "a first start");
    let client = HistoryClient::new(&running.url, &running.token, Duration::from_secs(30)).expect("client");
    check_showcase(&client).await;
    running.stop().await;

    // A second start stores nothing twice.
    let again = embedded::start(&options, |_, _| {}).await.expect("starts again");
    let client = HistoryClient::new(&again.url, &again.token, Duration::from_secs(30)).expect("client");
    check_showcase(&client).await;
    again.stop().await;
}

fn run(args: &[&str]) -> std::process::Output {
    let output = Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("the binary runs");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

#[tokio::test]
async fn demo_data_holds_every_showcase_citizen() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    run(&["migrate", "--database", &database]);
    let first = run(&["demo-data", "--database", &database, "--citizens", "20", "--heavy", "0"]);
    let stdout = String::from_utf8_lossy(&first.stdout).into_owned();
    let created = format!("Showcase citizens: {} created, 0 already there", SHOWCASE.len());
    assert!(stdout.contains(&created), "{stdout}");
    let again = run(&["demo-data", "--database", &database, "--citizens", "20", "--heavy", "0"]);
    let stdout = String::from_utf8_lossy(&again.stdout).into_owned();
    let kept = format!("Showcase citizens: 0 created, {} already there; 0 contacts stored", SHOWCASE.len());
    assert!(stdout.contains(&kept), "nothing twice: {stdout}");

    let added = run(&["staff", "add", "--name", "Kim", "--role", "counter", "--site", "X", "--database", &database]);
    let token = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    let mut child = Command::new(BIN)
        .args(["serve", "--database", &database, "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let _child = Killed(child);
    let line = BufReader::new(stderr).lines().map_while(Result::ok).find(|l| l.contains("http://")).expect("address");
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("url");
    let client = HistoryClient::new(url, &token, Duration::from_secs(30)).expect("client");
    check_showcase(&client).await;
}

/// The README's paragraph that starts "Try looking up".
fn try_looking_up() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let paragraph = readme.split("\n\n").find(|p| p.trim_start().starts_with("Try looking up")).expect("the paragraph");
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_readme_names_exactly_the_showcase_citizens() {
    let paragraph = try_looking_up();
    for showcase in SHOWCASE {
        let entry = format!("`{}` ({})", showcase.name, showcase.shows);
        assert!(paragraph.contains(&entry), "{entry} is not in: {paragraph}");
    }
    let named: Vec<&str> = paragraph.split('`').skip(1).step_by(2).collect();
    let table: Vec<&str> = SHOWCASE.iter().map(|s| s.name).collect();
    assert_eq!(named, table, "the README names the showcase citizens, in the table's order, and nobody else");
}

#[tokio::test]
async fn demo_data_leaves_a_real_record_with_a_showcase_number_alone() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    run(&["migrate", "--database", &database]);
    let showcase = &SHOWCASE[0];
    let feed = dir.path().join("registry.jsonl");
    // A real person's record, as a registry feed brings it: no `fictitious`, so real.
    let line = serde_json::json!({ "type": "citizen", "cpr": showcase.cpr, "name": "Rigtig Person" });
    std::fs::write(&feed, format!("{line}\n")).expect("feed");
    run(&["import", &feed.display().to_string(), "--database", &database]);

    let out = Command::new(BIN)
        .args(["demo-data", "--database", &database, "--citizens", "2", "--heavy", "0"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a conflict fails the run: {stderr}");
    assert!(stderr.contains("1 showcase citizens left out"), "{stderr}");
    assert!(!stderr.contains(showcase.cpr) && !stderr.contains(&showcase.cpr.replace('-', "")), "no number: {stderr}");

    let store = medbetjening::history::store::Store::open(&database).await.expect("store");
    let cpr = Cpr::parse(showcase.cpr).expect("cpr");
    let lookup = medbetjening::history::store::CitizenLookup::Cpr(cpr);
    let real = store.find_citizens(&lookup, false, 2).await.expect("find");
    assert_eq!(real.len(), 1);
    assert_eq!((real[0].name.as_str(), real[0].fictitious), ("Rigtig Person", false), "the record is untouched");
    assert!(store.all_events(real[0].id).await.expect("events").is_empty(), "and it got no demo contacts");
}
