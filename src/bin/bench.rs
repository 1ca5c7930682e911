//! Benchmark: replays a ~1M-access trace (a hot working set plus a sequential scan) with 1,024
//! frames under every policy and prints accesses per second and peak heap memory. It prints
//! figures; it does not fail on them.
//!
//!   cargo run --release --bin bench [-- --json] [-- --accesses N] [-- --policy NAME]
//!   cargo run --release --bin bench -- --bare-lru FILE FRAMES
//!
//! `--bare-lru` is the yardstick for `pagesim trace`: the smallest LRU fault counter one would
//! write by hand for an `rw` trace (a hash map of last uses and an ordered map to find the oldest),
//! reading and parsing the file too. It prints `faults seconds`.

use pagesim::counting::{current, peak, reset_peak, Counting};
use pagesim::engine::{Config, PolicyKind};
use pagesim::trace::synthetic::{hot_set_and_scan, HOT_PAGES};
use pagesim::trace::{Trace, TraceReplay};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

pub const FRAMES: u32 = 1024;
struct Row {
    accesses: usize,
    seconds: f64,
    faults: u64,
    peak_bytes: usize,
}

impl Row {
    fn rate(&self) -> f64 {
        self.accesses as f64 / self.seconds / 1e6
    }
    fn fault_percent(&self) -> f64 {
        100.0 * self.faults as f64 / self.accesses as f64
    }
}

/// Best of five replays (the machine is shared; the best run is the least disturbed).
fn measure(trace: &Trace, policy: PolicyKind) -> Row {
    let config = Config { policy, frames: FRAMES, tlb_entries: 64, ..Config::default() };
    let mut best = f64::MAX;
    let mut faults = 0;
    let mut peak_bytes = 0;
    for _ in 0..5 {
        let base = current();
        reset_peak();
        let mut replay = TraceReplay::new(trace, config.clone(), None).expect("valid configuration");
        let start = Instant::now();
        replay.advance(trace, usize::MAX).expect("the benchmark trace fits the budget");
        best = best.min(start.elapsed().as_secs_f64());
        faults = replay.summary().faults;
        peak_bytes = peak() - base;
    }
    Row { accesses: trace.len(), seconds: best, faults, peak_bytes }
}

/// The hand-written LRU fault counter (see the module comment): 4 KiB pages.
fn bare_lru(path: &str, frames: usize) -> (u64, f64) {
    use std::collections::{BTreeMap, HashMap};
    let start = Instant::now();
    let text = std::fs::read(path).expect("the trace file can be read");
    let mut last_use: HashMap<u64, u64> = HashMap::new();
    let mut by_age: BTreeMap<u64, u64> = BTreeMap::new();
    let mut faults = 0;
    for (now, line) in text.split(|&b| b == b'\n').filter(|l| l.len() > 2).enumerate() {
        let hex = std::str::from_utf8(&line[2..]).expect("an rw trace is text");
        let page = u64::from_str_radix(hex.trim().trim_start_matches("0x"), 16).expect("a hex address") >> 12;
        let now = now as u64;
        match last_use.insert(page, now) {
            Some(before) => {
                by_age.remove(&before);
            }
            None => {
                faults += 1;
                if by_age.len() == frames {
                    let (_, victim) = by_age.pop_first().expect("memory is full");
                    last_use.remove(&victim);
                }
            }
        }
        by_age.insert(now, page);
    }
    (faults, start.elapsed().as_secs_f64())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--bare-lru") {
        let path = args.get(i + 1).expect("--bare-lru FILE FRAMES");
        let frames = args.get(i + 2).and_then(|s| s.parse().ok()).expect("--bare-lru FILE FRAMES");
        let (faults, seconds) = bare_lru(path, frames);
        println!("{faults} {seconds:.6}");
        return;
    }
    let json = args.iter().any(|a| a == "--json");
    let n = args
        .iter()
        .position(|a| a == "--accesses")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mix = hot_set_and_scan(n, 64);
    let heavy = hot_set_and_scan(n, 4096);
    // `--policy NAME` measures one policy only (for profiling a change).
    let only = args.iter().position(|a| a == "--policy").and_then(|i| args.get(i + 1));
    let rows: Vec<(PolicyKind, Row, Row)> = PolicyKind::ALL
        .iter()
        .filter(|p| only.is_none_or(|name| p.name() == name))
        .map(|&p| (p, measure(&mix, p), measure(&heavy, p)))
        .collect();
    if json {
        let items: Vec<String> = rows
            .iter()
            .map(|(p, m, h)| {
                format!(
                    "{{\"policy\":\"{p}\",\"accesses\":{},\"mix_seconds\":{:.6},\"mix_faults\":{},\"heavy_seconds\":{:.6},\"heavy_faults\":{},\"peak_bytes\":{}}}",
                    m.accesses, m.seconds, m.faults, h.seconds, h.faults, m.peak_bytes.max(h.peak_bytes)
                )
            })
            .collect();
        println!("[{}]", items.join(","));
        return;
    }
    println!("native trace replay, {n} accesses, {FRAMES} frames, 4K pages, 4-level tables, TLB 64 (best of 5)");
    println!("  mix:   80% hot set of {HOT_PAGES} pages + 20% sequential scan at 64-byte stride, 25% writes");
    println!("  heavy: the same with the scan moving a page per access (every scan access faults)");
    println!(
        "{:<8} {:>12} {:>10} {:>8} {:>14} {:>8} {:>12}",
        "policy", "mix M acc/s", "ns/access", "faults", "heavy M acc/s", "faults", "peak memory"
    );
    for (p, m, h) in &rows {
        println!(
            "{:<8} {:>12.1} {:>10.1} {:>7.2}% {:>14.1} {:>7.1}% {:>9.1} MB",
            p.name(),
            m.rate(),
            m.seconds * 1e9 / m.accesses as f64,
            m.fault_percent(),
            h.rate(),
            h.fault_percent(),
            m.peak_bytes.max(h.peak_bytes) as f64 / 1e6
        );
    }
    println!("peak memory: the replay's heap (page tables, frames, swap, policy), not counting the 8 MB trace");
}
