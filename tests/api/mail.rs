//! The outbox worker against a real SMTP listener on localhost that refuses the first attempts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use wijkwijzer::domain::status::MailStatus;
use wijkwijzer::mail::MailTransport;
use wijkwijzer::store::{OutboxRow, Store};

use crate::helpers::*;

/// A tiny SMTP server: the first `refuse` connections get `421`; later ones are accepted and
/// their DATA is kept.
async fn smtp_server(refuse: usize) -> (u16, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(Mutex::new(Vec::new()));
    let (c, r) = (connections.clone(), received.clone());
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let n = c.fetch_add(1, Ordering::SeqCst);
            let r = r.clone();
            tokio::spawn(async move {
                let (read, mut write) = sock.into_split();
                let mut lines = BufReader::new(read).lines();
                if n < refuse {
                    let _ = write
                        .write_all(b"421 test.local Service not available, try later\r\n")
                        .await;
                    return;
                }
                let _ = write.write_all(b"220 test.local ESMTP\r\n").await;
                let mut data = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            r.lock().unwrap().push(std::mem::take(&mut data));
                            let _ = write.write_all(b"250 OK queued\r\n").await;
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-test.local\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, connections, received)
}

/// The newest mail in the outbox once it has `status` (or `None` after ten seconds).
async fn first_mail_once(store: &Store, status: MailStatus) -> Option<OutboxRow> {
    for _ in 0..200 {
        let r = store.outbox(10).await.unwrap().remove(0);
        if r.status == status {
            return Some(r);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[tokio::test]
async fn outbox_retries_until_the_smtp_server_accepts() {
    let (port, connections, received) = smtp_server(2).await;
    let app = TestApp::builder()
        .mail(MailTransport::Smtp(format!("smtp://127.0.0.1:{port}")))
        .config(|c| c.mail.backoff = Duration::from_millis(200))
        .spawn()
        .await;
    let store = app.store();
    let mail = plain_mail(
        "vrager@gemeente.example",
        "Antwoord op je leervraag",
        "Hier is je antwoord.",
    );
    answer_with_mail(store, "lv-demo-001", Some("Hier is je antwoord."), &mail).await;
    let row = first_mail_once(store, MailStatus::Verzonden)
        .await
        .expect("mail sent once the server accepts");
    assert_eq!(row.attempts, 3, "two refusals, then success");
    assert!(connections.load(Ordering::SeqCst) >= 3);
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "delivered exactly once");
    assert!(got[0].contains("Subject: Antwoord op je leervraag"));
    assert!(got[0].contains("vrager@gemeente.example"));
    assert!(got[0].contains("multipart/alternative"));
}

#[tokio::test]
async fn outbox_marks_mail_failed_after_the_last_attempt_and_can_retry() {
    let (port, _, received) = smtp_server(usize::MAX).await;
    let app = TestApp::builder()
        .mail(MailTransport::Smtp(format!("smtp://127.0.0.1:{port}")))
        .config(|c| {
            c.mail.backoff = Duration::from_millis(20);
            c.mail.max_attempts = 3;
        })
        .spawn()
        .await;
    let store = app.store();
    let mail = plain_mail("a@b.example", "Test", "x");
    answer_with_mail(store, "lv-demo-002", Some("x"), &mail).await;
    let failed = first_mail_once(store, MailStatus::Mislukt)
        .await
        .expect("given up after max attempts");
    assert_eq!(failed.attempts, 3);
    let why = failed.last_error.clone().unwrap_or_default();
    assert!(why.starts_with("smtp: "), "the cause is named: {why}");
    assert!(received.lock().unwrap().is_empty());
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(counts.problems, 1, "visible on the dashboard");
    assert!(store.retry_mail(failed.id, "test").await.unwrap());
    assert_eq!(
        store.outbox(10).await.unwrap()[0].status,
        MailStatus::Wachtend
    );
}

#[tokio::test]
async fn without_smtp_mail_goes_to_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mail");
    let app = TestApp::builder()
        .mail(MailTransport::Folder(folder.clone()))
        .spawn()
        .await;
    let mail = plain_mail("a@b.example", "Map", "in een map");
    answer_with_mail(app.store(), "lv-demo-003", None, &mail).await;
    for _ in 0..100 {
        if folder.exists() && std::fs::read_dir(&folder).unwrap().count() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let file = std::fs::read_dir(&folder)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("Subject: Map"));

    // The mail page says that nothing was really sent.
    let mut b = logged_in(&app, wijkwijzer::security::Role::Beheerder).await;
    let (status, _, html) = b.get("/beheer/mail").await;
    assert_eq!(status, 200);
    assert!(html.contains("Er is geen mailserver ingesteld"), "{html}");
    assert!(html.contains("in de map gezet"));

    // Erasing the person also removes their mail from the folder.
    app.store()
        .erase_person("A@b.example", "test")
        .await
        .unwrap();
    for _ in 0..100 {
        if std::fs::read_dir(&folder).unwrap().count() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "the .eml file of the erased mail is gone"
    );
}

/// A worker records the outcome of a mail only while its claim holds: once the claim has run out
/// and another worker has claimed the mail, the first worker's late report changes nothing.
#[tokio::test]
async fn an_outcome_counts_only_while_the_claim_holds() {
    use wijkwijzer::domain::question::LearningQuestion;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&test_db(dir.path()).await).await.unwrap();
    let question = LearningQuestion {
        id: "lv-claim".into(),
        vraag: "Hoe werkt een buurtbemiddelaar?".into(),
        doelgroep: Some("bewoners".into()),
        sector: None,
        gemeente: None,
        themas: vec![],
        datum: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
    };
    store.upsert_questions(&[question]).await.unwrap();
    let mail = plain_mail("vrager@x.example", "Antwoord", "Zie de site.");
    answer_with_mail(&store, "lv-claim", Some("Zie de site."), &mail).await;

    // Worker 1 claims it with a lease that has already ended; worker 2 then claims it.
    let first = store.due_mails(1, chrono::Duration::zero()).await.unwrap();
    assert_eq!(first.len(), 1);
    let second = store
        .due_mails(1, chrono::Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(second.len(), 1, "a claim that ran out is taken over");
    assert!(
        store
            .due_mails(1, chrono::Duration::minutes(5))
            .await
            .unwrap()
            .is_empty(),
        "a held claim is not handed out again"
    );
    let id = first[0].id;
    store
        .mail_failed(id, &first[0].next_attempt_at, "te laat", None)
        .await
        .unwrap();
    let row = store.outbox(10).await.unwrap().remove(0);
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("wachtend", 0),
        "late report ignored"
    );

    store
        .mail_sent(id, &second[0].next_attempt_at)
        .await
        .unwrap();
    let row = store.outbox(10).await.unwrap().remove(0);
    assert_eq!((row.status.as_str(), row.attempts), ("verzonden", 1));
}

/// The sign-in mail: the one-time link, how long it works, what is being confirmed (escaped in
/// the HTML part), in both parts.
#[test]
fn the_sign_in_mail_has_the_link_and_escapes_what_is_followed() {
    let base = "https://w.example";
    let plain = wijkwijzer::mail::sign_in_mail(base, "p@x.nl", "tok123", None);
    assert_eq!(plain.subject, "Je link voor Mijn WijkWijzer");
    for body in [&plain.text, &plain.html] {
        assert!(
            body.contains("https://w.example/mijn/inloggen/tok123"),
            "{body}"
        );
        assert!(body.contains("15 minuten"), "{body}");
    }
    let follow =
        wijkwijzer::mail::sign_in_mail(base, "p@x.nl", "tok123", Some("Thema: Zorg & welzijn <x>"));
    assert!(follow.text.contains("volgen: Thema: Zorg & welzijn <x>."));
    assert!(
        follow.html.contains("Zorg &#38; welzijn &#60;x&#62;"),
        "{}",
        follow.html
    );
    assert!(!follow.html.contains("<x>"));
}
