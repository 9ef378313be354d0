//! Learning circles (*leerkringen*): groups that learn together, started by participants or
//! proposed by the coordination point. The circle as stored, its statuses, the menu of learning
//! forms and the parsing of the "leerkring starten" form; pure code.

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use super::fields::FieldError;
use super::taxonomy::{Taxonomy, Vocabulary};

/// Where a circle stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CircleStatus {
    /// Waiting for the coordination point (moderation).
    Ingediend,
    /// Approved and running: public, open to members.
    Actief,
    /// Not accepted.
    Afgewezen,
    /// Ended by the coordination point.
    Gestopt,
}

impl CircleStatus {
    /// Parses the stored text.
    pub fn parse(s: &str) -> Option<CircleStatus> {
        match s {
            "ingediend" => Some(CircleStatus::Ingediend),
            "actief" => Some(CircleStatus::Actief),
            "afgewezen" => Some(CircleStatus::Afgewezen),
            "gestopt" => Some(CircleStatus::Gestopt),
            _ => None,
        }
    }

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            CircleStatus::Ingediend => "ingediend",
            CircleStatus::Actief => "actief",
            CircleStatus::Afgewezen => "afgewezen",
            CircleStatus::Gestopt => "gestopt",
        }
    }

    /// The Dutch label.
    pub fn label(self) -> &'static str {
        match self {
            CircleStatus::Ingediend => "Wacht op beoordeling",
            CircleStatus::Actief => "Actief",
            CircleStatus::Afgewezen => "Afgewezen",
            CircleStatus::Gestopt => "Gestopt",
        }
    }
}

/// How people join a circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Anyone signed in joins with one click.
    Open,
    /// People ask to join (or are invited); the facilitator admits them.
    Uitnodiging,
}

impl Access {
    /// Parses the stored or sent text.
    pub fn parse(s: &str) -> Option<Access> {
        match s {
            "open" => Some(Access::Open),
            "uitnodiging" => Some(Access::Uitnodiging),
            _ => None,
        }
    }

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::Uitnodiging => "uitnodiging",
        }
    }

    /// The Dutch label.
    pub fn label(self) -> &'static str {
        match self {
            Access::Open => "Open: iedereen met een account kan meedoen",
            Access::Uitnodiging => "Op uitnodiging: je vraagt of je mag meedoen",
        }
    }
}

/// A member's place in a circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberRole {
    /// Runs the circle: adds meetings, links and announcements, admits members, proposes results.
    Begeleider,
    /// A member.
    Lid,
    /// Asked to join a circle by invitation; not yet admitted.
    Aanvraag,
}

impl MemberRole {
    /// Parses the stored text.
    pub fn parse(s: &str) -> Option<MemberRole> {
        match s {
            "begeleider" => Some(MemberRole::Begeleider),
            "lid" => Some(MemberRole::Lid),
            "aanvraag" => Some(MemberRole::Aanvraag),
            _ => None,
        }
    }

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Begeleider => "begeleider",
            MemberRole::Lid => "lid",
            MemberRole::Aanvraag => "aanvraag",
        }
    }

    /// True for the facilitator and members (not for a request to join).
    pub fn is_member(self) -> bool {
        self != MemberRole::Aanvraag
    }
}

/// The learning forms a circle can take: the taxonomy's group forms, and two that only circles
/// use. `(slug, label when the taxonomy does not name it)`.
pub const CIRCLE_FORMATS: [(&str, &str); 6] = [
    ("intervisie", "Intervisie"),
    ("casusbespreking", "Casusbespreking"),
    ("werkbezoek", "Werkbezoek"),
    ("community-of-practice", "Community of practice"),
    ("online-leerkring", "Online leerkring"),
    ("leernetwerk", "Leernetwerk"),
];

/// The menu of learning forms `(slug, label)`, labelled as the taxonomy names them.
pub fn circle_formats(tax: &Taxonomy) -> Vec<(String, String)> {
    CIRCLE_FORMATS
        .iter()
        .map(|(slug, fallback)| {
            let label = tax
                .term(Vocabulary::Format, slug)
                .map_or_else(|| (*fallback).to_string(), |t| t.label.clone());
            ((*slug).to_string(), label)
        })
        .collect()
}

/// The label of a circle's form.
pub fn format_label(tax: &Taxonomy, slug: &str) -> String {
    circle_formats(tax)
        .into_iter()
        .find(|(s, _)| s == slug)
        .map_or_else(|| slug.to_string(), |(_, l)| l)
}

/// A learning circle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearningCircle {
    /// Row number (0 before it is stored).
    pub id: i64,
    /// Its address: `/leerkringen/{slug}`.
    pub slug: String,
    /// Name.
    pub titel: String,
    /// What it is about, in a few sentences.
    pub omschrijving: String,
    /// The shared learning questions (the circle's own learning agenda).
    pub leervragen: Vec<String>,
    /// Target groups (slugs).
    pub doelgroepen: Vec<String>,
    /// Sectors (slugs).
    pub sectoren: Vec<String>,
    /// Learning form (a slug of [`CIRCLE_FORMATS`]).
    pub vorm: String,
    /// How often it meets ("elke zes weken").
    pub ritme: String,
    /// For how long ("een jaar").
    pub looptijd: String,
    /// Who facilitates.
    pub begeleiding: String,
    /// Open or by invitation.
    pub toegang: Access,
    /// Themes (slugs).
    pub themas: Vec<String>,
    /// The vraagstuk it works on (slug), if any.
    pub vraagstuk: Option<String>,
    /// Status.
    pub status: CircleStatus,
    /// Reason of a rejection.
    pub reden: Option<String>,
    /// The gap theme the coordination point linked it to.
    pub lacune: Option<String>,
    /// The development track the coordination point linked it to.
    pub traject: Option<i64>,
    /// True when the coordination point proposed it.
    pub voorgesteld: bool,
    /// When it was started (RFC 3339).
    pub created_at: String,
}

impl LearningCircle {
    /// True when it runs (counted on the learning agenda and the gaps).
    pub fn is_active(&self) -> bool {
        self.status == CircleStatus::Actief
    }

    /// True when it is for one sector only or names none (function 3 of the coordination point
    /// asks for cross-domain learning).
    pub fn single_sector(&self) -> bool {
        self.sectoren.len() < 2
    }

    /// True when it works on `theme`: one of its themes, its gap, or a theme of its vraagstuk.
    pub fn works_on(&self, theme: &str, tax: &Taxonomy) -> bool {
        self.themas.iter().any(|t| t == theme)
            || self.lacune.as_deref() == Some(theme)
            || self.vraagstuk.as_deref().is_some_and(|v| {
                tax.vraagstukken
                    .iter()
                    .any(|t| t.slug == v && t.themas.iter().any(|x| x == theme))
            })
    }
}

/// The "leerkring starten" form as sent, before checking.
#[derive(Debug, Clone, Default)]
pub struct CircleInput {
    /// Name.
    pub titel: String,
    /// What it is about.
    pub omschrijving: String,
    /// Learning questions, one per line.
    pub leervragen: String,
    /// Target group slugs.
    pub doelgroepen: Vec<String>,
    /// Sector slugs.
    pub sectoren: Vec<String>,
    /// Form slug.
    pub vorm: String,
    /// Rhythm.
    pub ritme: String,
    /// Duration.
    pub looptijd: String,
    /// Who facilitates.
    pub begeleiding: String,
    /// `open` or `uitnodiging`.
    pub toegang: String,
    /// Theme slugs.
    pub themas: Vec<String>,
    /// Vraagstuk slug, or empty.
    pub vraagstuk: String,
}

/// Longest text of a short field (title, rhythm, duration, who facilitates).
pub const SHORT: usize = 200;
/// Longest description.
pub const LONG: usize = 4000;
/// Most learning questions.
pub const MOST_QUESTIONS: usize = 10;

fn need(errors: &mut Vec<FieldError>, field: &str, v: &str, what: &str, max: usize) -> String {
    let v = v.trim();
    let n = v.chars().count();
    if n == 0 {
        errors.push(FieldError::new(field, format!("Vul {what} in.")));
    } else if n > max {
        errors.push(FieldError::new(
            field,
            format!("Dit veld is te lang ({n} tekens, hoogstens {max})."),
        ));
    }
    v.to_string()
}

fn known(
    errors: &mut Vec<FieldError>,
    field: &str,
    values: &[String],
    tax: &Taxonomy,
    vocabulary: Vocabulary,
    what: &str,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if tax.term(vocabulary, v).is_none() {
            errors.push(FieldError::new(field, format!("Onbekende {what}: {v}.")));
        } else if !out.iter().any(|x| x == v) {
            out.push(v.to_string());
        }
    }
    out
}

impl CircleInput {
    /// Checks the form against the taxonomy: a typed circle (status `ingediend`, id 0, slug
    /// empty) or Dutch errors per field.
    pub fn parse(&self, tax: &Taxonomy) -> Result<LearningCircle, Vec<FieldError>> {
        let mut errors = Vec::new();
        let titel = need(&mut errors, "titel", &self.titel, "de naam", SHORT);
        let omschrijving = need(
            &mut errors,
            "omschrijving",
            &self.omschrijving,
            "waar de leerkring over gaat",
            LONG,
        );
        let leervragen: Vec<String> = self
            .leervragen
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if leervragen.is_empty() {
            errors.push(FieldError::new(
                "leervragen",
                "Schrijf minstens één leervraag die jullie samen willen beantwoorden.",
            ));
        } else if leervragen.len() > MOST_QUESTIONS {
            errors.push(FieldError::new(
                "leervragen",
                format!("Hoogstens {MOST_QUESTIONS} leervragen (één per regel)."),
            ));
        } else if leervragen.iter().any(|q| q.chars().count() > 500) {
            errors.push(FieldError::new(
                "leervragen",
                "Een leervraag is te lang (hoogstens 500 tekens).",
            ));
        }
        let doelgroepen = known(
            &mut errors,
            "doelgroepen",
            &self.doelgroepen,
            tax,
            Vocabulary::TargetGroup,
            "doelgroep",
        );
        if doelgroepen.is_empty() && !errors.iter().any(|e| e.field == "doelgroepen") {
            errors.push(FieldError::new(
                "doelgroepen",
                "Kies voor wie de leerkring is (minstens één doelgroep).",
            ));
        }
        let sectoren = known(
            &mut errors,
            "sectoren",
            &self.sectoren,
            tax,
            Vocabulary::Sector,
            "sector",
        );
        let themas = known(
            &mut errors,
            "themas",
            &self.themas,
            tax,
            Vocabulary::Theme,
            "thema",
        );
        if themas.is_empty() && !errors.iter().any(|e| e.field == "themas") {
            errors.push(FieldError::new(
                "themas",
                "Kies minstens één thema waar de leerkring over gaat.",
            ));
        }
        let vorm = self.vorm.trim().to_string();
        if !CIRCLE_FORMATS.iter().any(|(s, _)| *s == vorm) {
            errors.push(FieldError::new("vorm", "Kies een leervorm uit de lijst."));
        }
        let ritme = need(
            &mut errors,
            "ritme",
            &self.ritme,
            "hoe vaak jullie samenkomen",
            SHORT,
        );
        let looptijd = need(
            &mut errors,
            "looptijd",
            &self.looptijd,
            "hoe lang de leerkring loopt",
            SHORT,
        );
        let begeleiding = need(
            &mut errors,
            "begeleiding",
            &self.begeleiding,
            "wie de leerkring begeleidt",
            SHORT,
        );
        let toegang = Access::parse(self.toegang.trim());
        if toegang.is_none() {
            errors.push(FieldError::new(
                "toegang",
                "Kies of de leerkring open is of op uitnodiging.",
            ));
        }
        let vraagstuk = match self.vraagstuk.trim() {
            "" => None,
            v if tax.vraagstukken.iter().any(|t| t.slug == v) => Some(v.to_string()),
            v => {
                errors.push(FieldError::new(
                    "vraagstuk",
                    format!("Onbekend vraagstuk: {v}."),
                ));
                None
            }
        };
        let (true, Some(toegang)) = (errors.is_empty(), toegang) else {
            return Err(errors);
        };
        Ok(LearningCircle {
            id: 0,
            slug: String::new(),
            titel,
            omschrijving,
            leervragen,
            doelgroepen,
            sectoren,
            vorm,
            ritme,
            looptijd,
            begeleiding,
            toegang,
            themas,
            vraagstuk,
            status: CircleStatus::Ingediend,
            reden: None,
            lacune: None,
            traject: None,
            voorgesteld: false,
            created_at: String::new(),
        })
    }
}

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

/// A facet of the circle list, as the catalogue has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircleFacet {
    /// `thema`
    Thema,
    /// `doelgroep`
    Doelgroep,
    /// `sector`
    Sector,
    /// `vorm`
    Vorm,
    /// `toegang`
    Toegang,
}

/// The facets in page order with their query key.
pub const CIRCLE_FACETS: [(CircleFacet, &str); 5] = [
    (CircleFacet::Thema, "thema"),
    (CircleFacet::Doelgroep, "doelgroep"),
    (CircleFacet::Sector, "sector"),
    (CircleFacet::Vorm, "vorm"),
    (CircleFacet::Toegang, "toegang"),
];

/// The chosen values per facet: OR within a facet, AND across facets.
#[derive(Debug, Clone, Default)]
pub struct CircleFilter {
    /// Chosen `(facet, value)` pairs.
    pub chosen: Vec<(CircleFacet, String)>,
}

/// The values a circle has in `facet`.
pub fn facet_values(c: &LearningCircle, facet: CircleFacet) -> Vec<&str> {
    match facet {
        CircleFacet::Thema => c.themas.iter().map(String::as_str).collect(),
        CircleFacet::Doelgroep => c.doelgroepen.iter().map(String::as_str).collect(),
        CircleFacet::Sector => c.sectoren.iter().map(String::as_str).collect(),
        CircleFacet::Vorm => vec![c.vorm.as_str()],
        CircleFacet::Toegang => vec![c.toegang.as_str()],
    }
}

impl CircleFilter {
    /// True when `c` passes every facet but `skip`.
    fn keeps_except(&self, c: &LearningCircle, skip: Option<CircleFacet>) -> bool {
        CIRCLE_FACETS.iter().all(|(facet, _)| {
            if Some(*facet) == skip {
                return true;
            }
            let wanted: Vec<&str> = self
                .chosen
                .iter()
                .filter(|(f, _)| f == facet)
                .map(|(_, v)| v.as_str())
                .collect();
            wanted.is_empty() || facet_values(c, *facet).iter().any(|v| wanted.contains(v))
        })
    }

    /// True when `c` passes the filter.
    pub fn keeps(&self, c: &LearningCircle) -> bool {
        self.keeps_except(c, None)
    }

    /// True when `value` is chosen in `facet`.
    pub fn is_chosen(&self, facet: CircleFacet, value: &str) -> bool {
        self.chosen.iter().any(|(f, v)| *f == facet && v == value)
    }

    /// How many circles choosing `value` in `facet` would give (the other facets applied, this
    /// one widened: disjunctive counts as in the catalogue).
    pub fn count(&self, circles: &[LearningCircle], facet: CircleFacet, value: &str) -> usize {
        circles
            .iter()
            .filter(|c| self.keeps_except(c, Some(facet)))
            .filter(|c| facet_values(c, facet).contains(&value))
            .count()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn input() -> CircleInput {
        CircleInput {
            titel: "Wijkaanpak volhouden".into(),
            omschrijving: "Samen leren hoe een wijkaanpak vijftien jaar blijft lopen.".into(),
            leervragen: "Hoe houden we de wijkaanpak vol?\n\n  Wie betaalt na vier jaar?  ".into(),
            doelgroepen: vec!["beleidsmakers".into()],
            sectoren: vec!["sociaal-domein".into(), "veiligheid".into()],
            vorm: "intervisie".into(),
            ritme: "elke zes weken".into(),
            looptijd: "een jaar".into(),
            begeleiding: "ik".into(),
            toegang: "open".into(),
            themas: vec!["langjarige-wijkaanpak".into()],
            vraagstuk: "wijkaanpak-lange-termijn".into(),
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let tax = Taxonomy::builtin();
        let c = input().parse(&tax).unwrap();
        assert_eq!(c.leervragen.len(), 2);
        assert_eq!(c.leervragen[1], "Wie betaalt na vier jaar?");
        assert_eq!(c.toegang, Access::Open);
        assert_eq!(c.status, CircleStatus::Ingediend);
        assert!(!c.single_sector());
        assert!(c.works_on("langjarige-wijkaanpak", &tax));
    }

    #[test]
    fn errors_name_each_field() {
        let tax = Taxonomy::builtin();
        let mut i = input();
        i.titel = " ".into();
        i.vorm = "borrel".into();
        i.toegang = "geheim".into();
        i.themas = vec!["bestaat-niet".into()];
        i.leervragen = String::new();
        let e = i.parse(&tax).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        for f in ["titel", "vorm", "toegang", "themas", "leervragen"] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
    }

    #[test]
    fn single_sector_is_noticed() {
        let tax = Taxonomy::builtin();
        let mut i = input();
        i.sectoren = vec!["veiligheid".into()];
        assert!(i.parse(&tax).unwrap().single_sector());
    }

    #[test]
    fn meetings_and_links_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let m = parse_meeting("2027-01-12", "19:30", "Start", "Online", today).unwrap();
        assert_eq!(m.tijd.unwrap().to_string(), "19:30:00");
        let e = parse_meeting("2026-12-01", "25:00", "", "Online", today).unwrap_err();
        assert_eq!(e.len(), 3);
        assert!(parse_link("Verslag", "https://voorbeeld.nl/v").is_ok());
        assert!(parse_link("Verslag", "javascript:alert(1)").is_err());
    }

    #[test]
    fn facets_widen_within_and_narrow_across() {
        let tax = Taxonomy::builtin();
        let a = input().parse(&tax).unwrap();
        let mut b = a.clone();
        b.vorm = "werkbezoek".into();
        b.doelgroepen = vec!["bewoners".into()];
        let all = vec![a, b];
        let mut f = CircleFilter::default();
        f.chosen.push((CircleFacet::Vorm, "intervisie".into()));
        assert_eq!(all.iter().filter(|c| f.keeps(c)).count(), 1);
        assert_eq!(f.count(&all, CircleFacet::Vorm, "werkbezoek"), 1);
        f.chosen.push((CircleFacet::Vorm, "werkbezoek".into()));
        assert_eq!(all.iter().filter(|c| f.keeps(c)).count(), 2);
        f.chosen.push((CircleFacet::Doelgroep, "bewoners".into()));
        assert_eq!(all.iter().filter(|c| f.keeps(c)).count(), 1);
        assert_eq!(f.count(&all, CircleFacet::Doelgroep, "beleidsmakers"), 1);
    }
}
