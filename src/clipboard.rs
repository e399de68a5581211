//! The clipboard through the terminal: an OSC 52 request carries the text
//! to whatever terminal draws the console, so copying works over SSH and
//! inside tmux (with `set-clipboard on`), where no local clipboard is near.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The escape sequence asking the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_text_is_base64_between_the_osc_52_markers() {
        assert_eq!(super::osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
