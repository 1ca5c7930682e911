//! Memory that processes share (README, *Memory that processes share*) against a simple model of what each process must read.
//!
//! Random sequences of spawn, fork, read, write, free, exit and idle time on small machines (so
//! pages are swapped out and back all the time) under every policy. The model knows nothing of
//! frames: each process's private bytes (a fork copies them), one shared-memory object's bytes
//! (forgotten when nobody maps it), a file's bytes (kept), and the executable's. After every
//! operation every read must return what the model says, and the machine's invariants must hold
//! (map counts equal the mappings, a frame is free exactly when nothing maps it, …).

use pagesim::engine::machine::code_byte;
use pagesim::engine::sharing::ObjectKind;
use pagesim::engine::{AccessResult, Config, FaultKind, Machine, Perms, PolicyKind};
use proptest::prelude::*;
use std::collections::HashMap;

const SLOTS: usize = 4;
const PAGE: u64 = 256;
/// Where each process maps what (pages of 256 bytes in a 12-bit space of 16 pages).
const PRIVATE: u64 = 4 * PAGE;
const SHM: u64 = 8 * PAGE;
const FILE: u64 = 12 * PAGE;
const REGION: u64 = 2 * PAGE;

#[derive(Clone, Debug)]
enum Op {
    Spawn(usize),
    Fork(usize, usize),
    Write(usize, u8, u64, u8),
    Read(usize, u8, u64),
    FreeShared(usize),
    Exit(usize),
    Tick(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..SLOTS;
    prop_oneof![
        1 => who.clone().prop_map(Op::Spawn),
        1 => (who.clone(), 0..SLOTS).prop_map(|(a, b)| Op::Fork(a, b)),
        6 => (who.clone(), 0..3u8, 0..REGION, any::<u8>()).prop_map(|(w, r, o, v)| Op::Write(w, r, o, v)),
        6 => (who.clone(), 0..4u8, 0..REGION).prop_map(|(w, r, o)| Op::Read(w, r, o)),
        1 => who.clone().prop_map(Op::FreeShared),
        1 => who.prop_map(Op::Exit),
        1 => (1..40u64).prop_map(Op::Tick),
    ]
}

/// What each process must read.
#[derive(Default)]
struct Model {
    pids: [Option<u32>; SLOTS],
    private: [HashMap<u64, u8>; SLOTS],
    /// Which processes map the shared-memory object now.
    maps_shm: [bool; SLOTS],
    shm: HashMap<u64, u8>,
    file: HashMap<u64, u8>,
}

impl Model {
    fn base(region: u8) -> u64 {
        [PRIVATE, SHM, FILE, PAGE][region as usize]
    }

    fn expected(&self, who: usize, region: u8, off: u64) -> u8 {
        match region {
            0 => self.private[who].get(&off).copied().unwrap_or(0),
            1 => self.shm.get(&off).copied().unwrap_or(0),
            2 => self.file.get(&off).copied().unwrap_or(0),
            _ => code_byte((PAGE + off) / PAGE, (off % PAGE) as usize),
        }
    }
}

fn name(i: usize) -> String {
    format!("P{i}")
}

fn spawn(m: &mut Machine, model: &mut Model, i: usize) {
    let pid = m.spawn_exe(&name(i), 2, Some("prog")).unwrap();
    m.allocate(pid, REGION, Perms::RW, Some(PRIVATE), Some("data")).unwrap();
    m.allocate_shared(pid, REGION, Perms::RW, Some(SHM), Some("shm"), Some((ObjectKind::Shm, "m"))).unwrap();
    m.allocate_shared(pid, REGION, Perms::RW, Some(FILE), Some("map"), Some((ObjectKind::File, "f"))).unwrap();
    model.pids[i] = Some(pid);
    model.private[i].clear();
    model.maps_shm[i] = true;
}

/// Drops `i`'s mapping of the shared-memory object; the object goes with its last mapping.
fn unmap_shm(model: &mut Model, i: usize) {
    model.maps_shm[i] = false;
    if !model.maps_shm.iter().any(|&b| b) {
        model.shm.clear();
    }
}

fn run(config: Config, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut m = Machine::new(config).unwrap();
    m.set_recording(false);
    let mut model = Model::default();
    for (n, op) in ops.iter().enumerate() {
        match *op {
            Op::Spawn(i) if model.pids[i].is_none() => spawn(&mut m, &mut model, i),
            Op::Fork(a, b) if a != b && model.pids[a].is_some() && model.pids[b].is_none() => {
                let child = m.fork(model.pids[a].unwrap(), &name(b)).unwrap();
                model.pids[b] = Some(child);
                model.private[b] = model.private[a].clone();
                model.maps_shm[b] = model.maps_shm[a];
            }
            Op::Write(i, region, off, v) => {
                let Some(pid) = model.pids[i] else { continue };
                if region == 1 && !model.maps_shm[i] {
                    continue;
                }
                let e = m.write(pid, Model::base(region) + off, v).unwrap();
                if let AccessResult::OutOfMemory { .. } = e.result {
                    continue;
                }
                prop_assert!(e.physical.is_some(), "step {n}: write failed: {:?}", e.result);
                match region {
                    0 => model.private[i].insert(off, v),
                    1 => model.shm.insert(off, v),
                    _ => model.file.insert(off, v),
                };
            }
            Op::Read(i, region, off) => {
                let Some(pid) = model.pids[i] else { continue };
                if region == 1 && !model.maps_shm[i] {
                    continue;
                }
                let e = m.read(pid, Model::base(region) + off).unwrap();
                if let AccessResult::OutOfMemory { .. } = e.result {
                    continue;
                }
                let want = model.expected(i, region, off);
                prop_assert_eq!(e.value, want, "step {}: {} read region {} offset {}", n, name(i), region, off);
            }
            Op::FreeShared(i) if model.pids[i].is_some() && model.maps_shm[i] => {
                m.free_label(model.pids[i].unwrap(), "shm").unwrap();
                unmap_shm(&mut model, i);
            }
            Op::Exit(i) if model.pids[i].is_some() => {
                m.exit(model.pids[i].unwrap()).unwrap();
                model.pids[i] = None;
                if model.maps_shm[i] {
                    unmap_shm(&mut model, i);
                }
            }
            Op::Tick(t) => m.tick(t).unwrap(),
            _ => continue,
        }
        if let Err(e) = m.check_invariants() {
            return Err(TestCaseError::fail(format!("after step {n} ({op:?}): {e}")));
        }
    }
    Ok(())
}

fn config() -> impl Strategy<Value = Config> {
    (2..6u32, prop::sample::select(PolicyKind::ALL.to_vec()), 0..1000u64, prop::option::of((1..3u32, 3..5u32)))
        .prop_map(|(frames, policy, seed, reclaim)| Config {
            page_size: PAGE,
            va_bits: 12,
            frames,
            swap_slots: 64,
            policy,
            seed,
            tlb_entries: 2,
            reclaim: reclaim.filter(|r| r.1 <= frames),
            ..Config::default()
        })
}

proptest! {
    // 300 cases in `./build.sh test`; PROPTEST_CASES=N for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_process_reads_what_it_or_a_sharer_last_wrote(
        config in config(),
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let ops: Vec<Op> = std::iter::once(Op::Spawn(0)).chain(ops).collect();
        run(config, &ops)?;
    }
}

fn machine(frames: u32) -> Machine {
    Machine::new(Config { frames, swap_slots: 8, tlb_entries: 0, policy: PolicyKind::Fifo, ..Config::default() })
        .unwrap()
}

fn fault(m: &mut Machine, pid: u32, addr: u64, value: Option<u8>) -> FaultKind {
    let e = match value {
        Some(v) => m.write(pid, addr, v).unwrap(),
        None => m.read(pid, addr).unwrap(),
    };
    match e.result {
        AccessResult::PageFault { kind, .. } => kind,
        other => panic!("expected a page fault, got {other:?}"),
    }
}

#[test]
fn fork_shares_touched_pages_copy_on_write_and_copies_on_the_first_write() {
    let mut m = machine(8);
    let p = m.spawn("P", 0).unwrap();
    m.allocate(p, 3 * 4096, Perms::RW, Some(0x2000), None).unwrap();
    for (i, v) in [1u8, 2, 3].iter().enumerate() {
        m.write(p, 0x2000 + i as u64 * 4096, *v).unwrap();
    }
    let c = m.fork(p, "C").unwrap();
    assert_eq!(m.frames().used(), 3, "nothing is copied by the fork");
    assert_eq!((m.frame_map_count(0), m.shared_frames()), (2, 3));
    assert_eq!((m.pss(p), m.pss(c)), (1.5, 1.5));
    // The child writes one page of three: that page alone is copied.
    let kind = fault(&mut m, c, 0x3000, Some(20));
    assert_eq!(kind, FaultKind::CowCopy { from: 1, with: p });
    assert_eq!((m.frames().used(), m.stats().cow_faults, m.shared_frames()), (4, 1, 2));
    assert_eq!(m.read(p, 0x3000).unwrap().value, 2, "the parent keeps its bytes");
    assert_eq!(m.read(c, 0x3000).unwrap().value, 20);
    // The parent is now the last user of page 3's old frame: writing it copies nothing.
    assert_eq!(fault(&mut m, p, 0x3000, Some(9)), FaultKind::CowReuse);
    assert_eq!(m.frames().used(), 4);
    m.check_invariants().unwrap();
}

#[test]
fn a_shared_page_evicted_is_unmapped_from_every_process_and_written_once() {
    let mut m = machine(2);
    let a = m.spawn("A", 0).unwrap();
    let b = m.spawn("B", 0).unwrap();
    for pid in [a, b] {
        m.allocate_shared(pid, 4096, Perms::RW, Some(0x8000), None, Some((ObjectKind::Shm, "buf"))).unwrap();
        m.allocate(pid, 8192, Perms::RW, Some(0x2000), None).unwrap();
    }
    m.write(a, 0x8000, 7).unwrap();
    assert_eq!(m.frame_map_count(0), 1, "B maps the page on its first touch of it");
    assert_eq!(fault(&mut m, b, 0x8000, None), FaultKind::InMemory { with: a });
    assert_eq!(m.frame_map_count(0), 2);
    // Two private pages of A push the shared page out: one swap-out for both mappings.
    m.write(a, 0x2000, 1).unwrap();
    let e = m.write(a, 0x3000, 1).unwrap();
    let evicted = e.eviction().expect("memory is full");
    assert_eq!((evicted.frame, evicted.others), (0, 1));
    assert_eq!(m.stats().swap_outs, 1);
    assert_eq!(m.slot_map_count(0), 2);
    assert_eq!((m.process(a).unwrap().stats.swapped, m.process(b).unwrap().stats.swapped), (1, 1));
    // B reads it back: both map the new frame; what A wrote is there.
    assert_eq!(m.read(b, 0x8000).unwrap().value, 7);
    let f = m.process(a).unwrap().page_table.get(8).unwrap().loc;
    assert_eq!(m.frame_map_count(f), 2);
    m.check_invariants().unwrap();
}

#[test]
fn processes_running_one_executable_share_its_code_pages() {
    let mut m = machine(4);
    let a = m.spawn_exe("A", 2, Some("libc")).unwrap();
    let b = m.spawn_exe("B", 2, Some("libc")).unwrap();
    let solo = m.spawn("C", 2).unwrap();
    assert_eq!(fault(&mut m, a, 0x1000, None), FaultKind::CodeFromFile);
    assert_eq!(fault(&mut m, b, 0x1000, None), FaultKind::InMemory { with: a });
    // Another program's page 1 is its own.
    assert_eq!(fault(&mut m, solo, 0x1000, None), FaultKind::CodeFromFile);
    assert_eq!(m.frames().used(), 2);
    assert_eq!(m.stats().major_faults, 2);
    m.exit(a).unwrap();
    assert_eq!(m.frames().used(), 2, "the frame stays while B maps it");
    m.exit(b).unwrap();
    assert_eq!(m.frames().used(), 1);
    m.check_invariants().unwrap();
}

#[test]
fn a_dirty_page_of_a_mapped_file_goes_back_to_the_file_not_to_swap() {
    let mut m = machine(1);
    let a = m.spawn("A", 0).unwrap();
    m.allocate_shared(a, 4096, Perms::RW, Some(0x1000), Some("map"), Some((ObjectKind::File, "notes"))).unwrap();
    m.allocate(a, 4096, Perms::RW, Some(0x4000), None).unwrap();
    assert_eq!(fault(&mut m, a, 0x1000, Some(42)), FaultKind::FromFile);
    m.write(a, 0x4000, 1).unwrap(); // evicts the file page
    assert_eq!((m.stats().swap_outs, m.stats().file_writes), (0, 1));
    m.free_label(a, "map").unwrap();
    let b = m.spawn("B", 0).unwrap();
    m.allocate_shared(b, 4096, Perms::R, Some(0x9000), None, Some((ObjectKind::File, "notes"))).unwrap();
    assert_eq!(m.read(b, 0x9000).unwrap().value, 42, "the file kept the byte");
    m.check_invariants().unwrap();
}

#[test]
fn sharing_mistakes_are_errors_that_change_nothing() {
    let mut m = machine(4);
    let a = m.spawn("A", 0).unwrap();
    m.allocate_shared(a, 4096, Perms::RW, None, None, Some((ObjectKind::Shm, "buf"))).unwrap();
    let err = m.allocate_shared(a, 8192, Perms::RW, None, None, Some((ObjectKind::Shm, "buf"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot allocate: shared memory buf is 1 page: a mapping of 2 pages does not fit in it"
    );
    assert!(m.fork(a, "A").is_err(), "a running name");
    assert!(m.fork(7, "X").is_err(), "no such process");
    assert!(m.allocate_shared(a, 1, Perms::RW, None, None, Some((ObjectKind::Shm, "9bad"))).is_err());
    assert_eq!(m.process(a).unwrap().regions.len(), 1);
    m.check_invariants().unwrap();
}

/// Runs a scenario to its end; returns every read's value in order, and the machine.
fn run_scenario(text: &str) -> (Vec<u8>, Machine) {
    let mut run = pagesim::scenario::Run::new(pagesim::scenario::parse(text).unwrap()).unwrap();
    let mut reads = Vec::new();
    while let Some(record) = run.step().unwrap() {
        for e in &record.events {
            if let pagesim::engine::Event::Access(a) = e {
                if a.kind == pagesim::engine::AccessKind::Read && a.physical.is_some() {
                    reads.push(a.value);
                }
            }
        }
    }
    run.machine().check_invariants().unwrap();
    (reads, run.machine().clone())
}

/// The object keeps a page that the mapping covering it no longer maps: a later mapping that
/// covers it reads what was written (it read 0), a third process shares the same page (the object
/// split into two copies), and when every process has exited nothing stays in memory.
#[test]
fn a_shared_memory_page_outlives_the_mapping_that_covered_it() {
    let (reads, m) = run_scenario(
        "config frames=4 tlb=0 policy=fifo
spawn A
spawn B
alloc A x 8K rw shared=S
alloc B y 4K rw shared=S
write A 0x2000 5
free A x
alloc B z 8K rw shared=S
read B 0x3000
write B 0x3000 7
spawn C
alloc C w 8K rw shared=S at 0x4000
read C 0x5000
read B 0x3000
exit A
exit B
exit C
",
    );
    assert_eq!(reads, vec![5, 7, 7]);
    assert_eq!((m.frames().used(), m.swap().used(), m.stats().resident), (0, 0, 0));
    assert!(m.processes().all(|p| p.stats.resident == 0 && m.pss(m.pid_of(&p.name).unwrap_or(0)) == 0.0));
}

/// Two mappings of one object in one process, a fork, an exit, a third mapping: every mapping of
/// object page 1 reaches page 1 (it read and wrote page 0's frame).
#[test]
fn every_mapping_of_an_object_page_reaches_that_page() {
    let (reads, _) = run_scenario(
        "config frames=4 tlb=0 policy=fifo
spawn A
alloc A b 8K rw at 0x3000 shared=S
alloc A a 4K rw at 0x2000 shared=S
write A 0x2000 72
fork A B
exit A
alloc B c 8K rw at 0x7000 shared=S
read B 0x8000
write B 0x8000 61
read B 0x7000
read B 0x3000
read B 0x4000
",
    );
    assert_eq!(reads, vec![0, 72, 72, 61]);
}

/// The frame a destroyed mapping left behind is a victim like any other: it goes to swap, where
/// the object keeps it (this panicked: "a resident frame has a page-table entry").
#[test]
fn a_page_the_object_alone_holds_is_evicted_to_swap_and_read_back() {
    let (reads, m) = run_scenario(
        "config frames=1 swap=4 tlb=0 policy=fifo
spawn A
spawn B
alloc A x 8K rw shared=S
alloc B y 4K rw shared=S
alloc B p 4K rw
write A 0x2000 5
free A x
write B 0x2000 1
alloc B z 8K rw shared=S
read B 0x4000
",
    );
    assert_eq!(reads, vec![5]);
    assert_eq!(m.stats().swap_outs, 2, "the held page, then B's private page");
    assert_eq!(m.stats().major_faults, 1);
}

/// A copy-on-write fault that evicts the shared page itself says where the other process keeps it
/// (it said "P keeps frame 0", the frame the copy went to), and a write that brings a
/// copy-on-write page back from swap for its last user counts as a copy-on-write fault.
#[test]
fn copy_on_write_faults_through_swap_are_told_and_counted() {
    let text = "config frames=1 swap=4 tlb=0 policy=fifo
spawn P
alloc P x 8K rw
write P 0x1000 1
fork P C
write C 0x1000 2
read P 0x1000
read C 0x1000
exit C
read P 0x2000
write P 0x1000 3
";
    let mut run = pagesim::scenario::Run::new(pagesim::scenario::parse(text).unwrap()).unwrap();
    let mut sentences = Vec::new();
    while let Some(r) = run.step().unwrap() {
        sentences.extend(r.events.iter().map(|e| run.machine().describe(e)));
    }
    let copy = sentences.iter().find(|s| s.starts_with("C write")).unwrap();
    assert!(copy.contains("copied into frame 0 (P keeps it in swap slot 0)"), "{copy}");
    assert_eq!(run.machine().stats().cow_faults, 2, "C's copy, then P's write as the last user");
    assert_eq!(run.machine().process(0).unwrap().stats.cow_faults, 1);
}

/// The picture's view of a mapped file (`sim.files()`): which pages are in frames, and what the
/// file holds after a write-back — the Mapped file preset, step by step.
#[test]
fn a_files_report_shows_the_write_back() {
    use pagesim::report::FileReport;
    let text = pagesim::scenario::presets::preset("mapped-file").unwrap().text;
    let mut run = pagesim::scenario::Run::new(pagesim::scenario::parse(text).unwrap()).unwrap();
    let mut seen_saved_before = false;
    while run.step().unwrap().is_some() {
        let files = FileReport::all(run.machine(), 32);
        let Some(f) = files.first() else { continue }; // before the map line
        assert_eq!((f.name, f.pages, f.shown.len()), ("notes.txt", 2, 2));
        seen_saved_before |= f.shown[0].saved && f.shown[0].frame.is_some();
    }
    let files = FileReport::all(run.machine(), 1);
    let page0 = &files[0].shown[0];
    assert!(page0.saved, "the dirty page was written back");
    assert_eq!(page0.first, Some((0, 42)), "the file holds the 42 written at offset 0");
    assert!(page0.frame.is_some(), "and it was read back into a frame");
    assert!(seen_saved_before, "read back after the write-back");
    assert_eq!(files[0].shown.len(), 1, "limit");
}
