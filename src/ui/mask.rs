//! Presenter mode hides what identifies an AWS account on a projector:
//! account ids, the account in ARNs and the names in `*.amazonaws.com`
//! endpoints. Masking works on the drawn screen, after every pane, the
//! header, the footer and the popups are drawn, so nothing drawn escapes
//! it; the journal and exports are never masked.
//!
//! Every mask keeps the text's length (a hidden character becomes `•`), so
//! it replaces cells in place and the layout does not move:
//! `123456789012` becomes `••••••••9012`,
//! `arn:aws:rds:us-east-1:123456789012:db:x` becomes
//! `arn:aws:rds:us-east-1:••••••••••••:db:x`, and
//! `db.c9ak.us-east-1.rds.amazonaws.com` becomes
//! `••.••••.us-east-1.rds.amazonaws.com`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

const HIDDEN: char = '•';
/// A bare account id (or any longer run of digits) keeps this many digits.
const KEPT_DIGITS: usize = 4;
/// Account ids are 12 digits; no run this long survives.
const ACCOUNT_DIGITS: usize = 12;
const ENDPOINT_DOMAIN: &str = ".amazonaws.com";

/// `text` with account ids, ARN accounts and endpoint names hidden.
pub fn mask(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    mask_chars(&mut chars);
    chars.into_iter().collect()
}

/// Masks the drawn screen: each rectangle of `flows` read as one text,
/// its rows joined (a pane whose long words wrap onto the next row), then
/// every row of `area` on its own (header, footer, popups, pane titles).
pub fn mask_buffer(buf: &mut Buffer, area: Rect, flows: impl IntoIterator<Item = Rect>) {
    for rect in flows {
        mask_cells(buf, rect.intersection(area).positions().collect());
    }
    for row in area.rows() {
        mask_cells(buf, row.positions().collect());
    }
}

/// The cells at `positions` read in order as one text and masked in place.
fn mask_cells(buf: &mut Buffer, positions: Vec<Position>) {
    // A cell holding anything but one character (a wide glyph's shadow, a
    // combining sequence) reads as a character no mask matches or changes.
    const OTHER: char = '\u{fffd}';
    let mut chars: Vec<char> = positions
        .iter()
        .map(|&p| {
            buf.cell(p).map_or(OTHER, |cell| {
                let mut symbol = cell.symbol().chars();
                match (symbol.next(), symbol.next()) {
                    (Some(c), None) => c,
                    _ => OTHER,
                }
            })
        })
        .collect();
    let before = chars.clone();
    mask_chars(&mut chars);
    for ((&p, old), new) in positions.iter().zip(before).zip(chars) {
        if old != new
            && let Some(cell) = buf.cell_mut(p)
        {
            cell.set_char(new);
        }
    }
}

/// Masks in place; only ever turns characters into `HIDDEN`.
fn mask_chars(chars: &mut [char]) {
    let mut at = 0;
    while at < chars.len() {
        if !is_token_char(chars[at]) {
            at += 1;
            continue;
        }
        let end = chars[at..]
            .iter()
            .position(|&c| !is_token_char(c))
            .map_or(chars.len(), |n| at + n);
        mask_token(&mut chars[at..end]);
        at = end;
    }
    mask_digit_runs(chars);
}

/// What ARNs and host names are written with; anything else ends them.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '.' | '_' | '-' | '@' | '+')
}

/// One run of token characters (all ASCII, so a byte offset in its text
/// is a character offset): an ARN's account, or endpoints' names.
fn mask_token(token: &mut [char]) {
    let text: String = token.iter().collect();
    if let Some(account) = crate::arn::account_span(&text)
        && text[account.clone()].bytes().any(|b| b.is_ascii_digit())
    {
        hide(&mut token[account]);
    }
    let lower = text.to_ascii_lowercase();
    for (domain, _) in lower.match_indices(ENDPOINT_DOMAIN) {
        let host = lower[..domain].rfind(['/', '@']).map_or(0, |i| i + 1);
        let kept = kept_labels_start(&lower[host..domain]) + host;
        for c in &mut token[host..kept] {
            if *c != '.' {
                *c = HIDDEN;
            }
        }
    }
}

/// Where the labels an endpoint keeps begin, within its name before
/// `.amazonaws.com`: at the region (`us-east-1.rds`), else at the service
/// (`s3`). The names before it are the account's own.
fn kept_labels_start(name: &str) -> usize {
    let mut starts = Vec::new();
    let mut at = 0;
    for label in name.split('.') {
        if is_region(label) {
            return at;
        }
        starts.push(at);
        at += label.len() + 1;
    }
    starts.last().copied().unwrap_or(0)
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `cn-north-1`.
fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// Every run of 12 or more digits keeps only its last four: an account id
/// wherever it is written, and nothing of one survives whole.
fn mask_digit_runs(chars: &mut [char]) {
    let mut at = 0;
    while at < chars.len() {
        let run = chars[at..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if run >= ACCOUNT_DIGITS {
            hide(&mut chars[at..at + run - KEPT_DIGITS]);
        }
        at += run.max(1);
    }
}

fn hide(chars: &mut [char]) {
    chars.fill(HIDDEN);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_account_ids_arns_and_endpoints() {
        let table = [
            ("account 123456789012.", "account ••••••••9012."),
            (
                "arn:aws:rds:us-east-1:123456789012:db:main",
                "arn:aws:rds:us-east-1:••••••••••••:db:main",
            ),
            (
                "(arn:aws:iam::123456789012:role/x)",
                "(arn:aws:iam::••••••••••••:role/x)",
            ),
            // A line cut at the screen's edge still hides what it shows.
            (
                "arn:aws:rds:us-east-1:1234567…",
                "arn:aws:rds:us-east-1:•••••••…",
            ),
            (
                "db.c9ak.us-east-1.rds.amazonaws.com:5432",
                "••.••••.us-east-1.rds.amazonaws.com:5432",
            ),
            (
                "https://bucket.s3.amazonaws.com/k",
                "https://••••••.s3.amazonaws.com/k",
            ),
            (
                "123456789012.dkr.ecr.us-west-2.amazonaws.com/app",
                "••••••••••••.•••.•••.us-west-2.amazonaws.com/app",
            ),
            // What identifies no account is left alone.
            ("sts.amazonaws.com", "sts.amazonaws.com"),
            (
                "arn:aws:iam::aws:policy/ReadOnly",
                "arn:aws:iam::aws:policy/ReadOnly",
            ),
            ("RTO 00:25:00 / 12h", "RTO 00:25:00 / 12h"),
        ];
        for (text, masked) in table {
            assert_eq!(mask(text), masked, "{text}");
        }
    }

    #[test]
    fn regions_are_told_from_other_labels() {
        for region in ["us-east-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"] {
            assert!(is_region(region), "{region}");
        }
        for label in [
            "rds",
            "us-east",
            "east-1",
            "u-east-1",
            "us--1",
            "US-EAST-1",
            "",
        ] {
            assert!(!is_region(label), "{label}");
        }
    }
}
