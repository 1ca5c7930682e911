//! What memory costs in time (README, *What memory costs*): every access costs one memory access of
//! work; walks, faults and disk transfers are stall. The figures are exact nanoseconds: an access's
//! cost follows from its event and the configuration alone, so the statistics, the sentences and the
//! page all read the one function here.

use super::config::Config;
use super::events::{AccessEvent, AccessResult, EvictionFate, FaultKind};
use super::types::{group, TlbLookup};
use serde::Serialize;

/// What one access cost: `work` at RAM speed with the translation in the TLB, `stall` the rest.
/// (The statistics add the same up from their counts: [`crate::engine::Stats::speed`].)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccessCost {
    pub work: u64,
    pub stall: u64,
}

/// The cost of an access that ended as `event` says. A TLB miss walks every level (one memory access
/// each); a minor fault costs the kernel `minor_ns` (zero-fill, map, or copy); a major fault one
/// disk read; a victim written out during the fault (direct reclaim) one disk write. Swap-outs by
/// the background reclaimer are not here: they cost the faulting process nothing.
#[inline(always)]
pub fn access_cost(config: &Config, event: &AccessEvent) -> AccessCost {
    let mut cost = AccessCost { work: config.ram_ns, ..AccessCost::default() };
    if event.tlb == TlbLookup::Miss {
        cost.stall = config.ram_ns * config.levels as u64;
    }
    if let AccessResult::PageFault { kind, evicted, .. } = event.result {
        fault_cost(config, kind, evicted.map(|e| e.fate), &mut cost);
    }
    cost
}

#[cold]
#[inline(never)]
fn fault_cost(config: &Config, kind: FaultKind, fate: Option<EvictionFate>, cost: &mut AccessCost) {
    cost.stall += if kind.is_major() { config.disk_ns } else { config.minor_ns };
    if fate.is_some_and(EvictionFate::writes) {
        cost.stall += config.disk_ns;
    }
    if let FaultKind::ZeroFillHuge { more_writes, .. } = kind {
        // Every page of it is zero-filled; the row it needed may have cost more writes.
        cost.stall += (kind.pages() - 1) * config.minor_ns + more_writes as u64 * config.disk_ns;
    }
}

/// A duration in human units: "100 ns", "1 µs", "8 ms", "2.5 s", "3 min 20 s", "4.2 h", "12 days".
/// Integer arithmetic only: formatting floats would add its code to the page's module.
pub fn human_ns(ns: u64) -> String {
    const US: u64 = 1_000;
    const MS: u64 = 1_000_000;
    const S: u64 = 1_000_000_000;
    const MIN: u64 = 60 * S;
    const H: u64 = 60 * MIN;
    const DAY: u64 = 24 * H;
    match ns {
        0..US => format!("{ns} ns"),
        US..MS => tenths(ns, US, "µs"),
        MS..S => tenths(ns, MS, "ms"),
        S..MIN => tenths(ns, S, "s"),
        MIN..H => {
            let s = ns / S;
            format!("{} min {} s", s / 60, s % 60)
        }
        H..DAY => tenths(ns, H, "h"),
        _ => tenths(ns, DAY, "days"),
    }
}

/// `n / unit` with one decimal ("2.5 s"), none when it is whole or 100 and more ("100 µs").
fn tenths(n: u64, unit: u64, name: &str) -> String {
    let t = (n as u128 * 10 + unit as u128 / 2) / unit as u128;
    if t >= 1000 || t.is_multiple_of(10) {
        let whole = (n as u128 + unit as u128 / 2) / unit as u128;
        format!("{} {name}", group(whole as u64))
    } else {
        format!("{}.{} {name}", (t / 10) as u64, (t % 10) as u64)
    }
}

/// How a stall compares with one memory access: "1,000× a memory access".
pub fn versus_ram(config: &Config, ns: u64) -> String {
    let ram = config.ram_ns as u128;
    let t = (ns as u128 * 10 + ram / 2) / ram;
    if t >= 100 || t.is_multiple_of(10) {
        format!("{}× a memory access", group(((ns as u128 + ram / 2) / ram) as u64))
    } else {
        format!("{}.{}× a memory access", (t / 10) as u64, (t % 10) as u64)
    }
}

/// What an access waited for beyond its own memory access, as the sentences say it: "100 µs,
/// 1,000× a memory access".
pub fn cost_phrase(config: &Config, cost: AccessCost) -> String {
    format!("{}, {}", human_ns(cost.stall), versus_ram(config, cost.stall))
}

/// How fast a process (or the machine) ran, from its statistics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Speed {
    /// What its accesses cost at RAM speed, every translation in the TLB.
    pub work_ns: u64,
    /// Everything else: page-table walks, faults, disk.
    pub stall_ns: u64,
    pub total_ns: u64,
    /// (work + stall) / work: 1 is full speed, 3 a third of it. 1 before any access.
    pub slowdown: f64,
    /// Effective access time: total / accesses (0 before any access).
    pub eat_ns: f64,
    /// How it feels, in words: "full speed", "a third of full speed", "frozen: 1/80,000".
    pub felt: String,
}

impl Speed {
    pub fn new(work_ns: u64, stall_ns: u64, accesses: u64) -> Speed {
        let total_ns = work_ns.saturating_add(stall_ns);
        let slowdown = if work_ns == 0 { 1.0 } else { total_ns as f64 / work_ns as f64 };
        let eat_ns = if accesses == 0 { 0.0 } else { total_ns as f64 / accesses as f64 };
        Speed { work_ns, stall_ns, total_ns, slowdown, eat_ns, felt: felt(slowdown) }
    }
}

/// The felt speed of a slowdown, in words.
pub fn felt(slowdown: f64) -> String {
    const WORDS: [(f64, &str); 5] = [
        (1.1, "full speed"),
        (1.5, "nearly full speed"),
        (2.5, "half speed"),
        (3.5, "a third of full speed"),
        (4.5, "a quarter of full speed"),
    ];
    if let Some((_, w)) = WORDS.iter().find(|(limit, _)| slowdown < *limit) {
        return (*w).to_string();
    }
    let n = slowdown.round() as u64;
    if slowdown < 100.0 {
        format!("slow: 1/{}", group(n))
    } else {
        format!("frozen: 1/{}", group(round_figure(n)))
    }
}

/// Two significant figures: 81,234 → 81,000 (a felt speed is not precise).
fn round_figure(n: u64) -> u64 {
    let mut scale = 1;
    while n / scale >= 100 {
        scale *= 10;
    }
    (n + scale / 2) / scale * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_ns(100), "100 ns");
        assert_eq!(human_ns(1_000), "1 µs");
        assert_eq!(human_ns(100_000), "100 µs");
        assert_eq!(human_ns(8_000_000), "8 ms");
        assert_eq!(human_ns(2_500_000_000), "2.5 s");
        assert_eq!(human_ns(200_000_000_000), "3 min 20 s");
        assert_eq!(human_ns(u64::MAX), "213,504 days");
    }

    #[test]
    fn felt_speeds() {
        assert_eq!(felt(1.0), "full speed");
        assert_eq!(felt(3.0), "a third of full speed");
        assert_eq!(felt(12.0), "slow: 1/12");
        assert_eq!(felt(81_234.0), "frozen: 1/81,000");
        let s = Speed::new(0, 0, 0);
        assert_eq!((s.slowdown, s.eat_ns), (1.0, 0.0));
    }

    #[test]
    fn a_disk_read_is_a_thousand_memory_accesses() {
        let c = Config::default();
        let cost = AccessCost { work: 100, stall: 100_000 };
        assert_eq!(cost_phrase(&c, cost), "100 µs, 1,000× a memory access");
        assert_eq!(versus_ram(&c, 1_000), "10× a memory access");
        assert_eq!(versus_ram(&c, 150), "1.5× a memory access");
    }
}
