//! Development tracks (*ontwikkeltrajecten*): what the coordination point is developing for a
//! gap, by whom and when. Parsing a submitted track into a typed value; pure code.

use serde::Serialize;

use super::fields::FieldError;
use super::taxonomy::{Taxonomy, Vocabulary};

pub use super::status::TrackStatus;

/// A development track.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Track {
    /// Row number (0 before it is stored).
    pub id: i64,
    /// Title.
    pub titel: String,
    /// What it should achieve.
    pub doel: String,
    /// The gap themes it addresses.
    pub themas: Vec<String>,
    /// Lead organisation.
    pub trekker: String,
    /// Partner organisations.
    pub partners: Vec<String>,
    /// Target groups.
    pub doelgroepen: Vec<String>,
    /// Status.
    pub status: TrackStatus,
    /// When (free text, e.g. "eerste bijeenkomst maart 2027").
    pub planning: String,
    /// The resulting offerings (ids), once available.
    pub aanbod: Vec<String>,
}

/// A submitted track form, before checking.
#[derive(Debug, Clone, Default)]
pub struct TrackInput {
    /// Title.
    pub titel: String,
    /// Goal.
    pub doel: String,
    /// Theme slugs.
    pub themas: Vec<String>,
    /// Lead organisation.
    pub trekker: String,
    /// Partners, separated by commas.
    pub partners: String,
    /// Target group slugs.
    pub doelgroepen: Vec<String>,
    /// Status slug.
    pub status: String,
    /// When.
    pub planning: String,
    /// Resulting offering ids, separated by commas.
    pub aanbod: String,
}

/// The non-empty trimmed parts of `s` between any of `separators`.
fn split(s: &str, separators: &[char]) -> Vec<String> {
    s.split(separators)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl TrackInput {
    /// Checks the input against the taxonomy and the known offering ids; Dutch errors per field.
    pub fn parse(
        &self,
        id: i64,
        tax: &Taxonomy,
        offering_exists: impl Fn(&str) -> bool,
    ) -> Result<Track, Vec<FieldError>> {
        let mut errors = Vec::new();
        let need = |field: &str, v: &str, what: &str, errors: &mut Vec<FieldError>| {
            let n = v.trim().chars().count();
            if n == 0 {
                errors.push(FieldError::new(field, format!("Vul {what} in.")));
            } else if n > 2000 {
                errors.push(FieldError::new(
                    field,
                    format!("{what} is te lang (hoogstens 2000 tekens)."),
                ));
            }
        };
        need("titel", &self.titel, "de titel", &mut errors);
        need("doel", &self.doel, "het doel", &mut errors);
        need("trekker", &self.trekker, "de trekker", &mut errors);
        if self.themas.is_empty() {
            errors.push(FieldError::new("themas", "Kies minstens één thema."));
        }
        if let Some(bad) = self
            .themas
            .iter()
            .find(|t| tax.term(Vocabulary::Theme, t).is_none())
        {
            errors.push(FieldError::new(
                "themas",
                format!("Onbekend thema ‘{bad}’."),
            ));
        }
        if let Some(bad) = self
            .doelgroepen
            .iter()
            .find(|t| tax.term(Vocabulary::TargetGroup, t).is_none())
        {
            errors.push(FieldError::new(
                "doelgroepen",
                format!("Onbekende doelgroep ‘{bad}’."),
            ));
        }
        let status = TrackStatus::parse(&self.status);
        if status.is_none() {
            errors.push(FieldError::new("status", "Kies een status."));
        }
        let aanbod = split(&self.aanbod, &[',', '\n']);
        if let Some(bad) = aanbod.iter().find(|a| !offering_exists(a)) {
            errors.push(FieldError::new(
                "aanbod",
                format!("Er is geen aanbod met id ‘{bad}’."),
            ));
        }
        if status == Some(TrackStatus::Beschikbaar) && aanbod.is_empty() {
            errors.push(FieldError::new(
                "aanbod",
                "Een beschikbaar traject noemt het aanbod dat eruit kwam (id's, met komma's gescheiden).",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Track {
            id,
            titel: self.titel.trim().to_string(),
            doel: self.doel.trim().to_string(),
            themas: self.themas.clone(),
            trekker: self.trekker.trim().to_string(),
            // Organisations one per line: a name may hold a comma.
            partners: split(&self.partners, &['\n', ';']),
            doelgroepen: self.doelgroepen.clone(),
            status: status.unwrap_or(TrackStatus::Verkenning),
            planning: self.planning.trim().to_string(),
            aanbod,
        })
    }

    /// The input that shows `t` in the form.
    pub fn of(t: &Track) -> TrackInput {
        TrackInput {
            titel: t.titel.clone(),
            doel: t.doel.clone(),
            themas: t.themas.clone(),
            trekker: t.trekker.clone(),
            partners: t.partners.join("\n"),
            doelgroepen: t.doelgroepen.clone(),
            status: t.status.as_str().to_string(),
            planning: t.planning.clone(),
            aanbod: t.aanbod.join(", "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        let tax = Taxonomy::builtin();
        let theme = tax.themas[0].slug.clone();
        let mut input = TrackInput {
            titel: "Leerlijn".into(),
            doel: "Nieuw aanbod".into(),
            themas: vec![theme],
            trekker: "Stichting A".into(),
            partners: "Gemeente B\nHogeschool Veldhoven, Lectoraat Wijk".into(),
            doelgroepen: vec!["bewoners".into()],
            status: "in-ontwikkeling".into(),
            planning: "voorjaar 2027".into(),
            aanbod: String::new(),
        };
        let t = input.parse(0, &tax, |_| false).unwrap();
        assert_eq!(
            t.partners,
            vec!["Gemeente B", "Hogeschool Veldhoven, Lectoraat Wijk"],
            "one per line; a comma belongs to the name"
        );
        assert_eq!(t.status, TrackStatus::InOntwikkeling);
        input.status = "beschikbaar".into();
        let e = input.parse(0, &tax, |_| true).unwrap_err();
        assert_eq!(e[0].field, "aanbod");
        input.aanbod = "x, y".into();
        assert!(input.parse(0, &tax, |id| id == "x").is_err());
        assert_eq!(
            input.parse(0, &tax, |_| true).unwrap().aanbod,
            vec!["x", "y"]
        );
        input.titel.clear();
        input.themas = vec!["bestaat-niet".into()];
        let e = input.parse(0, &tax, |_| true).unwrap_err();
        assert!(e.iter().any(|e| e.field == "titel"));
        assert!(e.iter().any(|e| e.field == "themas"));
    }
}
