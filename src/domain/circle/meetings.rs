//! A circle's meetings, shared links and announcements, parsed from the facilitator's forms.

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use super::input::need;
use super::SHORT;
use crate::domain::fields::FieldError;

/// A meeting of a circle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meeting {
    /// Row number.
    pub id: i64,
    /// The day.
    pub datum: NaiveDate,
    /// Start time (Dutch local time), if given.
    pub tijd: Option<NaiveTime>,
    /// What it is ("Casus: de overdracht van wijkagent naar wijkagent").
    pub titel: String,
    /// Where ("Online", "Wijkcentrum De Kroon, Dijkmeer").
    pub plaats: String,
}

/// Parses a meeting as the facilitator sends it: a date `JJJJ-MM-DD` from `today` on, an
/// optional time `UU:MM`, a title and a place.
pub fn parse_meeting(
    datum: &str,
    tijd: &str,
    titel: &str,
    plaats: &str,
    today: NaiveDate,
) -> Result<Meeting, Vec<FieldError>> {
    let mut errors = Vec::new();
    let day = match NaiveDate::parse_from_str(datum.trim(), "%Y-%m-%d") {
        Ok(d) if d < today => {
            errors.push(FieldError::new(
                "datum",
                "Deze datum is al voorbij. Kies vandaag of een dag daarna.",
            ));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(
                "datum",
                "Vul de datum in als jaar-maand-dag, zoals 2027-03-15.",
            ));
            None
        }
    };
    let tijd = match tijd.trim() {
        "" => None,
        t => match NaiveTime::parse_from_str(t, "%H:%M") {
            Ok(t) => Some(t),
            Err(_) => {
                errors.push(FieldError::new(
                    "tijd",
                    "Vul de tijd in als uren:minuten, zoals 19:30, of laat het veld leeg.",
                ));
                None
            }
        },
    };
    let titel = need(
        &mut errors,
        "titel",
        titel,
        "waar de bijeenkomst over gaat",
        SHORT,
    );
    let plaats = need(
        &mut errors,
        "plaats",
        plaats,
        "waar jullie samenkomen (of: online)",
        SHORT,
    );
    match (day, errors.is_empty()) {
        (Some(datum), true) => Ok(Meeting {
            id: 0,
            datum,
            tijd,
            titel,
            plaats,
        }),
        _ => Err(errors),
    }
}

/// A link or document the facilitator shares with the members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CircleLink {
    /// Row number.
    pub id: i64,
    /// What it is.
    pub titel: String,
    /// Where (`https://…`).
    pub url: String,
}

/// Parses a shared link: a title and an `http(s)` address.
pub fn parse_link(titel: &str, url: &str) -> Result<CircleLink, Vec<FieldError>> {
    let mut errors = Vec::new();
    let titel = need(&mut errors, "titel", titel, "wat het is", SHORT);
    let url = url.trim().to_string();
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url.len() <= 2000
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        errors.push(FieldError::new(
            "url",
            "Vul een webadres in dat begint met https://, zoals https://www.voorbeeld.nl/verslag.",
        ));
    }
    if errors.is_empty() {
        Ok(CircleLink { id: 0, titel, url })
    } else {
        Err(errors)
    }
}

/// Longest text of an announcement.
const ANNOUNCEMENT: usize = 5000;

/// An announcement the facilitator mails to the members.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    /// Subject of the mail.
    pub onderwerp: String,
    /// The message.
    pub tekst: String,
}

/// Parses an announcement: a subject of at most [`SHORT`] characters and a message of at most
/// 5000.
pub fn parse_announcement(onderwerp: &str, tekst: &str) -> Result<Announcement, Vec<FieldError>> {
    let mut errors = Vec::new();
    let onderwerp = need(&mut errors, "onderwerp", onderwerp, "het onderwerp", SHORT);
    let tekst = need(&mut errors, "tekst", tekst, "het bericht", ANNOUNCEMENT);
    if errors.is_empty() {
        Ok(Announcement { onderwerp, tekst })
    } else {
        Err(errors)
    }
}
