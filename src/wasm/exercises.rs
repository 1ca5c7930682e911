//! Exercises (README, *Command line*: `pagesim exercise`) and reference strings, in the module the
//! page loads on demand (`pagesim_compare`, with the comparison plot): the Exercise dialog and the
//! reference-string view load it when first used, so the first view does not wait for their code
//! (88 KB of the page's module, 38 KB gzipped: 0.2 s on a slow mobile link).

use super::*;

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
