//! View models shared by the public pages: the layout, offering cards, Dutch dates and labels.

use chrono::NaiveDate;

use crate::catalog::Snapshot;
use crate::domain::offering::{Location, Offering};
use crate::domain::taxonomy::Vocabulary;
pub use crate::domain::text::{dutch_date, dutch_month};

/// The bundled stylesheet and its hashed path.
pub mod assets {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// What every page needs in its frame.
pub struct Layout {
    /// Page title (without the site name).
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Stylesheet URL.
    pub css: &'static str,
    /// Path of this page, for the current navigation item.
    pub path: String,
    /// Extra Atom feeds `(title, href)`.
    pub feeds: Vec<(String, String)>,
    /// Months after closing before personal data is erased (shown on forms and the privacy page).
    pub retention_months: u32,
    /// The day the data shown last changed ("laatst bijgewerkt"), on data pages.
    pub updated: Option<NaiveDate>,
}

const NAV: &[(&str, &str)] = &[
    ("/themas", "Thema's"),
    ("/aanbod", "Aanbod"),
    ("/agenda", "Agenda"),
    ("/aanbieders", "Aanbieders"),
    ("/leeragenda", "Leeragenda"),
    ("/lacunes", "Lacunes"),
    ("/leerkringen", "Leerkringen"),
    ("/leervraag", "Stel je leervraag"),
];

impl Layout {
    /// A layout for `path`.
    pub fn new(
        title: impl Into<String>,
        description: impl Into<String>,
        path: impl Into<String>,
    ) -> Layout {
        Layout {
            title: title.into(),
            description: description.into(),
            css: assets::SITE_CSS_PATH,
            path: path.into(),
            feeds: Vec::new(),
            retention_months: 12,
            updated: None,
        }
    }

    /// The same layout saying when its data last changed.
    pub fn updated_on(mut self, day: Option<NaiveDate>) -> Layout {
        self.updated = day;
        self
    }

    /// The day of the last change in Dutch words.
    pub fn updated_label(&self) -> String {
        self.updated.map(dutch_date).unwrap_or_default()
    }

    /// The same layout with the configured retention period.
    pub fn retaining(mut self, months: u32) -> Layout {
        self.retention_months = months;
        self
    }

    /// The main navigation.
    pub fn nav(&self) -> &'static [(&'static str, &'static str)] {
        NAV
    }

    /// True when `href` is this page or its section.
    pub fn is_current(&self, href: &str) -> bool {
        self.path == href || self.path.starts_with(&format!("{href}/"))
    }
}

/// A stored moment (RFC 3339, as the store writes it) in Dutch time: `28 november 2026, 23:34`.
/// Text that is not such a moment is shown as it is.
pub fn moment(stored: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(stored) {
        Ok(t) => {
            let local = crate::domain::clock::dutch(t.with_timezone(&chrono::Utc));
            format!(
                "{}, {}",
                dutch_date(local.date_naive()),
                local.format("%H:%M")
            )
        }
        Err(_) => stored.to_string(),
    }
}

/// The Dutch day of the latest change to the offerings (kept per catalogue version), and with
/// `with_demand` also to the learning questions (the day each was asked).
pub fn last_change(snapshot: &Snapshot, with_demand: bool) -> Option<NaiveDate> {
    let offerings = snapshot.last_change;
    let demand = if with_demand {
        snapshot.demand.iter().map(|q| q.question.datum).max()
    } else {
        None
    };
    offerings.max(demand)
}

/// One row of a gap table (`templates/gap_table.html`): demand, supply, shortfall and verdict.
pub struct GapTableRow {
    /// What the row is about: a target group, or the date of a peiling.
    pub label: String,
    /// Learning questions.
    pub vraag: usize,
    /// Offerings.
    pub aanbod: usize,
    /// The shortfall with a decimal comma.
    pub tekort: String,
    /// The verdict (`lacune`, `bijna lacune`, `geen lacune`).
    pub oordeel: &'static str,
}

/// A number with a fixed number of decimals and a decimal comma.
pub fn decimal(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

/// `1 november 2026 tot en met 31 januari 2027`.
pub fn period(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} tot en met {}", dutch_date(from), dutch_date(to))
}

/// When an offering takes place, in words.
pub fn when(o: &Offering) -> String {
    match (o.startdatum, o.einddatum) {
        (None, None) => "Altijd beschikbaar".to_string(),
        (Some(s), Some(e)) if s == e => dutch_date(s),
        (Some(s), Some(e)) => period(s, e),
        (Some(s), None) => format!("Vanaf {}", dutch_date(s)),
        (None, Some(e)) => format!("Tot en met {}", dutch_date(e)),
    }
}

/// Dutch label of a location.
pub fn location_label(l: Location) -> &'static str {
    match l {
        Location::Online => "Online",
        Location::Fysiek => "Op locatie",
        Location::Hybride => "Online en op locatie",
    }
}

/// Where an offering takes place, in words: "Online", "Op locatie in Breda (Noord-Brabant)",
/// "Online en op locatie in Utrecht".
pub fn place_label(o: &Offering) -> String {
    let how = location_label(o.locatie);
    if o.locatie == Location::Online
        || o.regio
            .eq_ignore_ascii_case(crate::domain::region::NATIONAL)
    {
        how.to_string()
    } else {
        format!(
            "{how} in {}",
            crate::domain::region::Regions::builtin().label(&o.regio)
        )
    }
}

/// The price of an offering in words: `Gratis` or the amount as given.
pub fn price(o: &Offering) -> String {
    if o.is_free() {
        "Gratis".to_string()
    } else {
        o.kosten.clone()
    }
}

/// An offering as a mail names it: title, its page on the site at `base_url`, and when, where
/// and what it costs in one line.
pub fn mail_offering(o: &Offering, base_url: &str) -> crate::mail::MailOffering {
    crate::mail::MailOffering {
        titel: o.titel.clone(),
        url: format!("{base_url}/aanbod/{}", o.id),
        details: format!("{} · {} · {}", when(o), place_label(o), price(o)),
    }
}

/// Label of a slug in a vocabulary, or the slug itself.
pub fn label(snapshot: &Snapshot, vocabulary: Vocabulary, slug: &str) -> String {
    snapshot
        .taxonomy
        .term(vocabulary, slug)
        .map_or_else(|| slug.to_string(), |t| t.label.clone())
}

/// The labels of `slugs` in `vocabulary`, joined with commas.
pub fn labels(snapshot: &Snapshot, vocabulary: Vocabulary, slugs: &[String]) -> String {
    slugs
        .iter()
        .map(|s| label(snapshot, vocabulary, s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Choices for a form: `(slug, label)` of each term.
pub fn options(terms: &[crate::domain::taxonomy::Term]) -> Vec<(String, String)> {
    terms
        .iter()
        .map(|t| (t.slug.clone(), t.label.clone()))
        .collect()
}

/// An offering in a list.
pub struct Card {
    /// Id.
    pub id: String,
    /// Title.
    pub titel: String,
    /// Summary.
    pub samenvatting: String,
    /// Format label.
    pub vorm: String,
    /// Provider name.
    pub aanbieder: String,
    /// Cost.
    pub kosten: String,
    /// When.
    pub wanneer: String,
    /// Where.
    pub locatie: String,
    /// Serves two or more sectors.
    pub domeinoverstijgend: bool,
    /// Who it is for (target group labels).
    pub voor: String,
    /// Why a search shows it, in one line (only in search results).
    pub waarom: Option<String>,
    /// It has ended (a recorded webinar that can still be watched has not).
    pub voorbij: bool,
    /// The catalogue selection it was found in, as the `terug=…` part of its link (so that the
    /// offering page's breadcrumb leads back to it).
    pub terug: Option<String>,
}

impl Card {
    /// The card of `o`, marked past when it ended before `today`.
    pub fn new(snapshot: &Snapshot, o: &Offering, today: NaiveDate) -> Card {
        Card {
            id: o.id.clone(),
            titel: o.titel.clone(),
            samenvatting: o.samenvatting.clone(),
            vorm: label(snapshot, Vocabulary::Format, &o.vorm),
            aanbieder: o.aanbieder.clone(),
            kosten: if o.is_free() {
                "Gratis".to_string()
            } else {
                o.kosten.clone()
            },
            wanneer: when(o),
            locatie: place_label(o),
            domeinoverstijgend: crate::domain::gaps::is_cross_domain(o),
            voor: o
                .doelgroepen
                .iter()
                .map(|g| label(snapshot, Vocabulary::TargetGroup, g).to_lowercase())
                .collect::<Vec<_>>()
                .join(", "),
            waarom: None,
            voorbij: !o.is_available(today),
            terug: None,
        }
    }
}

/// One word of a search, for explaining results: as typed, its stem, and the stems of the
/// thesaurus phrases it expands to.
pub struct SearchWord {
    typed: String,
    stem: String,
    expansions: Vec<Vec<String>>,
}

/// The words of a search text (stop words left out), with their thesaurus expansions.
pub fn search_words(q: &str, thesaurus: &crate::domain::matching::Thesaurus) -> Vec<SearchWord> {
    use crate::domain::analysis::{fold, is_stop_word, stem, words};
    let folded = fold(q);
    let typed: Vec<String> = words(&folded)
        .filter(|w| !is_stop_word(w))
        .map(String::from)
        .collect();
    let stems: Vec<String> = typed.iter().map(|w| stem(w)).collect();
    let expansions = thesaurus.expansions(&stems);
    typed
        .into_iter()
        .zip(stems)
        .zip(expansions)
        .map(|((typed, stem), expansions)| SearchWord {
            typed,
            stem,
            expansions,
        })
        .collect()
}

/// True when `raw` in lower case begins with `prefix` (without building the lower-case word).
fn starts_like(raw: &str, prefix: &str) -> bool {
    let mut lower = raw.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lower.next() == Some(p))
}

/// Why a search found `o`, in one line: the search words it contains (by stem), and those it
/// matches through a related word of the thesaurus.
pub fn search_reason(o: &Offering, search: &[SearchWord]) -> String {
    use crate::domain::analysis::{fold, stem, words};
    // Only words that begin like a wanted stem are folded and stemmed.
    let prefixes: Vec<String> = search
        .iter()
        .flat_map(|w| std::iter::once(&w.stem).chain(w.expansions.iter().flatten()))
        .map(|s| s.chars().take(3).collect())
        .collect();
    // A word whose first letter is ASCII can only begin like a prefix with that letter (an
    // empty prefix begins every word).
    let mut firsts = [false; 128];
    let mut any_first = false;
    for p in &prefixes {
        match p.bytes().next() {
            Some(b) if b.is_ascii() => firsts[usize::from(b)] = true,
            Some(_) => {}
            None => any_first = true,
        }
    }
    let mut present: std::collections::HashSet<String> = std::collections::HashSet::new();
    let fields = [o.titel.as_str(), o.samenvatting.as_str()]
        .into_iter()
        .chain(o.trefwoorden.iter().map(String::as_str))
        .chain(std::iter::once(o.beschrijving.as_str()));
    for field in fields {
        for raw in field.split(|c: char| !c.is_alphanumeric()) {
            if raw.len() < 2 {
                continue;
            }
            // A word with accents or other letters outside ASCII may fold to a wanted stem
            // (`één`, `İstanbul`): it is always folded.
            let wanted = if raw.is_ascii() {
                let first = raw.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
                (any_first || firsts[usize::from(first)])
                    && prefixes.iter().any(|p| starts_like(raw, p))
            } else {
                true
            };
            if wanted {
                let folded = fold(&raw.to_lowercase());
                present.extend(words(&folded).map(stem));
            }
        }
        // Every search word found as it is: the rest of the text changes nothing.
        if search.iter().all(|w| present.contains(&w.stem)) {
            break;
        }
    }
    let mut direct = Vec::new();
    let mut related = Vec::new();
    for w in search {
        if present.contains(&w.stem) {
            direct.push(w.typed.as_str());
        } else if w
            .expansions
            .iter()
            .any(|e| e.iter().all(|s| present.contains(s)))
        {
            related.push(w.typed.as_str());
        }
    }
    if direct.is_empty() && related.is_empty() {
        // Matched inside a compound word (`woningcorporaties` for `woningen`): look for the stems
        // within the words.
        let text = fold(&format!(
            "{} {} {} {}",
            o.titel,
            o.samenvatting,
            o.beschrijving,
            o.trefwoorden.join(" ")
        ));
        for w in search {
            if text.contains(w.stem.as_str()) {
                direct.push(w.typed.as_str());
            } else if w
                .expansions
                .iter()
                .any(|e| e.iter().all(|s| text.contains(s.as_str())))
            {
                related.push(w.typed.as_str());
            }
        }
    }
    match (direct.is_empty(), related.is_empty()) {
        (true, true) => "Lijkt op je zoekwoorden (een andere spelling)".into(),
        (false, true) => format!("Bevat: {}", direct.join(", ")),
        (true, false) => format!("Gaat over iets verwants aan: {}", related.join(", ")),
        (false, false) => format!(
            "Bevat: {}; gaat over iets verwants aan: {}",
            direct.join(", "),
            related.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{moment, search_reason, search_words, starts_like, SearchWord};
    use crate::domain::offering::Offering;
    use proptest::prelude::*;

    /// `search_reason` without its shortcuts: every word of every field looked at.
    fn reason_of_every_word(o: &Offering, search: &[SearchWord]) -> (Vec<String>, Vec<String>) {
        use crate::domain::analysis::{fold, stem, words};
        let mut present = std::collections::HashSet::new();
        let text = format!(
            "{} {} {} {}",
            o.titel,
            o.samenvatting,
            o.beschrijving,
            o.trefwoorden.join(" ")
        );
        for raw in text.split(|c: char| !c.is_alphanumeric()) {
            if raw.len() >= 2 {
                present.extend(words(&fold(&raw.to_lowercase())).map(stem));
            }
        }
        let direct = search
            .iter()
            .filter(|w| present.contains(&w.stem))
            .map(|w| w.typed.clone())
            .collect();
        let related = search
            .iter()
            .filter(|w| {
                !present.contains(&w.stem)
                    && w.expansions
                        .iter()
                        .any(|e| e.iter().all(|s| present.contains(s)))
            })
            .map(|w| w.typed.clone())
            .collect();
        (direct, related)
    }

    const WORDS: &[&str] = &[
        "Buurt",
        "wijk",
        "woningen",
        "portiek",
        "Huurders",
        "bewoners",
        "ÉÉN",
        "café",
        "İstanbul",
        "corporatie",
        "woningcorporatie",
        "jongeren",
        "Eenzaamheid",
        "a",
        "x1",
        "stadhuis",
        "gemeente",
        "overheid",
        "buren",
    ];

    proptest! {
        #[test]
        fn search_reason_names_the_words_every_word_would(
            title in proptest::collection::vec(0..WORDS.len(), 0..4),
            body in proptest::collection::vec(0..WORDS.len(), 0..12),
            keywords in proptest::collection::vec(0..WORDS.len(), 0..3),
            query in proptest::collection::vec(0..WORDS.len(), 1..4),
        ) {
            let pick = |ix: &[usize], sep: &str| {
                ix.iter().map(|i| WORDS[*i]).collect::<Vec<_>>().join(sep)
            };
            let o = Offering {
                titel: pick(&title, " "),
                beschrijving: pick(&body, ", "),
                trefwoorden: keywords.iter().map(|i| WORDS[*i].to_string()).collect(),
                ..crate::domain::offering::example("o1")
            };
            let search = search_words(&pick(&query, " "), &crate::domain::matching::Thesaurus::builtin());
            let (direct, related) = reason_of_every_word(&o, &search);
            let reason = search_reason(&o, &search);
            // Matched in a compound only: both take the same fallback.
            if !direct.is_empty() || !related.is_empty() {
                let expected = match (direct.is_empty(), related.is_empty()) {
                    (false, true) => format!("Bevat: {}", direct.join(", ")),
                    (true, false) => format!("Gaat over iets verwants aan: {}", related.join(", ")),
                    _ => format!(
                        "Bevat: {}; gaat over iets verwants aan: {}",
                        direct.join(", "),
                        related.join(", ")
                    ),
                };
                prop_assert_eq!(reason, expected);
            }
        }
    }

    proptest! {
        #[test]
        fn starts_like_is_lowercase_then_starts_with(raw in "[a-zA-ZÀ-ÿİẞ]{0,8}", p in "[a-zà-ÿi̇ß]{0,4}") {
            prop_assert_eq!(starts_like(&raw, &p), raw.to_lowercase().starts_with(p.as_str()));
        }
    }

    #[test]
    fn moments_read_as_dutch_dates() {
        // Stored in UTC, shown in Dutch time (winter +1, summer +2).
        assert_eq!(
            moment("2026-11-28T12:34:43.901Z"),
            "28 november 2026, 13:34"
        );
        assert_eq!(moment("2026-07-01T23:10:00.000Z"), "2 juli 2026, 01:10");
        assert_eq!(moment("gisteren"), "gisteren");
    }
}
