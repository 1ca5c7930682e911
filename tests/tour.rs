//! The tour (README, *The tour*): its chapters in the order and with the ids the page links to,
//! each a scenario that runs to its end, asks its question before a step that exists, and shows
//! what the chapter claims; the freeze chapter's machines compared in numbers; the CLI.

use pagesim::engine::events::{AccessResult, SegvReason};
use pagesim::engine::process::ExitCause;
use pagesim::engine::Event;
use pagesim::scenario::tour::{chapter, figures, CHAPTERS};
use pagesim::scenario::{parse, Run};
use std::process::Command;

const IDS: [&str; 14] = [
    "before-vm",
    "base-and-bounds",
    "address-space",
    "reserve",
    "on-demand",
    "null",
    "code",
    "swapping",
    "unnoticed",
    "freeze",
    "importance",
    "out-of-memory",
    "isolation",
    "sharing",
];

fn run(id: &str) -> Run {
    let c = chapter(id).unwrap();
    let mut run = Run::new(parse(c.scenario).unwrap_or_else(|e| panic!("{id}: {e}"))).unwrap();
    run.run_to_end().unwrap_or_else(|e| panic!("{id}: {}", e.message()));
    run
}

/// Every event of the run, described.
fn sentences(r: &Run) -> Vec<String> {
    r.records(0, r.len()).iter().flat_map(|rec| rec.events.iter().map(|e| r.machine().describe(e))).collect()
}

/// The events of step `n`.
fn step(r: &Run, n: usize) -> Vec<Event> {
    r.record(n).unwrap().events
}

#[test]
fn the_chapters_are_in_order_and_each_runs_and_asks_before_a_real_step() {
    assert_eq!(CHAPTERS.iter().map(|c| c.id).collect::<Vec<_>>(), IDS);
    for c in CHAPTERS {
        let r = run(c.id);
        assert!(c.ask_at >= 1 && c.ask_at <= r.len(), "{}: asks before step {} of {}", c.id, c.ask_at, r.len());
        assert!(c.opens_at < c.ask_at, "{}: opens at {} after its question", c.id, c.opens_at);
        assert!(c.opens_at >= 1, "{}: a chapter opens with something drawn", c.id);
        r.machine().check_invariants().unwrap_or_else(|e| panic!("{}: {e}", c.id));
        for words in [c.text, c.question, c.answer, c.notice] {
            assert!(!words.trim().is_empty() && !words.contains("  "), "{}: {words:?}", c.id);
        }
    }
}

#[test]
fn before_vm_two_programs_clash_and_memory_ends() {
    let r = run("before-vm");
    let c = chapter("before-vm").unwrap();
    // The question's step: A reads back B's 7.
    match step(&r, c.ask_at).as_slice() {
        [Event::Access(a)] => assert_eq!((a.value, a.physical), (7, Some(0x1000))),
        other => panic!("{other:?}"),
    }
    let said = sentences(&r);
    assert!(said.iter().any(|s| s.contains("past the end of memory (32K) → no such memory")), "{said:?}");
    let uses = Run::new(parse(c.scenario).unwrap()).map(|mut r| {
        r.goto(c.ask_at).unwrap();
        r.machine().physical_uses()
    });
    let uses = uses.unwrap();
    assert_eq!(uses.len(), 2);
    assert_eq!((uses[0].first, uses[1].first), (1, 1), "both programs' data at frame 1: a clash");
}

#[test]
fn base_and_bounds_relocates_checks_and_fragments() {
    let r = run("base-and-bounds");
    let said = sentences(&r);
    // Each program's address 0 is its own: A reads back its 1, not B's 2.
    assert!(
        said.iter()
            .any(|s| s.starts_with("A read 0x0: within its bound; base 0x0 + 0x0 = physical 0x0, frame 0, value 1")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|s| s.contains("C read 0x2000: 0x2000 is past its bound 0x2000 → segmentation fault")),
        "{said:?}"
    );
    let last = said.iter().rev().find(|s| s.starts_with("D needs")).unwrap();
    assert_eq!(
        last,
        "D needs one block of 3 frames in a row for base and bounds; 4 frames are free in all, but the largest free run is 2 frames: external fragmentation"
    );
    let d = r.machine().processes().find(|p| p.name == "D").unwrap();
    assert_eq!(d.ended, Some(ExitCause::NoBlock));
}

#[test]
fn the_chapters_show_what_they_say() {
    let value_at = |id: &str| {
        let r = run(id);
        match step(&r, chapter(id).unwrap().ask_at).into_iter().find_map(|e| match e {
            Event::Access(a) => Some(a),
            _ => None,
        }) {
            Some(a) => (a.value, a.result),
            None => panic!("{id}: the question's step is not an access"),
        }
    };
    assert_eq!(value_at("address-space").0, 42);
    assert!(matches!(value_at("reserve").1, AccessResult::SegmentationFault { reason: SegvReason::Unmapped }));
    assert!(matches!(value_at("on-demand").1, AccessResult::Hit { .. }));
    assert!(matches!(value_at("null").1, AccessResult::SegmentationFault { reason: SegvReason::NullPage }));
    assert!(matches!(value_at("code").1, AccessResult::ProtectionFault { .. }));
    assert_eq!(value_at("swapping").0, 10);
    assert_eq!(value_at("isolation").0, 5);
    assert_eq!(value_at("sharing").0, 9);
    // The importance chapter: B, in front, loses no page.
    let r = run("importance");
    assert!(sentences(&r).iter().filter(|s| s.contains("evicted")).all(|s| s.contains("evicted A page")));
    // Out of memory: C is killed, B goes on.
    let said = sentences(&run("out-of-memory"));
    assert!(said.iter().any(|s| s.contains("the OOM killer kills C")), "{said:?}");
}

#[test]
fn unnoticed_swapping_leaves_the_busy_program_near_full_speed_and_freeze_collapses_it() {
    let r = run("unnoticed");
    let a = &r.machine().process(0).unwrap().stats;
    let b = &r.machine().process(1).unwrap().stats;
    let config = r.machine().config();
    assert!(b.swap_outs > 0, "B's idle pages went to swap");
    assert_eq!(a.disk_writes + a.major_faults, 0, "A never waited for the disk");
    let felt = a.speed(config);
    assert!(felt.slowdown < 3.0, "A feels {} ({})", felt.felt, felt.slowdown);
    let r = run("freeze");
    let a = &r.machine().process(0).unwrap().stats;
    assert_eq!(a.hits, 0, "LRU on a loop one page too big: every access faults");
    let felt = a.speed(r.machine().config());
    assert!(felt.slowdown > 500.0, "{}", felt.felt);
}

#[test]
fn freeze_compares_disks_and_background_reclaim_in_numbers() {
    let f = figures(chapter("freeze").unwrap());
    let labels: Vec<&str> = f.iter().map(|x| x.label).collect();
    assert_eq!(labels, ["SSD (as above)", "hard disk", "NVMe disk", "SSD, background reclaim"]);
    let (ssd, hdd, nvme, reclaim) = (&f[0], &f[1], &f[2], &f[3]);
    assert!(hdd.slowdown > 50.0 * ssd.slowdown / 1.01 && hdd.slowdown > ssd.slowdown * 40.0, "{hdd:?} vs {ssd:?}");
    assert!(nvme.slowdown < ssd.slowdown / 3.0);
    assert!(reclaim.slowdown < ssd.slowdown, "no fault waits for a write: {reclaim:?} vs {ssd:?}");
    assert_eq!(ssd.major_faults, reclaim.major_faults, "the same reads, fewer waits");
    assert!(figures(chapter("null").unwrap()).is_empty());
}

#[test]
fn pagesim_tour_lists_tells_and_gives_json() {
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_pagesim")).arg("tour").args(args).output().unwrap();
        (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (ok, list, _) = cli(&[]);
    assert!(ok);
    assert_eq!(list.lines().count(), 14);
    assert!(list.lines().next().unwrap().contains("before-vm"));
    let (ok, freeze, _) = cli(&["freeze"]);
    assert!(ok);
    assert!(freeze.starts_with("Chapter 10 of 14: When the machine freezes"), "{freeze}");
    assert!(freeze.contains("hard disk") && freeze.contains("frozen"), "{freeze}");
    let (ok, json, _) = cli(&["--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 14);
    for key in ["id", "title", "text", "scenario", "question", "answer", "notice", "ask_at", "opens_at", "figures"] {
        assert!(!v[0][key].is_null(), "{key} missing");
    }
    assert_eq!(v[9]["figures"].as_array().unwrap().len(), 4);
    let (ok, _, err) = cli(&["nowhere"]);
    assert!(!ok && err.contains("no chapter \"nowhere\""), "{err}");
}
