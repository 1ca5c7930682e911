//! Traces of any length (README, *Command line*): a replay reads and replays on two threads with
//! the same figures as a replay of the whole trace, garbage fails at its first line quickly
//! however long the stream, and a damaged gzip stream says so.

use pagesim::engine::{Config, PolicyKind};
use pagesim::trace::{read_trace, replay, replay_stream, TraceFormat};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

/// A `rw` trace of `n` accesses: loops over moving arrays, a hot stack, random writes.
fn rw_text(n: usize) -> String {
    let mut x: u32 = 7;
    let mut s = String::with_capacity(n * 14);
    for i in 0..n {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let addr: u64 = match x & 7 {
            0 | 1 => 0x7ff0_00000 + ((x >> 20) as u64 & 0xfff) * 8,
            2..=5 => 0x1_0000_0000 + (i as u64 / 50_000 % 16) * 0x40_0000 + (i as u64 * 64 % 0x30_0000),
            _ => 0x2_0000_0000 + ((x >> 8) as u64 & 0xffff) * 16,
        };
        s.push_str(if x.is_multiple_of(3) { "W " } else { "R " });
        s.push_str(&format!("{addr:x}\n"));
    }
    s
}

#[test]
fn a_replay_as_it_reads_gives_the_figures_of_a_whole_replay() {
    // 300,000 accesses: several batches between the reading and the replaying thread.
    let text = rw_text(300_000);
    let trace = read_trace(text.as_bytes(), TraceFormat::Rw, 4096).unwrap();
    for policy in PolicyKind::ALL.into_iter().filter(|&p| p != PolicyKind::Opt) {
        for frames in [16, 700] {
            let config = Config { policy, frames, tlb_entries: 16, ..Config::default() };
            let whole = replay(&trace, config.clone(), None).unwrap();
            let (streamed, format) = replay_stream(text.as_bytes(), TraceFormat::Auto, config, None).unwrap();
            assert_eq!(format, TraceFormat::Rw);
            assert_eq!(streamed, whole, "{policy} with {frames} frames");
        }
    }
}

#[test]
fn an_endless_stream_of_garbage_fails_at_its_first_bad_line_at_once() {
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pagesim"))
        .args(["trace", "-", "--format", "rw", "--policy", "lru", "--frames", "64"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Good lines, one bad one, then garbage for as long as the reader will take it (up to 4 GB).
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(rw_text(1000).as_bytes());
        let _ = stdin.write_all(b"R 10 20 30 40\n");
        let junk = b"not a trace line at all\n".repeat(40_000);
        for _ in 0..4_000 {
            if stdin.write_all(&junk).is_err() {
                return true; // the reader stopped: the pipe is closed
            }
        }
        false
    });
    let out = child.wait_with_output().unwrap();
    assert!(writer.join().unwrap(), "pagesim stopped reading at the bad line");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("-:1001:"), "{err}");
    assert!(t.elapsed().as_secs() < 20, "it took {:?}", t.elapsed());
}

#[test]
fn a_damaged_or_cut_gzip_stream_says_so() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(rw_text(50_000).as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let config = Config { policy: PolicyKind::Lru, frames: 64, ..Config::default() };
    let err = replay_stream(cut, TraceFormat::Rw, config, None).unwrap_err().to_string();
    assert!(err.contains("gzip") || err.contains("end"), "{err}");
}

#[test]
fn a_replay_fed_pieces_cut_anywhere_gives_the_figures_of_a_whole_replay() {
    use pagesim::trace::StreamReplay;
    // Cuts at every kind of place: inside words, at line breaks, a byte at a time, and a long
    // reference string (a `pages` line longer than a line may be) read in pieces.
    let rw = rw_text(40_000);
    let long_pages: String = (0..30_000).map(|i| format!("{} ", (i * 7) % 500)).collect::<String>() + "\n1 2 3\n";
    for (format, text) in [(TraceFormat::Rw, rw.as_str()), (TraceFormat::Pages, long_pages.as_str())] {
        let config = Config { policy: PolicyKind::Clock, frames: 32, ..Config::default() };
        let whole = replay(&read_trace(text.as_bytes(), format, 4096).unwrap(), config.clone(), None).unwrap();
        for piece in [1usize, 7, 4096, 65_537] {
            let mut s = StreamReplay::new(TraceFormat::Auto, config.clone(), None).unwrap();
            for chunk in text.as_bytes().chunks(piece) {
                s.feed(chunk).unwrap();
            }
            let (summary, read_as) = s.finish().unwrap();
            assert_eq!(read_as, format);
            assert_eq!(summary, whole, "{format:?} in pieces of {piece}");
        }
    }
    // A bad line is named by its number, wherever the pieces were cut.
    let mut s = StreamReplay::new(TraceFormat::Rw, Config::default(), None).unwrap();
    s.feed(b"R 1000\nW 20").unwrap();
    let err = s.feed(b"00\nX 3000\n").unwrap_err().to_string();
    assert!(err.starts_with("3:"), "{err}");
    // opt needs the whole trace.
    let opt = Config { policy: PolicyKind::Opt, ..Config::default() };
    assert!(StreamReplay::new(TraceFormat::Rw, opt, None).err().unwrap().to_string().contains("looks ahead"));
}

#[test]
fn a_trace_too_long_to_read_whole_says_so_apart_from_a_broken_one() {
    use pagesim::trace::scan_trace;
    let text = rw_text(20);
    let long = scan_trace(text.as_bytes(), TraceFormat::Rw, 4096, 10, |_, _| {}).unwrap_err();
    assert!(long.too_long && long.message.contains("the most read whole"), "{long:?}");
    let broken = scan_trace(&b"R 1000\nQ 2000\n"[..], TraceFormat::Rw, 4096, 10, |_, _| {}).unwrap_err();
    assert!(!broken.too_long, "{broken:?}");
    assert_eq!(broken.line, 2);
}
