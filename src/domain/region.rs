//! The regions of the Netherlands as a fixed vocabulary (`data/regio.json`): landelijk, the 12
//! provinces and every municipality with its province, with the spellings people use for them.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The value of a national offering.
pub const NATIONAL: &str = "landelijk";

/// What kind of area a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    /// The whole country (`landelijk`).
    National,
    /// One of the 12 provinces.
    Province,
    /// A municipality.
    Municipality,
}

/// One region of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The name as stored and shown (CBS spelling).
    pub name: String,
    /// National, province or municipality.
    pub kind: RegionKind,
    /// For a municipality: the position of its province in [`Regions::all`].
    pub province: Option<usize>,
}

#[derive(Deserialize)]
struct File {
    bron: String,
    peildatum: String,
    landelijk: String,
    provincies: Vec<ProvinceEntry>,
    #[serde(default)]
    spellingen: HashMap<String, String>,
}

#[derive(Deserialize)]
struct ProvinceEntry {
    naam: String,
    gemeenten: Vec<String>,
}

/// The region vocabulary: names, hierarchy and known spellings.
#[derive(Debug, Clone, Default)]
pub struct Regions {
    regions: Vec<Region>,
    /// Spelling key (see [`key`]) → position in `regions`.
    by_key: HashMap<String, usize>,
    /// Where the list comes from.
    pub source: String,
    /// The date the list describes (`YYYY-MM-DD`).
    pub reference_date: String,
}

/// A spelling reduced to lower-case letters and digits without accents: "Noord-Brabant",
/// "noord brabant" and "NOORD-BRABANT" give the same key.
fn key(text: &str) -> String {
    super::analysis::fold(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

impl Regions {
    /// The built-in vocabulary of `data/regio.json`.
    pub fn builtin() -> &'static Regions {
        static BUILTIN: OnceLock<Regions> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Regions::parse(include_str!("../../data/regio.json")).unwrap_or_default()
        })
    }

    /// Parses a region file; a spelling that names an unknown region is an error.
    pub fn parse(json: &str) -> Result<Regions, String> {
        let file: File = serde_json::from_str(json).map_err(|e| format!("ongeldige JSON: {e}"))?;
        let mut out = Regions {
            source: file.bron,
            reference_date: file.peildatum,
            ..Regions::default()
        };
        out.push(file.landelijk, RegionKind::National, None)?;
        for p in &file.provincies {
            out.push(p.naam.clone(), RegionKind::Province, None)?;
        }
        for (i, p) in file.provincies.iter().enumerate() {
            for m in &p.gemeenten {
                out.push(m.clone(), RegionKind::Municipality, Some(i + 1))?;
            }
        }
        for (spelling, name) in &file.spellingen {
            let target =
                out.by_key.get(&key(name)).copied().ok_or_else(|| {
                    format!("spelling '{spelling}' noemt onbekende regio '{name}'")
                })?;
            out.by_key.entry(key(spelling)).or_insert(target);
        }
        // "provincie Utrecht", "gemeente Breda": the prefix names the kind.
        let prefixed: Vec<(String, usize)> = out
            .regions
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let word = match r.kind {
                    RegionKind::Province => "provincie",
                    RegionKind::Municipality => "gemeente",
                    RegionKind::National => return None,
                };
                let bare = r.name.split(" (").next().unwrap_or(&r.name);
                Some((format!("{word}{}", key(bare)), i))
            })
            .collect();
        for (k, i) in prefixed {
            out.by_key.entry(k).or_insert(i);
        }
        Ok(out)
    }

    fn push(
        &mut self,
        name: String,
        kind: RegionKind,
        province: Option<usize>,
    ) -> Result<(), String> {
        let k = key(&name);
        if self.by_key.insert(k, self.regions.len()).is_some() {
            return Err(format!("regio '{name}' komt dubbel voor"));
        }
        self.regions.push(Region {
            name,
            kind,
            province,
        });
        Ok(())
    }

    /// Every region: landelijk, the provinces, then the municipalities per province.
    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    /// The region a spelling means ("Brabant", "noord-brabant", "Den Bosch"), if known.
    pub fn find(&self, spelling: &str) -> Option<&Region> {
        self.by_key
            .get(&key(spelling))
            .and_then(|i| self.regions.get(*i))
    }

    /// The stored name of the region a spelling means.
    pub fn canonical(&self, spelling: &str) -> Option<&str> {
        self.find(spelling).map(|r| r.name.as_str())
    }

    /// The province a region lies in: a municipality's province, a province itself.
    pub fn province_of(&self, name: &str) -> Option<&str> {
        let r = self.find(name)?;
        match r.kind {
            RegionKind::Province => Some(r.name.as_str()),
            RegionKind::Municipality => r
                .province
                .and_then(|p| self.regions.get(p))
                .map(|p| p.name.as_str()),
            RegionKind::National => None,
        }
    }

    /// The label of a region in a list: a municipality with its province.
    pub fn label(&self, name: &str) -> String {
        match self.find(name) {
            Some(r) if r.kind == RegionKind::Municipality => match self.province_of(name) {
                Some(p) => format!("{} ({p})", r.name.replace(" (gemeente)", "")),
                None => r.name.clone(),
            },
            Some(r) if r.kind == RegionKind::National => "Landelijk".into(),
            Some(r) => r.name.clone(),
            None => name.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_holds_the_342_municipalities_of_2025() {
        let r = Regions::builtin();
        assert_eq!(r.reference_date, "2025-01-01");
        let count = |k| r.all().iter().filter(|x| x.kind == k).count();
        assert_eq!(count(RegionKind::National), 1);
        assert_eq!(count(RegionKind::Province), 12);
        assert_eq!(count(RegionKind::Municipality), 342);
    }

    #[test]
    fn known_spellings_map_to_one_region() {
        let r = Regions::builtin();
        for (spelling, name) in [
            ("Brabant", "Noord-Brabant"),
            ("noord-brabant", "Noord-Brabant"),
            ("Noord Brabant", "Noord-Brabant"),
            ("Den Bosch", "'s-Hertogenbosch"),
            ("s-Hertogenbosch", "'s-Hertogenbosch"),
            ("Den Haag", "'s-Gravenhage"),
            ("Fryslân", "Friesland"),
            ("LANDELIJK", "landelijk"),
            ("Utrecht", "Utrecht"),
            ("gemeente Utrecht", "Utrecht (gemeente)"),
            ("provincie Groningen", "Groningen"),
            ("gemeente Breda", "Breda"),
            ("Sudwest-Fryslan", "Súdwest-Fryslân"),
        ] {
            assert_eq!(r.canonical(spelling), Some(name), "{spelling}");
        }
        assert_eq!(r.canonical("Atlantis"), None);
        assert_eq!(r.canonical(""), None);
    }

    #[test]
    fn a_municipality_lies_in_its_province() {
        let r = Regions::builtin();
        assert_eq!(r.province_of("Breda"), Some("Noord-Brabant"));
        assert_eq!(r.province_of("Arnhem"), Some("Gelderland"));
        assert_eq!(r.province_of("Utrecht (gemeente)"), Some("Utrecht"));
        assert_eq!(r.province_of("Limburg"), Some("Limburg"));
        assert_eq!(r.province_of("landelijk"), None);
        assert_eq!(r.label("Breda"), "Breda (Noord-Brabant)");
        assert_eq!(r.label("Groningen (gemeente)"), "Groningen (Groningen)");
    }

    #[test]
    fn a_spelling_of_an_unknown_region_is_refused() {
        let json = r#"{"bron": "x", "peildatum": "2025-01-01", "landelijk": "landelijk",
            "provincies": [{"naam": "Zeeland", "gemeenten": ["Goes"]}],
            "spellingen": {"Goes (Z.)": "Gus"}}"#;
        assert!(Regions::parse(json).is_err());
    }
}
