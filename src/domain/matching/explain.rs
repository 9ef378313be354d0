//! The Dutch reasons ("waarom") shown with each result.

use std::cmp::Ordering;

use super::query::QTerm;
use super::{MatchQuery, Matcher};

impl Matcher {
    /// The Dutch reasons for one result.
    pub(super) fn reasons(
        &self,
        q: &MatchQuery,
        qterms: &[QTerm],
        profile: &[f64],
        d: usize,
    ) -> Vec<String> {
        let doc = &self.docs[d];
        let mut out = Vec::new();
        let mut matched: Vec<(f64, &str)> = qterms
            .iter()
            .filter(|qt| self.postings.list(qt.term as usize).get(d).is_some())
            .map(|qt| (qt.weight * self.idf[qt.term as usize], qt.label.as_str()))
            .collect();
        matched.sort_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(Ordering::Equal)
                .then(a.1.cmp(b.1))
        });
        let mut labels: Vec<&str> = Vec::new();
        for (_, l) in matched {
            if is_filler(l) {
                continue;
            }
            if !labels.contains(&l) && labels.len() < 5 {
                labels.push(l);
            }
        }
        if !labels.is_empty() {
            out.push(format!("Komt overeen op: {}", labels.join(", ")));
        }
        let shared: Vec<&str> = doc
            .themes()
            .iter()
            .filter(|&&t| profile[t as usize] >= 0.5)
            .map(|&t| self.theme_labels[t as usize].as_str())
            .collect();
        if !shared.is_empty() {
            out.push(format!("Zelfde thema: {}", shared.join(", ")));
        }
        if let Some(g) = &q.doelgroep {
            let label = |g: &String| {
                self.group_labels
                    .get(g)
                    .map_or(g.as_str(), |s| s.as_str())
                    .to_lowercase()
            };
            if self.doc_has(d, g, false) {
                out.push(format!("Geschikt voor {}", label(g)));
            } else if !doc.groups().is_empty() {
                let groups: Vec<String> = self.tag_slugs(doc.groups()).map(label).collect();
                out.push(format!("Let op: bedoeld voor {}", join_and(&groups)));
            }
        }
        if let Some(s) = &q.sector {
            if self.doc_has(d, s, true) {
                let label = self.sector_labels.get(s).map_or(s.as_str(), |s| s.as_str());
                out.push(format!("Past bij de sector {}", label.to_lowercase()));
            }
        }
        if !doc.current {
            out.push("Let op: dit aanbod is al afgelopen".to_string());
        }
        out
    }
}

/// Words of everyday questions that say nothing about the subject ("ik krijg elke ochtend …"):
/// never shown as a matched word.
const FILLER: &[&str] = &[
    "krijg", "krijgen", "krijgt", "kreeg", "elke", "elk", "iedere", "ieder", "ochtend", "ochtends",
    "middag", "middags", "avond", "avonds", "dag", "dagen", "week", "weken", "maand", "jaar",
    "jaren", "keer", "vaak", "soms", "altijd", "nooit", "steeds", "weer", "mensen", "iemand",
    "iets", "ding", "dingen", "manier", "doen", "doe", "maken", "gaan", "komen", "komt", "zien",
    "willen", "wil", "kunnen", "kan", "moeten", "moet", "zou", "zouden", "veel", "weinig", "meer",
    "minder", "echt", "gewoon", "even", "laatste", "tijd", "vraag", "vragen", "wat", "hoe", "waar",
    "wie", "welke", "graag", "ons", "onze", "mijn", "jullie", "hun",
];

/// True for a stop word or a filler word of a question, however it is written.
pub fn is_filler(word: &str) -> bool {
    let folded = crate::domain::analysis::fold(word);
    crate::domain::analysis::is_stop_word(&folded) || FILLER.contains(&folded.as_str())
}

/// One plain line (B1) that says what an offering is for the person who asks: its price,
/// form, group, place and subject. "Gratis training voor bewoners, online, over ondermijning en
/// criminaliteit".
pub fn plain_line(
    o: &crate::domain::offering::Offering,
    tax: &crate::domain::taxonomy::Taxonomy,
) -> String {
    use crate::domain::offering::Location;
    use crate::domain::taxonomy::Vocabulary;
    let label = |v: Vocabulary, slug: &str| {
        tax.term(v, slug)
            .map_or_else(|| slug.replace('-', " "), |t| t.label.clone())
    };
    let vorm = label(Vocabulary::Format, &o.vorm);
    let mut line = if o.is_free() {
        format!("Gratis {}", vorm.to_lowercase())
    } else {
        format!("{vorm} van {}", o.kosten)
    };
    let groups: Vec<String> = o
        .doelgroepen
        .iter()
        .map(|g| label(Vocabulary::TargetGroup, g).to_lowercase())
        .collect();
    if !groups.is_empty() {
        line.push_str(&format!(" voor {}", join_and(&groups)));
    }
    let regions = crate::domain::region::Regions::builtin();
    let place = if o
        .regio
        .eq_ignore_ascii_case(crate::domain::region::NATIONAL)
    {
        None
    } else {
        Some(regions.label(&o.regio))
    };
    line.push_str(&match (o.locatie, place) {
        (Location::Online, _) => ", online".to_string(),
        (Location::Fysiek, Some(p)) => format!(", in {p}"),
        (Location::Fysiek, None) => ", op locatie".to_string(),
        (Location::Hybride, Some(p)) => format!(", online of in {p}"),
        (Location::Hybride, None) => ", online of op locatie".to_string(),
    });
    let themes: Vec<String> = o
        .themas
        .iter()
        .take(2)
        .map(|t| label(Vocabulary::Theme, t).to_lowercase())
        .collect();
    if !themes.is_empty() {
        line.push_str(&format!(", over {}", join_and(&themes)));
    }
    line
}

/// `a`, `a en b`, `a, b en c`.
pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offering::{example, Location, Offering};
    use crate::domain::taxonomy::Taxonomy;

    #[test]
    fn one_plain_line_says_price_form_group_place_and_subject() {
        let tax = Taxonomy::builtin();
        let free = Offering {
            doelgroepen: vec!["bewoners".into()],
            themas: vec!["ondermijning".into()],
            ..example("a")
        };
        assert_eq!(
            plain_line(&free, &tax),
            "Gratis training voor bewoners, online, over ondermijning en criminaliteit"
        );
        let paid = Offering {
            vorm: "masterclass".into(),
            kosten: "€ 650".into(),
            doelgroepen: vec!["beleidsmakers".into(), "wijkprofessionals".into()],
            themas: vec!["langjarige-wijkaanpak".into(), "data-en-monitoring".into()],
            locatie: Location::Fysiek,
            regio: "Breda".into(),
            ..example("b")
        };
        assert_eq!(
            plain_line(&paid, &tax),
            "Masterclass van € 650 voor beleidsmakers en wijkprofessionals, in Breda (Noord-Brabant), over wijkaanpak voor de lange termijn en cijfers en monitoring"
        );
    }

    #[test]
    fn stop_words_and_filler_are_never_matched_words() {
        for w in ["krijgen", "elke", "ochtend", "de", "Wat", "doen"] {
            assert!(is_filler(w), "{w}");
        }
        for w in ["portiek", "drugs", "overlast", "jongeren"] {
            assert!(!is_filler(w), "{w}");
        }
    }
}
