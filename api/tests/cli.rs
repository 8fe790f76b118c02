//! The `bantin` command line: creating the first admin without a password argument, and
//! remaking image renditions after the width set changes, rebuilding the search index.
#![allow(clippy::expect_used, reason = "a failing test panics with the reason")]

use std::{
    io::Write,
    process::{Command, Stdio},
};

use bantin_entity::user;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, Statement,
};

fn create_user(data_dir: &std::path::Path, email: &str, role: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(["--data-dir", data_dir.to_str().expect("path"), "user", "create", "--email", email, "--role", role])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bantin runs");
    child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("password written");
    child.wait_with_output().expect("bantin finishes")
}

#[tokio::test]
async fn user_create_reads_the_password_from_stdin_and_never_prints_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let password = "mật khẩu quản trị viên";
    let out = create_user(dir.path(), "QuanTri@Example.vn", "admin", password);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("created admin account quantri@example.vn"), "{stdout}");
    assert!(!stdout.contains(password) && !stderr.contains(password), "the password is never echoed");

    let url = format!("sqlite://{}?mode=ro", dir.path().join("bantin.db").display());
    let db = Database::connect(url).await.expect("open the database");
    let account = user::Entity::find()
        .filter(user::Column::Email.eq("quantri@example.vn"))
        .one(&db)
        .await
        .expect("query")
        .expect("the account exists");
    assert_eq!(account.role, "admin");
    assert!(bantin_api::auth::passwords::verify(password, Some(&account.password_hash)));

    let short = create_user(dir.path(), "b@example.vn", "editor", "ngắn");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password"), "the error names the field");
    let role = create_user(dir.path(), "c@example.vn", "chief", "mật khẩu đủ dài đây");
    assert!(!role.status.success());
    assert!(String::from_utf8_lossy(&role.stderr).contains("admin, editor or author"));
}

fn bantin(data_dir: &std::path::Path, widths: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(["--data-dir", data_dir.to_str().expect("path")])
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("BANTIN_STORAGE")
        .env("BANTIN_RENDITION_WIDTHS", widths)
        .output()
        .expect("bantin runs")
}

fn stored(data_dir: &std::path::Path, suffix: &str) -> usize {
    std::fs::read_dir(data_dir.join("media"))
        .expect("media folder")
        .filter(|f| f.as_ref().is_ok_and(|f| f.file_name().to_string_lossy().ends_with(suffix)))
        .count()
}

#[test]
fn media_regenerate_makes_the_renditions_a_new_width_set_lists() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let seeded = bantin(dir.path(), "320", &["seed", "--demo"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let photos = stored(dir.path(), "-320.webp");
    assert!(photos >= 20, "every demo photo has its 320 px WebP");
    assert_eq!(stored(dir.path(), "-200.webp"), 0);

    let out = bantin(dir.path(), "200,320", &["media", "regenerate"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stored(dir.path(), "-200.webp"), photos, "a 200 px WebP for every photo");
    assert_eq!(stored(dir.path(), "-200.jpg"), photos, "and a 200 px JPEG");
    assert!(stdout.contains(&format!("{} rendition files written", 2 * photos)), "{stdout}");

    let again = bantin(dir.path(), "200,320", &["media", "regenerate"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains(" 0 rendition files written"), "nothing left to make");
}

/// The `n` of a `SELECT COUNT(*) AS n …` on the SQLite database.
async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await.expect("query").expect("a row");
    row.try_get::<i64>("", "n").expect("count")
}

#[tokio::test]
async fn search_reindex_rebuilds_the_index_from_the_articles() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let seeded = bantin(dir.path(), "320", &["seed", "--demo"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let url = format!("sqlite://{}", dir.path().join("bantin.db").display());
    let db = Database::connect(&url).await.expect("database");
    let lookup =
        "SELECT COUNT(*) AS n FROM search_titles WHERE search_titles MATCH '{title_f} : (\"le\" AND \"chan\")'";
    let before = count(&db, lookup).await;
    assert!(before >= 2, "seeding indexed the demo articles");
    db.execute_unprepared(
        "DELETE FROM search_docs; INSERT INTO search_fts (search_fts) VALUES ('delete-all'); \
         INSERT INTO search_titles (search_titles) VALUES ('delete-all')",
    )
    .await
    .expect("emptied");
    assert_eq!(count(&db, lookup).await, 0);

    let out = bantin(dir.path(), "320", &["search", "reindex"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&db, lookup).await, before);
    let indexed = count(
        &db,
        "SELECT COUNT(*) AS n FROM articles WHERE status IN ('published', 'scheduled') AND deleted_at IS NULL",
    )
    .await;
    assert!(stdout.contains(&format!("rebuilt: {indexed} ")), "{stdout}");
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM search_docs").await, indexed);
}
