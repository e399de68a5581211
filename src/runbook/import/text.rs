//! Text clean-up before parsing: decoding bytes, repairing the Unicode that
//! plans pick up from word processors, and small string helpers.

/// Why some bytes are not a plan we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    NulBytes { offset: usize },
    Utf16,
    InvalidUtf8 { line: usize },
    Binary,
}

/// Decodes a plan file: UTF-8 (with or without BOM) only.
pub fn decode(bytes: &[u8]) -> Result<&str, NotText> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(NotText::Utf16);
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(NotText::NulBytes { offset });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            return Err(NotText::InvalidUtf8 { line });
        }
    };
    // Valid UTF-8 can still be binary (e.g. a file of control codes).
    let sample: Vec<char> = text.chars().take(8192).collect();
    let control = sample
        .iter()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if !sample.is_empty() && control * 10 > sample.len() {
        return Err(NotText::Binary);
    }
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The bytes 0x80–0x9F as Windows-1252 shows them (0 where it has no
/// character: a reader then shows the Latin-1 control instead).
const CP1252_HIGH: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', //
    '\0', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// The byte a character stands for when UTF-8 was read as Windows-1252 or
/// Latin-1, if it can be part of a multi-byte UTF-8 sequence.
fn misread_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        n @ 0x80..=0xF4 => u8::try_from(n).ok(),
        _ => CP1252_HIGH
            .iter()
            .position(|&w| w == c && w != '\0')
            .and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

/// Repairs UTF-8 that was read as Windows-1252 (or Latin-1) and saved
/// again: "â€™" -> "’", "Ã©" -> "é", "ðŸ˜€" -> "😀". A run is repaired
/// only when its characters are the bytes of one valid UTF-8 character,
/// so real accented text stays. Two lossy forms are read as what they
/// nearly always were: "â€�" (the last byte of ” lost) and "Â" before a
/// plain space (a non-breaking space whose second byte became a space).
/// Returns the text and how many sequences were repaired.
pub fn repair_mojibake(input: &str) -> (String, usize) {
    if !input.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return (input.to_owned(), 0);
    }
    let chars: Vec<char> = input.chars().collect();
    let mut out = String::with_capacity(input.len());
    let mut repaired = 0;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let (len, good) = misread_at(&chars, i);
        match good {
            Some(good) => {
                out.push(good);
                repaired += 1;
                i += len;
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, repaired)
}

/// The character a mis-read sequence starting at `at` stands for, and how
/// many characters the sequence takes.
fn misread_at(chars: &[char], at: usize) -> (usize, Option<char>) {
    let Some(lead) = chars.get(at).and_then(|&c| misread_byte(c)) else {
        return (1, None);
    };
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (1, None),
    };
    if lead == 0xC2 && chars.get(at + 1) == Some(&' ') {
        return (2, Some(' '));
    }
    if lead == 0xE2 && chars.get(at + 1..at + 3) == Some(&['€', '\u{fffd}']) {
        return (3, Some('”'));
    }
    let Some(rest) = chars.get(at + 1..at + len) else {
        return (1, None);
    };
    let mut bytes = vec![lead];
    for &c in rest {
        match misread_byte(c) {
            Some(b @ 0x80..=0xBF) => bytes.push(b),
            _ => return (1, None),
        }
    }
    let decoded = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|s| s.chars().next());
    (len, decoded)
}

/// Normalises a plan: line endings, spaces and hyphens that only look
/// different, mojibake, invisible characters, trailing whitespace. Returns
/// the text and how many mis-encoded sequences were repaired.
pub fn normalize(input: &str) -> (String, usize) {
    let (text, repaired) = repair_mojibake(input);
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        for c in line.chars() {
            match c {
                '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => {
                    out.push(' ')
                }
                // Non-breaking and soft hyphens typed by editors.
                '\u{2010}' | '\u{2011}' | '\u{2212}' => out.push('-'),
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}' => {}
                '\u{2018}' | '\u{2019}' => out.push('\''),
                '\u{201c}' | '\u{201d}' => out.push('"'),
                '\t' => out.push('\t'),
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
        let trimmed = out.trim_end_matches([' ', '\t']).len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out.pop();
    (out, repaired)
}

/// A lowercase ASCII slug of at most `max` characters, cut at a word boundary.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                if out.len() + 1 >= max {
                    break;
                }
                out.push('-');
            }
            pending_dash = false;
            if out.len() >= max {
                // Cut back to the last whole word.
                if let Some(dash) = out.rfind('-') {
                    out.truncate(dash);
                }
                break;
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "operator's" -> "operators"
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Hands out unique ids: a repeated base gets -2, -3, …. Remembers the
/// next suffix per base so a thousand "restore" steps stay linear.
#[derive(Debug, Default)]
pub struct UniqueIds {
    taken: std::collections::HashSet<String>,
    next_suffix: std::collections::HashMap<String, usize>,
}

impl UniqueIds {
    pub fn claim(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        let next = self.next_suffix.entry(base.to_owned()).or_insert(2);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Whether `word` is one of the blank-separated words of `list`: the
/// importer's word lists are each written as one string.
pub fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// Lowercased words (letters and digits) of a text.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Removes a leading section number such as "4)", "2.", "1.3", "IV.", "A)".
pub fn strip_section_number(heading: &str) -> &str {
    let trimmed = heading.trim_start();
    let token_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let token = &trimmed[..token_end];
    let body = token.trim_end_matches(['.', ')', ':']);
    let numeric = !body.is_empty() && body.chars().all(|c| c.is_ascii_digit() || c == '.');
    let lettered =
        token.len() > body.len() && body.len() == 1 && body.chars().all(|c| c.is_ascii_uppercase());
    if (numeric || lettered) && token_end < trimmed.len() {
        trimmed[token_end..].trim_start()
    } else {
        trimmed
    }
}

/// Shortens a long line to a title: the first sentence or clause, at most
/// about `max` characters, cut at a word boundary.
pub fn title_of(text: &str, max: usize) -> String {
    let first = text.lines().next().unwrap_or("").trim();
    if first.chars().count() <= max {
        // A one-sentence title reads better without its full stop.
        let single_sentence = !first.trim_end_matches('.').contains(". ");
        let t = first.trim_end_matches([':', ' ']);
        let t = if single_sentence && !t.ends_with("..") {
            t.trim_end_matches('.')
        } else {
            t
        };
        return t.to_owned();
    }
    let sentence_end = first
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | ';' | ':')
                && first[i + c.len_utf8()..].starts_with(' ')
                && first[..i].chars().count() >= 12
        })
        .map(|(i, _)| i);
    if let Some(end) = sentence_end
        && first[..end].chars().count() <= max
    {
        return first[..end].to_owned();
    }
    let mut cut = 0;
    for (i, c) in first.char_indices() {
        if first[..i].chars().count() > max {
            break;
        }
        if c == ' ' {
            cut = i;
        }
    }
    if cut == 0 {
        cut = first
            .char_indices()
            .nth(max)
            .map_or(first.len(), |(i, _)| i);
    }
    format!("{}…", first[..cut].trim_end_matches([',', ' ', '(']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a Windows-1252 reader shows for bytes 0x80–0x9F; a Latin-1
    /// reader (and Windows for its five holes) shows the C1 control.
    const SHOWN: &str = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";

    /// `text` saved as UTF-8, read as Windows-1252 (or Latin-1) and saved
    /// again as UTF-8.
    fn misread(text: &str, latin1: bool) -> String {
        text.bytes()
            .map(|b| match b {
                0x80..=0x9F if !latin1 => SHOWN.chars().nth(usize::from(b - 0x80)).unwrap(),
                b => char::from(b),
            })
            .collect()
    }

    proptest! {
        #[test]
        fn misread_text_comes_back_with_one_repair_per_character(
            text in "[\\pL\\pP\\pS\\pN ]{0,40}",
            latin1 in any::<bool>(),
        ) {
            // Text that itself reads as mojibake would be repaired anyway.
            prop_assume!(repair_mojibake(&text).1 == 0);
            let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
            let (back, repaired) = repair_mojibake(&misread(&text, latin1));
            prop_assert_eq!(&back, &text);
            prop_assert_eq!(repaired, non_ascii);
            prop_assert_eq!(normalize(&misread(&text, latin1)), (normalize(&text).0, non_ascii));
        }

        #[test]
        fn normalize_never_panics(text in "\\PC{0,64}|.{0,64}") {
            let _ = normalize(&text);
        }
    }

    #[test]
    fn normalizes_odd_unicode() {
        let (text, repaired) =
            normalize("on\u{2011}call\u{a0}now  \r\nit’s â€“ done\t \nzero\u{200b}width");
        assert_eq!(text, "on-call now\nit's – done\nzerowidth");
        assert_eq!(repaired, 1);
    }

    #[test]
    fn repairs_utf8_read_as_windows_1252_or_latin_1() {
        let cases = [
            ("itâ€™s", "it’s", 1),
            ("â€œquotedâ€\u{9d} and â€œlostâ€�", "“quoted” and “lost”", 4),
            ("5â€“10 â€” Ã©tÃ¨ â€¦ a â†’ b", "5–10 — étè … a → b", 6),
            ("AÂ\u{a0}B, AÂ B, Â·", "A\u{a0}B, A B, ·", 3),
            ("Latin-1: Ã\u{a9} â\u{80}\u{99} ðŸ˜€", "Latin-1: é ’ 😀", 3),
            (
                "café, São Paulo, Ä¼? no: Äx, Ã",
                "café, São Paulo, ļ? no: Äx, Ã",
                1,
            ),
        ];
        for (bad, good, count) in cases {
            assert_eq!(repair_mojibake(bad), (good.to_owned(), count), "{bad}");
        }
    }

    #[test]
    fn decodes_or_refuses() {
        assert_eq!(decode(b"\xef\xbb\xbfhello").unwrap(), "hello");
        assert_eq!(decode(b"a\0b"), Err(NotText::NulBytes { offset: 1 }));
        assert_eq!(
            decode(b"ok\nbad \xff"),
            Err(NotText::InvalidUtf8 { line: 2 })
        );
        assert_eq!(decode(b"\xff\xfeh\0"), Err(NotText::Utf16));
        assert_eq!(decode(b"\x01\x02\x03\x04"), Err(NotText::Binary));
    }

    #[test]
    fn slugs_are_short_and_clean() {
        assert_eq!(slug("Restore RDS", 40), "restore-rds");
        assert_eq!(slug("  Failback to Primary!  ", 40), "failback-to-primary");
        assert_eq!(slug("Operator's check", 40), "operators-check");
        assert_eq!(slug("one two three four", 12), "one-two");
        assert_eq!(slug("✓✓", 40), "");
    }

    #[test]
    fn ids_are_unique() {
        let mut ids = UniqueIds::default();
        let got: Vec<String> = ["a", "a", "a-2", "a", "b"]
            .iter()
            .map(|b| ids.claim(b))
            .collect();
        assert_eq!(got, ["a", "a-2", "a-2-2", "a-3", "b"]);
    }

    #[test]
    fn strips_section_numbers() {
        assert_eq!(strip_section_number("4) DR Scenarios"), "DR Scenarios");
        assert_eq!(strip_section_number("2.1 Restore"), "Restore");
        assert_eq!(strip_section_number("A. Restore"), "Restore");
        assert_eq!(strip_section_number("AWS Outage"), "AWS Outage");
        assert_eq!(strip_section_number("12"), "12");
    }

    #[test]
    fn titles_are_shortened() {
        assert_eq!(title_of("Restore RDS", 80), "Restore RDS");
        let long = "Assess whether S3 logical backups and container images are accessible from another region. More text.";
        assert_eq!(
            title_of(long, 90),
            "Assess whether S3 logical backups and container images are accessible from another region"
        );
        assert!(title_of(&"word ".repeat(50), 30).ends_with('…'));
    }
}
