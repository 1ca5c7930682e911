//! Shared-memory objects and mapped files against a model written from the README's rules alone.
//!
//! The model knows regions and bytes, nothing of frames, slots or reverse maps:
//! - a private region's bytes belong to its process (a fork copies them, `free` forgets them);
//! - a shared-memory object is created by its first mapping with that mapping's size, every later
//!   mapping must fit in it, every mapping of object page `i` sees the same bytes whatever part of
//!   the object the mapping covers, and the object (with its bytes) goes with its last mapping;
//! - a file keeps its bytes for ever (its size is its first mapping's);
//! - code reads the executable's bytes and cannot be written.
//!
//! The generator makes every shape a user can write: several mappings of one object in one
//! process, partial mappings at any offset, forks of shared mappings, `free` and `exit` in any
//! order, idle time (the reclaimer), and checkpoints restored later (step back), on machines small
//! enough that pages go to swap and back all the time. After every operation: every read returns
//! what the model says, every request succeeds or fails as the model says, the machine's own
//! invariants hold (map counts, reverse maps, objects), and once no process runs, no frame and
//! no swap slot is in use.

use pagesim::engine::config::OomMode;
use pagesim::engine::machine::{code_byte, Checkpoint};
use pagesim::engine::sharing::ObjectKind;
use pagesim::engine::{AccessResult, Config, Machine, Perms, PolicyKind, SegvMode};
use proptest::prelude::*;
use std::collections::HashMap;

const PAGE: u64 = 256;
/// A 12-bit space: 16 pages of 256 bytes (page 0 the guard, page 1 the code).
const SPACE_PAGES: u64 = 16;
const PROCS: usize = 3;
const LABELS: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Backing {
    Private,
    Shm(u8),
    File(u8),
}

#[derive(Clone, Debug)]
enum Op {
    Spawn(usize),
    Fork(usize, usize),
    Map { who: usize, label: usize, backing: Backing, at: u64, pages: u64 },
    Free(usize, usize),
    Exit(usize),
    Read(usize, u64, u64),
    Write(usize, u64, u64, u8),
    Tick(u64),
    Save,
    Restore,
}

fn backing() -> impl Strategy<Value = Backing> {
    prop_oneof![
        1 => Just(Backing::Private),
        3 => (0..2u8).prop_map(Backing::Shm),
        1 => (0..2u8).prop_map(Backing::File),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..PROCS;
    let page = 1..SPACE_PAGES;
    prop_oneof![
        2 => who.clone().prop_map(Op::Spawn),
        1 => (who.clone(), 0..PROCS).prop_map(|(a, b)| Op::Fork(a, b)),
        4 => (who.clone(), 0..LABELS, backing(), 2..SPACE_PAGES, 1..5u64)
            .prop_map(|(who, label, backing, at, pages)| Op::Map { who, label, backing, at, pages }),
        2 => (who.clone(), 0..LABELS).prop_map(|(w, l)| Op::Free(w, l)),
        1 => who.clone().prop_map(Op::Exit),
        8 => (who.clone(), page.clone(), 0..4u64).prop_map(|(w, p, o)| Op::Read(w, p, o)),
        8 => (who, page, 0..4u64, any::<u8>()).prop_map(|(w, p, o, v)| Op::Write(w, p, o, v)),
        1 => (1..40u64).prop_map(Op::Tick),
        1 => Just(Op::Save),
        1 => Just(Op::Restore),
    ]
}

#[derive(Clone, Debug)]
struct RegionModel {
    label: usize,
    start: u64,
    pages: u64,
    backing: Backing,
}

#[derive(Clone, Debug)]
struct ProcModel {
    pid: u32,
    regions: Vec<RegionModel>,
    /// Private bytes by (page, offset).
    private: HashMap<(u64, u64), u8>,
}

impl ProcModel {
    fn region(&self, page: u64) -> Option<&RegionModel> {
        self.regions.iter().find(|r| (r.start..r.start + r.pages).contains(&page))
    }
}

/// A shared-memory object or a file: its size and its bytes by (object page, offset).
#[derive(Clone, Debug, Default)]
struct ObjectModel {
    pages: u64,
    bytes: HashMap<(u64, u64), u8>,
}

#[derive(Clone, Debug, Default)]
struct Model {
    procs: [Option<ProcModel>; PROCS],
    shm: HashMap<u8, ObjectModel>,
    files: HashMap<u8, ObjectModel>,
}

impl Model {
    fn object(&mut self, b: Backing) -> Option<&mut ObjectModel> {
        match b {
            Backing::Private => None,
            Backing::Shm(o) => self.shm.get_mut(&o),
            Backing::File(o) => self.files.get_mut(&o),
        }
    }

    /// Shared-memory objects nobody maps any more are gone, bytes and all.
    fn forget_unmapped(&mut self) {
        let mapped: Vec<u8> = self
            .procs
            .iter()
            .flatten()
            .flat_map(|p| p.regions.iter())
            .filter_map(|r| if let Backing::Shm(o) = r.backing { Some(o) } else { None })
            .collect();
        self.shm.retain(|o, _| mapped.contains(o));
    }

    /// Where an access lands: `None` for a page in no region, else the byte's home.
    fn home(&self, who: usize, page: u64, off: u64) -> Option<Home> {
        let p = self.procs[who].as_ref()?;
        if page == 1 {
            return Some(Home::Code);
        }
        let r = p.region(page)?;
        Some(match r.backing {
            Backing::Private => Home::Private(page, off),
            b => Home::Object(b, page - r.start, off),
        })
    }
}

#[derive(Clone, Copy, Debug)]
enum Home {
    Code,
    Private(u64, u64),
    Object(Backing, u64, u64),
}

fn name(i: usize) -> String {
    format!("P{i}")
}

fn label(i: usize) -> String {
    format!("l{i}")
}

/// Applies `op` to both; returns an error naming the first disagreement.
fn apply(m: &mut Machine, model: &mut Model, saved: &mut Option<(Checkpoint, Model)>, op: &Op) -> Result<(), String> {
    match *op {
        Op::Spawn(i) => {
            if model.procs[i].is_some() {
                return Ok(());
            }
            let pid = m.spawn_exe(&name(i), 1, Some("prog")).map_err(|e| format!("spawn: {e}"))?;
            model.procs[i] = Some(ProcModel { pid, regions: Vec::new(), private: HashMap::new() });
        }
        Op::Fork(a, b) => {
            let (Some(parent), None) = (model.procs[a].clone(), &model.procs[b]) else {
                return Ok(());
            };
            let pid = m.fork(parent.pid, &name(b)).map_err(|e| format!("fork: {e}"))?;
            model.procs[b] = Some(ProcModel { pid, ..parent });
        }
        Op::Map { who, label: l, backing, at, pages } => {
            let Some(p) = model.procs[who].as_ref() else {
                return Ok(());
            };
            let fits_space = at + pages <= SPACE_PAGES;
            let overlaps = p.regions.iter().any(|r| r.start < at + pages && at < r.start + r.pages);
            let label_taken = p.regions.iter().any(|r| r.label == l);
            let fits_object = match backing {
                Backing::Private => true,
                Backing::Shm(o) => model.shm.get(&o).is_none_or(|obj| pages <= obj.pages),
                Backing::File(o) => model.files.get(&o).is_none_or(|obj| pages <= obj.pages),
            };
            let ok = fits_space && !overlaps && !label_taken && fits_object;
            let share = match backing {
                Backing::Private => None,
                Backing::Shm(o) => Some((ObjectKind::Shm, format!("s{o}"))),
                Backing::File(o) => Some((ObjectKind::File, format!("f{o}"))),
            };
            let got = m.allocate_shared(
                p.pid,
                pages * PAGE,
                Perms::RW,
                Some(at * PAGE),
                Some(&label(l)),
                share.as_ref().map(|(k, n)| (*k, n.as_str())),
            );
            if got.is_ok() != ok {
                return Err(format!("map: the model says {ok}, the machine {got:?}"));
            }
            if !ok {
                return Ok(());
            }
            let p = model.procs[who].as_mut().unwrap();
            p.regions.push(RegionModel { label: l, start: at, pages, backing });
            match backing {
                Backing::Private => {}
                Backing::Shm(o) => {
                    model.shm.entry(o).or_insert(ObjectModel { pages, bytes: HashMap::new() });
                }
                Backing::File(o) => {
                    model.files.entry(o).or_insert(ObjectModel { pages, bytes: HashMap::new() });
                }
            }
        }
        Op::Free(who, l) => {
            let Some(p) = model.procs[who].as_mut() else {
                return Ok(());
            };
            let at = p.regions.iter().position(|r| r.label == l);
            let got = m.free_label(p.pid, &label(l));
            if got.is_ok() != at.is_some() {
                return Err(format!("free: the model says {}, the machine {got:?}", at.is_some()));
            }
            if let Some(at) = at {
                let r = p.regions.remove(at);
                p.private.retain(|&(page, _), _| !(r.start..r.start + r.pages).contains(&page));
                model.forget_unmapped();
            }
        }
        Op::Exit(who) => {
            let Some(p) = model.procs[who].take() else {
                return Ok(());
            };
            m.exit(p.pid).map_err(|e| format!("exit: {e}"))?;
            model.forget_unmapped();
        }
        Op::Read(who, page, off) => {
            let Some(p) = model.procs[who].as_ref() else {
                return Ok(());
            };
            let e = m.read(p.pid, page * PAGE + off).map_err(|e| format!("read: {e}"))?;
            let want = match model.home(who, page, off) {
                None => {
                    return match e.result {
                        AccessResult::SegmentationFault { .. } => Ok(()),
                        other => Err(format!("read of page {page}, in no region: {other:?}")),
                    }
                }
                Some(Home::Code) => code_byte(page, off as usize),
                Some(Home::Private(pg, o)) => p.private.get(&(pg, o)).copied().unwrap_or(0),
                Some(Home::Object(b, idx, o)) => {
                    model.object(b).and_then(|obj| obj.bytes.get(&(idx, o)).copied()).unwrap_or(0)
                }
            };
            if let AccessResult::OutOfMemory { .. } = e.result {
                return Ok(());
            }
            if e.physical.is_none() {
                return Err(format!("read of page {page} failed: {:?}", e.result));
            }
            if e.value != want {
                return Err(format!(
                    "{} read page {page} offset {off}: {} where the model says {want}",
                    name(who),
                    e.value
                ));
            }
        }
        Op::Write(who, page, off, v) => {
            let Some(p) = model.procs[who].as_ref() else {
                return Ok(());
            };
            let e = m.write(p.pid, page * PAGE + off, v).map_err(|e| format!("write: {e}"))?;
            let home = model.home(who, page, off);
            match (home, e.result) {
                (None, AccessResult::SegmentationFault { .. }) => return Ok(()),
                (Some(Home::Code), AccessResult::ProtectionFault { .. }) => return Ok(()),
                (_, AccessResult::OutOfMemory { .. }) => return Ok(()),
                (None | Some(Home::Code), other) => return Err(format!("write of page {page}: {other:?}")),
                (Some(_), _) if e.physical.is_none() => {
                    return Err(format!("write of page {page} failed: {:?}", e.result))
                }
                (Some(Home::Private(pg, o)), _) => {
                    model.procs[who].as_mut().unwrap().private.insert((pg, o), v);
                }
                (Some(Home::Object(b, idx, o)), _) => {
                    model.object(b).expect("a mapped object exists").bytes.insert((idx, o), v);
                }
            }
        }
        Op::Tick(t) => m.tick(t).map_err(|e| format!("tick: {e}"))?,
        Op::Save => *saved = Some((m.checkpoint().0, model.clone())),
        Op::Restore => {
            if let Some((cp, then)) = saved.as_ref() {
                *m = cp.restore();
                *model = then.clone();
            }
        }
    }
    Ok(())
}

fn run(config: Config, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut m = Machine::new(config).unwrap();
    m.set_recording(false);
    let mut model = Model::default();
    let mut saved = None;
    for (n, op) in ops.iter().enumerate() {
        if let Err(e) = apply(&mut m, &mut model, &mut saved, op) {
            return Err(TestCaseError::fail(format!("step {n} ({op:?}): {e}")));
        }
        if let Err(e) = m.check_invariants() {
            return Err(TestCaseError::fail(format!("after step {n} ({op:?}): {e}")));
        }
        if model.procs.iter().all(Option::is_none) && (m.frames().used(), m.swap().used()) != (0, 0) {
            return Err(TestCaseError::fail(format!(
                "after step {n} ({op:?}): no process runs, yet {} frames and {} slots are in use",
                m.frames().used(),
                m.swap().used()
            )));
        }
    }
    Ok(())
}

fn config() -> impl Strategy<Value = Config> {
    (
        1..6u32,
        prop::sample::select(PolicyKind::ALL.to_vec()),
        0..1000u64,
        prop::option::of((1..3u32, 3..5u32)),
        prop::sample::select(vec![0u32, 2, 4]),
        prop::sample::select(vec![2u32, 6, 64]),
    )
        .prop_map(|(frames, policy, seed, reclaim, tlb_entries, swap_slots)| Config {
            page_size: PAGE,
            va_bits: 12,
            frames,
            swap_slots,
            policy,
            seed,
            tlb_entries,
            segv: SegvMode::Report,
            reclaim: reclaim.filter(|r| r.1 <= frames),
            // The model fails an access that finds no frame (the OOM killer has its own tests).
            oom: OomMode::Fail,
            ..Config::default()
        })
}

proptest! {
    // 500 cases in `./build.sh test`; PROPTEST_CASES=N for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500),
        max_shrink_iters: 20_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn shared_objects_keep_every_byte_whatever_their_mappings_cover(
        config in config(),
        ops in prop::collection::vec(op(), 1..160),
    ) {
        let ops: Vec<Op> = [Op::Spawn(0), Op::Spawn(1)].into_iter().chain(ops).collect();
        run(config, &ops)?;
    }
}
