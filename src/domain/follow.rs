//! Following (Mijn WijkWijzer): what a person can follow, how often they hear about it, and what
//! a follow matches (an offering, a development track). Pure: no I/O.

use chrono::{Datelike, NaiveDate};

use super::facets::{Facet, Filters};
use super::offering::Offering;
use super::taxonomy::Taxonomy;

/// What kind of change a follow event records (written by the database's triggers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// An offering was published (`ref_id`: the offering).
    Nieuw,
    /// An offering got new dates (`ref_id`: the offering).
    Datum,
    /// A development track was added or changed (`ref_id`: the track id).
    Traject,
    /// An own question was answered (`ref_id`: the question).
    Antwoord,
}

impl EventKind {
    /// All kinds.
    pub const ALL: [EventKind; 4] = [
        EventKind::Nieuw,
        EventKind::Datum,
        EventKind::Traject,
        EventKind::Antwoord,
    ];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Nieuw => "nieuw",
            EventKind::Datum => "datum",
            EventKind::Traject => "traject",
            EventKind::Antwoord => "antwoord",
        }
    }

    /// The kind stored as `s`; `None` for any other text.
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FollowKind {
    /// A theme (by slug).
    Thema,
    /// A topic (vraagstuk) with a gap, by slug: its themes and its development tracks.
    Vraagstuk,
    /// A provider (by slug).
    Aanbieder,
    /// A catalogue search with its filters (the query string as shown).
    Zoekopdracht,
}

impl FollowKind {
    /// All kinds.
    pub const ALL: [FollowKind; 4] = [
        FollowKind::Thema,
        FollowKind::Vraagstuk,
        FollowKind::Aanbieder,
        FollowKind::Zoekopdracht,
    ];

    /// The stored and URL value.
    pub fn slug(self) -> &'static str {
        match self {
            FollowKind::Thema => "thema",
            FollowKind::Vraagstuk => "vraagstuk",
            FollowKind::Aanbieder => "aanbieder",
            FollowKind::Zoekopdracht => "zoekopdracht",
        }
    }

    /// Parses a stored or URL value.
    pub fn parse(s: &str) -> Option<FollowKind> {
        FollowKind::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The Dutch label ("Thema").
    pub fn label(self) -> &'static str {
        match self {
            FollowKind::Thema => "Thema",
            FollowKind::Vraagstuk => "Vraagstuk",
            FollowKind::Aanbieder => "Aanbieder",
            FollowKind::Zoekopdracht => "Zoekopdracht",
        }
    }
}

/// How often a person hears about a follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Frequency {
    /// A mail when something new matches: at most one a day, bundled.
    Direct,
    /// A digest once a week, on [`WEEKLY_DAY`].
    Wekelijks,
}

/// The weekday the weekly digest goes out.
pub const WEEKLY_DAY: chrono::Weekday = chrono::Weekday::Mon;

impl Frequency {
    /// The stored and form value.
    pub fn slug(self) -> &'static str {
        match self {
            Frequency::Direct => "direct",
            Frequency::Wekelijks => "wekelijks",
        }
    }

    /// Parses a stored or form value.
    pub fn parse(s: &str) -> Option<Frequency> {
        match s {
            "direct" => Some(Frequency::Direct),
            "wekelijks" => Some(Frequency::Wekelijks),
            _ => None,
        }
    }

    /// The Dutch label.
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Direct => "Direct (hoogstens één mail per dag)",
            Frequency::Wekelijks => "Wekelijks (op maandag)",
        }
    }

    /// The digest period `day` falls in, or `None` when no digest of this frequency is due on
    /// `day` (a weekly digest goes out on [`WEEKLY_DAY`] only). One digest per person per period.
    pub fn period(self, day: NaiveDate) -> Option<String> {
        match self {
            Frequency::Direct => Some(format!("dag-{day}")),
            Frequency::Wekelijks => (day.weekday() == WEEKLY_DAY).then(|| {
                let w = day.iso_week();
                format!("week-{}-{:02}", w.year(), w.week())
            }),
        }
    }
}

/// A catalogue search as a follow: the filters and the words of the search text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedSearch {
    /// The filters (facets, free, cross-domain, future only).
    pub filters: Filters,
    /// Words of the search text, lowercase; each must occur in the offering's text.
    pub words: Vec<String>,
}

impl SavedSearch {
    /// A saved search from its filters and search text.
    pub fn new(filters: Filters, q: &str) -> SavedSearch {
        let words = q
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_string)
            .collect();
        SavedSearch { filters, words }
    }

    /// True when `o` would be in the search's results on `today`.
    pub fn matches(&self, o: &Offering, today: NaiveDate) -> bool {
        self.matches_text(o, &offering_text(o), today)
    }

    /// [`SavedSearch::matches`] with the offering's [`offering_text`] made beforehand.
    pub fn matches_text(&self, o: &Offering, text: &str, today: NaiveDate) -> bool {
        let f = &self.filters;
        if f.gratis.is_some_and(|g| o.is_free() != g) {
            return false;
        }
        if f.vanaf.is_some() && !o.is_current(today) {
            return false;
        }
        if f.domeinoverstijgend && !super::gaps::is_cross_domain(o) {
            return false;
        }
        let provider = o.provider_slug();
        let facets_ok = Facet::ALL.iter().all(|facet| {
            f.facets
                .get(facet)
                .filter(|w| !w.is_empty())
                .is_none_or(|wanted| {
                    facet.matches(o, &provider, wanted)
                        || (*facet == Facet::Regio
                            && !f.alleen_regio
                            && super::facets::in_every_region(o))
                })
        });
        if !facets_ok {
            return false;
        }
        self.words.iter().all(|w| text.contains(w.as_str()))
    }
}

/// The text of an offering a saved search's words are looked for in (lowercase).
pub fn offering_text(o: &Offering) -> String {
    format!(
        "{} {} {} {}",
        o.titel,
        o.samenvatting,
        o.beschrijving,
        o.trefwoorden.join(" ")
    )
    .to_lowercase()
}

/// One follow of a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Follow {
    /// Row number.
    pub id: i64,
    /// What is followed.
    pub kind: FollowKind,
    /// The slug or, for a search, the query string.
    pub value: String,
    /// How often.
    pub frequency: Frequency,
}

/// True when an offering (new, or with changed dates) is news for a follow of `kind` and `value`;
/// `search` is the parsed [`SavedSearch`] of a search follow.
pub fn offering_matches(
    kind: FollowKind,
    value: &str,
    search: Option<&SavedSearch>,
    o: &Offering,
    taxonomy: &Taxonomy,
    today: NaiveDate,
) -> bool {
    match kind {
        FollowKind::Thema => o.themas.iter().any(|t| t == value),
        FollowKind::Vraagstuk => taxonomy
            .vraagstukken
            .iter()
            .find(|t| t.slug == value)
            .is_some_and(|t| o.themas.iter().any(|th| t.themas.contains(th))),
        FollowKind::Aanbieder => o.provider_slug() == value,
        FollowKind::Zoekopdracht => search.is_some_and(|s| s.matches(o, today)),
    }
}

/// True when a new development track with `track_themes` is news for a follow: tracks count for a
/// followed topic (vraagstuk) or theme they address.
pub fn track_matches(
    kind: FollowKind,
    value: &str,
    track_themes: &[String],
    taxonomy: &Taxonomy,
) -> bool {
    match kind {
        FollowKind::Thema => track_themes.iter().any(|t| t == value),
        FollowKind::Vraagstuk => taxonomy
            .vraagstukken
            .iter()
            .find(|t| t.slug == value)
            .is_some_and(|t| track_themes.iter().any(|th| t.themas.contains(th))),
        FollowKind::Aanbieder | FollowKind::Zoekopdracht => false,
    }
}

/// What a follow is called on the account page and in mails ("Thema: Ondermijning").
pub fn describe(
    kind: FollowKind,
    value: &str,
    taxonomy: &Taxonomy,
    provider: Option<&str>,
) -> String {
    let name = match kind {
        FollowKind::Thema => taxonomy
            .themas
            .iter()
            .find(|t| t.slug == value)
            .map_or_else(|| value.to_string(), |t| t.label.clone()),
        FollowKind::Vraagstuk => taxonomy
            .vraagstukken
            .iter()
            .find(|t| t.slug == value)
            .map_or_else(|| value.to_string(), |t| t.label.clone()),
        FollowKind::Aanbieder => provider.map_or_else(|| value.to_string(), str::to_string),
        FollowKind::Zoekopdracht => describe_search(value),
    };
    format!("{}: {name}", kind.label())
}

/// A saved search in words: its search text and the number of filters.
fn describe_search(query: &str) -> String {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let q = pairs
        .iter()
        .find(|(k, v)| k == "q" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string());
    let filters = pairs
        .iter()
        .filter(|(k, v)| k != "q" && k != "sort" && k != "page" && !v.is_empty())
        .count();
    match (q, filters) {
        (Some(q), 0) => format!("‘{q}’"),
        (Some(q), 1) => format!("‘{q}’ met 1 filter"),
        (Some(q), n) => format!("‘{q}’ met {n} filters"),
        (None, 0) => "al het leeraanbod".to_string(),
        (None, 1) => "leeraanbod met 1 filter".to_string(),
        (None, n) => format!("leeraanbod met {n} filters"),
    }
}

/// The parameters of a catalogue search that are kept in a search follow (not the order or page).
pub fn search_key(pairs: &[(String, String)]) -> String {
    let mut kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| {
            !matches!(k.as_str(), "sort" | "page" | "pageSize" | "pagina") && !v.trim().is_empty()
        })
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    kept.sort();
    kept.dedup();
    serde_urlencoded::to_string(&kept).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offering(themes: &[&str], provider: &str) -> Offering {
        Offering {
            titel: "Training ondermijning herkennen".into(),
            samenvatting: "Signalen van criminele uitbuiting".into(),
            aanbieder: provider.into(),
            themas: themes.iter().map(|s| s.to_string()).collect(),
            doelgroepen: vec!["wijkprofessionals".into()],
            ..crate::domain::offering::example("x")
        }
    }

    #[test]
    fn follows_match_by_theme_topic_provider_and_search() {
        let tax = Taxonomy::builtin();
        let topic = tax.vraagstukken.first().expect("a topic").clone();
        let theme = topic.themas.first().expect("a theme").clone();
        let o = offering(&[&theme], "Politieacademie");
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        assert!(offering_matches(
            FollowKind::Thema,
            &theme,
            None,
            &o,
            &tax,
            day
        ));
        assert!(!offering_matches(
            FollowKind::Thema,
            "iets-anders",
            None,
            &o,
            &tax,
            day
        ));
        assert!(offering_matches(
            FollowKind::Vraagstuk,
            &topic.slug,
            None,
            &o,
            &tax,
            day
        ));
        assert!(offering_matches(
            FollowKind::Aanbieder,
            "politieacademie",
            None,
            &o,
            &tax,
            day
        ));
        let hit = SavedSearch::new(Filters::default(), "criminele uitbuiting");
        let miss = SavedSearch::new(Filters::default(), "jeugdzorg");
        assert!(offering_matches(
            FollowKind::Zoekopdracht,
            "",
            Some(&hit),
            &o,
            &tax,
            day
        ));
        assert!(!offering_matches(
            FollowKind::Zoekopdracht,
            "",
            Some(&miss),
            &o,
            &tax,
            day
        ));
        let paid = Filters {
            gratis: Some(false),
            ..Filters::default()
        };
        assert!(!SavedSearch::new(paid, "").matches(&o, day));
        let other_form = Filters {
            facets: [(Facet::Vorm, vec!["e-learning".to_string()])].into(),
            ..Filters::default()
        };
        assert!(!SavedSearch::new(other_form, "").matches(&o, day));
        assert!(track_matches(
            FollowKind::Vraagstuk,
            &topic.slug,
            std::slice::from_ref(&theme),
            &tax
        ));
        assert!(!track_matches(FollowKind::Aanbieder, "x", &[theme], &tax));
    }

    #[test]
    fn periods() {
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        let tuesday = monday.succ_opt().expect("date");
        assert_eq!(
            Frequency::Direct.period(tuesday).as_deref(),
            Some("dag-2026-12-08")
        );
        assert_eq!(
            Frequency::Wekelijks.period(monday).as_deref(),
            Some("week-2026-50")
        );
        assert_eq!(Frequency::Wekelijks.period(tuesday), None);
    }

    #[test]
    fn search_keys_ignore_order_and_paging() {
        let a = search_key(&[
            ("thema".into(), "b".into()),
            ("q".into(), " wijk ".into()),
            ("page".into(), "3".into()),
            ("thema".into(), "a".into()),
        ]);
        let b = search_key(&[
            ("thema".into(), "a".into()),
            ("thema".into(), "b".into()),
            ("q".into(), "wijk".into()),
            ("sort".into(), "titel".into()),
        ]);
        assert_eq!(a, b);
        assert_eq!(describe_search(&a), "‘wijk’ met 2 filters");
        for k in FollowKind::ALL {
            assert_eq!(FollowKind::parse(k.slug()), Some(k));
        }
    }

    #[test]
    fn every_event_kind_reads_back_from_its_stored_text() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EventKind::parse("Nieuw"), None);
    }
}
