//! Byte offsets to 1-based lines and columns, with the line starts found
//! once: callers that place many positions in one text stay linear.

/// The start offset of every line of a text.
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// 1-based line of a byte offset (offsets past the end are on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based line and character column of a byte offset in `text` (the
    /// text these lines were found in). An offset past the end, or inside a
    /// character, is moved back to the nearest character boundary.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset = offset.saturating_sub(1);
        }
        let line = self.line_of(offset);
        let start = line
            .checked_sub(1)
            .and_then(|i| self.starts.get(i))
            .copied()
            .unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn lines_and_character_columns() {
        let text = "a = 1\nbé = \"x\"\n";
        let lines = Lines::new(text);
        assert_eq!(lines.position(text, 0), (1, 1));
        assert_eq!(lines.position(text, 5), (1, 6));
        assert_eq!(lines.position(text, 6), (2, 1));
        // "bé = " is 6 bytes but 5 characters; the value starts at column 6.
        assert_eq!(lines.position(text, 12), (2, 6));
        // Inside "é": back to its start.
        assert_eq!(lines.position(text, 8), (2, 2));
        assert_eq!(lines.position(text, 10_000), (3, 1));
        assert_eq!(lines.line_of(7), 2);
    }
}
