//! Textbook page-fault counts, through the library (scenario and trace replay) and the real CLI.

use pagesim::engine::{Config, PolicyKind};
use pagesim::scenario::{parse, Run};
use pagesim::trace::{read_trace, replay, TraceFormat};
use std::process::Command;

const TEXTBOOK: &str = "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1";
const BELADY: &str = "1 2 3 4 1 2 5 1 2 3 4 5";

fn faults_by_trace(policy: PolicyKind, frames: u32, refs: &str) -> u64 {
    let trace = read_trace(refs.as_bytes(), TraceFormat::Pages, 4096).unwrap();
    replay(&trace, Config { policy, frames, ..Config::default() }, None).unwrap().faults
}

fn faults_by_scenario(policy: PolicyKind, frames: u32, refs: &str) -> u64 {
    let text = format!("config frames={frames} policy={policy} tlb=0\nspawn T flat\nrefs T {refs}\n");
    let mut run = Run::new(parse(&text).unwrap()).unwrap();
    run.run_to_end().unwrap();
    run.machine().stats().faults
}

fn faults_by_cli(policy: PolicyKind, frames: u32, file: &str) -> u64 {
    let out = Command::new(env!("CARGO_BIN_EXE_pagesim"))
        .args(["trace", "--format", "pages", "--policy", policy.name(), "--frames", &frames.to_string()])
        .arg(format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR")))
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["accesses", "hits", "faults", "swap_ins", "swap_outs"] {
        assert!(v[key].is_u64(), "--json output lacks {key}: {v}");
    }
    assert_eq!(v["accesses"], v["hits"].as_u64().unwrap() + v["faults"].as_u64().unwrap());
    v["faults"].as_u64().unwrap()
}

/// Each case: policy, frames, reference string (and its file for the CLI), expected faults.
macro_rules! textbook_cases {
    ($($name:ident: $policy:ident, $frames:expr, $refs:expr, $file:expr => $faults:expr;)*) => {$(
        #[test]
        fn $name() {
            let p = PolicyKind::$policy;
            assert_eq!(faults_by_trace(p, $frames, $refs), $faults, "trace replay");
            assert_eq!(faults_by_scenario(p, $frames, $refs), $faults, "scenario");
            assert_eq!(faults_by_cli(p, $frames, $file), $faults, "pagesim trace");
        }
    )*};
}

textbook_cases! {
    fifo_textbook_3_frames: Fifo, 3, TEXTBOOK, "textbook.pages" => 15;
    lru_textbook_3_frames: Lru, 3, TEXTBOOK, "textbook.pages" => 12;
    opt_textbook_3_frames: Opt, 3, TEXTBOOK, "textbook.pages" => 9;
    clock_textbook_3_frames: Clock, 3, TEXTBOOK, "textbook.pages" => 14;
    belady_fifo_3_frames: Fifo, 3, BELADY, "belady.pages" => 9;
    belady_fifo_4_frames: Fifo, 4, BELADY, "belady.pages" => 10;
    belady_lru_3_frames: Lru, 3, BELADY, "belady.pages" => 10;
    belady_lru_4_frames: Lru, 4, BELADY, "belady.pages" => 8;
    belady_opt_3_frames: Opt, 3, BELADY, "belady.pages" => 7;
    belady_opt_4_frames: Opt, 4, BELADY, "belady.pages" => 6;
}

#[test]
fn every_policy_counts_cold_misses_and_never_beats_opt() {
    for frames in 1..=6 {
        let opt = faults_by_trace(PolicyKind::Opt, frames, TEXTBOOK);
        for policy in PolicyKind::ALL {
            let f = faults_by_trace(policy, frames, TEXTBOOK);
            assert!(f >= opt, "{policy} with {frames} frames: {f} faults, fewer than OPT's {opt}");
            assert!(f >= 6, "{policy}: 6 distinct pages must give at least 6 cold misses, got {f}");
        }
    }
}

#[test]
fn a_stack_policy_never_gets_worse_with_more_frames() {
    // LRU and OPT are stack algorithms: no Belady anomaly, on any string.
    let refs = "1 2 3 4 1 2 5 1 2 3 4 5 6 1 7 2 8 3 1 9 4 2 5 0 1";
    for policy in [PolicyKind::Lru, PolicyKind::Opt] {
        let counts: Vec<u64> = (1..=10).map(|f| faults_by_trace(policy, f, refs)).collect();
        assert!(counts.windows(2).all(|w| w[1] <= w[0]), "{policy}: {counts:?}");
    }
}

/// OPT's reasons use the log's clock: when it says a victim is "next used at step N", step N of
/// the log is that page's next access (it said 18 where the log's step was 19).
#[test]
fn opt_names_the_step_the_log_shows() {
    let text = "config frames=3 tlb=0 policy=opt\nspawn T flat\nrefs T 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\n";
    let mut run = Run::new(parse(text).unwrap()).unwrap();
    let mut pages_by_step = std::collections::HashMap::new();
    let mut claims = Vec::new();
    while let Some(r) = run.step().unwrap() {
        for e in &r.events {
            if let pagesim::engine::Event::Access(a) = e {
                pages_by_step.insert(r.step, a.vpn);
                let sentence = run.machine().describe(e);
                if let Some((_, rest)) = sentence.split_once("next used at step ") {
                    let n: usize = rest.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
                    let victim = a.eviction().unwrap().vpn;
                    claims.push((r.step, victim, n));
                }
            }
        }
    }
    assert!(claims.len() >= 3, "{claims:?}");
    assert!(claims.contains(&(5, 7, 19)), "at step 5 page 7 goes, next used at step 19: {claims:?}");
    for (at, victim, n) in claims {
        assert_eq!(pages_by_step[&n], victim, "step {at} says page {victim} is next used at step {n}");
        assert!((at + 1..n).all(|s| pages_by_step[&s] != victim), "step {at}: page {victim} is used before step {n}");
    }
}
