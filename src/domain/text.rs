//! Plain-text helpers with no I/O: escaping for XML, a check of e-mail addresses, line endings
//! and paragraphs, web addresses typed without a scheme, dates in Dutch words.

use chrono::{Datelike, NaiveDate};

/// Escapes text for XML.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` with every line ending as `\n`: browsers send a textarea's line breaks as CRLF, and an old
/// Mac file may hold a lone CR.
pub fn normalize_newlines(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// The paragraphs of a text: parts separated by one or more blank lines, trimmed, empty ones left
/// out. Line endings of any kind count.
pub fn paragraphs(s: &str) -> Vec<String> {
    let text = normalize_newlines(s);
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// A web address as typed, completed with `https://` when it has no scheme (`www.x.nl/a` →
/// `https://www.x.nl/a`); an empty text, or one with a scheme, stays as it is.
pub fn complete_web_address(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() || t.contains("://") || t.starts_with("mailto:") {
        return t.to_string();
    }
    format!("https://{}", t.trim_start_matches('/'))
}

/// A plausible e-mail address: one `@`, a dot in the domain, no spaces, at most 254 characters.
pub fn parse_email(s: &str) -> Option<String> {
    let s = s.trim();
    let (local, domain) = s.split_once('@')?;
    let ok = !local.is_empty()
        && s.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',');
    ok.then(|| s.to_string())
}

/// The months in Dutch, lower case, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// `19 januari 2027`.
pub fn dutch_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// `januari 2027`.
pub fn dutch_month(d: NaiveDate) -> String {
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_become_newlines() {
        assert_eq!(normalize_newlines("a\r\n\r\nb\rc\n"), "a\n\nb\nc\n");
        assert_eq!(normalize_newlines("zonder"), "zonder");
    }

    #[test]
    fn paragraphs_split_on_blank_lines_of_any_ending() {
        assert_eq!(
            paragraphs("Eerste regel\r\ntweede regel\r\n\r\n  \r\nTweede alinea\r\n"),
            vec!["Eerste regel\ntweede regel", "Tweede alinea"]
        );
        assert!(paragraphs(" \n\n ").is_empty());
    }

    #[test]
    fn web_addresses_get_https() {
        assert_eq!(complete_web_address(" www.x.nl/a "), "https://www.x.nl/a");
        assert_eq!(complete_web_address("http://x.nl"), "http://x.nl");
        assert_eq!(complete_web_address(""), "");
    }
}
