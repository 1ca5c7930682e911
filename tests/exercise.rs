//! `pagesim exercise`: the answers the engine works out equal the textbook rules, written the
//! plain way here, for FIFO, LRU, CLOCK (victims and faults) and OPT (faults: its ties between
//! pages never used again may go either way), over many seeds, lengths and frame counts.

use pagesim::engine::PolicyKind;
use pagesim::scenario::exercise::exercise;

/// (faults, victims) of a reference string under a plain implementation of `policy`.
fn reference(policy: PolicyKind, frames: usize, refs: &[u64]) -> (u64, Vec<Option<u64>>) {
    let mut resident: Vec<u64> = Vec::new(); // FIFO/LRU: oldest (or least recent) first; CLOCK: the ring
    let mut referenced: Vec<bool> = Vec::new();
    let mut hand = 0usize;
    let (mut faults, mut victims) = (0, Vec::new());
    for (i, &page) in refs.iter().enumerate() {
        if let Some(at) = resident.iter().position(|&p| p == page) {
            match policy {
                PolicyKind::Lru => {
                    resident.remove(at);
                    resident.push(page);
                }
                PolicyKind::Clock => referenced[at] = true,
                _ => {}
            }
            victims.push(None);
            continue;
        }
        faults += 1;
        if resident.len() < frames {
            resident.push(page);
            referenced.push(true);
            victims.push(None);
            continue;
        }
        let victim = match policy {
            PolicyKind::Fifo | PolicyKind::Lru => {
                let v = resident.remove(0);
                resident.push(page);
                v
            }
            PolicyKind::Clock => {
                while referenced[hand] {
                    referenced[hand] = false;
                    hand = (hand + 1) % frames;
                }
                let v = std::mem::replace(&mut resident[hand], page);
                referenced[hand] = true;
                hand = (hand + 1) % frames;
                v
            }
            PolicyKind::Opt => {
                let next_use = |p: u64| refs[i + 1..].iter().position(|&q| q == p).unwrap_or(usize::MAX);
                let at = (0..resident.len()).max_by_key(|&j| next_use(resident[j])).unwrap();
                std::mem::replace(&mut resident[at], page)
            }
            other => unreachable!("{other}"),
        };
        victims.push(Some(victim));
    }
    (faults, victims)
}

#[test]
fn exercise_answers_match_the_textbook_rules_over_many_seeds() {
    let mut compared = 0;
    for seed in 0..150u64 {
        for (frames, length, pages) in [(3u32, 12usize, 6u64), (4, 20, 8), (2, 15, 5)] {
            for policy in [PolicyKind::Fifo, PolicyKind::Lru, PolicyKind::Clock, PolicyKind::Opt] {
                let e = exercise(policy, frames, length, pages, seed).unwrap();
                let (faults, victims) = reference(policy, frames as usize, &e.reference);
                assert_eq!(e.faults, faults, "{policy}, {frames} frames, seed {seed}: {:?}", e.reference);
                if policy != PolicyKind::Opt {
                    let engine: Vec<Option<u64>> = e.steps.iter().map(|s| s.victim).collect();
                    assert_eq!(engine, victims, "{policy}, {frames} frames, seed {seed}: {:?}", e.reference);
                }
                // The grid: each step's frames hold its page, and as many pages as faults so far allow.
                for (i, s) in e.steps.iter().enumerate() {
                    assert!(s.frames.contains(&Some(s.page)), "{policy} seed {seed} step {i}");
                }
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 150 * 3 * 4);
}

#[test]
fn the_cli_prints_the_question_and_on_request_the_grid_and_json() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pagesim")).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let question = run(&["exercise", "--policy", "fifo", "--frames", "3", "--seed", "1"]);
    assert!(question.contains("Reference string: 2 0 3 2 1 0 3 4 1 3 2 4"), "{question}");
    assert!(!question.contains("frame 0"), "no answers unless asked");
    let answers = run(&["exercise", "--policy", "fifo", "--frames", "3", "--seed", "1", "--answers"]);
    assert!(answers.contains("frame 2") && answers.contains("6 page faults in 12 accesses."), "{answers}");
    let json: serde_json::Value =
        serde_json::from_str(&run(&["exercise", "--policy", "lru", "--frames", "3", "--seed", "1", "--json"])).unwrap();
    assert_eq!(json["reference"].as_array().unwrap().len(), 12);
    assert_eq!(json["steps"][0]["victim"], serde_json::Value::Null);
    assert_eq!(json["steps"][0]["frames"].as_array().unwrap().len(), 3);
    assert_eq!(json["policy"], "lru");
}

#[test]
fn the_cli_compares_a_typed_reference_string_under_several_policies() {
    let cli = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_pagesim")).args(args).output().unwrap();
    let textbook = "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1";
    let out = cli(&["exercise", "--reference", textbook, "--policies", "fifo,lru,opt", "--frames", "3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Page faults: FIFO 15, LRU 12, OPT 9"), "the textbook's counts: {text}");
    assert_eq!(text.matches("frame 2").count(), 3, "a grid per policy");
    // JSON: one exercise per policy, no seed (the string was typed), answers from the engine.
    let out =
        cli(&["exercise", "--reference", "1,2,3,4,1,2,5,1,2,3,4,5", "--policies", "fifo", "--frames", "4", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["faults"], 10, "Belady's anomaly: 10 faults with 4 frames");
    assert!(json[0].get("seed").is_none());
    assert_eq!(json[0]["steps"][6]["victim"], 1, "5 evicts 1, the first loaded");
    // Bad input is a clear error, never a panic.
    for (args, expected) in [
        (vec!["exercise", "--reference", "1 x 3", "--frames", "2"], "--reference: character 3: expected a page number"),
        (vec!["exercise", "--reference", "1 2", "--policies", "fifo,lru,opt,clock", "--frames", "2"], "up to three"),
        (vec!["exercise", "--reference", "1 2", "--frames", "0"], "frames must be from 1"),
        (vec!["exercise", "--frames", "3"], "--policy"),
    ] {
        let out = cli(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(expected) && !err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn every_seeded_exercise_makes_the_policy_evict_at_least_three_times() {
    // With the defaults (3 frames, 12 accesses over 6 pages), for every policy and 300 seeds.
    let mut least = usize::MAX;
    for seed in 0..300u64 {
        for policy in [PolicyKind::Fifo, PolicyKind::Lru, PolicyKind::Clock, PolicyKind::Opt] {
            let e = exercise(policy, 3, 12, 6, seed).unwrap();
            let evictions = e.steps.iter().filter(|s| s.victim.is_some()).count();
            assert!(evictions >= 3, "{policy} seed {seed}: {evictions} evictions in {:?}", e.reference);
            least = least.min(evictions);
        }
    }
    assert_eq!(least, 3, "the bar is met, not far exceeded");
    // The string that tested nothing (FIFO, seed 42: four faults, one eviction) is gone.
    let e = exercise(PolicyKind::Fifo, 3, 12, 6, 42).unwrap();
    assert_ne!(e.reference, [0, 3, 0, 3, 0, 2, 0, 5, 3, 2, 5, 3]);
    // When no string can evict (as many frames as pages), the seed's first draw is kept.
    let e = exercise(PolicyKind::Lru, 6, 12, 6, 42).unwrap();
    assert_eq!(e.reference, pagesim::scenario::exercise::reference_string(12, 6, 42));
}

/// `--kind tlb`: the engine's answers against a TLB written from the JSON alone (LRU, sets by the
/// page number modulo the sets, the page from the address and the page size), over 300 seeds.
#[test]
fn tlb_exercises_match_an_independent_tlb_written_from_the_json() {
    let mut accesses = 0;
    for seed in 0..300u64 {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pagesim"))
            .args(["exercise", "--kind", "tlb", "--seed", &seed.to_string(), "--count", "12", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let n = |k: &str| j[k].as_u64().unwrap();
        let (page_size, entries, ways) = (n("page_size"), n("tlb_entries") as usize, n("tlb_ways") as usize);
        let ways = if ways == 0 { entries } else { ways };
        let sets = entries / ways;
        let mut tlb: Vec<Vec<u64>> = vec![Vec::new(); sets]; // each set least recently used first
        let (mut hits, mut misses) = (0, 0);
        for a in j["accesses"].as_array().unwrap() {
            let va = a["va"].as_u64().unwrap();
            let vpn = va / page_size;
            assert_eq!(a["vpn"].as_u64().unwrap(), vpn);
            let set = &mut tlb[(vpn % sets as u64) as usize];
            let hit = set.contains(&vpn);
            set.retain(|&p| p != vpn);
            if !hit && set.len() == ways {
                set.remove(0);
            }
            set.push(vpn);
            assert_eq!(a["hit"].as_bool().unwrap(), hit, "seed {seed}, {va:#x}");
            let after: Vec<u64> = a["tlb_after"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
            assert_eq!(after, tlb.concat(), "seed {seed}, the TLB after {va:#x}");
            if hit {
                hits += 1
            } else {
                misses += 1
            }
            accesses += 1;
        }
        assert_eq!((n("hits"), n("misses")), (hits, misses));
        assert!(hits > 0 && misses > 0, "seed {seed}: never all one kind");
        assert!((64..=4096).contains(&page_size) && (2..=8).contains(&entries), "readable by hand");
    }
    assert_eq!(accesses, 300 * 12);
}
