//! Article body blocks: the ordered, typed pieces of an article body as editors write them.

use serde::{Deserialize, Serialize};

/// A body block as stored. Images refer to a media item; their caption and alt text may be
/// overridden for this one use without touching the media library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    Paragraph {
        text: String,
    },
    Heading {
        level: u8,
        text: String,
    },
    Image {
        media_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alt: Option<String>,
    },
    Quote {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attribution: Option<String>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
}

impl Block {
    /// The block's readable text, for word counts and plain-text renderings.
    pub fn text_parts(&self) -> Vec<&str> {
        match self {
            Block::Paragraph { text } | Block::Heading { text, .. } => vec![text],
            Block::Quote { text, attribution } => {
                std::iter::once(text.as_str()).chain(attribution.as_deref()).collect()
            }
            Block::List { items, .. } => items.iter().map(String::as_str).collect(),
            Block::Image { .. } => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// A body is read whole or refused, never half-read.
    fn parse_body(value: &serde_json::Value) -> Result<Vec<Block>, serde_json::Error> {
        Vec::<Block>::deserialize(value)
    }

    #[test]
    fn image_block_without_overrides_round_trips_without_nulls() {
        let body = json!([{ "type": "image", "media_id": 7 }]);
        let blocks = parse_body(&body).expect("valid body");
        assert_eq!(blocks, [Block::Image { media_id: 7, caption: None, alt: None }]);
        assert_eq!(serde_json::to_value(&blocks).expect("serialise"), body);
    }

    #[test]
    fn unknown_block_types_and_fields_are_refused() {
        for bad in [
            json!([{ "type": "script", "text": "x" }]),
            json!([{ "type": "paragraph", "text": "x", "onclick": "y" }]),
            json!([{ "type": "image" }]),
            json!({ "type": "paragraph", "text": "not a list" }),
        ] {
            assert!(parse_body(&bad).is_err(), "{bad} should be refused");
        }
    }

    fn arb_block() -> impl Strategy<Value = Block> {
        let text = "\\PC{0,30}";
        prop_oneof![
            text.prop_map(|text| Block::Paragraph { text }),
            (1u8..=6, text).prop_map(|(level, text)| Block::Heading { level, text }),
            (any::<i64>(), proptest::option::of(text), proptest::option::of(text))
                .prop_map(|(media_id, caption, alt)| Block::Image { media_id, caption, alt }),
            (text, proptest::option::of(text)).prop_map(|(text, attribution)| Block::Quote { text, attribution }),
            (any::<bool>(), proptest::collection::vec(text, 0..4))
                .prop_map(|(ordered, items)| Block::List { ordered, items }),
        ]
    }

    proptest! {
        #[test]
        fn any_body_round_trips_through_json(blocks in proptest::collection::vec(arb_block(), 0..8)) {
            let value = serde_json::to_value(&blocks).expect("serialise");
            prop_assert_eq!(parse_body(&value).expect("parse"), blocks);
        }

        #[test]
        fn arbitrary_json_never_panics_the_parser(raw in "\\PC{0,200}") {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&raw) {
                let _ = parse_body(&value);
            }
        }
    }
}
