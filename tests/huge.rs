//! Huge pages (`alloc … huge`): one fault zero-fills a whole huge page in frames in a row, one TLB
//! entry covers it, it is never evicted, and freeing it gives every frame back. (Random scenarios
//! with huge regions run in tests/properties.rs and tests/history.rs.)

use pagesim::engine::config::OomMode;
use pagesim::engine::events::{AccessResult, Event, FaultKind};
use pagesim::engine::translate::EntryTarget;
use pagesim::engine::{Config, Machine, Perms, SimError};
use pagesim::scenario::{parse, run::Run};

/// 64-byte pages, a 12-bit space, two levels of 3 bits: a huge page is 8 pages (512 bytes).
fn machine(frames: u32) -> Machine {
    let config =
        Config { frames, page_size: 64, va_bits: 12, levels: 2, swap_slots: 16, tlb_entries: 4, ..Config::default() };
    Machine::new(config).unwrap()
}

#[test]
fn one_fault_fills_a_huge_page_in_frames_in_a_row_and_one_tlb_entry_covers_it() {
    let mut m = machine(24);
    let a = m.spawn("A", 0).unwrap();
    m.allocate(a, 2 * 64, Perms::RW, None, Some("small")).unwrap();
    let big = m.allocate_huge(a, 1000, Perms::RW, None, Some("big")).unwrap();
    assert_eq!(big % 512, 0, "on a huge-page boundary");
    assert_eq!(m.process(a).unwrap().region_by_label("big").unwrap().pages, 16, "1000 bytes: two whole huge pages");
    m.write(a, 0x40, 1).unwrap(); // a small page in frame 0
    let e = m.write(a, big + 0x48, 7).unwrap();
    let AccessResult::PageFault { kind: FaultKind::ZeroFillHuge { shift: 3, .. }, frame, .. } = e.result else {
        panic!("{e:?}")
    };
    assert_eq!(frame, 9, "frames 8–15: the first free row from a multiple of 8; page 1 of it in frame 9");
    assert_eq!((m.stats().minor_faults, m.stats().resident, m.stats().huge_fill_pages), (2, 9, 7));
    // Every other page of the huge page hits, through the one TLB entry.
    for i in 0..8 {
        let e = m.read(a, big + i * 64).unwrap();
        assert!(matches!(e.result, AccessResult::Hit { frame } if frame == 8 + i as u32), "{e:?}");
    }
    assert_eq!(m.read(a, big + 0x48).unwrap().value, 7);
    let huge_entries: Vec<_> = m.tlb_entries().into_iter().filter(|t| t.huge).collect();
    assert_eq!(huge_entries.len(), 1);
    assert_eq!((huge_entries[0].vpn, huge_entries[0].frame), (big / 64, 8));
    assert_eq!(m.stats().tlb_hits, 9, "every access after the fault");
    m.check_invariants().unwrap();
    // The fault's cost: every page zero-filled (1 µs each), and a two-level walk.
    let text = m.describe(&Event::Access(e));
    assert!(text.contains("8 frames zero-filled in a row, frames 8–15") && text.contains("waited 8.2 µs"), "{text}");
    m.free_label(a, "big").unwrap();
    assert_eq!(m.frames().used(), 1);
    assert!(m.tlb_entries().iter().all(|t| !t.huge), "the huge page's TLB entry went with it");
    m.check_invariants().unwrap();
}

#[test]
fn a_huge_page_is_never_evicted_and_its_row_is_made_free_by_evicting_small_pages() {
    let mut m = machine(16);
    let a = m.spawn("A", 0).unwrap();
    m.allocate(a, 15 * 64, Perms::RW, Some(0x40), Some("small")).unwrap();
    for page in 1..16u64 {
        m.write(a, page * 64, page as u8).unwrap(); // frames 0–14
    }
    let big = m.allocate_huge(a, 512, Perms::RW, None, Some("big")).unwrap();
    m.take_events();
    let e = m.write(a, big, 99).unwrap();
    let AccessResult::PageFault { kind: FaultKind::ZeroFillHuge { more_evicted, more_writes, .. }, evicted, .. } =
        e.result
    else {
        panic!("{e:?}")
    };
    let first = evicted.expect("a page was in the way");
    assert_eq!(more_evicted + 1, 7, "the row 8–15 held 7 small pages (frame 15 was free)");
    assert_eq!(more_writes, 6, "all dirty: each written to swap");
    let text = m.describe(&Event::Access(e));
    assert!(text.contains("in the way of a huge page"), "{text}");
    assert!(first.frame >= 8);
    m.take_events();
    m.check_invariants().unwrap();
    // Memory is full; small pages come and go, the huge page stays.
    for page in 1..16u64 {
        assert_eq!(m.read(a, page * 64).unwrap().value, page as u8, "data survives swap");
        assert_eq!(m.read(a, big).unwrap().value, 99);
        m.check_invariants().unwrap();
    }
    for ev in m.take_events() {
        if let Event::Access(x) = ev {
            if let AccessResult::PageFault { evicted: Some(v), .. } = x.result {
                assert!(v.frame < 8, "a huge page's frame was evicted: {v:?}");
            }
        }
    }
}

#[test]
fn with_no_row_to_be_had_a_huge_fault_is_out_of_memory_and_changes_nothing() {
    // 8 frames: the row is all of memory; a page table in it (tables=ram) can never go.
    let config = Config {
        frames: 8,
        page_size: 64,
        va_bits: 12,
        levels: 2,
        tables_in_ram: true,
        oom: OomMode::Fail,
        ..Config::default()
    };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let big = m.allocate_huge(a, 512, Perms::RW, None, None).unwrap();
    let e = m.read(a, big).unwrap();
    assert!(matches!(e.result, AccessResult::OutOfMemory { .. }), "{e:?}");
    assert_eq!(m.frames().used(), 1, "only the top-level table");
    m.check_invariants().unwrap();
}

#[test]
fn the_walk_of_a_huge_page_ends_one_level_up_and_its_last_table_takes_no_frame() {
    let config = Config { frames: 32, page_size: 64, va_bits: 12, levels: 2, tables_in_ram: true, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let big = m.allocate_huge(a, 512, Perms::RW, None, None).unwrap();
    m.write(a, big + 3 * 64 + 5, 1).unwrap();
    assert_eq!(m.stats().table_frames, 1, "the top table; none under the huge page");
    let t = m.translate(a, big + 3 * 64 + 5).unwrap();
    assert!(t.huge_page);
    assert_eq!(t.entries.len(), 1, "one entry read: the top table's, which maps the huge page");
    assert!(t.entries[0].huge && t.entries[0].present);
    let EntryTarget::Frame(first) = t.entries[0].target else { panic!("{t:?}") };
    assert_eq!(first % 8, 0);
    assert_eq!(t.physical(6), Some(((first as u64 + 3) << 6) + 5));
    m.check_invariants().unwrap();
    m.exit(a).unwrap();
    assert_eq!(m.frames().used(), 0);
}

#[test]
fn the_same_working_set_misses_the_tlb_far_less_with_huge_pages() {
    // Eight pages spread over two huge pages, read round and round with a 4-entry TLB.
    let run = |huge: &str| {
        let text = format!(
            "config frames=64 page=64 vbits=12 levels=2 tlb=4 policy=lru\nspawn A\nalloc A data 1K rw{huge} at 0x200\n{}",
            (0..3).flat_map(|_| (0..8).map(|i| format!("read A {:#x}\n", 0x200 + i * 128))).collect::<String>()
        );
        let mut r = Run::new(parse(&text).unwrap()).unwrap();
        r.run_to_end().unwrap();
        r.machine().stats().tlb_misses
    };
    assert_eq!(run(""), 24, "8 pages through 4 entries, LRU: every access misses");
    assert_eq!(run(" huge"), 2, "2 huge pages, 2 entries: two misses, then hits");
}

#[test]
fn huge_where_it_cannot_be_is_a_clear_error_at_its_line_and_column() {
    let err = |text: &str| parse(text).unwrap_err().to_string();
    assert_eq!(
        err("config levels=1 page=64 vbits=12\nspawn A\nalloc A big 1K rw huge\n"),
        "3:19: a huge page is mapped one level up: it needs levels=2 or more (this machine has levels=1)"
    );
    assert!(
        err("config vm=base\nspawn A\nalloc A big 1K rw huge\n").starts_with("3:19: huge pages need virtual memory")
    );
    assert!(err("config frames=4 page=64 vbits=12\nspawn A\nalloc A big 1K rw huge\n")
        .starts_with("3:19: a huge page here is 8 pages (512) in a row, and this machine has 4 frames"));
    assert_eq!(
        err("config page=64 vbits=12\nspawn A\nalloc A big 1K rw huge at 0x240\n"),
        "3:27: a huge-page region starts at a multiple of its huge page (512 = 0x200), and 0x240 is not one"
    );
    assert_eq!(
        err("config page=64 vbits=12\nspawn A\nalloc A big 1K rw huge shared=s\n"),
        "3:24: huge pages map private memory only: not with shared= or file="
    );
    // Pretty-printing keeps it.
    let s = parse("config page=64 vbits=12\nspawn A\nalloc A big 1K rw huge at 0x200\n").unwrap();
    assert!(s.to_string().contains("alloc A big 1K rw huge at 0x200"), "{s}");
    // The engine refuses too, and fork of a process with huge pages.
    let mut m = machine(24);
    let a = m.spawn("A", 0).unwrap();
    assert!(matches!(m.allocate_huge(a, 512, Perms::RW, Some(0x240), None), Err(SimError::BadAllocation(_))));
    m.allocate_huge(a, 512, Perms::RW, None, None).unwrap();
    assert!(m.fork(a, "B").unwrap_err().to_string().contains("huge pages"));
}

#[test]
fn a_huge_fault_that_cannot_have_its_row_changes_nothing() {
    // One swap slot, seven dirty small pages in the only usable row: the row cannot be emptied,
    // so no page is evicted at all (not one of seven).
    let text = "config frames=16 page=64 vbits=12 levels=2 tables=ram tlb=4 swap=1 oom=fail\nspawn A\n\
                alloc A big 512 rw huge\nspawn B\nalloc B d 448 rw\n";
    let mut r = Run::new(
        parse(&format!(
            "{text}{}read A 0x200\n",
            (1..8).map(|i| format!("write B {:#x} 1\n", i * 64)).collect::<String>()
        ))
        .unwrap(),
    )
    .unwrap();
    r.run_to_end().unwrap();
    let m = r.machine();
    assert_eq!((m.stats().swap_outs, m.stats().out_of_memory), (0, 1), "{:?}", m.stats());
    m.check_invariants().unwrap();
}

#[test]
fn with_oom_kill_a_huge_fault_without_a_row_ends_the_largest_process_as_a_page_fault_would() {
    // No swap: B's 15 dirty pages fill both rows and cannot go; the OOM killer ends B (the larger
    // footprint), and A's huge page has its row.
    let config = Config { frames: 16, page_size: 64, va_bits: 12, levels: 2, swap_slots: 0, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let b = m.spawn("B", 0).unwrap();
    m.allocate(b, 15 * 64, Perms::RW, Some(0x400), None).unwrap();
    for page in 0..15u64 {
        m.write(b, 0x400 + page * 64, 1).unwrap();
    }
    let big = m.allocate_huge(a, 512, Perms::RW, None, None).unwrap();
    m.take_events();
    let e = m.write(a, big, 9).unwrap();
    assert!(matches!(e.result, AccessResult::PageFault { kind: FaultKind::ZeroFillHuge { .. }, .. }), "{e:?}");
    assert!(m.take_events().iter().any(|e| matches!(e, Event::OomKill { pid, .. } if *pid == b)));
    assert!(m.process(b).unwrap().ended.is_some());
    assert_eq!(m.read(a, big).unwrap().value, 9);
    m.check_invariants().unwrap();
}
