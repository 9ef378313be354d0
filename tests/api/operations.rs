//! Running the platform: the online backup command.

use super::helpers::{cli, spawn_app};
use wijkwijzer::store::Store;

// The CLI blocks this thread while it runs; the server needs its own threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_the_live_database_checks_it_and_never_overwrites() {
    let app = spawn_app().await;
    let live = app.state.catalog.store();
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
    let store = app.state.catalog.store().clone();
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
                s2.update_question(&id2, "in-behandeling", None, None, "test")
                    .await
            }));
        }
    }
    for t in tasks {
        assert!(t.await.unwrap().unwrap(), "every change applied");
    }
}
