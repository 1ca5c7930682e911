//! TLB exercises (`pagesim exercise --kind tlb`, README *Command line*): a seeded small machine
//! with a small TLB, one process and a sequence of virtual addresses; the question is each
//! access's TLB hit or miss. The machine has a frame for every page used, so nothing is evicted
//! and the answer is the TLB's alone; the answers are the engine's, from running the exercise.

use super::{parse, run::Run};
use crate::engine::events::Event;
use crate::engine::types::TlbLookup;

/// One access of a TLB exercise and its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlbAccess {
    pub va: u64,
    pub vpn: u64,
    pub hit: bool,
    /// The pages whose translations the TLB holds after the access, set by set, each set's least
    /// recently used first.
    pub tlb_after: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlbExercise {
    pub seed: u64,
    pub page_size: u64,
    pub va_bits: u32,
    pub tlb_entries: u32,
    /// Entries per set (0: fully associative).
    pub tlb_ways: u32,
    pub accesses: Vec<TlbAccess>,
}

impl TlbExercise {
    pub fn hits(&self) -> usize {
        self.accesses.iter().filter(|a| a.hit).count()
    }
}

/// Accesses of a TLB exercise, at most.
pub const MAX_COUNT: usize = 200;

/// The seed's exercise of `count` accesses (default 10). Machines readable by hand: pages of 64 B
/// to 4 KiB, a 10- to 16-bit address space, a TLB of 2 to 8 entries, fully associative or in sets
/// of 2, the addresses over a few more pages than the TLB holds, with locality (so both hits and
/// misses come up: a draw where all accesses hit or all miss is drawn again).
pub fn tlb_exercise(seed: u64, count: usize) -> Result<TlbExercise, String> {
    if !(2..=MAX_COUNT).contains(&count) {
        return Err(format!("the count must be from 2 to {MAX_COUNT} accesses, not {count}"));
    }
    let mut rng = oorandom::Rand32::new(seed);
    let page_shift = 6 + rng.rand_range(0..7); // 64 B … 4 KiB
    let va_bits = (page_shift + 4 + rng.rand_range(0..3)).clamp(10, 16);
    let entries = [2u32, 4, 4, 8][rng.rand_range(0..4) as usize];
    let ways = if entries >= 4 && rng.rand_range(0..2) == 0 { 2 } else { 0 };
    let space_pages = 1u64 << (va_bits - page_shift);
    let pages = (entries as u64 + 2).min(space_pages - 1); // a few more than the TLB holds
    for _ in 0..64 {
        // Pages 1 … `pages` (0 stays unused, as a null page would be), with locality.
        let first = 1 + rng.rand_range(0..(space_pages - pages) as u32) as u64;
        let mut vas = Vec::with_capacity(count);
        let mut last = first;
        for _ in 0..count {
            let vpn = if rng.rand_range(0..5) < 2 { last } else { first + rng.rand_range(0..pages as u32) as u64 };
            last = vpn;
            let offset = rng.rand_range(0..1 << page_shift) as u64;
            vas.push(vpn << page_shift | offset);
        }
        let e = solve(seed, 1 << page_shift, va_bits, entries, ways, &vas)?;
        let hits = e.hits();
        if hits > 0 && hits < count {
            return Ok(e);
        }
    }
    Err("no exercise with both hits and misses came from this seed".into())
}

/// The exercise as a scenario: one flat process reading the addresses, a frame for every page.
pub fn tlb_exercise_text(page_size: u64, va_bits: u32, entries: u32, ways: u32, vas: &[u64]) -> String {
    let pages = vas.iter().map(|va| va / page_size).collect::<std::collections::BTreeSet<_>>().len();
    let reads: String = vas.iter().map(|va| format!("read T {va:#x}\n")).collect();
    let (shape, key) = if ways > 0 {
        (format!("sets of {ways}"), format!(" tlb_ways={ways}"))
    } else {
        ("fully associative".into(), String::new())
    };
    format!(
        "# TLB exercise: {entries} entries, {shape}, pages of {page_size} bytes\n\
         config frames={} page={page_size} vbits={va_bits} tlb={entries}{key} swap=0 policy=lru\nspawn T flat\n{reads}",
        pages.max(1),
    )
}

/// Runs the exercise on the engine and reads each access's TLB lookup and the TLB after it.
fn solve(seed: u64, page_size: u64, va_bits: u32, entries: u32, ways: u32, vas: &[u64]) -> Result<TlbExercise, String> {
    let text = tlb_exercise_text(page_size, va_bits, entries, ways, vas);
    let mut run = Run::new(parse(&text).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let mut accesses = Vec::with_capacity(vas.len());
    while let Some(r) = run.step().map_err(|e| e.to_string())? {
        for e in &r.events {
            if let Event::Access(a) = e {
                let tlb_after = run.machine().tlb_entries().into_iter().map(|e| e.vpn).collect();
                accesses.push(TlbAccess { va: a.addr, vpn: a.vpn, hit: a.tlb == TlbLookup::Hit, tlb_after });
            }
        }
    }
    if accesses.len() != vas.len() {
        return Err("the exercise ended early".into());
    }
    Ok(TlbExercise { seed, page_size, va_bits, tlb_entries: entries, tlb_ways: ways, accesses })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_exercise_and_both_kinds_of_answer() {
        for seed in 0..200 {
            let e = tlb_exercise(seed, 10).unwrap();
            assert_eq!(e, tlb_exercise(seed, 10).unwrap());
            assert!(e.hits() > 0 && e.hits() < 10, "seed {seed}");
            assert!((64..=4096).contains(&e.page_size) && (10..=16).contains(&e.va_bits));
        }
        assert!(tlb_exercise(1, 1).is_err() && tlb_exercise(1, MAX_COUNT + 1).is_err());
    }
}
