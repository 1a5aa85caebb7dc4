//! The citizen's receipt: built from a realistic session with the shipped guides, turned into a PDF and read
//! back with poppler's `pdftotext`, `pdfinfo` and `pdftoppm`, so the tests check what a citizen would see on
//! paper — the next steps, the due date, the masked CPR number — and that the full number never appears.
#![cfg(feature = "console")]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use medbetjening::domain::{
    AssistedSession, AuthorityCatalog, AuthorityId, Channel, ContactKind, Cpr, DigitalPostStatus, DigitalReadiness,
    Gender, GuideRun, Language, MitidStatus, NextStep, Outcome, Performer, ReferralPlace, StepRecord, StepState,
};
use medbetjening::guides::library::Library;
use medbetjening::history::api::CitizenProfile;
use medbetjening::receipt::{ContactInfo, Receipt};
use uuid::Uuid;

const FULL_CPR: &str = "0707614285";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
}

fn library() -> Library {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guides");
    Library::load(&dir, &AuthorityCatalog::builtin(), today()).expect("guides/ is readable")
}

fn step(id: &str, seconds: u32) -> StepRecord {
    StepRecord {
        step: id.to_owned(),
        state: StepState::Completed,
        performed_by: Some(Performer::CitizenWithGuidance),
        attorney: None,
        seconds,
    }
}

/// A counter visit: the citizen got MitID, then reported a move to a flat they share with a host.
fn session(lang: Language) -> AssistedSession {
    let (host, mailbox) = match lang {
        Language::Da => (
            "Bed din logivært om at godkende logiværtserklæringen på borger.dk",
            "Sæt dit efternavn på postkassen, så sundhedskortet kan leveres",
        ),
        Language::En => (
            "Ask your host to approve the host declaration on borger.dk",
            "Put your surname on the mailbox so the health card can be delivered",
        ),
    };
    AssistedSession {
        id: Uuid::new_v4(),
        citizen_id: Some(Uuid::new_v4()),
        staff_id: Uuid::new_v4(),
        channel: Channel::Counter,
        authority: AuthorityId("borgerservice".to_owned()),
        site: "Borgerservice Nørrebro".to_owned(),
        // 23:40 UTC is already the next day in Copenhagen.
        started_at: Utc.with_ymd_and_hms(2026, 11, 25, 23, 40, 0).single().expect("time"),
        ended_at: Utc.with_ymd_and_hms(2026, 11, 26, 0, 20, 0).single().expect("time"),
        kle: None,
        guides: vec![
            GuideRun {
                guide: "mitid".to_owned(),
                guide_version: 1,
                steps: vec![step("kan-selv", 60), step("telefon-og-pas", 90), step("hent-app", 240)],
                outcome: Some(Outcome::Completed),
                reviewed: None,
            },
            GuideRun {
                guide: "flytning".to_owned(),
                guide_version: 1,
                steps: vec![step("tjek-forudsaetninger", 40), step("logivaert", 180), step("send", 60)],
                outcome: Some(Outcome::Completed),
                reviewed: None,
            },
        ],
        outcome: Outcome::Completed,
        contact_kind: ContactKind::Transaction,
        summary: "Flytning anmeldt med logiværtserklæring".to_owned(),
        next_steps: vec![
            NextStep {
                text: host.to_owned(),
                due: NaiveDate::from_ymd_opt(2026, 12, 10),
                url: Some("https://www.borger.dk/bolig-og-flytning/flytning".to_owned()),
            },
            NextStep { text: mailbox.to_owned(), due: None, url: None },
        ],
        notes: "INTERN NOTE: borgeren var usikker på MitID".to_owned(),
        digital_readiness_after: Some(DigitalReadiness::WithGuidance),
        referral: None,
        failure_demand: None,
        could_self_serve: None,
        group: None,
    }
}

/// The profile the console holds, built from a full CPR number the way the service masks it.
fn profile(lang: Language) -> CitizenProfile {
    let cpr = Cpr::parse(FULL_CPR).expect("a valid CPR number");
    CitizenProfile {
        id: Uuid::new_v4(),
        name: "Astrid Ærenlund".to_owned(),
        masked_cpr: cpr.masked(),
        birth_date: cpr.birth_date(),
        age: cpr.age_on(today()),
        gender: Gender::Male,
        replacement_number: false,
        cpr_warnings: cpr.warnings(),
        preferred_language: lang,
        district: Some("Nørrebro".to_owned()),
        phones: vec!["20123456".to_owned()],
        emails: Vec::new(),
        digital_post: DigitalPostStatus::Active,
        mitid: MitidStatus::App,
        digital_readiness: DigitalReadiness::WithGuidance,
        readiness_history: Vec::new(),
        powers_of_attorney: Vec::new(),
        fictitious: true,
        open_cases: Vec::new(),
    }
}

fn receipt(lang: Language, citizen: Option<&CitizenProfile>) -> Receipt {
    Receipt::for_session(&session(lang), citizen, &library(), ContactInfo::builtin(), lang)
}

/// Runs a poppler tool; its absence fails the test, since a skipped check would pass silently.
fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("could not run {tool} ({e}); install poppler-utils (e.g. `apt-get install poppler-utils`)")
    });
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("poppler writes UTF-8")
}

/// Saves the receipt as a PDF in `dir` and returns its path.
fn save(receipt: &Receipt, dir: &Path) -> PathBuf {
    let path = dir.join(receipt.suggested_file_name());
    receipt.save_pdf(&path).expect("the PDF is written");
    path
}

/// The text of the PDF with every run of whitespace as one space, so a wrapped sentence reads as one.
fn pdf_text(path: &Path) -> String {
    let text = poppler("pdftotext", &["-layout", path.to_str().expect("UTF-8 path"), "-"]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_receipt_text(lang: Language, text: &str) {
    let expected: &[&str] = match lang {
        Language::Da => &[
            "Din kvittering",
            "Det hjalp vi med i dag",
            "Anmeld flytning – klaret",
            "Det skal du gøre nu",
            "Bed din logivært om at godkende logiværtserklæringen på borger.dk",
            "Senest 10. december 2026",
            "https://www.borger.dk/bolig-og-flytning/flytning",
            "Sæt dit efternavn på postkassen, så sundhedskortet kan leveres",
            "Dato: 26. november 2026",
            "Borgerservice Nørrebro",
            "Ved skranken",
            "Astrid Ærenlund (070761-XXXX)",
            "Sådan kontakter du os",
            "https://demo-kommune.example",
        ],
        Language::En => &[
            "Your receipt",
            "What we helped with today",
            "Report a move – done",
            "What you need to do next",
            "Ask your host to approve the host declaration on borger.dk",
            "By 10 December 2026",
            "Put your surname on the mailbox so the health card can be delivered",
            "Date: 26 November 2026",
            "At the counter",
            "Astrid Ærenlund (070761-XXXX)",
            "How to contact us",
        ],
    };
    for needle in expected {
        assert!(text.contains(needle), "{lang:?}: '{needle}' is missing from the PDF text:\n{text}");
    }
    for secret in [FULL_CPR, "070761-4285", "4285", "INTERN NOTE"] {
        assert!(!text.contains(secret), "{lang:?}: '{secret}' must not be on the receipt");
    }
}

#[test]
fn the_pdf_says_what_to_do_next_and_shows_only_the_masked_cpr_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    for lang in Language::ALL {
        let receipt = receipt(lang, Some(&profile(lang)));
        let path = save(&receipt, dir.path());
        assert_receipt_text(lang, &pdf_text(&path));
    }
}

#[test]
fn a_full_cpr_number_given_by_mistake_is_still_masked() {
    let mut citizen = profile(Language::Da);
    citizen.masked_cpr = Cpr::parse(FULL_CPR).expect("valid").reveal();
    let mut receipt = receipt(Language::Da, Some(&citizen));
    assert_eq!(receipt.masked_cpr.as_deref(), Some("070761-XXXX"));
    receipt.masked_cpr = Some(FULL_CPR.to_owned());
    let dir = tempfile::tempdir().expect("temp dir");
    let text = pdf_text(&save(&receipt, dir.path()));
    assert!(text.contains("070761-XXXX"), "{text}");
    assert!(!text.contains(FULL_CPR) && !text.contains("4285"), "{text}");
}

#[test]
fn the_pdf_is_tagged_titled_and_in_the_citizens_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (lang, title) in [(Language::Da, "Din kvittering"), (Language::En, "Your receipt")] {
        let path = save(&receipt(lang, Some(&profile(lang))), dir.path());
        let info = poppler("pdfinfo", &[path.to_str().expect("UTF-8 path")]);
        assert!(info.lines().any(|l| l.starts_with("Title:") && l.contains(title)), "{info}");
        assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.contains("yes")), "{info}");
        assert!(info.lines().any(|l| l.starts_with("Page size:") && l.contains("(A4)")), "{info}");
        assert!(info.lines().any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")), "{info}");
        let raw = std::fs::read(&path).expect("read the PDF");
        let lang_entry = format!("/Lang({})", lang.code());
        assert!(raw.windows(lang_entry.len()).any(|w| w == lang_entry.as_bytes()), "no {lang_entry}");
    }
}

#[test]
fn an_anonymous_receipt_names_nobody() {
    let receipt = receipt(Language::Da, None);
    assert_eq!((receipt.citizen_name.as_deref(), receipt.masked_cpr.as_deref()), (None, None));
    let lines: Vec<String> = receipt
        .sections()
        .iter()
        .flat_map(|s| s.lines.iter().map(medbetjening::receipt::Line::display).chain([s.title.clone()]))
        .collect();
    let all = lines.join("\n");
    assert!(all.contains("Navn: Anonym"), "{all}");
    for personal in ["Ærenlund", "Astrid", "070761", "XXXX", "CPR"] {
        assert!(!all.contains(personal), "'{personal}' on an anonymous receipt:\n{all}");
    }
    assert_eq!(receipt.suggested_file_name(), "kvittering-2026-11-26.pdf");
}

#[test]
fn every_section_is_in_the_citizens_language() {
    let da = receipt(Language::Da, None).sections();
    let en = receipt(Language::En, None).sections();
    let titles = |s: &[medbetjening::receipt::Section]| s.iter().map(|s| s.title.clone()).collect::<Vec<_>>();
    assert_eq!(
        titles(&da),
        [
            "Din henvendelse i dag",
            "Det hjalp vi med i dag",
            "Det skal du gøre nu",
            "Her finder du det på nettet",
            "Sådan kontakter du os"
        ]
    );
    assert_eq!(
        titles(&en),
        [
            "About today",
            "What we helped with today",
            "What you need to do next",
            "Where to find it online",
            "How to contact us"
        ]
    );
    let english = receipt(Language::En, None);
    let links: Vec<&str> = english.links.iter().map(|(_, url)| url.as_str()).collect();
    assert_eq!(links, ["https://www.mitid.dk/", "https://www.borger.dk/bolig-og-flytning/flytning"]);
}

#[test]
fn with_no_next_steps_the_receipt_says_so() {
    let mut session = session(Language::En);
    session.next_steps.clear();
    session.outcome = Outcome::Referred;
    session.referral = Some("The library's IT help, Tuesdays 10–12".to_owned());
    let receipt = Receipt::for_session(&session, None, &library(), ContactInfo::builtin(), Language::En);
    let sections = receipt.sections();
    let next = sections.iter().find(|s| s.title == "What you need to do next").expect("next-steps section");
    assert_eq!(
        next.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
        ["There is nothing more you need to do."]
    );
    assert!(sections.iter().any(|s| s.title == "Where you can get more help"));
    assert_eq!(receipt.suggested_file_name(), "receipt-2026-11-26.pdf");
}

#[test]
fn a_referral_logged_by_a_danish_clerk_is_printed_in_the_citizens_language() {
    let mut session = session(Language::Da);
    session.outcome = Outcome::Referred;
    // What the wrap-up stores for a place on its list: a code, not the clerk's words.
    session.referral = Some(ReferralPlace::LibraryItHelp.code().to_owned());
    let help = |lang| {
        let receipt = Receipt::for_session(&session, None, &library(), ContactInfo::builtin(), lang);
        let sections = receipt.sections();
        let section = sections.iter().find(|s| s.lines.iter().any(|l| l.text.contains("IT"))).expect("the referral");
        (section.title.clone(), section.lines[0].text.clone())
    };
    assert_eq!(
        help(Language::En),
        ("Where you can get more help".to_owned(), "The library helps with IT: ask at your local library.".to_owned())
    );
    assert_eq!(
        help(Language::Da),
        (
            "Her kan du få mere hjælp".to_owned(),
            "Biblioteket hjælper med IT: spørg på dit lokale bibliotek.".to_owned()
        )
    );
}

#[test]
fn a_long_receipt_wraps_and_flows_onto_more_pages() {
    let mut session = session(Language::Da);
    let long = "Husk at tage dit pas, dit sundhedskort og lejekontrakten med, når du kommer igen, og ring gerne i \
                forvejen, hvis du er i tvivl om, hvad du skal have med — så hjælper vi dig";
    session.next_steps = (1..=30).map(|i| NextStep { text: format!("{long} ({i})."), due: None, url: None }).collect();
    let receipt = Receipt::for_session(&session, None, &library(), ContactInfo::builtin(), Language::Da);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = save(&receipt, dir.path());
    let text = pdf_text(&path);
    for i in [1, 17, 30] {
        assert!(text.contains(&format!("så hjælper vi dig ({i}).")), "step {i} is missing or broken:\n{text}");
    }
    assert!(text.contains("Side 1 af") && text.contains("Side 2 af"), "{text}");
    assert!(text.contains("Sådan kontakter du os"), "{text}");
}

#[test]
fn the_first_page_renders_to_an_image() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = save(&receipt(Language::Da, Some(&profile(Language::Da))), dir.path());
    let prefix = dir.path().join("page");
    let pdf = path.to_str().expect("UTF-8 path");
    poppler(
        "pdftoppm",
        &["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, prefix.to_str().expect("UTF-8")],
    );
    let png = std::fs::read(dir.path().join("page.png")).expect("pdftoppm wrote page.png");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(png.len() > 10_000, "a page with text is more than {} bytes", png.len());
}
