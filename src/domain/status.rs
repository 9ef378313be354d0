//! Workflow statuses of learning questions, matches, submissions, contact messages, mails,
//! introductions, development tracks and learning circles (and how a circle is joined): the one
//! place that maps each to and from its stored text (also the value in forms, URLs and JSON) and
//! its Dutch label, and the rules that depend on a status. Pure code.

use std::fmt;

/// Declares a status enum with its stored text and Dutch label per variant.
macro_rules! status {
    ($(#[$doc:meta])* $name:ident {
        $($(#[$vdoc:meta])* $variant:ident = $text:literal, $label:literal;)+
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every status, in workflow order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The status stored as `text`; `None` for any other text.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The Dutch label.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }

        /// Shows the stored text.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

status! {
    /// Where a learning question stands in the coordination point's inbox.
    QuestionStatus {
        /// Not looked at yet.
        Nieuw = "nieuw", "Nieuw";
        /// A coordinator is working on it.
        InBehandeling = "in-behandeling", "In behandeling";
        /// Answered.
        Beantwoord = "beantwoord", "Beantwoord";
        /// No fitting offering exists: it counts as demand for the gap analysis.
        Lacune = "lacune", "Lacune (geen passend aanbod)";
        /// Referred elsewhere.
        Doorverwezen = "doorverwezen", "Doorverwezen";
    }
}

impl QuestionStatus {
    /// Whether this status closes the question (starts the retention period).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            QuestionStatus::Beantwoord | QuestionStatus::Lacune | QuestionStatus::Doorverwezen
        )
    }
}

status! {
    /// Where a match of a question to an offering stands.
    MatchStatus {
        /// Suggested by the matching engine.
        Voorgesteld = "voorgesteld", "Voorgesteld";
        /// Confirmed (or added) by a coordinator.
        Bevestigd = "bevestigd", "Bevestigd";
        /// Removed by a coordinator.
        Verwijderd = "verwijderd", "Verwijderd";
    }
}

status! {
    /// Where an offering contributed with the public form stands in moderation.
    SubmissionStatus {
        /// Waiting for a moderator.
        Ingediend = "ingediend", "Ingediend";
        /// Approved and published.
        Goedgekeurd = "goedgekeurd", "Goedgekeurd";
        /// Rejected with a reason.
        Afgewezen = "afgewezen", "Afgewezen";
    }
}

status! {
    /// Where a message of the contact form stands.
    MessageStatus {
        /// Not handled yet.
        Nieuw = "nieuw", "Nieuw";
        /// Handled (starts the retention period).
        Afgehandeld = "afgehandeld", "Afgehandeld";
    }
}

status! {
    /// Where a mail in the outbox stands.
    MailStatus {
        /// Waiting for (another) attempt.
        Wachtend = "wachtend", "Wachtend";
        /// Sent.
        Verzonden = "verzonden", "Verzonden";
        /// Given up, or erased before it was sent.
        Mislukt = "mislukt", "Mislukt";
    }
}

status! {
    /// Where an introduction between two askers with the same need stands.
    IntroductionStatus {
        /// Asked, waiting for the other's answer.
        Gevraagd = "gevraagd", "Gevraagd";
        /// The other said yes: both got each other's details.
        Aangenomen = "aangenomen", "Aangenomen";
        /// The other said no.
        Afgewezen = "afgewezen", "Afgewezen";
        /// One of them withdrew peer contact before an answer.
        Gestopt = "gestopt", "Gestopt";
    }
}

status! {
    /// Where a development track stands (stored and sent in JSON as its text).
    #[derive(serde::Serialize, utoipa::ToSchema)]
    #[serde(rename_all = "kebab-case")]
    TrackStatus {
        /// Exploring what is needed.
        Verkenning = "verkenning", "Verkenning";
        /// Being developed.
        InOntwikkeling = "in-ontwikkeling", "In ontwikkeling";
        /// The offering exists.
        Beschikbaar = "beschikbaar", "Beschikbaar";
        /// Stopped.
        Gestopt = "gestopt", "Gestopt";
    }
}

status! {
    /// Where a learning circle stands.
    #[derive(serde::Serialize)]
    #[serde(rename_all = "kebab-case")]
    CircleStatus {
        /// Waiting for the coordination point (moderation).
        Ingediend = "ingediend", "Wacht op beoordeling";
        /// Approved and running: public, open to members.
        Actief = "actief", "Actief";
        /// Not accepted.
        Afgewezen = "afgewezen", "Afgewezen";
        /// Ended by the coordination point.
        Gestopt = "gestopt", "Gestopt";
    }
}

status! {
    /// How people join a learning circle.
    #[derive(serde::Serialize)]
    #[serde(rename_all = "kebab-case")]
    Access {
        /// Anyone signed in joins with one click.
        Open = "open", "Open: iedereen met een account kan meedoen";
        /// People ask to join (or are invited); the facilitator admits them.
        Uitnodiging = "uitnodiging", "Op uitnodiging: je vraagt of je mag meedoen";
    }
}

impl Access {
    /// The short label (a facet value of the circle list).
    pub fn short_label(self) -> &'static str {
        match self {
            Access::Open => "Open",
            Access::Uitnodiging => "Op uitnodiging",
        }
    }
}

/// Why a moderator rejects something waiting (a submitted offering, a proposed circle): the text
/// its sender gets to read, trimmed, 5 to 2000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionReason(String);

impl RejectionReason {
    /// Fewest characters.
    pub const MIN_CHARS: usize = 5;
    /// Most characters.
    pub const MAX_CHARS: usize = 2000;

    /// The reason in `text`, or `None` when it is shorter or longer than allowed.
    pub fn parse(text: &str) -> Option<RejectionReason> {
        let text = text.trim();
        (Self::MIN_CHARS..=Self::MAX_CHARS)
            .contains(&text.chars().count())
            .then(|| RejectionReason(text.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_reason_has_five_to_two_thousand_characters() {
        assert_eq!(
            RejectionReason::parse("  Dubbel  ").unwrap().as_str(),
            "Dubbel"
        );
        assert!(RejectionReason::parse("  Nee  ").is_none());
        assert!(RejectionReason::parse(&"é".repeat(2000)).is_some());
        assert!(RejectionReason::parse(&"é".repeat(2001)).is_none());
    }

    #[test]
    fn every_status_reads_back_from_its_stored_text() {
        for s in QuestionStatus::ALL {
            assert_eq!(QuestionStatus::parse(s.as_str()), Some(*s));
            assert_eq!(s.to_string(), s.as_str());
        }
        for s in MatchStatus::ALL {
            assert_eq!(MatchStatus::parse(s.as_str()), Some(*s));
        }
        for s in SubmissionStatus::ALL {
            assert_eq!(SubmissionStatus::parse(s.as_str()), Some(*s));
        }
        for s in IntroductionStatus::ALL {
            assert_eq!(IntroductionStatus::parse(s.as_str()), Some(*s));
        }
        for s in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(s.as_str()), Some(*s));
        }
        for s in MailStatus::ALL {
            assert_eq!(MailStatus::parse(s.as_str()), Some(*s));
        }
        for s in TrackStatus::ALL {
            assert_eq!(TrackStatus::parse(s.as_str()), Some(*s));
            // The JSON of the API carries the stored text.
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        for s in CircleStatus::ALL {
            assert_eq!(CircleStatus::parse(s.as_str()), Some(*s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        for a in Access::ALL {
            assert_eq!(Access::parse(a.as_str()), Some(*a));
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::json!(a.as_str())
            );
        }
        assert_eq!(QuestionStatus::parse("Nieuw"), None);
        assert_eq!(MailStatus::parse(""), None);
    }

    #[test]
    fn answered_lacune_and_referred_close_a_question() {
        let closed: Vec<_> = QuestionStatus::ALL
            .iter()
            .filter(|s| s.is_closed())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(closed, ["beantwoord", "lacune", "doorverwezen"]);
        assert_eq!(
            QuestionStatus::Lacune.label(),
            "Lacune (geen passend aanbod)"
        );
    }
}
