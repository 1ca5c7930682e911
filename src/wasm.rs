//! The JavaScript API (SPEC §2.1): the only module that mentions `wasm_bindgen`.
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

use crate::engine::config::{Config, PolicyKind, MAX_FRAMES};
use crate::engine::error::quoted;
use crate::engine::events::Event;
use crate::engine::machine::MAX_TIME;
use crate::engine::process::ExitCause;
use crate::engine::view::{self, PageState};
use crate::engine::{Machine, Perms, Pid, Stats};
use crate::scenario::run::{Action, Op, Run, StepRecord};
use crate::scenario::{link, parse, presets, FreeTarget, ParseError, Scenario};
use crate::trace::{self, Trace, TraceFormat, TraceReplay};
use js_sys::{Array, Uint8Array};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

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
      if (!(typeof v === 'number' || typeof v === 'string' || v == null)) {
        return [false, `config value ${key.slice(0, 40)} must be a number or a string, not ${describe(v)}`];
      }
      out.push([key, v]);
    }
    return [true, out];
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
    fn plain_entries(obj: &JsValue, max: u32) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch)]
    fn plain_bytes(x: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch)]
    fn plain_list(x: &JsValue, max: u32) -> Result<Array, JsValue>;
}

/// The value a helper read, or an Error that names `what`.
fn helper_result(r: Result<Array, JsValue>, what: &str) -> Result<JsValue, JsValue> {
    let r = r.map_err(|_| error(format!("could not read {what}")))?;
    if r.get(0).is_truthy() {
        Ok(r.get(1))
    } else {
        Err(error(format!("could not read {what}: {}", r.get(1).as_string().unwrap_or_default())))
    }
}

fn error(message: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(message.as_ref()).into()
}

fn parse_error(e: &ParseError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&err, &"line".into(), &(e.line as f64).into());
    let _ = js_sys::Reflect::set(&err, &"column".into(), &(e.column as f64).into());
    let _ = js_sys::Reflect::set(&err, &"reason".into(), &e.message.as_str().into());
    err.into()
}

/// Largest integer a JavaScript number holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// A whole number in `0..=max` from a JS value, or an error naming `what`.
fn int(v: &JsValue, what: &str, max: u64) -> Result<u64, JsValue> {
    let Some(n) = v.as_f64() else {
        return Err(error(format!("{what} must be a number, not {}", describe(v))));
    };
    if !n.is_finite() || n.fract() != 0.0 || n < 0.0 {
        return Err(error(format!("{what} must be a whole number ≥ 0, not {n}")));
    }
    let max = max.min(MAX_SAFE);
    if n > max as f64 {
        return Err(error(format!("{what} must be at most {max}, not {n}")));
    }
    Ok(n as u64)
}

/// `int` for an optional argument: `undefined` or `null` gives `default`.
fn int_or(v: &JsValue, what: &str, max: u64, default: u64) -> Result<u64, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(default)
    } else {
        int(v, what, max)
    }
}

fn text(v: &JsValue, what: &str) -> Result<String, JsValue> {
    v.as_string().ok_or_else(|| error(format!("{what} must be a string, not {}", describe(v))))
}

/// Names a value's type for a message without running any of its code.
fn describe(v: &JsValue) -> String {
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

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(format!("internal: cannot convert a result for JavaScript: {e}")))
}

/// A machine configuration from `{frames: 8, policy: "lru", page: 4096, …}` (keys as in a scenario's
/// `config` line; values numbers or strings).
fn config_from_object(obj: &JsValue) -> Result<Config, JsValue> {
    let mut config = Config::default();
    let entries: Array = helper_result(plain_entries(obj, 64), "the configuration object")?.unchecked_into();
    for entry in entries.iter() {
        let pair: Array = entry.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let value = if let Some(n) = value.as_f64() {
            int(&value, &key, u64::MAX)?;
            format!("{n}")
        } else if value.is_undefined() || value.is_null() {
            continue;
        } else {
            value.as_string().unwrap_or_default()
        };
        config.set(&key, &value).map_err(error)?;
    }
    config.validate().map_err(|m| error(format!("invalid configuration: {m}")))?;
    Ok(config)
}

// ----- serialisable results ---------------------------------------------------------------------

#[derive(Serialize)]
struct EventOut<'a> {
    step: usize,
    line: u32,
    text: String,
    #[serde(flatten)]
    event: &'a Event,
}

#[derive(Serialize)]
struct StepOut<'a> {
    step: usize,
    line: u32,
    events: Vec<EventOut<'a>>,
}

fn step_out<'a>(m: &Machine, r: &'a StepRecord) -> StepOut<'a> {
    StepOut {
        step: r.step,
        line: r.line,
        events: r
            .events
            .iter()
            .map(|e| EventOut { step: r.step, line: r.line, text: m.describe(e), event: e })
            .collect(),
    }
}

#[derive(Serialize)]
struct RegionOut<'a> {
    label: &'a str,
    start: u64,
    pages: u64,
    perms: Perms,
    code: bool,
}

#[derive(Serialize)]
struct ProcessOut<'a> {
    pid: Pid,
    name: &'a str,
    alive: bool,
    ended: Option<ExitCause>,
    flat: bool,
    tables: usize,
    entries: u64,
    regions: Vec<RegionOut<'a>>,
    stats: &'a Stats,
}

#[derive(Serialize)]
struct StatsOut<'a> {
    total: &'a Stats,
    time: u64,
    frames_used: u32,
    swap_used: u32,
    /// Bytes of machine state counted against `config budget=`.
    memory_used: u64,
    /// Bytes of step-back history counted against `config history=`.
    history_bytes: u64,
    processes: Vec<ProcessOut<'a>>,
}

#[derive(Serialize)]
struct NextStep<'a> {
    step: usize,
    line: u32,
    kind: &'static str,
    name: Option<&'a str>,
    pid: Option<Pid>,
    addr: Option<u64>,
    vpn: Option<u64>,
    write: bool,
    value: Option<u8>,
}

#[derive(Serialize)]
struct Walk {
    vpn: u64,
    offset: u64,
    level_bits: Vec<u32>,
    indices: Vec<u64>,
    /// The running process's TLB holds this translation.
    in_tlb: bool,
    /// Tables found on the walk (root included); fewer than the levels means the walk stopped
    /// at an empty slot.
    tables_found: usize,
    state: Option<&'static str>,
    frame: Option<u32>,
    slot: Option<u32>,
    physical: Option<u64>,
    perms: Option<Perms>,
}

#[derive(Serialize)]
struct PresetOut {
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    text: &'static str,
}

// ----- the simulator ----------------------------------------------------------------------------

/// A simulated machine running a scenario, stepping forward and back.
///
/// ```js
/// const sim = new Simulator("config frames=3\nspawn T flat\nrefs T 1 2 3 1");
/// sim.run(10); console.log(sim.stats().total.faults);
/// ```
#[wasm_bindgen]
pub struct Simulator {
    /// `None` once disposed. Borrowed per call with `try_borrow_mut` (see the module comment).
    /// Boxed, so a disposed simulator that JavaScript has not collected yet holds a few bytes.
    state: RefCell<Option<Box<State>>>,
}

struct State {
    run: Run,
    /// The scenario text as given (what a share link carries).
    source: String,
    /// Steps whose records `events()` has handed out.
    emitted: usize,
    cells: Vec<u32>,
    frames: Vec<u32>,
    slots: Vec<u32>,
}

impl State {
    fn machine(&self) -> &Machine {
        self.run.machine()
    }

    fn pid(&self, v: &JsValue) -> Result<Pid, JsValue> {
        let pid = int(v, "pid", u32::MAX as u64)? as Pid;
        match self.machine().process(pid) {
            Some(p) if p.alive() => Ok(pid),
            Some(p) => Err(error(format!("{} (pid {pid}) is no longer running", p.name))),
            None => Err(error(format!("no process has pid {pid}"))),
        }
    }

    fn name(&self, pid: Pid) -> String {
        self.machine().name_of(pid).to_string()
    }

    fn addr(&self, v: &JsValue) -> Result<u64, JsValue> {
        let bits = self.machine().config().va_bits;
        let a = int(v, "address", u64::MAX)?;
        if a >> bits != 0 {
            return Err(error(format!("address {a:#x} is outside the {bits}-bit virtual address space")));
        }
        Ok(a)
    }

    /// Runs one operation as the next step; returns its record.
    fn push(&mut self, action: Action<'_>) -> Result<StepRecord, JsValue> {
        let record = self.run.push(0, action).map_err(|e| error(e.message))?;
        self.emitted = self.emitted.min(self.run.pos() - 1);
        Ok(record)
    }

    fn records_out(&self, records: &[StepRecord]) -> Result<JsValue, JsValue> {
        let m = self.machine();
        let out: Vec<StepOut> = records.iter().map(|r| step_out(m, r)).collect();
        to_js(&out)
    }
}

impl Simulator {
    fn from_scenario(scenario: Scenario, source: String) -> Result<Simulator, JsValue> {
        let run = Run::new(scenario).map_err(|e| error(e.to_string()))?;
        let state = State { run, source, emitted: 0, cells: Vec::new(), frames: Vec::new(), slots: Vec::new() };
        Ok(Simulator { state: RefCell::new(Some(Box::new(state))) })
    }

    /// Runs `f` on the state, or says why it cannot run.
    fn with<R>(&self, f: impl FnOnce(&mut State) -> Result<R, JsValue>) -> Result<R, JsValue> {
        let mut guard = self
            .state
            .try_borrow_mut()
            .map_err(|_| error("the simulator is busy with another call (did a getter call back into it?)"))?;
        let state = guard.as_mut().ok_or_else(|| error("this simulator was disposed"))?;
        f(state)
    }
}

#[wasm_bindgen]
impl Simulator {
    /// `new Simulator()` (defaults), `new Simulator({frames: 4, policy: "clock"})` or
    /// `new Simulator(scenarioText)`. A scenario error is thrown with `line` and `column` set.
    #[wasm_bindgen(constructor)]
    pub fn new(arg: JsValue) -> Result<Simulator, JsValue> {
        if arg.is_undefined() || arg.is_null() {
            return Simulator::from_scenario(Scenario { config: Config::default(), commands: vec![] }, String::new());
        }
        if let Some(text) = arg.as_string() {
            if text.len() > link::MAX_TEXT_BYTES {
                return Err(error(format!("a scenario may be at most {} KiB", link::MAX_TEXT_BYTES / 1024)));
            }
            let scenario = parse(&text).map_err(|e| parse_error(&e))?;
            return Simulator::from_scenario(scenario, text);
        }
        if arg.is_object() {
            let config = config_from_object(&arg)?;
            let source = config.to_line() + "\n";
            return Simulator::from_scenario(Scenario { config, commands: vec![] }, source);
        }
        Err(error(format!("new Simulator() takes a scenario text or a config object, not {}", describe(&arg))))
    }

    /// Starts a process; returns its pid. `sim.spawn("A", 2)` maps 2 code pages from page 1.
    pub fn spawn(&self, name: JsValue, code_pages: JsValue) -> Result<f64, JsValue> {
        self.with(|s| {
            let name = text(&name, "the process name")?;
            let code_pages = int_or(&code_pages, "code pages", u32::MAX as u64, 0)?;
            s.push(Action::Spawn { name: &name, code_pages, flat: false })?;
            s.machine().pid_of(&name).map(|p| p as f64).map_err(|e| error(e.to_string()))
        })
    }

    /// Starts a process whose whole address space is valid (no guard page). `sim.spawnFlat("T")`
    #[wasm_bindgen(js_name = spawnFlat)]
    pub fn spawn_flat(&self, name: JsValue) -> Result<f64, JsValue> {
        self.with(|s| {
            let name = text(&name, "the process name")?;
            s.push(Action::Spawn { name: &name, code_pages: 0, flat: true })?;
            s.machine().pid_of(&name).map(|p| p as f64).map_err(|e| error(e.to_string()))
        })
    }

    /// Reserves `bytes` with permissions like `"rw"`, optionally at a page-aligned address;
    /// returns the start address. `sim.allocate(pid, 16384, "rw")`
    pub fn allocate(&self, pid: JsValue, bytes: JsValue, perms: JsValue, at: JsValue) -> Result<f64, JsValue> {
        self.with(|s| {
            let pid = s.pid(&pid)?;
            let bytes = int(&bytes, "size", 1 << 48)?;
            let perms_text = text(&perms, "permissions")?;
            let perms = Perms::parse(&perms_text).ok_or_else(|| {
                error(format!("permissions must be letters from r, w, x, not {}", describe(&JsValue::from(perms_text))))
            })?;
            let at = if at.is_undefined() || at.is_null() { None } else { Some(s.addr(&at)?) };
            let name = s.name(pid);
            let record = s.push(Action::Alloc { name: &name, label: None, bytes, perms, at })?;
            let shift = s.machine().config().page_shift();
            record
                .events
                .iter()
                .find_map(|e| match e {
                    Event::Allocate { start_vpn, .. } => Some((start_vpn << shift) as f64),
                    _ => None,
                })
                .ok_or_else(|| error("internal: the allocation reported no region"))
        })
    }

    /// Unmaps the region containing `addr`. `sim.free(pid, addr)`
    pub fn free(&self, pid: JsValue, addr: JsValue) -> Result<(), JsValue> {
        self.with(|s| {
            let pid = s.pid(&pid)?;
            let addr = s.addr(&addr)?;
            let name = s.name(pid);
            s.push(Action::Free { name: &name, target: FreeTarget::Addr(addr) }).map(|_| ())
        })
    }

    /// Reads a byte: the value, or `undefined` if the access faulted (see `events()`).
    /// `const v = sim.read(pid, 0x2000)`
    pub fn read(&self, pid: JsValue, addr: JsValue) -> Result<Option<u8>, JsValue> {
        self.with(|s| {
            let pid = s.pid(&pid)?;
            let addr = s.addr(&addr)?;
            let name = s.name(pid);
            let record = s.push(Action::Access { name: &name, addr, value: None })?;
            Ok(record.events.iter().find_map(|e| match e {
                Event::Access(a) if a.physical.is_some() => Some(a.value),
                _ => None,
            }))
        })
    }

    /// Writes a byte (0–255). `sim.write(pid, 0x2000, 42)`
    pub fn write(&self, pid: JsValue, addr: JsValue, value: JsValue) -> Result<(), JsValue> {
        self.with(|s| {
            let pid = s.pid(&pid)?;
            let addr = s.addr(&addr)?;
            let value = int(&value, "value", 255)? as u8;
            let name = s.name(pid);
            s.push(Action::Access { name: &name, addr, value: Some(value) }).map(|_| ())
        })
    }

    /// Lets `n` idle time units pass. `sim.tick(10)`. The clock stops at 2^53 − 1: a tick past it
    /// is refused.
    pub fn tick(&self, n: JsValue) -> Result<(), JsValue> {
        self.with(|s| {
            let units = int(&n, "time units", MAX_TIME)?;
            s.push(Action::Tick { units }).map(|_| ())
        })
    }

    /// Ends a process. `sim.exit(pid)`
    pub fn exit(&self, pid: JsValue) -> Result<(), JsValue> {
        self.with(|s| {
            let pid = s.pid(&pid)?;
            let name = s.name(pid);
            s.push(Action::Exit { name: &name }).map(|_| ())
        })
    }

    /// Does the next scenario step: returns `{step, line, events}` or `null` at the end.
    /// Throws if the step is impossible (the message names the line); the run stays before it.
    pub fn step(&self) -> Result<JsValue, JsValue> {
        self.with(|s| match s.run.step() {
            Ok(Some(r)) => to_js(&step_out(s.run.machine(), &r)),
            Ok(None) => Ok(JsValue::NULL),
            Err(e) => Err(error(e.to_string())),
        })
    }

    /// Does up to `n` steps; returns how many. `sim.run(100)`
    pub fn run(&self, n: JsValue) -> Result<f64, JsValue> {
        self.with(|s| {
            let n = int(&n, "steps", u32::MAX as u64)? as usize;
            s.run.run(n).map(|d| d as f64).map_err(|e| error(e.to_string()))
        })
    }

    /// Goes to the state after `n` steps (back or forward, exactly). `sim.goto(12)`
    pub fn goto(&self, n: JsValue) -> Result<(), JsValue> {
        self.with(|s| {
            let n = int(&n, "step", u32::MAX as u64)? as usize;
            let result = s.run.goto(n);
            s.emitted = s.emitted.min(s.run.pos());
            result.map_err(|e| error(e.to_string()))
        })
    }

    /// One step back. `sim.back()`
    pub fn back(&self) -> Result<(), JsValue> {
        self.with(|s| {
            s.run.back();
            s.emitted = s.emitted.min(s.run.pos());
            Ok(())
        })
    }

    /// Back to the start (the earliest step the history holds). `sim.reset()`
    pub fn reset(&self) -> Result<(), JsValue> {
        self.with(|s| {
            s.run.reset();
            s.emitted = s.emitted.min(s.run.pos());
            Ok(())
        })
    }

    /// Releases the simulator's memory now; every later call throws. `sim.dispose()`, or
    /// `using sim = new Simulator(…)` (`Symbol.dispose` is this method; `free` is the SPEC's
    /// `free(pid, addr)`).
    pub fn dispose(&self) -> Result<(), JsValue> {
        let mut guard = self.state.try_borrow_mut().map_err(|_| error("the simulator is busy with another call"))?;
        *guard = None;
        Ok(())
    }

    /// Steps done so far.
    #[wasm_bindgen(getter)]
    pub fn position(&self) -> Result<f64, JsValue> {
        self.with(|s| Ok(s.run.pos() as f64))
    }

    /// Steps in the run: its history and the scenario's steps not yet done.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> Result<f64, JsValue> {
        self.with(|s| Ok(s.run.len() as f64))
    }

    /// The earliest step `goto` can reach: 0 unless the history outgrew `config history=` and its
    /// oldest steps were forgotten.
    #[wasm_bindgen(getter, js_name = historyStart)]
    pub fn history_start(&self) -> Result<f64, JsValue> {
        self.with(|s| Ok(s.run.history_start() as f64))
    }

    #[wasm_bindgen(getter, js_name = atEnd)]
    pub fn at_end(&self) -> Result<bool, JsValue> {
        self.with(|s| Ok(s.run.at_end()))
    }

    /// The error that stopped the run (`{step, line, message}`), or `null`.
    #[wasm_bindgen(js_name = runError)]
    pub fn run_error(&self) -> Result<JsValue, JsValue> {
        self.with(|s| match s.run.error() {
            None => Ok(JsValue::NULL),
            Some(e) => {
                #[derive(Serialize)]
                struct E<'a> {
                    step: usize,
                    line: u32,
                    message: &'a str,
                    text: String,
                }
                to_js(&E { step: e.step, line: e.line, message: &e.message, text: e.to_string() })
            }
        })
    }

    /// The steps done since the last call, as `[{step, line, events: [{type, text, …}]}]`: at most
    /// the latest 10,000 (read older ones with `log(from, to)`).
    pub fn events(&self) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let pos = s.run.pos();
            let records = s.run.records(s.emitted, pos);
            s.emitted = pos;
            s.records_out(&records)
        })
    }

    /// The steps `from+1 … to` (default: up to now), as `events()` gives them: at most 10,000, the
    /// latest kept. Steps before `historyStart` are gone. `sim.log(0, 20)`
    pub fn log(&self, from: JsValue, to: JsValue) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let pos = s.run.pos() as u64;
            let from = int_or(&from, "from", u64::MAX, 0)? as usize;
            let to = int_or(&to, "to", u64::MAX, pos)?.min(pos) as usize;
            let records = s.run.records(from, to);
            s.records_out(&records)
        })
    }

    /// Statistics: `{total, time, frames_used, swap_used, processes: [{pid, name, alive, stats, regions, …}]}`.
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let m = s.machine();
            let processes = m
                .processes()
                .enumerate()
                .map(|(pid, p)| ProcessOut {
                    pid: pid as Pid,
                    name: &p.name,
                    alive: p.alive(),
                    ended: p.ended,
                    flat: p.flat,
                    tables: p.page_table.table_count(),
                    entries: p.page_table.entry_count(),
                    regions: p
                        .regions
                        .iter()
                        .map(|r| RegionOut {
                            label: &r.label,
                            start: r.start_vpn << m.config().page_shift(),
                            pages: r.pages,
                            perms: r.perms,
                            code: r.code,
                        })
                        .collect(),
                    stats: &p.stats,
                })
                .collect();
            to_js(&StatsOut {
                total: m.stats(),
                time: m.time(),
                frames_used: m.frames().used(),
                swap_used: m.swap().used(),
                memory_used: m.usage().total(),
                history_bytes: s.run.history_bytes() as u64,
                processes,
            })
        })
    }

    /// The machine configuration (`{page_size, va_bits, frames, swap_slots, tlb_entries, levels, policy, …}`).
    pub fn config(&self) -> Result<JsValue, JsValue> {
        self.with(|s| to_js(s.machine().config()))
    }

    /// The scenario text as given.
    #[wasm_bindgen(js_name = scenarioText)]
    pub fn scenario_text(&self) -> Result<String, JsValue> {
        self.with(|s| Ok(s.source.clone()))
    }

    /// What the next step will do (`{step, line, kind, name, pid, addr, vpn, write, value}`), or `null`.
    #[wasm_bindgen(js_name = nextStep)]
    pub fn next_step(&self) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let pos = s.run.pos();
            let Some((op, line)) = s.run.op(pos + 1) else {
                return Ok(JsValue::NULL);
            };
            let m = s.machine();
            let shift = m.config().page_shift();
            let name_of = |id| Some(s.run.name(id));
            let (kind, name, addr, value) = match op {
                Op::Spawn(sp) => ("spawn", name_of(sp.name), None, None),
                Op::Alloc(a) => ("alloc", name_of(a.name), None, None),
                Op::Access(a) => {
                    let kind = if a.value().is_some() { "write" } else { "read" };
                    (kind, name_of(a.name), Some(a.addr()), a.value())
                }
                Op::Tick(_) => ("tick", None, None, None),
                Op::Free(f) => ("free", name_of(f.0), None, None),
                Op::Exit(name) => ("exit", name_of(*name), None, None),
                Op::Note(_) => ("note", None, None, None),
            };
            to_js(&NextStep {
                step: pos + 1,
                line,
                kind,
                name,
                pid: name.and_then(|n| m.pid_of(n).ok()),
                addr,
                vpn: addr.map(|a| a >> shift),
                write: value.is_some(),
                value,
            })
        })
    }

    /// The address translation of `addr` in process `pid` as the MMU would do it now, without
    /// doing it: page number and offset, the index at each level, TLB, entry and physical address.
    pub fn translate(&self, pid: JsValue, addr: JsValue) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let pid = int(&pid, "pid", u32::MAX as u64)? as Pid;
            let addr = s.addr(&addr)?;
            let m = s.machine();
            let proc = m.process(pid).ok_or_else(|| error(format!("no process has pid {pid}")))?;
            let shift = m.config().page_shift();
            let vpn = addr >> shift;
            let pte = proc.page_table.get(vpn);
            use crate::engine::page_table::PteState;
            let (state, frame, slot) = match pte.map(|p| p.state) {
                Some(PteState::Resident) => (Some("resident"), pte.map(|p| p.loc), None),
                Some(PteState::Swapped) => (Some("swapped"), None, pte.map(|p| p.loc)),
                Some(PteState::Empty) => (Some("not loaded"), None, None),
                None => (None, None, None),
            };
            let in_tlb = m.running() == Some(pid) && m.tlb_entries().contains(&(pid, vpn));
            to_js(&Walk {
                vpn,
                offset: addr & (m.config().page_size - 1),
                level_bits: m.config().level_bits(),
                indices: proc.page_table.indices(vpn),
                in_tlb,
                tables_found: proc.page_table.tables_on_walk(vpn),
                state,
                frame,
                slot,
                physical: frame.map(|f| ((f as u64) << shift) | (addr & (m.config().page_size - 1))),
                perms: pte.map(|p| p.perms),
            })
        })
    }

    /// Valid TLB entries, least recently used first: `[{pid, vpn}]`.
    #[wasm_bindgen(js_name = tlbEntries)]
    pub fn tlb_entries(&self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct T {
            pid: Pid,
            vpn: u64,
        }
        self.with(|s| {
            let v: Vec<T> = s.machine().tlb_entries().into_iter().map(|(pid, vpn)| T { pid, vpn }).collect();
            to_js(&v)
        })
    }

    /// Resident frames in the policy's order (next victim first where the policy has one order).
    #[wasm_bindgen(js_name = policyOrder)]
    pub fn policy_order(&self) -> Result<Vec<u32>, JsValue> {
        self.with(|s| Ok(s.machine().policy_order()))
    }

    // --- compact views for the renderer: fill, then read `new Uint32Array(memory.buffer, ptr, len)`

    /// Fills the page-cell view of `pid` (`cells` cells of `pagesPerCell` pages from `firstVpn`)
    /// and returns its pointer into wasm memory; `viewCellsLen` words long.
    #[wasm_bindgen(js_name = viewCells)]
    pub fn view_cells(
        &self,
        pid: JsValue,
        first_vpn: JsValue,
        pages_per_cell: JsValue,
        cells: JsValue,
    ) -> Result<u32, JsValue> {
        self.with(|s| {
            let pid = int(&pid, "pid", u32::MAX as u64)? as Pid;
            let first = int(&first_vpn, "first page", 1 << 48)?;
            let ppc = int(&pages_per_cell, "pages per cell", 1 << 48)?.max(1);
            let cells = int(&cells, "cells", 1 << 16)? as usize;
            let mut buf = std::mem::take(&mut s.cells);
            s.machine().fill_page_cells(pid, first, ppc, cells, &mut buf);
            s.cells = buf;
            Ok(s.cells.as_ptr() as u32)
        })
    }

    #[wasm_bindgen(js_name = viewCellsLen)]
    pub fn view_cells_len(&self) -> Result<u32, JsValue> {
        self.with(|s| Ok(s.cells.len() as u32))
    }

    /// Fills the frame view and returns its pointer; `viewFramesLen` words long.
    #[wasm_bindgen(js_name = viewFrames)]
    pub fn view_frames(&self) -> Result<u32, JsValue> {
        self.with(|s| {
            let mut buf = std::mem::take(&mut s.frames);
            s.machine().fill_frames(&mut buf);
            s.frames = buf;
            Ok(s.frames.as_ptr() as u32)
        })
    }

    #[wasm_bindgen(js_name = viewFramesLen)]
    pub fn view_frames_len(&self) -> Result<u32, JsValue> {
        self.with(|s| Ok(s.frames.len() as u32))
    }

    /// Fills the swap view for slots `first..first+count` and returns its pointer.
    #[wasm_bindgen(js_name = viewSwap)]
    pub fn view_swap(&self, first: JsValue, count: JsValue) -> Result<u32, JsValue> {
        self.with(|s| {
            let first = int(&first, "first slot", u32::MAX as u64)? as u32;
            let count = int(&count, "slot count", 1 << 20)? as u32;
            let mut buf = std::mem::take(&mut s.slots);
            s.machine().fill_swap(first, count, &mut buf);
            s.slots = buf;
            Ok(s.slots.as_ptr() as u32)
        })
    }

    #[wasm_bindgen(js_name = viewSwapLen)]
    pub fn view_swap_len(&self) -> Result<u32, JsValue> {
        self.with(|s| Ok(s.slots.len() as u32))
    }

    /// Swap slots ever used (every slot at or above is free).
    #[wasm_bindgen(js_name = swapHighWater)]
    pub fn swap_high_water(&self) -> Result<u32, JsValue> {
        self.with(|s| Ok(s.machine().swap().high_water()))
    }
}

// ----- free functions ---------------------------------------------------------------------------

/// Page-state codes used in the views: `{Unmapped: 0, Guard: 1, …}`.
#[wasm_bindgen(js_name = pageStates)]
pub fn page_states() -> Result<JsValue, JsValue> {
    let map: std::collections::BTreeMap<&str, u8> = PageState::ALL.iter().map(|s| (s.name(), *s as u8)).collect();
    to_js(&map)
}

/// View layout: words per cell, frame and slot, and the flag bits.
#[wasm_bindgen(js_name = viewLayout)]
pub fn view_layout() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Layout {
        cell_words: usize,
        frame_words: usize,
        slot_words: usize,
        none: u32,
        flags: std::collections::BTreeMap<&'static str, u32>,
    }
    to_js(&Layout {
        cell_words: view::CELL_WORDS,
        frame_words: view::FRAME_WORDS,
        slot_words: view::SLOT_WORDS,
        none: u32::MAX,
        flags: view::flags::ALL.iter().copied().collect(),
    })
}

/// The built-in scenarios: `[{id, title, summary, text}]`.
#[wasm_bindgen]
pub fn presets() -> Result<JsValue, JsValue> {
    let v: Vec<PresetOut> = presets::PRESETS
        .iter()
        .map(|p| PresetOut { id: p.id, title: p.title, summary: p.summary, text: p.text })
        .collect();
    to_js(&v)
}

/// Checks scenario text; throws an Error with `line` and `column` if it does not parse.
#[wasm_bindgen(js_name = checkScenario)]
pub fn check_scenario(text: JsValue) -> Result<(), JsValue> {
    let text = self::text(&text, "the scenario")?;
    parse(&text).map(|_| ()).map_err(|e| parse_error(&e))
}

/// Canonical text of a scenario (the pretty-printer).
#[wasm_bindgen(js_name = formatScenario)]
pub fn format_scenario(text: JsValue) -> Result<String, JsValue> {
    let text = self::text(&text, "the scenario")?;
    parse(&text).map(|s| s.to_string()).map_err(|e| parse_error(&e))
}

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
        mode: Option<String>,
        embed: bool,
    }
    to_js(&S { text: state.text, step: state.step, mode: state.mode, embed: state.embed })
}

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
    let mut out = Vec::new();
    for p in policies.iter() {
        let name = self::text(&p, "a policy")?;
        let policy = PolicyKind::parse(&name).ok_or_else(|| error(format!("unknown policy {}", describe(&p))))?;
        let mut row = Vec::new();
        for f in frames.iter() {
            let f = int(&f, "frames", MAX_FRAMES as u64)? as u32;
            let mut s = scenario.clone();
            s.config.policy = policy;
            s.config.frames = f.max(1);
            s.config.reclaim = s.config.reclaim.filter(|&(_, hi)| hi <= s.config.frames);
            let mut run = Run::new(s).map_err(|e| error(e.to_string()))?;
            let _ = run.run_to_end();
            row.push(run.machine().stats().faults);
        }
        out.push(row);
    }
    to_js(&out)
}

// ----- traces -----------------------------------------------------------------------------------

/// Largest trace file the page reads (its bytes and the decoded accesses must fit in wasm memory
/// beside everything else).
const MAX_TRACE_BYTES: usize = 512 << 20;

/// A memory-access trace loaded in the page (`pages`, `rw` or `lackey`, plain or gzip), replayed in
/// slices so the page can show progress and cancel.
///
/// ```js
/// const t = new TraceSession(bytes, "auto", 4096);
/// t.start("lru", 64); while (!t.done) t.advance(100000); t.summary();
/// ```
#[wasm_bindgen]
pub struct TraceSession {
    trace: Trace,
    replay: Option<TraceReplay>,
}

#[wasm_bindgen]
impl TraceSession {
    /// `new TraceSession(bytes, "auto", 4096)`: `bytes` a `Uint8Array` or an `ArrayBuffer`.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: JsValue, format: JsValue, page_size: JsValue) -> Result<TraceSession, JsValue> {
        let format = if format.is_undefined() { "auto".to_string() } else { text(&format, "the format")? };
        let format = TraceFormat::parse(&format).ok_or_else(|| {
            error(format!("format must be auto, pages, rw or lackey, not {}", describe(&JsValue::from(&format))))
        })?;
        let page_size = int_or(&page_size, "page size", 65536, 4096)?;
        let array: Uint8Array = helper_result(plain_bytes(&bytes), "the trace")?.unchecked_into();
        if array.length() as usize > MAX_TRACE_BYTES {
            return Err(error(format!(
                "the trace is {} MiB; the page reads at most {} MiB (replay bigger ones with `pagesim trace`)",
                array.length() >> 20,
                MAX_TRACE_BYTES >> 20
            )));
        }
        let bytes = array.to_vec();
        let trace = trace::read_trace(&bytes, format, page_size)
            .map_err(|e| error(if e.line > 0 { format!("line {}", e) } else { e.to_string() }))?;
        Ok(TraceSession { trace, replay: None })
    }

    /// The benchmark workload (the same as the native `bench`): `n` accesses, 80% to a hot set,
    /// 20% a sequential scan moving `scanStride` bytes per access. `TraceSession.synthetic(1e6, 64)`
    pub fn synthetic(n: JsValue, scan_stride: JsValue) -> Result<TraceSession, JsValue> {
        let n = int(&n, "accesses", 10_000_000)? as usize;
        let stride = int(&scan_stride, "scan stride", 1 << 20)?.max(1);
        Ok(TraceSession { trace: trace::synthetic::hot_set_and_scan(n, stride), replay: None })
    }

    #[wasm_bindgen(getter)]
    pub fn length(&self) -> f64 {
        self.trace.len() as f64
    }

    /// The detected or given format.
    #[wasm_bindgen(getter)]
    pub fn format(&self) -> String {
        self.trace.format.map_or("auto", |f| f.name()).to_string()
    }

    /// Starts (or restarts) a replay with a policy, a frame count and optionally TLB entries
    /// (default 4). `t.start("lru", 64)`
    pub fn start(&mut self, policy: JsValue, frames: JsValue, tlb: JsValue) -> Result<(), JsValue> {
        let policy_name = text(&policy, "the policy")?;
        let policy =
            PolicyKind::parse(&policy_name).ok_or_else(|| error(format!("unknown policy {}", quoted(&policy_name))))?;
        let frames = int(&frames, "frames", crate::engine::config::MAX_FRAMES as u64)? as u32;
        let tlb = if tlb.is_undefined() { 4 } else { int(&tlb, "TLB entries", 4096)? as u32 };
        let config = Config { policy, frames, tlb_entries: tlb, ..Config::default() };
        self.replay = Some(TraceReplay::new(&self.trace, config, None).map_err(|e| error(e.to_string()))?);
        Ok(())
    }

    /// Replays up to `n` more accesses; returns how many.
    pub fn advance(&mut self, n: JsValue) -> Result<f64, JsValue> {
        let n = int(&n, "accesses", u32::MAX as u64)? as usize;
        let replay = self.replay.as_mut().ok_or_else(|| error("call start(policy, frames) first"))?;
        replay.advance(&self.trace, n).map(|d| d as f64).map_err(|e| error(e.to_string()))
    }

    /// Accesses replayed so far.
    #[wasm_bindgen(getter)]
    pub fn position(&self) -> f64 {
        self.replay.as_ref().map_or(0.0, |r| r.pos() as f64)
    }

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.replay.as_ref().is_some_and(|r| r.pos() == self.trace.len())
    }

    /// The trace as a scenario to step through (`limit` accesses at most), with this policy and
    /// frame count.
    #[wasm_bindgen(js_name = toScenario)]
    pub fn to_scenario(&self, policy: JsValue, frames: JsValue, limit: JsValue) -> Result<String, JsValue> {
        let policy_name = text(&policy, "the policy")?;
        let policy =
            PolicyKind::parse(&policy_name).ok_or_else(|| error(format!("unknown policy {}", quoted(&policy_name))))?;
        let frames = int(&frames, "frames", crate::engine::config::MAX_FRAMES as u64)? as u32;
        let limit = int(&limit, "limit", 1 << 20)? as usize;
        let config = Config { policy, frames, ..Config::default() };
        trace::to_scenario(&self.trace, &config, limit).map_err(error)
    }

    /// `{accesses, hits, faults, swap_ins, swap_outs, …}` of the replay so far.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        let replay = self.replay.as_ref().ok_or_else(|| error("call start(policy, frames) first"))?;
        to_js(&replay.summary())
    }
}
