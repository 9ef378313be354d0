//! The facets and filter of the public list of circles.

use super::LearningCircle;

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
