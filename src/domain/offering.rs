//! The learning offering (`Offering`): its typed fields and the parser that turns one import
//! record into an offering or a list of Dutch field errors.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{FieldError, Limit, Record};
use super::taxonomy::{Taxonomy, Vocabulary};

/// Longest allowed `samenvatting`, in characters (the data contract).
pub const MAX_SUMMARY: usize = 300;

/// Longest allowed `titel`, in characters (the forms' `maxlength`).
pub const MAX_TITLE: usize = 200;

/// Longest allowed `beschrijving`, in characters. Ten times the longest description in the
/// sample catalogue (about 1,000 characters): some four printed pages, room for any real
/// offering, and the same bound as a coordinator's answer to a question. It keeps one offering
/// under about 40 kB, so that a page of 100 offerings in the API stays a few megabytes at most.
pub const MAX_DESCRIPTION: usize = 10_000;

/// How much each field of an offering may hold: the one rule that the import, the public
/// "aanmelden" form and the back-office form share (all of them parse with [`Offering::parse`]).
pub fn limit(field: &str) -> Limit {
    match field {
        "id" => Limit::new(100, 0),
        "titel" => Limit::new(MAX_TITLE, 0),
        "samenvatting" => Limit::new(MAX_SUMMARY, 0),
        "beschrijving" => Limit::new(MAX_DESCRIPTION, 0),
        "aanbieder" => Limit::new(200, 0),
        "partners" => Limit::new(200, 20),
        "trefwoorden" => Limit::new(100, 30),
        "kosten" => Limit::new(30, 0),
        "regio" => Limit::new(100, 0),
        "url" => Limit::new(2_000, 0),
        // Slugs, choices and dates are checked against their vocabulary or format; this bound
        // only keeps what an error message repeats short.
        _ => Limit::new(100, 50),
    }
}

/// Where an offering takes place.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// Online.
    Online,
    /// On site.
    Fysiek,
    /// Both.
    Hybride,
}

impl Location {
    /// All values, in display order.
    pub const ALL: [Location; 3] = [Location::Online, Location::Fysiek, Location::Hybride];

    /// The slug of the data contract.
    pub fn slug(self) -> &'static str {
        match self {
            Location::Online => "online",
            Location::Fysiek => "fysiek",
            Location::Hybride => "hybride",
        }
    }

    /// Parses a slug.
    pub fn parse(s: &str) -> Option<Location> {
        Location::ALL.into_iter().find(|l| l.slug() == s)
    }
}

/// One learning offering. Field names follow the data contract in SCHEMA.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Offering {
    /// Stable identifier `[a-z0-9-]+`.
    pub id: String,
    /// Title.
    pub titel: String,
    /// Summary, at most [`MAX_SUMMARY`] characters.
    pub samenvatting: String,
    /// Full description, at most [`MAX_DESCRIPTION`] characters; paragraphs separated by blank
    /// lines.
    pub beschrijving: String,
    /// Providing organisation.
    pub aanbieder: String,
    /// Co-organising organisations.
    pub partners: Vec<String>,
    /// Format slug.
    pub vorm: String,
    /// Theme slugs, at least one.
    pub themas: Vec<String>,
    /// Target group slugs, at least one.
    pub doelgroepen: Vec<String>,
    /// Sector slugs, at least one.
    pub sectoren: Vec<String>,
    /// Keywords.
    pub trefwoorden: Vec<String>,
    /// `gratis` or an amount like `€ 395`.
    pub kosten: String,
    /// Where.
    pub locatie: Location,
    /// `landelijk`, a province or a municipality.
    pub regio: String,
    /// Start date; `None` for always available.
    pub startdatum: Option<NaiveDate>,
    /// End date.
    pub einddatum: Option<NaiveDate>,
    /// Absolute https URL.
    pub url: String,
}

/// The field names of an offering, in contract order (also the CSV column order).
pub const FIELDS: &[&str] = &[
    "id",
    "titel",
    "samenvatting",
    "beschrijving",
    "aanbieder",
    "partners",
    "vorm",
    "themas",
    "doelgroepen",
    "sectoren",
    "trefwoorden",
    "kosten",
    "locatie",
    "regio",
    "startdatum",
    "einddatum",
    "url",
];

/// The list-valued fields of an offering.
pub const LIST_FIELDS: &[&str] = &[
    "partners",
    "themas",
    "doelgroepen",
    "sectoren",
    "trefwoorden",
];

/// Parses a cost: `gratis`, or `€` and an amount with an optional thousands dot and cents.
pub fn parse_cost(s: &str) -> Option<String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("gratis") {
        return Some("gratis".to_string());
    }
    let amount = t.strip_prefix('€')?.trim();
    let (whole, cents) = match amount.split_once(',') {
        Some((w, c)) => (w, Some(c)),
        None => (amount, None),
    };
    let groups: Vec<&str> = whole.split('.').collect();
    let groups_ok = !groups[0].is_empty()
        && groups[0].len() <= 3.max(if groups.len() == 1 { 9 } else { 3 })
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    let cents_ok =
        cents.is_none_or(|c| c == "-" || (c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit())));
    (groups_ok && cents_ok).then(|| format!("€ {amount}"))
}

impl Offering {
    /// Parses one record of the catalog format against the taxonomy.
    pub fn parse(map: &Map<String, Value>, tax: &Taxonomy) -> Result<Offering, Vec<FieldError>> {
        let mut r = Record::new(map, FIELDS, limit);
        let id = r.id();
        let titel = r.text("titel");
        let samenvatting = r.text("samenvatting");
        let beschrijving = r.text("beschrijving");
        let aanbieder = r.text("aanbieder");
        let partners = r.list("partners");
        let vorm = r
            .slug("vorm", tax, Vocabulary::Format, true)
            .unwrap_or_default();
        let themas = r.slugs("themas", tax, Vocabulary::Theme, 1);
        let doelgroepen = r.slugs("doelgroepen", tax, Vocabulary::TargetGroup, 1);
        let sectoren = r.slugs("sectoren", tax, Vocabulary::Sector, 1);
        let trefwoorden = r.list("trefwoorden");
        let kosten_raw = r.text("kosten");
        let kosten = parse_cost(&kosten_raw).unwrap_or_default();
        if !kosten_raw.is_empty() && kosten.is_empty() {
            r.errors.push(FieldError::new(
                "kosten",
                format!(
                    "ongeldig bedrag '{kosten_raw}' (verwacht 'gratis' of bijvoorbeeld '€ 395')"
                ),
            ));
        }
        let locatie_raw = r.text("locatie");
        let locatie = Location::parse(&locatie_raw);
        if !locatie_raw.is_empty() && locatie.is_none() {
            r.errors.push(FieldError::new(
                "locatie",
                format!("onbekende waarde '{locatie_raw}' (online, fysiek of hybride)"),
            ));
        }
        let regio_raw = r.text("regio");
        let regio = match super::region::Regions::builtin().canonical(&regio_raw) {
            Some(name) => name.to_string(),
            None => {
                if !regio_raw.is_empty() {
                    r.errors.push(FieldError::new(
                        "regio",
                        format!(
                            "onbekende regio '{regio_raw}' (kies 'landelijk', een provincie of een gemeente)"
                        ),
                    ));
                }
                regio_raw
            }
        };
        let startdatum = r.date("startdatum");
        let einddatum = r.date("einddatum");
        if let (Some(s), Some(e)) = (startdatum, einddatum) {
            if e < s {
                r.errors
                    .push(FieldError::new("einddatum", "ligt vóór de startdatum"));
            }
        }
        let url = r.text("url");
        if !url.is_empty() && !is_https_url(&url) {
            r.errors.push(FieldError::new(
                "url",
                format!("moet een volledige https-URL zijn, niet '{url}'"),
            ));
        }
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        Ok(Offering {
            id,
            titel,
            samenvatting,
            beschrijving,
            aanbieder,
            partners,
            vorm,
            themas,
            doelgroepen,
            sectoren,
            trefwoorden,
            kosten,
            locatie: locatie.unwrap_or(Location::Online),
            regio,
            startdatum,
            einddatum,
            url,
        })
    }

    /// True when the offering is free.
    pub fn is_free(&self) -> bool {
        self.kosten == "gratis"
    }

    /// True when the offering can still be followed on `today`: undated, or not yet ended.
    pub fn is_current(&self, today: NaiveDate) -> bool {
        followable(self.startdatum, self.einddatum, today)
    }

    /// A recorded webinar: a webinar whose text says it can be watched back (`terugkijken`,
    /// `terug te kijken`), so it stays available after its date.
    pub fn can_be_watched_back(&self) -> bool {
        if self.vorm != "webinar" {
            return false;
        }
        [&self.titel, &self.samenvatting, &self.beschrijving]
            .into_iter()
            .chain(self.trefwoorden.iter())
            .map(|t| t.to_lowercase())
            .any(|t| {
                t.contains("terugkijk")
                    || t.contains("terug te kijken")
                    || t.contains("terug kijken")
            })
    }

    /// Whether it can still be followed on `today`: current, or a recorded webinar.
    pub fn is_available(&self, today: NaiveDate) -> bool {
        self.is_current(today) || self.can_be_watched_back()
    }

    /// URL-safe slug of the provider (for `/aanbieders/{slug}` and the `aanbieder` filter).
    pub fn provider_slug(&self) -> String {
        slugify(&self.aanbieder)
    }
}

/// A slug from a name: folded, non-alphanumerics to single dashes.
pub fn slugify(name: &str) -> String {
    let folded = super::analysis::fold(name);
    let mut out = String::new();
    for w in super::analysis::words(&folded) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}

fn is_https_url(s: &str) -> bool {
    match s.strip_prefix("https://") {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && host.contains('.')
                && !s.chars().any(char::is_whitespace)
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':')
        }
        None => false,
    }
}

/// True when an offering with these dates can still be followed on `today`: undated, or not yet
/// ended (without an end date, not yet started).
pub fn followable(start: Option<NaiveDate>, end: Option<NaiveDate>, today: NaiveDate) -> bool {
    match (start, end) {
        (None, None) => true,
        (_, Some(end)) => end >= today,
        (Some(start), None) => start >= today,
    }
}

/// An online training for tests, titled by its id and with no themes, groups or keywords; set the
/// fields a test needs with `Offering { themas, ..example("x") }`.
#[cfg(test)]
pub(crate) fn example(id: &str) -> Offering {
    Offering {
        id: id.into(),
        titel: id.into(),
        samenvatting: String::new(),
        beschrijving: String::new(),
        aanbieder: "A".into(),
        partners: vec![],
        vorm: "training".into(),
        themas: vec![],
        doelgroepen: vec![],
        sectoren: vec![],
        trefwoorden: vec![],
        kosten: "gratis".into(),
        locatie: Location::Online,
        regio: "landelijk".into(),
        startdatum: None,
        einddatum: None,
        url: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs() {
        assert_eq!(parse_cost("gratis").as_deref(), Some("gratis"));
        assert_eq!(parse_cost("€ 395").as_deref(), Some("€ 395"));
        assert_eq!(parse_cost("€ 1.150").as_deref(), Some("€ 1.150"));
        assert_eq!(parse_cost("€ 12,50").as_deref(), Some("€ 12,50"));
        assert_eq!(parse_cost("395"), None);
        assert_eq!(parse_cost("€ 1.15"), None);
        assert_eq!(parse_cost("€"), None);
    }

    #[test]
    fn urls() {
        assert!(is_https_url("https://www.a.example/x"));
        assert!(!is_https_url("http://www.a.example/x"));
        assert!(!is_https_url("https://"));
        assert!(!is_https_url("https://a b.example"));
    }

    #[test]
    fn slugs_of_names() {
        assert_eq!(
            slugify("Kenniscentrum Buurt & Veiligheid"),
            "kenniscentrum-buurt-veiligheid"
        );
        assert_eq!(slugify("Stichting Één Café"), "stichting-een-cafe");
    }
}
