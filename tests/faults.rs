//! Each kind of fault and the behaviour users rely on: data surviving swap, isolation, clean pages
//! dropped without a write, the TLB flushed on a switch, out of memory as a clean failure.

use pagesim::engine::config::OomMode;
use pagesim::engine::events::{AccessResult, EvictionFate, FaultKind, SegvReason, TlbLookup};
use pagesim::engine::process::ExitCause;
use pagesim::engine::{Config, Event, Machine, Perms, PolicyKind, SegvMode, SimError};

fn machine(frames: u32, swap: u32) -> Machine {
    Machine::new(Config { frames, swap_slots: swap, policy: PolicyKind::Fifo, tlb_entries: 4, ..Config::default() })
        .unwrap()
}

#[test]
fn null_pointer_dereference_is_a_segmentation_fault_that_kills() {
    let mut m = machine(4, 8);
    let a = m.spawn("A", 1).unwrap();
    m.allocate(a, 4096, Perms::RW, None, Some("heap")).unwrap();
    m.write(a, 0x2000, 9).unwrap();
    let e = m.read(a, 0x0008).unwrap();
    assert_eq!(e.result, AccessResult::SegmentationFault { reason: SegvReason::NullPage });
    assert_eq!(m.process(a).unwrap().ended, Some(ExitCause::SegmentationFault));
    assert_eq!(m.frames().used(), 0, "the killed process's frames are freed");
    assert_eq!(m.stats().segfaults, 1);
    let text = m.describe(m.events().iter().rev().nth(1).unwrap());
    assert!(text.contains("segmentation fault (null pointer dereference)"), "{text}");
    assert!(matches!(m.read(a, 0x2000), Err(SimError::ProcessExited { .. })));
    m.check_invariants().unwrap();
}

#[test]
fn segv_report_keeps_the_process_alive() {
    let mut m = Machine::new(Config { segv: SegvMode::Report, ..Config::default() }).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let e = m.read(a, 0x9000).unwrap();
    assert_eq!(e.result, AccessResult::SegmentationFault { reason: SegvReason::Unmapped });
    assert!(m.process(a).unwrap().alive());
    assert!(m.describe(m.events().last().unwrap()).contains("page 9 is in no region → segmentation fault"));
}

#[test]
fn writing_to_code_is_a_protection_fault_and_code_is_never_swapped() {
    let mut m = machine(2, 8);
    let a = m.spawn("A", 3).unwrap();
    let first = m.read(a, 0x1000).unwrap();
    assert!(matches!(first.result, AccessResult::PageFault { kind: FaultKind::CodeFromFile, .. }));
    let byte = first.value;
    m.read(a, 0x2000).unwrap();
    // A third code page evicts the first: clean code is dropped, not written to swap.
    let e = m.read(a, 0x3000).unwrap();
    let ev = e.eviction().expect("memory was full");
    assert_eq!((ev.vpn, ev.fate), (1, EvictionFate::DroppedCode));
    assert_eq!(m.swap().used(), 0);
    assert_eq!(m.stats().swap_outs, 0);
    // Re-read from the executable: a minor fault, same bytes.
    let again = m.read(a, 0x1000).unwrap();
    assert!(matches!(again.result, AccessResult::PageFault { kind: FaultKind::CodeFromFile, .. }));
    assert_eq!(again.value, byte);
    let w = m.write(a, 0x1000, 1).unwrap();
    assert!(matches!(w.result, AccessResult::ProtectionFault { code: true, .. }));
    assert_eq!(m.process(a).unwrap().ended, Some(ExitCause::ProtectionFault));
    assert!(m.describe(&Event::Access(w)).contains("read-only code (r-x) → protection fault"));
}

#[test]
fn reading_write_only_memory_and_writing_read_only_memory_are_protection_faults() {
    let mut m = Machine::new(Config { segv: SegvMode::Report, ..Config::default() }).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let ro = m.allocate(a, 1, Perms::R, None, Some("ro")).unwrap();
    let wo = m.allocate(a, 1, Perms::W, None, Some("wo")).unwrap();
    assert!(matches!(m.write(a, ro, 1).unwrap().result, AccessResult::ProtectionFault { code: false, .. }));
    assert!(matches!(m.read(a, wo).unwrap().result, AccessResult::ProtectionFault { .. }));
    assert_eq!(m.stats().protection_faults, 2);
    assert_eq!(m.frames().used(), 0, "a refused access loads nothing");
}

#[test]
fn data_survives_swap_out_and_in_and_minor_and_major_faults_differ() {
    let mut m = machine(2, 8);
    let a = m.spawn("A", 0).unwrap();
    let base = m.allocate(a, 8 * 4096, Perms::RW, None, Some("heap")).unwrap();
    for i in 0..8u64 {
        let e = m.write(a, base + i * 4096 + i, 100 + i as u8).unwrap();
        assert!(matches!(e.result, AccessResult::PageFault { kind: FaultKind::ZeroFill, .. }), "first touch is minor");
    }
    assert_eq!(m.stats().minor_faults, 8);
    assert_eq!(m.stats().swap_outs, 6);
    for i in 0..8u64 {
        let e = m.read(a, base + i * 4096 + i).unwrap();
        assert_eq!(e.value, 100 + i as u8, "page {i} came back intact");
        if let AccessResult::PageFault { kind, .. } = e.result {
            assert!(matches!(kind, FaultKind::FromSwap { .. }), "a swapped page comes back by a major fault");
        }
        // Bytes never written read as zero.
        assert_eq!(m.read(a, base + i * 4096 + 1000).unwrap().value, 0);
    }
    assert!(m.stats().major_faults >= 6);
    assert_eq!(m.stats().swap_ins, m.stats().major_faults);
    m.check_invariants().unwrap();
}

#[test]
fn a_clean_page_with_a_swap_copy_is_dropped_without_a_write() {
    let mut m = machine(1, 4);
    let a = m.spawn("A", 0).unwrap();
    let base = m.allocate(a, 2 * 4096, Perms::RW, None, None).unwrap();
    m.write(a, base, 7).unwrap(); // page x dirty
    m.read(a, base + 4096).unwrap(); // evicts x: dirty → swap
    let back = m.read(a, base).unwrap(); // x back from swap (clean, copy kept); evicts y (no copy → swap)
    assert_eq!(back.value, 7);
    let outs = m.stats().swap_outs;
    let e = m.read(a, base + 4096).unwrap(); // evicts x again: clean with a copy → dropped
    let ev = e.eviction().unwrap();
    assert!(matches!(ev.fate, EvictionFate::DroppedCleanCopy { .. }), "{:?}", ev.fate);
    assert_eq!(m.stats().swap_outs, outs, "no write for a clean page");
    assert_eq!(m.stats().dropped, 1);
    assert_eq!(m.read(a, base).unwrap().value, 7);
    // Dirtying it invalidates the copy: the next eviction writes again.
    m.write(a, base, 8).unwrap();
    let e = m.read(a, base + 4096).unwrap();
    assert!(matches!(e.eviction().unwrap().fate, EvictionFate::SwappedOut { dirty: true, .. }));
    assert_eq!(m.read(a, base).unwrap().value, 8);
    m.check_invariants().unwrap();
}

#[test]
fn out_of_swap_is_a_clean_out_of_memory_event_with_oom_fail() {
    let config = Config { frames: 1, swap_slots: 1, policy: PolicyKind::Fifo, oom: OomMode::Fail, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let base = m.allocate(a, 3 * 4096, Perms::RW, None, None).unwrap();
    m.write(a, base, 1).unwrap();
    m.write(a, base + 4096, 2).unwrap(); // page 0 → the only slot
    let before = (m.frames().used(), m.swap().used(), m.stats().resident);
    let e = m.write(a, base + 2 * 4096, 3).unwrap(); // victim is dirty, swap is full
    assert!(matches!(e.result, AccessResult::OutOfMemory { .. }));
    assert_eq!((m.frames().used(), m.swap().used(), m.stats().resident), before, "nothing changed");
    assert_eq!(m.stats().out_of_memory, 1);
    assert!(m.describe(&Event::Access(e)).contains("out of memory"));
    // Everything already stored is intact.
    assert_eq!(m.read(a, base + 4096).unwrap().value, 2);
    m.check_invariants().unwrap();
}

#[test]
fn processes_are_isolated() {
    let mut m = machine(2, 16);
    let a = m.spawn("A", 0).unwrap();
    let b = m.spawn("B", 0).unwrap();
    let pa = m.allocate(a, 4096, Perms::RW, Some(0x4000), None).unwrap();
    let pb = m.allocate(b, 4096, Perms::RW, Some(0x4000), None).unwrap();
    assert_eq!(pa, pb, "the same virtual address in both");
    m.write(a, 0x4000, 11).unwrap();
    m.write(b, 0x4000, 22).unwrap();
    assert_eq!(m.read(a, 0x4000).unwrap().value, 11);
    assert_eq!(m.read(b, 0x4000).unwrap().value, 22);
    // B cannot reach A's other pages: an address A maps is unmapped in B.
    m.allocate(a, 4096, Perms::RW, Some(0x8000), None).unwrap();
    m.write(a, 0x8000, 5).unwrap();
    let e = m.read(b, 0x8000).unwrap();
    assert!(matches!(e.result, AccessResult::SegmentationFault { .. }));
    assert_eq!(m.read(a, 0x8000).unwrap().value, 5);
    m.check_invariants().unwrap();
}

#[test]
fn the_tlb_is_flushed_when_the_running_process_changes() {
    let mut m = machine(4, 8);
    let a = m.spawn("A", 1).unwrap();
    let b = m.spawn("B", 1).unwrap();
    assert_eq!(m.read(a, 0x1000).unwrap().tlb, TlbLookup::Miss);
    assert_eq!(m.read(a, 0x1000).unwrap().tlb, TlbLookup::Hit);
    let eb = m.read(b, 0x1000).unwrap();
    assert!(eb.tlb_flushed);
    assert_eq!(eb.tlb, TlbLookup::Miss);
    let ea = m.read(a, 0x1000).unwrap();
    assert!(ea.tlb_flushed);
    assert_eq!(ea.tlb, TlbLookup::Miss, "A's translation did not survive the switch");
    assert_eq!(m.read(a, 0x1000).unwrap().tlb, TlbLookup::Hit);
    let entries: Vec<_> = m.tlb_entries().iter().map(|e| (e.pid, e.vpn, e.frame)).collect();
    assert_eq!(entries, vec![(a, 1, ea.frame().unwrap())], "each entry with its frame");
}

#[test]
fn impossible_requests_are_errors_that_change_nothing() {
    let mut m = machine(4, 8);
    let a = m.spawn("A", 2).unwrap();
    let events = m.events().len();
    let msg = |r: Result<u64, SimError>| r.unwrap_err().to_string();
    assert!(msg(m.allocate(a, 4096, Perms::RW, Some(0), None)).contains("null guard"));
    assert!(msg(m.allocate(a, 4096, Perms::RW, Some(0x1000), None)).contains("overlap region code"));
    assert!(msg(m.allocate(a, 4096, Perms::RW, Some(0x1001), None)).contains("not page-aligned"));
    assert!(msg(m.allocate(a, 0, Perms::RW, None, None)).contains("at least 1 byte"));
    assert!(msg(m.allocate(a, 1 << 20, Perms::RW, None, None)).contains("more than"));
    assert!(msg(m.allocate(a, 4096, Perms::RW, Some(0x10000), None)).contains("outside"));
    assert!(msg(m.allocate(9, 4096, Perms::RW, None, None)).contains("no process has pid 9"));
    assert!(m.read(a, 1 << 16).unwrap_err().to_string().contains("outside the 16-bit"));
    assert!(m.spawn("A", 0).unwrap_err().to_string().contains("already running"));
    assert!(m.spawn("<b>", 0).unwrap_err().to_string().contains("not a valid process name"));
    assert!(m.free_label(a, "heap").unwrap_err().to_string().contains("no region named heap"));
    assert_eq!(m.events().len(), events, "refused requests log nothing");
    m.check_invariants().unwrap();
    assert!(Machine::new(Config { frames: 0, ..Config::default() }).is_err());
}

#[test]
fn free_and_exit_release_frames_and_slots() {
    let mut m = machine(2, 8);
    let a = m.spawn("A", 0).unwrap();
    let heap = m.allocate(a, 4 * 4096, Perms::RW, None, Some("heap")).unwrap();
    for i in 0..4 {
        m.write(a, heap + i * 4096, 1).unwrap();
    }
    assert_eq!((m.frames().used(), m.swap().used()), (2, 2));
    m.free(a, heap + 4096 * 3 + 17).unwrap(); // any address inside the region
    assert_eq!((m.frames().used(), m.swap().used()), (0, 0));
    let Event::Free { frames_released, slots_released, .. } = m.events().last().unwrap() else { panic!() };
    assert_eq!((*frames_released, *slots_released), (2, 2));
    let e = m.read(a, heap).unwrap();
    assert!(matches!(e.result, AccessResult::SegmentationFault { .. }), "freed memory is unmapped");
}

#[test]
fn the_reclaimer_keeps_frames_free_in_the_background() {
    let config = Config { frames: 4, reclaim: Some((1, 2)), policy: PolicyKind::Lru, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let heap = m.allocate(a, 8 * 4096, Perms::RW, None, None).unwrap();
    for i in 0..4 {
        m.write(a, heap + i * 4096, i as u8).unwrap();
    }
    // After the 4th load no frame was free: the reclaimer evicted down to 2 free.
    assert_eq!(m.frames().free_count(), 2);
    assert!(m.events().iter().any(|e| matches!(e, Event::Reclaim { .. })));
    for i in 0..4 {
        assert_eq!(m.read(a, heap + i * 4096).unwrap().value, i as u8);
    }
    m.check_invariants().unwrap();
}

#[test]
fn nru_uses_the_timer_to_age_referenced_bits() {
    let config = Config { frames: 2, policy: PolicyKind::Nru, timer: 4, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let t = m.spawn_flat("T").unwrap();
    m.write(t, 0x0000, 1).unwrap(); // page 0 dirty
    m.read(t, 0x1000).unwrap(); // page 1 clean
    m.tick(10).unwrap(); // interrupts clear R: page 0 class 1, page 1 class 0
    m.read(t, 0x2000).unwrap();
    let ev = m.events().iter().rev().find_map(|e| match e {
        Event::Access(a) => a.eviction(),
        _ => None,
    });
    assert_eq!(ev.unwrap().vpn, 1, "class 0 (clean, unreferenced) goes first");
}

#[test]
fn a_48_bit_flat_space_stays_small() {
    let mut m = Machine::new(Config { va_bits: 48, levels: 4, frames: 4, ..Config::default() }).unwrap();
    let t = m.spawn_flat("T").unwrap();
    for addr in [0u64, 0x7fff_ffff_f000, 0x1234_5678_9000, 0x4000_0000_0000] {
        m.write(t, addr, 1).unwrap();
    }
    let tables = m.process(t).unwrap().page_table.table_count();
    assert!(tables <= 1 + 3 * 4, "{tables} tables for 4 pages");
}

/// The words match the state: a fault with a TLB is a TLB miss (it said "no TLB"), an access
/// that runs out of memory on a machine without swap says so (it said "swap is full"), and the
/// faults add up: minor + major + out of memory.
#[test]
fn sentences_and_counts_say_what_happened() {
    let mut m =
        Machine::new(Config { frames: 1, swap_slots: 0, tlb_entries: 4, segv: SegvMode::Report, ..Config::default() })
            .unwrap();
    let a = m.spawn("A", 0).unwrap();
    m.allocate(a, 8192, Perms::RW, Some(0x1000), None).unwrap();
    let segv = m.read(a, 0x8000).unwrap();
    assert!(matches!(segv.result, AccessResult::SegmentationFault { .. }));
    assert_eq!(segv.tlb, TlbLookup::Miss, "the TLB was looked up and missed");
    m.write(a, 0x1000, 1).unwrap();
    let oom = m.write(a, 0x2000, 2).unwrap();
    assert!(matches!(oom.result, AccessResult::OutOfMemory { .. }));
    let sentence = m.describe(&Event::Access(oom));
    assert!(sentence.contains("there is no swap") && !sentence.contains("swap is full"), "{sentence}");
    assert_eq!(m.fault_phrase(&oom).unwrap(), "no frame can be freed: there is no swap");
    let s = m.stats();
    assert_eq!(s.faults, s.minor_faults + s.major_faults + s.out_of_memory);
    assert_eq!((s.tlb_hits + s.tlb_misses, s.accesses), (3, 3));
}

/// AGING before any timer tick: every counter is 0, so the victim was chosen by the tie-break,
/// and the sentence says so (it called it "the lowest").
#[test]
fn an_aging_tie_is_called_a_tie() {
    let mut m = Machine::new(Config {
        frames: 2,
        tlb_entries: 0,
        policy: PolicyKind::Aging,
        timer: 1 << 20,
        ..Config::default()
    })
    .unwrap();
    let t = m.spawn_flat("T").unwrap();
    for page in [1u64, 2] {
        m.read(t, page << 12).unwrap();
    }
    let e = m.read(t, 3 << 12).unwrap();
    let why = m.describe(&Event::Access(e));
    assert!(
        why.contains("aging counter 00000000, the lowest, a tie: of the pages with it, the first to reach it"),
        "{why}"
    );
    assert_eq!(e.eviction().unwrap().vpn, 1, "the first to reach the counter");
}
