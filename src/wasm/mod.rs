//! The JavaScript API (README, *JavaScript API*): the only module that mentions `wasm_bindgen`.
//!
//! Thin by design: it checks what JavaScript passes in, calls the engine or the scenario runner,
//! and turns results into plain JS objects and errors into JS `Error`s. The renderer reads compact
//! typed views of the machine (see `engine::view`) straight from wasm memory.
//!
//! **Nothing JavaScript passes can break the module.**
//! - Numbers and strings arrive as `JsValue`s and are read with `typeof` checks, so `undefined`,
//!   `NaN`, negative or huge numbers and wrong types become clear errors. Numbers that do not fit a
//!   JavaScript number exactly (above 2^53 − 1) are refused where they enter.
//! - Anything that could run the caller's code (an object's getters, a Proxy's traps, an array's
//!   length) is read by the small JavaScript helpers below, which wasm-bindgen calls inside a
//!   `try` (`catch`): an exception there becomes an `Err`, never an exception unwinding through
//!   WebAssembly (which would leak the shadow stack).
//! - Methods borrow the simulator shared and take its state with `try_borrow_mut`, so a getter
//!   that calls back into the same simulator gets an Error instead of a trap; a disposed simulator
//!   answers every call with an Error.
//! - A call either happens completely or not at all: the engine refuses bad requests before it
//!   changes anything.

// Each module is built with some of the features and uses a subset of the helpers below.
#![cfg_attr(not(all(feature = "page", feature = "traces", feature = "compare")), allow(dead_code))]

#[cfg(feature = "page")]
use crate::engine::config::Config;
use crate::engine::error::quoted;
#[cfg(any(feature = "page", feature = "compare"))]
use crate::scenario::ParseError;
use js_sys::Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;

// Three modules are built from this crate (see build.sh): the page's (`page`: the simulator,
// presets, links), the trace worker's (`traces`: trace replays and fault curves) and the one the
// page loads on demand (`compare`: the comparison plot, exercises, reference strings), so the
// page does not load code before it needs it.
#[cfg(feature = "compare")]
mod compare;
#[cfg(feature = "compare")]
mod exercises;
#[cfg(feature = "page")]
mod links;
#[cfg(feature = "page")]
mod simulator;
#[cfg(feature = "traces")]
mod traces;
#[cfg(feature = "compare")]
pub use compare::*;
#[cfg(feature = "compare")]
pub use exercises::*;
#[cfg(feature = "page")]
pub use links::*;
#[cfg(feature = "page")]
pub use simulator::*;
#[cfg(feature = "traces")]
pub use traces::*;

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

// ----- reading what JavaScript passes -----------------------------------------------------------

// Each helper reads the caller's value inside a try and returns `[true, value]` or
// `[false, message]`: plain data made here, never the caller's object.
#[wasm_bindgen(inline_js = r#"
function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}
function message(e) {
  try { return e instanceof Error ? String(e.message) : 'a thrown ' + describe(e); } catch { return 'an exception'; }
}
export function plain_entries(obj, max) {
  try {
    const out = [];
    for (const key of Object.keys(obj)) {
      if (out.length >= max) return [false, `at most ${max} keys`];
      const v = obj[key];
      // `reclaim: [LOW, HIGH]`, as config() gives it, is read as the text "LOW,HIGH".
      if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) {
        out.push([key, `${v[0]},${v[1]}`]);
        continue;
      }
      // `asid: true`, as config() gives it, is read as "on".
      if (typeof v === 'boolean') {
        out.push([key, v ? 'on' : 'off']);
        continue;
      }
      if (!(typeof v === 'number' || typeof v === 'string' || v == null)) {
        return [false, `config value ${key.slice(0, 40)} must be a number, a string or a boolean, not ${describe(v)}`];
      }
      out.push([key, v]);
    }
    return [true, out];
  } catch (e) { return [false, message(e)]; }
}
export function plain_options(x) {
  try {
    if (x === undefined || x === null) return [true, null];
    if (typeof x !== 'object' || Array.isArray(x)) return [false, `expected {shared: name} or {file: name}, not ${describe(x)}`];
    // Read once each, here: a getter that throws (or calls back into the simulator) is an Error.
    const shared = x.shared, file = x.file;
    return [true, [shared ?? null, file ?? null]];
  } catch (e) { return [false, message(e)]; }
}
export function plain_bytes(x) {
  try {
    // isView is false for a Proxy, so what is read here is a real typed array or buffer.
    if (ArrayBuffer.isView(x)) return [true, new Uint8Array(x.buffer, x.byteOffset, x.byteLength)];
    if (x instanceof ArrayBuffer) return [true, new Uint8Array(x)];
    return [false, `expected the file's bytes (a Uint8Array or an ArrayBuffer), not ${describe(x)}`];
  } catch (e) { return [false, message(e)]; }
}
export function plain_list(x, max) {
  try {
    if (!Array.isArray(x)) return [false, `expected an array, not ${describe(x)}`];
    const n = x.length;
    if (n > max) return [false, `at most ${max} items, not ${n}`];
    const out = [];
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (!(typeof v === 'number' || typeof v === 'string')) return [false, `item ${i} is ${describe(v)}`];
      out.push(v);
    }
    return [true, out];
  } catch (e) { return [false, message(e)]; }
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    pub(crate) fn plain_entries(obj: &JsValue, max: u32) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch)]
    pub(crate) fn plain_bytes(x: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch)]
    pub(crate) fn plain_options(x: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch)]
    pub(crate) fn plain_list(x: &JsValue, max: u32) -> Result<Array, JsValue>;
}

/// The value a helper read, or an Error that names `what`.
pub(crate) fn helper_result(r: Result<Array, JsValue>, what: &str) -> Result<JsValue, JsValue> {
    let r = r.map_err(|_| error(format!("could not read {what}")))?;
    if r.get(0).is_truthy() {
        Ok(r.get(1))
    } else {
        Err(error(format!("could not read {what}: {}", r.get(1).as_string().unwrap_or_default())))
    }
}

pub(crate) fn error(message: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(message.as_ref()).into()
}

#[cfg(any(feature = "page", feature = "compare"))]
pub(crate) fn parse_error(e: &ParseError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&err, &"line".into(), &(e.line as f64).into());
    let _ = js_sys::Reflect::set(&err, &"column".into(), &(e.column as f64).into());
    let _ = js_sys::Reflect::set(&err, &"reason".into(), &e.message.as_str().into());
    err.into()
}

/// Largest integer a JavaScript number holds exactly.
pub(crate) const MAX_SAFE: u64 = (1 << 53) - 1;

/// A whole number in `0..=max` from a JS value, or an error naming `what`.
pub(crate) fn int(v: &JsValue, what: &str, max: u64) -> Result<u64, JsValue> {
    let Some(n) = v.as_f64() else {
        return Err(error(format!("{what} must be a number, not {}", describe(v))));
    };
    if !n.is_finite() || n.fract() != 0.0 || n < 0.0 {
        return Err(error(format!("{what} must be a whole number ≥ 0, not {}", number_text(n))));
    }
    let max = max.min(MAX_SAFE);
    if n > max as f64 {
        return Err(error(format!("{what} must be at most {max}, not {}", number_text(n))));
    }
    Ok(n as u64)
}

/// An address or page number from JavaScript, up to 2^64 − 1 (README, *64-bit address spaces*): a
/// whole number up to 2^53 − 1, a BigInt, or a string of decimal or `0x` hex digits as a scenario
/// writes it. Anything else (a larger or inexact number, a negative or too large BigInt) is an
/// error naming `what`.
pub(crate) fn wide(v: &JsValue, what: &str) -> Result<u64, JsValue> {
    if v.is_bigint() {
        return u64::try_from(v.clone()).map_err(|_| {
            let digits = js_sys::BigInt::unchecked_from_js_ref(v).to_string(10).map(String::from).unwrap_or_default();
            let shown =
                if digits.len() > 40 { format!("{}… ({} digits)", &digits[..40], digits.len()) } else { digits };
            error(format!("{what} must be from 0 to 2^64 − 1, not the BigInt {shown}"))
        });
    }
    if let Some(s) = v.as_string() {
        return crate::engine::config::parse_number(s.trim()).ok_or_else(|| {
            error(format!("{what} must be decimal or 0x hex digits up to 2^64 − 1, not {}", describe(v)))
        });
    }
    match v.as_f64() {
        Some(n) if n > MAX_SAFE as f64 && n.is_finite() && n.fract() == 0.0 => Err(error(format!(
            "{what} {} is past 2^53 − 1, where JavaScript numbers are no longer exact: pass a BigInt or a hex string",
            number_text(n)
        ))),
        _ => int(v, what, MAX_SAFE),
    }
}

/// A u64 for JavaScript, exactly: a number up to 2^53 − 1, a BigInt above (as [`crate::report::exact`]).
pub(crate) fn exact_js(n: u64) -> JsValue {
    if n <= MAX_SAFE {
        JsValue::from_f64(n as f64)
    } else {
        JsValue::from(n)
    }
}

/// A number as JavaScript writes it (Rust's float formatting would add 20 KB to the module).
pub(crate) fn number_text(n: f64) -> String {
    js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// `int` for an optional argument: `undefined` or `null` gives `default`.
pub(crate) fn int_or(v: &JsValue, what: &str, max: u64, default: u64) -> Result<u64, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(default)
    } else {
        int(v, what, max)
    }
}

pub(crate) fn text(v: &JsValue, what: &str) -> Result<String, JsValue> {
    v.as_string().ok_or_else(|| error(format!("{what} must be a string, not {}", describe(v))))
}

/// Names a value's type for a message without running any of its code.
pub(crate) fn describe(v: &JsValue) -> String {
    if v.is_undefined() {
        "undefined".into()
    } else if v.is_null() {
        "null".into()
    } else if let Some(s) = v.as_string() {
        quoted(&s)
    } else {
        v.js_typeof().as_string().unwrap_or_else(|| "a value".into())
    }
}

pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(format!("internal: cannot convert a result for JavaScript: {e}")))
}

/// A machine configuration from `{frames: 8, policy: "lru", page: 4096, …}` (keys as in a scenario's
/// `config` line; values numbers or strings).
#[cfg(feature = "page")]
pub(crate) fn config_from_object(obj: &JsValue) -> Result<Config, JsValue> {
    let mut config = Config::default();
    let entries: Array = helper_result(plain_entries(obj, 64), "the configuration object")?.unchecked_into();
    for entry in entries.iter() {
        let pair: Array = entry.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let value = if value.as_f64().is_some() {
            int(&value, &key, u64::MAX)?.to_string()
        } else if value.is_undefined() || value.is_null() {
            continue;
        } else {
            value.as_string().unwrap_or_default()
        };
        config.set(&key, &value).map_err(|e| error(e.to_string()))?;
    }
    config.validate().map_err(|m| error(format!("invalid configuration: {m}")))?;
    Ok(config)
}

/// A policy by name (`"lru"`), or an Error naming what was passed.
#[cfg(any(feature = "traces", feature = "compare"))]
fn policy_of(v: &JsValue) -> Result<crate::engine::PolicyKind, JsValue> {
    let name = text(v, "the policy")?;
    crate::engine::PolicyKind::parse(&name).ok_or_else(|| error(format!("unknown policy {}", quoted(&name))))
}
