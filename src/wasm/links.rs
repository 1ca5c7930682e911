//! Making and reading share links (README, *Links and embedding*), the exercise generator and
//! Settings' config editing, in the page's module: a shared link's first view then loads one
//! module, not two (a second one cost it a round trip and a compilation).

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

/// A seeded TLB exercise (the same as `pagesim exercise --kind tlb --seed S --count N`):
/// `{text, exercise}`, the scenario to step through and the exercise with its answers as
/// `--json` prints it. `tlbExercise(42, 10)`
#[wasm_bindgen(js_name = tlbExercise)]
pub fn tlb_exercise(seed: JsValue, count: JsValue) -> Result<JsValue, JsValue> {
    use crate::scenario::tlb_exercise as tlb;
    let seed = int(&seed, "seed", u64::from(u32::MAX))?;
    let count = int(&count, "count", tlb::MAX_COUNT as u64)? as usize;
    let e = tlb::tlb_exercise(seed, count).map_err(error)?;
    let vas: Vec<u64> = e.accesses.iter().map(|a| a.va).collect();
    let text = tlb::tlb_exercise_text(e.page_size, e.va_bits, e.tlb_entries, e.tlb_ways, &vas);
    #[derive(serde::Serialize)]
    struct Out {
        text: String,
        exercise: crate::report::TlbExerciseReport,
    }
    to_js(&Out { text, exercise: crate::report::TlbExerciseReport::new(&e) })
}

/// A seeded translation exercise (the same as `pagesim exercise --kind translate --seed S --count
/// N --levels L`): `{text, exercise, describe, summary}`, the scenario that builds its machine
/// (to step through), the exercise with its answers as `--json` prints it, the question's
/// machine, base register and tables' dump, and the answers counted, as the CLI prints them. `translateExercise(42, 10, 2)`
#[wasm_bindgen(js_name = translateExercise)]
pub fn translate_exercise(seed: JsValue, count: JsValue, levels: JsValue) -> Result<JsValue, JsValue> {
    use crate::scenario::translate_exercise as tr;
    let seed = int(&seed, "seed", u64::from(u32::MAX))?;
    let count = int(&count, "count", tr::MAX_COUNT as u64)? as usize;
    let levels = int(&levels, "levels", u64::from(tr::MAX_LEVELS))? as u32;
    let e = tr::translate_exercise(seed, count, levels).map_err(error)?;
    #[derive(serde::Serialize)]
    struct Out {
        text: String,
        exercise: crate::report::TranslateExerciseReport,
        describe: String,
        summary: String,
    }
    let (exercise, describe, summary) = (crate::report::TranslateExerciseReport::new(&e), e.describe(), e.summary());
    to_js(&Out { text: e.scenario, exercise, describe, summary })
}

/// A typed reference string ("7 0 1 2" or "7,0,1,2") as a scenario under `policy` with `frames`
/// frames, for the page's reference-string view: `refsScenario('7 0 1 2 0 3', 3, 'lru')`. Throws
/// an Error saying where the string is wrong.
#[wasm_bindgen(js_name = refsScenario)]
pub fn refs_scenario(refs: JsValue, frames: JsValue, policy: JsValue) -> Result<String, JsValue> {
    use crate::scenario::exercise;
    let refs = text(&refs, "the reference string")?;
    let pages = exercise::parse_refs(&refs).map_err(error)?;
    let policy = policy_of(&policy)?;
    let frames = int(&frames, "frames", exercise::MAX_FRAMES as u64)? as u32;
    exercise::refs_text(&pages, frames, policy).map_err(error)
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
