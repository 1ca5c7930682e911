//! Making and reading share links (README, *Links and embedding*) and Settings' config editing,
//! in the page's module: a shared link's first view then loads one module, not two (a second one
//! cost it a round trip and a compilation). The exercises are in `exercises.rs`.

use super::*;
use crate::scenario::link;

/// The payload of a share link: `1.<base64url(deflate(text))>`.
#[wasm_bindgen(js_name = encodeLink)]
pub fn encode_link(text: JsValue) -> Result<String, JsValue> {
    let text = self::text(&text, "the scenario")?;
    fits_in_link(&text)?;
    Ok(link::encode(&text))
}

fn fits_in_link(text: &str) -> Result<(), JsValue> {
    if text.len() > link::MAX_TEXT_BYTES {
        return Err(error(format!("a link can carry at most {} KiB of scenario", link::MAX_TEXT_BYTES / 1024)));
    }
    Ok(())
}

/// The full share URL for `text` at `step`.
#[wasm_bindgen(js_name = shareUrl)]
pub fn share_url(base: JsValue, text: JsValue, step: JsValue) -> Result<String, JsValue> {
    let base = self::text(&base, "the base URL")?;
    let text = self::text(&text, "the scenario")?;
    let step =
        if step.is_undefined() || step.is_null() { None } else { Some(int(&step, "step", u32::MAX as u64)? as usize) };
    fits_in_link(&text)?;
    Ok(link::share_url(&base, &text, step))
}

/// The scenario text with its config line rewritten in canonical form with `changes` applied
/// (`"frames=8 page=2K"`; aliases in the text are folded): what Settings writes. Throws an Error
/// naming the bad setting.
#[wasm_bindgen(js_name = editConfig)]
pub fn edit_config(text: JsValue, changes: JsValue) -> Result<String, JsValue> {
    let text = self::text(&text, "the scenario")?;
    let changes = self::text(&changes, "the settings")?;
    crate::scenario::edit_config(&text, &changes).map_err(error)
}

/// Decodes a location fragment (`#s=1.…&t=5&mode=predict`): `{text, step, mode, embed}`; throws
/// an Error with a clear message for a malformed, truncated or oversized link.
#[wasm_bindgen(js_name = decodeLink)]
pub fn decode_link(fragment: JsValue) -> Result<JsValue, JsValue> {
    let fragment = text(&fragment, "the link")?;
    let state = link::parse_fragment(&fragment).map_err(|e| error(e.to_string()))?;
    #[derive(Serialize)]
    struct S {
        text: String,
        step: Option<usize>,
        mode: Option<&'static str>,
        embed: bool,
    }
    to_js(&S { text: state.text, step: state.step, mode: state.mode, embed: state.embed })
}
