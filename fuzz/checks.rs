#![allow(dead_code)] // each fuzz target uses one of these checks
//! What each fuzz target checks. Shared with `tests/fuzz_regressions.rs`, which runs every saved
//! input of `fuzz/regressions/<target>/` through the same check on stable in `./build.sh test`.
//! A check panics only on a bug: bad input must come back as an error, never a panic. Each
//! returns how much it exercised (steps, accesses, operations), so tests can see it did work.

use pagesim::engine::sharing::ObjectKind;
use pagesim::engine::{Config, Machine, Perms, PolicyKind};
use pagesim::scenario::{self, link, Run};
use pagesim::trace::curve::{fifo_faults, lru_curve, opt_curve, DenseTrace};
use pagesim::trace::{read_trace, replay, TraceFormat};

/// The scenario parser: whatever parses prints back to text that parses to the same scenario,
/// and runs (up to 300 steps) with the machine's invariants holding after every step.
pub fn scenario(data: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(data) else { return 0 };
    let Ok(parsed) = scenario::parse(text) else { return 0 };
    let printed = parsed.to_string();
    let again = scenario::parse(&printed).unwrap_or_else(|e| panic!("the printed scenario fails: {e}\n{printed}"));
    assert_eq!(again.to_string(), printed, "printing is not stable");
    let Ok(mut run) = Run::new(parsed) else { return 0 };
    for _ in 0..300 {
        match run.step() {
            Ok(Some(_)) => {}
            _ => break,
        }
        if let Err(e) = run.machine().check_invariants() {
            panic!("invariant broken after step {}: {e}\n{printed}", run.pos());
        }
    }
    // Going back and forth lands on the same state.
    let end = run.pos();
    let _ = run.goto(end / 2);
    let _ = run.goto(end);
    run.machine().check_invariants().expect("invariants after going back and forth");
    end
}

/// The link decoder: any payload decodes or is an error; text within the limit round-trips.
pub fn link(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = link::decode(text);
    if text.len() <= link::MAX_TEXT_BYTES {
        assert_eq!(link::decode(&link::encode(text)).ok().as_deref(), Some(text), "round trip");
    }
}

/// The trace readers (each format, gzip included): a trace that reads replays, and its fault
/// curves agree with the replay where they must.
pub fn trace(data: &[u8]) -> usize {
    let mut replayed = 0;
    for format in [TraceFormat::Auto, TraceFormat::Pages, TraceFormat::Rw, TraceFormat::Lackey] {
        let Ok(trace) = read_trace(data, format, 4096) else { continue };
        if trace.len() > 20_000 {
            continue;
        }
        let dense = DenseTrace::new(&trace);
        let max = dense.distinct.clamp(1, 16);
        let lru = lru_curve(&dense, max);
        assert!(lru.windows(2).all(|w| w[0] >= w[1]), "LRU never faults more with more frames");
        let opt = opt_curve(&dense, max);
        assert!(opt.iter().zip(&lru).all(|(o, l)| o <= l), "OPT never faults more than LRU");
        let frames = (data.first().copied().unwrap_or(3) % 8 + 1) as u32;
        let config = Config { frames, policy: PolicyKind::Fifo, tlb_entries: 4, ..Config::default() };
        if let Ok(summary) = replay(&trace, config, None) {
            let fifo = fifo_faults(&dense, &[frames as usize]);
            assert_eq!(summary.faults, fifo[0], "FIFO's curve and a replay agree");
            replayed += trace.len();
        }
    }
    replayed
}

/// Random engine operations on a small machine: errors are fine, panics and broken invariants
/// are bugs. The bytes choose the machine (frames, policy, TLB, swap) and then the operations.
pub fn engine(data: &[u8]) -> usize {
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next();
    let (Some(a), Some(b), Some(c)) = (next(), next(), next()) else { return 0 };
    let policy = PolicyKind::ALL[b as usize % PolicyKind::ALL.len()];
    let config = Config {
        frames: (a % 8 + 1) as u32,
        policy,
        tlb_entries: (c % 5) as u32,
        swap_slots: (c / 5 % 12) as u32,
        page_size: 256,
        va_bits: 14,
        levels: 2,
        timer: if a & 0x80 != 0 { 7 } else { 0 },
        ..Config::default()
    };
    let Ok(mut m) = Machine::new(config) else { return 0 };
    let mut pids = Vec::new();
    let mut done = 0;
    while let Some(op) = next() {
        let arg = next().unwrap_or(0) as u64;
        let pid = pids.get(arg as usize % pids.len().max(1)).copied().unwrap_or(0);
        let addr = (arg * 97 + op as u64 * 13) % (1 << 14);
        // Sharing (issue 11): processes run one of two programs, fork, and map shared memory or
        // a file (errors, such as a mapping too large for its object, are fine).
        let share = |arg: u64| match arg % 3 {
            0 => Some((ObjectKind::Shm, if arg & 4 == 0 { "m" } else { "n" })),
            1 => Some((ObjectKind::File, "f")),
            _ => None,
        };
        let result = match op % 12 {
            0 if pids.len() < 6 => {
                let exe = ["a", "b"][arg as usize % 2];
                m.spawn_exe(&format!("P{}", pids.len()), arg % 3, Some(exe)).map(|p| pids.push(p))
            }
            9 if pids.len() < 6 => m.fork(pid, &format!("P{}", pids.len())).map(|p| pids.push(p)),
            10 => m.allocate_shared(pid, (arg % 4 + 1) * 256, Perms::RW, None, None, share(arg)).map(|_| ()),
            11 => m.write(pid, addr, arg as u8).map(|_| ()),
            1 => m
                .allocate(pid, (arg % 8 + 1) * 256, if arg & 1 == 0 { Perms::RW } else { Perms::R }, None, None)
                .map(|_| ()),
            2 => m.allocate(pid, 512, Perms::RW, Some(addr & !255), None).map(|_| ()),
            3 | 4 => m.read(pid, addr).map(|_| ()),
            5 | 6 => m.write(pid, addr, arg as u8).map(|_| ()),
            7 => m.free(pid, addr & !255).or_else(|_| m.tick(arg % 20)),
            8 => m.exit(pid).or_else(|_| m.tick(1)),
            _ => m.tick(1),
        };
        done += result.is_ok() as usize;
        if let Err(e) = m.check_invariants() {
            panic!("invariant broken after op {op} arg {arg}: {e}");
        }
    }
    done
}
