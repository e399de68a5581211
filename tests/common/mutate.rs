//! Generated hostile input for the parsers' property tests: a seed file of
//! the real kind (a runbook, a plan, a journal, a theme) mutated the ways
//! files really break (truncated, bytes flipped, lines lost or repeated) and
//! the ways a hostile author breaks them (extreme numbers, huge repeats, deep
//! nesting, stray byte-order marks).

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;

/// Tokens that have broken parsers before: out-of-range numbers and
/// durations, odd Unicode, Markdown openers, TOML and JSON punctuation.
pub const HOSTILE: &[&str] = &[
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807",
    "18446744073709551615s",
    "99999999999999999999y",
    "1000000w",
    "584942417355y",
    "0",
    "-1",
    "1e308",
    "NaN",
    "\u{feff}",
    "\u{0}",
    "\u{202e}",
    "🚒",
    "\r\n",
    "\t",
    "\\",
    "\"",
    "'''",
    "\"\"\"",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    "#",
    "# ",
    "- ",
    "1. ",
    "> ",
    "```",
    "| a | b |",
    "[a](",
    "*_",
    "<!--",
    "$(",
    "`",
    "9999-12-31T23:59:59Z",
    "-009999-01-01T00:00:00Z",
    "25:61",
];

/// One change to a file.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Cut the file at this fraction of its length.
    Truncate(f64),
    /// Replace the byte at this fraction of the length.
    Flip(f64, u8),
    /// Insert a hostile token at this fraction of the length.
    Insert(f64, &'static str),
    /// Repeat a hostile token many times at this fraction of the length.
    Repeat(f64, &'static str, usize),
    /// Drop the line at this fraction of the line count.
    DropLine(f64),
    /// Repeat the line at this fraction of the line count.
    DuplicateLine(f64, usize),
    /// Swap two lines.
    SwapLines(f64, f64),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..=1.0f64;
    let token = proptest::sample::select(HOSTILE);
    prop_oneof![
        at.clone().prop_map(Mutation::Truncate),
        (at.clone(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
        (at.clone(), token.clone()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (at.clone(), token, 2..2000usize).prop_map(|(a, t, n)| Mutation::Repeat(a, t, n)),
        at.clone().prop_map(Mutation::DropLine),
        (at.clone(), 2..50usize).prop_map(|(a, n)| Mutation::DuplicateLine(a, n)),
        (at.clone(), at).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

/// `seed` with one to `max` mutations applied in turn.
pub fn mutated(seed: &'static [u8], max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(mutation(), 1..=max.max(1)).prop_map(move |ms| {
        let mut bytes = seed.to_vec();
        for m in &ms {
            apply(&mut bytes, m);
        }
        bytes
    })
}

/// Like `mutated`, for parsers that take `&str`: invalid UTF-8 is replaced.
pub fn mutated_text(seed: &'static str, max: usize) -> impl Strategy<Value = String> {
    mutated(seed.as_bytes(), max).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn index(fraction: f64, len: usize) -> usize {
    ((fraction.clamp(0.0, 1.0) * len as f64) as usize).min(len)
}

pub fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    match *mutation {
        Mutation::Truncate(at) => bytes.truncate(index(at, bytes.len())),
        Mutation::Flip(at, byte) => {
            let i = index(at, bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b = byte;
            }
        }
        Mutation::Insert(at, token) => {
            let i = index(at, bytes.len());
            bytes.splice(i..i, token.bytes());
        }
        Mutation::Repeat(at, token, n) => {
            let i = index(at, bytes.len());
            bytes.splice(i..i, token.repeat(n).into_bytes());
        }
        Mutation::DropLine(at) | Mutation::DuplicateLine(at, _) | Mutation::SwapLines(at, _) => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let i = index(at, lines.len().saturating_sub(1));
            match *mutation {
                Mutation::DropLine(_) => {
                    lines.remove(i);
                }
                Mutation::DuplicateLine(_, n) => {
                    let line = lines[i].clone();
                    for _ in 1..n {
                        lines.insert(i, line.clone());
                    }
                }
                Mutation::SwapLines(_, other) => {
                    let j = index(other, lines.len().saturating_sub(1));
                    lines.swap(i, j);
                }
                _ => {}
            }
            *bytes = lines.join(&b'\n');
        }
    }
}

/// Runs `f` on its own thread and fails the test if it has not finished
/// within `limit`: a hang is a failure, not a stuck suite. The limit is a
/// watchdog far above any expected time, not a measurement.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what} did not finish within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}
