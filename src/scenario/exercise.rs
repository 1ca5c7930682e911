//! Reference-string exercises as courses set them (`pagesim exercise`, README *Command line*): a seeded string
//! of page numbers with some locality, and its answer grid under a policy, worked out by the engine.

use super::{parse, run::Run};
use crate::engine::PolicyKind;

/// One access of an exercise: the page, whether it faulted, the page it evicted, and the frames
/// (their pages, `None` if empty) after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExerciseStep {
    pub page: u64,
    pub fault: bool,
    pub victim: Option<u64>,
    pub frames: Vec<Option<u64>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exercise {
    pub policy: PolicyKind,
    pub frames: u32,
    /// The seed that drew the string (`None`: a string typed in).
    pub seed: Option<u64>,
    pub reference: Vec<u64>,
    pub faults: u64,
    pub steps: Vec<ExerciseStep>,
}

pub use crate::limits::{
    EXERCISE_MAX_FRAMES as MAX_FRAMES, EXERCISE_MAX_LENGTH as MAX_LENGTH, EXERCISE_MAX_PAGES as MAX_PAGES,
    EXERCISE_MIN_PAGES as MIN_PAGES,
};

/// `length` page numbers from `0..pages`, drawn from `seed` (PCG32), never the same page twice in a
/// row (a repeat teaches nothing): two times in five one of the pages used just before (locality,
/// so that policies differ), else any other page.
pub fn reference_string(length: usize, pages: u64, seed: u64) -> Vec<u64> {
    let mut rng = oorandom::Rand32::new(seed);
    let mut out: Vec<u64> = Vec::with_capacity(length);
    let mut recent: Vec<u64> = Vec::new(); // the last distinct pages, oldest first
    for _ in 0..length {
        let last = out.last().copied();
        let earlier: Vec<u64> = recent.iter().copied().filter(|&p| Some(p) != last).collect();
        let page = if !earlier.is_empty() && rng.rand_range(0..5) < 2 {
            earlier[rng.rand_range(0..earlier.len() as u32) as usize]
        } else {
            // Any page but the last one.
            let p = rng.rand_range(0..(pages - last.is_some() as u64) as u32) as u64;
            match last {
                Some(l) if p >= l => p + 1,
                _ => p,
            }
        };
        recent.retain(|&p| p != page);
        recent.push(page);
        if recent.len() > 4 {
            recent.remove(0);
        }
        out.push(page);
    }
    out
}

/// The exercise and its answers.
pub fn exercise(policy: PolicyKind, frames: u32, length: usize, pages: u64, seed: u64) -> Result<Exercise, String> {
    let text = exercise_text(policy, frames, length, pages, seed)?;
    solve(&text, policy, frames, Some(seed), length)
}

/// A typed reference string worked out under `policy` (`pagesim exercise --reference`, and what
/// the page's reference-string view shows per policy).
pub fn solve_refs(policy: PolicyKind, frames: u32, pages: &[u64]) -> Result<Exercise, String> {
    let text = refs_text(pages, frames, policy)?;
    solve(&text, policy, frames, None, pages.len())
}

/// Runs an exercise's scenario and reads its answers off the grid.
fn solve(text: &str, policy: PolicyKind, frames: u32, seed: Option<u64>, length: usize) -> Result<Exercise, String> {
    let run = Run::new(parse(text).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let grid = super::grid::grid(&run, None);
    if grid.columns.len() != length {
        return Err("the exercise ended early".into());
    }
    let steps: Vec<ExerciseStep> = grid
        .columns
        .into_iter()
        .map(|c| ExerciseStep {
            page: c.page,
            fault: c.fault,
            victim: c.victim,
            frames: c.frames.into_iter().map(|f| f.map(|(_, page)| page)).collect(),
        })
        .collect();
    let faults = steps.iter().filter(|s| s.fault).count() as u64;
    let reference = steps.iter().map(|s| s.page).collect(); // the string the scenario was made from
    Ok(Exercise { policy, frames, seed, reference, faults, steps })
}

/// The exercise as a scenario: one process reading the reference string's pages (what the page
/// opens, and what [`exercise`] runs).
pub fn exercise_text(policy: PolicyKind, frames: u32, length: usize, pages: u64, seed: u64) -> Result<String, String> {
    if !(1..=MAX_LENGTH).contains(&length) {
        return Err(format!("the length must be from 1 to {MAX_LENGTH} accesses, not {length}"));
    }
    if !(MIN_PAGES..=MAX_PAGES).contains(&pages) {
        return Err(format!(
            "the pages must be from {MIN_PAGES} to {MAX_PAGES}, not {pages} (no page is used twice in a row)"
        ));
    }
    if !(1..=MAX_FRAMES).contains(&frames) {
        return Err(format!("the frames must be from 1 to {MAX_FRAMES}, not {frames}"));
    }
    let reference = string_that_evicts(policy, frames, length, pages, seed);
    Ok(exercise_text_of(policy, frames, length, pages, seed, &reference))
}

/// Evictions an exercise should make, when the string can: a string where the policy barely
/// evicts tests nothing (with the defaults, 3 frames and 12 accesses over 6 pages: at least 3).
pub const MIN_EVICTIONS: usize = 3;
/// Strings drawn from one seed before taking the one that evicts most.
const DRAWS: u64 = 64;

/// The seed's reference string for this policy and memory: the first of the seed's draws (the
/// first is [`reference_string`] itself) under which the policy evicts at least
/// [`MIN_EVICTIONS`] times (or as often as the accesses allow), else the draw that evicts most.
/// Each draw is simulated by the engine, so the count is the exercise's own.
fn string_that_evicts(policy: PolicyKind, frames: u32, length: usize, pages: u64, seed: u64) -> Vec<u64> {
    // More pages than frames, and accesses beyond filling memory: that many evictions at most.
    let possible = if pages > frames as u64 { length.saturating_sub(frames as usize) } else { 0 };
    let wanted = MIN_EVICTIONS.min(possible);
    let mut best = (0, reference_string(length, pages, seed));
    for draw in 0..DRAWS {
        // Later draws come from the seed mixed with the draw number (SplitMix64's constant).
        let string = if draw == 0 {
            best.1.clone()
        } else {
            reference_string(length, pages, seed ^ draw.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        };
        let evictions = evictions_of(policy, frames, &string);
        if evictions >= wanted {
            return string;
        }
        if evictions > best.0 {
            best = (evictions, string);
        }
    }
    best.1
}

/// How many times `policy` evicts on `string` with `frames` frames (the engine's run).
fn evictions_of(policy: PolicyKind, frames: u32, string: &[u64]) -> usize {
    let Ok(text) = refs_text(string, frames, policy) else { return 0 };
    let Ok(run) = parse(&text).map_err(|e| e.to_string()).and_then(|s| Run::new(s).map_err(|e| e.to_string())) else {
        return 0;
    };
    super::grid::grid(&run, None).columns.iter().filter(|c| c.victim.is_some()).count()
}

/// The exercise's scenario for a given string.
fn exercise_text_of(
    policy: PolicyKind,
    frames: u32,
    length: usize,
    pages: u64,
    seed: u64,
    reference: &[u64],
) -> String {
    let refs: Vec<String> = reference.iter().map(|p| p.to_string()).collect();
    // The first line names the exercise: the page shows it as the scenario's title.
    format!(
        "# Exercise: {} with {frames} frame{}, {length} accesses to pages 0–{} (seed {seed})\n\
         config frames={frames} policy={policy} tlb=0 swap={} seed={seed}\nspawn T flat\nrefs T {}\n",
        policy.name().to_uppercase(),
        if frames == 1 { "" } else { "s" },
        pages - 1,
        pages + 1,
        refs.join(" ")
    )
}

/// A reference string as typed ("7 0 1 2", "7,0,1,2"): its page numbers, or what is wrong and
/// where (1-based character position). At most [`MAX_LENGTH`] pages (a string to work by hand),
/// each below 2^20.
pub fn parse_refs(text: &str) -> Result<Vec<u64>, String> {
    let mut pages = Vec::new();
    let mut at = 0;
    for word in text.split(|c: char| c == ',' || c.is_whitespace()) {
        let column = text[..at].chars().count() + 1;
        at += word.len() + 1;
        if word.is_empty() {
            continue;
        }
        let page: u64 = word.parse().map_err(|_| {
            format!("character {column}: expected a page number, found {}", crate::engine::error::quoted(word))
        })?;
        if page >= 1 << 20 {
            return Err(format!("character {column}: page {page} is too large (pages 0 to 1,048,575)"));
        }
        pages.push(page);
        if pages.len() > MAX_LENGTH {
            return Err(format!("more than {MAX_LENGTH} pages: a reference string to work by hand is shorter"));
        }
    }
    if pages.is_empty() {
        return Err("type a reference string: page numbers separated by spaces or commas".into());
    }
    Ok(pages)
}

/// A typed reference string as a scenario under `policy` with `frames` frames: one flat process
/// reading the pages in order (the page's reference-string view runs one per policy).
pub fn refs_text(pages: &[u64], frames: u32, policy: PolicyKind) -> Result<String, String> {
    if !(1..=MAX_FRAMES).contains(&frames) {
        return Err(format!("the frames must be from 1 to {MAX_FRAMES}, not {frames}"));
    }
    let distinct = pages.iter().collect::<std::collections::BTreeSet<_>>().len();
    let refs: Vec<String> = pages.iter().map(u64::to_string).collect();
    Ok(format!(
        "# Reference string under {} with {frames} frame{}\nconfig frames={frames} policy={policy} tlb=0 swap={} vbits=32\n\
         spawn T flat\nrefs T {}\n",
        policy.name().to_uppercase(),
        if frames == 1 { "" } else { "s" },
        distinct + 1,
        refs.join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_reference_strings_read_or_say_where_they_are_wrong() {
        assert_eq!(parse_refs("7 0 1,2,  0 3").unwrap(), vec![7, 0, 1, 2, 0, 3]);
        assert_eq!(parse_refs("7 0 x 2").unwrap_err(), "character 5: expected a page number, found \"x\"");
        assert!(parse_refs(" , ").unwrap_err().starts_with("type a reference string"));
        let text = refs_text(&[7, 0, 1, 2, 0, 3, 0, 4], 3, PolicyKind::Opt).unwrap();
        let ex = super::super::parse(&text).unwrap();
        assert_eq!(ex.config.frames, 3);
        assert!(text.starts_with("# Reference string under OPT with 3 frames\n"));
        assert!(refs_text(&[1], 0, PolicyKind::Lru).is_err());
    }

    #[test]
    fn the_same_seed_gives_the_same_exercise_and_seeds_differ() {
        assert_eq!(reference_string(12, 6, 7), reference_string(12, 6, 7));
        assert_ne!(reference_string(12, 6, 7), reference_string(12, 6, 8));
        let long = reference_string(200, 6, 1);
        assert!(long.iter().all(|&p| p < 6));
        assert!(long.windows(2).all(|w| w[0] != w[1]), "no page twice in a row");
        let e = exercise(PolicyKind::Fifo, 3, 12, 6, 42).unwrap();
        assert_eq!((e.reference.len(), e.steps.len()), (12, 12));
        assert_eq!(e.faults, e.steps.iter().filter(|s| s.fault).count() as u64);
        assert!(exercise(PolicyKind::Fifo, 3, 0, 6, 1).is_err());
        let one = exercise(PolicyKind::Fifo, 3, 12, 1, 42).unwrap_err();
        assert!(one.contains("from 2 to 64"), "{one}");
        let two = reference_string(50, 2, 3);
        assert!(two.windows(2).all(|w| w[0] != w[1]), "two pages alternate");
    }
}
