//! Synthetic archives for benchmarks: realistic Vietnamese articles in bulk (400–1,200
//! words, two or three captioned photos, tags, bylines, five years of dates).

use std::{collections::HashMap, sync::Arc, time::Instant};

use bantin_entity::{author, category, tag};
use chrono::{DateTime, Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::{Rng, SeedableRng, rngs::SmallRng, seq::IndexedRandom};
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbBackend, EntityTrait, TransactionTrait};

use super::{
    demo, images,
    writer::{
        Catalog, NewArticle, NewMedia, PreparedArticles, insert_media_models, insert_prepared, media_models, next_id,
        prepare_articles, refresh_statistics, sync_sequences,
    },
};
use crate::{
    domain::{blocks::Block, slug::Slug},
    read_model::{Byline, TagRef},
    services::{
        categories::CategoryTree,
        changes,
        media::{files::Stored, image_doc},
        search,
    },
    state::Media,
};

const BATCH: u64 = 1_000;

/// One batch of generated articles, ready to write.
struct Batch {
    media: Vec<bantin_entity::media::Model>,
    articles: PreparedArticles,
    count: u64,
}
const PHOTO_FILES: u64 = 12;

const OPENERS: &[&str] = &[
    "Sáng nay,",
    "Chiều qua,",
    "Trong tuần này,",
    "Từ đầu năm đến nay,",
    "Theo kế hoạch,",
    "Tối 14/10,",
    "Những ngày gần đây,",
    "Trong quý III,",
    "Theo báo cáo mới nhất,",
    "Cuối tuần qua,",
];
const SUBJECTS: &[&str] = &[
    "Ủy ban nhân dân thành phố",
    "Sở Giao thông vận tải",
    "người dân phường Cát Dài",
    "các doanh nghiệp logistics",
    "Ban quản lý khu kinh tế",
    "ngành y tế",
    "học sinh các trường trung học",
    "hội nông dân huyện Tiên Lãng",
    "lực lượng công an quận Hải An",
    "các hợp tác xã nông nghiệp",
    "Đoàn Thanh niên thành phố",
    "ngành điện lực",
    "các bệnh viện tuyến quận",
    "Liên đoàn Lao động thành phố",
    "Sở Văn hóa và Thể thao",
    "cảng vụ hàng hải",
];
const VERBS: &[&str] = &[
    "đã triển khai",
    "đang khẩn trương hoàn thiện",
    "vừa công bố",
    "tiếp tục đẩy mạnh",
    "đề xuất điều chỉnh",
    "đã kiểm tra tiến độ",
    "tổ chức tổng kết",
    "chính thức khởi động",
    "rà soát lại",
    "đưa vào sử dụng",
];
const OBJECTS: &[&str] = &[
    "kế hoạch chỉnh trang đô thị",
    "dự án nâng cấp đê biển",
    "chương trình chuyển đổi số",
    "phương án phân luồng giao thông",
    "mô hình chợ văn minh",
    "các tuyến xe buýt mới",
    "công trình nhà ở xã hội",
    "hệ thống thoát nước đô thị",
    "chiến dịch tiêm chủng",
    "giải chạy vì cộng đồng",
    "lễ hội hoa phượng",
    "tuyến đường ven sông",
    "khu tái định cư",
    "trạm bơm tiêu úng",
    "chương trình khuyến học",
    "nghị quyết về kinh tế biển",
];
const PLACES: &[&str] = &[
    "tại quận Lê Chân",
    "ở huyện Thủy Nguyên",
    "trên địa bàn quận Hải An",
    "tại khu công nghiệp Đình Vũ",
    "ở phường Máy Tơ",
    "tại quận Ngô Quyền",
    "ở huyện An Dương",
    "tại quận Hồng Bàng",
    "ở đảo Cát Bà",
    "tại quận Kiến An",
    "ở huyện Kiến Thụy",
    "trên tuyến đường Lạch Tray",
];
const TAILS: &[&str] = &[
    "nhằm nâng cao chất lượng cuộc sống của người dân.",
    "với tổng kinh phí hơn 120 tỷ đồng.",
    "theo đúng tiến độ đề ra.",
    "và nhận được sự đồng tình của đông đảo người dân.",
    "để kịp phục vụ dịp cuối năm.",
    "trong bối cảnh nhu cầu đi lại tăng cao.",
    "với sự tham gia của hàng trăm tình nguyện viên.",
    "sau nhiều tháng chuẩn bị.",
    "đồng thời lấy ý kiến góp ý của cộng đồng.",
    "góp phần thúc đẩy tăng trưởng kinh tế địa phương.",
];
const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Đào", "Ngô", "Dương"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Bảo"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hùng", "Khánh", "Linh", "Nam", "Phương", "Sơn", "Trang", "Tùng",
    "Việt", "Yến",
];
const TOPICS: &[&str] = &[
    "Giao thông",
    "Đô thị",
    "Y tế",
    "Giáo dục",
    "Cảng biển",
    "Du lịch",
    "Lễ hội",
    "Nông nghiệp",
    "Môi trường",
    "Việc làm",
    "Nhà ở",
    "Bóng đá",
    "Chuyển đổi số",
    "An ninh",
    "Thời tiết",
    "Văn hóa",
    "Khởi nghiệp",
    "Điện lực",
];
const AREAS: &[&str] = &[
    "Lê Chân",
    "Ngô Quyền",
    "Hồng Bàng",
    "Hải An",
    "Kiến An",
    "Đồ Sơn",
    "Dương Kinh",
    "Thủy Nguyên",
    "An Dương",
    "An Lão",
    "Kiến Thụy",
    "Tiên Lãng",
    "Vĩnh Bảo",
    "Cát Bà",
];

fn pick<'a>(rng: &mut SmallRng, words: &'a [&'a str]) -> &'a str {
    words.choose(rng).copied().unwrap_or_default()
}

fn sentence(rng: &mut SmallRng) -> String {
    format!(
        "{} {} {} {} {} {}",
        pick(rng, OPENERS),
        pick(rng, SUBJECTS),
        pick(rng, VERBS),
        pick(rng, OBJECTS),
        pick(rng, PLACES),
        pick(rng, TAILS)
    )
}

/// Threads generating batches.
const GENERATORS: u64 = 2;
/// Most photos an article has: each batch owns this many media ids per article, so batches
/// made in parallel never share an id (the unused ones are gaps).
const MAX_PHOTOS: u64 = 3;

/// What every batch is generated from; batch `b` is the same whichever thread makes it.
struct Plan {
    count: u64,
    now: DateTime<Utc>,
    files: Vec<Stored>,
    authors: Vec<i64>,
    tags: Vec<i64>,
    category_ids: Vec<i64>,
    /// Categories, bylines and tags; each batch adds its own photos.
    catalog: Catalog,
    first_media: i64,
    first_article: i64,
}

impl Plan {
    fn batches(&self) -> u64 {
        self.count.div_ceil(BATCH)
    }

    /// Batch `b`: articles `b × BATCH` on, oldest first.
    fn batch(&self, b: u64) -> anyhow::Result<Batch> {
        let done = b * BATCH;
        let n = BATCH.min(self.count - done);
        let mut rng = SmallRng::seed_from_u64(self.count.rotate_left(32) ^ b);
        let span_secs = Duration::days(5 * 365).num_seconds();
        let first_media = self.first_media + i64::try_from(done * MAX_PHOTOS).unwrap_or(0);
        let first_article = self.first_article + i64::try_from(done).unwrap_or(0);
        let mut media = Vec::new();
        let mut articles = Vec::new();
        for k in 0..n {
            let index = done + k;
            // Evenly spread over five years, oldest first, so ids grow with time.
            let offset =
                span_secs - (span_secs * i64::try_from(index).unwrap_or(0)) / i64::try_from(self.count).unwrap_or(1);
            let mut published_at = self.now - Duration::seconds(offset + rng.random_range(0..600));
            let roll = rng.random_range(0..100);
            let status = match roll {
                0 => "draft",
                1 => "archived",
                2 => "scheduled",
                _ => "published",
            };
            if status == "scheduled" {
                published_at = self.now + Duration::days(rng.random_range(1..30));
            }
            let photo_count = rng.random_range(2..=MAX_PHOTOS);
            let mut photo_ids = Vec::new();
            for _ in 0..photo_count {
                let file = &self.files[rng.random_range(0..self.files.len())];
                photo_ids.push(first_media + i64::try_from(media.len()).unwrap_or(0));
                media.push(NewMedia {
                    file_key: file.key.to_string(),
                    byte_size: file.byte_size,
                    width: images::WIDTH as i32,
                    height: images::HEIGHT as i32,
                    alt: format!("Ảnh minh họa {}", pick(&mut rng, OBJECTS)),
                    caption: Some(capitalised(&format!("{} {}.", pick(&mut rng, OBJECTS), pick(&mut rng, PLACES)))),
                    credit: Some(pick(&mut rng, FAMILY).to_owned() + " " + pick(&mut rng, GIVEN)),
                });
            }
            let words_target = rng.random_range(400..=1_200);
            let mut body = Vec::new();
            let mut words = 0;
            let mut photos = photo_ids[1..].iter();
            while words < words_target {
                let paragraph: Vec<String> = (0..rng.random_range(3..=5)).map(|_| sentence(&mut rng)).collect();
                let text = paragraph.join(" ");
                words += text.split_whitespace().count();
                body.push(Block::Paragraph { text });
                if body.len() % 4 == 2
                    && let Some(id) = photos.next()
                {
                    body.push(Block::Image { media_id: *id, caption: None, alt: None });
                }
            }
            let article_title = title(&mut rng);
            let id = first_article + i64::try_from(k).unwrap_or(0);
            let slug = Slug::from_text(&article_title)
                .map(|s| s.with_suffix(u32::try_from(id).unwrap_or(0)).to_string())
                .unwrap_or_else(|| format!("bai-{id}"));
            let author_count = rng.random_range(1..=2);
            let bylines = (0..author_count)
                .map(|j| {
                    (
                        self.authors[rng.random_range(0..self.authors.len())],
                        if j == 0 { "writer" } else { "photographer" },
                    )
                })
                .collect::<Vec<_>>();
            let mut bylines_unique = bylines.clone();
            bylines_unique.dedup_by_key(|(id, _)| *id);
            let mut tag_ids: Vec<i64> =
                (0..rng.random_range(2..=4)).map(|_| self.tags[rng.random_range(0..self.tags.len())]).collect();
            tag_ids.sort_unstable();
            tag_ids.dedup();
            articles.push(NewArticle {
                slug,
                title: article_title,
                summary: sentence(&mut rng) + " " + &sentence(&mut rng),
                body,
                cover: photo_ids.first().copied(),
                category_id: self.category_ids[rng.random_range(0..self.category_ids.len())],
                authors: bylines_unique,
                tags: tag_ids,
                source: None,
                status,
                published_at: Some(published_at),
                deleted_at: None,
            });
        }
        let media = media_models(first_media, media);
        let mut catalog = self.catalog.clone();
        catalog.media = media.iter().cloned().map(|m| (m.id, image_doc(m))).collect();
        let articles = prepare_articles(&catalog, first_article, articles)?;
        Ok(Batch { media, articles, count: n })
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn title(rng: &mut SmallRng) -> String {
    capitalised(&format!("{} {} {} {}", pick(rng, SUBJECTS), pick(rng, VERBS), pick(rng, OBJECTS), pick(rng, PLACES)))
}

/// Generates `count` articles (after loading the demo site if the database is empty) and
/// returns a one-line report with the achieved rate.
pub async fn generate(db: &DatabaseConnection, media: &Media, count: u64) -> anyhow::Result<String> {
    demo::load_if_empty(db, media).await?;
    let started = Instant::now();
    let mut rng = SmallRng::seed_from_u64(count);
    let now = Utc::now();
    let files = images::generate_many(media, 1_000..1_000 + PHOTO_FILES).await?;

    let categories = category::Entity::find().all(db).await?;
    let category_ids: Vec<i64> = categories.iter().map(|c| c.id).collect();
    anyhow::ensure!(!category_ids.is_empty(), "no categories to file synthetic articles under");
    let mut catalog = Catalog {
        categories: CategoryTree::from_rows(categories),
        authors: HashMap::new(),
        tags: HashMap::new(),
        media: HashMap::new(),
    };

    let txn = db.begin().await?;
    let first_author = next_id(&txn, "authors").await?;
    let authors: Vec<author::Model> = (0..24)
        .map(|i| {
            let name = format!("{} {} {}", pick(&mut rng, FAMILY), pick(&mut rng, MIDDLE), pick(&mut rng, GIVEN));
            let id = first_author + i;
            let slug = Slug::from_text(&name)
                .map(|s| s.with_suffix(u32::try_from(id).unwrap_or(0)).to_string())
                .unwrap_or_else(|| format!("tac-gia-{id}"));
            author::Model {
                id,
                slug,
                name,
                title: Some("Phóng viên".into()),
                bio: None,
                avatar_media_id: None,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    author::Entity::insert_many(authors.iter().cloned().map(author::ActiveModel::from)).exec(&txn).await?;
    for a in &authors {
        catalog.authors.insert(
            a.id,
            Byline {
                id: a.id,
                slug: a.slug.clone(),
                name: a.name.clone(),
                title: a.title.clone(),
                role: String::new(),
            },
        );
    }
    let first_tag = next_id(&txn, "tags").await?;
    let tags: Vec<tag::Model> = TOPICS
        .iter()
        .flat_map(|topic| AREAS.iter().map(move |area| format!("{topic} {area}")))
        .zip(first_tag..)
        .map(|(name, id)| {
            let slug = Slug::from_text(&name)
                .map(|s| s.with_suffix(u32::try_from(id).unwrap_or(0)).to_string())
                .unwrap_or_else(|| format!("the-{id}"));
            tag::Model { id, slug, name, created_at: now }
        })
        .collect();
    for chunk in tags.chunks(400) {
        tag::Entity::insert_many(chunk.iter().cloned().map(|t| tag::ActiveModel {
            id: Set(t.id),
            slug: Set(t.slug),
            name: Set(t.name),
            created_at: Set(t.created_at),
        }))
        .exec(&txn)
        .await?;
    }
    for t in &tags {
        catalog.tags.insert(t.id, TagRef { id: t.id, slug: t.slug.clone(), name: t.name.clone() });
    }
    txn.commit().await?;

    let bar = ProgressBar::new(count);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // Batches are generated on two threads (text, search entries and read models are most of
    // the work outside the database) while the writers store the ones before.
    let plan = Arc::new(Plan {
        count,
        now,
        files,
        authors: authors.iter().map(|a| a.id).collect(),
        tags: tags.iter().map(|t| t.id).collect(),
        category_ids,
        catalog,
        first_media: next_id(db, "media").await?,
        first_article: next_id(db, "articles").await?,
    });
    search::index::pause_merging(db).await?;
    let (sender, batches) = tokio::sync::mpsc::channel::<anyhow::Result<Batch>>(2);
    let generators: Vec<_> = (0..GENERATORS)
        .map(|first| {
            let (plan, sender) = (plan.clone(), sender.clone());
            std::thread::spawn(move || {
                for b in (first..plan.batches()).step_by(GENERATORS as usize) {
                    if sender.blocking_send(plan.batch(b)).is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    drop(sender);
    // PostgreSQL runs each connection's statements in a process of its own, so two writers
    // keep both cores of a small machine busy; SQLite takes one writer at a time.
    let writers = if db.get_database_backend() == DbBackend::Postgres { 2 } else { 1 };
    let batches = tokio::sync::Mutex::new(batches);
    futures_util::future::try_join_all((0..writers).map(|_| async {
        loop {
            let next = batches.lock().await.recv().await;
            let Some(batch) = next else { return anyhow::Ok(()) };
            let batch = batch?;
            let txn = db.begin().await?;
            insert_media_models(&txn, &batch.media).await?;
            insert_prepared(&txn, batch.articles).await?;
            txn.commit().await?;
            bar.inc(batch.count);
        }
    }))
    .await?;
    for generator in generators {
        generator.join().map_err(|_| anyhow::anyhow!("the article generator panicked"))?;
    }
    sync_sequences(db).await?;
    changes::bump(db).await?;
    search::index::optimize(db).await?;
    refresh_statistics(db).await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    Ok(format!(
        "generated {count} synthetic articles in {secs:.1} s ({:.0} articles/s)",
        count as f64 / secs.max(0.001)
    ))
}
