//! Fuzz-style tests: random bytes and random near-valid text into every parser (scenario, trace,
//! link) must give an error or a result, never a panic; random valid scenarios round-trip through
//! the pretty-printer and through share links, and run without panicking.

use pagesim::engine::Perms;
use pagesim::scenario::{link, parse, CommandKind, FreeTarget, Run, Scenario};
use pagesim::trace::{read_trace, TraceFormat};
use proptest::prelude::*;

fn words() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("config".to_string()),
        Just("spawn".to_string()),
        Just("alloc".to_string()),
        Just("read".to_string()),
        Just("write".to_string()),
        Just("refs".to_string()),
        Just("tick".to_string()),
        Just("free".to_string()),
        Just("exit".to_string()),
        Just("note".to_string()),
        Just("A".to_string()),
        Just("heap".to_string()),
        Just("flat".to_string()),
        Just("code=2".to_string()),
        Just("frames=3".to_string()),
        Just("policy=clock".to_string()),
        Just("page=64K".to_string()),
        Just("0x1000".to_string()),
        Just("16K".to_string()),
        Just("rw".to_string()),
        Just("at".to_string()),
        Just("#".to_string()),
        Just("\n".to_string()),
        "[a-z0-9=,x#-]{1,6}",
        any::<u64>().prop_map(|n| n.to_string()),
    ];
    proptest::collection::vec(word, 0..40).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_a_parser(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(s) = parse(&text) {
            if let Ok(mut run) = Run::new(s) {
                let _ = run.run(200);
            }
        }
        for format in [TraceFormat::Auto, TraceFormat::Pages, TraceFormat::Rw, TraceFormat::Lackey] {
            let _ = read_trace(&bytes, format, 4096);
        }
        let _ = link::decode(&text);
        let _ = link::parse_fragment(&text);
    }

    #[test]
    fn near_valid_scenarios_parse_or_fail_with_a_position(text in words()) {
        match parse(&text) {
            Ok(s) => {
                let printed = s.to_string();
                let again = parse(&printed);
                prop_assert!(again.is_ok(), "printed text does not parse: {:?}\n{}", again, printed);
                prop_assert!(again.unwrap().same_as(&s));
                if let Ok(mut run) = Run::new(s) {
                    let _ = run.run(500);
                }
            }
            Err(e) => {
                prop_assert!(e.line >= 1 && e.column >= 1, "{}", e);
                prop_assert!(e.line as usize <= text.lines().count().max(1));
            }
        }
    }

    #[test]
    fn generated_scenarios_round_trip_through_print_and_links(s in scenario()) {
        let text = s.to_string();
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(parsed.same_as(&s), "{}", text);
        let decoded = link::decode(&link::encode(&text)).unwrap();
        prop_assert_eq!(&decoded, &text);
        let mut run = Run::new(parsed).unwrap();
        let _ = run.run_to_end();
        run.machine().check_invariants().map_err(TestCaseError::fail)?;
    }
}

/// Random scenarios that parse: processes spawned before use, addresses in range.
fn scenario() -> impl Strategy<Value = Scenario> {
    let command = prop_oneof![
        (0..64u64, 0..256u64).prop_map(|(page, v)| (0, page, v)),
        (0..64u64, 0..256u64).prop_map(|(page, v)| (1, page, v)),
        (1..5u64, 1..64u64).prop_map(|(n, at)| (2, n, at)),
        (0..100u64, 0..1u64).prop_map(|(t, _)| (3, t, 0)),
        (0..64u64, 0..64u64).prop_map(|(a, b)| (4, a, b)),
        (0..4u64, 0..1u64).prop_map(|(r, _)| (5, r, 0)),
    ];
    (
        1..8u32,
        proptest::sample::select(vec!["fifo", "lru", "clock", "nru", "lfu", "aging", "random", "opt"]),
        proptest::collection::vec(command, 0..40),
    )
        .prop_map(|(frames, policy, cmds)| {
            let mut text =
                format!("config frames={frames} policy={policy} vbits=12 page=64\nspawn A code=1\nspawn T flat\n");
            for (kind, a, b) in cmds {
                text.push_str(&match kind {
                    0 => format!("write A {:#x} {}\n", a * 64 + 3, b),
                    1 => format!("read A {:#x}\n", a * 64 + (b % 64)),
                    2 => format!("alloc A r{b} {} rw at {:#x}\n", a * 64, b * 64),
                    3 => format!("tick {a}\n"),
                    4 => format!("refs T {a} {b} {a}\n"),
                    _ => format!("note step {a}\n"),
                });
            }
            parse(&text).expect("generated text parses")
        })
}

#[test]
fn the_generator_covers_every_command_kind() {
    // Guard against a generator that silently stops producing some commands.
    let s = parse("spawn A\nalloc A heap 1K rw at 0x400\nwrite A 0x400 1\nread A 0x400\nrefs A 1\ntick 3\nnote hi\nfree A heap\nexit A\n").unwrap();
    let kinds: Vec<_> = s.commands.iter().map(|c| std::mem::discriminant(&c.kind)).collect();
    assert_eq!(kinds.len(), 9);
    assert!(matches!(s.commands[1].kind, CommandKind::Alloc { perms: Perms::RW, .. }));
    assert!(matches!(&s.commands[7].kind, CommandKind::Free { target: FreeTarget::Label(l), .. } if l == "heap"));
}
