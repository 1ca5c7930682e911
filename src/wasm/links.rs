//! Making share links (SPEC §2.4), a module of its own (`pagesim_links`, see build.sh): deflate
//! is a fifth of the page's module, and the page needs it only once it shows a link, so it loads
//! this later. Reading links stays in the page's module (an opened link is read at once). The
//! exercise generator lives here too: it is opened, and linked, on demand.

use super::*;
use crate::scenario::link;

/// The payload of a share link: `1.<base64url(deflate(text))>`.
#[wasm_bindgen(js_name = encodeLink)]
pub fn encode_link(text: JsValue) -> Result<String, JsValue> {
    let text = self::text(&text, "the scenario")?;
    if text.len() > link::MAX_TEXT_BYTES {
        return Err(error(format!("a link can carry at most {} KiB of scenario", link::MAX_TEXT_BYTES / 1024)));
    }
    Ok(link::encode(&text))
}

/// The full share URL for `text` at `step`.
#[wasm_bindgen(js_name = shareUrl)]
pub fn share_url(base: JsValue, text: JsValue, step: JsValue) -> Result<String, JsValue> {
    let base = self::text(&base, "the base URL")?;
    let text = self::text(&text, "the scenario")?;
    let step =
        if step.is_undefined() || step.is_null() { None } else { Some(int(&step, "step", u32::MAX as u64)? as usize) };
    encode_link(JsValue::from_str(&text))?;
    Ok(link::share_url(&base, &text, step))
}

/// A seeded reference-string exercise as a scenario (the same exercise as `pagesim exercise`
/// with the same arguments): `exerciseScenario('fifo', 3, 12, 6, 42)`.
#[wasm_bindgen(js_name = exerciseScenario)]
pub fn exercise_scenario(
    policy: JsValue,
    frames: JsValue,
    length: JsValue,
    pages: JsValue,
    seed: JsValue,
) -> Result<String, JsValue> {
    use crate::scenario::exercise;
    let policy = policy_of(&policy)?;
    let frames = int(&frames, "frames", 64)? as u32;
    let length = int(&length, "length", exercise::MAX_LENGTH as u64)? as usize;
    let pages = int(&pages, "pages", exercise::MAX_PAGES)?;
    let seed = int(&seed, "seed", u64::from(u32::MAX))?;
    exercise::exercise_text(policy, frames, length, pages, seed).map_err(error)
}
