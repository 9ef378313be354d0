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
