//! Importance and the OOM killer (README, *Importance and the OOM killer*): victims come from the
//! least important processes first (a shared frame counts at its most important mapper), equal
//! importance changes nothing under any policy, and running out of memory kills the least
//! important process with the largest footprint.

use pagesim::engine::{Event, PolicyKind};
use pagesim::scenario::{parse, Run};
use proptest::prelude::*;

/// The process named `name`, alive or not (in these scenarios names are not reused).
fn named<'m>(m: &'m pagesim::engine::Machine, name: &str) -> &'m pagesim::engine::process::Process {
    m.processes().find(|p| p.name == name).unwrap()
}

fn run(text: &str) -> Run {
    let mut run = Run::new(parse(text).unwrap()).unwrap();
    run.run_to_end().unwrap_or_else(|e| panic!("{}", e.message()));
    run
}

/// Every sentence of a run, in order.
fn sentences(run: &Run) -> Vec<String> {
    run.records(0, run.len())
        .iter()
        .flat_map(|r| r.events.iter().map(|e| run.machine().describe(e)).collect::<Vec<_>>())
        .collect()
}

/// The pages evicted in a run, as "A page 3".
fn victims(run: &Run) -> Vec<String> {
    let mut out = Vec::new();
    for r in run.records(0, run.len()) {
        for e in &r.events {
            if let Event::Access(a) = e {
                if let Some(ev) = a.eviction() {
                    out.push(format!("{} page {}", run.machine().name_of(ev.pid), ev.vpn));
                }
            }
        }
    }
    out
}

/// Three processes touching pages in a seeded order on a small machine.
fn workload(policy: PolicyKind, levels: [&str; 3], seed: u64, frames: u32) -> String {
    let mut text = format!("config frames={frames} swap=64 tlb=2 policy={policy} seed=7\n");
    for (name, level) in ["A", "B", "C"].iter().zip(levels) {
        text.push_str(&format!("spawn {name} importance={level}\nalloc {name} heap 24K rw\n"));
    }
    let mut x = seed;
    for _ in 0..60 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let who = ["A", "B", "C"][(x >> 33) as usize % 3];
        let page = 1 + (x >> 40) % 6;
        if (x >> 20).is_multiple_of(4) {
            text.push_str(&format!("write {who} {:#x} {}\n", page << 12, (x >> 50) % 200 + 1));
        } else {
            text.push_str(&format!("read {who} {:#x}\n", page << 12));
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// With every process equally important (all low, all high), every policy's run is exactly
    /// the run with no importance at all: the same victims, the same sentences.
    #[test]
    fn equal_importance_changes_nothing(seed in any::<u64>(), frames in 2..7u32, level in prop::sample::select(vec!["low", "high"])) {
        for policy in PolicyKind::ALL {
            let plain = run(&workload(policy, ["normal"; 3], seed, frames));
            let equal = run(&workload(policy, [level; 3], seed, frames));
            prop_assert_eq!(sentences(&plain), sentences(&equal), "{}", policy);
        }
    }

    /// A low-importance process gives up its frames before anyone else does, under every policy.
    #[test]
    fn the_least_important_process_loses_frames_first(seed in any::<u64>(), frames in 3..7u32) {
        for policy in PolicyKind::ALL {
            let r = run(&workload(policy, ["low", "normal", "high"], seed, frames));
            let m = r.machine();
            for rec in r.records(0, r.len()) {
                for e in &rec.events {
                    let Event::Access(a) = e else { continue };
                    let Some(ev) = a.eviction() else { continue };
                    let why = ev.why.among.map(|l| l.name());
                    // The victim's importance is the lowest in memory then; a high page went only
                    // if nothing less important was resident, which the reason names.
                    prop_assert!(why.is_some(), "{policy}: importance differs, the reason says among which");
                    let victim = m.process(ev.pid).unwrap().importance.name();
                    prop_assert_eq!(Some(victim), why, "{}", policy);
                }
            }
            m.check_invariants().unwrap();
        }
    }
}

#[test]
fn a_shared_frame_counts_at_its_most_important_mapper() {
    // A (low) and B (high) share page `s`; A and C (normal) also have private pages. Memory full:
    // A's private page goes first, then C's, and the shared frame (high, through B) last.
    let text = "config frames=4 swap=16 tlb=0 policy=fifo\n\
        spawn A importance=low\nspawn B importance=high\nspawn C\n\
        alloc A s 4K rw shared=chat\nalloc B s 4K rw shared=chat\nalloc A mine 4K rw\nalloc C mine 8K rw\n\
        write A 0x1000 1\nread B 0x1000\nwrite A 0x2000 2\nwrite C 0x1000 3\nwrite C 0x2000 4\n\
        alloc B more 8K rw\nwrite B 0x2000 5\nwrite B 0x3000 6\n";
    let r = run(text);
    assert_eq!(victims(&r), ["A page 2", "C page 1"], "A's own page, then C's; the frame B shares stays");
    let last = sentences(&r).pop().unwrap();
    assert!(last.contains("FIFO among the normal importance processes' pages"), "{last}");
    r.machine().check_invariants().unwrap();
}

#[test]
fn importance_lines_move_a_program_to_the_foreground() {
    // Both normal: FIFO takes A's oldest page. Once A is high, B's pages go instead.
    let base = "config frames=2 swap=8 tlb=0 policy=fifo\nspawn A\nspawn B\nalloc A h 8K rw\nalloc B h 8K rw\n\
                write A 0x1000 1\nwrite B 0x1000 2\n";
    let before = run(&format!("{base}write B 0x2000 3\n"));
    assert_eq!(victims(&before), ["A page 1"]);
    let after = run(&format!("{base}importance A high\nwrite B 0x2000 3\n"));
    assert_eq!(victims(&after), ["B page 1"]);
    let said = sentences(&after);
    assert!(said.iter().any(|s| s == "A is now of high importance: the OS takes frames from it last"), "{said:?}");
}

#[test]
fn out_of_memory_kills_the_least_important_process_with_the_largest_footprint() {
    // No swap: anonymous pages cannot leave RAM. B (normal) needs a frame; A and C are low, C
    // has more pages: C is killed, its frames freed, and B's write goes on.
    let text = "config frames=4 swap=0 tlb=0 policy=lru\n\
        spawn A importance=low\nspawn C importance=low\nspawn B\n\
        alloc A h 4K rw\nalloc C h 8K rw\nalloc B h 8K rw\n\
        write A 0x1000 1\nwrite C 0x1000 2\nwrite C 0x2000 3\nwrite B 0x1000 4\nwrite B 0x2000 5\nread B 0x1000\n";
    let r = run(text);
    let m = r.machine();
    let said = sentences(&r);
    let kill = said.iter().find(|s| s.contains("OOM killer")).expect("a kill is told");
    assert_eq!(
        kill,
        "out of memory: a fault of B needs a frame and no page can go (there is no swap) → the OOM killer kills C \
         (low importance, the largest footprint among the least important: 2 pages)"
    );
    assert!(said.iter().any(|s| s == "C was killed by the OOM killer: released 2 frames and 0 swap slots"), "{said:?}");
    assert!(!named(m, "C").alive());
    assert!(named(m, "A").alive(), "A is as unimportant but smaller");
    assert_eq!(m.stats().out_of_memory, 0, "B's access went on");
    let b = named(m, "B");
    assert_eq!((b.stats.writes, b.stats.resident), (2, 2));
    assert!(said.last().unwrap().ends_with("value 4"), "{said:?}");
    m.check_invariants().unwrap();
}

#[test]
fn a_process_killed_for_its_own_fault_ends_there_and_oom_fail_keeps_the_failure() {
    let text = "config frames=2 swap=0 tlb=0 OOM\nspawn A\nalloc A h 12K rw\nwrite A 0x1000 1\nwrite A 0x2000 2\nwrite A 0x3000 3\n";
    let r = run(&text.replace("OOM", ""));
    let said = sentences(&r);
    assert!(said.iter().any(|s| s.starts_with("out of memory: its own fault needs a frame")), "{said:?}");
    assert!(said.iter().any(|s| s == "A was killed by the OOM killer: released 2 frames and 0 swap slots"));
    let m = r.machine();
    assert_eq!((m.stats().out_of_memory, m.frames().used()), (1, 0), "the access failed; A's memory is free");
    // oom=fail: the access fails, A lives on with both pages.
    let r = run(&text.replace("OOM", "oom=fail"));
    let m = r.machine();
    assert!(m.process(0).unwrap().alive());
    assert_eq!((m.stats().out_of_memory, m.frames().used()), (1, 2));
    assert!(!sentences(&r).iter().any(|s| s.contains("OOM killer")));
}

#[test]
fn kills_step_back_exactly() {
    let text = "config frames=3 swap=1 tlb=0 policy=clock\nspawn A importance=low\nspawn B importance=high\n\
        alloc A h 12K rw\nalloc B h 12K rw\nwrite A 0x1000 1\nwrite A 0x2000 2\nwrite B 0x1000 3\n\
        write B 0x2000 4\nimportance A high\nwrite B 0x3000 5\nread B 0x1000\n";
    let mut r = run(text);
    let end = (sentences(&r), r.machine().stats().clone());
    for step in (0..r.len()).rev() {
        r.goto(step).unwrap();
    }
    r.goto(r.len()).unwrap();
    assert_eq!((sentences(&r), r.machine().stats().clone()), end);
    r.machine().check_invariants().unwrap();
}

#[test]
fn bad_importance_lines_point_at_the_problem() {
    let err = |text: &str| parse(text).unwrap_err().to_string();
    assert_eq!(
        err("spawn A importance=urgent\n"),
        "1:20: expected an importance (low, normal or high), found \"urgent\""
    );
    assert_eq!(
        err("spawn A\nimportance A\n"),
        "2:13: expected an importance (low, normal or high) at the end of the line"
    );
    assert!(err("spawn A\nimportance B high\n").starts_with("2:12:"), "{}", err("spawn A\nimportance B high\n"));
    assert!(err("spawn A\nimportance A high now\n").starts_with("2:19:"));
    assert!(err("config oom=maybe\n").contains("expected oom=kill or oom=fail"));
    // The canonical form keeps them.
    let s = parse("spawn A importance=low\nimportance A HIGH\n").unwrap();
    assert_eq!(s.to_string().lines().skip(1).collect::<Vec<_>>(), ["spawn A importance=low", "importance A high"]);
}
