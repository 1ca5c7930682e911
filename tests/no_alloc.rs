//! The access path allocates nothing: once a workload is warm (its page tables exist and swap has
//! grown to its working size), hits, faults, evictions and swap traffic make no heap allocation,
//! under every policy. Counted with a global allocator wrapper that only this test binary uses.

use pagesim::counting::{allocations, Counting};
use pagesim::engine::{AccessKind, Config, Machine, PolicyKind};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One pass over 200 pages with 128 frames: every access beyond the first 128 evicts.
fn pass(m: &mut Machine, pid: u32, round: u64) {
    for i in 0..200u64 {
        let page = (i * 7 + round) % 200; // a different order each round, so policies differ
        let kind = if i % 3 == 0 { AccessKind::Write } else { AccessKind::Read };
        // `None`: a write without data, as trace replays do (a byte written allocates its page once).
        m.access(pid, page << 12, kind, None, u64::MAX).unwrap();
        m.access(pid, page << 12, AccessKind::Read, None, u64::MAX).unwrap(); // a hit
    }
}

#[test]
fn warm_accesses_allocate_nothing_under_every_policy() {
    for policy in PolicyKind::ALL {
        let config = Config {
            policy,
            frames: 128,
            swap_slots: 256,
            va_bits: 20,
            tlb_entries: 16,
            timer: 5,
            ..Config::default()
        };
        let mut m = Machine::new(config).unwrap();
        m.set_recording(false);
        let pid = m.spawn_flat("T").unwrap();
        // Warm-up: page tables, the swap slot table and the free-slot heap grow to their working
        // size (they grow by doubling, so a handful of times in all).
        for round in 0..10 {
            pass(&mut m, pid, round);
        }
        let before = allocations();
        for round in 10..30 {
            pass(&mut m, pid, round);
        }
        let allocations = allocations() - before;
        let s = m.stats();
        assert!(s.major_faults > 1000 && s.swap_outs + s.dropped > 1000, "{policy}: the loop really faults and evicts");
        assert_eq!(allocations, 0, "{policy}: {allocations} allocations in 8,000 warm accesses");
    }
}
