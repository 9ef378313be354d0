//! Learning circles (*leerkringen*): groups that learn together, started by participants or
//! proposed by the coordination point. The circle as stored, its statuses, the menu of learning
//! forms and the parsing of the "leerkring starten" form; pure code.
//!
//! `input.rs` checks the start form, `meetings.rs` the meetings and shared links, `filter.rs`
//! the facets of the public list.

mod filter;
mod input;
mod meetings;

use serde::Serialize;

use super::taxonomy::{Taxonomy, Vocabulary};

pub use filter::{facet_values, CircleFacet, CircleFilter, CIRCLE_FACETS};
pub use input::{CircleInput, LONG, MOST_QUESTIONS, SHORT};
pub use meetings::{
    parse_announcement, parse_link, parse_meeting, Announcement, CircleLink, Meeting,
};

pub use super::status::{Access, CircleStatus};

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

#[cfg(test)]
mod tests;
