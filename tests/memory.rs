//! Memory bounds: what the first release spent gigabytes on now costs what is used. Heap bytes are
//! counted by a global allocator wrapper that only this test binary uses; each test measures the
//! peak above what was live when it started (the tests of this file run one at a time).

use pagesim::counting::{current, peak, reset_peak, Counting};
use pagesim::engine::{Config, Machine, PolicyKind};
use pagesim::scenario::run::Action;
use pagesim::scenario::{parse, Run};
use pagesim::trace::{replay, Trace};
use std::sync::Mutex;

/// Tests of this file measure one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: usize = 1 << 20;

/// Held for the whole of each test: the counter is global, so another test building its input
/// at the same time would count in this one's peak.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` and returns its result and the peak heap above the start, in bytes (call it under
/// [`alone`]).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = current();
    reset_peak();
    let out = f();
    (out, peak() - base)
}

/// The first release: 3.2 GB for this 64 KB scenario in the CLI (a snapshot was a full copy of
/// every 64 KiB page written).
#[test]
fn writes_to_big_pages_cost_bytes_not_pages() {
    let _alone = alone();
    let mut text = String::from("config frames=4096 page=64K vbits=32 swap=64\nspawn A\nalloc A heap 200M rw\n");
    for i in 0..2600u64 {
        text.push_str(&format!("write A {:#x} {}\n", (1 + i) * 65536 + i % 4096, 1 + i % 250));
    }
    assert!(text.len() > 50_000, "about the size of the first release's 64 KB case");
    let (steps, peak) = peak_of(|| {
        let mut run = Run::new(parse(&text).unwrap()).unwrap();
        let mut steps = 0;
        while run.step().unwrap().is_some() {
            steps += 1;
        }
        run.goto(5).unwrap();
        run.goto(run.len()).unwrap();
        steps
    });
    assert_eq!(steps, 2602);
    assert!(peak < 2 * MIB, "peak {} KiB (the README says about 0.4 MiB)", peak / 1024);
}

/// A machine of 2^20 frames that touches 16 pages: its memory is for the 16.
#[test]
fn a_million_frames_cost_what_is_used() {
    let _alone = alone();
    let mut text = String::from("config frames=1048576 swap=64 vbits=20\nspawn A\nalloc A heap 64K rw\n");
    for i in 0..2000u64 {
        text.push_str(&format!("write A {:#x} {}\n", 0x1000 * (1 + i % 16), i % 256));
    }
    let (_, peak) = peak_of(|| {
        let mut run = Run::new(parse(&text).unwrap()).unwrap();
        run.goto(run.len()).unwrap();
        run.goto(0).unwrap();
        run.goto(run.len()).unwrap();
        assert_eq!(run.machine().stats().writes, 2000);
    });
    assert!(peak < 3 * MIB, "peak {} KiB (the README says about 1.3 MiB)", peak / 1024);
}

/// A million calls: the operation log is 20 bytes a step and checkpoints about 8.
#[test]
fn a_million_calls_stay_under_48_mib() {
    let _alone = alone();
    let (run, peak) = peak_of(|| {
        let mut run = Run::new(parse("config frames=4\nspawn A code=1\nalloc A heap 32K rw\n").unwrap()).unwrap();
        run.run_to_end().unwrap();
        for i in 0..1_000_000u64 {
            run.push(0, Action::Access { name: "A", addr: 0x2000 + 0x1000 * (i % 8), value: None }).unwrap();
        }
        run
    });
    assert_eq!(run.pos(), 1_000_002);
    assert!(peak < 48 * MIB, "peak {} MiB", peak / MIB);
    assert!(run.history_bytes() < 40 * MIB, "history {} MiB", run.history_bytes() / MIB);
}

/// Past the budget: a clear error naming the limit, nothing changed, and the run goes on.
#[test]
fn the_budget_refuses_with_a_message_and_the_run_goes_on() {
    let _alone = alone();
    let mut text =
        String::from("config frames=2048 page=64K vbits=32 swap=0 budget=2M\nspawn A\nalloc A heap 100M rw\n");
    // Each page filled with 64 scattered bytes: a few KiB each, so 2 MiB fills up quickly.
    for page in 1..1000u64 {
        for k in 0..64u64 {
            text.push_str(&format!("write A {:#x} 7\n", page * 65536 + k * 1000));
        }
    }
    let mut run = Run::new(parse(&text).unwrap()).unwrap();
    let err = run.run_to_end().unwrap_err();
    assert!(err.message().contains("memory budget is used up"), "{err}");
    assert!(err.message().contains("config budget="), "{err}");
    let stopped_at = run.pos();
    let before = format!("{:?}", run.machine().stats());
    // Stepping again gives the same error and changes nothing.
    assert!(run.step().is_err());
    assert_eq!(format!("{:?}", run.machine().stats()), before);
    // Freeing memory lets new calls go on.
    run.push(0, Action::Free { name: "A", target: pagesim::scenario::FreeTarget::Label("heap".into()) }).unwrap();
    run.push(0, Action::Access { name: "A", addr: 0, value: None }).unwrap();
    run.goto(stopped_at / 2).unwrap();
    assert!(run.machine().usage().total() <= 2 * MIB as u64);
}

/// A trace that scatters pages over a 48-bit space needs a page-table tree per page: past the
/// budget it stops with an error instead of exhausting memory.
#[test]
fn a_trace_past_the_budget_stops_with_an_error() {
    let _alone = alone();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let pages: Vec<(u64, bool)> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x & ((1 << 36) - 1), false)
        })
        .collect();
    let trace = Trace::from_pages(4096, pages);
    let config = Config { policy: PolicyKind::Lru, frames: 64, budget: 16 * MIB as u64, ..Config::default() };
    let (result, peak) = peak_of(|| replay(&trace, config, None));
    let err = result.unwrap_err().to_string();
    assert!(err.contains("memory budget is used up"), "{err}");
    assert!(peak < 48 * MIB, "peak {} MiB", peak / MIB);
}

/// The budget counts what the machine holds, and frees count down.
#[test]
fn usage_follows_what_is_held() {
    let _alone = alone();
    let mut m = Machine::new(Config { frames: 4, swap_slots: 8, ..Config::default() }).unwrap();
    let a = m.spawn("A", 0).unwrap();
    let heap = m.allocate(a, 4 * 4096, pagesim::engine::Perms::RW, None, None).unwrap();
    let empty = m.usage();
    for i in 0..4 {
        m.write(a, heap + i * 4096, 1).unwrap();
    }
    assert!(m.usage().page_data > empty.page_data);
    m.free(a, heap).unwrap();
    assert_eq!(m.usage().page_data, 0, "freed pages hold no bytes");
}

/// The command line's `run` carries a scenario out line by line: a million steps cost what the
/// machine costs, not what the run's length does (a 24 MiB scenario peaked at 3.2 GB when every
/// step's report was held; the whole-scenario runner holds ~200 bytes a line).
#[test]
fn a_scenario_run_line_by_line_holds_no_history() {
    let _alone = alone();
    let mut text = String::from("config frames=16 vbits=32 swap=4096 tlb=4 policy=lru\nspawn A\nalloc A heap 4M rw\n");
    for i in 0..300_000u64 {
        let addr = 0x1000 + (i * 7919 % 1024) * 4096 + i % 4096;
        if i % 3 == 0 {
            text.push_str(&format!("write A {addr:#x} {}\n", i % 200 + 1));
        } else {
            text.push_str(&format!("read A {addr:#x}\n"));
        }
    }
    let ((steps, machine), peak) = peak_of(|| {
        let mut run = pagesim::scenario::through::Straight::new(&text).unwrap();
        let mut steps = 0;
        while let Some(r) = run.step().unwrap() {
            steps += r.events.len();
        }
        (steps, run.machine().usage().total() as usize)
    });
    assert_eq!(steps, 300_002);
    assert!(peak < machine + 2 * MIB, "peak {peak} bytes, the machine {machine}, for {} bytes of scenario", text.len());
}

/// Shared-memory objects cost like private regions: each is a record in persistent maps, shared
/// by checkpoints (40,000 objects took 388 MiB when every change copied the list of objects).
#[test]
fn shared_objects_cost_like_private_regions() {
    let _alone = alone();
    let scenario = |shared: bool| {
        let mut text = String::from("config frames=64 vbits=32 swap=1024 tlb=0 policy=fifo oom=fail\nspawn A\n");
        for i in 0..20_000 {
            text.push_str(&format!(
                "alloc A r{i} 4K rw{}\n",
                if shared { format!(" shared=o{i}") } else { String::new() }
            ));
        }
        for i in 0..20_000u64 {
            text.push_str(&format!("write A {:#x} {}\n", (i + 1) * 4096, i % 250 + 1));
        }
        parse(&text).unwrap()
    };
    let (private, shared) = (scenario(false), scenario(true));
    let ((), private_peak) = peak_of(|| Run::new(private).unwrap().run_to_end().unwrap());
    let ((), shared_peak) = peak_of(|| Run::new(shared).unwrap().run_to_end().unwrap());
    assert!(
        shared_peak < 2 * private_peak,
        "20,000 shared objects peak at {shared_peak} bytes, 20,000 private regions at {private_peak}"
    );
}
