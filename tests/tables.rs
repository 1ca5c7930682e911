//! Page tables in frames (`tables=ram`): each table takes a frame that no policy evicts, freed with
//! its last entry; the statistics, the footprint and out-of-memory handling count them. (The
//! random-scenario checks with `tables=ram` are in tests/properties.rs and tests/history.rs.)

use pagesim::engine::config::OomMode;
use pagesim::engine::events::{AccessResult, Event};
use pagesim::engine::{Config, Machine, Perms, PolicyKind, SimError};
use pagesim::report::StatsReport;

fn machine(frames: u32, va_bits: u32, levels: u32) -> Machine {
    let config = Config { frames, va_bits, levels, tables_in_ram: true, swap_slots: 8, ..Config::default() };
    Machine::new(config).unwrap()
}

fn table_events(m: &mut Machine) -> Vec<(u32, u32)> {
    m.take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::TableFrame { level, frame, .. } => Some((level, frame)),
            _ => None,
        })
        .collect()
}

#[test]
fn tables_take_frames_as_pages_are_touched_and_go_with_their_last_entry() {
    // 32-bit space, 4 KiB pages, two levels of 10 bits: one level-1 table covers 4 MiB.
    let mut m = machine(8, 32, 2);
    let a = m.spawn("A", 0).unwrap();
    assert_eq!(table_events(&mut m), vec![(0, 0)], "the top-level table at spawn");
    m.allocate(a, 8192, Perms::RW, Some(0x1000), Some("low")).unwrap();
    m.allocate(a, 4096, Perms::RW, Some(0x8000_0000), Some("far")).unwrap();
    assert_eq!(m.frames().used(), 1, "allocating reserves, it takes no frame");
    m.write(a, 0x1000, 1).unwrap();
    m.write(a, 0x2000, 2).unwrap();
    assert_eq!(table_events(&mut m), vec![(1, 1)], "one level-1 table for both low pages");
    m.write(a, 0x8000_0000, 3).unwrap();
    assert_eq!(table_events(&mut m), vec![(1, 4)], "a second level-1 table, 2 GiB away");
    let stats = StatsReport::new(&m, 0);
    assert_eq!((stats.frames_used, stats.processes[0].rss, stats.processes[0].tables), (6, 6, 3));
    assert_eq!((m.stats().resident, m.stats().table_frames), (3, 3));
    m.check_invariants().unwrap();

    m.free_label(a, "far").unwrap();
    let freed = m.take_events();
    assert!(matches!(freed.last(), Some(Event::Free { frames_released: 2, .. })), "the page and its table: {freed:?}");
    assert_eq!((m.frames().used(), m.stats().table_frames), (4, 2));
    assert!(m.frames().is_free(4), "the table's frame is free again");
    m.check_invariants().unwrap();

    m.exit(a).unwrap();
    assert_eq!((m.frames().used(), m.stats().table_frames), (0, 0), "exit frees the top-level table too");
    m.check_invariants().unwrap();
}

#[test]
fn no_policy_ever_evicts_a_page_table() {
    for policy in PolicyKind::ALL {
        // 16-bit space, 4 KiB pages, two levels of 2 bits: a level-1 table covers 4 pages, so pages
        // 1…6 need two. 5 frames: three tables, two pages; a loop over 6 pages evicts often.
        let config = Config {
            frames: 5,
            va_bits: 16,
            levels: 2,
            tables_in_ram: true,
            swap_slots: 16,
            policy,
            ..Config::default()
        };
        let mut m = Machine::new(config).unwrap();
        let a = m.spawn("A", 0).unwrap();
        m.allocate(a, 6 * 4096, Perms::RW, Some(0x1000), None).unwrap();
        for round in 0..5u8 {
            for page in 1..7u64 {
                m.write(a, page << 12, round + page as u8).unwrap();
                m.check_invariants().unwrap_or_else(|e| panic!("{policy}: {e}"));
            }
        }
        for page in 1..7u64 {
            assert_eq!(m.read(a, page << 12).unwrap().value, 4 + page as u8, "{policy}: data survives swap");
        }
        let tables: Vec<u32> = m.process(a).unwrap().page_table.all_table_frames();
        assert_eq!(tables.len(), 3, "{policy}");
        for e in m.take_events() {
            if let Event::Access(a) = e {
                if let AccessResult::PageFault { evicted: Some(v), .. } = a.result {
                    assert!(!tables.contains(&v.frame), "{policy} evicted table frame {}", v.frame);
                }
            }
        }
    }
}

#[test]
fn out_of_frames_for_a_table_is_out_of_memory() {
    // Three levels need three tables before the first page: two frames cannot hold them.
    let config =
        Config { frames: 2, va_bits: 16, levels: 3, tables_in_ram: true, oom: OomMode::Fail, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    m.allocate(a, 4096, Perms::RW, Some(0x1000), None).unwrap();
    m.take_events();
    let e = m.write(a, 0x1000, 7).unwrap();
    assert!(matches!(e.result, AccessResult::OutOfMemory { .. }), "{e:?}");
    let text = m.describe(&Event::Access(e));
    assert!(text.contains("they hold page tables or huge pages"), "{text}");
    assert_eq!((m.frames().used(), m.stats().table_frames), (1, 1), "the table made for it went again");
    m.check_invariants().unwrap();
    // A second process cannot even get its top-level table when swap cannot take a page.
    let config = Config { frames: 2, swap_slots: 0, levels: 1, tables_in_ram: true, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    m.allocate(a, 4096, Perms::RW, Some(0x1000), None).unwrap();
    m.write(a, 0x1000, 1).unwrap(); // its table and a dirty page fill memory; nothing can go
    let err = m.spawn("B", 0).unwrap_err();
    assert!(matches!(err, SimError::NoFrameForTables { .. }), "{err:?}");
    assert!(err.to_string().contains("needs a frame for its page tables"), "{err}");
    assert_eq!(m.process_count(), 1, "B was never created");
    m.check_invariants().unwrap();
}

#[test]
fn the_oom_killer_counts_page_tables_in_the_footprint() {
    let config = Config { frames: 4, swap_slots: 0, tables_in_ram: true, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap(); // frame 0
    let b = m.spawn("B", 0).unwrap(); // frame 1
    m.allocate(b, 4096, Perms::RW, Some(0x1000), None).unwrap();
    m.write(b, 0x1000, 1).unwrap(); // B: level-1 table and its page: frames 2, 3
    m.allocate(a, 4096, Perms::RW, Some(0x1000), None).unwrap();
    m.take_events();
    let e = m.write(a, 0x1000, 2).unwrap();
    // A needs a table and a page; nothing can go (no swap): B, with three frames to A's one, goes.
    let events = m.take_events();
    assert!(events.iter().any(|e| matches!(e, Event::OomKill { pid, footprint: 3, .. } if *pid == b)), "{events:?}");
    assert!(matches!(e.result, AccessResult::PageFault { .. }), "{e:?}");
    assert_eq!(m.read(a, 0x1000).unwrap().value, 2);
    m.check_invariants().unwrap();
}

#[test]
fn a_forked_child_gets_tables_of_its_own() {
    let mut m = machine(16, 32, 2);
    let a = m.spawn("A", 1).unwrap();
    m.allocate(a, 4096, Perms::RW, Some(0x40_0000), None).unwrap();
    m.write(a, 0x40_0000, 5).unwrap();
    m.read(a, 0x1000).unwrap();
    let before = m.stats().table_frames;
    let c = m.fork(a, "C").unwrap();
    assert_eq!(m.process(c).unwrap().stats.table_frames, 3, "top table and two level-1 tables");
    assert_eq!(m.stats().table_frames, before + 3);
    assert_eq!(m.read(c, 0x40_0000).unwrap().value, 5);
    m.check_invariants().unwrap();
    m.exit(a).unwrap();
    m.exit(c).unwrap();
    assert_eq!(m.frames().used(), 0);
    m.check_invariants().unwrap();
}

#[test]
fn tables_free_is_todays_machine() {
    let mut m = Machine::new(Config { frames: 3, ..Config::default() }).unwrap();
    let a = m.spawn("A", 0).unwrap();
    m.allocate(a, 3 * 4096, Perms::RW, Some(0x1000), None).unwrap();
    for page in 1..4 {
        m.write(a, page << 12, 1).unwrap();
    }
    assert_eq!((m.frames().used(), m.stats().table_frames), (3, 0));
    assert!(m.take_events().iter().all(|e| !matches!(e, Event::TableFrame { .. })));
}

#[test]
fn tables_setting_errors_name_their_column() {
    let err = pagesim::scenario::parse("config frames=4 tables=disk\n").unwrap_err().to_string();
    assert_eq!(err, "1:24: expected tables=ram or tables=free, found \"disk\"");
    let err = pagesim::scenario::parse("config vm=base tables=ram\n").unwrap_err().to_string();
    assert!(err.starts_with("1:16:") && err.contains("tables=ram puts page tables in frames"), "{err}");
    let s = pagesim::scenario::parse("config tables=ram\nspawn A\n").unwrap();
    assert!(s.to_string().contains("tables=ram"), "{s}");
    assert_eq!(pagesim::scenario::parse(&s.to_string()).unwrap().to_string(), s.to_string());
}

#[test]
fn a_fork_whose_child_cannot_have_its_tables_fails_and_changes_nothing() {
    for oom in [OomMode::Kill, OomMode::Fail] {
        // B's top table, its level-1 table and its page fill three of four frames; the child needs
        // two tables and nothing can go (no swap): the fork fails, B and its byte stay.
        let config = Config { frames: 4, swap_slots: 0, tables_in_ram: true, oom, ..Config::default() };
        let mut m = Machine::new(config).unwrap();
        let b = m.spawn("B", 0).unwrap();
        m.allocate(b, 4096, Perms::RW, Some(0x1000), None).unwrap();
        m.write(b, 0x1000, 1).unwrap();
        m.take_events();
        let (frames, stats) = (m.frames().used(), m.stats().clone());
        let err = m.fork(b, "D").unwrap_err();
        assert!(matches!(err, SimError::NoFrameForTables { .. }), "{err:?}");
        assert!(err.to_string().contains("D needs 2 frames for its page tables"), "{err}");
        assert!(m.take_events().is_empty(), "{oom:?}: nothing happened");
        assert_eq!((m.frames().used(), m.stats()), (frames, &stats));
        assert_eq!(m.process_count(), 1, "no child");
        assert_eq!(m.read(b, 0x1000).unwrap().value, 1, "{oom:?}: the parent lives, its byte too");
        m.check_invariants().unwrap();
    }
    // With room, the child gets them.
    let config = Config { frames: 6, swap_slots: 0, tables_in_ram: true, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let b = m.spawn("B", 0).unwrap();
    m.allocate(b, 4096, Perms::RW, Some(0x1000), None).unwrap();
    m.write(b, 0x1000, 1).unwrap();
    let d = m.fork(b, "D").unwrap();
    assert_eq!(m.read(d, 0x1000).unwrap().value, 1);
    assert_eq!(m.stats().table_frames, 4);
    m.check_invariants().unwrap();
}

#[test]
fn when_page_tables_fill_memory_the_oom_killer_says_so() {
    // One frame: A's top-level table. B's spawn would need another; A's page needs a level-1 table.
    let config = Config { frames: 2, swap_slots: 8, tables_in_ram: true, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let b = m.spawn("B", 0).unwrap();
    m.allocate(b, 4096, Perms::RW, Some(0x1000), None).unwrap();
    m.take_events();
    m.write(b, 0x1000, 1).unwrap();
    let kill = m.take_events().into_iter().find(|e| matches!(e, Event::OomKill { .. })).expect("a kill");
    let text = m.describe(&kill);
    assert!(text.contains("the frames hold page tables and huge pages") && !text.contains("swap is full"), "{text}");
    assert!(m.process(a).unwrap().ended.is_some(), "A: the same footprint as B (one table frame each), started first");
}
