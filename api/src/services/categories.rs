//! Categories: the ordered tree of the portal's sections.

use std::collections::HashMap;

use bantin_entity::category;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use super::articles::{self, ArticleFilter};
use crate::{
    error::{AppError, AppResult},
    read_model::CategoryRef,
    state::AppState,
};

/// A category in the tree, with its sub-categories in editorial order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CategoryNode {
    pub id: i64,
    #[schema(example = "thoi-su")]
    pub slug: String,
    #[schema(example = "Thời sự")]
    pub name: String,
    pub description: Option<String>,
    #[schema(no_recursion)]
    pub children: Vec<CategoryNode>,
}

/// A category page: where it sits in the tree and how many public articles it holds.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CategoryDetail {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<CategoryRef>,
    /// From the top section down to this category.
    pub breadcrumb: Vec<CategoryRef>,
    pub children: Vec<CategoryRef>,
    /// Public articles in this category and its sub-categories.
    pub article_count: u64,
}

/// The whole tree in memory: a portal has tens of sections, and every list filter and
/// breadcrumb needs it.
#[derive(Clone)]
pub struct CategoryTree {
    rows: Vec<category::Model>,
    by_id: HashMap<i64, usize>,
    by_slug: HashMap<String, usize>,
    children: HashMap<Option<i64>, Vec<usize>>,
}

impl CategoryTree {
    pub async fn load(db: &DatabaseConnection) -> Result<Self, sea_orm::DbErr> {
        let rows = category::Entity::find()
            .order_by_asc(category::Column::Position)
            .order_by_asc(category::Column::Id)
            .all(db)
            .await?;
        Ok(Self::from_rows(rows))
    }

    pub fn from_rows(rows: Vec<category::Model>) -> Self {
        let mut tree =
            CategoryTree { by_id: HashMap::new(), by_slug: HashMap::new(), children: HashMap::new(), rows: Vec::new() };
        for (i, row) in rows.iter().enumerate() {
            tree.by_id.insert(row.id, i);
            tree.by_slug.insert(row.slug.clone(), i);
            tree.children.entry(row.parent_id).or_default().push(i);
        }
        tree.rows = rows;
        tree
    }

    pub fn get(&self, id: i64) -> Option<&category::Model> {
        self.by_id.get(&id).map(|&i| &self.rows[i])
    }

    /// Sub-categories of `parent` (top-level sections for `None`), in editorial order.
    pub fn children_of(&self, parent: Option<i64>) -> Vec<&category::Model> {
        self.children.get(&parent).into_iter().flatten().map(|&i| &self.rows[i]).collect()
    }

    pub fn by_slug(&self, slug: &str) -> Option<&category::Model> {
        self.by_slug.get(slug).map(|&i| &self.rows[i])
    }

    fn reference(row: &category::Model) -> CategoryRef {
        CategoryRef { id: row.id, slug: row.slug.clone(), name: row.name.clone() }
    }

    /// Root first, `id` last. Stops at a cycle rather than looping.
    pub fn path(&self, id: i64) -> Vec<CategoryRef> {
        let mut path = Vec::new();
        let mut next = Some(id);
        while let Some(current) = next {
            let Some(&i) = self.by_id.get(&current) else { break };
            if path.len() > self.rows.len() {
                break;
            }
            path.push(Self::reference(&self.rows[i]));
            next = self.rows[i].parent_id;
        }
        path.reverse();
        path
    }

    /// `id` and every category below it.
    pub fn subtree_ids(&self, id: i64) -> Vec<i64> {
        let mut ids = vec![id];
        let mut i = 0;
        while i < ids.len() && ids.len() <= self.rows.len() {
            if let Some(kids) = self.children.get(&Some(ids[i])) {
                ids.extend(kids.iter().map(|&k| self.rows[k].id));
            }
            i += 1;
        }
        ids
    }

    fn nodes(&self, parent: Option<i64>, depth: usize) -> Vec<CategoryNode> {
        let Some(kids) = self.children.get(&parent) else { return Vec::new() };
        kids.iter()
            .map(|&k| {
                let row = &self.rows[k];
                CategoryNode {
                    id: row.id,
                    slug: row.slug.clone(),
                    name: row.name.clone(),
                    description: row.description.clone(),
                    children: if depth < self.rows.len() { self.nodes(Some(row.id), depth + 1) } else { Vec::new() },
                }
            })
            .collect()
    }
}

pub fn tree(state: &AppState) -> Vec<CategoryNode> {
    state.snapshot().categories.nodes(None, 0)
}

pub async fn get(state: &AppState, slug: &str) -> AppResult<CategoryDetail> {
    let snapshot = state.snapshot();
    let tree = &snapshot.categories;
    let row = tree.by_slug(slug).ok_or(AppError::NotFound("category"))?;
    let filter = ArticleFilter { category: Some(row.slug.clone()), ..ArticleFilter::default() };
    let article_count = articles::count(state, &filter).await?;
    let breadcrumb = tree.path(row.id);
    Ok(CategoryDetail {
        id: row.id,
        slug: row.slug.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        parent: row.parent_id.and_then(|p| tree.by_id.get(&p)).map(|&i| CategoryTree::reference(&tree.rows[i])),
        breadcrumb,
        children: tree
            .children
            .get(&Some(row.id))
            .into_iter()
            .flatten()
            .map(|&k| CategoryTree::reference(&tree.rows[k]))
            .collect(),
        article_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row(id: i64, slug: &str, parent_id: Option<i64>, position: i32) -> category::Model {
        category::Model {
            id,
            slug: slug.into(),
            name: slug.into(),
            description: None,
            parent_id,
            position,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn paths_run_from_the_root_and_subtrees_include_grandchildren() {
        let tree = CategoryTree::from_rows(vec![
            row(1, "thoi-su", None, 0),
            row(2, "do-thi", Some(1), 0),
            row(3, "giao-thong", Some(2), 0),
            row(4, "the-thao", None, 1),
        ]);
        let slugs: Vec<_> = tree.path(3).into_iter().map(|c| c.slug).collect();
        assert_eq!(slugs, ["thoi-su", "do-thi", "giao-thong"]);
        assert_eq!(tree.subtree_ids(1), [1, 2, 3]);
        assert_eq!(tree.subtree_ids(4), [4]);
    }

    #[test]
    fn a_parent_cycle_does_not_hang() {
        let tree = CategoryTree::from_rows(vec![row(1, "a", Some(2), 0), row(2, "b", Some(1), 0)]);
        assert!(tree.path(1).len() <= 3);
        assert!(tree.subtree_ids(1).len() <= 3);
    }
}
