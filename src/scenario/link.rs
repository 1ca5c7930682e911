//! Share links (README, *Links*): `index.html#s=1.<base64url(raw deflate(scenario text))>&t=STEP`.
//!
//! A link is untrusted input: decoding checks the version tag, the alphabet, the deflate stream
//! and caps the decompressed size, and says which of these failed. The page (through wasm) and
//! `pagesim link` use this same code, so they make the same links.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;
use std::fmt;

/// The version tag that starts every payload.
pub const VERSION_TAG: &str = "1.";
pub use crate::limits::MAX_LINK_TEXT_BYTES as MAX_TEXT_BYTES;
/// Longest payload accepted before decoding (deflate cannot expand text by more than this suggests).
pub const MAX_PAYLOAD_CHARS: usize = 2 * MAX_TEXT_BYTES;

/// base64url without padding when writing; padding tolerated when reading.
const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// No `s=` in the fragment.
    Missing,
    /// `s=` with nothing after it.
    Empty,
    WrongVersion(String),
    NotBase64,
    /// The deflate stream ends early or is damaged.
    Corrupt,
    TooLarge,
    NotText,
    BadStep(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Missing => write!(f, "this link has no scenario in it (no s=…)"),
            LinkError::Empty => write!(f, "this link's scenario is empty: nothing follows s="),
            LinkError::WrongVersion(tag) => write!(
                f,
                "this link was made by a different version of pagesim (it starts with {}, expected \"{VERSION_TAG}\")",
                crate::engine::error::quoted(tag)
            ),
            LinkError::NotBase64 => write!(f, "this link is damaged: the scenario is not valid base64url"),
            LinkError::Corrupt => write!(f, "this link is damaged or cut short: the scenario data does not decompress"),
            LinkError::TooLarge => write!(f, "this link's scenario is larger than {} KiB", MAX_TEXT_BYTES / 1024),
            LinkError::NotText => write!(f, "this link is damaged: the scenario is not UTF-8 text"),
            LinkError::BadStep(s) => write!(f, "this link's step t={s} is not a step number"),
        }
    }
}

impl std::error::Error for LinkError {}

/// Texts up to this size are compressed as tightly as deflate can; longer ones at the default
/// level, which makes links ~5% longer but costs a third of the time: the page makes a link
/// whenever playback pauses, and a long trace-like scenario at level 9 took 25–100 ms there.
const BEST_LEVEL_UP_TO: usize = 16 * 1024;

/// `1.<base64url(raw deflate(text))>`.
pub fn encode(text: &str) -> String {
    let level = if text.len() <= BEST_LEVEL_UP_TO { 9 } else { 6 };
    let compressed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), level);
    format!("{VERSION_TAG}{}", B64.encode(compressed))
}

/// The scenario text a payload carries.
pub fn decode(payload: &str) -> Result<String, LinkError> {
    let payload = payload.trim();
    if payload.is_empty() {
        return Err(LinkError::Empty);
    }
    let Some(body) = payload.strip_prefix(VERSION_TAG) else {
        let tag: String = payload.chars().take_while(|&c| c != '.').take(8).collect();
        return Err(LinkError::WrongVersion(if payload.contains('.') { format!("{tag}.") } else { tag }));
    };
    if body.len() > MAX_PAYLOAD_CHARS {
        return Err(LinkError::TooLarge);
    }
    let compressed = B64.decode(body).map_err(|e| match e {
        // A wrong length or a dangling last symbol is what cutting a link short looks like.
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..) => LinkError::Corrupt,
        _ => LinkError::NotBase64,
    })?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_TEXT_BYTES).map_err(|e| {
        if e.status == TINFLStatus::HasMoreOutput {
            LinkError::TooLarge
        } else {
            LinkError::Corrupt
        }
    })?;
    String::from_utf8(bytes).map_err(|_| LinkError::NotText)
}

/// The modes a link may open in (`mode=predict`: the page asks before each step).
pub const MODES: [&str; 1] = ["predict"];

/// What a link's fragment asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkState {
    pub text: String,
    /// `t=N`: the step to open at.
    pub step: Option<usize>,
    /// `mode=…`, one of [`MODES`] (a mode this version does not know is ignored).
    pub mode: Option<&'static str>,
    /// `embed` flag (index.html#embed&s=…).
    pub embed: bool,
}

/// Parses a fragment such as `s=1.xyz&t=12&mode=predict` (a leading `#` is allowed).
pub fn parse_fragment(fragment: &str) -> Result<LinkState, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut text = None;
    let mut step = None;
    let mut mode = None;
    let mut embed = false;
    for part in fragment.split('&') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match key {
            "s" => text = Some(decode(value)?),
            "t" => {
                step = Some(value.parse::<usize>().map_err(|_| LinkError::BadStep(value.chars().take(12).collect()))?)
            }
            "mode" => mode = MODES.iter().find(|&&m| m == value).copied(),
            "embed" => embed = true,
            _ => {} // unknown keys are ignored, for links from later versions
        }
    }
    Ok(LinkState { text: text.ok_or(LinkError::Missing)?, step, mode, embed })
}

/// The full share URL: `base#s=…` plus `&t=step` when not at the start.
pub fn share_url(base: &str, text: &str, step: Option<usize>) -> String {
    let base = base.split('#').next().unwrap_or(base);
    let mut url = format!("{base}#s={}", encode(text));
    if let Some(t) = step.filter(|&t| t > 0) {
        url.push_str(&format!("&t={t}"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text_and_state() {
        let text = "config frames=3\nspawn A code=1 # ünïcödé comment\nrefs A 1 1 1\n";
        let payload = encode(text);
        assert!(payload.starts_with("1."));
        assert!(payload[2..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&payload).unwrap(), text);
        let url = share_url("https://example.org/pagesim/index.html#old", text, Some(7));
        let state = parse_fragment(url.split_once('#').unwrap().1).unwrap();
        assert_eq!(state, LinkState { text: text.into(), step: Some(7), mode: None, embed: false });
        let state = parse_fragment(&format!("#embed&s={payload}&mode=predict")).unwrap();
        assert!(state.embed);
        assert_eq!(state.mode, Some("predict"));
        let odd = parse_fragment(&format!("s={payload}&mode=<script>")).unwrap();
        assert_eq!(odd.mode, None, "a mode this version does not know is ignored, not cleaned up");
        assert_eq!(parse_fragment("s=&t=3").unwrap_err(), LinkError::Empty);
        assert!(LinkError::Empty.to_string().contains("empty"));
    }

    #[test]
    fn long_scenarios_round_trip_on_both_sides_of_the_level_switch() {
        // A trace-like scenario, as the page's long-run tests load.
        let mut text = String::from("config frames=16\nspawn A flat\n");
        let mut x: u32 = 12345;
        while text.len() < 4 * BEST_LEVEL_UP_TO {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            text += &format!("read A {:#x}\n", ((x >> 8) % 64) * 4096);
        }
        for short in [&text[..BEST_LEVEL_UP_TO], &text[..BEST_LEVEL_UP_TO + 1]] {
            assert_eq!(decode(&encode(short)).unwrap(), short);
        }
        let payload = encode(&text);
        assert_eq!(decode(&payload).unwrap(), text);
        let tightest = B64.encode(miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9)).len();
        assert!(payload.len() < tightest * 11 / 10, "{} vs {tightest}", payload.len());
    }

    #[test]
    fn every_malformed_payload_has_its_own_error() {
        let good = encode("spawn A\nread A 0x1000\n");
        assert_eq!(decode(&good.replacen("1.", "2.", 1)), Err(LinkError::WrongVersion("2.".into())));
        assert_eq!(decode("xyz"), Err(LinkError::WrongVersion("xyz".into())));
        assert_eq!(decode("1.ab$c"), Err(LinkError::NotBase64));
        for cut in 1..8 {
            assert_eq!(decode(&good[..good.len() - cut]), Err(LinkError::Corrupt), "cut {cut}");
        }
        assert_eq!(decode("1.AAAA"), Err(LinkError::Corrupt));
        let huge = "a".repeat(MAX_TEXT_BYTES + 1);
        assert_eq!(decode(&encode(&huge)), Err(LinkError::TooLarge));
        assert_eq!(decode(&encode(&"b".repeat(MAX_TEXT_BYTES))).unwrap().len(), MAX_TEXT_BYTES);
        let not_utf8 = B64.encode(miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe], 6));
        assert_eq!(decode(&format!("1.{not_utf8}")), Err(LinkError::NotText));
        assert_eq!(parse_fragment("t=3"), Err(LinkError::Missing));
        assert_eq!(parse_fragment(&format!("s={good}&t=x")), Err(LinkError::BadStep("x".into())));
    }
}
