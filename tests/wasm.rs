//! WebAssembly API tests (run under node by `./build.sh test` with wasm-bindgen-test-runner).
//! The methods work from JavaScript values, and bad arguments of every kind are JS errors with a
//! message, never a trap.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect};
use pagesim::wasm::{self as api, Simulator, TraceSession};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn num(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

fn message(e: JsValue) -> String {
    e.dyn_into::<js_sys::Error>().expect("a JS Error").message().into()
}

fn n(x: f64) -> JsValue {
    JsValue::from_f64(x)
}

fn s(x: &str) -> JsValue {
    JsValue::from_str(x)
}

fn bytes(b: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(b).into()
}

/// `allocate`, whose start address is a number below 2^53.
fn alloc(
    sim: &Simulator,
    pid: JsValue,
    bytes: JsValue,
    perms: JsValue,
    at: JsValue,
    options: JsValue,
) -> Result<f64, JsValue> {
    sim.allocate(pid, bytes, perms, at, options).map(|start| start.as_f64().expect("a number below 2^53"))
}

fn list(items: &[JsValue]) -> JsValue {
    items.iter().collect::<Array>().into()
}

#[wasm_bindgen_test]
fn the_api_runs_a_scenario_and_reports() {
    let sim = Simulator::new(s(
        "config frames=3 policy=fifo tlb=0\nspawn T flat\nrefs T 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\n",
    ))
    .unwrap();
    assert_eq!(sim.length().unwrap(), 21.0);
    assert_eq!(sim.run(n(100.0)).unwrap(), 21.0);
    assert!(sim.at_end().unwrap());
    let stats = sim.stats().unwrap();
    assert_eq!(num(&get(&stats, "total"), "faults"), 15.0);
    let events: Array = sim.events().unwrap().unchecked_into();
    assert_eq!(events.length(), 21);
    let first: Array = get(&events.get(1), "events").unchecked_into();
    let text = get(&first.get(0), "text").as_string().unwrap();
    assert!(text.contains("T read 0x7000: page 7 not in memory → minor fault"), "{text}");
    assert_eq!(Array::from(&sim.events().unwrap()).length(), 0, "events() returns only new ones");
    sim.goto(n(5.0)).unwrap();
    assert_eq!(sim.position().unwrap(), 5.0);
    assert_eq!(num(&get(&sim.stats().unwrap(), "total"), "faults"), 4.0);
}

#[wasm_bindgen_test]
fn direct_calls_read_and_write_real_bytes() {
    let sim =
        Simulator::new(JsValue::from(js_sys::JSON::parse(r#"{"frames": 2, "swap": 8, "policy": "lru"}"#).unwrap()))
            .unwrap();
    let a = sim.spawn(s("A"), n(1.0), JsValue::UNDEFINED).unwrap();
    let b = sim.spawn(s("B"), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    let heap = alloc(&sim, n(a), n(16384.0), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    assert_eq!(heap, 0x2000 as f64);
    let bheap = alloc(&sim, n(b), n(4096.0), s("rw"), n(0x2000 as f64), JsValue::UNDEFINED).unwrap();
    assert_eq!(bheap, heap);
    for i in 0..4 {
        sim.write(n(a), n(heap + i as f64 * 4096.0), n(10.0 + i as f64)).unwrap();
    }
    sim.write(n(b), n(heap), n(99.0)).unwrap();
    for i in 0..4 {
        assert_eq!(sim.read(n(a), n(heap + i as f64 * 4096.0)).unwrap(), Some(10 + i), "through swap");
    }
    assert_eq!(sim.read(n(b), n(heap)).unwrap(), Some(99), "isolated");
    assert_eq!(sim.read(n(a), n(0.0)).unwrap(), None, "null pointer: a fault, not a value");
    assert!(message(sim.read(n(a), n(heap)).unwrap_err()).contains("no longer running"));
    sim.tick(n(5.0)).unwrap();
    sim.exit(n(b)).unwrap();
    let stats = sim.stats().unwrap();
    assert!(num(&get(&stats, "total"), "swap_outs") >= 2.0);
    assert_eq!(num(&get(&stats, "total"), "segfaults"), 1.0);
}

#[wasm_bindgen_test]
fn bad_arguments_are_errors_not_traps() {
    let sim = Simulator::new(JsValue::UNDEFINED).unwrap();
    let a = sim.spawn(s("A"), n(0.0), JsValue::UNDEFINED).unwrap();
    let cases: Vec<(Result<f64, JsValue>, &str)> = vec![
        (alloc(&sim, n(a), n(-5.0), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED), "whole number"),
        (alloc(&sim, n(a), n(f64::NAN), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED), "whole number"),
        (alloc(&sim, n(a), n(1e300), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED), "past 2^53 − 1"),
        (alloc(&sim, n(a), n(4096.0), s("rq"), JsValue::UNDEFINED, JsValue::UNDEFINED), "permissions"),
        (alloc(&sim, n(a), n(4096.0), n(3.0), JsValue::UNDEFINED, JsValue::UNDEFINED), "must be a string"),
        (alloc(&sim, n(a), n(4096.0), s("rw"), n(0.0), JsValue::UNDEFINED), "null guard"),
        (alloc(&sim, n(77.0), n(4096.0), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED), "no process has pid 77"),
        (
            alloc(&sim, JsValue::UNDEFINED, n(4096.0), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED),
            "pid must be a number",
        ),
        (alloc(&sim, n(1.5), n(4096.0), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED), "whole number"),
        (sim.spawn(s("A"), n(0.0), JsValue::UNDEFINED), "already running"),
        (sim.spawn(s("<img src=x>"), n(0.0), JsValue::UNDEFINED), "not a valid process name"),
        (sim.spawn(JsValue::NULL, n(0.0), JsValue::UNDEFINED), "must be a string"),
        (sim.spawn(s("C"), n(1e9), JsValue::UNDEFINED), "do not fit"),
        (sim.spawn(s("D"), n(1.0), n(3.0)), "must be a string"),
        (sim.spawn(s("D"), n(1.0), s("9lives")), "not a valid executable name"),
        (alloc(&sim, n(a), n(4096.0), s("rw"), JsValue::UNDEFINED, s("buf")), "expected {shared: name}"),
        (sim.fork(n(77.0), s("X")), "no process has pid 77"),
        (sim.fork(n(a), s("A")), "already running"),
        (sim.fork(n(a), JsValue::UNDEFINED), "must be a string"),
        (sim.run(n(-1.0)), "whole number"),
    ];
    for (result, expected) in cases {
        let m = message(result.unwrap_err());
        assert!(m.contains(expected), "{m:?} should mention {expected:?}");
    }
    assert!(message(sim.read(n(a), n(65536.0)).unwrap_err()).contains("outside the 16-bit"));
    assert!(message(sim.read(n(a), n(f64::INFINITY)).unwrap_err()).contains("whole number"));
    assert!(message(sim.write(n(a), n(0x1000 as f64), n(256.0)).unwrap_err()).contains("at most 255"));
    assert!(message(sim.tick(s("10")).unwrap_err()).contains("must be a number"));
    assert!(message(sim.goto(n(-3.0)).unwrap_err()).contains("whole number"));
    assert!(sim.view_cells(n(a), n(-1.0), n(1.0), n(16.0)).is_err());
    assert!(message(sim.mappers(s("page"), n(0.0)).unwrap_err()).contains("\"frame\" or \"slot\""));
    assert!(sim.mappers(s("frame"), n(-1.0)).is_err());
    // Still working after all that.
    let heap = alloc(&sim, n(a), n(4096.0), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    sim.write(n(a), n(heap), n(5.0)).unwrap();
    assert_eq!(sim.read(n(a), n(heap)).unwrap(), Some(5));
}

#[wasm_bindgen_test]
fn scenario_errors_carry_line_and_column() {
    let e = Simulator::new(s("spawn A\nread A 0xZZ\n")).err().unwrap();
    assert_eq!(num(&e, "line"), 2.0);
    assert_eq!(num(&e, "column"), 8.0);
    assert!(message(e).starts_with("2:8: expected an address"));
    assert!(message(Simulator::new(n(3.0)).err().unwrap()).contains("scenario text or a config object"));
    let bad_config = JsValue::from(js_sys::JSON::parse(r#"{"frames": -1}"#).unwrap());
    assert!(message(Simulator::new(bad_config).err().unwrap()).contains("whole number"));
    let bad_policy = JsValue::from(js_sys::JSON::parse(r#"{"policy": "magic"}"#).unwrap());
    assert!(message(Simulator::new(bad_policy).err().unwrap()).contains("expected a policy"));
}

#[wasm_bindgen_test]
fn views_links_presets_and_traces() {
    let sim = Simulator::new(s("config frames=2\nspawn A code=1\nread A 0x1000\n")).unwrap();
    sim.run(n(10.0)).unwrap();
    let words = pagesim::engine::view::FRAME_WORDS;
    assert_eq!(sim.view_frames(JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap().len(), 2 * words);
    assert_eq!(sim.view_frames(n(1.0), n(5.0)).unwrap().len(), words, "frame 1 only");
    assert_eq!(sim.view_frame_blocks(n(0.0), n(2.0), n(1.0)).unwrap()[0], 1, "one frame in use");
    assert!(sim.view_ranges(n(0.0), n(4.0), n(1.0)).unwrap().len() >= 2);
    assert_eq!(sim.view_cells(n(0.0), n(0.0), n(1.0), n(16.0)).unwrap().len(), 16 * 3);
    let states = api::page_states();
    assert_eq!(num(&states, "Resident"), 5.0);
    let layout = api::view_layout();
    assert_eq!(num(&layout, "cellWords"), 3.0);

    let presets: Array = api::presets().unwrap().unchecked_into();
    assert!(presets.length() >= 8);
    for p in presets.iter() {
        let text = get(&p, "text").as_string().unwrap();
        let payload = api::encode_link(s(&text)).unwrap();
        let state = api::decode_link(s(&format!("#s={payload}&t=3"))).unwrap();
        assert_eq!(get(&state, "text").as_string().unwrap(), text);
        assert_eq!(num(&state, "step"), 3.0);
    }
    for bad in ["#s=2.abc", "#s=1.@@@", "#t=1", "#s=1.AAAA"] {
        assert!(api::decode_link(s(bad)).is_err(), "{bad}");
    }

    let mut t = TraceSession::new(bytes(b"1 2 3 4 1 2 5 1 2 3 4 5"), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    assert_eq!(t.format(), "pages");
    t.start(s("fifo"), n(3.0), JsValue::UNDEFINED).unwrap();
    t.advance(n(5.0)).unwrap();
    assert!(!t.done());
    t.advance(n(100.0)).unwrap();
    assert!(t.done());
    assert_eq!(num(&t.summary().unwrap(), "faults"), 9.0);
    assert!(TraceSession::new(bytes(b"1 2 x"), JsValue::UNDEFINED, JsValue::UNDEFINED).is_err());
    let cmp = api::compare_scenario(
        s("spawn T flat\nrefs T 1 2 3 4 1 2 5 1 2 3 4 5"),
        list(&[s("fifo")]),
        list(&[n(3.0), n(4.0)]),
    )
    .unwrap();
    let row: Array = Array::from(&cmp).get(0).unchecked_into();
    assert_eq!((row.get(0).as_f64(), row.get(1).as_f64()), (Some(9.0), Some(10.0)), "Belady's anomaly");
}

/// Random calls with random (often invalid) arguments: every one returns or throws, none traps.
#[wasm_bindgen_test]
fn random_calls_never_trap() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let value = |r: u64| -> JsValue {
        match r % 9 {
            0 => JsValue::UNDEFINED,
            1 => JsValue::NULL,
            2 => n(f64::NAN),
            3 => n(-1.0),
            4 => n((r >> 8) as f64 * 1e12),
            5 => s("A"),
            6 => n(((r >> 8) % 4) as f64),
            _ => n(((r >> 8) % 0x10000) as f64),
        }
    };
    let sim = Simulator::new(s("config frames=3 swap=4\nspawn A code=1\nspawn B\nalloc B heap 8K rw\n")).unwrap();
    sim.run(n(10.0)).unwrap();
    for _ in 0..3000 {
        let r = rnd();
        let (a, b, c) = (value(rnd()), value(rnd()), value(rnd()));
        let _ = match r % 12 {
            0 => sim.read(a, b).map(|_| ()),
            1 => sim.write(a, b, c),
            2 => sim.allocate(a, b, s("rw"), c, JsValue::UNDEFINED).map(|_| ()),
            3 => sim.free(a, b),
            4 => sim.tick(a),
            5 => sim.spawn(a, b, JsValue::UNDEFINED).map(|_| ()),
            6 => sim.exit(a),
            7 => sim.goto(a),
            8 => sim.view_cells(a, b, c, n(8.0)).map(|_| ()),
            9 => sim.translate(a, b).map(|_| ()),
            10 => sim.back(),
            _ => sim.step().map(|_| ()),
        };
    }
    sim.stats().unwrap();
}

// ----- 64-bit spaces: addresses past 2^53 cross as BigInts ----------------------------------------

/// A BigInt.
fn big(x: u128) -> JsValue {
    JsValue::from(x)
}

/// A value that must be a BigInt holding `want`.
fn assert_big(v: &JsValue, want: u64, what: &str) {
    assert!(v.is_bigint(), "{what} is a BigInt, not {v:?}");
    assert_eq!(u64::try_from(v.clone()).unwrap(), want, "{what}");
}

/// Every event of every step handed out so far, flat.
fn all_events(records: JsValue) -> Vec<JsValue> {
    Array::from(&records).iter().flat_map(|r| Array::from(&get(&r, "events")).iter().collect::<Vec<_>>()).collect()
}

#[wasm_bindgen_test]
fn the_top_of_a_64_bit_space_is_read_and_written_through_the_api() {
    let text = "config frames=2 vbits=64 levels=4\nspawn A\nalloc A top 4K rw at 0xfffffffffffff000\n\
                write A 0xffffffffffffffff 7\nread A 0xffffffffffffffff\n";
    let sim = Simulator::new(s(text)).unwrap();
    assert_eq!(sim.space_words().unwrap(), "2^64 bytes = 16 EiB each; this machine has 8 KiB of RAM");
    let next = sim.next_step().unwrap();
    assert_eq!(get(&next, "kind").as_string().unwrap(), "spawn");
    sim.run(n(2.0)).unwrap();
    assert_big(&get(&sim.next_step().unwrap(), "addr"), u64::MAX, "the next step's address");
    sim.run(n(10.0)).unwrap();
    // Events, statistics and translations with addresses past 2^53 read without error.
    let events = all_events(sim.events().unwrap());
    let alloc = events.iter().find(|e| get(e, "type").as_string().unwrap() == "allocate").unwrap();
    assert_eq!(num(alloc, "start_vpn"), ((1u64 << 52) - 1) as f64, "a page number below 2^53 stays a number");
    let accesses: Vec<&JsValue> = events.iter().filter(|e| get(e, "type").as_string().unwrap() == "access").collect();
    assert_eq!(accesses.len(), 2);
    for a in &accesses {
        assert_big(&get(a, "addr"), u64::MAX, "an access's address");
    }
    assert_eq!(num(accesses[1], "value"), 7.0);
    let stats = sim.stats().unwrap();
    let region = Array::from(&get(&Array::from(&get(&stats, "processes")).get(0), "regions")).get(0);
    assert_big(&get(&region, "start"), 0xffff_ffff_ffff_f000, "the region's start");
    assert!(sim.log(JsValue::UNDEFINED, JsValue::UNDEFINED).is_ok());
    let t = sim.translate(n(0.0), big(u64::MAX as u128)).unwrap();
    assert_eq!(num(&t, "offset"), 4095.0);
    // Read and write by BigInt and by hex string.
    sim.write(n(0.0), big(u64::MAX as u128), n(42.0)).unwrap();
    assert_eq!(sim.read(n(0.0), s("0xffffffffffffffff")).unwrap(), Some(42));
    assert_eq!(sim.read(n(0.0), s("18446744073709551614")).unwrap(), Some(0));
    // allocate at 2^63 gives its start back as a BigInt; free takes one.
    let start = sim.allocate(n(0.0), n(4096.0), s("rw"), big(1 << 63), JsValue::UNDEFINED).unwrap();
    assert_big(&start, 1 << 63, "allocate's start");
    sim.write(n(0.0), big((1 << 63) + 5), n(9.0)).unwrap();
    sim.free(n(0.0), start).unwrap();
    sim.free(n(0.0), s("0xfffffffffffff000")).unwrap();
    assert_eq!(sim.read(n(0.0), big(u64::MAX as u128)).unwrap(), None, "freed: a fault, not a value");
    let events = all_events(sim.events().unwrap());
    assert!(events.iter().any(|e| get(e, "type").as_string().unwrap() == "free"));
}

#[wasm_bindgen_test]
fn page_numbers_past_2_to_the_53_cross_as_bigints_and_the_views_read_them() {
    // 16-byte pages: 2^60 pages, the top one 2^60 − 1.
    let text = "config frames=2 page=16 vbits=64 levels=5 tlb=4\nspawn T flat\n\
                write T 0xffffffffffffffff 3\nwrite T 0x1000 4\nwrite T 0x8000000000000000 5\nread T 0xffffffffffffffff\n";
    let sim = Simulator::new(s(text)).unwrap();
    sim.run(n(10.0)).unwrap();
    let top_vpn = (1u64 << 60) - 1;
    let events = all_events(sim.events().unwrap());
    let last = events.iter().rev().find(|e| get(e, "type").as_string().unwrap() == "access").unwrap();
    assert_big(&get(last, "vpn"), top_vpn, "the top page");
    assert_eq!(num(last, "value"), 3.0, "back from swap");
    let tlb = Array::from(&sim.tlb_entries(JsValue::UNDEFINED).unwrap());
    assert!(tlb.iter().any(|e| get(&e, "vpn").is_bigint()), "a TLB entry of a page past 2^53");
    let t = sim.translate(n(0.0), big(u64::MAX as u128)).unwrap();
    assert_big(&get(&t, "vpn"), top_vpn, "the translation's page");
    assert!(sim.stats().is_ok() && sim.grid(JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED).is_ok());
    // The frame holding the top page names it exactly.
    let frame = num(last, "frame");
    let mappers = sim.mappers(s("frame"), n(frame)).unwrap();
    assert_big(&mappers.get(1), top_vpn, "the frame's page");
    // Ranges come in whole grains of 2^7 pages, exact as numbers; the cell there shows the page.
    assert_eq!(sim.pages_per_space().unwrap(), (1u64 << 60) as f64);
    let ranges = sim.view_ranges(n(0.0), n(16.0), n(1.0)).unwrap();
    let (lo, hi) = (ranges[ranges.len() - 2], ranges[ranges.len() - 1]);
    assert_eq!((lo, hi), (((1u64 << 60) - 128) as f64, (1u64 << 60) as f64));
    let cells = sim.view_cells(n(0.0), n(lo), n(128.0), n(1.0)).unwrap();
    assert_eq!(cells.len(), 3);
    assert_eq!(cells[2], 1, "one resident page in the top cell");
    assert!(sim.view_cells(n(0.0), n((1u64 << 61) as f64), n(1.0), n(1.0)).is_err(), "past the space");
}

#[wasm_bindgen_test]
fn hostile_addresses_are_errors_not_traps() {
    let sim = Simulator::new(s("config vbits=64 levels=4\nspawn A\n")).unwrap();
    sim.run(n(1.0)).unwrap();
    let huge = js_sys::BigInt::new(&s(&format!("1{}", "0".repeat(100)))).unwrap();
    let hostile = [
        (big(1 << 64), "2^64 − 1"),
        (JsValue::from(-1i64), "2^64 − 1"),
        (huge.into(), "digits"),
        (n(-1.0), "whole number"),
        (n(f64::NAN), "whole number"),
        (n(1e300), "past 2^53 − 1"),
        (n(18446744073709551616.0), "past 2^53 − 1"),
        (n(0.5), "whole number"),
        (s("0x10000000000000000"), "hex digits"),
        (s("banana"), "hex digits"),
        (JsValue::TRUE, "must be a number"),
        (js_sys::Object::new().into(), "must be a number"),
    ];
    for (v, expected) in hostile {
        let results = [
            sim.read(n(0.0), v.clone()).map(|_| ()),
            sim.write(n(0.0), v.clone(), n(1.0)),
            sim.free(n(0.0), v.clone()),
            sim.translate(n(0.0), v.clone()).map(|_| ()),
            sim.allocate(n(0.0), n(4096.0), s("rw"), v.clone(), JsValue::UNDEFINED).map(|_| ()),
            sim.allocate(n(0.0), v.clone(), s("rw"), JsValue::UNDEFINED, JsValue::UNDEFINED).map(|_| ()),
        ];
        for r in results {
            let m = message(r.unwrap_err());
            assert!(m.contains(expected), "{v:?}: {m:?} should mention {expected:?}");
        }
    }
    // A narrower space still refuses what is past its top, BigInt or not.
    let narrow = Simulator::new(s("config vbits=16\nspawn A\n")).unwrap();
    narrow.run(n(1.0)).unwrap();
    assert!(message(narrow.read(n(0.0), big(1 << 20)).unwrap_err()).contains("outside the 16-bit"));
    // Still working after all that.
    let top = sim.allocate(n(0.0), n(4096.0), s("rw"), s("0xfffffffffffff000"), JsValue::UNDEFINED).unwrap();
    assert_big(&top, 0xffff_ffff_ffff_f000, "the top page");
    sim.write(n(0.0), big(u64::MAX as u128), n(1.0)).unwrap();
    assert_eq!(sim.read(n(0.0), big(u64::MAX as u128)).unwrap(), Some(1));
}

/// `translateExercise(seed, count, levels)` gives the exercise the Rust function gives (so the
/// page's worksheet is the CLI's), and bad arguments are JS Errors.
#[wasm_bindgen_test]
fn translate_exercise_is_the_rust_exercise_and_refuses_bad_input() {
    use pagesim::scenario::translate_exercise::translate_exercise;
    for (seed, levels) in [(42.0, 1), (42.0, 2), (7.0, 3), (4_294_967_295.0, 2)] {
        let out = api::translate_exercise(n(seed), n(10.0), n(levels as f64)).unwrap();
        let e = translate_exercise(seed as u64, 10, levels).unwrap();
        assert_eq!(get(&out, "text").as_string().unwrap(), e.scenario, "the scenario that builds the machine");
        assert_eq!(get(&out, "describe").as_string().unwrap(), e.describe(), "the question as the CLI prints it");
        assert_eq!(get(&out, "summary").as_string().unwrap(), e.summary(), "the answers counted");
        let j = get(&out, "exercise");
        assert_eq!(get(&j, "kind").as_string().unwrap(), "translate");
        assert_eq!((num(&j, "seed"), num(&j, "levels"), num(&j, "pdbr")), (seed, levels as f64, e.pdbr as f64));
        assert_eq!((num(&j, "page_size"), num(&j, "va_bits")), (e.page_size as f64, e.va_bits as f64));
        let tables = get(&j, "tables");
        assert_eq!(Reflect::own_keys(&tables).unwrap().length() as usize, e.tables.len());
        for t in &e.tables {
            let entries: Array = get(&tables, &t.frame.to_string()).unchecked_into();
            let got: Vec<Option<u32>> =
                entries.iter().map(|x| get(&x, "valid").as_bool().unwrap().then(|| num(&x, "pfn") as u32)).collect();
            assert_eq!(got, t.entries, "the table in frame {}", t.frame);
        }
        let addresses: Array = get(&j, "addresses").unchecked_into();
        assert_eq!(addresses.length() as usize, e.addresses.len());
        for (a, want) in addresses.iter().zip(&e.addresses) {
            assert_eq!(num(&a, "va"), want.va as f64);
            assert_eq!(get(&a, "pa").as_f64(), want.pa.map(|p| p as f64));
            assert_eq!(get(&a, "fault").as_string().as_deref(), want.pa.is_none().then_some("not_present"));
            assert_eq!(get(&a, "explain").as_string().unwrap(), e.explain(want));
        }
    }
    for (seed, count, levels, expected) in [
        (n(1.0), n(10.0), n(0.0), "the levels must be from 1 to 3, not 0"),
        (n(1.0), n(10.0), n(4.0), "levels must be at most 3"),
        (n(1.0), n(1.0), n(2.0), "the count must be from 2 to 100 addresses, not 1"),
        (n(1.0), n(101.0), n(2.0), "count must be at most 100"),
        (n(-1.0), n(10.0), n(2.0), "seed must be a whole number"),
        (n(1.0), n(10.0), s("two"), "levels must be a number"),
        (n(1.0), JsValue::UNDEFINED, n(2.0), "count must be a number"),
    ] {
        let err = api::translate_exercise(seed, count, levels).unwrap_err();
        let text = message(err);
        assert!(text.contains(expected), "{expected:?} in {text:?}");
    }
}

/// A one-level table over a wide page number (36 bits, a hash map) on a 32-bit target: no table
/// is sized by shifting a 32-bit usize past its width (a trap in checked builds).
#[wasm_bindgen_test]
fn a_wide_single_level_table_works_where_usize_is_32_bits() {
    for config in ["levels=1 vbits=48", "levels=1 vbits=44", "levels=1 vbits=36 page=16", "levels=1 vbits=64 page=16"] {
        let text = format!("config frames=8 {config}\nspawn A flat\nwrite A 0x12345 7\nread A 0x12345\n");
        let sim = Simulator::new(s(&text)).unwrap();
        sim.run(n(10.0)).unwrap();
        assert_eq!(num(&get(&sim.stats().unwrap(), "total"), "accesses"), 2.0, "{config}");
    }
}
