//! The simulator's JavaScript API (the page's module): `Simulator`, links, presets, the comparison
//! of policies on a scenario, and the codes and layouts the renderer reads.

use super::*;
use crate::engine::config::PolicyKind;
use crate::engine::events::Event;
use crate::engine::machine::MAX_TIME;
use crate::engine::sharing::ObjectKind;
use crate::engine::view::{self, PageState};
use crate::engine::{Machine, Perms, Pid};
use crate::report::{GridReport, NextStepReport, StatsReport, StepReport, TranslationReport};
use crate::scenario::run::{Action, Run, StepRecord};
use crate::scenario::{link, parse, presets, FreeTarget, Scenario};
use std::cell::RefCell;

// ----- serialisable results ---------------------------------------------------------------------

#[derive(Serialize)]
struct PresetOut {
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    text: &'static str,
    compare: bool,
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

    /// An address (a number, a BigInt or a hex string: see [`wide`]) inside the address space.
    fn addr(&self, v: &JsValue) -> Result<u64, JsValue> {
        let config = self.machine().config();
        let a = wide(v, "address")?;
        if !config.in_space(a) {
            let bits = config.va_bits;
            return Err(error(format!("address {a:#x} is outside the {bits}-bit virtual address space")));
        }
        Ok(a)
    }

    /// Runs one operation as the next step; returns its record.
    fn push(&mut self, action: Action<'_>) -> Result<StepRecord, JsValue> {
        let record = self.run.push(0, action).map_err(|e| error(e.message()))?;
        self.emitted = self.emitted.min(self.run.pos() - 1);
        Ok(record)
    }

    fn records_out(&self, records: &[StepRecord]) -> Result<JsValue, JsValue> {
        let m = self.machine();
        let out: Vec<StepReport> = records.iter().map(|r| StepReport::new(m, r)).collect();
        to_js(&out)
    }
}

impl Simulator {
    fn from_scenario(scenario: Scenario, source: String) -> Result<Simulator, JsValue> {
        let run = Run::new(scenario).map_err(|e| error(e.to_string()))?;
        let state = State { run, source, emitted: 0 };
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

    /// Starts a process; returns its pid. `sim.spawn("A", 2)` maps 2 code pages from page 1;
    /// `sim.spawn("B", 2, "libc")` runs executable libc, whose code pages every process running
    /// it shares (default: the process's own name).
    pub fn spawn(&self, name: JsValue, code_pages: JsValue, exe: JsValue) -> Result<f64, JsValue> {
        self.with(|s| {
            let name = text(&name, "the process name")?;
            let code_pages = int_or(&code_pages, "code pages", u32::MAX as u64, 0)?;
            let exe = if exe.is_undefined() || exe.is_null() { None } else { Some(text(&exe, "the executable")?) };
            s.push(Action::Spawn {
                name: &name,
                code_pages,
                flat: false,
                exe: exe.as_deref(),
                importance: Default::default(),
            })?;
            s.machine().pid_of(&name).map(|p| p as f64).map_err(|e| error(e.to_string()))
        })
    }

    /// `fork`: a new process `name` with a copy of `pid`'s memory, shared copy-on-write until
    /// one of them writes. Returns the child's pid. `const child = sim.fork(pid, "C")`
    pub fn fork(&self, pid: JsValue, name: JsValue) -> Result<f64, JsValue> {
        self.with(|s| {
            let pid = s.pid(&pid)?;
            let child = text(&name, "the child's name")?;
            let parent = s.name(pid);
            s.push(Action::Fork { parent: &parent, child: &child })?;
            s.machine().pid_of(&child).map(|p| p as f64).map_err(|e| error(e.to_string()))
        })
    }

    /// Starts a process whose whole address space is valid (no guard page). `sim.spawnFlat("T")`
    #[wasm_bindgen(js_name = spawnFlat)]
    pub fn spawn_flat(&self, name: JsValue) -> Result<f64, JsValue> {
        self.with(|s| {
            let name = text(&name, "the process name")?;
            s.push(Action::Spawn {
                name: &name,
                code_pages: 0,
                flat: true,
                exe: None,
                importance: Default::default(),
            })?;
            s.machine().pid_of(&name).map(|p| p as f64).map_err(|e| error(e.to_string()))
        })
    }

    /// Reserves `bytes` with permissions like `"rw"`, optionally at a page-aligned address;
    /// returns the start address (a BigInt past 2^53 − 1; `bytes` and `at` may be BigInts or hex
    /// strings too). `sim.allocate(pid, 16384, "rw")`. `options` maps shared memory
    /// or a file instead of private memory: `sim.allocate(pid, 8192, "rw", null, {shared: "buf"})`,
    /// `{file: "notes.txt"}`.
    pub fn allocate(
        &self,
        pid: JsValue,
        bytes: JsValue,
        perms: JsValue,
        at: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let pid = s.pid(&pid)?;
            let bytes = wide(&bytes, "size")?;
            let perms_text = text(&perms, "permissions")?;
            let perms = Perms::parse(&perms_text).ok_or_else(|| {
                error(format!("permissions must be letters from r, w, x, not {}", describe(&JsValue::from(perms_text))))
            })?;
            let at = if at.is_undefined() || at.is_null() { None } else { Some(s.addr(&at)?) };
            let share = share_option(&options)?;
            let name = s.name(pid);
            let share = share.as_ref().map(|(k, n)| (*k, n.as_str()));
            let record = s.push(Action::Alloc { name: &name, label: None, bytes, perms, at, share, huge: false })?;
            let shift = s.machine().config().page_shift();
            record
                .events
                .iter()
                .find_map(|e| match e {
                    Event::Allocate { start_vpn, .. } => Some(exact_js(start_vpn << shift)),
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
            Ok(Some(r)) => to_js(&StepReport::new(s.run.machine(), &r)),
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
    /// `using sim = new Simulator(…)` (`Symbol.dispose` is this method; `free` is the API's
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

    /// What the address width means beside the machine's RAM, in words: "2^16 bytes = 64 KiB
    /// each; this machine has 32 KiB of RAM". `sim.spaceWords`
    #[wasm_bindgen(getter, js_name = spaceWords)]
    pub fn space_words(&self) -> Result<String, JsValue> {
        self.with(|s| Ok(crate::engine::budget::space_words(s.machine().config())))
    }

    /// Pages in each address space (2^(vbits − page bits)). `sim.pagesPerSpace`
    #[wasm_bindgen(getter, js_name = pagesPerSpace)]
    pub fn pages_per_space(&self) -> Result<f64, JsValue> {
        self.with(|s| Ok(s.machine().config().pages_per_space() as f64))
    }

    /// The TLB's shape: `{sets, ways}` (one set of every entry when fully associative), so the
    /// page draws sets as the engine has them. `sim.tlbShape`
    #[wasm_bindgen(getter, js_name = tlbShape)]
    pub fn tlb_shape(&self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct Shape {
            sets: u32,
            ways: u32,
        }
        self.with(|s| {
            let (sets, ways) = s.machine().tlb_shape();
            to_js(&Shape { sets, ways })
        })
    }

    /// Pages a huge page covers (`alloc … huge`): as many as one last-level table maps.
    /// `sim.hugePages`
    #[wasm_bindgen(getter, js_name = hugePages)]
    pub fn huge_pages(&self) -> Result<f64, JsValue> {
        self.with(|s| Ok((1u64 << s.machine().config().huge_shift()) as f64))
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
                to_js(&E { step: e.step, line: e.line, message: &e.message(), text: e.to_string() })
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

    /// Statistics: `{total, time, frames_used, swap_used, memory_used, history_bytes, processes:
    /// [{pid, name, alive, ended, flat, tables, entries, regions, stats}]}` (see `report.rs`).
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        self.with(|s| to_js(&StatsReport::new(s.machine(), s.run.history_bytes())))
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

    /// What the next step will do (`{step, line, kind, text, name, pid, addr, vpn, write,
    /// value}`, see `report::NextStepReport`), or `null` at the end.
    #[wasm_bindgen(js_name = nextStep)]
    pub fn next_step(&self) -> Result<JsValue, JsValue> {
        self.with(|s| NextStepReport::of(&s.run).map_or(Ok(JsValue::NULL), |n| to_js(&n)))
    }

    /// The exam grid of process `pid` (default: the one that makes the first access) over the
    /// whole run, steps not done yet included: `{pid, frames, more, before, columns: [{step, page,
    /// fault, victim, victim_pid, frames: [[pid, page] | null, …]}]}`, at most 1,000 columns and 64
    /// frames. `from` and `columns` ask for a window: the accesses from step `from` on, at most
    /// `columns` of them (`before` counts the accesses left out before it). `sim.grid(null, 2000, 120)`
    pub fn grid(&self, pid: JsValue, from: JsValue, columns: JsValue) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let pid = if pid.is_undefined() || pid.is_null() {
                None
            } else {
                Some(int(&pid, "pid", u32::MAX as u64)? as Pid)
            };
            let from = int_or(&from, "from", u64::MAX, 0)? as usize;
            let max = crate::limits::GRID_MAX_COLUMNS as u64;
            let columns = int_or(&columns, "columns", max, max)? as usize;
            to_js(&GridReport::new(crate::scenario::grid::grid_window(&s.run, pid, from, columns)))
        })
    }

    /// The address translation of `addr` in process `pid` as the MMU would do it now, without
    /// doing it (the shape of a step's `translation`, which is this just before its access).
    pub fn translate(&self, pid: JsValue, addr: JsValue) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let pid = int(&pid, "pid", u32::MAX as u64)? as Pid;
            let addr = s.addr(&addr)?;
            let m = s.machine();
            let t = m.translate(pid, addr).ok_or_else(|| error(format!("no process has pid {pid}")))?;
            to_js(&TranslationReport::new(&t, m.config().page_shift()))
        })
    }

    /// Valid TLB entries, least recently used first (set by set when set-associative):
    /// `[{pid, vpn, frame, set, huge}]` (a huge page's entry: its first page and frame); now, or
    /// just after step `step` (made again by replay when it is not the current one).
    #[wasm_bindgen(js_name = tlbEntries)]
    pub fn tlb_entries(&self, step: JsValue) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct T {
            pid: Pid,
            #[serde(serialize_with = "crate::report::exact::u64")]
            vpn: u64,
            frame: u32,
            set: u32,
            huge: bool,
        }
        self.with(|s| {
            let pos = s.run.pos();
            let step =
                if step.is_undefined() || step.is_null() { pos } else { int(&step, "step", pos as u64)? as usize };
            let mut entries = Vec::new();
            let with_sets = |m: &crate::engine::Machine| {
                m.tlb_entries()
                    .into_iter()
                    .map(|e| T { pid: e.pid, vpn: e.vpn, frame: e.frame, set: e.set, huge: e.huge })
                    .collect()
            };
            if step == pos {
                entries = with_sets(s.machine());
            } else {
                s.run.replay_steps(step.saturating_sub(1), step, |_, m| {
                    entries = with_sets(m);
                    false
                });
            }
            let v: Vec<T> = entries;
            to_js(&v)
        })
    }

    /// The mapped files, for the picture: `[{name, pages, mappings, shown: [{frame, saved,
    /// first}]}]`, each with its first `limit` pages (default 32). `sim.files()`
    pub fn files(&self, limit: JsValue) -> Result<JsValue, JsValue> {
        self.with(|s| {
            let limit = int_or(&limit, "limit", 4096, 32)?;
            to_js(&crate::report::FileReport::all(s.machine(), limit))
        })
    }

    /// The first `limit` (default: all) resident frames in the policy's order, next victim first
    /// where the policy has one order. `sim.policyOrder(24)`
    #[wasm_bindgen(js_name = policyOrder)]
    pub fn policy_order(&self, limit: JsValue) -> Result<Vec<u32>, JsValue> {
        self.with(|s| {
            let limit = int_or(&limit, "limit", u32::MAX as u64, u32::MAX as u64)? as usize;
            Ok(s.machine().policy_order(limit))
        })
    }

    /// Page tables in frames (`tables=ram`; empty otherwise), for the picture's lines from each
    /// table to the one above: `[{pid, level, frame, parent, first_vpn, entries}]`.
    /// `sim.pageTables()`
    #[wasm_bindgen(js_name = pageTables)]
    pub fn page_tables(&self) -> Result<JsValue, JsValue> {
        self.with(|s| to_js(&crate::report::PageTableReport::all(s.machine())))
    }

    /// How programs use physical memory on a machine before virtual memory (`vm=off`: each
    /// region at the frames its addresses name; `vm=base`: each block): `[{pid, label, first,
    /// frames}]`, empty with paging. `sim.physicalUses()`
    #[wasm_bindgen(js_name = physicalUses)]
    pub fn physical_uses(&self) -> Result<JsValue, JsValue> {
        self.with(|s| to_js(&s.machine().physical_uses()))
    }

    // --- compact views for the renderer, as `Uint32Array`s (layouts: `viewLayout()`)

    /// The page cells of `pid`: `cells` cells of `pagesPerCell` pages from `firstVpn`.
    #[wasm_bindgen(js_name = viewCells)]
    pub fn view_cells(
        &self,
        pid: JsValue,
        first_vpn: JsValue,
        pages_per_cell: JsValue,
        cells: JsValue,
    ) -> Result<Vec<u32>, JsValue> {
        self.with(|s| {
            let pid = int(&pid, "pid", u32::MAX as u64)? as Pid;
            let pages = s.machine().config().pages_per_space();
            let first = position(&first_vpn, "first page", pages)?;
            let ppc = position(&pages_per_cell, "pages per cell", pages)?.max(1);
            let cells = int(&cells, "cells", 1 << 16)? as usize;
            let mut out = Vec::new();
            s.machine().fill_page_cells(pid, first, ppc, cells, &mut out);
            Ok(out)
        })
    }

    /// The page ranges of `pid` in use, as `[first, end, first, end, …]` page numbers: the guard
    /// page and the regions (the touched pages of a flat process), ranges under `join` pages apart
    /// joined, at most `max` ranges. The renderer fits an address space to them. In a space of more
    /// than 2^53 pages each end is widened to a whole grain (see [`view_grain`]).
    #[wasm_bindgen(js_name = viewRanges)]
    pub fn view_ranges(&self, pid: JsValue, max: JsValue, join: JsValue) -> Result<Vec<f64>, JsValue> {
        self.with(|s| {
            let pid = int(&pid, "pid", u32::MAX as u64)? as Pid;
            let max = int(&max, "ranges", 1 << 16)? as usize;
            let join = int(&join, "join", 1 << 52)?;
            let grain = view_grain(s.machine().config());
            let ranges = s.machine().used_ranges(pid, max, join);
            // Widened to whole grains, so each end is a number JavaScript holds exactly.
            Ok(ranges
                .into_iter()
                .flat_map(|(a, b)| [(a / grain * grain) as f64, b.div_ceil(grain) as f64 * grain as f64])
                .collect())
        })
    }

    /// Frames `first…first+count` (default: every frame).
    #[wasm_bindgen(js_name = viewFrames)]
    pub fn view_frames(&self, first: JsValue, count: JsValue) -> Result<Vec<u32>, JsValue> {
        self.with(|s| {
            let first = int_or(&first, "first frame", u32::MAX as u64, 0)? as u32;
            let count = int_or(&count, "frame count", u32::MAX as u64, u32::MAX as u64)? as u32;
            let mut out = Vec::new();
            s.machine().fill_frames(first, count, &mut out);
            Ok(out)
        })
    }

    /// Who maps a frame (`"frame"`) or a swap slot (`"slot"`): `[pid, page, pid, page, …]`, the
    /// owner first; more than one pair when the page is shared. `sim.mappers("frame", 2)`
    pub fn mappers(&self, what: JsValue, n: JsValue) -> Result<Array, JsValue> {
        self.with(|s| {
            let what = text(&what, "frame or slot")?;
            let n = int(&n, "the number", u32::MAX as u64)? as u32;
            let list = match what.as_str() {
                "frame" => s.machine().frame_mappers(n),
                "slot" => s.machine().slot_mappers(n),
                _ => return Err(error("mappers takes \"frame\" or \"slot\"")),
            };
            Ok(list.into_iter().flat_map(|(pid, vpn)| [JsValue::from(pid), exact_js(vpn)]).collect())
        })
    }

    /// `blocks` blocks of `perBlock` frames from `first`, summarised (the heat map's cells).
    #[wasm_bindgen(js_name = viewFrameBlocks)]
    pub fn view_frame_blocks(&self, first: JsValue, per_block: JsValue, blocks: JsValue) -> Result<Vec<u32>, JsValue> {
        self.with(|s| {
            let first = int(&first, "first frame", u32::MAX as u64)? as u32;
            let per_block = int(&per_block, "frames per block", u32::MAX as u64)? as u32;
            let blocks = int(&blocks, "blocks", 1 << 16)? as u32;
            let mut out = Vec::new();
            s.machine().fill_frame_blocks(first, per_block, blocks, &mut out);
            Ok(out)
        })
    }

    /// Swap slots `first..first+count`.
    #[wasm_bindgen(js_name = viewSwap)]
    pub fn view_swap(&self, first: JsValue, count: JsValue) -> Result<Vec<u32>, JsValue> {
        self.with(|s| {
            let first = int(&first, "first slot", u32::MAX as u64)? as u32;
            let count = int(&count, "slot count", 1 << 20)? as u32;
            let mut out = Vec::new();
            s.machine().fill_swap(first, count, &mut out);
            Ok(out)
        })
    }

    /// Swap slots ever used (every slot at or above is free).
    #[wasm_bindgen(js_name = swapHighWater)]
    pub fn swap_high_water(&self) -> Result<u32, JsValue> {
        self.with(|s| Ok(s.machine().swap().high_water()))
    }
}

// ----- free functions ---------------------------------------------------------------------------

/// Pages per grain of the picture: 1 unless the space has more than 2^53 pages (a 64-bit space with
/// pages under 2 KiB), where page numbers are past what JavaScript numbers hold exactly; there the
/// picture's cells start at multiples of 2^(page bits − 53) pages, all exact numbers (README,
/// *64-bit address spaces*).
fn view_grain(config: &Config) -> u64 {
    1 << config.vpn_bits().saturating_sub(53)
}

/// A page position of the picture, `0..=max`: a whole number (one past 2^53 is exact too when the
/// page computed it from whole grains) or a BigInt.
fn position(v: &JsValue, what: &str, max: u64) -> Result<u64, JsValue> {
    let n = if v.is_bigint() { wide(v, what)? } else { whole(v, what)? };
    if n > max {
        return Err(error(format!("{what} must be at most {max}, not {n}")));
    }
    Ok(n)
}

/// A whole number ≥ 0 below 2^64 from a JS number, whatever its size.
fn whole(v: &JsValue, what: &str) -> Result<u64, JsValue> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&n) => Ok(n as u64),
        Some(n) => Err(error(format!("{what} must be a whole number ≥ 0, not {}", number_text(n)))),
        None => Err(error(format!("{what} must be a number, not {}", describe(v)))),
    }
}

/// A plain object from `(key, number)` pairs.
fn object(pairs: impl IntoIterator<Item = (&'static str, f64)>) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &k.into(), &v.into());
    }
    o
}

/// Page-state codes used in the views: `{Unmapped: 0, Guard: 1, …}`.
#[wasm_bindgen(js_name = pageStates)]
pub fn page_states() -> JsValue {
    object(PageState::ALL.iter().map(|s| (s.name(), *s as u8 as f64))).into()
}

/// View layout: words per cell, frame, slot and block, where each field sits (`field`), and the
/// flag bits.
#[wasm_bindgen(js_name = viewLayout)]
pub fn view_layout() -> JsValue {
    let layout = object([
        ("cellWords", view::CELL_WORDS as f64),
        ("frameWords", view::FRAME_WORDS as f64),
        ("slotWords", view::SLOT_WORDS as f64),
        ("blockWords", view::BLOCK_WORDS as f64),
        ("none", u32::MAX as f64),
        // A frame's policy value this large means "never" (OPT: not used again).
        ("valueMax", (u32::MAX - 1) as f64),
    ]);
    let flags = object(view::flags::ALL.iter().map(|&(k, v)| (k, v as f64)));
    let _ = js_sys::Reflect::set(&layout, &"flags".into(), &flags);
    let fields = object(view::field::ALL.iter().map(|&(k, v)| (k, v as f64)));
    let _ = js_sys::Reflect::set(&layout, &"field".into(), &fields);
    layout.into()
}

/// What the page offers and how it words it, said once here: `{policies: [{name, order,
/// valueLabel, valueRadix, valueInCell, hand, stack}], compared: [names the plots draw], limits:
/// {NAME: {min, max, why}} (every limit of `crate::limits`), settings: [{key, field}] (each
/// `config` key and the config() field holding it), pageSizes: [[bytes, label]], defaults:
/// {…a config}, reference: {commands: [{keyword, syntax, meaning}], settings: [{key, values,
/// meaning, default}]}}` (the editor's reference).
#[wasm_bindgen]
pub fn catalog() -> Result<JsValue, JsValue> {
    use crate::engine::config::{format_size, Setting, PAGE_SIZES};
    // Built with js_sys rather than serde: the page module stays small (serialising these
    // shapes would add their own code to it).
    let set = |o: &js_sys::Object, k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(o, &k.into(), &v);
    };
    let text = |s: Option<&str>| s.map_or(JsValue::NULL, JsValue::from);
    let policies: Array = PolicyKind::ALL
        .iter()
        .map(|&p| {
            let o = js_sys::Object::new();
            set(&o, "name", p.name().into());
            set(&o, "order", p.order_words().into());
            set(&o, "valueLabel", text(p.value_label()));
            set(&o, "valueRadix", p.value_radix().into());
            set(&o, "valueInCell", p.value_in_cell().into());
            set(&o, "hand", p.has_hand().into());
            set(&o, "stack", p.is_stack().into());
            set(&o, "ordered", p.has_order().into());
            JsValue::from(o)
        })
        .collect();
    let limits = js_sys::Object::new();
    for l in crate::limits::ALL {
        let o = object([("min", l.min as f64), ("max", l.max as f64)]);
        set(&o, "why", l.why.into());
        set(&limits, l.name, o.into());
    }
    let settings: Array = Setting::ALL
        .iter()
        .map(|s| {
            let o = js_sys::Object::new();
            set(&o, "key", s.key().into());
            set(&o, "field", s.field().into());
            JsValue::from(o)
        })
        .collect();
    let page_sizes: Array =
        PAGE_SIZES.iter().map(|&b| JsValue::from(Array::of2(&(b as f64).into(), &format_size(b).into()))).collect();
    // The editor's reference: every command and `config` key in brief (scenario/reference.rs).
    let reference = js_sys::Object::new();
    let commands: Array = crate::scenario::reference::COMMANDS
        .iter()
        .map(|c| {
            let o = js_sys::Object::new();
            set(&o, "keyword", c.keyword.into());
            set(&o, "syntax", c.syntax.into());
            set(&o, "meaning", c.meaning.into());
            JsValue::from(o)
        })
        .collect();
    let keys: Array = Setting::ALL
        .iter()
        .map(|&s| {
            let (values, meaning) = crate::scenario::reference::setting_doc(s);
            let o = js_sys::Object::new();
            set(&o, "key", s.key().into());
            set(&o, "values", values.as_str().into());
            set(&o, "meaning", meaning.into());
            set(&o, "default", crate::scenario::reference::setting_default(s).into());
            JsValue::from(o)
        })
        .collect();
    set(&reference, "commands", commands.into());
    set(&reference, "settings", keys.into());
    let out = js_sys::Object::new();
    set(&out, "reference", reference.into());
    set(&out, "policies", policies.into());
    set(&out, "compared", PolicyKind::COMPARED.iter().map(|p| JsValue::from(p.name())).collect::<Array>().into());
    set(&out, "limits", limits.into());
    set(&out, "settings", settings.into());
    set(&out, "pageSizes", page_sizes.into());
    set(&out, "defaults", to_js(&crate::engine::Config::default())?);
    Ok(out.into())
}

/// A duration in nanoseconds as the engine words it: `humanNs(100000)` is "100 µs".
#[wasm_bindgen(js_name = humanNs)]
pub fn human_ns(ns: JsValue) -> Result<String, JsValue> {
    Ok(crate::engine::cost::human_ns(int(&ns, "ns", u64::MAX)?))
}

/// A size in bytes as the engine words it: `humanBytes(4096)` is "4 KiB".
#[wasm_bindgen(js_name = humanBytes)]
pub fn human_bytes(bytes: JsValue) -> Result<String, JsValue> {
    Ok(crate::engine::budget::human_bytes(int(&bytes, "bytes", u64::MAX)?))
}

/// The built-in scenarios: `[{id, title, summary, text, compare}]`.
#[wasm_bindgen]
pub fn presets() -> Result<JsValue, JsValue> {
    let v: Vec<PresetOut> = presets::PRESETS
        .iter()
        .map(|p| PresetOut { id: p.id, title: p.title, summary: p.summary, text: p.text, compare: p.compare })
        .collect();
    to_js(&v)
}

/// The preset a scenario is (the same commands, whatever its settings): `{id, same_settings}`,
/// or `null`. `presetOf(text)`
#[wasm_bindgen(js_name = presetOf)]
pub fn preset_of(text: JsValue) -> Result<JsValue, JsValue> {
    let text = self::text(&text, "the scenario")?;
    #[derive(serde::Serialize)]
    struct Found {
        id: &'static str,
        same_settings: bool,
    }
    match presets::preset_of(&text) {
        Some((p, same_settings)) => to_js(&Found { id: p.id, same_settings }),
        None => Ok(JsValue::NULL),
    }
}

/// The tour's chapters, in order: `[{id, title, text, scenario, ask_at, question, answer, notice,
/// opens_at, figures: [{label, settings, major_faults, total_ns, slowdown, felt}]}]`.
#[wasm_bindgen(js_name = tourChapters)]
pub fn tour_chapters() -> Result<JsValue, JsValue> {
    let v: Vec<_> = crate::scenario::tour::CHAPTERS.iter().map(crate::scenario::tour::ChapterReport::new).collect();
    to_js(&v)
}

/// Checks scenario text; throws an Error with `line` and `column` if it does not parse.
#[wasm_bindgen(js_name = checkScenario)]
pub fn check_scenario(text: JsValue) -> Result<(), JsValue> {
    let text = self::text(&text, "the scenario")?;
    parse(&text).map(|_| ()).map_err(|e| parse_error(&e))
}

// ----- traces -----------------------------------------------------------------------------------

/// `{shared: "OBJ"}` or `{file: "F"}` (or nothing) from `allocate`'s options.
fn share_option(options: &JsValue) -> Result<Option<(ObjectKind, String)>, JsValue> {
    let read = helper_result(plain_options(options), "allocate's options")?;
    if read.is_null() {
        return Ok(None);
    }
    let pair: Array = read.unchecked_into();
    let mut found = None;
    for (i, (key, kind)) in [("shared", ObjectKind::Shm), ("file", ObjectKind::File)].into_iter().enumerate() {
        let v = pair.get(i as u32);
        if v.is_null() {
            continue;
        }
        if found.is_some() {
            return Err(error("allocate maps shared memory or a file, not both"));
        }
        found = Some((kind, text(&v, if key == "file" { "the file name" } else { "the shared object's name" })?));
    }
    Ok(found)
}
