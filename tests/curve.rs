//! Fault curves against full replays: for random traces (with locality, so the curves have shape),
//! every frame count's fault count from `trace::curve` equals the engine's `faults` for that frame
//! count, for LRU and OPT (one pass) and FIFO and CLOCK (per size).

use pagesim::engine::{Config, PolicyKind};
use pagesim::trace::curve::{clock_faults, fifo_faults, lru_curve, opt_curve, opt_faults, DenseTrace};
use pagesim::trace::{replay, Trace};
use proptest::prelude::*;

fn engine_faults(trace: &Trace, policy: PolicyKind, frames: u32) -> u64 {
    replay(trace, Config { policy, frames, ..Config::default() }, None).unwrap().faults
}

fn trace_of(pages: &[(u64, bool)]) -> Trace {
    Trace::from_pages(4096, pages.iter().copied())
}

/// Pages with locality: mostly a small hot set, sometimes a wider range, some writes.
fn pages() -> impl Strategy<Value = Vec<(u64, bool)>> {
    proptest::collection::vec((0..4u8, 0..6u64, 0..40u64, any::<bool>()), 1..300)
        .prop_map(|v| v.into_iter().map(|(kind, hot, wide, w)| (if kind == 0 { wide } else { hot }, w)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn curves_equal_replays_at_every_size(pages in pages()) {
        let trace = trace_of(&pages);
        let dense = DenseTrace::new(&trace);
        let max = dense.distinct + 2;
        let sizes: Vec<usize> = (1..=max).collect();
        let lru = lru_curve(&dense, max);
        let opt = opt_curve(&dense, max);
        let opt_each = opt_faults(&dense, &sizes);
        let fifo = fifo_faults(&dense, &sizes);
        let clock = clock_faults(&dense, &sizes);
        for k in 1..=max {
            let f = k as u32;
            prop_assert_eq!(lru[k - 1], engine_faults(&trace, PolicyKind::Lru, f), "lru, {} frames", k);
            prop_assert_eq!(opt[k - 1], engine_faults(&trace, PolicyKind::Opt, f), "opt, {} frames", k);
            prop_assert_eq!(opt_each[k - 1], opt[k - 1], "opt simulated, {} frames", k);
            prop_assert_eq!(fifo[k - 1], engine_faults(&trace, PolicyKind::Fifo, f), "fifo, {} frames", k);
            prop_assert_eq!(clock[k - 1], engine_faults(&trace, PolicyKind::Clock, f), "clock, {} frames", k);
        }
    }
}

/// A longer trace from the benchmark workload, at a few sizes, cut off at `max`.
#[test]
fn a_long_trace_agrees_with_replays() {
    let trace = pagesim::trace::synthetic::hot_set_and_scan(60_000, 4096);
    let dense = DenseTrace::new(&trace);
    let max = 1200;
    let lru = lru_curve(&dense, max);
    let opt = opt_curve(&dense, max);
    for k in [1usize, 7, 64, 500, 899, 1200] {
        assert_eq!(lru[k - 1], engine_faults(&trace, PolicyKind::Lru, k as u32), "lru {k}");
        assert_eq!(opt[k - 1], engine_faults(&trace, PolicyKind::Opt, k as u32), "opt {k}");
        assert_eq!(opt_faults(&dense, &[k])[0], opt[k - 1], "opt simulated {k}");
        assert_eq!(fifo_faults(&dense, &[k])[0], engine_faults(&trace, PolicyKind::Fifo, k as u32), "fifo {k}");
        assert_eq!(clock_faults(&dense, &[k])[0], engine_faults(&trace, PolicyKind::Clock, k as u32), "clock {k}");
    }
}
