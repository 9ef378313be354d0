//! The "leerkring starten" form (also used to edit a circle): its fields as sent and the checks
//! that turn them into a circle, with a Dutch error per field.

use super::{Access, CircleStatus, LearningCircle, CIRCLE_FORMATS};
use crate::domain::fields::FieldError;
use crate::domain::taxonomy::{Taxonomy, Vocabulary};

/// The "leerkring starten" form as sent: its (name, value) pairs, before checking.
#[derive(Debug, Clone, Default)]
pub struct CircleInput {
    pairs: Vec<(String, String)>,
}

/// Longest text of a short field (title, rhythm, duration, who facilitates).
pub const SHORT: usize = 200;
/// Longest description.
pub const LONG: usize = 4000;
/// Most learning questions.
pub const MOST_QUESTIONS: usize = 10;

pub(super) fn need(
    errors: &mut Vec<FieldError>,
    field: &str,
    v: &str,
    what: &str,
    max: usize,
) -> String {
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
    /// The form from the (name, value) pairs as sent.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        CircleInput { pairs }
    }

    /// The same form with `name` holding `value` alone (a form the platform fills in itself).
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of `name`, or empty.
    fn first(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Checks the form against the taxonomy: a typed circle (status `ingediend`, id 0, slug
    /// empty) or Dutch errors per field.
    pub fn parse(&self, tax: &Taxonomy) -> Result<LearningCircle, Vec<FieldError>> {
        let mut errors = Vec::new();
        let titel = need(&mut errors, "titel", self.first("titel"), "de naam", SHORT);
        let omschrijving = need(
            &mut errors,
            "omschrijving",
            self.first("omschrijving"),
            "waar de leerkring over gaat",
            LONG,
        );
        let leervragen: Vec<String> = self
            .first("leervragen")
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
        let [doelgroepen, sectoren, themas] = [
            (
                "doelgroepen",
                Vocabulary::TargetGroup,
                "doelgroep",
                Some("Kies voor wie de leerkring is (minstens één doelgroep)."),
            ),
            ("sectoren", Vocabulary::Sector, "sector", None),
            (
                "themas",
                Vocabulary::Theme,
                "thema",
                Some("Kies minstens één thema waar de leerkring over gaat."),
            ),
        ]
        .map(|(field, vocabulary, what, required)| {
            let values = known(&mut errors, field, &self.all(field), tax, vocabulary, what);
            if let Some(message) = required.filter(|_| values.is_empty()) {
                if !errors.iter().any(|e| e.field == field) {
                    errors.push(FieldError::new(field, message));
                }
            }
            values
        });
        let vorm = self.first("vorm").trim().to_string();
        if !CIRCLE_FORMATS.iter().any(|(s, _)| *s == vorm) {
            errors.push(FieldError::new("vorm", "Kies een leervorm uit de lijst."));
        }
        let [ritme, looptijd, begeleiding] = [
            ("ritme", "hoe vaak jullie samenkomen"),
            ("looptijd", "hoe lang de leerkring loopt"),
            ("begeleiding", "wie de leerkring begeleidt"),
        ]
        .map(|(field, what)| need(&mut errors, field, self.first(field), what, SHORT));
        let toegang = Access::parse(self.first("toegang").trim());
        if toegang.is_none() {
            errors.push(FieldError::new(
                "toegang",
                "Kies of de leerkring open is of op uitnodiging.",
            ));
        }
        let vraagstuk = match self.first("vraagstuk").trim() {
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
