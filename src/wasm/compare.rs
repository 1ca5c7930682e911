//! The policy comparison plot's module (`pagesim_compare`, see build.sh), loaded by the page for
//! the presets that plot one. A module of its own: in the trace module its scenario runner gave
//! the access path a second caller, and the replay loop lost its inlining (measured: a third of
//! issue 11's WebAssembly slowdown).

use super::*;
use crate::engine::config::{PolicyKind, MAX_FRAMES};
use crate::scenario::{link, parse};

/// Page faults of a scenario under each policy and frame count: `faults[i][j]` for `policies[i]`
/// and `frames[j]` (the comparison plot). Steps that fail end that run early.
#[wasm_bindgen(js_name = compareScenario)]
pub fn compare_scenario(text: JsValue, policies: JsValue, frames: JsValue) -> Result<JsValue, JsValue> {
    let text = self::text(&text, "the scenario")?;
    let policies: Array = helper_result(plain_list(&policies, 16), "the policies")?.unchecked_into();
    let frames: Array = helper_result(plain_list(&frames, 64), "the frame counts")?.unchecked_into();
    if text.len() > link::MAX_TEXT_BYTES {
        return Err(error("compareScenario takes at most 256 KiB of scenario"));
    }
    let scenario = parse(&text).map_err(|e| parse_error(&e))?;
    let policies = policies
        .iter()
        .map(|p| {
            let name = self::text(&p, "a policy")?;
            PolicyKind::parse(&name).ok_or_else(|| error(format!("unknown policy {}", describe(&p))))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let frames =
        frames.iter().map(|f| int(&f, "frames", MAX_FRAMES as u64).map(|f| f as u32)).collect::<Result<Vec<_>, _>>()?;
    let out = crate::scenario::compare::compare(&scenario, &policies, &frames).map_err(error)?;
    to_js(&out)
}
