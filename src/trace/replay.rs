//! Replaying a trace in one flat process: the whole 48-bit space valid and writable, no guard page,
//! 4-level page tables (9 bits a level for 4 KiB pages, as on x86-64), and by default enough swap
//! for every page the trace touches.

use super::read::{scan_trace, Trace, TraceError, TraceFormat};
use crate::engine::{AccessKind, Config, Machine, Pid, PolicyKind, SimError, Stats};
use rustc_hash::FxHashMap;
use serde::Serialize;

pub const TRACE_VA_BITS: u32 = 48;
pub const TRACE_LEVELS: u32 = 4;

/// The figures `pagesim trace --json` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceSummary {
    pub policy: PolicyKind,
    pub frames: u32,
    pub page_size: u64,
    pub swap_slots: u32,
    pub distinct_pages: u64,
    pub accesses: u64,
    pub hits: u64,
    pub faults: u64,
    pub minor_faults: u64,
    pub major_faults: u64,
    pub swap_ins: u64,
    pub swap_outs: u64,
    pub dropped: u64,
    pub out_of_memory: u64,
    pub tlb_hits: u64,
    pub tlb_misses: u64,
}

impl TraceSummary {
    fn new(config: &Config, distinct_pages: u64, s: &Stats) -> Self {
        TraceSummary {
            policy: config.policy,
            frames: config.frames,
            page_size: config.page_size,
            swap_slots: config.swap_slots,
            distinct_pages,
            accesses: s.accesses,
            hits: s.hits,
            faults: s.faults,
            minor_faults: s.minor_faults,
            major_faults: s.major_faults,
            swap_ins: s.swap_ins,
            swap_outs: s.swap_outs,
            dropped: s.dropped,
            out_of_memory: s.out_of_memory,
            tlb_hits: s.tlb_hits,
            tlb_misses: s.tlb_misses,
        }
    }
}

/// A trace replay that can advance in slices (the browser shows progress and can cancel).
#[derive(Clone, Debug)]
pub struct TraceReplay {
    machine: Machine,
    pid: Pid,
    /// Next-use time of each access, for `opt` only.
    next_use: Option<Vec<u64>>,
    /// Swap slots asked for (`None`: enough for every page the trace touches).
    swap: Option<u32>,
    pos: usize,
}

/// The machine a trace replays on: one flat process in a 48-bit space with 4-level tables. Without
/// `swap`, the swap disk has the most slots a machine may have: slots are taken lowest first and
/// stored only when used, and a trace never needs more than one per distinct page, so this is the
/// same as sizing swap to the trace's pages, without a pass to count them first.
fn trace_machine(page_size: u64, mut config: Config, swap: Option<u32>) -> Result<(Machine, Pid), SimError> {
    config.page_size = page_size;
    config.va_bits = TRACE_VA_BITS;
    config.levels = TRACE_LEVELS;
    config.swap_slots = swap.unwrap_or(crate::engine::config::MAX_SWAP_SLOTS);
    // A trace is one program's accesses: when swap runs out they fail and are counted
    // (`out_of_memory`); killing the only process would end the replay.
    config.oom = crate::engine::config::OomMode::Fail;
    let mut machine = Machine::new(config)?;
    machine.set_recording(false);
    let pid = machine.spawn_flat("trace")?;
    let _ = machine.take_events();
    Ok((machine, pid))
}

/// The figures of a replay so far.
fn summary_of(machine: &Machine, pid: Pid, swap: Option<u32>) -> TraceSummary {
    // A flat process never frees a page: its page-table entries are the distinct pages touched.
    let distinct = machine.process(pid).map_or(0, |p| p.page_table.entry_count());
    let mut config = machine.config().clone();
    if swap.is_none() {
        config.swap_slots = distinct.min(crate::engine::config::MAX_SWAP_SLOTS as u64) as u32;
    }
    TraceSummary::new(&config, distinct, machine.stats())
}

impl TraceReplay {
    /// Prepares a replay. `swap`: slots, or `None` for one per distinct page of the trace.
    /// The `config` fields that a trace fixes (address width, levels) are set here.
    pub fn new(trace: &Trace, config: Config, swap: Option<u32>) -> Result<TraceReplay, SimError> {
        // For opt, one pass for each access's next use.
        let next_use = (config.policy == PolicyKind::Opt).then(|| next_uses(trace));
        let (machine, pid) = trace_machine(trace.page_size, config, swap)?;
        Ok(TraceReplay { machine, pid, next_use, swap, pos: 0 })
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Accesses replayed so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Replays up to `n` more accesses of `trace` (the one given to `new`). Returns how many, or
    /// the error that stopped the replay (the memory budget: a trace touching more pages than its
    /// page tables may hold); the replay then stays before the access that would not fit.
    pub fn advance(&mut self, trace: &Trace, n: usize) -> Result<usize, ReplayError> {
        let start = self.pos;
        let end = trace.len().min(self.pos.saturating_add(n));
        let shift = self.machine.config().page_shift();
        for i in self.pos..end {
            let (vpn, write) = trace.get(i);
            let kind = if write { AccessKind::Write } else { AccessKind::Read };
            let next = self.next_use.as_ref().map_or(u64::MAX, |v| v[i]);
            // Checked once for all: the process is flat and alive, and every page fits in 48 bits.
            self.machine
                .replay_access(self.pid as usize, vpn << shift, kind, next)
                .map_err(|error| ReplayError::Refused { access: i as u64 + 1, error })?;
            self.pos = i + 1;
        }
        Ok(self.pos - start)
    }

    pub fn summary(&self) -> TraceSummary {
        summary_of(&self.machine, self.pid, self.swap)
    }
}

/// Each access's next access to the same page (`u64::MAX`: none).
fn next_uses(trace: &Trace) -> Vec<u64> {
    let mut last_seen: FxHashMap<u64, usize> = FxHashMap::default();
    let mut next = vec![u64::MAX; trace.len()];
    for (i, (vpn, _)) in trace.iter().enumerate() {
        if let Some(prev) = last_seen.insert(vpn, i) {
            next[prev] = i as u64;
        }
    }
    next
}

/// Why a streamed replay stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The trace does not read (with its line).
    Trace(TraceError),
    /// The machine refused before the replay (the configuration).
    Sim(SimError),
    /// The machine refused access `access` (1-based; the memory budget).
    Refused { access: u64, error: SimError },
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::Trace(e) => write!(f, "{e}"),
            ReplayError::Sim(e) => write!(f, "{e}"),
            ReplayError::Refused { access, error } => write!(f, "access {access} of the trace: {error}"),
        }
    }
}

impl std::error::Error for ReplayError {}

/// Replays a trace as it is read, so memory stays at the machine's state however long the trace
/// is (the command line's `pagesim trace`). `opt` needs the future: its trace is read whole first,
/// up to [`MAX_TRACE_ACCESSES`](super::MAX_TRACE_ACCESSES) accesses. Returns the figures and the
/// format read.
pub fn replay_stream<R: std::io::Read>(
    input: R,
    format: TraceFormat,
    config: Config,
    swap: Option<u32>,
) -> Result<(TraceSummary, TraceFormat), ReplayError> {
    replay_stream_within(input, format, config, swap, super::MAX_TRACE_ACCESSES as u64)
}

/// [`replay_stream`] with `opt` reading at most `limit` accesses.
fn replay_stream_within<R: std::io::Read>(
    input: R,
    format: TraceFormat,
    config: Config,
    swap: Option<u32>,
    limit: u64,
) -> Result<(TraceSummary, TraceFormat), ReplayError> {
    let page_size = config.page_size;
    if config.policy == PolicyKind::Opt {
        let mut packed = Vec::new();
        let scan =
            scan_trace(input, format, page_size, limit, |vpn, w| packed.push((vpn, w))).map_err(ReplayError::Trace)?;
        let trace = Trace::from_pages(page_size, packed);
        let mut r = TraceReplay::new(&trace, config, swap).map_err(ReplayError::Sim)?;
        r.advance(&trace, usize::MAX)?;
        return Ok((r.summary(), scan.format));
    }
    // Two threads: this one reads the file (decompression and parsing), the other replays; they
    // pass batches of accesses (the page number shifted left, the write bit at the bottom) and
    // hand the emptied batches back, so memory stays at a few batches however long the trace.
    // The machine is made, used and dropped in the replay thread (its page data is not `Send`).
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u64>>(BATCHES);
    let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Vec<u64>>(BATCHES + 2);
    std::thread::scope(|scope| {
        let replayer = scope.spawn(move || -> Result<TraceSummary, ReplayError> {
            let (mut machine, pid) = trace_machine(page_size, config, swap).map_err(ReplayError::Sim)?;
            let shift = page_size.trailing_zeros();
            let mut n = 0u64;
            for batch in full_rx {
                for &packed in &batch {
                    n += 1;
                    let kind = if packed & 1 == 1 { AccessKind::Write } else { AccessKind::Read };
                    if let Err(e) = machine.replay_access(pid as usize, (packed >> 1) << shift, kind, u64::MAX) {
                        // Dropping the channel tells the reader to stop sending.
                        return Err(ReplayError::Refused { access: n, error: e });
                    }
                }
                let _ = empty_tx.try_send(batch);
            }
            Ok(summary_of(&machine, pid, swap))
        });
        let mut batch = Vec::with_capacity(BATCH);
        let mut stopped = false;
        let scan = scan_trace(input, format, page_size, u64::MAX, |vpn, write| {
            if stopped {
                return;
            }
            batch.push(vpn << 1 | write as u64);
            if batch.len() == BATCH {
                let next = empty_rx.try_recv().map(|mut b| {
                    b.clear();
                    b
                });
                let full = std::mem::replace(&mut batch, next.unwrap_or_else(|_| Vec::with_capacity(BATCH)));
                stopped = full_tx.send(full).is_err();
            }
        });
        if !batch.is_empty() && !stopped {
            let _ = full_tx.send(batch);
        }
        drop(full_tx);
        let replayed = replayer.join().expect("the replay thread does not panic");
        let scan = scan.map_err(ReplayError::Trace)?;
        Ok((replayed?, scan.format))
    })
}

/// A replay fed the trace's text piece by piece as it arrives (the page's worker reads a `File`'s
/// stream): memory is the machine's and one partial line, however long the trace. Not for `opt`,
/// which needs the future.
pub struct StreamReplay {
    scanner: super::read::TextScanner,
    machine: Machine,
    pid: Pid,
    swap: Option<u32>,
    refused: Option<ReplayError>,
}

impl StreamReplay {
    pub fn new(format: TraceFormat, config: Config, swap: Option<u32>) -> Result<StreamReplay, ReplayError> {
        if config.policy == PolicyKind::Opt {
            return Err(ReplayError::Trace(TraceError {
                too_long: false,
                line: 0,
                message: "opt looks ahead: it needs the whole trace before it starts, so it cannot replay as it reads"
                    .into(),
            }));
        }
        let scanner = super::read::TextScanner::new(format, config.page_size, u64::MAX);
        let (machine, pid) = trace_machine(config.page_size, config, swap).map_err(ReplayError::Sim)?;
        Ok(StreamReplay { scanner, machine, pid, swap, refused: None })
    }

    /// Replays the complete lines of `text` (a piece of the trace, cut anywhere).
    pub fn feed(&mut self, text: &[u8]) -> Result<(), ReplayError> {
        let (machine, pid, refused) = (&mut self.machine, self.pid as usize, &mut self.refused);
        let shift = machine.config().page_shift();
        let mut n = self.scanner.scan().accesses;
        self.scanner
            .feed(text, &mut |vpn, write| {
                n += 1;
                if refused.is_some() {
                    return;
                }
                let kind = if write { AccessKind::Write } else { AccessKind::Read };
                if let Err(e) = machine.replay_access(pid, vpn << shift, kind, u64::MAX) {
                    *refused = Some(ReplayError::Refused { access: n, error: e });
                }
            })
            .map_err(ReplayError::Trace)?;
        match self.refused.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The end of the trace (its last line may have no line break): the figures, and the format read.
    pub fn finish(&mut self) -> Result<(TraceSummary, TraceFormat), ReplayError> {
        self.feed(b"")?;
        let (machine, pid) = (&mut self.machine, self.pid as usize);
        let shift = machine.config().page_shift();
        let mut refused = None;
        let scan = self
            .scanner
            .finish(&mut |vpn, write| {
                let kind = if write { AccessKind::Write } else { AccessKind::Read };
                if let Err(e) = machine.replay_access(pid, vpn << shift, kind, u64::MAX) {
                    refused = Some(e);
                }
            })
            .map_err(ReplayError::Trace)?;
        if let Some(error) = refused {
            return Err(ReplayError::Refused { access: scan.accesses, error });
        }
        Ok((self.summary(), scan.format))
    }

    /// Accesses replayed so far.
    pub fn accesses(&self) -> u64 {
        self.machine.stats().accesses
    }

    pub fn summary(&self) -> TraceSummary {
        summary_of(&self.machine, self.pid, self.swap)
    }
}

/// Accesses passed between the reading and the replaying thread at a time, and batches in flight.
const BATCH: usize = 1 << 16;
const BATCHES: usize = 4;

pub use crate::limits::STEP_WINDOW;

/// A window of the trace as scenario text, one step per access, so it can be stepped through on
/// the page: accesses `start .. start + limit` (clipped to the trace), in a flat process in a 48-bit
/// space, reads for reads, writes (of the byte 1) for writes. A comment line says which window
/// it is. `limit` is at most [`STEP_WINDOW`].
pub fn to_scenario(trace: &Trace, config: &Config, start: usize, limit: usize) -> Result<String, String> {
    if limit > STEP_WINDOW {
        return Err(format!("at most {STEP_WINDOW} accesses can be opened step by step, not {limit}"));
    }
    if start >= trace.len().max(1) {
        return Err(format!("the trace has {} accesses: a window cannot start at {}", trace.len(), start + 1));
    }
    let end = trace.len().min(start + limit);
    let window = || (start..end).map(|i| trace.get(i));
    let distinct: rustc_hash::FxHashSet<u64> = window().map(|(vpn, _)| vpn).collect();
    let cfg = Config {
        page_size: trace.page_size,
        va_bits: TRACE_VA_BITS,
        levels: TRACE_LEVELS,
        swap_slots: (distinct.len() as u32).clamp(1, crate::engine::config::MAX_SWAP_SLOTS),
        ..config.clone()
    };
    cfg.validate().map_err(|e| e.to_string())?;
    let shift = trace.page_size.trailing_zeros();
    let mut text = format!(
        "# accesses {}–{} of {} from the trace, starting from empty memory\n{}\nspawn T flat\n",
        start + 1,
        end,
        trace.len(),
        cfg.to_line()
    );
    let mut refs: Vec<String> = Vec::new();
    let flush = |text: &mut String, refs: &mut Vec<String>| {
        if !refs.is_empty() {
            text.push_str(&format!("refs T {}\n", refs.join(" ")));
            refs.clear();
        }
    };
    for (vpn, write) in window() {
        if write {
            flush(&mut text, &mut refs);
            text.push_str(&format!("write T {:#x} 1\n", vpn << shift));
        } else {
            refs.push(vpn.to_string());
            if refs.len() == 16 {
                flush(&mut text, &mut refs);
            }
        }
    }
    flush(&mut text, &mut refs);
    Ok(text)
}

/// Replays a whole trace and returns its figures.
pub fn replay(trace: &Trace, config: Config, swap: Option<u32>) -> Result<TraceSummary, ReplayError> {
    let mut r = TraceReplay::new(trace, config, swap).map_err(ReplayError::Sim)?;
    r.advance(trace, usize::MAX)?;
    Ok(r.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(policy: PolicyKind, frames: u32, pages: &[u64]) -> u64 {
        let trace = Trace::from_pages(4096, pages.iter().map(|&p| (p, false)));
        let config = Config { policy, frames, ..Config::default() };
        replay(&trace, config, None).unwrap().faults
    }

    #[test]
    fn a_trace_becomes_a_scenario_with_the_same_faults() {
        let trace = Trace::from_pages(4096, [(1, false), (2, true), (3, false), (1, false), (4, true), (2, false)]);
        let config = Config { policy: PolicyKind::Lru, frames: 2, ..Config::default() };
        let text = to_scenario(&trace, &config, 0, 100).unwrap();
        let mut run = crate::scenario::Run::new(crate::scenario::parse(&text).unwrap()).unwrap();
        run.run_to_end().unwrap();
        let replayed = replay(&trace, config.clone(), None).unwrap();
        assert_eq!(run.machine().stats().faults, replayed.faults);
        assert_eq!(run.machine().stats().swap_outs, replayed.swap_outs);
        assert!(to_scenario(&trace, &config, 0, 5001).unwrap_err().contains("at most 5000"));
        // A window: accesses 3–4 only.
        let window = to_scenario(&trace, &config, 2, 2).unwrap();
        assert!(window.starts_with("# accesses 3–4 of 6"), "{window}");
        assert!(window.ends_with("spawn T flat\nrefs T 3 1\n"), "{window}");
        assert!(to_scenario(&trace, &config, 6, 2).is_err());
    }

    #[test]
    fn textbook_counts() {
        let s = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
        assert_eq!(faults(PolicyKind::Fifo, 3, &s), 15);
        assert_eq!(faults(PolicyKind::Lru, 3, &s), 12);
        assert_eq!(faults(PolicyKind::Opt, 3, &s), 9);
    }

    #[test]
    fn opt_reads_a_bounded_trace_and_says_why_the_others_stream() {
        let text = "1 2 3 4 5 6 7 8 9 10 11 12\n";
        let config = |policy| Config { frames: 3, policy, ..Config::default() };
        let e =
            replay_stream_within(text.as_bytes(), TraceFormat::Pages, config(PolicyKind::Opt), None, 10).unwrap_err();
        let message = e.to_string();
        assert!(message.contains("more than 10 accesses, the most read whole (opt looks ahead"), "{message}");
        let (lru, _) =
            replay_stream_within(text.as_bytes(), TraceFormat::Pages, config(PolicyKind::Lru), None, 10).unwrap();
        assert_eq!(lru.accesses, 12, "LRU streams past the limit opt has");
    }
}
