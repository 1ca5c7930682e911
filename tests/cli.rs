//! The command line as users meet it: output formats, a real valgrind trace, and bad input that
//! must exit non-zero with `file:line: what is wrong`, never a panic.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn pagesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagesim")).args(args).output().unwrap()
}

fn pagesim_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pagesim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn temp_file(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("pagesim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

/// Asserts a clean failure whose message contains `expected`.
fn fails_with(out: &Output, expected: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {err}");
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
}

#[test]
fn run_prints_sentences_and_statistics() {
    let f = temp_file("ok.txt", "config frames=1 tlb=0\nspawn A code=1\nalloc A heap 8K rw\nwrite A 0x2000 42\nwrite A 0x3000 7\nread A 0x2000\n");
    let out = pagesim(&["run", &f]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("step 3 (line 4): A write 0x2000 = 42: page 2 not in memory → minor fault"), "{text}");
    assert!(text.contains("major fault, read from swap slot 0 into frame 0"), "{text}");
    assert!(text.contains("value 42"), "{text}");
    assert!(text.contains("total: accesses 3"), "{text}");
}

#[test]
fn run_json_has_steps_events_and_statistics() {
    let f = temp_file("json.txt", "spawn A\nread A 0x0\n");
    let out = pagesim(&["run", &f, "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // `stats` has the shape of the JavaScript API's `stats()`.
    assert_eq!(v["stats"]["total"]["segfaults"], 1);
    let access = &v["steps"][1]["events"][0];
    assert_eq!(access["type"], "access");
    assert_eq!(access["result"], "segmentation_fault");
    assert_eq!(access["reason"], "null_page");
    assert!(access["text"].as_str().unwrap().contains("null pointer dereference"));
    assert_eq!(v["stats"]["processes"][0]["ended"], "segmentation_fault");
    assert_eq!(access["name"], "A");
    assert_eq!(access["op"], "read");
}

#[test]
fn a_real_valgrind_trace_replays() {
    let out = pagesim(&["trace", &data("sumarr.lackey.gz"), "--policy", "lru", "--frames", "8", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 65,545 lines: valgrind's banner (==N== lines) is skipped, every I/L/S/M line is one access.
    assert!(v["accesses"].as_u64().unwrap() > 60_000, "{v}");
    assert_eq!(v["accesses"], v["hits"].as_u64().unwrap() + v["faults"].as_u64().unwrap());
    let distinct = v["distinct_pages"].as_u64().unwrap();
    assert!(distinct > 8, "the program touches code, stack, data and its 16 KiB array: {v}");
    assert!(v["faults"].as_u64().unwrap() >= distinct, "every distinct page faults at least once");
    assert!(v["swap_outs"].as_u64().unwrap() > 0);
    // The same file read as plain text from stdin gives the same figures.
    let gz = std::fs::read(data("sumarr.lackey.gz")).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
    let out2 =
        pagesim_stdin(&["trace", "-", "--format", "lackey", "--policy", "lru", "--frames", "8", "--json"], &plain);
    assert_eq!(out.stdout, out2.stdout);
}

#[test]
fn trace_formats_from_stdin() {
    let out = pagesim_stdin(
        &["trace", "-", "--policy", "fifo", "--frames", "2", "--json"],
        b"R 0x1000\nW 0x2000\nR 0x3000\nR 1000\n",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["accesses"].as_u64(), v["faults"].as_u64(), v["swap_outs"].as_u64()), (Some(4), Some(4), Some(2)));
    let out = pagesim_stdin(&["trace", "-", "--policy", "lru", "--frames", "3"], b"1 2 3 1");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("4 accesses (pages format) to 3 distinct pages"), "{text}");
}

#[test]
fn bad_input_names_file_and_line() {
    let bad = temp_file("bad.txt", "spawn A\nalloc A heap 16Q rw\n");
    fails_with(&pagesim(&["run", &bad]), &format!("{bad}:2:14: expected a size"));
    let dead = temp_file("dead.txt", "spawn A\nread A 0x0\nread A 0x1000\n");
    fails_with(&pagesim(&["run", &dead]), &format!("{dead}:3: A is no longer running"));
    let garbage = temp_file("garbage.pages", "1 2 3\n4 five 6\n");
    fails_with(
        &pagesim(&["trace", &garbage, "--policy", "lru", "--frames", "3"]),
        &format!("{garbage}:2: expected a decimal page number"),
    );
    let lackey = temp_file("bad.lackey", "I  0400,3\n L 04zz,4\n");
    fails_with(
        &pagesim(&["trace", &lackey, "--format", "lackey", "--policy", "lru", "--frames", "3"]),
        &format!("{lackey}:2: expected a hex address"),
    );
    fails_with(
        &pagesim(&["trace", &garbage, "--policy", "lru", "--frames", "0"]),
        &format!("{garbage}: invalid configuration: frames must be from 1"),
    );
    fails_with(
        &pagesim(&["trace", &garbage, "--policy", "lru", "--curve", "--page-size", "1000"]),
        &format!("{garbage}: invalid configuration: page size must be a power of two"),
    );
    fails_with(&pagesim(&["trace", &garbage, "--policy", "belady", "--frames", "3"]), "expected one of fifo");
    // A curve length the size of a number, not of the trace: refused before any allocation.
    let pages = temp_file("ok.pages", "1 2 3 1 2\n");
    fails_with(
        &pagesim(&["trace", &pages, "--policy", "lru", "--curve", "--max", "4000000000"]),
        "--max: a curve covers 1 to 65536 frame counts, not 4000000000",
    );
    fails_with(&pagesim(&["trace", &garbage, "--policy", "lru", "--frames", "3", "--bogus"]), "--bogus");
    fails_with(&pagesim(&["run", "/no/such/file"]), "/no/such/file: cannot read");
    let config = temp_file("config.txt", "config frames=4 reclaim=3,9\n");
    fails_with(&pagesim(&["run", &config]), &format!("{config}:1:17: invalid configuration: reclaim"));
    fails_with(&pagesim(&["frobnicate"]), "frobnicate");
}

#[test]
fn link_prints_a_url_that_decodes_to_the_file() {
    let text = "config frames=3\nspawn T flat\nrefs T 1 2 3 1\n";
    let f = temp_file("link.txt", text);
    let out = pagesim(&["link", &f, "--base", "https://example.org/pagesim/", "--step", "3"]);
    assert!(out.status.success());
    let url = String::from_utf8(out.stdout).unwrap();
    assert!(url.starts_with("https://example.org/pagesim/#s=1."), "{url}");
    let state = pagesim::scenario::link::parse_fragment(url.trim().split_once('#').unwrap().1).unwrap();
    assert_eq!(state.text, text);
    assert_eq!(state.step, Some(3));
    let bad = temp_file("badlink.txt", "spawn\n");
    fails_with(&pagesim(&["link", &bad]), &format!("{bad}:1:6: expected a process name"));
}

/// `--curve` against one replay per frame count, for every policy (the stack algorithms in one
/// pass, FIFO and CLOCK simulated per size, the others replayed per size).
#[test]
fn curves_equal_one_replay_per_frame_count() {
    let trace = data("sumarr.lackey.gz");
    for policy in ["lru", "opt", "fifo", "clock", "nru", "lfu", "aging", "random"] {
        let out = pagesim(&["trace", &trace, "--policy", policy, "--curve", "--max", "24", "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["policy"], policy);
        let curve: Vec<u64> = v["curve"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
        assert_eq!(curve.len(), 24);
        for frames in [1usize, 2, 3, 5, 8, 13, 21, 24] {
            let one = pagesim(&["trace", &trace, "--policy", policy, "--frames", &frames.to_string(), "--json"]);
            let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
            assert_eq!(curve[frames - 1], one["faults"].as_u64().unwrap(), "{policy}, {frames} frames");
        }
        if policy == "lru" || policy == "opt" {
            assert!(curve.windows(2).all(|w| w[0] >= w[1]), "{policy}: a stack algorithm never gets worse");
        }
    }
    // The text form has a line per frame count.
    let text = pagesim(&["trace", &trace, "--policy", "lru", "--curve", "--max", "3"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("lru page faults for 1…3 frames"), "{text}");
    assert_eq!(text.lines().count(), 4);
    fails_with(&pagesim(&["trace", &trace, "--policy", "lru", "--curve", "--frames", "3"]), "--frames");
    fails_with(&pagesim(&["trace", &trace, "--policy", "lru"]), "--frames");
}

#[test]
fn an_unknown_preset_names_the_ones_there_are() {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_pagesim")).args(["run", "--preset", "nope"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no preset is called \"nope\"") && err.contains("clock"), "{err}");
}

/// Every eviction says why that page, in the policy's own terms, and `--explain` prints a line
/// per access with the victim, the reason and the policy's state (OSTEP style).
#[test]
fn evictions_say_why_and_explain_shows_each_access() {
    const REFS: &str = "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1";
    let reasons = [
        ("fifo", "FIFO: the earliest loaded, at t=", 15),
        ("lru", "LRU: the least recently used, last at t=", 12),
        ("clock", "CLOCK: the hand was at frame", 14),
        ("nru", "NRU: class ", 0),
        ("lfu", "LFU: used ", 0),
        ("aging", "AGING: aging counter ", 0),
        ("opt", "OPT: ", 9),
        ("random", "RANDOM: drawn at random from seed 7", 0),
    ];
    for (policy, reason, faults) in reasons {
        let file = temp_file(
            &format!("why-{policy}.scn"),
            &format!("config frames=3 tlb=0 seed=7 policy={policy}\nspawn T flat\nrefs T {REFS}\n"),
        );
        let out = pagesim(&["run", &file]);
        let text = String::from_utf8(out.stdout).unwrap();
        let evictions = text.lines().filter(|l| l.contains("evicted T page")).count();
        assert!(evictions >= 5, "{policy}: {evictions} evictions");
        let explained = text.lines().filter(|l| l.contains("evicted T page") && l.contains(reason)).count();
        assert_eq!(explained, evictions, "{policy}: every eviction gives the reason {reason:?}:\n{text}");

        let out = pagesim(&["run", "--explain", &file]);
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("Access:")).collect();
        assert_eq!(lines.len(), 20, "{policy}: a line per access");
        let misses = lines.iter().filter(|l| l.contains(" MISS")).count();
        if faults > 0 {
            assert_eq!(misses, faults, "{policy}: textbook faults");
        }
        assert!(lines[19].contains(&format!("Misses:{misses}]")), "{}", lines[19]);
        assert!(lines.iter().filter(|l| l.contains("replaced")).all(|l| l.contains(reason)), "{policy}");
    }
    // The state after the access, next victim first: FIFO's queue after 7 0 1 2 is 0 1 2.
    let file = temp_file("why-fifo.scn", &format!("config frames=3 tlb=0 policy=fifo\nspawn T flat\nrefs T {REFS}\n"));
    let text = String::from_utf8(pagesim(&["run", "--explain", &file]).stdout).unwrap();
    let fourth = text.lines().filter(|l| l.trim_start().starts_with("Access:")).nth(3).unwrap().to_string();
    assert!(fourth.contains("Access: 2  MISS, replaced 7 (FIFO: the earliest loaded, at t=0)"), "{fourth}");
    assert!(fourth.contains("FIFO → [0(t=1) 1(t=2) 2(t=3)]"), "{fourth}");
    fails_with(&pagesim(&["run", "--explain", "--json", &file]), "--json");
}

/// A byte-order mark (as Windows editors write) starts a scenario or a trace, plain or gzip;
/// a config line that sets one thing twice (also under two of its names) is an error at the
/// second, naming the first.
#[test]
fn a_byte_order_mark_is_read_and_a_setting_twice_is_an_error() {
    let scenario = temp_file("bom.scn", "\u{feff}config frames=3\nspawn A\n");
    let out = pagesim(&["run", &scenario]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (name, bytes) in
        [("bom.rw", b"\xef\xbb\xbfR 0x1000\nW 0x2000\n".to_vec()), ("bom.pages", b"\xef\xbb\xbf7 0 1 7\n".to_vec())]
    {
        let path = temp_file(name, "");
        std::fs::write(&path, &bytes).unwrap();
        let gz = format!("{path}.gz");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&bytes).unwrap();
        std::fs::write(&gz, e.finish().unwrap()).unwrap();
        for file in [&path, &gz] {
            let out = pagesim(&["trace", file, "--policy", "lru", "--frames", "2", "--json"]);
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
            let accesses = if name.ends_with(".rw") { 2 } else { 4 };
            assert!(text.contains(&format!("\"accesses\":{accesses},")), "{file}: {text}");
        }
    }
    let twice = temp_file("twice.scn", "config frames=3 frames=4\nspawn A\n");
    fails_with(&pagesim(&["run", &twice]), "twice.scn:1:17: frames is set twice (first at column 8)");
    let aliases = temp_file("aliases.scn", "config page=4K frames=2 page_size=8K\nspawn A\n");
    fails_with(&pagesim(&["run", &aliases]), "aliases.scn:1:25: page is set twice (first at column 8)");
}

/// Hostile trace and scenario inputs end in a short, clear error or a correct answer, never in a
/// runaway: an endless line (`/dev/zero`), control characters quoted escaped, several gzip
/// members read as one stream, and parsing that grows linearly with the scenario.
#[test]
fn hostile_inputs_end_in_clear_errors_and_parsing_is_linear() {
    if std::path::Path::new("/dev/zero").exists() {
        fails_with(
            &pagesim(&["trace", "/dev/zero", "--policy", "lru", "--frames", "4"]),
            "/dev/zero:1: longer than 64 KiB",
        );
    }
    let evil = temp_file("evil.rw", "R 0x1000\u{1b}[31mEVIL\u{0}\n");
    let out = pagesim(&["trace", &evil, "--policy", "lru", "--frames", "4"]);
    fails_with(&out, "evil.rw:1: expected a hex address, found \"0x1000\\u{1b}[31mEVIL\\u{0}\"");
    assert!(!out.stderr.contains(&0x1b) && !out.stderr.contains(&0), "no raw control bytes on the terminal");
    let two = temp_file("two-members.rw.gz", "");
    let mut bytes = Vec::new();
    for line in ["R 0x1000\n", "W 0x2000\n"] {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(line.as_bytes()).unwrap();
        bytes.extend(e.finish().unwrap());
    }
    std::fs::write(&two, bytes).unwrap();
    let out = pagesim(&["trace", &two, "--policy", "lru", "--frames", "4", "--json"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"accesses\":2,"), "both members read");
    // 20,000 and 100,000 `alloc` lines: five times the lines, about five times the time.
    let allocs = |n: usize| {
        let mut text = String::from("config frames=64 vbits=48 swap=1024\nspawn A\n");
        for i in 0..n {
            text.push_str(&format!("alloc A r{i} 4K rw\n"));
        }
        let file = temp_file(&format!("allocs-{n}.scn"), &text);
        let start = std::time::Instant::now();
        assert!(pagesim(&["run", &file]).status.success());
        start.elapsed().as_secs_f64()
    };
    let (small, large) = (allocs(20_000), allocs(100_000));
    assert!(large < 12.0 * small.max(0.01), "not linear: 20,000 lines {small:.2} s, 100,000 lines {large:.2} s");
}

/// `pagesim limits` prints the limits the engine keeps: the same numbers the engine enforces.
#[test]
fn limits_are_printed_from_the_one_table_the_engine_uses() {
    let out = pagesim(&["limits", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let frames = v.as_array().unwrap().iter().find(|l| l["name"] == "frames").unwrap();
    let max = frames["max"].as_u64().unwrap();
    let at = |n: u64| temp_file(&format!("f{n}.txt"), &format!("config frames={n}\n"));
    assert!(pagesim(&["run", &at(max)]).status.success());
    fails_with(&pagesim(&["run", &at(max + 1)]), &format!("frames must be from 1 to {max}"));
    assert!(String::from_utf8(pagesim(&["limits"]).stdout).unwrap().contains("bytes of scenario a share link carries"));
}

/// `pagesim exercise --kind translate`: the question (machine, base register, dump, addresses),
/// `--answers` adding each walk, and `--json` the same exercise with the same answers.
#[test]
fn a_translation_exercise_prints_its_question_answers_and_json() {
    let args = ["exercise", "--kind", "translate", "--seed", "42", "--levels", "2"];
    let out = pagesim(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let question = String::from_utf8(out.stdout).unwrap();
    for part in
        ["Translation exercise (seed 42): 2 levels", "Machine: ", "2 indices of", "Base register (pdbr): frame "]
    {
        assert!(question.contains(part), "{part:?} in: {question}");
    }
    assert!(question.contains("the top bit (0x80) valid"), "the dump says its format: {question}");
    assert!(question.lines().any(|l| l.starts_with("frame ") && l.contains("[0] ")), "{question}");
    assert_eq!(question.matches(": physical address or fault?").count(), 10);
    assert!(!question.contains("→"), "the question gives no answer away");

    let out = pagesim(&[&args[..], &["--answers"]].concat());
    let answers = String::from_utf8(out.stdout).unwrap();
    assert!(answers.starts_with(&question), "the answers follow the question unchanged");
    let j: serde_json::Value = serde_json::from_slice(&pagesim(&[&args[..], &["--json"]].concat()).stdout).unwrap();
    for a in j["addresses"].as_array().unwrap() {
        let va = a["va"].as_u64().unwrap();
        let line = answers.lines().find(|l| l.starts_with(&format!("  VA {va:#x} = "))).unwrap();
        match a["pa"].as_u64() {
            Some(pa) => assert!(line.ends_with(&format!("→ pa {pa:#x}")), "{line}"),
            None => assert!(line.ends_with("not valid → fault: not present"), "{line}"),
        }
        assert!(line.contains(a["explain"].as_str().unwrap()), "{line}");
    }
    let faults = j["faults"].as_u64().unwrap();
    assert!(answers.contains(&format!("{} translate, {faults} fault (", 10 - faults)), "{answers}");
}
