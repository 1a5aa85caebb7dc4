//! Telling which text encoding a file arrived in. Staff run the console on Windows, where Notepad and Excel save
//! UTF-16 ("Unicode") or Windows-1252 ("ANSI") as readily as UTF-8, and often put a byte-order mark first.
//!
//! Pure functions on bytes; depends on nothing and may be used by every layer. Messages name the encoding and
//! what to do, never the file's content.

use std::fmt;

/// The UTF-8 byte-order mark, as Notepad writes it at the start of "UTF-8 with BOM".
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much of a file's start is looked at for UTF-16 without a byte-order mark.
const SNIFF_BYTES: usize = 512;

/// Why bytes are not UTF-8 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingError {
    /// UTF-16, by its byte-order mark or by the NUL bytes every Latin character has in it.
    Utf16 { big_endian: bool },
    /// Not UTF-8 from this byte on (counted from 0, as a hex editor does); most likely Windows-1252.
    NotUtf8 { byte_offset: usize },
}

impl fmt::Display for EncodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Utf16 { big_endian: false } => f.write_str(
                "the file is UTF-16 (as Notepad's \"Unicode\" or Excel's \"Unicode text\" saves it); save it as UTF-8",
            ),
            Self::Utf16 { big_endian: true } => f.write_str(
                "the file is UTF-16 big-endian (as Notepad's \"Unicode big endian\" saves it); save it as UTF-8",
            ),
            Self::NotUtf8 { byte_offset } => {
                write!(f, "the file is not UTF-8 (byte {byte_offset}); it may be saved as ANSI: save it as UTF-8")
            }
        }
    }
}

impl std::error::Error for EncodingError {}

/// `text` without a leading byte-order mark (U+FEFF), which TOML and JSON parsers take for content.
#[must_use]
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// `Some(big_endian)` when `bytes` look like UTF-16: a byte-order mark (`FF FE` little-endian, `FE FF`
/// big-endian), or, without one, NUL bytes in nearly every other position of the first few hundred bytes and
/// hardly any in the rest. UTF-8 text has no NULs, so it is never taken for UTF-16.
#[must_use]
pub fn utf16_big_endian(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some(false),
        [0xFE, 0xFF, ..] => return Some(true),
        _ => {}
    }
    let pairs = bytes[..bytes.len().min(SNIFF_BYTES)].chunks_exact(2);
    let count = pairs.len();
    let (mut first_nul, mut second_nul) = (0, 0);
    for pair in pairs {
        first_nul += usize::from(pair[0] == 0);
        second_nul += usize::from(pair[1] == 0);
    }
    // Thresholds rather than "all": a few non-Latin characters (Arabic, Greek names) have no NUL byte.
    let mostly = |nuls: usize| count > 0 && nuls * 4 >= count * 3;
    let rarely = |nuls: usize| nuls * 4 < count;
    if mostly(second_nul) && rarely(first_nul) {
        Some(false)
    } else if mostly(first_nul) && rarely(second_nul) {
        Some(true)
    } else {
        None
    }
}

/// The text of a file that must be UTF-8, with or without a byte-order mark (which is dropped); otherwise which
/// encoding it looks like.
pub fn decode_utf8_text(bytes: &[u8]) -> Result<String, EncodingError> {
    if let Some(big_endian) = utf16_big_endian(bytes) {
        return Err(EncodingError::Utf16 { big_endian });
    }
    let (body, skipped) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => Err(EncodingError::NotUtf8 { byte_offset: skipped + error.valid_up_to() }),
    }
}

/// The bytes of an ASCII format (PEM) after a UTF-8 byte-order mark, or the UTF-16 error. The rest is not
/// checked: such parsers skip text they do not need, in any encoding.
pub fn strip_bom_bytes(bytes: &[u8]) -> Result<&[u8], EncodingError> {
    if let Some(big_endian) = utf16_big_endian(bytes) {
        return Err(EncodingError::Utf16 { big_endian });
    }
    Ok(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes))
}

/// The text of UTF-16 bytes (see [`utf16_big_endian`]), without the byte-order mark; `None` when they do not
/// look like UTF-16. A broken character (an unpaired surrogate, an odd last byte) becomes U+FFFD, so one bad cell
/// does not lose the file.
#[must_use]
pub fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let big_endian = utf16_big_endian(bytes)?;
    let units = bytes.chunks(2).map(|pair| match (pair, big_endian) {
        ([high, low], true) | ([low, high], false) => u16::from_be_bytes([*high, *low]),
        _ => 0xFFFD,
    });
    let text: String = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    Some(strip_bom(&text).to_owned())
}

/// Text as ISO-8859-1 (Latin-1), which files for older Danish public systems expect: æ, ø, å and every other
/// character up to U+00FF are one byte each; a character beyond it cannot be written and becomes `?`.
#[must_use]
pub fn to_latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
}

/// Latin-1 bytes as text; every byte is a character, so this cannot fail.
#[must_use]
pub fn from_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Søren" as Notepad's "Unicode" saves it: a byte-order mark, then little-endian code units.
    const SOEREN_LE: &[u8] = b"\xFF\xFES\x00\xF8\x00r\x00e\x00n\x00";
    const SOEREN_BE: &[u8] = b"\xFE\xFF\x00S\x00\xF8\x00r\x00e\x00n";

    #[test]
    fn utf8_is_read_with_or_without_a_byte_order_mark() {
        assert_eq!(decode_utf8_text("Søren".as_bytes()), Ok("Søren".to_owned()));
        assert_eq!(decode_utf8_text(b"\xEF\xBB\xBFS\xC3\xB8ren"), Ok("Søren".to_owned()));
        assert_eq!(decode_utf8_text(b""), Ok(String::new()));
        assert_eq!(decode_utf8_text(UTF8_BOM), Ok(String::new()));
        assert_eq!(strip_bom("\u{feff}id = 1"), "id = 1");
        assert_eq!(strip_bom("id = 1\u{feff}"), "id = 1\u{feff}", "only a leading mark");
        assert_eq!(strip_bom(""), "");
    }

    #[test]
    fn utf16_is_named_by_its_byte_order_mark_or_its_nul_bytes() {
        assert_eq!(decode_utf8_text(SOEREN_LE), Err(EncodingError::Utf16 { big_endian: false }));
        assert_eq!(decode_utf8_text(SOEREN_BE), Err(EncodingError::Utf16 { big_endian: true }));
        let without_mark: Vec<u8> = "id = \"mitid\"\n".bytes().flat_map(|b| [b, 0]).collect();
        assert_eq!(decode_utf8_text(&without_mark), Err(EncodingError::Utf16 { big_endian: false }));
        let big: Vec<u8> = "id = \"mitid\"\n".bytes().flat_map(|b| [0, b]).collect();
        assert_eq!(decode_utf8_text(&big), Err(EncodingError::Utf16 { big_endian: true }));
        assert_eq!(utf16_big_endian(b"plain text"), None);
        assert_eq!(utf16_big_endian(b"\0\0\0\0"), None, "NULs everywhere are no pattern");
        assert_eq!(utf16_big_endian(b"x"), None);
        assert_eq!(utf16_big_endian(b""), None);
    }

    #[test]
    fn windows_1252_is_reported_at_its_first_foreign_byte() {
        let ansi = b"navn\nS\xF8ren\n";
        assert_eq!(decode_utf8_text(ansi), Err(EncodingError::NotUtf8 { byte_offset: 6 }));
        assert_eq!(decode_utf8_text(b"\xEF\xBB\xBFS\xF8ren"), Err(EncodingError::NotUtf8 { byte_offset: 4 }));
        assert_eq!(decode_utf16(ansi), None);
    }

    #[test]
    fn messages_say_what_to_do_and_quote_nothing_from_the_file() {
        let le = EncodingError::Utf16 { big_endian: false }.to_string();
        assert_eq!(
            le,
            "the file is UTF-16 (as Notepad's \"Unicode\" or Excel's \"Unicode text\" saves it); save it as UTF-8"
        );
        assert!(EncodingError::Utf16 { big_endian: true }.to_string().contains("big-endian"));
        let ansi = decode_utf8_text(b"S\xF8ren").expect_err("not UTF-8").to_string();
        assert_eq!(ansi, "the file is not UTF-8 (byte 1); it may be saved as ANSI: save it as UTF-8");
    }

    #[test]
    fn utf16_is_decoded_for_callers_that_take_it() {
        assert_eq!(decode_utf16(SOEREN_LE).as_deref(), Some("Søren"));
        assert_eq!(decode_utf16(SOEREN_BE).as_deref(), Some("Søren"));
        let without_mark: Vec<u8> = "navn\tcpr".bytes().flat_map(|b| [b, 0]).collect();
        assert_eq!(decode_utf16(&without_mark).as_deref(), Some("navn\tcpr"));
        assert_eq!(decode_utf16(b"\xFF\xFEA\x00\x00\xD8B\x00").as_deref(), Some("A\u{fffd}B"), "a lone surrogate");
        assert_eq!(decode_utf16(b"\xFF\xFEA\x00B").as_deref(), Some("A\u{fffd}"), "an odd last byte");
        assert_eq!(decode_utf16("Søren".as_bytes()), None);
        assert_eq!(decode_utf16(b""), None);
    }

    #[test]
    fn pem_bytes_lose_a_byte_order_mark_and_refuse_utf16() {
        assert_eq!(strip_bom_bytes(b"\xEF\xBB\xBF-----BEGIN"), Ok(&b"-----BEGIN"[..]));
        assert_eq!(strip_bom_bytes(b"-----BEGIN"), Ok(&b"-----BEGIN"[..]));
        assert_eq!(strip_bom_bytes(SOEREN_LE), Err(EncodingError::Utf16 { big_endian: false }));
    }
}
