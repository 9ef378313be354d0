//! The controlled vocabularies (themes, target groups, sectors, formats) and the topics
//! (vraagstukken) of the learning agenda.

use serde::{Deserialize, Serialize};

/// One entry of a controlled vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Term {
    /// Stable identifier, `[a-z0-9-]+`.
    pub slug: String,
    /// Dutch label shown to users.
    pub label: String,
    /// Dutch description.
    #[serde(default)]
    pub description: String,
}

impl Term {
    /// A target group's label for one person ("Ik ben bewoner"): the singular of the three target
    /// groups of the learning network, the label itself for any other.
    pub fn one_person(&self) -> String {
        match self.slug.as_str() {
            "beleidsmakers" => "Beleidsmaker".into(),
            "wijkprofessionals" => "Wijkprofessional".into(),
            "bewoners" => "Bewoner".into(),
            _ => self.label.clone(),
        }
    }
}

/// A learning topic where the agenda found a gap (`Topic` in the glossary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Topic {
    /// Stable identifier.
    pub slug: String,
    /// The topic's question.
    pub label: String,
    /// Dutch description.
    #[serde(default)]
    pub description: String,
    /// Theme slugs the topic belongs to.
    #[serde(default)]
    pub themas: Vec<String>,
}

/// All vocabularies; the format of `taxonomy.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// Themes (`Theme`).
    pub themas: Vec<Term>,
    /// Target groups (`TargetGroup`).
    pub doelgroepen: Vec<Term>,
    /// Sectors (`Sector`).
    pub sectoren: Vec<Term>,
    /// Formats (`Format`).
    pub vormen: Vec<Term>,
    /// Topics (`Topic`).
    #[serde(default)]
    pub vraagstukken: Vec<Topic>,
}

/// Which vocabulary a slug belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    /// `themas`
    Theme,
    /// `doelgroepen`
    TargetGroup,
    /// `sectoren`
    Sector,
    /// `vormen`
    Format,
}

impl Taxonomy {
    /// The built-in taxonomy of the demo data.
    pub fn builtin() -> Taxonomy {
        serde_json::from_str(include_str!("../../data/demo/taxonomy.json")).unwrap_or_default()
    }

    /// Parses a `taxonomy.json` document and checks it: slugs well-formed and unique,
    /// topic themes known. Errors are Dutch.
    pub fn parse(json: &str) -> Result<Taxonomy, Vec<String>> {
        let tax: Taxonomy =
            serde_json::from_str(json).map_err(|e| vec![format!("ongeldige JSON: {e}")])?;
        let mut errors = Vec::new();
        for (name, terms) in [
            ("themas", &tax.themas),
            ("doelgroepen", &tax.doelgroepen),
            ("sectoren", &tax.sectoren),
            ("vormen", &tax.vormen),
        ] {
            if terms.is_empty() {
                errors.push(format!("{name}: de lijst is leeg"));
            }
            let mut seen = std::collections::HashSet::new();
            for t in terms {
                if !super::fields::is_slug(&t.slug) {
                    errors.push(format!("{name}: ongeldige slug '{}'", t.slug));
                }
                if !seen.insert(&t.slug) {
                    errors.push(format!("{name}: slug '{}' komt dubbel voor", t.slug));
                }
            }
        }
        for topic in &tax.vraagstukken {
            for th in &topic.themas {
                if tax.term(Vocabulary::Theme, th).is_none() {
                    errors.push(format!(
                        "vraagstukken: '{}' noemt onbekend thema '{th}'",
                        topic.slug
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(tax)
        } else {
            Err(errors)
        }
    }

    /// The terms of one vocabulary.
    pub fn terms(&self, vocabulary: Vocabulary) -> &[Term] {
        match vocabulary {
            Vocabulary::Theme => &self.themas,
            Vocabulary::TargetGroup => &self.doelgroepen,
            Vocabulary::Sector => &self.sectoren,
            Vocabulary::Format => &self.vormen,
        }
    }

    /// Looks up a slug in one vocabulary.
    pub fn term(&self, vocabulary: Vocabulary, slug: &str) -> Option<&Term> {
        self.terms(vocabulary).iter().find(|t| t.slug == slug)
    }

    /// The topic (vraagstuk) a theme belongs to, if any.
    pub fn topic_for_theme(&self, theme: &str) -> Option<&Topic> {
        self.vraagstukken
            .iter()
            .find(|t| t.themas.iter().any(|s| s == theme))
    }
}
