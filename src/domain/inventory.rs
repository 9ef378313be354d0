//! Inventarisatierondes (`InventoryRound`): a named period in which the question form and the
//! supply form are promoted; what comes in during it carries its label, and the peiling on the
//! day it closes is its snapshot. Parsing the back-office form into a round; pure code.

use chrono::NaiveDate;

use super::fields::FieldError;

/// The longest label.
pub const MAX_LABEL: usize = 80;

/// An inventory round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRound {
    /// Row number.
    pub id: i64,
    /// Its name ("Inventarisatie voorjaar 2027").
    pub label: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// The day it was closed (its peiling's date), if it was.
    pub closed_on: Option<NaiveDate>,
}

impl InventoryRound {
    /// Open on `today`: started, not past its last day, and not closed.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.closed_on.is_none() && self.starts_on <= today && today <= self.ends_on
    }
}

/// A new round as typed in the form.
#[derive(Debug, Clone, Default)]
pub struct RoundInput {
    /// Label.
    pub label: String,
    /// First day, `JJJJ-MM-DD`.
    pub starts_on: String,
    /// Last day, `JJJJ-MM-DD`.
    pub ends_on: String,
}

fn date(field: &str, value: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| FieldError {
        field: field.into(),
        reason: "Vul een datum in als 2027-03-01.".into(),
    })
}

impl RoundInput {
    /// The round it describes (id 0), or a Dutch message per field.
    pub fn parse(&self) -> Result<InventoryRound, Vec<FieldError>> {
        let mut errors = Vec::new();
        let label = self.label.trim().to_string();
        if label.is_empty() {
            errors.push(FieldError {
                field: "label".into(),
                reason: "Geef de ronde een naam, bijvoorbeeld 'Inventarisatie voorjaar 2027'."
                    .into(),
            });
        } else if label.chars().count() > MAX_LABEL {
            errors.push(FieldError {
                field: "label".into(),
                reason: format!("De naam is te lang: hoogstens {MAX_LABEL} tekens."),
            });
        }
        let starts = date("startdatum", &self.starts_on).map_err(|e| errors.push(e));
        let ends = date("einddatum", &self.ends_on).map_err(|e| errors.push(e));
        if let (Ok(s), Ok(e)) = (starts, ends) {
            if e < s {
                errors.push(FieldError {
                    field: "einddatum".into(),
                    reason: "De einddatum ligt voor de startdatum.".into(),
                });
            }
        }
        match (starts, ends) {
            (Ok(starts_on), Ok(ends_on)) if errors.is_empty() => Ok(InventoryRound {
                id: 0,
                label,
                starts_on,
                ends_on,
                closed_on: None,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_round_parses_with_dutch_messages_per_field() {
        let ok = RoundInput {
            label: " Voorjaar 2027 ".into(),
            starts_on: "2027-03-01".into(),
            ends_on: "2027-04-30".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(ok.label, "Voorjaar 2027");
        assert!(ok.is_open(d("2027-03-01")) && ok.is_open(d("2027-04-30")));
        assert!(!ok.is_open(d("2027-05-01")) && !ok.is_open(d("2027-02-28")));
        let closed = InventoryRound {
            closed_on: Some(d("2027-04-01")),
            ..ok
        };
        assert!(!closed.is_open(d("2027-04-02")));
        let bad = RoundInput {
            label: String::new(),
            starts_on: "1 maart".into(),
            ends_on: "2027-04-30".into(),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["label", "startdatum"]);
        let backwards = RoundInput {
            label: "X".into(),
            starts_on: "2027-04-30".into(),
            ends_on: "2027-03-01".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(backwards[0].field, "einddatum");
    }
}
