//! The texts of every mail the platform sends, as askama templates under `templates/mail/`: a
//! `.txt` for the plain part (no escaping) and an `.html` for the HTML part (escaped by askama),
//! each extending `base.txt` / `base.html` (the greeting). Each mail is one template struct with
//! its subject and a function that makes the [`OutgoingMail`].

use askama::Template;

use crate::domain::follow::Frequency;
use crate::store::{OutgoingMail, LINK_MINUTES};

/// Filters of the mail templates.
mod filters {
    /// The lines of an HTML paragraph whose values are already escaped, joined by `<br>` (a line
    /// break in the text is a line break in the HTML).
    #[askama::filter_fn]
    pub fn lines_br<T: std::fmt::Display>(
        value: T,
        _env: &dyn askama::Values,
    ) -> askama::Result<askama::filters::Safe<String>> {
        Ok(askama::filters::Safe(
            value.to_string().lines().collect::<Vec<_>>().join("<br>"),
        ))
    }
}

/// One template rendered, plain text and HTML, as a mail to `to`. The templates hold only text
/// and numbers, so rendering does not fail; if it ever did, the error is logged and the part
/// stays empty (HTML: the plain text in a `<pre>`).
/// `invites_reply`: the mail asks for or allows an answer, so it goes out with the coordination
/// point's `Reply-To`.
fn mail<T: Template, H: Template>(
    to: &str,
    subject: &str,
    text: &T,
    html: &H,
    invites_reply: bool,
) -> OutgoingMail {
    let text = text.render().unwrap_or_else(|e| {
        tracing::error!(fout = %e, "mailtekst niet opgebouwd");
        String::new()
    });
    let html = html.render().unwrap_or_else(|e| {
        tracing::error!(fout = %e, "mail-HTML niet opgebouwd; alleen tekst");
        format!("<pre>{}</pre>", crate::domain::text::xml_escape(&text))
    });
    OutgoingMail {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html,
        invites_reply,
    }
}

/// Declares `$html`, the HTML part of the mail `$text`: a template over the same fields; and
/// `$text::mail`, the mail of both.
macro_rules! html_part {
    ($html:ident of $text:ident = $path:tt) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $html<'a>(&'a $text<'a>);

        impl<'a> std::ops::Deref for $html<'a> {
            type Target = $text<'a>;

            fn deref(&self) -> &$text<'a> {
                self.0
            }
        }

        impl<'a> $text<'a> {
            /// This mail to `to` under `subject`, both parts (see [`mail`]).
            fn mail(&self, to: &str, subject: &str, invites_reply: bool) -> OutgoingMail {
                mail(to, subject, self, &$html(self), invites_reply)
            }
        }
    };
}

/// An offering named in a mail: its title, its page and one line with date, place and price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailOffering {
    /// Title.
    pub titel: String,
    /// The address of its page on the site.
    pub url: String,
    /// When, where and what it costs, in words (`start 12 maart 2027 · online · gratis`).
    pub details: String,
}

/// The answer to a learning question.
#[derive(Template)]
#[template(path = "mail/answer.txt")]
struct Answer<'a> {
    vraag: &'a str,
    antwoord: &'a str,
    offerings: &'a [MailOffering],
}
html_part!(AnswerHtml of Answer = "mail/answer.html");

/// The answer to a learning question, with the confirmed offerings.
pub fn answer_mail(
    to: &str,
    vraag: &str,
    antwoord: &str,
    offerings: &[MailOffering],
) -> OutgoingMail {
    let m = Answer {
        vraag,
        antwoord,
        offerings,
    };
    m.mail(to, "Antwoord op je leervraag", true)
}

/// The receipt of a learning question asked with an e-mail address.
#[derive(Template)]
#[template(path = "mail/receipt.txt")]
struct Receipt<'a> {
    vraag: &'a str,
    offerings: &'a [MailOffering],
    base_url: &'a str,
}
html_part!(ReceiptHtml of Receipt = "mail/receipt.html");

/// The receipt of a learning question: it was received, the coordination point reads it, and
/// what the site found already.
pub fn receipt_mail(
    to: &str,
    vraag: &str,
    offerings: &[MailOffering],
    base_url: &str,
) -> OutgoingMail {
    let m = Receipt {
        vraag,
        offerings,
        base_url,
    };
    m.mail(to, "We hebben je leervraag ontvangen", true)
}

/// The answer to a message of the contact form ("Vraag of suggestie").
#[derive(Template)]
#[template(path = "mail/contact_reply.txt")]
struct ContactReply<'a> {
    naam: Option<&'a str>,
    bericht: &'a str,
    antwoord: &'a str,
}
html_part!(ContactReplyHtml of ContactReply = "mail/contact_reply.html");

/// The coordination point's answer to a message of the contact form, quoting the message;
/// greets the sender by `naam` when given.
pub fn contact_reply_mail(
    to: &str,
    naam: Option<&str>,
    bericht: &str,
    antwoord: &str,
) -> OutgoingMail {
    let m = ContactReply {
        naam,
        bericht,
        antwoord,
    };
    m.mail(
        to,
        "Antwoord op je bericht aan WijkWijzer Leernetwerk",
        true,
    )
}

/// The mail to a submitter whose offering was published.
#[derive(Template)]
#[template(path = "mail/approved.txt")]
struct Approved<'a> {
    naam: Option<&'a str>,
    titel: &'a str,
    url: &'a str,
}
html_part!(ApprovedHtml of Approved = "mail/approved.html");

/// The mail to a submitter whose offering was published, greeting them by `naam` when given.
pub fn approved_mail(to: &str, naam: Option<&str>, titel: &str, url: &str) -> OutgoingMail {
    let m = Approved { naam, titel, url };
    m.mail(to, "Je leeraanbod staat op WijkWijzer", true)
}

/// The mail to a submitter whose offering was not accepted.
#[derive(Template)]
#[template(path = "mail/rejected.txt")]
struct Rejected<'a> {
    naam: Option<&'a str>,
    titel: &'a str,
    reden: &'a str,
}
html_part!(RejectedHtml of Rejected = "mail/rejected.html");

/// The mail to a submitter whose offering was not accepted, with the reason; greets them by
/// `naam` when given.
pub fn rejected_mail(to: &str, naam: Option<&str>, titel: &str, reden: &str) -> OutgoingMail {
    let m = Rejected { naam, titel, reden };
    m.mail(to, "Je aanmelding van leeraanbod", true)
}

/// The sign-in mail of Mijn WijkWijzer.
#[derive(Template)]
#[template(path = "mail/sign_in_link.txt")]
struct SignIn<'a> {
    base_url: &'a str,
    token: &'a str,
    pending: Option<&'a str>,
    minutes: i64,
}
html_part!(SignInHtml of SignIn = "mail/sign_in_link.html");

/// The sign-in mail of Mijn WijkWijzer: the one-time link, how long it works, and that nothing
/// happens without it; with `pending` (a follow in words) it confirms that follow too.
pub fn sign_in_mail(base_url: &str, to: &str, token: &str, pending: Option<&str>) -> OutgoingMail {
    let minutes = LINK_MINUTES;
    let m = SignIn {
        base_url,
        token,
        pending,
        minutes,
    };
    m.mail(to, "Je link voor Mijn WijkWijzer", false)
}

/// The warning before an unused account of Mijn WijkWijzer is deleted.
#[derive(Template)]
#[template(path = "mail/retention_warning.txt")]
struct Warning<'a> {
    base_url: &'a str,
    months: u32,
}
html_part!(WarningHtml of Warning = "mail/retention_warning.html");

/// The mail that warns of the deletion of an account unused for `months`.
pub fn retention_warning_mail(base_url: &str, to: &str, months: u32) -> OutgoingMail {
    let m = Warning { base_url, months };
    let subject = "Je account op Mijn WijkWijzer wordt verwijderd";
    m.mail(to, subject, false)
}

/// The coordination point's decision on a circle a participant started.
#[derive(Template)]
#[template(path = "mail/circle_decision.txt")]
struct CircleDecision<'a> {
    titel: &'a str,
    url: &'a str,
    reden: Option<&'a str>,
}
html_part!(CircleDecisionHtml of CircleDecision = "mail/circle_decision.html");

/// The mail to a facilitator whose circle was approved (`reden` `None`, with its address `url`)
/// or not accepted (with the reason).
pub fn circle_decision_mail(to: &str, titel: &str, url: &str, reden: Option<&str>) -> OutgoingMail {
    let m = CircleDecision { titel, url, reden };
    let subject = if reden.is_some() {
        "Je leerkring op WijkWijzer"
    } else {
        "Je leerkring staat op WijkWijzer"
    };
    m.mail(to, subject, true)
}

/// An announcement of a facilitator to the members of a circle.
#[derive(Template)]
#[template(path = "mail/circle_announcement.txt")]
struct CircleAnnouncement<'a> {
    kring: &'a str,
    onderwerp: &'a str,
    tekst: &'a str,
    url: &'a str,
}
html_part!(CircleAnnouncementHtml of CircleAnnouncement = "mail/circle_announcement.html");

/// The mail of an announcement to one member of circle `kring`, with its members' page `url`.
pub fn circle_announcement_mail(
    to: &str,
    kring: &str,
    onderwerp: &str,
    tekst: &str,
    url: &str,
) -> OutgoingMail {
    let m = CircleAnnouncement {
        kring,
        onderwerp,
        tekst,
        url,
    };
    let subject = format!("Leerkring {kring}: {onderwerp}");
    m.mail(to, &subject, false)
}

/// An invitation to a circle the coordination point proposes.
#[derive(Template)]
#[template(path = "mail/circle_invitation.txt")]
struct CircleInvitation<'a> {
    titel: &'a str,
    link: &'a str,
    days: i64,
}
html_part!(CircleInvitationHtml of CircleInvitation = "mail/circle_invitation.html");

/// The invitation mail to an asker who consented to peer contact, with the signed `link` that
/// works `days` days.
pub fn circle_invitation_mail(to: &str, titel: &str, link: &str, days: i64) -> OutgoingMail {
    let m = CircleInvitation { titel, link, days };
    m.mail(to, "Uitnodiging: een leerkring over je leervraag", true)
}

/// A circle stopped.
#[derive(Template)]
#[template(path = "mail/circle_stopped.txt")]
struct CircleStopped<'a> {
    kring: &'a str,
    door: &'a str,
    url: &'a str,
}
html_part!(CircleStoppedHtml of CircleStopped = "mail/circle_stopped.html");

/// The mail to a member of the circle `kring` that `door` ("de begeleider", "het
/// coördinatiepunt") stopped, with the `url` of the circles list.
pub fn circle_stopped_mail(to: &str, kring: &str, door: &str, url: &str) -> OutgoingMail {
    let m = CircleStopped { kring, door, url };
    m.mail(to, &format!("Leerkring gestopt: {kring}"), true)
}

/// The request to an asker to be introduced to another with the same question.
#[derive(Template)]
#[template(path = "mail/peer_introduction_request.txt")]
struct PeerIntroductionRequest<'a> {
    waarom: &'a str,
    link: &'a str,
    days: i64,
}
html_part!(PeerIntroductionRequestHtml of PeerIntroductionRequest = "mail/peer_introduction_request.html");

/// The mail asking `to` whether they want to be introduced: `waarom` says, without a name or an
/// address, who asks and what the questions share; the signed `link` works `days` days.
pub fn peer_introduction_request_mail(
    to: &str,
    waarom: &str,
    link: &str,
    days: i64,
) -> OutgoingMail {
    let m = PeerIntroductionRequest { waarom, link, days };
    m.mail(to, "Iemand met dezelfde vraag wil kennismaken", false)
}

/// What an asker shares with the other once both accepted an introduction: only what they
/// chose to share, and always their address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedDetails {
    /// Their name.
    pub naam: Option<String>,
    /// Their organisation.
    pub organisatie: Option<String>,
    /// Their role: target group and sector, as Dutch labels ("Wijkprofessionals, Zorg").
    pub rol: Option<String>,
    /// Their municipality.
    pub gemeente: Option<String>,
    /// Their e-mail address.
    pub email: String,
}

/// The introduction made: what the other asker shares.
#[derive(Template)]
#[template(path = "mail/peer_introduction_made.txt")]
struct PeerIntroductionMade<'a> {
    other: &'a SharedDetails,
}
html_part!(PeerIntroductionMadeHtml of PeerIntroductionMade = "mail/peer_introduction_made.html");

/// The mail to `to` once both accepted, with what the `other` shares.
pub fn peer_introduction_made_mail(to: &str, other: &SharedDetails) -> OutgoingMail {
    let m = PeerIntroductionMade { other };
    m.mail(to, "Kennismaking: jullie willen allebei contact", false)
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestEntry {
    /// A new offering (`new`), or new dates of one.
    Offering {
        /// Its id.
        id: String,
        /// New, rather than new dates.
        new: bool,
        /// Title.
        titel: String,
        /// Provider.
        aanbieder: String,
        /// Its start date in Dutch, if it has one.
        vanaf: Option<String>,
    },
    /// A new development track.
    Track {
        /// Title.
        titel: String,
        /// Lead organisation.
        trekker: String,
    },
    /// An answer to one's own question.
    Answer {
        /// The beginning of the question.
        vraag: String,
    },
}

/// What a digest mail says (`templates/mail/digest.txt` and `.html`).
#[derive(Template)]
#[template(path = "mail/digest.txt")]
pub struct Digest<'a> {
    /// The address.
    pub to: &'a str,
    /// Direct or weekly.
    pub frequency: Frequency,
    /// The lines listed (at most `max_items`).
    pub entries: Vec<DigestEntry>,
    /// How many items there are in all.
    pub total: usize,
    /// How many items a digest lists at most.
    pub max_items: usize,
    /// What the person follows, in words.
    pub followed: Vec<String>,
    /// The site's address.
    pub base_url: &'a str,
    /// The one-click unsubscribe address.
    pub unsubscribe: &'a str,
}
html_part!(DigestHtml of Digest = "mail/digest.html");

/// The mail of one digest: the items (each with its link), why the person gets it, the
/// unsubscribe link and where to manage follows.
pub fn digest_mail(d: &Digest<'_>) -> OutgoingMail {
    let n = d.total;
    let subject = match d.frequency {
        Frequency::Direct if n == 1 => {
            "Nieuw op WijkWijzer: 1 bericht over wat je volgt".to_string()
        }
        Frequency::Direct => format!("Nieuw op WijkWijzer: {n} berichten over wat je volgt"),
        Frequency::Wekelijks => format!("Je weekoverzicht van WijkWijzer: {n} berichten"),
    };
    d.mail(d.to, &subject, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_are_escaped_and_have_both_bodies() {
        let offering = MailOffering {
            titel: "Training".into(),
            url: "https://x.example/a?b=1&c=2".into(),
            details: "start 12 maart 2027 · online · gratis".into(),
        };
        let m = answer_mail(
            "a@b.nl",
            "Hoe <b>pak</b> ik dit aan?",
            "Kijk hier & daar.",
            std::slice::from_ref(&offering),
        );
        assert!(m.html.contains("&#60;b&#62;pak&#60;/b&#62;"), "{}", m.html);
        assert!(m.html.contains("Kijk hier &#38; daar."));
        assert!(m.html.contains("href=\"https://x.example/a?b=1&#38;c=2\""));
        assert!(!m.html.contains("<img"));
        // A line break in the text is a line break in the HTML.
        assert!(
            m.html.contains("leervraag:<br>“Hoe &#60;b&#62;pak"),
            "{}",
            m.html
        );
        assert!(m.text.contains("Hoe <b>pak</b> ik dit aan?"));
        assert!(m.text.contains("https://x.example/a?b=1&c=2"));
        // Date, place and price of each suggested offering, in both parts.
        assert!(
            m.text.contains("start 12 maart 2027 · online · gratis"),
            "{}",
            m.text
        );
        assert!(
            m.html.contains("start 12 maart 2027 · online · gratis"),
            "{}",
            m.html
        );
        assert!(m.invites_reply);
        let r = rejected_mail("a@b.nl", None, "X", "Dubbel met bestaand aanbod.");
        assert!(r.text.contains("Dubbel met bestaand aanbod."));
        assert!(r.text.starts_with("Beste aanbieder,"), "{}", r.text);
    }

    #[test]
    fn mails_greet_by_name_when_one_was_given() {
        let named = approved_mail("a@b.nl", Some("Fatima <Bakr>"), "X", "https://w.example/x");
        assert!(
            named.text.starts_with("Beste Fatima <Bakr>,"),
            "{}",
            named.text
        );
        assert!(
            named.html.contains("<p>Beste Fatima &#60;Bakr&#62;,</p>"),
            "{}",
            named.html
        );
        let r = rejected_mail("a@b.nl", Some("Jan"), "X", "Geen leeraanbod.");
        assert!(r.text.starts_with("Beste Jan,"), "{}", r.text);
        let anonymous = approved_mail("a@b.nl", None, "X", "https://w.example/x");
        assert!(anonymous.text.starts_with("Beste aanbieder,"));
    }

    #[test]
    fn the_contact_reply_quotes_the_message_and_invites_a_reply() {
        let m = contact_reply_mail(
            "a@b.nl",
            None,
            "Kan er iets over <buurtavonden>?",
            "Ja, zie de agenda.\n\nGroet & succes.",
        );
        assert!(m.text.starts_with("Beste afzender,"), "{}", m.text);
        assert!(m.text.contains("“Kan er iets over <buurtavonden>?”"));
        assert!(m.text.contains("Ja, zie de agenda.\n\nGroet & succes."));
        assert!(m.html.contains("&#60;buurtavonden&#62;"), "{}", m.html);
        assert!(
            m.html.contains("agenda.<br><br>Groet &#38; succes."),
            "{}",
            m.html
        );
        assert!(m.invites_reply);
        let named = contact_reply_mail("a@b.nl", Some("Sanne"), "x", "y");
        assert!(named.text.starts_with("Beste Sanne,"), "{}", named.text);
    }

    #[test]
    fn the_receipt_says_it_was_received_and_lists_what_was_found() {
        let offering = MailOffering {
            titel: "Buurtbemiddeling".into(),
            url: "https://w.example/aanbod/bb".into(),
            details: "altijd beschikbaar · online · gratis".into(),
        };
        let m = receipt_mail(
            "a@b.nl",
            "Wat doe ik tegen dealen in ons portiek?",
            std::slice::from_ref(&offering),
            "https://w.example",
        );
        assert!(
            m.text.contains("We hebben je vraag ontvangen"),
            "{}",
            m.text
        );
        assert!(m.text.contains("Dit vonden we alvast"), "{}", m.text);
        assert!(m.text.contains("altijd beschikbaar · online · gratis"));
        assert!(m.html.contains("href=\"https://w.example/aanbod/bb\""));
        assert!(m.invites_reply);
        let empty = receipt_mail("a@b.nl", "Vraag zonder aanbod", &[], "https://w.example");
        assert!(
            !empty.text.contains("Dit vonden we alvast"),
            "{}",
            empty.text
        );
    }
}
