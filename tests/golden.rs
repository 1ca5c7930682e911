//! Golden files: fixed reference strings run through each policy, step by step (hit or fault, the
//! victim, the frame contents, the policy's order), compared with `tests/golden/<policy>.txt`; and
//! every preset through `pagesim run` (the sentences, statistics and all), compared with
//! `tests/golden/presets/<id>.txt`.
//! When behaviour changes on purpose, rewrite them with `./build.sh accept` and review the diff.

use pagesim::engine::{Event, PolicyKind};
use pagesim::scenario::{parse, Run};
use std::fmt::Write;

/// (title, frames, timer, reference string; a `w` suffix makes the access a write)
fn workloads() -> Vec<(&'static str, u32, u64, String)> {
    let textbook = "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1".to_string();
    let belady = "1 2 3 4 1 2 5 1 2 3 4 5".to_string();
    // A seeded mix with writes: a hot set {0,1,2} and a cold tail, from a fixed LCG.
    let mut x: u32 = 12345;
    let mixed: Vec<String> = (0..48)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let r = (x >> 16) % 10;
            let page = if r < 6 { r % 3 } else { 3 + r % 5 };
            if i % 4 == 1 {
                format!("{page}w")
            } else {
                page.to_string()
            }
        })
        .collect();
    vec![
        ("textbook", 3, 16, textbook.clone()),
        ("textbook", 4, 16, textbook),
        ("belady", 3, 16, belady.clone()),
        ("belady", 4, 16, belady),
        ("mixed, timer=4", 4, 4, mixed.join(" ")),
    ]
}

fn render(policy: PolicyKind) -> String {
    let mut out = String::new();
    for (title, frames, timer, refs) in workloads() {
        let mut text = format!("config frames={frames} policy={policy} tlb=0 timer={timer} seed=7\nspawn T flat\n");
        for r in refs.split(' ') {
            match r.strip_suffix('w') {
                Some(page) => writeln!(text, "write T {:#x} 1", page.parse::<u64>().unwrap() * 4096).unwrap(),
                None => writeln!(text, "read T {:#x}", r.parse::<u64>().unwrap() * 4096).unwrap(),
            }
        }
        let mut run = Run::new(parse(&text).unwrap()).unwrap();
        writeln!(out, "# {policy}, {title}, {frames} frames: {refs}").unwrap();
        run.step().unwrap(); // spawn
        for r in refs.split(' ') {
            let record = run.step().unwrap().unwrap().clone();
            let m = run.machine();
            let Some(Event::Access(a)) = record.events.first() else { panic!("an access") };
            let what = match a.eviction() {
                Some(e) => format!("fault, evict {}", e.vpn),
                None if a.is_fault() => "fault".to_string(),
                None => "hit".to_string(),
            };
            let page_in = |f: u32| {
                let fr = m.frames().get(f);
                if m.frames().is_free(f) {
                    "-".to_string()
                } else {
                    format!("{}{}", fr.vpn, if fr.dirty { "*" } else { "" })
                }
            };
            let frames: Vec<String> = (0..m.frames().len()).map(page_in).collect();
            let order: Vec<String> = m
                .policy_order(usize::MAX)
                .iter()
                .map(|&f| match m.policy_value(f) {
                    Some(v) if policy != PolicyKind::Opt => {
                        format!("{}:{v}", m.frames().get(f).vpn)
                    }
                    _ => m.frames().get(f).vpn.to_string(),
                })
                .collect();
            let hand = m.clock_hand().map(|h| format!(" hand {h}")).unwrap_or_default();
            writeln!(out, "{r:>3}  {what:<15} frames [{}]  order [{}]{hand}", frames.join(" "), order.join(" "))
                .unwrap();
        }
        let s = run.machine().stats();
        writeln!(out, "faults {}, hits {}, swap-outs {}, dropped {}\n", s.faults, s.hits, s.swap_outs, s.dropped)
            .unwrap();
    }
    out
}

/// Compares (or, with `PAGESIM_ACCEPT`, writes) each `(name, actual)` with `dir/<name>.txt`.
fn check_golden(dir: &str, outputs: impl IntoIterator<Item = (String, String)>) {
    let accept = std::env::var_os("PAGESIM_ACCEPT").is_some();
    let mut mismatches = Vec::new();
    for (name, actual) in outputs {
        let path = format!("{dir}/{name}.txt");
        if accept {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{path} is missing: run ./build.sh accept and review it"));
        if expected != actual {
            let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
            mismatches.push(format!(
                "{name}: first difference at line {}:\n  expected: {}\n  actual:   {}",
                line + 1,
                expected.lines().nth(line).unwrap_or(""),
                actual.lines().nth(line).unwrap_or("")
            ));
        }
    }
    assert!(mismatches.is_empty(), "golden files differ (./build.sh accept if intended):\n{}", mismatches.join("\n"));
}

#[test]
fn policies_match_their_golden_files() {
    let dir = format!("{}/tests/golden", env!("CARGO_MANIFEST_DIR"));
    check_golden(&dir, PolicyKind::ALL.iter().map(|&p| (p.to_string(), render(p))));
}

#[test]
fn every_preset_through_pagesim_run_matches_its_golden_file() {
    // `pagesim presets` lists them all.
    let listed = Command::new(env!("CARGO_BIN_EXE_pagesim")).arg("presets").output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    for p in pagesim::scenario::presets::PRESETS {
        assert!(listed.lines().any(|l| l.starts_with(p.id) && l.ends_with(p.title)), "{} in {listed}", p.id);
    }
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let dir = format!("{}/tests/golden/presets", env!("CARGO_MANIFEST_DIR"));
    let outputs = pagesim::scenario::presets::PRESETS.iter().map(|preset| {
        let out = Command::new(env!("CARGO_BIN_EXE_pagesim")).args(["run", "--preset", preset.id]).output().unwrap();
        assert!(out.status.success(), "{}: pagesim run --preset failed", preset.id);
        // The same as the preset's text given as a file.
        let mut child = Command::new(env!("CARGO_BIN_EXE_pagesim"))
            .args(["run", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the CLI runs");
        child.stdin.take().unwrap().write_all(preset.text.as_bytes()).unwrap();
        assert_eq!(child.wait_with_output().unwrap().stdout, out.stdout, "{}: --preset and the text agree", preset.id);
        (preset.id.to_string(), String::from_utf8(out.stdout).unwrap())
    });
    check_golden(&dir, outputs.collect::<Vec<_>>());
}

#[test]
fn every_tour_chapter_through_pagesim_run_matches_its_golden_file() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let dir = format!("{}/tests/golden/tour", env!("CARGO_MANIFEST_DIR"));
    let outputs = pagesim::scenario::tour::CHAPTERS.iter().map(|c| {
        // Each chapter's scenario is an ordinary scenario: `pagesim run` runs it as it stands.
        let mut child = Command::new(env!("CARGO_BIN_EXE_pagesim"))
            .args(["run", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the CLI runs");
        child.stdin.take().unwrap().write_all(c.scenario.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}: pagesim run failed", c.id);
        (c.id.to_string(), String::from_utf8(out.stdout).unwrap())
    });
    check_golden(&dir, outputs.collect::<Vec<_>>());
}
