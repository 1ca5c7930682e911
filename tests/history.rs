//! The time machine against a fresh replay: random scenarios, then random moves — steps, runs,
//! jumps back and forth, steps back, and new calls of every kind (which discard the future) — under
//! every policy. After every move the run's machine must equal a machine rebuilt from scratch along
//! the same timeline (the scenario's first steps, then the calls that survived), its records must
//! equal the rebuilt run's, and its invariants must hold.

use pagesim::engine::page_table::PteState;
use pagesim::engine::{Machine, Perms, PolicyKind};
use pagesim::scenario::run::Action;
use pagesim::scenario::{parse, FreeTarget, Run, Scenario};
use proptest::prelude::*;

const NAMES: [&str; 2] = ["A", "B"];
const LABELS: [&str; 3] = ["x", "y", "z"];

/// One operation, as a scenario line or as a call.
#[derive(Clone, Debug)]
enum Act {
    Spawn {
        who: usize,
        code: u64,
        flat: bool,
    },
    Alloc {
        who: usize,
        label: usize,
        pages: u64,
        perms: u8,
        /// With huge pages (two levels of 2 bits here: 4 pages of 64 bytes each).
        huge: bool,
    },
    Read {
        who: usize,
        addr: u64,
    },
    Write {
        who: usize,
        addr: u64,
        value: u8,
    },
    Refs {
        who: usize,
        pages: Vec<u64>,
    },
    Tick {
        units: u64,
    },
    Free {
        who: usize,
        label: usize,
    },
    Exit {
        who: usize,
    },
    /// `fork` of one name into the other (copy-on-write history must step back exactly too).
    Fork {
        who: usize,
    },
}

impl Act {
    fn line(&self) -> String {
        match self {
            Act::Spawn { who, flat: true, .. } => format!("spawn {} flat", NAMES[*who]),
            Act::Spawn { who, code: 0, .. } => format!("spawn {} code=0", NAMES[*who]),
            // Both names run one program: their code pages are shared.
            Act::Spawn { who, code, .. } => format!("spawn {} code={code} exe=prog", NAMES[*who]),
            Act::Alloc { who, label, pages, perms, huge } => {
                format!(
                    "alloc {} {} {} {}{}",
                    NAMES[*who],
                    LABELS[*label],
                    pages * 64,
                    Perms::from_bits(*perms).to_string().replace('-', ""),
                    if *huge { " huge" } else { "" }
                )
            }
            Act::Read { who, addr } => format!("read {} {addr:#x}", NAMES[*who]),
            Act::Write { who, addr, value } => format!("write {} {addr:#x} {value}", NAMES[*who]),
            Act::Refs { who, pages } => {
                format!("refs {} {}", NAMES[*who], pages.iter().map(u64::to_string).collect::<Vec<_>>().join(" "))
            }
            Act::Tick { units } => format!("tick {units}"),
            Act::Free { who, label } => format!("free {} {}", NAMES[*who], LABELS[*label]),
            Act::Exit { who } => format!("exit {}", NAMES[*who]),
            Act::Fork { who } => format!("fork {} {}", NAMES[*who], NAMES[1 - *who]),
        }
    }

    /// The same as a call (a `refs` line becomes one read).
    fn push(&self, run: &mut Run) -> bool {
        let action = match self {
            Act::Spawn { who, code, flat } => {
                let exe = (*code > 0 && !*flat).then_some("prog");
                Action::Spawn { name: NAMES[*who], code_pages: *code, flat: *flat, exe, importance: Default::default() }
            }
            Act::Fork { who } => Action::Fork { parent: NAMES[*who], child: NAMES[1 - *who] },
            Act::Alloc { who, label, pages, perms, huge } => Action::Alloc {
                name: NAMES[*who],
                label: Some(LABELS[*label]),
                bytes: pages * 64,
                perms: Perms::from_bits(*perms),
                at: None,
                share: None,
                huge: *huge,
            },
            Act::Read { who, addr } => Action::Access { name: NAMES[*who], addr: *addr, value: None },
            Act::Write { who, addr, value } => Action::Access { name: NAMES[*who], addr: *addr, value: Some(*value) },
            Act::Refs { who, pages } => Action::Access { name: NAMES[*who], addr: pages[0] * 64, value: None },
            Act::Tick { units } => Action::Tick { units: *units },
            Act::Free { who, label } => {
                Action::Free { name: NAMES[*who], target: FreeTarget::Label(LABELS[*label].into()) }
            }
            Act::Exit { who } => Action::Exit { name: NAMES[*who] },
        };
        run.push(0, action).is_ok()
    }
}

fn act() -> impl Strategy<Value = Act> {
    let who = 0..2usize;
    let addr = 0..1024u64; // 16 pages of 64 bytes
    prop_oneof![
        1 => (who.clone(), 0..3u64, any::<bool>()).prop_map(|(who, code, flat)| Act::Spawn { who, code, flat }),
        2 => (who.clone(), 0..3usize, 1..5u64, 1..8u8, proptest::bool::weighted(0.25))
            .prop_map(|(who, label, pages, perms, huge)| Act::Alloc { who, label, pages, perms, huge }),
        4 => (who.clone(), addr.clone()).prop_map(|(who, addr)| Act::Read { who, addr }),
        4 => (who.clone(), addr, any::<u8>()).prop_map(|(who, addr, value)| Act::Write { who, addr, value }),
        2 => (who.clone(), proptest::collection::vec(0..16u64, 1..12)).prop_map(|(who, pages)| Act::Refs { who, pages }),
        1 => (1..30u64).prop_map(|units| Act::Tick { units }),
        1 => (who.clone(), 0..3usize).prop_map(|(who, label)| Act::Free { who, label }),
        1 => who.clone().prop_map(|who| Act::Exit { who }),
        1 => who.prop_map(|who| Act::Fork { who }),
    ]
}

#[derive(Clone, Debug)]
enum Move {
    Step,
    Run(usize),
    Goto(usize),
    Back,
    Reset,
    Push(Act),
}

fn a_move() -> impl Strategy<Value = Move> {
    prop_oneof![
        3 => Just(Move::Step),
        2 => (1..40usize).prop_map(Move::Run),
        3 => (0..120usize).prop_map(Move::Goto),
        2 => Just(Move::Back),
        1 => Just(Move::Reset),
        4 => act().prop_map(Move::Push),
    ]
}

/// Everything observable about a machine, for comparison.
fn state(m: &Machine) -> String {
    let mut out = format!("time {} running {:?} stats {:?}\n", m.time(), m.running(), m.stats());
    let frames = m.frames();
    for f in 0..frames.high_water() {
        let fr = frames.get(f);
        out += &format!(
            "frame {f}: {} {} {} {} {} {:?} {:?}\n",
            fr.owner,
            fr.vpn,
            fr.dirty,
            frames.referenced(f),
            fr.code,
            fr.data.as_deref(),
            m.policy_value(f)
        );
        out += &format!("  mapped by {:?}\n", m.frame_mappers(f));
    }
    for s in 0..m.swap().high_water() {
        let slot = m.swap().get(s);
        out += &format!("slot {s}: {} {} {:?} {:?}\n", slot.owner, slot.vpn, slot.data.as_deref(), m.slot_mappers(s));
    }
    for (pid, p) in m.processes().enumerate() {
        out += &format!("process {pid} {} {:?} {:?}\n", p.name, p.ended, p.stats);
        for r in p.regions.iter() {
            out += &format!("  region {r:?}\n");
        }
        for vpn in p.page_table.valid_in_range(0, u64::MAX) {
            let pte = p.page_table.get(vpn).unwrap();
            let state = match pte.state {
                PteState::Resident => "resident",
                PteState::Swapped => "swapped",
                PteState::Empty => "empty",
            };
            out += &format!("  page {vpn}: {state} {} {} {}\n", pte.loc, pte.swap_copy, pte.perms);
        }
    }
    out += &format!(
        "tlb {:?} order {:?} hand {:?} usage {:?}\n",
        m.tlb_entries(),
        m.policy_order(usize::MAX),
        m.clock_hand(),
        m.usage()
    );
    out
}

/// The timeline as the model knows it: the scenario's first `prefix` steps, then `pushed` calls.
struct Model {
    prefix: usize,
    pushed: Vec<Act>,
}

impl Model {
    fn len(&self) -> usize {
        self.prefix + self.pushed.len()
    }

    /// A run rebuilt from scratch along the timeline up to `pos`.
    fn rebuild(&self, scenario: &Scenario, pos: usize) -> Run {
        let mut run = Run::new(scenario.clone()).unwrap();
        assert_eq!(run.run(pos.min(self.prefix)).unwrap(), pos.min(self.prefix));
        for a in &self.pushed[..pos.saturating_sub(self.prefix)] {
            assert!(a.push(&mut run), "a call that succeeded succeeds again");
        }
        run
    }
}

/// `machine`: frames, swap slots, TLB entries, and whether page tables take frames.
fn check(
    policy: PolicyKind,
    machine: (u32, u32, u32, bool),
    spacing: usize,
    script: Vec<Act>,
    moves: Vec<Move>,
) -> Result<(), TestCaseError> {
    let (frames, swap, tlb, tables_in_ram) = machine;
    // With page tables in frames (two levels, so tables come and go), room for both top levels.
    let (frames, tables) = if tables_in_ram { (frames + 2, " tables=ram levels=2") } else { (frames, "") };
    let mut text = format!(
        "config frames={frames} swap={swap} tlb={tlb} page=64 vbits=10 policy={policy} timer=7{tables}\nspawn A code=1\nspawn B\n"
    );
    for a in &script {
        // Lines the parser would refuse (a name that is not running, say) are left out.
        let longer = format!("{text}{}\n", a.line());
        if parse(&longer).is_ok() {
            text = longer;
        }
    }
    let scenario = parse(&text).unwrap();
    let mut run = Run::new(scenario.clone()).unwrap();
    run.set_checkpoint_spacing(spacing, spacing * 2);
    let scenario_steps = run.len();
    let mut model = Model { prefix: scenario_steps, pushed: Vec::new() };
    for (i, mv) in moves.iter().enumerate() {
        match mv {
            Move::Step => {
                let _ = run.step();
            }
            Move::Run(n) => {
                let _ = run.run(*n);
            }
            Move::Goto(t) => {
                let _ = run.goto(*t);
            }
            Move::Back => run.back(),
            Move::Reset => run.reset(),
            Move::Push(a) => {
                let pos = run.pos();
                if a.push(&mut run) {
                    // The future after `pos` is gone; the call is the new last step.
                    if pos <= model.prefix {
                        model.prefix = pos;
                        model.pushed.clear();
                    } else {
                        model.pushed.truncate(pos - model.prefix);
                    }
                    model.pushed.push(a.clone());
                }
            }
        }
        let pos = run.pos();
        prop_assert_eq!(run.len(), model.len(), "length after move {} ({:?})", i, mv);
        prop_assert!(pos <= run.len());
        let fresh = model.rebuild(&scenario, pos);
        prop_assert_eq!(
            state(run.machine()),
            state(fresh.machine()),
            "state after move {} ({:?}) at step {}",
            i,
            mv,
            pos
        );
        if let Err(e) = run.machine().check_invariants() {
            return Err(TestCaseError::fail(format!("invariants after move {i} ({mv:?}): {e}")));
        }
        let from = pos.saturating_sub(4);
        prop_assert_eq!(run.records(from, pos), fresh.records(from, pos), "records after move {}", i);
    }
    Ok(())
}

macro_rules! policy_tests {
    ($($name:ident => $policy:expr),* $(,)?) => {$(
        proptest! {
            #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
            #[test]
            fn $name(
                frames in 1..5u32,
                swap in 0..12u32,
                tlb in 0..3u32,
                spacing in 1..6usize,
                tables_in_ram in any::<bool>(),
                script in proptest::collection::vec(act(), 0..40),
                moves in proptest::collection::vec(a_move(), 1..60),
            ) {
                check($policy, (frames, swap, tlb, tables_in_ram), spacing, script, moves)?;
            }
        }
    )*};
}

policy_tests! {
    fifo_goes_back_exactly => PolicyKind::Fifo,
    lru_goes_back_exactly => PolicyKind::Lru,
    clock_goes_back_exactly => PolicyKind::Clock,
    nru_goes_back_exactly => PolicyKind::Nru,
    lfu_goes_back_exactly => PolicyKind::Lfu,
    aging_goes_back_exactly => PolicyKind::Aging,
    random_goes_back_exactly => PolicyKind::Random,
    opt_goes_back_exactly => PolicyKind::Opt,
}
