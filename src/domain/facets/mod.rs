//! Catalogue filtering, disjunctive facet counts, sorting and paging over scored offerings.
//! Values of one facet are OR-ed, facets are AND-ed, and each facet is counted with the filters
//! of the other facets only, so a user sees what choosing another value would give.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::offering::Offering;

/// The facets of the catalogue, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    /// Themes.
    Thema,
    /// Target groups.
    Doelgroep,
    /// Sectors.
    Sector,
    /// Formats.
    Vorm,
    /// Provider (by slug).
    Aanbieder,
    /// online / fysiek / hybride.
    Locatie,
    /// Region: landelijk, a province or a municipality; a municipality's offering also
    /// counts for its province.
    Regio,
}

impl Facet {
    /// All facets.
    pub const ALL: [Facet; 7] = [
        Facet::Thema,
        Facet::Doelgroep,
        Facet::Sector,
        Facet::Vorm,
        Facet::Aanbieder,
        Facet::Locatie,
        Facet::Regio,
    ];

    /// The key used in URLs and in the `facetten` object.
    pub fn key(self) -> &'static str {
        match self {
            Facet::Thema => "thema",
            Facet::Doelgroep => "doelgroep",
            Facet::Sector => "sector",
            Facet::Vorm => "vorm",
            Facet::Aanbieder => "aanbieder",
            Facet::Locatie => "locatie",
            Facet::Regio => "regio",
        }
    }

    /// The values an offering has for this facet (`provider` is the offering's provider slug).
    pub fn values(self, o: &Offering) -> Vec<String> {
        let provider = o.provider_slug();
        let mut out = Vec::new();
        self.each_value(o, &provider, |v| out.push(v.to_string()));
        out
    }

    /// Calls `f` with each value of this facet, without allocating.
    pub fn each_value<'a>(self, o: &'a Offering, provider: &'a str, mut f: impl FnMut(&'a str)) {
        match self {
            Facet::Thema => o.themas.iter().for_each(|v| f(v)),
            Facet::Doelgroep => o.doelgroepen.iter().for_each(|v| f(v)),
            Facet::Sector => o.sectoren.iter().for_each(|v| f(v)),
            Facet::Vorm => f(&o.vorm),
            Facet::Aanbieder => f(provider),
            Facet::Locatie => f(o.locatie.slug()),
            Facet::Regio => {
                f(&o.regio);
                if let Some(p) = super::region::Regions::builtin().province_of(&o.regio) {
                    if p != o.regio {
                        f(p);
                    }
                }
            }
        }
    }

    /// True when the offering has one of the `wanted` values.
    pub fn matches(self, o: &Offering, provider: &str, wanted: &[String]) -> bool {
        let mut hit = false;
        self.each_value(o, provider, |v| hit = hit || wanted.iter().any(|w| w == v));
        hit
    }
}

/// True for a national or online offering: in reach from every region, so a region filter
/// includes it unless the user leaves such offerings out ([`Filters::alleen_regio`]).
pub fn in_every_region(o: &Offering) -> bool {
    o.regio.eq_ignore_ascii_case(super::region::NATIONAL)
        || o.locatie == super::offering::Location::Online
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best text match first (newest first without a text query).
    #[default]
    Relevantie,
    /// Earliest start date first; undated last.
    Datum,
    /// Alphabetical by title.
    Titel,
}

impl Sort {
    /// Parses `relevantie`, `datum` or `titel`.
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "relevantie" => Some(Sort::Relevantie),
            "datum" => Some(Sort::Datum),
            "titel" => Some(Sort::Titel),
            _ => None,
        }
    }

    /// The URL value.
    pub fn key(self) -> &'static str {
        match self {
            Sort::Relevantie => "relevantie",
            Sort::Datum => "datum",
            Sort::Titel => "titel",
        }
    }
}

/// The filters of one catalogue search (already validated).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Wanted values per facet; a facet absent or empty does not filter.
    pub facets: BTreeMap<Facet, Vec<String>>,
    /// Only free offerings (`Some(true)`) or only paid ones (`Some(false)`).
    pub gratis: Option<bool>,
    /// Only offerings that can still be followed on or after this date.
    pub vanaf: Option<NaiveDate>,
    /// Only cross-domain offerings (serving two or more sectors).
    pub domeinoverstijgend: bool,
    /// A region filter leaves out national and online offerings ("ook landelijk en online"
    /// unticked); by default they are included.
    pub alleen_regio: bool,
    /// Who asks (a target group slug): offerings for that group rank above equally relevant
    /// ones for others. Orders, never filters.
    pub voor: Option<String>,
}

impl Filters {
    fn base_ok(&self, facts: &ItemFacts) -> bool {
        self.gratis.is_none_or(|g| facts.free == g)
            && self.vanaf.is_none_or(|d| facts.is_current(d))
    }
}

/// Counts per facet value.
pub type FacetCounts = BTreeMap<Facet, BTreeMap<String, usize>>;

/// One page of results plus the total and the facet counts.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    /// Number of offerings matching all filters.
    pub total: usize,
    /// The offerings on this page with their text score.
    pub items: Vec<(&'a Offering, f32)>,
    /// Disjunctive counts per facet.
    pub facets: FacetCounts,
    /// How many results the cross-domain filter gives (counted with all other filters).
    pub cross_domain: usize,
}

/// The facet values of the catalogue as numbers, prepared once per catalogue version, so that
/// filtering and counting a search compares and adds numbers instead of strings.
#[derive(Debug, Clone, Default)]
pub struct FacetTable {
    /// Per facet: the values in first-seen order (the ordinal is the position).
    values: Vec<Vec<String>>,
    /// Per facet: value → ordinal.
    ordinals: Vec<HashMap<String, u32>>,
    /// Where each facet's values start in the numbering of all values (facet after facet); one
    /// more entry than facets.
    offsets: Vec<u32>,
    /// The values of all offerings as numbers over all facets (a facet's offset plus the value's
    /// ordinal), facet after facet per offering, so one offering's values are one run.
    ords: Vec<u32>,
    /// Where each (offering, facet) run starts in `ords`; one more entry than runs.
    starts: Vec<u32>,
    /// Per offering: what filtering and ordering read besides the facet values, kept together
    /// so that a search does not visit the offerings themselves.
    items: Vec<ItemFacts>,
}

/// One value of one facet, numbered by a [`FacetTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FacetValue {
    facet: usize,
    ord: u32,
}

/// What filtering and ordering need of one offering besides its facet values.
#[derive(Debug, Clone, Copy, Default)]
struct ItemFacts {
    startdatum: Option<NaiveDate>,
    einddatum: Option<NaiveDate>,
    /// Free of charge.
    free: bool,
    /// Made for two or more professional domains.
    cross: bool,
    /// National or online, so in reach from every region.
    everywhere: bool,
    /// Position of its id in the ids sorted.
    id_rank: u32,
}

impl ItemFacts {
    /// As [`Offering::is_current`].
    fn is_current(&self, today: NaiveDate) -> bool {
        super::offering::followable(self.startdatum, self.einddatum, today)
    }
}

impl FacetTable {
    /// The table of `offerings` (each with its provider slug), in this order.
    pub fn new<'a>(offerings: impl IntoIterator<Item = (&'a Offering, &'a str)>) -> FacetTable {
        let mut t = FacetTable {
            values: vec![Vec::new(); Facet::ALL.len()],
            ordinals: vec![HashMap::new(); Facet::ALL.len()],
            starts: vec![0],
            ..FacetTable::default()
        };
        let mut ids: Vec<&str> = Vec::new();
        for (o, provider) in offerings {
            for (i, facet) in Facet::ALL.iter().enumerate() {
                let (values, ordinals, ords) = (&mut t.values[i], &mut t.ordinals[i], &mut t.ords);
                facet.each_value(o, provider, |v| {
                    let ord = match ordinals.get(v) {
                        Some(ord) => *ord,
                        None => {
                            let ord = values.len() as u32;
                            values.push(v.to_string());
                            ordinals.insert(v.to_string(), ord);
                            ord
                        }
                    };
                    ords.push(ord);
                });
                t.starts.push(t.ords.len() as u32);
            }
            t.items.push(ItemFacts {
                startdatum: o.startdatum,
                einddatum: o.einddatum,
                free: o.is_free(),
                cross: super::gaps::is_cross_domain(o),
                everywhere: in_every_region(o),
                id_rank: 0,
            });
            ids.push(&o.id);
        }
        let mut offset = 0u32;
        t.offsets = vec![0];
        for values in &t.values {
            offset += values.len() as u32;
            t.offsets.push(offset);
        }
        for (run, pair) in t.starts.windows(2).enumerate() {
            let add = t.offset(run % Facet::ALL.len());
            if let Some(ords) = t.ords.get_mut(pair[0] as usize..pair[1] as usize) {
                ords.iter_mut().for_each(|o| *o += add);
            }
        }
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|a, b| ids[*a].cmp(ids[*b]));
        for (rank, item) in order.into_iter().enumerate() {
            if let Some(facts) = t.items.get_mut(item) {
                facts.id_rank = rank as u32;
            }
        }
        t
    }

    /// Whether offering `item` can still be followed on `today` (as [`Offering::is_current`]).
    pub fn is_current(&self, item: usize, today: NaiveDate) -> bool {
        self.items.get(item).is_some_and(|f| f.is_current(today))
    }

    /// `value` of `facet` as the table numbers it, for [`FacetTable::has_value`]; `None` when no
    /// offering has it.
    pub fn value(&self, facet: Facet, value: &str) -> Option<FacetValue> {
        let i = Facet::ALL.iter().position(|f| *f == facet)?;
        let ord = *self.ordinals.get(i)?.get(value)? + self.offset(i);
        Some(FacetValue { facet: i, ord })
    }

    /// Whether offering `item` has the facet value `v`.
    pub fn has_value(&self, item: usize, v: FacetValue) -> bool {
        self.of(item, v.facet).contains(&v.ord)
    }

    /// The values (numbered over all facets) of offering `item` for facet number `facet`.
    fn of(&self, item: usize, facet: usize) -> &[u32] {
        let run = item * Facet::ALL.len() + facet;
        let start = self.starts.get(run).copied().unwrap_or(0) as usize;
        let end = self.starts.get(run + 1).copied().unwrap_or(0) as usize;
        self.ords.get(start..end).unwrap_or(&[])
    }

    /// All values (numbered over all facets) of offering `item`.
    fn all_of(&self, item: usize) -> &[u32] {
        let run = item * Facet::ALL.len();
        let start = self.starts.get(run).copied().unwrap_or(0) as usize;
        let end = self
            .starts
            .get(run + Facet::ALL.len())
            .copied()
            .unwrap_or(0) as usize;
        self.ords.get(start..end).unwrap_or(&[])
    }

    /// Where the values of facet number `facet` start in the numbering of all values.
    fn offset(&self, facet: usize) -> u32 {
        self.offsets.get(facet).copied().unwrap_or(0)
    }

    /// Number of values over all facets.
    fn value_count(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0) as usize
    }

    /// Per value over all facets: one of the `wanted` values of facet number `facet` or not (an
    /// unknown wanted value matches none).
    fn wanted(&self, facet: usize, wanted: &[String]) -> Vec<bool> {
        let mut out = vec![false; self.value_count()];
        for w in wanted {
            if let Some(ord) = self.ordinals[facet].get(w.as_str()) {
                if let Some(w) = out.get_mut((*ord + self.offset(facet)) as usize) {
                    *w = true;
                }
            }
        }
        out
    }
}

/// Filters `hits` (position in `table`, offering, its text score), counts facets, sorts and
/// returns one page (`page` counts from 1).
pub fn apply<'a>(
    table: &FacetTable,
    hits: impl IntoIterator<Item = (usize, &'a Offering, f32)>,
    filters: &Filters,
    sort: Sort,
    page: usize,
    page_size: usize,
) -> Page<'a> {
    let active: Vec<(usize, Vec<bool>)> = Facet::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            filters
                .facets
                .get(f)
                .filter(|v| !v.is_empty())
                .map(|v| (i, table.wanted(i, v)))
        })
        .collect();
    // Per value over all facets.
    let mut counts: Vec<usize> = vec![0; table.value_count()];
    let mut selected = Vec::new();
    let mut cross_domain = 0;
    // National and online offerings pass any region filter unless the user left them out; a
    // region's count then says what choosing it gives: its own offerings plus those.
    let regio = Facet::ALL.len() - 1;
    let open_regions = !filters.alleen_regio;
    let mut everywhere_total = 0;
    let range = |i: usize| table.offset(i) as usize..table.offset(i + 1) as usize;
    let regions = range(regio);
    // Per region value (indexed from the first region value): national and online offerings
    // that also name that region themselves.
    let mut everywhere_own: Vec<usize> = vec![0; regions.len()];
    for (item, o, score) in hits {
        let facts = table.items.get(item).copied().unwrap_or_default();
        if !filters.base_ok(&facts) {
            continue;
        }
        let cross = facts.cross;
        if filters.domeinoverstijgend && !cross {
            continue;
        }
        let everywhere = open_regions && facts.everywhere;
        let mut failed: Option<usize> = None;
        let mut failures = 0;
        for (i, wanted) in &active {
            let passes = (everywhere && *i == regio)
                || table
                    .of(item, *i)
                    .iter()
                    .any(|ord| wanted.get(*ord as usize).copied().unwrap_or(false));
            if !passes {
                failures += 1;
                failed = Some(*i);
                if failures > 1 {
                    break;
                }
            }
        }
        match (failures, failed) {
            (0, _) => {
                if cross {
                    cross_domain += 1;
                }
                for ord in table.all_of(item) {
                    if let Some(c) = counts.get_mut(*ord as usize) {
                        *c += 1;
                    }
                }
                if everywhere {
                    everywhere_total += 1;
                    for ord in table.of(item, regio) {
                        let own = (*ord as usize).checked_sub(regions.start);
                        if let Some(c) = own.and_then(|i| everywhere_own.get_mut(i)) {
                            *c += 1;
                        }
                    }
                }
                selected.push(Hit { o, score, facts });
            }
            (1, Some(i)) => {
                for ord in table.of(item, i) {
                    if let Some(c) = counts.get_mut(*ord as usize) {
                        *c += 1;
                    }
                }
            }
            _ => {}
        }
    }
    if open_regions {
        if let Some(c) = counts.get_mut(regions) {
            for (n, own) in c.iter_mut().zip(&everywhere_own) {
                // A region without offerings of its own in the selection still gives the
                // national and online ones: it stays a choice with that count.
                *n = *n - own + everywhere_total;
            }
        }
    }
    let facets: FacetCounts = Facet::ALL
        .iter()
        .enumerate()
        .zip(&table.values)
        .map(|((i, f), values)| {
            let found = counts
                .get(range(i))
                .unwrap_or(&[])
                .iter()
                .zip(values)
                .filter(|(n, _)| **n > 0)
                .map(|(n, v)| (v.clone(), *n))
                .collect();
            (*f, found)
        })
        .collect();
    let total = selected.len();
    let start = page.saturating_sub(1).saturating_mul(page_size);
    // Only the offerings up to the end of this page need their order: select them first.
    let end = start.saturating_add(page_size).min(total);
    // Ties in relevance: the later start first, then by id.
    let by_relevance = |a: &Hit, b: &Hit| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.facts.startdatum.cmp(&a.facts.startdatum))
            .then_with(|| a.facts.id_rank.cmp(&b.facts.id_rank))
    };
    let by_date = |a: &Hit, b: &Hit| {
        (
            a.facts.startdatum.is_none(),
            a.facts.startdatum,
            a.facts.id_rank,
        )
            .cmp(&(
                b.facts.startdatum.is_none(),
                b.facts.startdatum,
                b.facts.id_rank,
            ))
    };
    match sort {
        Sort::Relevantie => first_in_order(&mut selected, end, by_relevance),
        Sort::Datum => first_in_order(&mut selected, end, by_date),
        Sort::Titel => {
            selected.sort_by_cached_key(|h| (super::analysis::fold(&h.o.titel), h.o.id.clone()))
        }
    }
    let items = selected
        .into_iter()
        .skip(start)
        .take(page_size)
        .map(|h| (h.o, h.score))
        .collect();
    Page {
        total,
        items,
        facets,
        cross_domain,
    }
}

/// A result that passed the filters.
struct Hit<'a> {
    o: &'a Offering,
    score: f32,
    facts: ItemFacts,
}

/// Puts the first `end` items of `items` in `order` (the rest stay behind them, unordered).
fn first_in_order<T>(items: &mut [T], end: usize, order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if end == 0 {
        return;
    }
    if end < items.len() {
        items.select_nth_unstable_by(end - 1, &order);
    }
    if let Some(head) = items.get_mut(..end) {
        head.sort_by(order);
    }
}

#[cfg(test)]
mod tests;
