//! Why a peer is suggested, in Dutch: the words and themes both questions share, and what the
//! peer's asker consented to show.

use std::collections::HashMap;

use super::{PeerIndex, Shown};

/// "een wijkprofessional", "een bewoner", "een beleidsmaker" or "iemand".
fn asker_noun(doelgroep: Option<&str>) -> &'static str {
    match doelgroep {
        Some("wijkprofessionals") => "een wijkprofessional",
        Some("bewoners") => "een bewoner",
        Some("beleidsmakers") => "een beleidsmaker",
        _ => "iemand",
    }
}

/// Joins words the Dutch way: "a", "a en b", "a, b en c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} en {last}", init.join(", ")),
    }
}

impl PeerIndex {
    /// The own words both questions use, the strongest first (at most `k`).
    fn shared_words(&self, a: usize, b: usize, k: usize) -> Vec<String> {
        let (Some(pa), Some(pb)) = (self.prepared.get(a), self.prepared.get(b)) else {
            return Vec::new();
        };
        let weight_b: HashMap<u32, f32> = pb.terms.iter().copied().collect();
        let mut shared: Vec<(f32, u32)> = pa
            .terms
            .iter()
            .filter(|(t, _)| pa.own.binary_search(t).is_ok() && pb.own.binary_search(t).is_ok())
            .filter_map(|&(t, w)| weight_b.get(&t).map(|wb| (w * wb, t)))
            .collect();
        shared.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
        shared
            .into_iter()
            .take(k)
            .filter_map(|(_, t)| self.shown_words.get(t as usize).cloned())
            .collect()
    }

    /// The labels of the themes both questions have.
    fn shared_themes(&self, a: usize, b: usize) -> Vec<String> {
        let (Some(pa), Some(pb)) = (self.prepared.get(a), self.prepared.get(b)) else {
            return Vec::new();
        };
        pa.themes
            .iter()
            .filter(|t| pb.themes.binary_search(t).is_ok())
            .filter_map(|&t| self.theme_labels.get(t as usize).cloned())
            .collect()
    }

    /// Why the question at `peer` is suggested to the asker of `anchor`, in Dutch, showing of the
    /// peer's asker only what `shown` allows: "Ook gesteld door een wijkprofessional (veiligheid)
    /// in Dijkmeer; jullie vragen gaan allebei over signalen en zorg (thema Preventief
    /// signaleren)."
    pub fn explain(&self, anchor: usize, peer: usize, shown: Shown) -> String {
        let Some(q) = self.questions.get(peer) else {
            return String::new();
        };
        let mut who = if shown.role {
            asker_noun(q.doelgroep.as_deref()).to_string()
        } else {
            "iemand".to_string()
        };
        if shown.role {
            if let Some(label) = q.sector.as_ref().and_then(|s| self.sector_labels.get(s)) {
                who.push_str(&format!(" ({})", label.to_lowercase()));
            }
        }
        if shown.gemeente {
            if let Some(g) = q.gemeente.as_deref().filter(|g| !g.trim().is_empty()) {
                who.push_str(&format!(" in {}", g.trim()));
            } else {
                who.push_str(" in een andere gemeente");
            }
        } else {
            who.push_str(" in een andere gemeente");
        }
        let words = self.shared_words(anchor, peer, 3);
        let themes = self.shared_themes(anchor, peer);
        let about = match (words.is_empty(), themes.is_empty()) {
            (false, false) => format!(
                "{} (thema {})",
                and_list(&words),
                and_list(&themes.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>())
            ),
            (false, true) => and_list(&words),
            (true, false) => format!(
                "het thema {}",
                and_list(&themes.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>())
            ),
            (true, true) => "hetzelfde onderwerp, in andere woorden".to_string(),
        };
        let mut text = format!("Ook gesteld door {who}; jullie vragen gaan allebei over {about}.");
        let a = self.questions.get(anchor);
        if shown.role
            && self.about_working_together(anchor)
            && a.is_some_and(|a| a.doelgroep != q.doelgroep || a.sector != q.sector)
        {
            text.push_str(" Vanuit een andere rol of sector: zo leer je over grenzen heen.");
        }
        text
    }
}
