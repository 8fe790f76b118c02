//! Generated photographs for demo and synthetic content: a skyline under a coloured sky,
//! different for every seed, stored with their renditions like any upload.

use futures_util::{StreamExt, TryStreamExt};
use image::{DynamicImage, Rgb, RgbImage};
use rand::{Rng, SeedableRng, rngs::SmallRng};

use crate::{
    services::media::files::{self, Stored},
    state::Media,
};

pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 640;

fn render(seed: u64) -> RgbImage {
    let mut rng = SmallRng::seed_from_u64(seed);
    let top = [rng.random_range(20..120u8), rng.random_range(60..160u8), rng.random_range(140..255u8)];
    let bottom = [rng.random_range(180..255u8), rng.random_range(120..220u8), rng.random_range(80..200u8)];
    let mut img = RgbImage::from_fn(WIDTH, HEIGHT, |_, y| {
        let t = y as f32 / HEIGHT as f32;
        let mix = |a: u8, b: u8| (a as f32 * (1.0 - t) + b as f32 * t) as u8;
        Rgb([mix(top[0], bottom[0]), mix(top[1], bottom[1]), mix(top[2], bottom[2])])
    });
    let (sun_x, sun_y, sun_r) =
        (rng.random_range(100..860i32), rng.random_range(60..260i32), rng.random_range(30..70i32));
    let mut x = 0;
    while x < WIDTH {
        let width = rng.random_range(40..140u32).min(WIDTH - x);
        let height = rng.random_range(120..420u32);
        let shade = rng.random_range(30..90u8);
        for px in x..x + width {
            for py in HEIGHT - height..HEIGHT {
                let window = (px % 18 < 8) && (py % 24 < 10) && rng.random_bool(0.3);
                let c = if window { [230, 210, 120] } else { [shade, shade, shade + 20] };
                img.put_pixel(px, py, Rgb(c));
            }
        }
        x += width;
    }
    for py in (sun_y - sun_r).max(0)..(sun_y + sun_r).min(HEIGHT as i32) {
        for px in (sun_x - sun_r).max(0)..(sun_x + sun_r).min(WIDTH as i32) {
            let (dx, dy) = (px - sun_x, py - sun_y);
            let (ux, uy) = (u32::try_from(px).unwrap_or(0), u32::try_from(py).unwrap_or(0));
            if dx * dx + dy * dy <= sun_r * sun_r && img.get_pixel(ux, uy)[0] > 100 {
                img.put_pixel(ux, uy, Rgb([255, 236, 170]));
            }
        }
    }
    img
}

/// Renders images number `seeds` and stores them with their renditions, a few at a time so
/// every core has work; the result is in the order of `seeds`.
pub async fn generate_many(media: &Media, seeds: impl Iterator<Item = u64>) -> anyhow::Result<Vec<Stored>> {
    futures_util::stream::iter(seeds)
        .map(|seed| async move {
            let image = tokio::task::spawn_blocking(move || DynamicImage::ImageRgb8(render(seed))).await?;
            files::store_generated(media, image).await
        })
        .buffered(4)
        .try_collect()
        .await
}
