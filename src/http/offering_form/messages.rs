//! The Dutch words of the offering form: field labels, and a plain request beside a field made
//! from the import's reason.

use crate::domain::offering;

/// Dutch label of a field, for error summaries.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "titel" => "Titel",
        "samenvatting" => "Samenvatting",
        "beschrijving" => "Beschrijving",
        "aanbieder" => "Aanbieder",
        "partners" => "Partners",
        "vorm" => "Vorm",
        "themas" => "Thema's",
        "doelgroepen" => "Voor wie",
        "sectoren" => "Sectoren",
        "trefwoorden" => "Trefwoorden",
        "kosten" => "Kosten",
        "locatie" => "Locatie",
        "regio" => "Regio",
        "startdatum" => "Startdatum",
        "einddatum" => "Einddatum",
        "url" => "Webadres",
        _ => "Formulier",
    }
}

/// The message beside a field: a plain request saying what to do, made from the import's
/// reason. A reason this does not know keeps the form "Label: reason.".
pub(super) fn form_message(field: &str, reason: &str) -> String {
    if reason.starts_with("verplicht veld") {
        let request = match field {
            "titel" => "Vul een titel in.",
            "samenvatting" => "Vul een korte samenvatting in.",
            "beschrijving" => "Vul een beschrijving in.",
            "aanbieder" => "Vul de naam van de organisatie in.",
            "vorm" => "Kies een vorm.",
            "themas" => "Kies minstens één thema.",
            "doelgroepen" => "Kies voor wie het aanbod is.",
            "sectoren" => "Kies minstens één sector.",
            "kosten" => "Vul de kosten in, of 'gratis'.",
            "locatie" => "Kies een locatie.",
            "regio" => "Kies een regio, of 'Landelijk'.",
            "url" => "Vul het webadres in waar meer informatie staat.",
            _ => "",
        };
        if !request.is_empty() {
            return request.to_string();
        }
    }
    let max = offering::limit(field);
    if let Some(rest) = reason.strip_prefix("te lang: ") {
        let n = rest
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let what = match field {
            "titel" => "de titel",
            "samenvatting" => "de samenvatting",
            "beschrijving" => "de beschrijving",
            "aanbieder" => "de naam van de organisatie",
            "kosten" => "de kosten",
            "regio" => "de regio",
            "url" => "het webadres",
            _ => "de tekst",
        };
        return format!(
            "Maak {what} korter: hoogstens {} tekens (nu {}).",
            dutch_number(max.chars),
            dutch_number(n)
        );
    }
    if reason.contains(" is te lang: ") {
        return match field {
            "partners" => format!(
                "Een partner heeft een te lange naam: hoogstens {} tekens per partner.",
                dutch_number(max.chars)
            ),
            "trefwoorden" => format!(
                "Een trefwoord is te lang: hoogstens {} tekens per trefwoord.",
                dutch_number(max.chars)
            ),
            _ => format!("{}: {reason}.", field_label(field)),
        };
    }
    if let Some(rest) = reason.strip_prefix("te veel: ") {
        let n = rest.split(' ').next().unwrap_or("");
        return match field {
            "partners" => format!("Noem hoogstens {} partners (nu {n}).", max.items),
            "trefwoorden" => format!("Noem hoogstens {} trefwoorden (nu {n}).", max.items),
            _ => format!("Kies er hoogstens {} (nu {n}).", max.items),
        };
    }
    if reason.starts_with("onbekende waarde") {
        let what = match field {
            "vorm" => "Kies een vorm uit de lijst.",
            "themas" => "Kies thema's uit de lijst.",
            "doelgroepen" => "Kies uit de lijst voor wie het aanbod is.",
            "sectoren" => "Kies sectoren uit de lijst.",
            "locatie" => "Kies online, op locatie, of online en op locatie.",
            _ => "",
        };
        if !what.is_empty() {
            return what.to_string();
        }
    }
    let plain = match (field, reason) {
        ("kosten", r) if r.starts_with("ongeldig bedrag") => {
            "Vul de kosten in als 'gratis' of als bedrag in euro, bijvoorbeeld € 395."
        }
        ("startdatum" | "einddatum", r) if r.starts_with("ongeldige datum") => {
            "Vul de datum in als jaar-maand-dag, bijvoorbeeld 2027-03-15."
        }
        ("einddatum", r) if r.starts_with("ligt vóór") => {
            "De einddatum ligt vóór de startdatum. Kies een einddatum op of na de startdatum."
        }
        ("url", r) if r.starts_with("moet een volledige https-URL") => {
            "Vul een volledig webadres in dat begint met https://, bijvoorbeeld https://www.voorbeeld.nl."
        }
        _ => "",
    };
    if plain.is_empty() {
        format!("{}: {}.", field_label(field), reason)
    } else {
        plain.to_string()
    }
}

/// A whole number with the Dutch thousands dot (`10.000`).
pub fn dutch_number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
