//! "Vergelijkbaar aanbod": offerings that resemble a given one by themes, keywords, target
//! groups and format. Pure and deterministic; keywords are compared in folded form.

use super::analysis::fold;
use super::offering::Offering;

/// The keywords of an offering in folded form, for [`similar`].
pub fn folded_keywords(o: &Offering) -> Vec<String> {
    o.trefwoorden.iter().map(|k| fold(k)).collect()
}

/// How much `other` resembles `base` (0 = nothing in common).
pub fn resemblance(base: (&Offering, &[String]), other: (&Offering, &[String])) -> f32 {
    let shared = |a: &[String], b: &[String]| a.iter().filter(|x| b.contains(x)).count() as f32;
    let themes = shared(&base.0.themas, &other.0.themas);
    let keywords = shared(base.1, other.1);
    if themes == 0.0 && keywords == 0.0 {
        return 0.0;
    }
    3.0 * themes
        + 1.5 * keywords
        + 0.5 * shared(&base.0.doelgroepen, &other.0.doelgroepen)
        + 0.25 * shared(&base.0.sectoren, &other.0.sectoren)
        + if base.0.vorm == other.0.vorm {
            0.5
        } else {
            0.0
        }
}

/// The `k` offerings most like `base`, best first; ties by id. Items are offerings with their
/// folded keywords.
pub fn similar<'a>(
    base: (&Offering, &[String]),
    all: impl Iterator<Item = (&'a Offering, &'a [String])>,
    k: usize,
) -> Vec<&'a Offering> {
    let mut scored: Vec<(f32, &Offering)> = all
        .filter(|(o, _)| o.id != base.0.id)
        .map(|other| (resemblance(base, other), other.0))
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    scored.into_iter().take(k).map(|(_, o)| o).collect()
}

/// How much two titles share (0..1): the Jaccard overlap of their stems without stop words.
pub fn title_overlap(a: &str, b: &str) -> f32 {
    let a: std::collections::HashSet<String> = super::analysis::analyze(a).into_iter().collect();
    let b: std::collections::HashSet<String> = super::analysis::analyze(b).into_iter().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(&b).count() as f32 / a.union(&b).count() as f32
}

/// Whether `other` is probably the same offering as `new` (a contributed one): the same web
/// address, or titles that share most of their words.
pub fn likely_duplicate(new: &Offering, other: &Offering) -> bool {
    let same_url =
        !new.url.is_empty() && new.url.trim_end_matches('/') == other.url.trim_end_matches('/');
    same_url || title_overlap(&new.titel, &other.titel) >= 0.6
}

/// The offerings most like a new one, best first, with a duplicate flag.
pub fn most_like<'a>(
    new: &Offering,
    all: &'a [&'a Offering],
    k: usize,
) -> Vec<(&'a Offering, bool)> {
    let new_kw = folded_keywords(new);
    let mut scored: Vec<(f32, &Offering)> = all
        .iter()
        .filter(|o| o.id != new.id)
        .map(|o| {
            let kw = folded_keywords(o);
            let s =
                resemblance((new, &new_kw), (o, &kw)) + 6.0 * title_overlap(&new.titel, &o.titel);
            (s, *o)
        })
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    scored
        .into_iter()
        .take(k)
        .map(|(_, o)| (o, likely_duplicate(new, o)))
        .collect()
}

#[cfg(test)]
mod duplicate_tests {
    use super::*;
    use crate::domain::offering::Location;

    fn offering(id: &str, titel: &str, url: &str) -> Offering {
        Offering {
            id: id.into(),
            titel: titel.into(),
            samenvatting: String::new(),
            beschrijving: String::new(),
            aanbieder: "A".into(),
            partners: vec![],
            vorm: "training".into(),
            themas: vec!["t".into()],
            doelgroepen: vec![],
            sectoren: vec![],
            trefwoorden: vec![],
            kosten: "gratis".into(),
            locatie: Location::Online,
            regio: "landelijk".into(),
            startdatum: None,
            einddatum: None,
            url: url.into(),
        }
    }

    #[test]
    fn duplicates() {
        let a = offering(
            "a",
            "Training buurtbemiddeling voor wijkteams",
            "https://a.example/x",
        );
        let b = offering(
            "b",
            "Buurtbemiddeling: training voor wijkteams",
            "https://b.example/y",
        );
        let c = offering("c", "Webinar ondermijning", "https://a.example/x/");
        let d = offering("d", "Webinar schuldhulp", "https://d.example");
        assert!(likely_duplicate(&a, &b));
        assert!(likely_duplicate(&a, &c));
        assert!(!likely_duplicate(&a, &d));
        let all = [&b, &c, &d];
        let like = most_like(&a, &all, 2);
        assert_eq!(like[0].0.id, "b");
        assert!(like[0].1);
    }
}
