//! Keeps the search index in step with the articles, inside the caller's transaction: an
//! article is indexed while it is published or scheduled and out of the trash, and removed
//! otherwise, so the index never holds text the public may not find.

use std::{
    borrow::Cow,
    collections::{BTreeSet, HashMap, HashSet},
};

use bantin_entity::article;
use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement,
    TransactionTrait, Value,
};

use crate::{
    domain::{
        blocks::Block,
        search::{
            IndexedText,
            query::{Completions, SearchQuery, Spelling},
            tsvector::tsvector,
        },
        text::is_alphanumeric,
    },
    error::AppResult,
    sql::Sql,
};

/// Articles per statement.
const CHUNK: usize = 100;

/// SQLite's full-text tables, both keyed by `doc_key`.
const FTS_TABLES: [&str; 2] = ["search_fts", "search_titles"];

/// Prefix lengths, in characters, that SQLite's full-text tables index themselves (their
/// `prefix = '2 3'` option); other prefixes are completed from `search_words`.
const INDEXED_PREFIX_CHARS: [usize; 2] = [2, 3];

/// Most words a prefix is completed to; a prefix that stands for more is left to FTS5.
const MAX_COMPLETIONS: usize = 256;

/// Words per statement adding to `search_words`.
const WORDS_PER_STATEMENT: usize = 500;

/// What the index keeps of one article.
pub struct Entry {
    article_id: i64,
    doc_key: i64,
    title: IndexedText,
    body: IndexedText,
}

/// Orders the index newest first: the publication second, then the id. Distinct for
/// distinct articles while fewer than a million articles share one second of publication.
pub fn doc_key(id: i64, published_at: DateTime<Utc>) -> i64 {
    published_at.timestamp().saturating_mul(1_000_000).saturating_add(id.rem_euclid(1_000_000))
}

/// The first doc key of the second of `now`, and of the next second.
pub fn second_keys(now: DateTime<Utc>) -> (i64, i64) {
    let this_second = doc_key(0, now);
    (this_second, this_second.saturating_add(1_000_000))
}

/// The readable text of an article below its title: the lead, then the body's text without
/// its inline markup (so `href` and tag names are never words, and snippets show text).
pub fn body_text(summary: &str, body: &[Block]) -> String {
    passages(summary, body).collect::<Vec<_>>().join("\n")
}

/// The lead, then each text of the body without its markup, made plain only when reached.
pub fn passages<'a>(summary: &'a str, body: &'a [Block]) -> impl Iterator<Item = Cow<'a, str>> {
    std::iter::once(Cow::Borrowed(summary)).chain(body.iter().flat_map(Block::text_parts).map(plain_text))
}

/// The text of sanitised inline HTML: tags dropped (a line break becomes a space), entities
/// decoded. Text without markup (most paragraphs) is taken as it is, unparsed.
fn plain_text(html: &str) -> Cow<'_, str> {
    if !html.contains(['<', '&']) {
        return Cow::Borrowed(html);
    }
    let spaced = html.replace("<br", " <br");
    let stripped = ammonia::Builder::empty().clean(&spaced).to_string();
    Cow::Owned(html_escape::decode_html_entities(&stripped).into_owned())
}

impl Entry {
    /// The entry of an article, or `None` when the article is not published or scheduled, or
    /// is in the trash.
    pub fn of(
        id: i64,
        title: &str,
        summary: &str,
        body: &[Block],
        status: &str,
        published_at: Option<DateTime<Utc>>,
        deleted: bool,
    ) -> Option<Entry> {
        let indexable = matches!(status, "published" | "scheduled") && !deleted;
        let published_at = published_at.filter(|_| indexable)?;
        Some(Entry {
            article_id: id,
            doc_key: doc_key(id, published_at),
            title: IndexedText::of(title),
            body: IndexedText::of(&body_text(summary, body)),
        })
    }
}

fn entry(row: &article::Model) -> anyhow::Result<Option<Entry>> {
    let body: Vec<Block> = serde_json::from_value(row.body.clone())
        .map_err(|e| anyhow::anyhow!("article {} has a corrupt body: {e}", row.id))?;
    Ok(Entry::of(row.id, &row.title, &row.summary, &body, &row.status, row.published_at, row.deleted_at.is_some()))
}

/// Brings the index entries of `ids` up to date with their rows.
pub async fn index<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<()> {
    for chunk in ids.chunks(CHUNK) {
        remove(db, chunk).await?;
        let rows = article::Entity::find()
            .filter(article::Column::Id.is_in(chunk.to_vec()))
            .filter(article::Column::Status.is_in(["published", "scheduled"]))
            .filter(article::Column::DeletedAt.is_null())
            .all(db)
            .await?;
        let entries: Vec<Entry> =
            rows.iter().filter_map(|row| entry(row).transpose()).collect::<anyhow::Result<_>>()?;
        insert(db, &entries).await?;
    }
    Ok(())
}

async fn remove<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<()> {
    let backend = db.get_database_backend();
    if backend != DbBackend::Postgres {
        for table in FTS_TABLES {
            let mut sql = Sql::new(backend);
            sql.push("DELETE FROM ")
                .push(table)
                .push(" WHERE rowid IN (SELECT doc_key FROM search_docs WHERE article_id IN ")
                .bind_list(ids.iter().copied())
                .push(")");
            db.execute_raw(sql.build()).await?;
        }
    }
    let mut sql = Sql::new(backend);
    sql.push("DELETE FROM search_docs WHERE article_id IN ").bind_list(ids.iter().copied());
    db.execute_raw(sql.build()).await?;
    Ok(())
}

/// Adds entries of articles the index does not hold yet (new articles of a bulk load).
pub async fn insert_new<C: ConnectionTrait>(db: &C, entries: &[Entry]) -> AppResult<()> {
    for chunk in entries.chunks(CHUNK) {
        insert(db, chunk).await?;
    }
    Ok(())
}

async fn insert<C: ConnectionTrait>(db: &C, entries: &[Entry]) -> AppResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let texts = |e: &Entry| -> [Value; 4] {
        [
            e.title.folded.as_str().into(),
            e.body.folded.as_str().into(),
            e.title.exact.as_str().into(),
            e.body.exact.as_str().into(),
        ]
    };
    let mut statements = Vec::new();
    match backend {
        DbBackend::Postgres => {
            let mut sql = Sql::new(backend);
            sql.push(
                "INSERT INTO search_docs (article_id, doc_key, folded, exact, title_folded, title_exact) \
                 SELECT v.id, v.doc_key, CAST(v.f AS tsvector), CAST(v.e AS tsvector), CAST(v.tf AS tsvector), \
                 CAST(v.te AS tsvector) FROM (VALUES ",
            )
            .bind_rows(entries.iter().map(|e| {
                let (title, body) = (&e.title, &e.body);
                [
                    e.article_id.into(),
                    e.doc_key.into(),
                    tsvector(&[&title.folded, &body.folded]).into(),
                    tsvector(&[&title.exact, &body.exact]).into(),
                    tsvector(&[&title.folded]).into(),
                    tsvector(&[&title.exact]).into(),
                ]
            }))
            .push(") AS v (id, doc_key, f, e, tf, te)");
            statements.push(sql);
        }
        _ => {
            let mut docs = Sql::new(backend);
            docs.push("INSERT INTO search_docs (article_id, doc_key) VALUES ")
                .bind_rows(entries.iter().map(|e| [Value::from(e.article_id), e.doc_key.into()]));
            let mut fts = Sql::new(backend);
            fts.push("INSERT INTO search_fts (rowid, title_f, body_f, title_e, body_e) VALUES ")
                .bind_rows(entries.iter().map(|e| std::iter::once(e.doc_key.into()).chain(texts(e))));
            let mut titles = Sql::new(backend);
            titles.push("INSERT INTO search_titles (rowid, title_f, title_e) VALUES ").bind_rows(
                entries
                    .iter()
                    .map(|e| [e.doc_key.into(), e.title.folded.as_str().into(), e.title.exact.as_str().into()]),
            );
            statements.extend([docs, fts, titles]);
        }
    }
    // Hashed first: a batch repeats a few thousand words hundreds of thousands of times.
    let distinct: HashSet<&str, foldhash::fast::RandomState> = entries
        .iter()
        .flat_map(|e| [&e.title.exact, &e.title.folded, &e.body.exact, &e.body.folded])
        .flat_map(|text| text.split(' '))
        .filter(|word| !word.is_empty())
        .collect();
    let mut words: Vec<&str> = distinct.into_iter().collect();
    words.sort_unstable();
    for chunk in words.chunks(WORDS_PER_STATEMENT) {
        let mut known = Sql::new(backend);
        known
            .push("INSERT INTO search_words (word) VALUES ")
            .bind_rows(chunk.iter().map(|word| [Value::from(*word)]))
            .push(" ON CONFLICT DO NOTHING");
        statements.push(known);
    }
    for sql in statements {
        db.execute_raw(sql.build()).await?;
    }
    Ok(())
}

/// Rebuilds the whole index from the articles in one transaction (readers keep the old index
/// until it commits), with a progress bar on the terminal. Answers how many articles it holds.
pub async fn reindex(db: &DatabaseConnection) -> AppResult<u64> {
    let txn = db.begin().await?;
    pause_merging(&txn).await?;
    if txn.get_database_backend() != DbBackend::Postgres {
        for table in FTS_TABLES {
            txn.execute_unprepared(&format!("INSERT INTO {table} ({table}) VALUES ('delete-all')")).await?;
        }
    }
    txn.execute_unprepared("DELETE FROM search_docs").await?;
    txn.execute_unprepared("DELETE FROM search_words").await?;
    let ids: Vec<i64> =
        article::Entity::find().select_only().column(article::Column::Id).into_tuple::<i64>().all(&txn).await?;
    let bar = ProgressBar::new(ids.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    for chunk in ids.chunks(CHUNK * 10) {
        index(&txn, chunk).await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let row = txn
        .query_one_raw(Statement::from_string(txn.get_database_backend(), "SELECT COUNT(*) AS n FROM search_docs"))
        .await?;
    let held = match row {
        Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or_default(),
        None => 0,
    };
    txn.commit().await?;
    optimize(db).await?;
    Ok(held)
}

/// What the index's word list says about a query's words.
pub struct Vocabulary {
    /// The query's whole words (in the spellings asked for) that the index has held.
    known: HashSet<String>,
    /// The words some of its prefixes stand for.
    pub completions: Completions,
}

impl Vocabulary {
    /// Reads the list for `query` in each of `spellings`: which whole words it holds, and the
    /// words each prefix stands for where FTS5 has no index of that prefix length (SQLite only;
    /// PostgreSQL reads prefixes from its GIN keys). A prefix that stands for more than
    /// [`MAX_COMPLETIONS`] words is left to the back end.
    pub async fn of<C: ConnectionTrait>(db: &C, query: &SearchQuery, spellings: &[Spelling]) -> AppResult<Self> {
        let backend = db.get_database_backend();
        let whole: BTreeSet<&str> = spellings.iter().flat_map(|s| query.whole_words(*s)).collect();
        let mut known = HashSet::new();
        if !whole.is_empty() {
            let mut sql = Sql::new(backend);
            sql.push("SELECT word FROM search_words WHERE word IN ").bind_list(whole.iter().map(|w| (*w).to_owned()));
            known.extend(words_of(db, sql).await?);
        }
        let mut completions = HashMap::new();
        if backend != DbBackend::Postgres {
            let prefixes: BTreeSet<&str> = spellings
                .iter()
                .flat_map(|spelling| query.prefixes(*spelling))
                .filter(|prefix| !INDEXED_PREFIX_CHARS.contains(&prefix.chars().count()))
                .collect();
            for prefix in prefixes {
                let mut sql = Sql::new(backend);
                // Every word that starts with `prefix` sorts from it to below it followed by the
                // last code point (text compares as UTF-8 bytes).
                sql.push("SELECT word FROM search_words WHERE word >= ")
                    .bind(prefix)
                    .push(" AND word < ")
                    .bind(format!("{prefix}{}", char::MAX))
                    .push(" ORDER BY word LIMIT ")
                    .bind(i64::try_from(MAX_COMPLETIONS + 1).unwrap_or(i64::MAX));
                let words = words_of(db, sql).await?;
                if words.len() <= MAX_COMPLETIONS && words.iter().all(|w| w.chars().all(is_alphanumeric)) {
                    completions.insert(prefix.to_owned(), words);
                }
            }
        }
        Ok(Vocabulary { known, completions: Completions(completions) })
    }

    /// Whether every whole word of `query` in `spelling` is in the index; a search tier that
    /// needs a word no article has finds nothing, and need not be asked.
    pub fn has_whole_words(&self, query: &SearchQuery, spelling: Spelling) -> bool {
        query.whole_words(spelling).all(|w| self.known.contains(w))
    }
}

async fn words_of<C: ConnectionTrait>(db: &C, sql: Sql) -> AppResult<Vec<String>> {
    Ok(db.query_all_raw(sql.build()).await?.iter().map(|row| row.try_get("", "word")).collect::<Result<_, _>>()?)
}

/// Merges SQLite's full-text segments into one after a bulk load, so a query reads one
/// b-tree per term instead of one per segment written (it halves the cost of common words),
/// and switches merging back on after [`pause_merging`]. PostgreSQL's GIN index needs nothing
/// beyond `VACUUM`.
pub async fn optimize<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        set_merging(db, Merging::AS_YOU_GO).await?;
        for table in FTS_TABLES {
            db.execute_unprepared(&format!("INSERT INTO {table} ({table}) VALUES ('optimize')")).await?;
        }
    }
    Ok(())
}

/// When SQLite's full-text tables merge the segments each transaction writes (FTS5's
/// `automerge` and `crisismerge` settings, which the tables store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Merging {
    /// Segments on one level that start a merge after a write; 0 merges only in a crisis.
    automerge: i64,
    /// Segments on one level that force a merge whatever `automerge` says.
    crisismerge: i64,
}

impl Merging {
    /// FTS5's defaults: every write keeps the index compact for the queries after it.
    const AS_YOU_GO: Merging = Merging { automerge: 4, crisismerge: 16 };
    /// A bulk load's: its segments wait for one [`optimize`] at the end.
    const AT_THE_END: Merging = Merging { automerge: 0, crisismerge: 200 };
}

/// Lets a bulk load write SQLite's full-text segments without merging them after every
/// transaction: merging as it went rewrote the same index data several times and took a
/// quarter of a load's time. [`optimize`] merges them once and switches merging back on; a
/// load cut short leaves it off until [`resume_merging`] runs at the next start.
pub async fn pause_merging<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        set_merging(db, Merging::AT_THE_END).await?;
    }
    Ok(())
}

/// Switches merging back on where a bulk load cut short left it off; answers whether it had
/// to. Safe to run on every start.
pub async fn resume_merging<C: ConnectionTrait>(db: &C) -> AppResult<bool> {
    if db.get_database_backend() == DbBackend::Postgres {
        return Ok(false);
    }
    let mut paused = false;
    for table in FTS_TABLES {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT CAST(v AS INTEGER) AS v FROM {table}_config WHERE k = 'automerge'"),
            ))
            .await?;
        paused |= row.map(|r| r.try_get::<i64>("", "v")).transpose()? == Some(Merging::AT_THE_END.automerge);
    }
    if paused {
        set_merging(db, Merging::AS_YOU_GO).await?;
    }
    Ok(paused)
}

async fn set_merging<C: ConnectionTrait>(db: &C, merging: Merging) -> AppResult<()> {
    for table in FTS_TABLES {
        for (key, value) in [("automerge", merging.automerge), ("crisismerge", merging.crisismerge)] {
            db.execute_unprepared(&format!("INSERT INTO {table} ({table}, rank) VALUES ('{key}', {value})")).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_is_the_lead_and_the_text_without_markup() {
        let body = vec![
            Block::Paragraph {
                text: "Cầu <a href=\"https://x.vn\" rel=\"noopener\">Rào</a> &amp; bến<br>xe".into()
            },
            Block::Quote { text: "<em>Tốt</em>".into(), attribution: Some("Ông Hải".into()) },
        ];
        assert_eq!(body_text("Sapo.", &body), "Sapo.\nCầu Rào & bến xe\nTốt\nÔng Hải");
    }

    /// A database indexed before the word list existed gets every indexed word in it.
    #[tokio::test]
    async fn the_word_list_is_filled_from_an_existing_index() {
        use bantin_migration::{Migrator, MigratorTrait};
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        let db = sea_orm::Database::connect(url).await.expect("database");
        let before_the_list = Migrator::migrations()
            .iter()
            .position(|m| m.name() == "m20261128_000004_search_words")
            .expect("the word list's migration");
        Migrator::up(&db, Some(u32::try_from(before_the_list).expect("few"))).await.expect("older migrations");
        db.execute_unprepared(
            "INSERT INTO search_fts (rowid, title_f, body_f, title_e, body_e) \
             VALUES (7, 'tai dinh cu', 'ban giao', 'tái định cư', 'bàn giao')",
        )
        .await
        .expect("an old entry");
        Migrator::up(&db, None).await.expect("the word list");
        let query = SearchQuery::parse("khu tai dinh").expect("query");
        let found = Vocabulary::of(&db, &query, &[Spelling::Folded]).await.expect("vocabulary");
        assert_eq!(found.completions.0.get("dinh"), Some(&vec!["dinh".to_owned()]));
        assert!(!found.has_whole_words(&query, Spelling::Folded), "no article has the word khu");
        let exact = SearchQuery::parse("tai tái định").expect("query");
        let found = Vocabulary::of(&db, &exact, &[Spelling::Exact, Spelling::Folded]).await.expect("vocabulary");
        assert_eq!(found.completions.0.get("định"), Some(&vec!["định".to_owned()]));
        assert_eq!(found.completions.0.len(), 2, "both spellings: {:?}", found.completions);
        assert!(found.has_whole_words(&exact, Spelling::Folded));
    }

    #[test]
    fn later_publication_sorts_later_and_keys_stay_distinct() {
        let t = DateTime::from_timestamp(1_663_653_600, 0).expect("time");
        assert!(doc_key(1, t + chrono::Duration::seconds(1)) > doc_key(999, t));
        assert_ne!(doc_key(1, t), doc_key(2, t));
    }
}
