//! Which links Medbetjening will make clickable: `https:` web addresses, `tel:` and `mailto:`, nothing else.
//!
//! A link reaches citizens and staff on receipts, in guides and in the console, and a `javascript:`, `file:` or
//! `data:` link there runs code or opens local files in whatever program follows it; plain `http:` can be
//! tampered with on the way. Every place that turns a text into a link asks [`check_link`] (or
//! [`is_safe_link`]), so the rule is the same on paper, on screen and in the service.

/// What kind of safe link a text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// `https://host/…`
    Web,
    /// `tel:+4533663366`
    Phone,
    /// `mailto:borgerservice@kk.dk`
    Email,
}

/// Why a text is not a safe link. The messages never repeat the link, which may hold personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Any scheme but `https:`, `tel:` and `mailto:` (`http:`, `javascript:`, `file:`, `data:`, none at all …).
    #[error("only https://, tel: and mailto: links are allowed")]
    Scheme,
    /// Spaces, control characters or backslashes, which programs that follow links read in different ways.
    #[error("a link must not contain spaces, control characters or backslashes")]
    Characters,
    /// The scheme is allowed but what follows it is not an address (no host, no number, no `@`).
    #[error("the link is not a complete address")]
    Incomplete,
}

/// Whether `link` may be made clickable, and as what.
///
/// The text is judged exactly as given: surrounding spaces make it unsafe rather than being trimmed, because a
/// program that follows the link may strip them and see another scheme (` javascript:`) than a check that did not.
pub fn check_link(link: &str) -> Result<LinkKind, LinkError> {
    if link.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
        return Err(LinkError::Characters);
    }
    let (scheme, rest) = link.split_once(':').ok_or(LinkError::Scheme)?;
    if scheme.eq_ignore_ascii_case("https") {
        let rest = rest.strip_prefix("//").ok_or(LinkError::Incomplete)?;
        let host_ends = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        // The parser agrees on the host, so a link cannot smuggle a different one past this check.
        let parsed = url::Url::parse(link).map_err(|_| LinkError::Incomplete)?;
        if rest[..host_ends].is_empty() || parsed.host_str().is_none_or(str::is_empty) {
            return Err(LinkError::Incomplete);
        }
        Ok(LinkKind::Web)
    } else if scheme.eq_ignore_ascii_case("tel") {
        let number = rest.strip_prefix('+').unwrap_or(rest);
        let digits = number.bytes().filter(u8::is_ascii_digit).count();
        if digits == 0 || !number.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'(' | b')')) {
            return Err(LinkError::Incomplete);
        }
        Ok(LinkKind::Phone)
    } else if scheme.eq_ignore_ascii_case("mailto") {
        let address = rest.split('?').next().unwrap_or_default();
        match address.split_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(LinkKind::Email),
            _ => Err(LinkError::Incomplete),
        }
    } else {
        Err(LinkError::Scheme)
    }
}

/// Whether `link` may be made clickable: [`check_link`] without the reason.
#[must_use]
pub fn is_safe_link(link: &str) -> bool {
    check_link(link).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_files_data_and_plain_http_are_never_links() {
        for (link, why) in [
            ("javascript:alert(1)", LinkError::Scheme),
            ("JAVASCRIPT:alert(1)", LinkError::Scheme),
            ("JavaScript:alert(1)", LinkError::Scheme),
            (" javascript:alert(1)", LinkError::Characters),
            ("\tjavascript:alert(1)", LinkError::Characters),
            ("java\nscript:alert(1)", LinkError::Characters),
            ("file:///etc/passwd", LinkError::Scheme),
            ("http://borger.dk/", LinkError::Scheme),
            ("http://", LinkError::Scheme),
            ("data:text/html,<script>alert(1)</script>", LinkError::Scheme),
            ("vbscript:msgbox", LinkError::Scheme),
            ("borger.dk", LinkError::Scheme),
            ("", LinkError::Scheme),
            (" https://borger.dk/", LinkError::Characters),
            ("https://borger.dk/ ", LinkError::Characters),
            ("https:\\\\evil.example", LinkError::Characters),
            ("https:borger.dk", LinkError::Incomplete),
            ("https://", LinkError::Incomplete),
            ("https:///etc/passwd", LinkError::Incomplete),
            ("tel:", LinkError::Incomplete),
            ("tel:+45;javascript", LinkError::Incomplete),
            ("mailto:", LinkError::Incomplete),
            ("mailto:kk.dk", LinkError::Incomplete),
        ] {
            assert_eq!(check_link(link), Err(why), "{link:?}");
            assert!(!is_safe_link(link), "{link:?}");
        }
    }

    #[test]
    fn https_phone_numbers_and_mail_addresses_are_links() {
        for (link, kind) in [
            ("https://www.borger.dk/bolig-og-flytning/flytning", LinkKind::Web),
            ("https://borger.dk/", LinkKind::Web),
            ("HTTPS://www.kk.dk/borgerservice?x=1#top", LinkKind::Web),
            ("https://www.borger.dk", LinkKind::Web),
            ("tel:+4533663366", LinkKind::Phone),
            ("tel:33-66-33-66", LinkKind::Phone),
            ("mailto:x@kk.dk", LinkKind::Email),
            ("mailto:borgerservice@kk.dk?subject=Kvittering", LinkKind::Email),
        ] {
            assert_eq!(check_link(link), Ok(kind), "{link:?}");
            assert!(is_safe_link(link), "{link:?}");
        }
    }

    #[test]
    fn the_reasons_do_not_repeat_the_link() {
        for error in [LinkError::Scheme, LinkError::Characters, LinkError::Incomplete] {
            assert!(!error.to_string().contains("javascript"), "{error}");
        }
    }
}
