//! The exam grid (README, *The page*, `table#grid`; `pagesim exercise --answers`): one column per access of
//! one process, one row per frame holding the page after that access, faults and victims marked.

use super::run::Run;
use crate::engine::{Event, Machine};

/// One access of the grid's process and the frames after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridColumn {
    /// The step (1-based) that made this access.
    pub step: usize,
    pub page: u64,
    pub fault: bool,
    /// The page this access evicted (`victim_pid` says whose).
    pub victim: Option<u64>,
    pub victim_pid: Option<u32>,
    /// Per frame, its page and owner after the access (`None`: free).
    pub frames: Vec<Option<(u32, u64)>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub pid: u32,
    pub columns: Vec<GridColumn>,
    /// Accesses of the process left out past the last column.
    pub more: bool,
    /// Accesses of the process before the first column (the grid starts at a later step).
    pub before: usize,
    /// Frames left out past `MAX_ROWS` (the machine's frame count is larger).
    pub frames: u32,
}

/// A grid is for exercises worked by hand: at most this many accesses and frames.
pub use crate::limits::{GRID_MAX_COLUMNS as MAX_COLUMNS, GRID_MAX_ROWS as MAX_ROWS};

/// The grid of process `pid` (or, if `None`, of the process that makes the run's first access)
/// over the whole run: its history and the steps not done yet (a caller shows the columns up to
/// the current step). At most [`MAX_COLUMNS`] columns, from the first.
pub fn grid(run: &Run, pid: Option<u32>) -> Grid {
    grid_window(run, pid, 0, MAX_COLUMNS)
}

/// [`grid`] from the first access at step `from` or later, at most `columns` columns (up to
/// [`MAX_COLUMNS`]): a window of a long run (the page shows one around the current step).
pub fn grid_window(run: &Run, pid: Option<u32>, from: usize, columns: usize) -> Grid {
    let columns = columns.min(MAX_COLUMNS);
    let frames = run.scenario().config.frames;
    let rows = frames.min(MAX_ROWS);
    let mut out = Grid { pid: pid.unwrap_or(0), columns: Vec::new(), more: false, before: 0, frames };
    let mut chosen = pid;
    run.replay_steps(run.history_start(), run.len(), |record, machine| {
        let Some(access) = record.events.iter().find_map(|e| match e {
            Event::Access(a) => Some(a),
            _ => None,
        }) else {
            return true;
        };
        let pid = *chosen.get_or_insert(access.pid);
        if access.pid != pid {
            return true;
        }
        if record.step < from {
            out.before += 1;
            return true;
        }
        if out.columns.len() == columns {
            out.more = true;
            return false;
        }
        let victim = access.eviction();
        out.columns.push(GridColumn {
            step: record.step,
            page: access.vpn,
            fault: access.is_fault(),
            victim: victim.map(|v| v.vpn),
            victim_pid: victim.map(|v| v.pid),
            frames: frame_contents(machine, rows),
        });
        true
    });
    out.pid = chosen.unwrap_or(0);
    out
}

fn frame_contents(machine: &Machine, rows: u32) -> Vec<Option<(u32, u64)>> {
    let table = machine.frames();
    (0..rows).map(|f| (f < table.len() && !table.is_free(f)).then(|| (table.get(f).owner, table.get(f).vpn))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn grid_of(text: &str) -> Grid {
        let mut run = Run::new(parse(text).unwrap()).unwrap();
        run.step().unwrap(); // the grid covers steps not done yet too
        grid(&run, None)
    }

    #[test]
    fn textbook_grid_has_a_column_per_access_and_the_frames_after_it() {
        let g = grid_of(
            "config frames=3 policy=fifo tlb=0\nspawn T flat\nrefs T 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\n",
        );
        assert_eq!(g.columns.len(), 20);
        assert_eq!(g.columns.iter().filter(|c| c.fault).count(), 15);
        let pages = |c: &GridColumn| c.frames.iter().map(|f| f.map(|(_, p)| p)).collect::<Vec<_>>();
        assert_eq!(pages(&g.columns[0]), vec![Some(7), None, None]);
        assert_eq!(pages(&g.columns[3]), vec![Some(2), Some(0), Some(1)], "2 replaced 7, the oldest");
        assert_eq!((g.columns[3].victim, g.columns[4].fault), (Some(7), false));
    }

    #[test]
    fn the_grid_follows_the_first_accessing_process_and_stops_at_its_limit() {
        let mut text =
            String::from("config frames=2 policy=lru tlb=0\nspawn A flat\nspawn B flat\nrefs B 1 2\nrefs A 5\n");
        text.push_str(&format!("refs B {}\n", vec!["1 2 3"; 400].join(" ")));
        let g = grid_of(&text);
        assert_eq!(g.pid, 1, "B accessed first");
        assert_eq!(g.columns.len(), MAX_COLUMNS);
        assert!(g.more);
        assert!(g.columns.iter().all(|c| c.page != 5));
    }
}
