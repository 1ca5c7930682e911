//! Traces in the browser (the trace worker's module): `TraceSession` reads a trace file, replays
//! it in slices and computes fault curves.

use super::*;
use crate::engine::config::{Config, PolicyKind, MAX_FRAMES};
use crate::trace::curve::{self, DenseTrace};
use crate::trace::{self, Trace, TraceFormat, TraceReplay};
use js_sys::Uint8Array;

use crate::limits::PAGE_TRACE_WHOLE;

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
    /// Pages renumbered densely, for the curves (made on first use).
    dense: Option<DenseTrace>,
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
        if array.length() as usize > PAGE_TRACE_WHOLE {
            return Err(error(format!(
                "the trace is {} MiB; the page reads at most {} MiB whole (larger ones are replayed as they are read: TraceStream)",
                array.length() >> 20,
                PAGE_TRACE_WHOLE >> 20
            )));
        }
        let bytes = array.to_vec();
        let trace = trace::read_trace(&bytes, format, page_size).map_err(|e| {
            let err = error(if e.line > 0 { format!("line {}", e) } else { e.to_string() });
            // Too long to read whole (nothing wrong with it): the page replays it as it reads.
            let _ = js_sys::Reflect::set(&err, &"tooLong".into(), &e.too_long.into());
            err
        })?;
        Ok(TraceSession { trace, replay: None, dense: None })
    }

    /// A session for fault curves only, from another session's `denseIds()` (the bytes of a
    /// `Uint32Array`): a second worker computes curves without parsing the file again. It has no
    /// replay (`start`, `summary`, `toScenario` see an empty trace).
    #[wasm_bindgen(js_name = fromDense)]
    pub fn from_dense(ids: JsValue) -> Result<TraceSession, JsValue> {
        let array: Uint8Array = helper_result(plain_bytes(&ids), "the page ids")?.unchecked_into();
        let bytes = array.to_vec();
        if !bytes.len().is_multiple_of(4) || bytes.len() / 4 > trace::MAX_TRACE_ACCESSES {
            return Err(error("the page ids must be a Uint32Array of at most 100 million ids"));
        }
        let ids: Vec<u32> = bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let dense = DenseTrace::from_ids(ids).map_err(error)?;
        Ok(TraceSession { trace: Trace::default(), replay: None, dense: Some(dense) })
    }

    /// Each access's page renumbered densely (0, 1, … in order of first use), for `fromDense`.
    #[wasm_bindgen(js_name = denseIds)]
    pub fn dense_ids(&mut self) -> Vec<u32> {
        self.dense().ids.clone()
    }

    /// The benchmark workload (the same as the native `bench`): `n` accesses, 80% to a hot set,
    /// 20% a sequential scan moving `scanStride` bytes per access. `TraceSession.synthetic(1e6, 64)`
    pub fn synthetic(n: JsValue, scan_stride: JsValue) -> Result<TraceSession, JsValue> {
        let n = int(&n, "accesses", 10_000_000)? as usize;
        let stride = int(&scan_stride, "scan stride", 1 << 20)?.max(1);
        Ok(TraceSession { trace: trace::synthetic::hot_set_and_scan(n, stride), replay: None, dense: None })
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
        let policy = policy_of(&policy)?;
        let frames = int(&frames, "frames", MAX_FRAMES as u64)? as u32;
        let tlb = if tlb.is_undefined() {
            Config::default().tlb_entries
        } else {
            int(&tlb, "TLB entries", crate::engine::config::MAX_TLB_ENTRIES as u64)? as u32
        };
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

    /// Accesses `start+1 … start+limit` of the trace as a scenario to step through (at most
    /// `STEP_WINDOW`, 5,000), with this policy and frame count. `t.toScenario("lru", 4, 0, 5000)`
    #[wasm_bindgen(js_name = toScenario)]
    pub fn to_scenario(
        &self,
        policy: JsValue,
        frames: JsValue,
        start: JsValue,
        limit: JsValue,
    ) -> Result<String, JsValue> {
        let policy = policy_of(&policy)?;
        let frames = int(&frames, "frames", MAX_FRAMES as u64)? as u32;
        let start = int_or(&start, "start", u32::MAX as u64, 0)? as usize;
        let limit = int_or(&limit, "limit", trace::STEP_WINDOW as u64, trace::STEP_WINDOW as u64)? as usize;
        let config = Config { policy, frames, ..Config::default() };
        trace::to_scenario(&self.trace, &config, start, limit).map_err(error)
    }

    fn dense(&mut self) -> &DenseTrace {
        self.dense.get_or_insert_with(|| DenseTrace::new(&self.trace))
    }

    /// Distinct pages the trace touches.
    #[wasm_bindgen(getter)]
    pub fn distinct(&mut self) -> f64 {
        self.dense().distinct as f64
    }

    /// Frame counts a curve covers unless told: `1…curveLength`.
    #[wasm_bindgen(getter, js_name = curveLength)]
    pub fn curve_length(&mut self) -> f64 {
        curve::default_curve_len(self.dense().distinct) as f64
    }

    /// Most accesses `toScenario` opens step by step.
    #[wasm_bindgen(js_name = stepWindow)]
    pub fn step_window() -> f64 {
        trace::STEP_WINDOW as f64
    }

    /// LRU faults for every frame count `1…max` (default: `curveLength`), in one pass.
    /// `t.lruCurve(1024)`
    #[wasm_bindgen(js_name = lruCurve)]
    pub fn lru_curve(&mut self, max: JsValue) -> Result<Vec<f64>, JsValue> {
        let max = self.curve_len(&max)?;
        Ok(curve::lru_curve(self.dense(), max).into_iter().map(|f| f as f64).collect())
    }

    /// OPT faults for every frame count `1…max` (default: `curveLength`), in one pass.
    /// `t.optCurve(1024)`
    #[wasm_bindgen(js_name = optCurve)]
    pub fn opt_curve(&mut self, max: JsValue) -> Result<Vec<f64>, JsValue> {
        let max = self.curve_len(&max)?;
        Ok(curve::opt_curve(self.dense(), max).into_iter().map(|f| f as f64).collect())
    }

    /// The curve length `max` asks for (undefined: the default), checked by the engine.
    fn curve_len(&mut self, max: &JsValue) -> Result<usize, JsValue> {
        let requested = if max.is_undefined() || max.is_null() { None } else { Some(int(max, "max", u64::MAX)?) };
        curve::curve_len(self.dense().distinct, requested).map_err(|e| error(e.to_string()))
    }

    /// A stack algorithm's faults for every frame count `1…curveLength` in one pass (`lruCurve`,
    /// `optCurve`), or `null` for a policy that is not one: then `faultsAt(policy, sampleSizes())`.
    /// `t.stackCurve("lru")`
    #[wasm_bindgen(js_name = stackCurve)]
    pub fn stack_curve(&mut self, policy: JsValue) -> Result<Option<Vec<f64>>, JsValue> {
        match policy_of(&policy)? {
            PolicyKind::Lru => self.lru_curve(JsValue::UNDEFINED).map(Some),
            PolicyKind::Opt => self.opt_curve(JsValue::UNDEFINED).map(Some),
            _ => Ok(None),
        }
    }

    /// The frame counts FIFO and CLOCK are simulated at (`faultsAt`).
    #[wasm_bindgen(js_name = sampleSizes)]
    pub fn sample_sizes(&mut self) -> Vec<f64> {
        curve::sample_sizes(self.dense().distinct).into_iter().map(|k| k as f64).collect()
    }

    /// FIFO, CLOCK or OPT faults at each of `sizes` (frame counts). `t.faultsAt("fifo", [1, 2, 4])`
    #[wasm_bindgen(js_name = faultsAt)]
    pub fn faults_at(&mut self, policy: JsValue, sizes: JsValue) -> Result<Vec<f64>, JsValue> {
        let policy = policy_of(&policy)?;
        let list: Array = helper_result(plain_list(&sizes, 4096), "the frame counts")?.unchecked_into();
        let sizes = list
            .iter()
            .map(|k| int(&k, "a frame count", MAX_FRAMES as u64).map(|k| k as usize))
            .collect::<Result<Vec<_>, _>>()?;
        let faults = match policy {
            PolicyKind::Fifo => curve::fifo_faults(self.dense(), &sizes),
            PolicyKind::Clock => curve::clock_faults(self.dense(), &sizes),
            PolicyKind::Opt => curve::opt_faults(self.dense(), &sizes),
            other => return Err(error(format!("faultsAt simulates fifo, clock and opt, not {other}"))),
        };
        Ok(faults.into_iter().map(|f| f as f64).collect())
    }

    /// `{accesses, hits, faults, swap_ins, swap_outs, …}` of the replay so far.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        let replay = self.replay.as_ref().ok_or_else(|| error("call start(policy, frames) first"))?;
        to_js(&replay.summary())
    }
}

/// A replay of a trace as it is read (`pages`, `rw` or `lackey` text, in pieces cut anywhere):
/// memory is the machine's, whatever the trace's length. For files too large to read whole; not
/// for `opt`, which needs the future. Gzip is the caller's (the worker's `DecompressionStream`).
///
/// ```js
/// const s = new TraceStream("auto", 4096, "lru", 1024);
/// for await (const piece of file.stream()) s.push(piece);
/// s.finish(); // the summary
/// ```
#[wasm_bindgen]
pub struct TraceStream {
    replay: crate::trace::StreamReplay,
}

#[wasm_bindgen]
impl TraceStream {
    #[wasm_bindgen(constructor)]
    pub fn new(format: JsValue, page_size: JsValue, policy: JsValue, frames: JsValue) -> Result<TraceStream, JsValue> {
        let format = if format.is_undefined() { "auto".to_string() } else { text(&format, "the format")? };
        let format = TraceFormat::parse(&format).ok_or_else(|| {
            error(format!("format must be auto, pages, rw or lackey, not {}", describe(&JsValue::from(&format))))
        })?;
        let page_size = int_or(&page_size, "page size", 65536, 4096)?;
        let policy = policy_of(&policy)?;
        let frames = int(&frames, "frames", MAX_FRAMES as u64)? as u32;
        let config = Config { policy, frames, page_size, ..Config::default() };
        config.validate().map_err(|e| error(e.to_string()))?;
        let replay = crate::trace::StreamReplay::new(format, config, None).map_err(|e| error(e.to_string()))?;
        Ok(TraceStream { replay })
    }

    /// Replays the complete lines of the next piece of the text (a `Uint8Array`).
    pub fn push(&mut self, bytes: JsValue) -> Result<(), JsValue> {
        let array: Uint8Array = helper_result(plain_bytes(&bytes), "the piece of the trace")?.unchecked_into();
        self.replay.feed(&array.to_vec()).map_err(|e| error(stream_error(e)))
    }

    /// The end of the text: the summary (`{accesses, hits, faults, …}`, with `format`).
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let (summary, format) = self.replay.finish().map_err(|e| error(stream_error(e)))?;
        let out = to_js(&summary)?;
        js_sys::Reflect::set(&out, &"format".into(), &format.name().into())?;
        Ok(out)
    }

    /// Accesses replayed so far.
    #[wasm_bindgen(getter)]
    pub fn accesses(&self) -> f64 {
        self.replay.accesses() as f64
    }
}

/// A streamed replay's error as the page says it: a trace error with its line.
fn stream_error(e: crate::trace::ReplayError) -> String {
    match e {
        crate::trace::ReplayError::Trace(t) if t.line > 0 => format!("line {t}"),
        other => other.to_string(),
    }
}
