//! Site settings, and the in-memory snapshot of what almost every request needs.

use anyhow::Context;
use bantin_entity::{site, social_link};
use chrono_tz::Tz;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use super::categories::CategoryTree;
use crate::{imaging::RenditionSet, state::AppState, views::Presenter};

/// One of the portal's social accounts.
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct SocialLink {
    /// Network the account is on: facebook, youtube, zalo …
    #[schema(example = "facebook")]
    pub platform: String,
    /// Text shown with the link.
    #[schema(example = "Fanpage Cổng tin tức thành phố")]
    pub label: String,
    /// Address of the account.
    pub url: String,
    /// A QR code of `url` (SVG; `qr.png` for a PNG), for print and posters.
    pub qr_code_url: String,
}

/// The portal's public settings.
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct Site {
    /// Name of the portal.
    #[schema(example = "Bản tin Cảng Phố")]
    pub name: String,
    /// One-sentence description of the portal.
    pub description: String,
    /// Base of the portal's public URLs; article URLs are built from it.
    #[schema(example = "https://tintuc.example.vn")]
    pub base_url: String,
    /// IANA time zone dates are shown in.
    #[schema(example = "Asia/Ho_Chi_Minh")]
    pub time_zone: String,
    /// BCP 47 language tag of the content.
    #[schema(example = "vi-VN")]
    pub locale: String,
    /// The portal's social accounts, in display order.
    pub social_links: Vec<SocialLink>,
}

/// Site settings and the category tree, replaced whole when either changes.
pub struct Snapshot {
    pub site: Site,
    pub presenter: Presenter,
    pub categories: CategoryTree,
}

/// Reads the snapshot from the database; `public_url` is this API's own origin.
pub async fn load_snapshot(
    db: &DatabaseConnection,
    public_url: &str,
    renditions: &RenditionSet,
) -> anyhow::Result<Snapshot> {
    let row = site::Entity::find_by_id(1)
        .one(db)
        .await?
        .context("the site settings row is missing; run `bantin seed --demo` or create it")?;
    let tz: Tz = row
        .time_zone
        .parse()
        .with_context(|| format!("site time zone `{}` is not an IANA time zone", row.time_zone))?;
    let social_links = social_link::Entity::find()
        .order_by_asc(social_link::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| SocialLink {
            qr_code_url: format!("{public_url}/api/v1/site/social-links/{}/qr.svg", l.platform),
            platform: l.platform,
            label: l.label,
            url: l.url,
        })
        .collect();
    let presenter = Presenter {
        files_base: format!("{public_url}/files/"),
        api_base: format!("{public_url}/api/v1"),
        site_base: row.base_url.trim_end_matches('/').to_owned(),
        tz,
        renditions: renditions.clone(),
    };
    Ok(Snapshot {
        site: Site {
            name: row.name,
            description: row.description,
            base_url: row.base_url,
            time_zone: row.time_zone,
            locale: row.locale,
            social_links,
        },
        presenter,
        categories: CategoryTree::load(db).await?,
    })
}

pub fn get(state: &AppState) -> Site {
    state.snapshot().site.clone()
}
