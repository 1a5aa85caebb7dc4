//! The insights endpoints over a large store: every JSON endpoint for one year (the drill-down a page of 100 at a
//! time), the KOMHEN file streamed, and session writes with and without keeping the rollups, in the same run.
//! A real service on 127.0.0.1, a real client; the store is the demo population, so the service shows it.
//!
//! Fill a store first (every citizen is fictitious):
//!
//! ```sh
//! medbetjening migrate --database sqlite:insights.sqlite
//! medbetjening demo-data --database sqlite:insights.sqlite --citizens 100000 --heavy 0 --max-events 100 \
//!     --sessions 200000
//! INSIGHTS_DATABASE=sqlite:insights.sqlite cargo bench --bench insights
//! ```
//!
//! `INSIGHTS_RUNS` (default 40) requests per endpoint; `INSIGHTS_WRITES` (default 2000) sessions per write round.

use std::time::{Duration, Instant};

use chrono::Utc;
use medbetjening::domain::insight::{Population, local_day};
use medbetjening::domain::{AssistedSession, AuthorityId, Channel, ContactKind, GuideRun, Outcome, Role};
use medbetjening::history::api::insights::{DrillPage, InsightParams};
use medbetjening::history::client::HistoryClient;
use medbetjening::history::service::{self, AppState};
use medbetjening::history::store::{Store, StoreOptions};
use uuid::Uuid;

/// Milliseconds, sorted.
struct Samples(Vec<f64>);

impl Samples {
    fn percentile(&self, p: f64) -> f64 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let index = ((self.0.len().saturating_sub(1)) as f64 * p).round() as usize;
        self.0.get(index).copied().unwrap_or(f64::NAN)
    }
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// A memory figure of this process from `/proc/self/status` (Linux), in MiB: `VmRSS` all resident memory now,
/// `RssAnon` the part that is not pages of mapped files (SQLite maps its database file, so reading a year of rows
/// brings the file's pages in without anything being held).
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}

#[allow(clippy::print_stdout)] // A benchmark's output is its report.
fn main() {
    let database = std::env::var("INSIGHTS_DATABASE").expect("set INSIGHTS_DATABASE to a filled store (see the doc)");
    let runs: usize = env("INSIGHTS_RUNS", "40").parse().expect("INSIGHTS_RUNS");
    let writes: usize = env("INSIGHTS_WRITES", "2000").parse().expect("INSIGHTS_WRITES");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let options = StoreOptions { max_connections: 16, ..StoreOptions::default() };
        let store = Store::open_with(&database, &options).await.expect("store");
        let (_, token) = store.add_staff("Bench leder", Role::Supervisor, "Bench", Utc::now()).await.expect("staff");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let state = AppState { population: Population::Fictitious, ..AppState::new(store.clone()) };
        tokio::spawn(service::serve(listener, state, std::future::pending::<()>()));
        let client = HistoryClient::new(&url, &token.0, Duration::from_mins(1)).expect("client");
        println!("store: {} · {}", store.kind().name(), sizes(&store).await);
        endpoints(&client, runs).await;
        komhen(&client, year_contacts(&client).await).await;
        write_rounds(&store, writes).await;
    });
}

async fn sizes(store: &Store) -> String {
    let citizens = store.count_citizens().await.expect("citizens");
    let (contacts, sessions) = store.count_contacts().await.expect("contacts");
    format!("{citizens} citizens, {contacts} contacts of which {sessions} logged sessions")
}

/// The contacts the KOMHEN file of [`year`] holds.
async fn year_contacts(client: &HistoryClient) -> u64 {
    let answer: serde_json::Value = client.insight("contacts", &year()).await.expect("contacts");
    answer["rows"].as_array().into_iter().flatten().filter_map(|r| r["count"].as_u64()).sum()
}

/// A year up to today.
fn year() -> InsightParams {
    let to = local_day(Utc::now());
    InsightParams {
        from: Some((to - chrono::Duration::days(364)).to_string()),
        to: Some(to.to_string()),
        ..InsightParams::default()
    }
}

#[allow(clippy::print_stdout)]
async fn endpoints(client: &HistoryClient, runs: usize) {
    let with = |group_by: &str| InsightParams { group_by: Some(group_by.into()), ..year() };
    let monthly = InsightParams { period: Some("month".into()), ..year() };
    let weekly = InsightParams { period: Some("week".into()), ..year() };
    let cases: Vec<(&str, String, InsightParams)> = vec![
        ("contacts by week × channel", "contacts".into(), with("week,channel")),
        ("contacts by site × failure", "contacts".into(), with("site,failure")),
        ("contacts by kle × type × closing", "contacts".into(), with("kle,type,closing")),
        (
            "contacts, one site and KLE group",
            "contacts".into(),
            InsightParams {
                site: Some("Kontaktcenter (telefon)".into()),
                kle_group: Some("23.05".into()),
                ..with("month,channel")
            },
        ),
        ("channel shift by month", "channel-shift".into(), monthly.clone()),
        ("channel shift by week", "channel-shift".into(), weekly),
        ("readiness by month", "readiness".into(), monthly),
        ("failure demand by reason", "failure-demand".into(), with("reason")),
        ("failure demand by solution", "failure-demand".into(), with("solution")),
        ("funnel: boligstoette", "guides/boligstoette/funnel".into(), year()),
        ("drill-down, first page", "sessions".into(), year()),
        (
            "drill-down, one reason",
            "sessions".into(),
            InsightParams { failure: Some("letter_not_understood".into()), ..year() },
        ),
    ];
    println!("| endpoint (one year) | runs | median ms | p95 ms | max ms |");
    println!("|---|---|---|---|---|");
    for (name, path, params) in &cases {
        let samples = time(runs, || async {
            let _: serde_json::Value = client.insight(path, params).await.expect("an answer");
        })
        .await;
        print_row(name, runs, &samples);
    }
    // Later pages of the drill-down, each read with the cursor of the one before.
    let mut cursor = None;
    let mut pages = Vec::new();
    for _ in 0..runs {
        let params = InsightParams { cursor: cursor.clone(), ..year() };
        let started = Instant::now();
        let page: DrillPage = client.insight("sessions", &params).await.expect("a page");
        pages.push(started.elapsed().as_secs_f64() * 1000.0);
        cursor = page.next;
    }
    pages.sort_by(f64::total_cmp);
    print_row("drill-down, next pages by cursor", runs, &Samples(pages));
}

async fn time<F: std::future::Future<Output = ()>>(runs: usize, mut call: impl FnMut() -> F) -> Samples {
    call().await; // warm
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        call().await;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    Samples(samples)
}

#[allow(clippy::print_stdout)]
fn print_row(name: &str, runs: usize, samples: &Samples) {
    println!(
        "| {name} | {runs} | {:.1} | {:.1} | {:.1} |",
        samples.percentile(0.5),
        samples.percentile(0.95),
        samples.percentile(1.0)
    );
}

/// The KOMHEN file of one year, read as it streams and dropped piece by piece: rows per second, and this process's
/// memory (service and client together) at each tenth of the file, which stays flat if nothing holds the file.
#[allow(clippy::print_stdout, clippy::cast_precision_loss)]
async fn komhen(client: &HistoryClient, expected_rows: u64) {
    let params = InsightParams { municipality: Some("101".into()), ..year() };
    let sample = || format!("{:.0}/{:.0}", status_mib("VmRSS"), status_mib("RssAnon"));
    let mut memory = vec![sample()];
    let started = Instant::now();
    let mut stream = client.insight_stream("komhen.csv", &params).await.expect("the file");
    let (mut rows, mut bytes, mut mark) = (0_u64, 0_u64, expected_rows / 10);
    while let Some(chunk) = stream.chunk().await.expect("a piece") {
        bytes += chunk.len() as u64;
        #[allow(clippy::naive_bytecount)] // A few KiB a piece: not worth a crate.
        let lines = chunk.iter().filter(|b| **b == b'\n').count() as u64;
        rows += lines;
        if rows >= mark && mark > 0 {
            memory.push(sample());
            mark += expected_rows / 10;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    memory.push(sample());
    let rows = rows.saturating_sub(1);
    println!(
        "\nKOMHEN file, one year: {rows} rows, {:.1} MB in {seconds:.1} s = {:.0} rows/s; \
         resident MiB (all/not file-backed) at start, each tenth and end: {}",
        bytes as f64 / 1e6,
        rows as f64 / seconds,
        memory.join(" → ")
    );
}

fn session(staff: Uuid, citizen: Option<Uuid>, index: usize) -> AssistedSession {
    let started_at = Utc::now() - chrono::Duration::minutes(i64::try_from(index).unwrap_or(0));
    AssistedSession {
        id: Uuid::new_v4(),
        citizen_id: citizen,
        staff_id: staff,
        channel: Channel::Counter,
        authority: AuthorityId("borgerservice".into()),
        site: "Bench".into(),
        started_at,
        ended_at: started_at + chrono::Duration::minutes(9),
        kle: medbetjening::domain::KleCatalog::builtin().topic("23.05.10").ok(),
        guides: vec![GuideRun {
            guide: "flytning".into(),
            guide_version: 1,
            steps: (0..6)
                .map(|i| medbetjening::domain::StepRecord {
                    step: format!("trin-{i}"),
                    state: medbetjening::domain::StepState::Completed,
                    performed_by: Some(medbetjening::domain::Performer::CitizenWithGuidance),
                    attorney: None,
                    seconds: 40,
                })
                .collect(),
            outcome: Some(Outcome::Completed),
            reviewed: None,
        }],
        outcome: Outcome::Completed,
        contact_kind: ContactKind::Transaction,
        summary: "Bench".into(),
        next_steps: Vec::new(),
        notes: String::new(),
        digital_readiness_after: None,
        referral: None,
        failure_demand: None,
        could_self_serve: None,
        group: None,
    }
}

/// Session writes per second, 16 at a time, with the rollups kept and without, alternating so drift hits both.
#[allow(clippy::print_stdout, clippy::cast_precision_loss)]
async fn write_rounds(store: &Store, writes: usize) {
    let (staff, _) = store.add_staff("Bench skranke", Role::Counter, "Bench", Utc::now()).await.expect("staff");
    let citizens = store.fictitious_citizens(10_000, &[]).await.expect("citizens");
    let mut rates: [(Vec<f64>, &str); 2] = [(Vec::new(), "with rollups"), (Vec::new(), "without rollups")];
    for round in 0..4 {
        for (kind, (results, _)) in rates.iter_mut().enumerate() {
            let target = if kind == 0 { store.clone() } else { store.without_insights() };
            let started = Instant::now();
            let mut tasks = tokio::task::JoinSet::new();
            for lane in 0..16 {
                let (target, citizens) = (target.clone(), citizens.clone());
                tasks.spawn(async move {
                    for index in (lane..writes).step_by(16) {
                        let citizen = citizens.get((index * 7 + round) % citizens.len().max(1)).copied();
                        let session = session(staff.id, citizen, index);
                        let events: Vec<_> =
                            medbetjening::history::ingest::session_event(&session, &staff_member(staff.id))
                                .into_iter()
                                .collect();
                        target.put_session(&session, &events, Utc::now()).await.expect("write");
                    }
                });
            }
            while tasks.join_next().await.is_some() {}
            results.push(writes as f64 / started.elapsed().as_secs_f64());
        }
    }
    for (results, name) in &rates {
        let text: Vec<String> = results.iter().map(|r| format!("{r:.0}")).collect();
        println!("session writes/s {name}, 16 at a time, four rounds of {writes}: {}", text.join(" / "));
    }
    let mean = |r: &[f64]| r.iter().sum::<f64>() / r.len() as f64;
    let (with, without) = (mean(&rates[0].0), mean(&rates[1].0));
    println!("overhead of keeping the rollups: {:.1} %", (without - with) / without * 100.0);
    println!(
        "(the rollups now miss the sessions written without them: run `insights rebuild` before reading them again)"
    );
}

fn staff_member(id: Uuid) -> medbetjening::domain::Staff {
    medbetjening::domain::Staff {
        id,
        name: "Bench skranke".into(),
        role: Role::Counter,
        site: "Bench".into(),
        active: true,
    }
}
