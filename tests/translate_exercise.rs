//! `pagesim exercise --kind translate`: the engine's answers against a page-table walker written
//! here from the `--json` output alone (split the page number, start at the base register, follow
//! `tables[frame][index]`, add the offset), over 300 seeds for each of 1, 2 and 3 levels with 10
//! addresses each: 9,000 addresses. Also: every exercise mixes translations and faults (and, with
//! more than one level, faults at an upper level and at the last), the dump is exactly the tables
//! the walks reach, the same seed gives the same exercise, and bad input is a clear error.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};

fn pagesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagesim")).args(args).output().unwrap()
}

fn exercise_json(seed: u64, levels: u32, count: usize) -> Value {
    let out = pagesim(&[
        "exercise",
        "--kind",
        "translate",
        "--seed",
        &seed.to_string(),
        "--levels",
        &levels.to_string(),
        "--count",
        &count.to_string(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One entry as the JSON gives it.
#[derive(Clone, Copy, Debug)]
struct Entry {
    valid: bool,
    pfn: u64,
}

/// What the walker found: the physical address, or the level (1 = top) of the entry not valid;
/// and the frames of the tables it read.
#[derive(Debug, PartialEq)]
struct Walked {
    pa: Option<u64>,
    fault_level: Option<u64>,
    walk: Vec<u64>,
    indices: Vec<u64>,
}

/// The walk as the MMU does it, from the exercise's numbers alone.
fn walk(
    tables: &BTreeMap<u64, Vec<Entry>>,
    pdbr: u64,
    levels: u32,
    index_bits: u32,
    offset_bits: u32,
    va: u64,
) -> Walked {
    let vpn = va >> offset_bits;
    let indices: Vec<u64> =
        (0..levels).map(|l| (vpn >> (index_bits * (levels - 1 - l))) & ((1 << index_bits) - 1)).collect();
    let mut frame = pdbr;
    let mut walk = Vec::new();
    for (level, &index) in indices.iter().enumerate() {
        walk.push(frame);
        let entry = tables[&frame][index as usize];
        if !entry.valid {
            return Walked { pa: None, fault_level: Some(level as u64 + 1), walk, indices };
        }
        frame = entry.pfn;
    }
    let offset = va & ((1 << offset_bits) - 1);
    Walked { pa: Some(frame << offset_bits | offset), fault_level: None, walk, indices }
}

#[test]
fn translations_match_an_independent_walker_written_from_the_json() {
    let mut checked = 0;
    for levels in 1..=3u32 {
        for seed in 0..300u64 {
            let j = exercise_json(seed, levels, 10);
            let n = |k: &str| j[k].as_u64().unwrap_or_else(|| panic!("{k} is a number"));
            assert_eq!(j["kind"], "translate");
            assert_eq!((n("seed"), n("levels")), (seed, levels as u64));
            let (page_size, va_bits, frames, pdbr) = (n("page_size"), n("va_bits") as u32, n("frames"), n("pdbr"));
            assert!(page_size.is_power_of_two() && (32..=4096).contains(&page_size), "pages of 32 B to 4 KiB");
            assert!((8..=128).contains(&frames), "8 to 128 frames");
            let offset_bits = page_size.trailing_zeros();
            let vpn_bits = va_bits - offset_bits;
            assert_eq!(vpn_bits % levels, 0, "seed {seed}: the page number splits into equal indices");
            let index_bits = vpn_bits / levels;
            let tables: BTreeMap<u64, Vec<Entry>> = j["tables"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(frame, entries)| {
                    let entries: Vec<Entry> = entries
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| Entry { valid: e["valid"].as_bool().unwrap(), pfn: e["pfn"].as_u64().unwrap() })
                        .collect();
                    assert_eq!(entries.len(), 1 << index_bits, "one entry per index");
                    (frame.parse().unwrap(), entries)
                })
                .collect();
            check_dump(&tables, pdbr, levels, frames, seed);
            let (mut faults, mut upper) = (0, 0);
            for a in j["addresses"].as_array().unwrap() {
                let va = a["va"].as_u64().unwrap();
                assert!(va < 1 << va_bits, "seed {seed}: {va:#x} is in the address space");
                let w = walk(&tables, pdbr, levels, index_bits, offset_bits, va);
                let context = format!("seed {seed}, levels {levels}, VA {va:#x}");
                assert_eq!(a["pa"].as_u64(), w.pa, "{context}");
                assert_eq!(a["fault"].as_str(), w.pa.is_none().then_some("not_present"), "{context}");
                assert_eq!(a["fault_level"].as_u64(), w.fault_level, "{context}");
                let list = |k: &str| a[k].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect::<Vec<_>>();
                assert_eq!(list("walk"), w.walk, "{context}");
                assert_eq!(list("indices"), w.indices, "{context}");
                assert_eq!(a["vpn"].as_u64(), Some(va >> offset_bits));
                assert!(a["explain"].as_str().unwrap().starts_with(&format!("L1[{}]", w.indices[0])));
                if w.pa.is_none() {
                    faults += 1;
                    upper += usize::from(w.fault_level != Some(levels as u64));
                }
                checked += 1;
            }
            assert!(faults > 0 && faults < 10, "seed {seed}, levels {levels}: never all one kind ({faults} faults)");
            if levels > 1 {
                assert!(upper > 0 && upper < faults, "seed {seed}, levels {levels}: faults at both kinds of level");
            }
            assert_eq!((n("faults"), n("translated")), (faults as u64, 10 - faults as u64));
        }
    }
    assert_eq!(checked, 3 * 300 * 10);
}

/// The dump is the process's tables and nothing else: every table is reached from the base
/// register, at its level; a page's frame is no table's, and no frame is used twice.
fn check_dump(tables: &BTreeMap<u64, Vec<Entry>>, pdbr: u64, levels: u32, frames: u64, seed: u64) {
    let mut reached = BTreeSet::new();
    let mut pages = BTreeSet::new();
    let mut level_tables = vec![pdbr];
    for level in 1..=levels {
        let mut next = Vec::new();
        for frame in level_tables {
            assert!(reached.insert(frame), "seed {seed}: table frame {frame} reached twice");
            for e in tables[&frame].iter().filter(|e| e.valid) {
                assert!(e.pfn < frames, "seed {seed}: frame {} exists", e.pfn);
                if level < levels {
                    assert!(tables.contains_key(&e.pfn), "seed {seed}: an upper entry points at a table");
                    next.push(e.pfn);
                } else {
                    assert!(!tables.contains_key(&e.pfn), "seed {seed}: a page is not in a table's frame");
                    assert!(pages.insert(e.pfn), "seed {seed}: frame {} holds two pages", e.pfn);
                }
            }
        }
        level_tables = next;
    }
    assert_eq!(reached, tables.keys().copied().collect(), "seed {seed}: the dump is the reachable tables");
}

#[test]
fn the_json_has_every_field() {
    let j = exercise_json(42, 2, 10);
    for key in ["kind", "seed", "page_size", "va_bits", "levels", "index_bits", "offset_bits", "frames", "pdbr"] {
        assert!(j[key].is_string() || j[key].is_u64(), "{key}");
    }
    assert!(j["tables"].as_object().unwrap().contains_key(&j["pdbr"].to_string()), "the base register's table");
    assert_eq!(j["addresses"].as_array().unwrap().len(), 10);
    for a in j["addresses"].as_array().unwrap() {
        for key in ["va", "pa", "fault", "vpn", "offset", "indices", "walk", "fault_level", "explain", "fields"] {
            assert!(a.get(key).is_some(), "{key}");
        }
        assert!(a["pa"].is_u64() != a["fault"].is_string(), "a pa or a fault");
    }
}

#[test]
fn the_same_seed_gives_the_same_exercise_and_another_seed_another() {
    for levels in ["1", "2", "3"] {
        let args = ["exercise", "--kind", "translate", "--seed", "9", "--levels", levels, "--answers"];
        let (a, b) = (pagesim(&args), pagesim(&args));
        assert!(a.status.success());
        assert_eq!(a.stdout, b.stdout);
        let other = pagesim(&["exercise", "--kind", "translate", "--seed", "10", "--levels", levels, "--answers"]);
        assert_ne!(a.stdout, other.stdout);
    }
    // Without --levels: two levels.
    assert_eq!(exercise_json(5, 2, 10), {
        let out = pagesim(&["exercise", "--kind", "translate", "--seed", "5", "--json"]);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    });
}

#[test]
fn bad_levels_and_counts_are_clear_errors() {
    let fails_with = |args: &[&str], expected: &str| {
        let out = pagesim(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(err.contains(expected), "expected {expected:?} in: {err}");
        assert!(!err.contains("panicked"), "{err}");
    };
    let t = ["exercise", "--kind", "translate"];
    fails_with(&[&t[..], &["--levels", "0"]].concat(), "the levels must be from 1 to 3, not 0");
    fails_with(&[&t[..], &["--levels", "4"]].concat(), "the levels must be from 1 to 3, not 4");
    fails_with(&[&t[..], &["--levels", "two"]].concat(), "--levels");
    fails_with(&[&t[..], &["--count", "1"]].concat(), "the count must be from 2 to 100 addresses, not 1");
    fails_with(&[&t[..], &["--count", "101"]].concat(), "the count must be from 2 to 100 addresses, not 101");
    fails_with(&["exercise", "--kind", "tlb", "--levels", "2"], "--levels: only a translation exercise");
    // A policy exercise's flags are refused, not ignored.
    fails_with(&[&t[..], &["--policy", "lru"]].concat(), "are for a policy exercise");
    fails_with(&["exercise", "--kind", "tlb", "--frames", "3"], "are for a policy exercise");
    // The limits themselves are fine.
    for args in [["--levels", "1"], ["--levels", "3"], ["--count", "2"], ["--count", "100"]] {
        assert!(pagesim(&[&t[..], &args].concat()).status.success(), "{args:?}");
    }
}
