//! The comparison plot of a scenario: its page faults under each policy and frame count.

use super::run::Run;
use super::Scenario;
use crate::engine::PolicyKind;

/// Page faults of `scenario` run to its end (or to its first impossible step) under each of
/// `policies` with each of `frames`: `out[i][j]` for `policies[i]` and `frames[j]` (0 frames is
/// taken as 1). A reclaimer whose high mark does not fit the smaller memory is left out.
pub fn compare(scenario: &Scenario, policies: &[PolicyKind], frames: &[u32]) -> Result<Vec<Vec<u64>>, String> {
    policies
        .iter()
        .map(|&policy| {
            frames
                .iter()
                .map(|&f| {
                    let mut s = scenario.clone();
                    s.config.policy = policy;
                    s.config.frames = f.max(1);
                    s.config.reclaim = s.config.reclaim.filter(|&(_, hi)| hi <= s.config.frames);
                    let mut run = Run::new(s).map_err(|e| e.to_string())?;
                    let _ = run.run_to_end();
                    Ok(run.machine().stats().faults)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{parse, presets};

    #[test]
    fn beladys_anomaly_and_the_textbook_counts() {
        let text = "config tlb=0\nspawn T flat\nrefs T 1 2 3 4 1 2 5 1 2 3 4 5\n";
        let fifo = compare(&parse(text).unwrap(), &[PolicyKind::Fifo], &[3, 4]).unwrap();
        assert_eq!(fifo, vec![vec![9, 10]], "FIFO: more frames, more faults");
        let text = "config tlb=0\nspawn T flat\nrefs T 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\n";
        let all = compare(&parse(text).unwrap(), &PolicyKind::COMPARED, &[3]).unwrap();
        assert_eq!(all, vec![vec![15], vec![12], vec![14], vec![9]]);
    }

    #[test]
    fn the_clock_preset_shows_second_chance_beating_fifo() {
        let preset = presets::PRESETS.iter().find(|p| p.id == "clock").unwrap();
        let s = parse(preset.text).unwrap();
        let policies = [PolicyKind::Fifo, PolicyKind::Clock, PolicyKind::Lru];
        assert_eq!(compare(&s, &policies, &[4]).unwrap(), vec![vec![14], vec![11], vec![12]], "as its summary says");
        let rows = compare(&s, &policies[..2], &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        assert!(rows[0].iter().zip(&rows[1]).filter(|(f, c)| f != c).count() >= 3, "the plot's lines part: {rows:?}");
    }

    #[test]
    fn every_preset_draws_something_on_its_first_step() {
        for preset in presets::PRESETS {
            let s = parse(preset.text).unwrap();
            assert!(
                !matches!(s.commands[0].kind, crate::scenario::CommandKind::Note { .. }),
                "{} starts with a note: nothing to see after the first step",
                preset.id
            );
        }
    }

    #[test]
    fn the_clock_preset_tells_clock_from_fifo_somewhere() {
        // The comparison presets draw a line per policy: each must show something.
        for preset in presets::PRESETS.iter().filter(|p| p.compare) {
            let s = parse(preset.text).unwrap();
            let out = compare(&s, &PolicyKind::COMPARED, &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
            assert!(out.iter().all(|row| row.iter().any(|&f| f > 0)), "{}: {out:?}", preset.id);
        }
    }
}
