//! Before virtual memory (README, *Before virtual memory*): `vm=off` (addresses are physical) and
//! `vm=base` (one base-and-bounds block per process) as modes of the same engine: their accesses,
//! errors at line and column, step back, and the picture's data.

use pagesim::engine::events::{AccessResult, SegvReason};
use pagesim::engine::machine::PhysicalUse;
use pagesim::engine::process::ExitCause;
use pagesim::engine::{Config, Machine, Perms, SimError};
use pagesim::scenario::{parse, Run};

fn run(text: &str) -> Run {
    let mut run = Run::new(parse(text).unwrap_or_else(|e| panic!("{e}"))).unwrap();
    run.run_to_end().unwrap_or_else(|e| panic!("{}", e.message()));
    run
}

fn sentences(r: &Run) -> Vec<String> {
    r.records(0, r.len()).iter().flat_map(|rec| rec.events.iter().map(|e| r.machine().describe(e))).collect()
}

fn machine(vm: &str, frames: u32) -> Machine {
    let mut c = Config { frames, tlb_entries: 0, ..Config::default() };
    c.set("vm", vm).unwrap();
    Machine::new(c).unwrap()
}

#[test]
fn without_virtual_memory_programs_share_every_address() {
    let mut m = machine("off", 8);
    let a = m.spawn("A", 0).unwrap();
    let b = m.spawn("B", 0).unwrap();
    m.allocate(a, 4096, Perms::RW, None, Some("data")).unwrap();
    m.allocate(b, 4096, Perms::RW, None, Some("data")).unwrap();
    m.write(a, 0x1234, 42).unwrap();
    let e = m.write(b, 0x1234, 7).unwrap();
    assert_eq!((e.physical, e.result), (Some(0x1234), AccessResult::Hit { frame: 1 }));
    assert_eq!(m.read(a, 0x1234).unwrap().value, 7, "A reads B's byte: the same physical address");
    // No protection: A writes outside anything it allocated, and into "its" code range alike.
    assert_eq!(m.write(a, 0x5000, 3).unwrap().result, AccessResult::Hit { frame: 5 });
    assert_eq!(m.read(b, 0x5000).unwrap().value, 3);
    // Past physical memory (8 frames = 32 KiB): no such memory, the program is stopped.
    let e = m.read(a, 0x8000).unwrap();
    assert_eq!(e.result, AccessResult::SegmentationFault { reason: SegvReason::NoSuchMemory });
    assert!(!m.process(a).unwrap().alive());
    let uses = m.physical_uses();
    assert_eq!(uses, vec![PhysicalUse { pid: b, label: "data".into(), first: 1, frames: 1 }]);
    assert_eq!((m.stats().faults, m.stats().hits), (0, 5), "nothing ever faults");
    m.check_invariants().unwrap();
}

#[test]
fn base_and_bounds_relocates_checks_grows_and_fragments() {
    let mut m = machine("base", 8);
    let a = m.spawn("A", 2).unwrap();
    let b = m.spawn("B", 2).unwrap();
    assert_eq!(m.process(b).unwrap().block, pagesim::engine::process::Block { base: 2, pages: 2 });
    m.write(a, 0x10, 1).unwrap();
    let e = m.write(b, 0x10, 2).unwrap();
    assert_eq!(e.physical, Some(0x2010), "B's address 0x10 is its base (frame 2) + 0x10");
    assert_eq!(m.read(a, 0x10).unwrap().value, 1, "A's own byte");
    // Growing: A's block cannot (B's block follows it); B's can, into free frames.
    let err = m.allocate(a, 4096, Perms::RW, None, Some("heap")).unwrap_err();
    assert!(err.to_string().contains("A's block cannot grow by 1 frame(s): frame 2 and on are not all free"), "{err}");
    assert_eq!(m.allocate(b, 8192, Perms::RW, None, Some("heap")).unwrap(), 0x2000, "addresses go on from the bound");
    assert_eq!(m.process(b).unwrap().block.pages, 4);
    m.write(b, 0x3fff, 9).unwrap();
    // Past the bound: a segmentation fault (segv=kill stops B and frees its block).
    let e = m.read(b, 0x4000).unwrap();
    assert_eq!(e.result, AccessResult::SegmentationFault { reason: SegvReason::OutOfBounds });
    assert_eq!(m.frames().used(), 2, "B's four frames are free again");
    // Fragmentation: C takes frames 2–4, A exits; 5 free (0–1, 5–7) but no run of 4.
    let c = m.spawn("C", 3).unwrap();
    assert_eq!(m.process(c).unwrap().block.base, 2);
    m.exit(a).unwrap();
    let d = m.spawn("D", 4).unwrap();
    assert_eq!(m.process(d).unwrap().ended, Some(ExitCause::NoBlock));
    let said: Vec<String> = m.take_events().iter().map(|e| m.describe(e)).collect();
    assert!(said.iter().any(|s| s == "D needs one block of 4 frames in a row for base and bounds; 5 frames are free in all, but the largest free run is 3 frames: external fragmentation"), "{said:?}");
    assert!(matches!(m.read(d, 0).unwrap_err(), SimError::ProcessExited { cause: ExitCause::NoBlock, .. }));
    m.check_invariants().unwrap();
}

#[test]
fn sharing_needs_paging_and_says_where() {
    let err = |text: &str| parse(text).unwrap_err().to_string();
    assert_eq!(err("config vm=off\nspawn A\nfork A B\n"), "3:1: fork needs virtual memory: this machine has vm=off");
    assert_eq!(
        err("config vm=base\nspawn A\nalloc A buf 4K rw shared=chat\n"),
        "3:19: shared= needs virtual memory: this machine has vm=base"
    );
    assert!(err("config vm=off\nspawn A\nalloc A m 4K rw file=notes\n").starts_with("3:17: file= needs virtual memory"));
    assert_eq!(
        err("config vm=base\nspawn A\nalloc A buf 4K rw at 0x4000\n"),
        "3:19: with vm=base a block grows at its end: an allocation takes no `at` address"
    );
    assert!(err("config vm=base reclaim=1,2\n")
        .contains("reclaim= swaps pages out, and this machine has no paging (vm=base)"));
    assert!(err("config vm=segments\n").contains("expected vm=paging, vm=base or vm=off, found \"segments\""));
    // The engine refuses the same, for callers that skip the parser.
    let mut m = machine("base", 4);
    let a = m.spawn("A", 1).unwrap();
    assert!(m.fork(a, "B").unwrap_err().to_string().contains("fork needs virtual memory"));
}

#[test]
fn both_modes_step_back_exactly_and_round_trip_as_text() {
    for text in [
        "config vm=off frames=4 tlb=0\nspawn A\nspawn B\nalloc A d 4K rw\nwrite A 0x1000 1\nwrite B 0x1000 2\nread A 0x1000\nread B 0x4000\nread A 0x1000\n",
        "config vm=base frames=6 tlb=0 segv=report\nspawn A code=1\nspawn B\nalloc B h 8K rw\nwrite B 0x1000 5\nread B 0x3000\nexit A\nalloc B more 4K rw\nspawn C code=2\nread B 0x1000\n",
    ] {
        let mut r = run(text);
        let end = (sentences(&r), r.machine().stats().clone(), r.machine().physical_uses());
        for step in (0..r.len()).rev() {
            r.goto(step).unwrap();
            r.machine().check_invariants().unwrap();
        }
        r.goto(r.len()).unwrap();
        assert_eq!((sentences(&r), r.machine().stats().clone(), r.machine().physical_uses()), end);
        let s = parse(text).unwrap();
        assert!(parse(&s.to_string()).unwrap().same_as(&s), "{s}");
    }
}
