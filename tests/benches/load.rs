//! Load on the shared service: a real service on loopback over a filled store, driven by 1, 16, 64 and 256
//! concurrent clients through the real HTTP client with a mix of timeline reads (80 %), CPR searches (10 %) and
//! session writes (10 %) by default. Reports throughput and p50/p95/p99 per operation, and the store's own query for the same
//! timeline page, measured in the same run, for the ratio of HTTP + JSON + audit to the bare query.
//!
//! Fill a store first (demo data is fictitious), then point the bench at it:
//!
//! ```sh
//! medbetjening migrate --database sqlite:load.sqlite
//! medbetjening demo-data --database sqlite:load.sqlite --citizens 100000 --max-events 100
//! LOAD_DATABASE=sqlite:load.sqlite cargo bench --bench load
//! ```
//!
//! `LOAD_CLIENTS` (default `1,16,64,256`) and `LOAD_SECONDS` per level (default 10) bound the run; it only ever
//! listens on 127.0.0.1. `LOAD_MIX` (default `80,10,10`) sets the percentages of timeline reads, searches and
//! writes, so `100,0,0` and `0,0,100` measure reads and writes alone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use medbetjening::domain::{Purpose, Role};
use medbetjening::history::api::{CitizenSearch, EventPage, SessionInput, TimelineParams};
use medbetjening::history::client::HistoryClient;
use medbetjening::history::service::{self, AppState, ServiceOptions};
use medbetjening::history::store::{Store, StoreOptions, TimelineQuery};
use sqlx::Row;
use uuid::Uuid;

const PURPOSE: Purpose = Purpose::CounterVisit;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Op {
    Timeline,
    Search,
    Write,
}

/// Latencies in microseconds.
#[derive(Default)]
struct Samples(Vec<u64>);

impl Samples {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let index = ((sorted.len().saturating_sub(1)) as f64 * p).round() as usize;
        #[allow(clippy::cast_precision_loss)]
        sorted.get(index).map_or(f64::NAN, |us| *us as f64 / 1000.0)
    }
}

/// Percentages of timeline reads and searches; the rest are session writes.
#[derive(Clone, Copy, Debug)]
struct Mix {
    timeline: u32,
    search: u32,
}

impl Mix {
    /// `LOAD_MIX`: `timeline,search,write` in percent, e.g. `80,10,10` or `0,0,100`.
    fn parse(text: &str) -> Self {
        let parts: Vec<u32> = text.split(',').map(|p| p.trim().parse().expect("LOAD_MIX: three numbers")).collect();
        assert!(parts.len() == 3 && parts.iter().sum::<u32>() == 100, "LOAD_MIX: three percentages adding up to 100");
        Self { timeline: parts[0], search: parts[1] }
    }
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn rate(count: usize, duration: Duration) -> f64 {
    count as f64 / duration.as_secs_f64()
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[allow(clippy::print_stdout)] // A benchmark's output is its report.
fn main() {
    let database = std::env::var("LOAD_DATABASE").expect("set LOAD_DATABASE to a filled store (see the file's doc)");
    let clients: Vec<usize> =
        env("LOAD_CLIENTS", "1,16,64,256").split(',').map(|n| n.trim().parse().expect("a number")).collect();
    let seconds: u64 = env("LOAD_SECONDS", "10").parse().expect("seconds");
    let mix = Mix::parse(&env("LOAD_MIX", "80,10,10"));
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    runtime.block_on(run(&database, &clients, mix, Duration::from_secs(seconds)));
}

#[allow(clippy::print_stdout)]
async fn run(database: &str, levels: &[usize], mix: Mix, duration: Duration) {
    let options = StoreOptions { max_connections: 16, ..StoreOptions::default() };
    let store = Store::open_with(database, &options).await.expect("the store opens");
    let (citizens, events) = size(&store).await;
    let (staff, token) =
        store.add_staff("Load generator", Role::Counter, "Load", chrono::Utc::now()).await.expect("a staff member");
    let sample = sample(&store).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let router = service::router_with(AppState::new(store.clone()), &ServiceOptions::default());
    tokio::spawn(service::serve_on(listener, router, std::future::pending()));
    let client = HistoryClient::new(&url, &token.0, Duration::from_secs(30)).expect("client");

    println!(
        "store: {} ({citizens} citizens, {events} events); {}s per level; mix {}% timeline, {}% search, {}% write",
        store.kind().name(),
        duration.as_secs(),
        mix.timeline,
        mix.search,
        100 - mix.timeline - mix.search
    );
    let raw = raw_timeline(&store, &sample).await;
    println!(
        "raw store query, newest 50 of a timeline (sequential, {} runs): p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms",
        raw.0.len(),
        raw.percentile(0.5),
        raw.percentile(0.95),
        raw.percentile(0.99)
    );
    let ceiling = http_ceiling(&store, &sample, duration).await;
    println!(
        "HTTP ceiling, the same 50-event page from memory (no token, store or audit), 64 clients: {:.0}/s, \
         p50 {:.2} ms, p99 {:.2} ms",
        rate(ceiling.0.len(), duration),
        ceiling.percentile(0.5),
        ceiling.percentile(0.99)
    );
    println!();
    println!("| clients | operation | count | per second | p50 ms | p95 ms | p99 ms |");
    println!("|---|---|---|---|---|---|---|");
    let sample = Arc::new(sample);
    for &level in levels {
        let results = level_run(&client, &sample, level, mix, duration).await;
        for (op, samples) in results.into_iter().filter(|(_, samples)| !samples.0.is_empty()) {
            let rate = rate(samples.0.len(), duration);
            println!(
                "| {level} | {op:?} | {} | {rate:.0} | {:.2} | {:.2} | {:.2} |",
                samples.0.len(),
                samples.percentile(0.5),
                samples.percentile(0.95),
                samples.percentile(0.99)
            );
        }
    }
    // The generator's own staff member stays (audit rows name it); its sessions are marked by the site "Load".
    drop(staff);
}

async fn size(store: &Store) -> (i64, i64) {
    let count = |table: &'static str| async move {
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(store.pool()).await;
        row.and_then(|r| r.try_get::<i64, _>("n")).expect("a count")
    };
    (count("citizens").await, count("events").await)
}

/// Citizens to read and write for: ids and CPR numbers of up to 5,000 of them.
async fn sample(store: &Store) -> Vec<(Uuid, String)> {
    let rows = sqlx::query("SELECT id, cpr FROM citizens ORDER BY id LIMIT 5000")
        .fetch_all(store.pool())
        .await
        .expect("citizens");
    let sample: Vec<(Uuid, String)> = rows
        .iter()
        .map(|r| {
            let id: String = r.try_get("id").expect("id");
            (id.parse().expect("a uuid"), r.try_get("cpr").expect("cpr"))
        })
        .collect();
    assert!(!sample.is_empty(), "the store has no citizens: fill it with demo-data first");
    sample
}

async fn raw_timeline(store: &Store, sample: &[(Uuid, String)]) -> Samples {
    let mut rng = fastrand::Rng::with_seed(1);
    let mut samples = Samples::default();
    for _ in 0..2_000 {
        let (citizen, _) = &sample[rng.usize(..sample.len())];
        let query = TimelineQuery { limit: 50, ..TimelineQuery::default() };
        let started = Instant::now();
        store.timeline(*citizen, &query).await.expect("a page");
        samples.0.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
    }
    samples
}

/// What HTTP and JSON alone allow on this machine: a bare router answers the timeline route with a real page kept
/// in memory, serialised per request as the service does, and 64 clients fetch it through the same client. Reads
/// through the real service cannot go faster than this.
async fn http_ceiling(store: &Store, sample: &[(Uuid, String)], duration: Duration) -> Samples {
    let citizen = sample[0].0;
    let (events, _) =
        store.timeline(citizen, &TimelineQuery { limit: 50, ..TimelineQuery::default() }).await.expect("a page");
    let page = EventPage { events, next_cursor: Some("0_00000000-0000-0000-0000-000000000000".into()) };
    let router = axum::Router::new().route(
        "/v1/citizens/{id}/events",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::Json(page) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let client = HistoryClient::new(&url, "unused", Duration::from_secs(30)).expect("client");
    let deadline = Instant::now() + duration;
    let workers: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut samples = Samples::default();
                while Instant::now() < deadline {
                    let started = Instant::now();
                    client.timeline(citizen, &TimelineParams::default(), PURPOSE).await.expect("a page");
                    samples.0.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
                }
                samples
            })
        })
        .collect();
    let mut all = Samples::default();
    for worker in workers {
        all.0.extend(worker.await.expect("a worker").0);
    }
    server.abort();
    all
}

async fn level_run(
    client: &HistoryClient,
    sample: &Arc<Vec<(Uuid, String)>>,
    clients: usize,
    mix: Mix,
    duration: Duration,
) -> Vec<(Op, Samples)> {
    let deadline = Instant::now() + duration;
    let mut workers = Vec::new();
    for worker in 0..clients {
        let (client, sample) = (client.clone(), Arc::clone(sample));
        workers.push(tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(worker as u64 + 7);
            let mut out =
                [(Op::Timeline, Samples::default()), (Op::Search, Samples::default()), (Op::Write, Samples::default())];
            while Instant::now() < deadline {
                let (citizen, cpr) = &sample[rng.usize(..sample.len())];
                let roll = rng.u32(0..100);
                let started = Instant::now();
                let slot = match roll {
                    _ if roll < mix.timeline => {
                        client.timeline(*citizen, &TimelineParams::default(), PURPOSE).await.expect("a page");
                        0
                    }
                    _ if roll < mix.timeline + mix.search => {
                        let search = CitizenSearch { cpr: Some(cpr.clone()), ..CitizenSearch::default() };
                        client.search_citizens(&search, PURPOSE).await.expect("a search");
                        1
                    }
                    _ => {
                        client.put_session(Uuid::now_v7(), &session(*citizen)).await.expect("a write");
                        2
                    }
                };
                out[slot].1.0.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            out
        }));
    }
    let mut totals =
        [(Op::Timeline, Samples::default()), (Op::Search, Samples::default()), (Op::Write, Samples::default())];
    for worker in workers {
        for (slot, (_, samples)) in worker.await.expect("a worker").into_iter().enumerate() {
            totals[slot].1.0.extend(samples.0);
        }
    }
    totals.into_iter().collect()
}

fn session(citizen: Uuid) -> SessionInput {
    let now = chrono::Utc::now();
    serde_json::from_value(serde_json::json!({
        "citizen_id": citizen, "channel": "phone", "authority": "borgerservice", "site": "Load",
        "started_at": now - chrono::Duration::minutes(6), "ended_at": now, "kle": "23.05.10",
        "outcome": "completed", "contact_kind": "information", "summary": "Vejledt om flytning"
    }))
    .expect("a session")
}
