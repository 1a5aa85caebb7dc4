//! Paths as other programs read them, the same on Windows and elsewhere: a SQLite URL for a database file, and a
//! `file://` URI for an image.
//!
//! Both are string work with the platform as a parameter, so Windows-style paths (`C:\Users\Åse\…`, UNC shares,
//! `\\?\` prefixes) are tested on every machine. The public functions pass the platform this program runs on.

use std::path::{Path, PathBuf};

/// Characters that would end or change a URL's path, escaped in paths put into one.
const ESCAPED: [(char, &str); 4] = [('%', "%25"), ('?', "%3F"), ('#', "%23"), (' ', "%20")];

fn escape(path: &str) -> String {
    path.chars().fold(String::with_capacity(path.len()), |mut out, c| {
        match ESCAPED.iter().find(|(from, _)| *from == c) {
            Some((_, to)) => out.push_str(to),
            None => out.push(c),
        }
        out
    })
}

fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) =
                (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'%'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A Windows path with forward slashes and without the `\\?\` prefix `canonicalize` adds: `C:/…`, or
/// `//server/share/…` for a share.
fn windows_slashes(path: &str) -> String {
    let path = if let Some(unc) = path.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{unc}")
    } else {
        path.strip_prefix(r"\\?\").unwrap_or(path).to_owned()
    };
    path.replace('\\', "/")
}

/// The SQLite URL for a database file at `path` (`windows`: read it as a Windows path).
///
/// sqlx hands SQLite what follows `sqlite:` after percent-decoding, so the path is written with forward slashes
/// (`sqlite:C:/Users/…`; a URL parser would take `C` in `sqlite://C:\…` for a host) and `%`, `?`, `#` and spaces
/// escaped. A share's leading `//` is escaped too, since `sqlite://` would otherwise be read as the scheme.
#[must_use]
pub fn sqlite_url_from(path: &str, windows: bool) -> String {
    let path = if windows { windows_slashes(path) } else { path.to_owned() };
    let escaped = escape(&path);
    match escaped.strip_prefix("//") {
        Some(rest) => format!("sqlite:%2F%2F{rest}"),
        None => format!("sqlite:{escaped}"),
    }
}

/// The file a SQLite URL (as [`sqlite_url_from`] writes it, or `sqlite://PATH` by hand) names, and its query.
#[must_use]
pub fn sqlite_path_from(url: &str) -> (String, Option<String>) {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (rest, None),
    };
    (unescape(path), query)
}

/// [`sqlite_url_from`] for this platform.
#[must_use]
pub fn sqlite_url(path: &Path) -> String {
    sqlite_url_from(&path.to_string_lossy(), cfg!(windows))
}

/// [`sqlite_path_from`], as a path.
#[must_use]
pub fn sqlite_path(url: &str) -> PathBuf {
    PathBuf::from(sqlite_path_from(url).0)
}

/// A `file://` URI for an absolute path (`windows`: read it as a Windows path), or `None` for a relative one: a
/// relative path has no URI, and pasting one after `file://` makes Windows look for a server of that name.
#[must_use]
pub fn file_uri_from(path: &str, windows: bool) -> Option<String> {
    if windows {
        let path = windows_slashes(path);
        let drive = path.as_bytes();
        if drive.len() >= 3 && drive[0].is_ascii_alphabetic() && drive[1] == b':' && drive[2] == b'/' {
            return Some(format!("file:///{}", escape(&path)));
        }
        // A share, `//server/share/…`: the server is the URI's host.
        return path
            .strip_prefix("//")
            .filter(|rest| rest.contains('/'))
            .map(|rest| format!("file://{}", escape(rest)));
    }
    path.starts_with('/').then(|| format!("file://{}", escape(path)))
}

/// [`file_uri_from`] for this platform.
#[must_use]
pub fn file_uri(path: &Path) -> Option<String> {
    file_uri_from(&path.to_string_lossy(), cfg!(windows))
}

/// Makes a file just created readable by its owner only. On Unix files are created with mode 0600 already; on
/// Windows the ACL inherited from the folder is replaced by one that grants the signed-in user alone, as
/// `icacls` does for an administrator. Failing that is logged, not fatal: the folder's own rights then apply.
#[cfg_attr(not(windows), allow(unused_variables))]
pub fn restrict_to_owner(path: &Path) {
    #[cfg(windows)]
    {
        let user = match (std::env::var("USERDOMAIN"), std::env::var("USERNAME")) {
            (Ok(domain), Ok(user)) if !domain.is_empty() => format!("{domain}\\{user}"),
            (_, Ok(user)) => user,
            _ => return tracing::warn!("no user name to give a private file to; the folder's rights apply"),
        };
        let done = std::process::Command::new("icacls")
            .arg(path)
            .args(["/inheritance:r", "/grant:r", &format!("{user}:F")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if !done.is_ok_and(|status| status.success()) {
            tracing::warn!("a private file could not be restricted to its owner; the folder's rights apply");
        }
    }
}

/// Whether a data folder is one several people share (`C:\ProgramData`, a network share), where files meant for
/// one staff member are readable by others unless their rights are narrowed (`windows`: read it as a Windows path).
#[must_use]
pub fn shared_folder_from(path: &str, windows: bool) -> bool {
    if !windows {
        return false;
    }
    let path = windows_slashes(path).to_ascii_lowercase();
    path.starts_with("//") || path.get(1..).is_some_and(|rest| rest.starts_with(":/programdata/"))
}

/// Logs a warning when the data folder is a shared one (see [`shared_folder_from`]).
pub fn warn_if_shared(dir: &Path) {
    if shared_folder_from(&dir.to_string_lossy(), cfg!(windows)) {
        tracing::warn!(
            "the data folder is shared with other users of this PC or the network: keep it in the user's own \
             local application data folder (the default), so journals and tokens stay the user's own"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_paths_make_sqlite_urls_and_come_back() {
        let cases = [
            (
                r"C:\Users\Åse\AppData\Local\Medbetjening\Medbetjening\data\demo.sqlite",
                "sqlite:C:/Users/Åse/AppData/Local/Medbetjening/Medbetjening/data/demo.sqlite",
            ),
            (r"\\?\C:\Data\100% sikker #2\h.sqlite", "sqlite:C:/Data/100%25%20sikker%20%232/h.sqlite"),
            (r"\\fil01\borgerservice\historik.sqlite", "sqlite:%2F%2Ffil01/borgerservice/historik.sqlite"),
            (r"\\?\UNC\fil01\share\h.sqlite", "sqlite:%2F%2Ffil01/share/h.sqlite"),
            (r"D:\what?\h.sqlite", "sqlite:D:/what%3F/h.sqlite"),
        ];
        for (path, url) in cases {
            assert_eq!(sqlite_url_from(path, true), url, "{path}");
            let back = sqlite_path_from(&format!("{url}?mode=rwc"));
            assert_eq!(back.1.as_deref(), Some("mode=rwc"));
            assert_eq!(back.0, windows_slashes(path), "{url}");
        }
    }

    #[test]
    fn the_url_is_what_sqlx_hands_sqlite() {
        // sqlx strips the scheme, cuts at `?` and percent-decodes the rest; a URL parser must not see a host.
        let url = sqlite_url_from(r"C:\Users\Åse\h #1.sqlite", true);
        let parsed = url::Url::parse(&format!("{url}?mode=rwc")).expect("a URL");
        assert_eq!(parsed.host_str(), None, "no host: {parsed}");
        let handed = parsed.as_str().strip_prefix("sqlite:").expect("scheme").split('?').next().expect("path");
        assert_eq!(unescape(handed), "C:/Users/Åse/h #1.sqlite");
    }

    #[test]
    fn unix_paths_round_trip_too() {
        let path = "/home/kim/.local/share/medbetjening/demo 100%.sqlite";
        let url = sqlite_url_from(path, false);
        assert_eq!(url, "sqlite:/home/kim/.local/share/medbetjening/demo%20100%25.sqlite");
        assert_eq!(sqlite_path_from(&url).0, path);
        assert_eq!(sqlite_path_from("sqlite://relative/h.sqlite").0, "relative/h.sqlite", "typed by hand");
    }

    #[test]
    fn shared_folders_are_recognised() {
        assert!(shared_folder_from(r"C:\ProgramData\Medbetjening\data", true));
        assert!(shared_folder_from(r"\\fil01\profiler\kim\AppData\Roaming\Medbetjening", true));
        assert!(!shared_folder_from(r"C:\Users\kim\AppData\Local\Medbetjening\Medbetjening\data", true));
        assert!(!shared_folder_from("/var/lib/medbetjening", false));
    }

    #[test]
    fn image_uris_are_built_only_from_absolute_paths() {
        assert_eq!(
            file_uri_from(r"\\?\C:\Program Files\Medbetjening\guides\assets\mitid.png", true).as_deref(),
            Some("file:///C:/Program%20Files/Medbetjening/guides/assets/mitid.png")
        );
        assert_eq!(
            file_uri_from(r"\\fil01\guides\assets\a.png", true).as_deref(),
            Some("file://fil01/guides/assets/a.png")
        );
        for relative in [r"assets\mitid.png", "assets/mitid.png", r"guides\assets\a.png", r"\\assets"] {
            assert_eq!(file_uri_from(relative, true), None, "{relative} would become a network lookup");
        }
        assert_eq!(
            file_uri_from("/srv/guides/assets/a b.png", false).as_deref(),
            Some("file:///srv/guides/assets/a%20b.png")
        );
        assert_eq!(file_uri_from("assets/a.png", false), None);
    }
}
