//! "Vergelijkbaar aanbod": offerings that resemble a given one by themes, keywords, target
//! groups and format. Pure and deterministic; keywords are compared in folded form.

use super::analysis::fold;
use super::offering::Offering;

/// The keywords of an offering in folded form, for [`resemblance`].
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

/// Where one offering's features lie in [`SimilarIndex::features`]: its themes, keywords, target
/// groups and sectors follow each other from `start`; the form is kept apart.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    themes: u16,
    keywords: u16,
    groups: u16,
    sectors: u16,
    vorm: u32,
}

/// Offerings prepared for "vergelijkbaar aanbod": features as interned numbers in one block and,
/// per theme and keyword, the offerings that carry it, so one look-up scores only the offerings
/// that share a theme or a keyword (the others score 0) with integer comparisons. Gives what a
/// full scan with [`resemblance`] gives (a property test checks it).
#[derive(Debug, Clone, Default)]
pub struct SimilarIndex {
    items: Vec<Span>,
    features: Vec<u32>,
    /// Per offering: the rank of its id among all ids (equal ids, equal rank), for ties.
    id_rank: Vec<u32>,
    by_theme: Vec<Vec<u32>>,
    by_keyword: Vec<Vec<u32>>,
}

/// Numbers for strings, in order of first appearance.
#[derive(Default)]
struct Interner(std::collections::HashMap<String, u32>);

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&n) = self.0.get(s) {
            return n;
        }
        let n = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        self.0.insert(s.to_string(), n);
        n
    }

    /// Appends the numbers of `values` to `out`; gives how many (at most `u16::MAX`).
    fn push(&mut self, values: &[String], out: &mut Vec<u32>) -> u16 {
        let values = &values[..values.len().min(usize::from(u16::MAX))];
        out.extend(values.iter().map(|v| self.id(v)));
        values.len() as u16
    }
}

impl SimilarIndex {
    /// Prepares offerings with their folded keywords (see [`folded_keywords`]), in the order
    /// [`SimilarIndex::similar`] numbers them.
    pub fn new<'a>(all: impl Iterator<Item = (&'a Offering, &'a [String])>) -> SimilarIndex {
        let (mut themes, mut keywords, mut other) = (
            Interner::default(),
            Interner::default(),
            Interner::default(),
        );
        let mut index = SimilarIndex::default();
        let mut ids: Vec<&str> = Vec::new();
        for (n, (o, kw)) in all.enumerate() {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let start = index.features.len();
            let span = Span {
                start: u32::try_from(start).unwrap_or(u32::MAX),
                themes: themes.push(&o.themas, &mut index.features),
                keywords: keywords.push(kw, &mut index.features),
                groups: other.push(&o.doelgroepen, &mut index.features),
                sectors: other.push(&o.sectoren, &mut index.features),
                vorm: other.id(&o.vorm),
            };
            let t_end = start + usize::from(span.themes);
            let k_end = t_end + usize::from(span.keywords);
            for (range, postings) in [
                (start..t_end, &mut index.by_theme),
                (t_end..k_end, &mut index.by_keyword),
            ] {
                for &t in &index.features[range] {
                    let t = t as usize;
                    if postings.len() <= t {
                        postings.resize_with(t + 1, Vec::new);
                    }
                    if postings[t].last() != Some(&n) {
                        postings[t].push(n);
                    }
                }
            }
            index.items.push(span);
            ids.push(&o.id);
        }
        index.id_rank = id_ranks(&ids);
        index.features.shrink_to_fit();
        for list in index.by_theme.iter_mut().chain(index.by_keyword.iter_mut()) {
            list.shrink_to_fit();
        }
        index
    }

    /// The themes, keywords, groups and sectors of the offering at `i`.
    fn parts(&self, i: usize) -> [&[u32]; 4] {
        let s = self.items[i];
        let mut at = s.start as usize;
        [s.themes, s.keywords, s.groups, s.sectors].map(|n| {
            let part = &self.features[at..at + usize::from(n)];
            at += usize::from(n);
            part
        })
    }

    /// The positions of the `k` offerings most like the one at `base`, best first; ties by id.
    pub fn similar(&self, base: usize, k: usize) -> Vec<usize> {
        if base >= self.items.len() {
            return Vec::new();
        }
        let [b_themes, b_keywords, b_groups, b_sectors] = self.parts(base);
        let b_vorm = self.items[base].vorm;
        let mut candidates: Vec<u32> = b_themes
            .iter()
            .filter_map(|&t| self.by_theme.get(t as usize))
            .chain(
                b_keywords
                    .iter()
                    .filter_map(|&t| self.by_keyword.get(t as usize)),
            )
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let shared = |a: &[u32], b: &[u32]| a.iter().filter(|x| b.contains(x)).count() as f32;
        let base_rank = self.id_rank[base];
        let mut scored: Vec<(f32, usize)> = candidates
            .into_iter()
            .map(|c| c as usize)
            .filter(|&c| self.id_rank[c] != base_rank)
            .map(|c| {
                let [themes, keywords, groups, sectors] = self.parts(c);
                let s = 3.0 * shared(b_themes, themes)
                    + 1.5 * shared(b_keywords, keywords)
                    + 0.5 * shared(b_groups, groups)
                    + 0.25 * shared(b_sectors, sectors)
                    + if b_vorm == self.items[c].vorm {
                        0.5
                    } else {
                        0.0
                    };
                (s, c)
            })
            .collect();
        let order = |a: &(f32, usize), b: &(f32, usize)| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.id_rank[a.1].cmp(&self.id_rank[b.1]))
        };
        if scored.len() > k && k > 0 {
            scored.select_nth_unstable_by(k - 1, order);
            scored.truncate(k);
        }
        scored.sort_by(order);
        scored.into_iter().take(k).map(|(_, c)| c).collect()
    }
}

/// Per position: the rank of its id in sorted order, equal ids sharing a rank.
fn id_ranks(ids: &[&str]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_by(|&a, &b| ids[a as usize].cmp(ids[b as usize]));
    let mut ranks = vec![0u32; ids.len()];
    let mut rank = 0u32;
    for (i, w) in order.iter().enumerate() {
        if i > 0 && ids[order[i - 1] as usize] != ids[*w as usize] {
            rank += 1;
        }
        ranks[*w as usize] = rank;
    }
    ranks
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

    fn offering(id: &str, titel: &str, url: &str) -> Offering {
        Offering {
            titel: titel.into(),
            themas: vec!["t".into()],
            url: url.into(),
            ..crate::domain::offering::example(id)
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

#[cfg(test)]
mod index_tests {
    use super::*;
    use proptest::prelude::*;

    fn offering(id: usize, themas: &[u8], kw: &[u8], groups: &[u8], vorm: u8) -> Offering {
        let names = |v: &[u8], p: &str| v.iter().map(|n| format!("{p}{n}")).collect::<Vec<_>>();
        Offering {
            titel: format!("Aanbod {id}"),
            vorm: format!("v{vorm}"),
            themas: names(themas, "t"),
            doelgroepen: names(groups, "g"),
            sectoren: names(groups, "s"),
            trefwoorden: names(kw, "Kw"),
            ..crate::domain::offering::example(&format!("o{id:03}"))
        }
    }

    /// The reference: a full scan with [`resemblance`], the `k` offerings most like `base`, best
    /// first; ties by id.
    fn similar<'a>(
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

    proptest! {
        #[test]
        fn the_index_gives_what_the_full_scan_gives(
            specs in prop::collection::vec(
                (prop::collection::vec(0u8..5, 0..3), prop::collection::vec(0u8..8, 0..4),
                 prop::collection::vec(0u8..3, 0..3), 0u8..3),
                1..40),
            k in 0usize..6,
        ) {
            let all: Vec<Offering> = specs
                .iter()
                .enumerate()
                .map(|(i, (t, kw, g, v))| offering(i, t, kw, g, *v))
                .collect();
            let kws: Vec<Vec<String>> = all.iter().map(folded_keywords).collect();
            let index = SimilarIndex::new(all.iter().zip(&kws).map(|(o, k)| (o, k.as_slice())));
            for base in 0..all.len() {
                let scan: Vec<&str> = similar(
                    (&all[base], &kws[base]),
                    all.iter().zip(&kws).map(|(o, k)| (o, k.as_slice())),
                    k,
                )
                .into_iter()
                .map(|o| o.id.as_str())
                .collect();
                let fast: Vec<&str> = index
                    .similar(base, k)
                    .into_iter()
                    .map(|i| all[i].id.as_str())
                    .collect();
                prop_assert_eq!(scan, fast);
            }
        }
    }
}
