//! Running the platform: the online backup, transactions under concurrent writes, several
//! instances on one database, PostgreSQL over checked TLS, imports taken up by running instances,
//! and an unreadable row as a store error. Starting and stopping are in `startup`.

use super::helpers::{
    account, answer_with_mail, cli, logged_in, plain_mail, postgres_server, spawn_app, spawn_at,
    spawn_beside, test_db, Browser, PASSWORD,
};
use wijkwijzer::domain::status::QuestionStatus;
use wijkwijzer::security::Role;
use wijkwijzer::store::{InboxFilter, Store, StoreError};

// The CLI blocks this thread while it runs; the server needs its own threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_the_live_database_checks_it_and_never_overwrites() {
    let app = spawn_app().await;
    if postgres_server().is_some() {
        // PostgreSQL has its own tool; the command says which, and writes nothing.
        let target = app.dir.path().join("wijkwijzer-1.dump");
        let out = cli(&app.db(), &["backup", target.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        assert!(!target.exists());
        return;
    }
    let live = app.store();
    let offerings = live.offerings().await.unwrap().len();
    let questions = live.questions().await.unwrap().len();
    assert!(offerings > 0 && questions > 0);

    let target = app.dir.path().join("backups").join("wijkwijzer-1.db");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let out = cli(&app.db(), &["backup", target.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Back-up gemaakt"), "{text}");
    assert!(text.contains(&format!("{offerings} aanbod")), "{text}");
    assert!(text.contains(&format!("{questions} leervragen")), "{text}");

    // The copy is a complete, working database; the live one keeps serving.
    let copy = Store::open(&target).await.unwrap();
    assert_eq!(copy.offerings().await.unwrap().len(), offerings);
    assert_eq!(copy.questions().await.unwrap().len(), questions);
    assert_eq!(app.get("/aanbod").await.status(), 200);

    // An existing file is never overwritten, and no partial file is left behind.
    let before = std::fs::read(&target).unwrap();
    let out = cli(&app.db(), &["backup", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bestaat al"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // Opening the copy above gave it its own WAL files.
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    assert_eq!(names, vec!["wijkwijzer-1.db".to_string()]);

    // A database that does not exist is reported, not created.
    let missing = app.dir.path().join("bestaat-niet.db");
    let out = cli(
        &missing,
        &["backup", app.dir.path().join("x.db").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bestaat niet"));
    assert!(!missing.exists());
}

/// Transactions that read before they write do not fail when other connections write at the same
/// time: each waits for the write lock instead of losing its snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_read_then_write_transactions_all_succeed() {
    let app = spawn_app().await;
    let store = app.store().clone();
    let ids: Vec<String> = store
        .questions()
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.id)
        .take(8)
        .collect();
    let mut tasks = Vec::new();
    for round in 0..6 {
        for id in &ids {
            let (s1, id1) = (store.clone(), id.clone());
            let theme = if round % 2 == 0 {
                "gemengde-wijken"
            } else {
                "sociale-stijging"
            };
            tasks.push(tokio::spawn(async move {
                s1.set_question_themes(&id1, &[theme.to_string()], "test")
                    .await
            }));
            let (s2, id2) = (store.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                s2.update_question(&id2, QuestionStatus::InBehandeling, None, None, "test")
                    .await
            }));
        }
    }
    for t in tasks {
        assert!(t.await.unwrap().unwrap(), "every change applied");
    }
}

/// Several instances run on one database (PostgreSQL in production; the same holds for one SQLite
/// file): a change made through one is found through the other, a back-office session works on
/// both, failed logins count on both, and each mail in the shared outbox is sent once, by one of
/// them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_on_one_database_share_catalogue_sessions_login_limits_and_outbox() {
    let a = spawn_app().await;
    let b = spawn_beside(&a).await;

    // A change through instance A: B's search finds it once B's refresh has seen it.
    let mut offering = a.store().offerings().await.unwrap()[0].offering.clone();
    offering.id = "gedeeld-zwaluwnestkasten".into();
    offering.titel = "Zwaluwnestkasten ophangen met de buurt".into();
    a.store().upsert_offerings(&[offering]).await.unwrap();
    let mut found = false;
    for _ in 0..100 {
        let v = b.get_json("/api/v1/aanbod?q=zwaluwnestkasten").await;
        if v.to_string().contains("gedeeld-zwaluwnestkasten") {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "instance B finds the offering stored through A");

    // A session started on A is valid on B.
    let mut browser = logged_in(&a, Role::Coordinator).await;
    assert_eq!(browser.get("/beheer").await.0, 200);
    browser.base = format!("http://{}", b.addr);
    assert_eq!(browser.get("/beheer").await.0, 200, "session known on B");

    // Failed logins count on every instance: five wrong passwords on A, then B refuses too.
    account(&a, "redacteur@wijkwijzer.example", Role::Redacteur).await;
    for _ in 0..5 {
        let (s, _) = Browser::new(&a)
            .login("redacteur@wijkwijzer.example", "fout wachtwoord 123")
            .await;
        assert_eq!(s, 401);
    }
    let (s, _) = Browser::new(&b)
        .login("redacteur@wijkwijzer.example", PASSWORD)
        .await;
    assert_eq!(s, 429, "the login limit holds across instances");

    // Twelve answers with a mail each, both workers running: every mail goes out exactly once.
    let ids: Vec<String> = a
        .store()
        .questions()
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.id)
        .take(12)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let app = if i % 2 == 0 { &a } else { &b };
        let mail = plain_mail(&format!("vrager{i}@x.example"), "Antwoord", "Zie de site.");
        answer_with_mail(app.store(), id, Some("Zie de site."), &mail).await;
    }
    let total = || a.mail.sent().len() + b.mail.sent().len();
    for _ in 0..100 {
        if total() >= ids.len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Both workers poll every 50 ms in tests: a double send would show within a few rounds.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut to: Vec<String> = a
        .mail
        .sent()
        .into_iter()
        .chain(b.mail.sent())
        .map(|m| m.to)
        .collect();
    to.sort();
    let mut expected: Vec<String> = (0..ids.len())
        .map(|i| format!("vrager{i}@x.example"))
        .collect();
    expected.sort();
    assert_eq!(to, expected);
}

/// On PostgreSQL the platform talks TLS and checks the server's certificate: the test server
/// (`scripts/test-postgres.sh`) refuses plain connections, the platform's own connections are
/// encrypted, and without the test CA (`sslrootcert`) the certificate is rejected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_use_tls_with_a_checked_certificate() {
    let app = spawn_app().await;
    let db = app.db().to_string_lossy().to_string();
    if !db.contains("sslmode=verify-full") || !db.contains("sslrootcert=") {
        // SQLite, or a test server without the TLS set-up: nothing to check.
        return;
    }
    let encrypted: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(app.store().pool())
            .await
            .unwrap();
    assert!(encrypted, "the platform's connection is encrypted");

    let without_ca: String = db
        .split('&')
        .filter(|part| !part.starts_with("sslrootcert="))
        .collect::<Vec<_>>()
        .join("&");
    let err = Store::open(std::path::Path::new(&without_ca))
        .await
        .err()
        .expect("a certificate from an unknown CA is rejected");
    let text = err.to_string().to_lowercase();
    assert!(
        text.contains("certificate") || text.contains("tls"),
        "{err}"
    );
}

/// `import aanbod` says what it did: on SQLite it also indexes; on PostgreSQL it only writes the
/// database and says that the running instances take it up. They do so well within the 2
/// seconds the README and the message promise: they look every half second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_says_what_it_did_and_instances_take_changes_up_within_the_promise() {
    let app = spawn_app().await;
    let mut o = app.state.catalog.snapshot().offerings[0].offering.clone();
    o.id = "via-de-import".into();
    let file = app.dir.path().join("een.jsonl");
    std::fs::write(&file, serde_json::to_string(&o).unwrap()).unwrap();
    let out = cli(&app.db, &["import", "aanbod", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    if postgres_server().is_some() {
        assert!(
            err.contains("1 aanbod opgeslagen in de database in "),
            "{err}"
        );
        assert!(
            err.contains("Draaiende instanties nemen het binnen 2 seconden op in hun zoekindex"),
            "{err}"
        );
        assert!(!err.contains("geïndexeerd"), "{err}");
    } else {
        assert!(
            err.contains("1 aanbod geïmporteerd en geïndexeerd in "),
            "{err}"
        );
    }

    let store = app.store();
    let mut readings = Vec::new();
    for i in 0..8u64 {
        // Changes come at any moment of the instance's beat.
        tokio::time::sleep(std::time::Duration::from_millis(50 + i * 173 % 500)).await;
        o.id = format!("elders-opgeslagen-{i}");
        store
            .upsert_offerings(std::slice::from_ref(&o))
            .await
            .unwrap();
        let stored = std::time::Instant::now();
        loop {
            if app.get(&format!("/api/v1/aanbod/{}", o.id)).await.status() == 200 {
                break;
            }
            assert!(stored.elapsed().as_secs() < 10, "never taken up");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        readings.push(stored.elapsed().as_secs_f64());
    }
    eprintln!("taken up after (s): {readings:?}");
    assert!(
        readings.iter().all(|s| *s < 1.5),
        "every change is in the index well within 2 seconds: {readings:?}"
    );
}

/// A stored row the code cannot read (a status it does not know, on SQLite also a text where a
/// number belongs) makes the read fail with a store error naming the problem, never a panic.
#[tokio::test]
async fn an_unreadable_row_is_a_store_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&test_db(dir.path()).await).await.unwrap();
    sqlx::query(
        "INSERT INTO contact_messages (soort, bericht, status, created_at) \
         VALUES ('vraag', 'Hoe werkt het?', 'zoek', '2026-01-01T00:00:00.000Z')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = store.contact_messages().await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("zoek")),
        "{err}"
    );
    sqlx::query(
        "INSERT INTO learning_questions (id, vraag, themas, datum, status, created_at, updated_at) \
         VALUES ('q-1', 'Hoe?', '[]', '2026-01-01', 'half', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = store.inbox(&InboxFilter::default(), 10).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
    if !store.backend().is_postgres() {
        sqlx::query(
            "UPDATE learning_questions SET status = 'nieuw', passend = 'ja' WHERE id = 'q-1'",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let err = store.inbox_item("q-1").await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt(m) if m.contains("passend")),
            "{err}"
        );
    }
}

/// What the store writes carries the platform's clock, not the server's: a test at a fixed moment
/// sees that moment in the record, and a form key is kept for a day of that clock.
#[tokio::test]
async fn stored_moments_come_from_the_platform_clock() {
    let (app, clock) = spawn_at("2027-03-01T09:30:00Z").await;
    let send = || {
        app.post_form(
            "/contact",
            &[
                ("soort", "suggestie"),
                ("bericht", "Organiseer een werkbezoek in Lelystad."),
                ("website", ""),
            ],
        )
    };
    assert_eq!(send().await.0, 200);
    clock.advance(std::time::Duration::from_secs(90 * 60));
    assert_eq!(send().await.0, 200);
    let mut stamps: Vec<String> = app
        .store()
        .contact_messages()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.created_at)
        .collect();
    stamps.sort();
    assert_eq!(
        stamps,
        ["2027-03-01T09:30:00.000Z", "2027-03-01T11:00:00.000Z"]
    );
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT used_at FROM used_form_tokens ORDER BY used_at")
            .fetch_all(app.store().pool())
            .await
            .unwrap();
    assert_eq!(keys, stamps, "the form keys are stamped by the same clock");
    // A day later on the platform clock, the keys of the first form are cleared on the next send.
    clock.advance(std::time::Duration::from_secs(25 * 3600));
    assert_eq!(send().await.0, 200);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM used_form_tokens")
        .fetch_one(app.store().pool())
        .await
        .unwrap();
    assert_eq!(kept, 1);
}
