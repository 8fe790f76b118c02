//! Article body blocks as a GraphQL union.

use async_graphql::{Enum, SimpleObject, Union};

use crate::views::{self, Image};

/// The kinds of body block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum BlockKind {
    /// A paragraph of text.
    Paragraph,
    /// A sub-heading.
    Heading,
    /// A photo with caption.
    Image,
    /// A quotation.
    Quote,
    /// A bulleted or numbered list.
    List,
}

/// A paragraph of text.
#[derive(SimpleObject)]
pub struct ParagraphBlock {
    /// Always `PARAGRAPH`.
    pub kind: BlockKind,
    /// The paragraph's text.
    pub text: String,
}

/// A sub-heading inside the body.
#[derive(SimpleObject)]
pub struct HeadingBlock {
    /// Always `HEADING`.
    pub kind: BlockKind,
    /// 2 to 4, as in HTML `<h2>`–`<h4>`.
    pub level: i32,
    /// The heading's text.
    pub text: String,
}

/// A photo with its effective caption (the per-use override, or the media item's own).
#[derive(SimpleObject)]
pub struct ImageBlock {
    /// Always `IMAGE`.
    pub kind: BlockKind,
    /// The photo, with the caption to print under it.
    pub image: Image,
}

/// A quotation.
#[derive(SimpleObject)]
pub struct QuoteBlock {
    /// Always `QUOTE`.
    pub kind: BlockKind,
    /// The quoted words.
    pub text: String,
    /// Who said it.
    pub attribution: Option<String>,
}

/// A bulleted or numbered list.
#[derive(SimpleObject)]
pub struct ListBlock {
    /// Always `LIST`.
    pub kind: BlockKind,
    /// Numbered (true) or bulleted (false).
    pub ordered: bool,
    /// The items, in order.
    pub items: Vec<String>,
}

/// One block of an article body, in order.
#[derive(Union)]
pub enum BodyBlock {
    Paragraph(ParagraphBlock),
    Heading(HeadingBlock),
    Image(ImageBlock),
    Quote(QuoteBlock),
    List(ListBlock),
}

impl From<views::BodyBlock> for BodyBlock {
    fn from(block: views::BodyBlock) -> Self {
        match block {
            views::BodyBlock::Paragraph { text } => {
                BodyBlock::Paragraph(ParagraphBlock { kind: BlockKind::Paragraph, text })
            }
            views::BodyBlock::Heading { level, text } => {
                BodyBlock::Heading(HeadingBlock { kind: BlockKind::Heading, level: i32::from(level), text })
            }
            views::BodyBlock::Image { image } => BodyBlock::Image(ImageBlock { kind: BlockKind::Image, image }),
            views::BodyBlock::Quote { text, attribution } => {
                BodyBlock::Quote(QuoteBlock { kind: BlockKind::Quote, text, attribution })
            }
            views::BodyBlock::List { ordered, items } => {
                BodyBlock::List(ListBlock { kind: BlockKind::List, ordered, items })
            }
        }
    }
}
