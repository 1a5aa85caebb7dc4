//! The strings of the frame around the features (connection, top bar, privacy screen, training band, settings), in Danish and English. As in `i18n`, a string missing in either language is a compile
//! error; templates hold named placeholders filled by `i18n::fill`.

use crate::domain::Language;

crate::domain::language::text_table! {
    /// Strings of the frame around the features (connection in one language.
    #[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
    pub struct ShellText {
        app_name,
        training_band,
        training_band_detail,
        demo_badge,
        demo_banner,
        window_title_demo,
        online,
        reconnecting,
        offline,
        connection,
        language,
        theme,
        theme_light,
        theme_dark,
        theme_high_contrast,
        privacy_button,
        privacy_on_title,
        privacy_on_body,
        privacy_show,
        starting_embedded,
        creating_demo,
        connecting_to,
        cannot_connect,
        unreachable,
        token_refused,
        embedded_failed,
        other_error,
        settings,
        idle_privacy,
        minutes,
    }
}

pub const DA: ShellText = ShellText {
    app_name: "Medbetjening",
    training_band: "⚠ TRÆNING / TRAINING",
    training_band_detail: "Kun fiktive borgere. Intet herfra tæller i statistikken. Log ind igen for at forlade træning.",
    demo_badge: "DEMO",
    demo_banner: "DEMODATA — kun fiktive borgere. Intet her vedrører rigtige personer.",
    window_title_demo: "Medbetjening — DEMODATA (fiktive borgere)",
    online: "Forbundet",
    reconnecting: "Genopretter forbindelsen …",
    offline: "Ingen forbindelse",
    connection: "Forbindelse",
    language: "Sprog",
    theme: "Tema",
    theme_light: "Lyst",
    theme_dark: "Mørkt",
    theme_high_contrast: "Høj kontrast",
    privacy_button: "🔒 Skjul oplysninger",
    privacy_on_title: "Oplysningerne er skjult",
    privacy_on_body: "Navne, CPR-numre og henvendelser er skjult. Tryk {key} eller knappen for at vise dem igen.",
    privacy_show: "Vis oplysningerne igen",
    starting_embedded: "Starter den lokale kontakthistorik …",
    creating_demo: "Opretter fiktive demoborgere: {percent} %",
    connecting_to: "Forbinder til {url} …",
    cannot_connect: "Kan ikke forbinde til kontakthistorikken",
    unreachable: "Kontakthistorikken på {url} svarer ikke. Tjek adressen (--server), at tjenesten kører, og netværket — eller kontakt IT.",
    token_refused: "Tjenesten afviste adgangsnøglen. Bed en administrator om en ny nøgle (medbetjening staff add) og angiv den med --token, miljøvariablen MEDBETJENING_TOKEN eller filen {file}.",
    embedded_failed: "Den lokale demo kunne ikke starte: {error}",
    other_error: "Fejl: {error}",
    settings: "⚙ Indstillinger",
    idle_privacy: "Skjul oplysninger efter minutter uden brug (0 = aldrig)",
    minutes: " min",
};

pub const EN: ShellText = ShellText {
    app_name: "Medbetjening",
    training_band: "⚠ TRÆNING / TRAINING",
    training_band_detail: "Fictitious citizens only. Nothing here counts in the statistics. Sign in again to leave training.",
    demo_badge: "DEMO",
    demo_banner: "DEMO DATA — fictitious citizens only. Nothing here concerns real people.",
    window_title_demo: "Medbetjening — DEMO DATA (fictitious citizens)",
    online: "Connected",
    reconnecting: "Reconnecting …",
    offline: "Offline",
    connection: "Connection",
    language: "Language",
    theme: "Theme",
    theme_light: "Light",
    theme_dark: "Dark",
    theme_high_contrast: "High contrast",
    privacy_button: "🔒 Hide details",
    privacy_on_title: "The details are hidden",
    privacy_on_body: "Names, CPR numbers and contacts are hidden. Press {key} or the button to show them again.",
    privacy_show: "Show the data again",
    starting_embedded: "Starting the local contact history …",
    creating_demo: "Creating fictitious demo citizens: {percent} %",
    connecting_to: "Connecting to {url} …",
    cannot_connect: "Cannot connect to the contact history",
    unreachable: "The contact history at {url} does not answer. Check the address (--server), that the service is running, and the network — or contact IT.",
    token_refused: "The service refused the access token. Ask an administrator for a new one (medbetjening staff add) and give it with --token, the MEDBETJENING_TOKEN variable or the file {file}.",
    embedded_failed: "The local demo could not start: {error}",
    other_error: "Error: {error}",
    settings: "⚙ Settings",
    idle_privacy: "Hide details after minutes without use (0 = never)",
    minutes: " min",
};

/// The strings of a language.
#[must_use]
pub fn shell_text(lang: Language) -> &'static ShellText {
    crate::domain::language::by_language(lang, &DA, &EN)
}
