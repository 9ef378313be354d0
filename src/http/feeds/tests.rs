//! Unit tests of the feeds.

use super::*;

#[test]
fn ics_escapes_and_folds() {
    assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    let mut out = String::new();
    fold_line(&"x".repeat(200), &mut out);
    assert!(out.split("\r\n").all(|l| l.len() <= 75));
    let mut out = String::new();
    fold_line(&"é".repeat(100), &mut out);
    assert!(out.split("\r\n").all(|l| l.len() <= 75));
}

/// The content lines of an iCalendar text, unfolded (RFC 5545 §3.1).
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for physical in text.split("\r\n") {
        match physical.strip_prefix(' ') {
            Some(rest) => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(rest);
                }
            }
            None => lines.push(physical.to_string()),
        }
    }
    lines
}

#[test]
fn ics_text_drops_carriage_returns_and_control_characters() {
    assert_eq!(
        ics_text("Titel\rATTENDEE:mailto:a@b.example"),
        "TitelATTENDEE:mailto:a@b.example"
    );
    assert_eq!(ics_text("a\r\nb"), "a\\nb");
    assert_eq!(
        ics_text("a\u{0}b\u{7}c\u{b}d\u{c}e\u{1b}f\u{7f}g\u{85}h\u{2028}i"),
        "abcdefghi"
    );
    assert_eq!(ics_text("tab\tblijft"), "tab\tblijft");
    assert_eq!(ics_text("é, ü; \\"), "é\\, ü\\; \\\\");
}

#[test]
fn folding_keeps_utf8_characters_whole() {
    for text in [
        "x".repeat(200),
        "é".repeat(100),
        "🙂".repeat(60),
        format!("a{}", "€".repeat(80)),
    ] {
        let line = format!("SUMMARY:{text}");
        let mut out = String::new();
        fold_line(&line, &mut out);
        assert!(out.ends_with("\r\n"));
        for physical in out.trim_end_matches("\r\n").split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(unfold(out.trim_end_matches("\r\n")), vec![line]);
    }
}

proptest::proptest! {
    #[test]
    fn any_text_stays_one_content_line(text in "\\PC{0,300}|[\r\n\t\u{0}-\u{1f}a;,\\\\]{0,50}") {
        let mut out = String::new();
        fold_line(&format!("SUMMARY:{}", ics_text(&text)), &mut out);
        let body = out.strip_suffix("\r\n").unwrap_or(&out);
        let lines = unfold(body);
        proptest::prop_assert_eq!(lines.len(), 1);
        proptest::prop_assert!(!lines[0].contains(['\r', '\n']));
        proptest::prop_assert!(!lines[0].chars().any(|c| c.is_control() && c != '\t'));
        for physical in body.split("\r\n") {
            proptest::prop_assert!(physical.len() <= 75);
        }
    }
}

#[test]
fn xml_escapes() {
    assert_eq!(
        xml_escape("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
    );
}
