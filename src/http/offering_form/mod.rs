//! The offering form shared by "Leeraanbod aanmelden" and the back office: the fields of the
//! data contract as form values, parsed with the same rules as an import. The Dutch messages
//! beside the fields are in [`messages`].

pub mod messages;

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::domain::fields::FieldError;
use crate::domain::offering::{self, Offering, FIELDS, LIST_FIELDS};
use crate::domain::taxonomy::Taxonomy;
use crate::domain::text::complete_web_address;
use crate::http::form_fields::first;
use crate::http::pages::view::options;
pub use messages::field_label;
use messages::{dutch_number, form_message};

/// The fields with one value, typed or chosen (`vorm`): the contract's fields but `id` and the lists.
fn single_fields() -> impl Iterator<Item = &'static str> {
    FIELDS
        .iter()
        .copied()
        .filter(|k| *k != "id" && !LIST_FIELDS.contains(k))
}
/// Lists typed as text, separated by commas or new lines.
const TYPED_LISTS: [&str; 2] = ["partners", "trefwoorden"];
/// Lists chosen with checkboxes.
const CHECKED: [&str; 3] = ["themas", "doelgroepen", "sectoren"];

/// One group of the region list: its label and `(value, label, selected)` per choice.
pub type RegionGroup = (String, Vec<(String, String, bool)>);

/// The values, choices and errors of an offering form.
#[derive(Debug, Clone, Default)]
pub struct OfferingForm {
    values: HashMap<String, String>,
    selected: HashMap<String, Vec<String>>,
    /// Dutch error per field.
    pub errors: HashMap<String, String>,
    /// Kinds of offering `(slug, label)`.
    pub vormen: Vec<(String, String)>,
    /// Themes `(slug, label)`.
    pub themas: Vec<(String, String)>,
    /// Target groups `(slug, label)`.
    pub doelgroepen: Vec<(String, String)>,
    /// Sectors `(slug, label)`.
    pub sectoren: Vec<(String, String)>,
}

impl OfferingForm {
    /// An empty form with the taxonomy's choices.
    pub fn empty(tax: &Taxonomy) -> OfferingForm {
        OfferingForm {
            vormen: options(&tax.vormen),
            themas: options(&tax.themas),
            doelgroepen: options(&tax.doelgroepen),
            sectoren: options(&tax.sectoren),
            ..OfferingForm::default()
        }
    }

    /// A form filled from submitted pairs; a web address without a scheme gets `https://`.
    pub fn from_pairs(pairs: &[(String, String)], tax: &Taxonomy) -> OfferingForm {
        let mut f = OfferingForm::empty(tax);
        for k in single_fields().chain(TYPED_LISTS) {
            f.values.insert(k.to_string(), first(pairs, k));
        }
        // A web address typed without `https://` is completed, not refused.
        let url = complete_web_address(f.value("url"));
        f.values.insert("url".into(), url);
        for k in CHECKED {
            f.selected.insert(
                k.to_string(),
                pairs
                    .iter()
                    .filter(|(key, v)| key == k && !v.trim().is_empty())
                    .map(|(_, v)| v.trim().to_string())
                    .collect(),
            );
        }
        f
    }

    /// A form filled from a stored record (JSON object in the catalog format).
    pub fn from_value(v: &Value, tax: &Taxonomy) -> OfferingForm {
        let mut f = OfferingForm::empty(tax);
        let text = |k: &str, x: Option<&Value>| match x {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(if k == "partners" { "\n" } else { ", " }),
            _ => String::new(),
        };
        for k in single_fields().chain(TYPED_LISTS) {
            f.values.insert(k.to_string(), text(k, v.get(k)));
        }
        for k in CHECKED {
            let list = v
                .get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            f.selected.insert(k.to_string(), list);
        }
        f
    }

    /// The record in the catalog format (without `id`).
    pub fn record(&self) -> Map<String, Value> {
        let mut m = Map::new();
        for k in single_fields() {
            let v = self.value(k).trim().to_string();
            let nullable = matches!(k, "startdatum" | "einddatum");
            m.insert(
                k.to_string(),
                if nullable && v.is_empty() {
                    Value::Null
                } else {
                    Value::String(v)
                },
            );
        }
        for k in TYPED_LISTS {
            // An organisation's name may hold a comma: partners go one per line.
            let separators: &[char] = if k == "partners" {
                &['\n', ';']
            } else {
                &[',', '\n', ';']
            };
            let items: Vec<Value> = self
                .value(k)
                .split(separators)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect();
            m.insert(k.to_string(), Value::Array(items));
        }
        for k in CHECKED {
            let items = self
                .selected
                .get(k)
                .map(|v| v.iter().cloned().map(Value::String).collect())
                .unwrap_or_default();
            m.insert(k.to_string(), Value::Array(items));
        }
        m
    }

    /// Parses the form into an offering with `id`; on failure the errors are kept on the form.
    pub fn parse(&mut self, id: &str, tax: &Taxonomy) -> Option<Offering> {
        let mut m = self.record();
        m.insert("id".into(), Value::String(id.to_string()));
        match Offering::parse(&m, tax) {
            Ok(o) => Some(o),
            Err(errors) => {
                self.set_errors(&errors);
                None
            }
        }
    }

    /// Checks the form without an id (for submissions); keeps the errors on the form.
    pub fn check(&mut self, tax: &Taxonomy) -> bool {
        self.parse("controle", tax).is_some()
    }

    fn set_errors(&mut self, errors: &[FieldError]) {
        for e in errors {
            let field = if e.field == "-" { "titel" } else { &e.field };
            self.errors
                .entry(field.to_string())
                .or_insert_with(|| form_message(field, &e.reason));
        }
    }

    /// The most characters a field may hold, written the Dutch way (`10.000`), for the hints.
    pub fn max_chars(&self, field: &str) -> String {
        dutch_number(offering::limit(field).chars)
    }

    /// The typed value of a field.
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    /// The choices of the region list: landelijk, then per province the province itself and
    /// its municipalities, as `(group label, [(value, label, selected)])`. A stored value in
    /// another spelling selects its region.
    pub fn region_groups(&self) -> Vec<RegionGroup> {
        use crate::domain::region::{RegionKind, Regions};
        let regions = Regions::builtin();
        let chosen = regions.canonical(self.value("regio")).unwrap_or("");
        let option = |name: &str, label: String| (name.to_string(), label, name == chosen);
        let mut groups = Vec::new();
        for (i, r) in regions.all().iter().enumerate() {
            match r.kind {
                RegionKind::National => groups.push((
                    "Heel Nederland".to_string(),
                    vec![option(&r.name, "Landelijk".into())],
                )),
                RegionKind::Province => {
                    let mut options = vec![option(&r.name, format!("Heel {}", r.name))];
                    options.extend(
                        regions
                            .all()
                            .iter()
                            .filter(|m| m.province == Some(i))
                            .map(|m| option(&m.name, m.name.replace(" (gemeente)", ""))),
                    );
                    groups.push((format!("Provincie {}", r.name), options));
                }
                RegionKind::Municipality => {}
            }
        }
        groups
    }

    /// Whether `slug` is chosen in a checkbox list.
    pub fn is_selected(&self, field: &str, slug: &str) -> bool {
        self.selected
            .get(field)
            .is_some_and(|v| v.iter().any(|s| s == slug))
    }

    /// The error of a field.
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    /// Errors in form order `(field, message)`, for the summary at the top.
    pub fn error_list(&self) -> Vec<(String, String)> {
        let order = crate::domain::offering::FIELDS;
        let mut out: Vec<(String, String)> = order
            .iter()
            .filter_map(|f| self.errors.get(*f).map(|m| ((*f).to_string(), m.clone())))
            .collect();
        for (k, v) in &self.errors {
            if !order.contains(&k.as_str()) {
                out.push((k.clone(), v.clone()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::form_fields::pairs;
    use proptest::prelude::*;

    fn filled() -> Vec<(String, String)> {
        [
            ("titel", "Buurtbemiddeling in de praktijk"),
            ("samenvatting", "Korte training over buurtbemiddeling."),
            ("beschrijving", "Een dag oefenen.\n\nMet acteurs."),
            ("aanbieder", "Stichting Buurt"),
            (
                "partners",
                "Gemeente X\nPolitie\nHogeschool Veldhoven, Lectoraat Wijk",
            ),
            ("vorm", "training"),
            ("themas", "buurtbemiddeling"),
            ("doelgroepen", "wijkprofessionals"),
            ("doelgroepen", "bewoners"),
            ("sectoren", "sociaal-domein"),
            ("trefwoorden", "conflict\nburen"),
            ("kosten", "gratis"),
            ("locatie", "online"),
            ("regio", "landelijk"),
            ("startdatum", ""),
            ("einddatum", ""),
            ("url", "https://buurt.example/training"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn round_trip_and_errors() {
        let tax = Taxonomy::builtin();
        let mut pairs = filled();
        let theme = tax.themas[0].slug.clone();
        let sector = tax.sectoren[0].slug.clone();
        let vorm = tax.vormen[0].slug.clone();
        for (k, v) in pairs.iter_mut() {
            match k.as_str() {
                "themas" => *v = theme.clone(),
                "sectoren" => *v = sector.clone(),
                "vorm" => *v = vorm.clone(),
                _ => {}
            }
        }
        let mut f = OfferingForm::from_pairs(&pairs, &tax);
        let o = f.parse("buurtbemiddeling", &tax).expect("valid");
        assert_eq!(
            o.partners,
            vec![
                "Gemeente X",
                "Politie",
                "Hogeschool Veldhoven, Lectoraat Wijk"
            ],
            "one per line; a comma belongs to the name"
        );
        assert_eq!(o.trefwoorden, vec!["conflict", "buren"]);
        assert_eq!(o.doelgroepen.len(), 2);
        assert_eq!(o.startdatum, None);
        let back = OfferingForm::from_value(&serde_json::to_value(&o).unwrap(), &tax);
        assert_eq!(
            back.value("partners"),
            "Gemeente X\nPolitie\nHogeschool Veldhoven, Lectoraat Wijk"
        );
        assert!(back.is_selected("doelgroepen", "bewoners"));

        pairs.retain(|(k, _)| k != "themas" && k != "titel");
        for (k, v) in pairs.iter_mut() {
            if k == "url" {
                *v = "x".into();
            }
        }
        let mut bad = OfferingForm::from_pairs(&pairs, &tax);
        assert!(!bad.check(&tax));
        assert!(bad.error("titel").is_some());
        assert!(bad.error("themas").is_some());
        assert!(bad.error("url").is_some());
        assert_eq!(bad.error_list()[0].0, "titel");
        assert_eq!(bad.value("aanbieder"), "Stichting Buurt");
    }

    #[test]
    fn a_web_address_without_https_is_completed() {
        let tax = Taxonomy::builtin();
        let pairs: Vec<(String, String)> = filled()
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "themas" => (k, tax.themas[0].slug.clone()),
                "sectoren" => (k, tax.sectoren[0].slug.clone()),
                "vorm" => (k, tax.vormen[0].slug.clone()),
                "url" => (k, " www.voorbeeld.nl/training ".to_string()),
                _ => (k, v),
            })
            .collect();
        let mut f = OfferingForm::from_pairs(&pairs, &tax);
        assert!(f.check(&tax), "{:?}", f.errors);
        assert_eq!(f.value("url"), "https://www.voorbeeld.nl/training");
    }

    #[test]
    fn every_mistake_gets_a_plain_request() {
        let tax = Taxonomy::builtin();
        let base: Vec<(String, String)> = filled()
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "themas" => (k, tax.themas[0].slug.clone()),
                "sectoren" => (k, tax.sectoren[0].slug.clone()),
                "vorm" => (k, tax.vormen[0].slug.clone()),
                _ => (k, v),
            })
            .collect();
        let long = "a".repeat(offering::MAX_SUMMARY + 5);
        let cases: [(&str, &str, &str); 9] = [
            ("samenvatting", long.as_str(), "Maak de samenvatting korter: hoogstens 300 tekens (nu 305)."),
            ("kosten", "duur", "Vul de kosten in als 'gratis' of als bedrag in euro, bijvoorbeeld € 395."),
            ("locatie", "maan", "Kies online, op locatie, of online en op locatie."),
            ("startdatum", "15-03-2027", "Vul de datum in als jaar-maand-dag, bijvoorbeeld 2027-03-15."),
            ("url", "http://www.voorbeeld.nl", "Vul een volledig webadres in dat begint met https://, bijvoorbeeld https://www.voorbeeld.nl."),
            ("vorm", "toneel", "Kies een vorm uit de lijst."),
            ("themas", "bestaat-niet", "Kies thema's uit de lijst."),
            ("doelgroepen", "katten", "Kies uit de lijst voor wie het aanbod is."),
            ("sectoren", "ruimtevaart", "Kies sectoren uit de lijst."),
        ];
        for (field, value, want) in cases {
            let pairs: Vec<(String, String)> = base
                .iter()
                .map(|(k, v)| {
                    if k == field {
                        (k.clone(), value.to_string())
                    } else {
                        (k.clone(), v.clone())
                    }
                })
                .collect();
            let mut f = OfferingForm::from_pairs(&pairs, &tax);
            assert!(!f.check(&tax), "{field}");
            assert_eq!(f.error(field).map(String::as_str), Some(want), "{field}");
            if !CHECKED.contains(&field) {
                assert_eq!(f.value(field), value, "{field} kept");
            }
        }
        let mut dates = base.clone();
        for (k, v) in dates.iter_mut() {
            match k.as_str() {
                "startdatum" => *v = "2027-03-15".into(),
                "einddatum" => *v = "2027-03-01".into(),
                _ => {}
            }
        }
        let mut f = OfferingForm::from_pairs(&dates, &tax);
        assert!(!f.check(&tax));
        assert_eq!(
            f.error("einddatum").map(String::as_str),
            Some(
                "De einddatum ligt vóór de startdatum. Kies een einddatum op of na de startdatum."
            )
        );
    }

    /// The pairs of a valid form with `field` set to `value`.
    fn valid_with(tax: &Taxonomy, field: &str, value: &str) -> Vec<(String, String)> {
        filled()
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "themas" => (k, tax.themas[0].slug.clone()),
                "sectoren" => (k, tax.sectoren[0].slug.clone()),
                "vorm" => (k, tax.vormen[0].slug.clone()),
                _ if k == field => (k, value.to_string()),
                _ => (k, v),
            })
            .collect()
    }

    #[test]
    fn a_too_long_text_gets_a_message_beside_its_field() {
        let tax = Taxonomy::builtin();
        let long = "Een zin over de training. ".repeat(400);
        let n = long.trim().chars().count();
        assert!(n > offering::MAX_DESCRIPTION);
        let mut f = OfferingForm::from_pairs(&valid_with(&tax, "beschrijving", &long), &tax);
        assert!(!f.check(&tax));
        assert_eq!(
            f.error("beschrijving").map(String::as_str),
            Some(
                format!(
                    "Maak de beschrijving korter: hoogstens 10.000 tekens (nu {}).",
                    dutch_number(n)
                )
                .as_str()
            )
        );
        assert_eq!(f.value("beschrijving"), long.trim(), "the text is kept");
        let fits = "a".repeat(offering::MAX_DESCRIPTION);
        let mut f = OfferingForm::from_pairs(&valid_with(&tax, "beschrijving", &fits), &tax);
        assert!(f.check(&tax), "{:?}", f.errors);

        let cases = [
            (
                "titel",
                "t".repeat(201),
                "Maak de titel korter: hoogstens 200 tekens (nu 201).",
            ),
            (
                "aanbieder",
                "o".repeat(250),
                "Maak de naam van de organisatie korter: hoogstens 200 tekens (nu 250).",
            ),
            (
                "url",
                format!("https://a.example/{}", "p".repeat(2_000)),
                "Maak het webadres korter: hoogstens 2.000 tekens (nu 2.018).",
            ),
            (
                "partners",
                "p".repeat(201),
                "Een partner heeft een te lange naam: hoogstens 200 tekens per partner.",
            ),
            (
                "trefwoorden",
                (0..31)
                    .map(|i| format!("w{i}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                "Noem hoogstens 30 trefwoorden (nu 31).",
            ),
        ];
        for (field, value, want) in cases {
            let mut f = OfferingForm::from_pairs(&valid_with(&tax, field, &value), &tax);
            assert!(!f.check(&tax), "{field}");
            assert_eq!(f.error(field).map(String::as_str), Some(want), "{field}");
        }
        assert_eq!(dutch_number(0), "0");
        assert_eq!(dutch_number(999), "999");
        assert_eq!(dutch_number(1_000), "1.000");
        assert_eq!(dutch_number(1_234_567), "1.234.567");
    }

    proptest! {
        #[test]
        fn any_form_gives_an_offering_or_messages(
            body in proptest::collection::vec(any::<u8>(), 0..300),
            fields in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "titel", "samenvatting", "beschrijving", "aanbieder", "partners", "vorm",
                        "themas", "doelgroepen", "sectoren", "trefwoorden", "kosten", "locatie",
                        "regio", "startdatum", "einddatum", "url", "anders",
                    ]),
                    "\\PC{0,40}",
                ),
                0..20,
            ),
        ) {
            let tax = Taxonomy::builtin();
            let mut all = pairs(&body);
            all.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
            let mut f = OfferingForm::from_pairs(&all, &tax);
            match f.parse("formulier", &tax) {
                Some(o) => prop_assert!(!o.titel.is_empty() && !o.themas.is_empty()),
                None => {
                    prop_assert!(!f.errors.is_empty());
                    for (field, message) in f.error_list() {
                        prop_assert!(!message.is_empty(), "{}", field);
                        prop_assert!(message.ends_with('.'), "{}: {}", field, message);
                    }
                }
            }
        }
    }
}
