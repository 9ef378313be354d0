//! "Vergelijkbaar aanbod": offerings that resemble a given one by themes, keywords, target
//! groups and format. Pure and deterministic.

use super::analysis::fold;
use super::offering::Offering;

/// How much `other` resembles `base` (0 = nothing in common).
pub fn resemblance(base: &Offering, other: &Offering) -> f32 {
    let shared = |a: &[String], b: &[String]| a.iter().filter(|x| b.contains(x)).count() as f32;
    let keywords = base
        .trefwoorden
        .iter()
        .filter(|k| {
            let k = fold(k);
            other.trefwoorden.iter().any(|o| fold(o) == k)
        })
        .count() as f32;
    let themes = shared(&base.themas, &other.themas);
    if themes == 0.0 && keywords == 0.0 {
        return 0.0;
    }
    3.0 * themes
        + 1.5 * keywords
        + 0.5 * shared(&base.doelgroepen, &other.doelgroepen)
        + 0.25 * shared(&base.sectoren, &other.sectoren)
        + if base.vorm == other.vorm { 0.5 } else { 0.0 }
}

/// The `k` offerings most like `base`, best first; ties by id.
pub fn similar<'a>(
    base: &Offering,
    all: impl Iterator<Item = &'a Offering>,
    k: usize,
) -> Vec<&'a Offering> {
    let mut scored: Vec<(f32, &Offering)> = all
        .filter(|o| o.id != base.id)
        .map(|o| (resemblance(base, o), o))
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    scored.into_iter().take(k).map(|(_, o)| o).collect()
}
