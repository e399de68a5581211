//! Markdown to a small block tree with source line numbers. pulldown-cmark
//! does the parsing; we keep only what an importer needs: headings,
//! paragraphs (inline code kept in backticks, line breaks kept), lists with
//! task markers, fenced code, tables.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::runbook::lines::Lines;

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// 1-based source line where the block starts.
    pub line: usize,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    List {
        ordered: bool,
        items: Vec<Item>,
    },
    Code {
        lang: String,
        text: String,
        /// Line of the first line of code (after the opening fence).
        body_line: usize,
    },
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Rule,
    Html(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub line: usize,
    /// `Some(checked)` for `- [ ]` / `- [x]` items.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

impl Item {
    /// The item's own first paragraph, if it starts with one.
    pub fn lead(&self) -> Option<(&str, usize)> {
        match self.blocks.first() {
            Some(Block {
                line,
                kind: BlockKind::Paragraph(text),
            }) => Some((text.as_str(), *line)),
            _ => None,
        }
    }

    /// Its bullet as Markdown writes it: a task box, `n.` or `-`.
    pub fn marker(&self, ordered: bool, index: usize) -> String {
        match (self.task, ordered) {
            (Some(true), _) => "- [x] ".to_owned(),
            (Some(false), _) => "- [ ] ".to_owned(),
            (None, true) => format!("{}. ", index + 1),
            (None, false) => "- ".to_owned(),
        }
    }
}

/// Lists nested deeper than this are flattened into their parent item, so a
/// hostile file cannot make the later recursive passes overflow the stack.
const MAX_LIST_DEPTH: usize = 24;

/// What is open while parsing: a block being filled (its text or items
/// still growing), a list item, or a table cell.
enum Frame {
    Root(Vec<Block>),
    Block(Block),
    Item(Item),
    Cell(String),
}

struct Builder {
    stack: Vec<Frame>,
    /// Open links: the destination and where the link's text starts in its
    /// inline target.
    links: Vec<(String, usize)>,
    list_depth: usize,
    /// Start tags of lists/items ignored because of MAX_LIST_DEPTH.
    flattened: usize,
}

impl Builder {
    fn push_block(&mut self, block: Block) {
        // An item's tight text is an implicit paragraph; close it first.
        for frame in self.stack.iter_mut().rev() {
            match frame {
                Frame::Root(blocks) => return blocks.push(block),
                Frame::Item(item) => return item.blocks.push(block),
                _ => {}
            }
        }
    }

    /// Opens a block after closing the implicit paragraph of a tight item.
    fn open(&mut self, line: usize, kind: BlockKind) {
        self.close_implicit_paragraph();
        self.stack.push(Frame::Block(Block { line, kind }));
    }

    /// Where inline text goes: the innermost paragraph, heading, cell or
    /// tight list item (which gets an implicit paragraph).
    fn inline_target(&mut self, line: usize) -> Option<&mut String> {
        if matches!(self.stack.last(), Some(Frame::Item(_))) {
            let kind = BlockKind::Paragraph(String::new());
            self.stack.push(Frame::Block(Block { line, kind }));
        }
        match self.stack.last_mut()? {
            Frame::Block(Block {
                kind:
                    BlockKind::Paragraph(text)
                    | BlockKind::Heading { text, .. }
                    | BlockKind::Code { text, .. }
                    | BlockKind::Html(text),
                ..
            })
            | Frame::Cell(text) => Some(text),
            _ => None,
        }
    }

    fn push_text(&mut self, line: usize, s: &str) {
        if let Some(target) = self.inline_target(line) {
            target.push_str(s);
        }
    }

    /// Closes an implicit paragraph of a tight item before a nested block.
    fn close_implicit_paragraph(&mut self) {
        if matches!(
            self.stack.last(),
            Some(Frame::Block(Block {
                kind: BlockKind::Paragraph(_),
                ..
            }))
        ) && matches!(self.stack.iter().rev().nth(1), Some(Frame::Item(_)))
        {
            self.end_frame();
        }
    }

    /// The innermost open table.
    fn table(&mut self) -> Option<(&mut Vec<String>, &mut Vec<Vec<String>>)> {
        match self.stack.last_mut()? {
            Frame::Block(Block {
                kind: BlockKind::Table { head, rows },
                ..
            }) => Some((head, rows)),
            _ => None,
        }
    }

    fn end_frame(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let mut block = match frame {
            Frame::Block(block) => block,
            Frame::Item(item) => {
                if let Some(Frame::Block(Block {
                    kind: BlockKind::List { items, .. },
                    ..
                })) = self.stack.last_mut()
                {
                    items.push(item);
                }
                return;
            }
            Frame::Cell(text) => {
                // Cells before the first body row are the header's.
                if let Some((head, rows)) = self.table() {
                    let text = text.trim().to_owned();
                    match rows.last_mut() {
                        Some(row) => row.push(text),
                        None => head.push(text),
                    }
                }
                return;
            }
            Frame::Root(_) => unreachable!("root is never popped"),
        };
        match &mut block.kind {
            BlockKind::Paragraph(text) | BlockKind::Heading { text, .. } => {
                *text = text.trim().to_owned();
                if text.is_empty() && matches!(block.kind, BlockKind::Paragraph(_)) {
                    return;
                }
            }
            BlockKind::Html(text) => *text = text.trim_end().to_owned(),
            _ => {}
        }
        self.push_block(block);
    }
}

/// Parses normalised Markdown into blocks. Block quotes are flattened into
/// their surroundings; their text is kept.
pub fn parse(text: &str) -> Vec<Block> {
    let lines = Lines::new(text);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut b = Builder {
        stack: vec![Frame::Root(Vec::new())],
        links: Vec::new(),
        list_depth: 0,
        flattened: 0,
    };
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let line = lines.line_of(range.start);
        match event {
            Event::Start(tag) => start(&mut b, tag, line),
            Event::End(tag) => end(&mut b, tag),
            Event::Text(t) => b.push_text(line, &t),
            Event::Code(c) => {
                let s = format!("`{c}`");
                b.push_text(line, &s);
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => b.push_text(line, &m),
            Event::Html(h) | Event::InlineHtml(h) => b.push_text(line, &h),
            // A `\` line break stays: in a command it is a continuation.
            Event::HardBreak if text.get(range.clone()).is_some_and(|t| t.starts_with('\\')) => {
                b.push_text(line, "\\\n")
            }
            Event::SoftBreak | Event::HardBreak => b.push_text(line, "\n"),
            Event::Rule => {
                b.close_implicit_paragraph();
                b.push_block(Block {
                    line,
                    kind: BlockKind::Rule,
                });
            }
            Event::TaskListMarker(checked) => {
                if let Some(Frame::Item(item)) = b.stack.last_mut() {
                    item.task = Some(checked);
                }
            }
            Event::FootnoteReference(r) => b.push_text(line, &format!("[^{r}]")),
        }
    }
    while b.stack.len() > 1 {
        b.end_frame();
    }
    match b.stack.pop() {
        Some(Frame::Root(blocks)) => blocks,
        _ => Vec::new(),
    }
}

fn start(b: &mut Builder, tag: Tag<'_>, line: usize) {
    match tag {
        Tag::Paragraph => b.open(line, BlockKind::Paragraph(String::new())),
        Tag::Heading { level, .. } => {
            let text = String::new();
            b.open(
                line,
                BlockKind::Heading {
                    level: level as u8,
                    text,
                },
            );
        }
        Tag::CodeBlock(kind) => {
            let (lang, fenced) = match kind {
                CodeBlockKind::Fenced(info) => (
                    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_lowercase(),
                    true,
                ),
                CodeBlockKind::Indented => (String::new(), false),
            };
            let body_line = line + usize::from(fenced);
            let text = String::new();
            b.open(
                line,
                BlockKind::Code {
                    lang,
                    text,
                    body_line,
                },
            );
        }
        Tag::List(first) => {
            if b.list_depth >= MAX_LIST_DEPTH {
                b.flattened += 1;
                b.push_text(line, "\n");
                return;
            }
            b.list_depth += 1;
            let (ordered, items) = (first.is_some(), Vec::new());
            b.open(line, BlockKind::List { ordered, items });
        }
        Tag::Item => {
            if b.flattened > 0 {
                b.flattened += 1;
                b.push_text(line, "\n- ");
                return;
            }
            b.stack.push(Frame::Item(Item {
                line,
                task: None,
                blocks: Vec::new(),
            }));
        }
        Tag::Table(_) => {
            let (head, rows) = (Vec::new(), Vec::new());
            b.open(line, BlockKind::Table { head, rows });
        }
        Tag::TableRow => {
            if let Some((_, rows)) = b.table() {
                rows.push(Vec::new());
            }
        }
        Tag::TableCell => b.stack.push(Frame::Cell(String::new())),
        Tag::HtmlBlock => b.open(line, BlockKind::Html(String::new())),
        Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
            let start = b.inline_target(line).map_or(0, |t| t.len());
            b.links.push((dest_url.to_string(), start));
        }
        Tag::BlockQuote(_)
        | Tag::FootnoteDefinition(_)
        | Tag::DefinitionList
        | Tag::DefinitionListTitle
        | Tag::DefinitionListDefinition => b.close_implicit_paragraph(),
        Tag::TableHead
        | Tag::Emphasis
        | Tag::Strong
        | Tag::Strikethrough
        | Tag::Superscript
        | Tag::Subscript
        | Tag::MetadataBlock(_) => {}
    }
}

fn end(b: &mut Builder, tag: TagEnd) {
    match tag {
        TagEnd::List(_) | TagEnd::Item if b.flattened > 0 => {
            b.flattened -= 1;
        }
        TagEnd::List(_) => {
            b.close_implicit_paragraph();
            b.list_depth = b.list_depth.saturating_sub(1);
            b.end_frame();
        }
        TagEnd::Item => {
            b.close_implicit_paragraph();
            b.end_frame();
        }
        TagEnd::Paragraph
        | TagEnd::Heading(_)
        | TagEnd::CodeBlock
        | TagEnd::Table
        | TagEnd::TableCell
        | TagEnd::HtmlBlock => b.end_frame(),
        TagEnd::Link | TagEnd::Image => {
            if let Some((url, start)) = b.links.pop()
                && !url.is_empty()
            {
                // Only the link's own text: searching all the paragraph so
                // far would make a line of links quadratic.
                let shown = b
                    .inline_target(0)
                    .map(|t| t.get(start..).is_some_and(|own| own.contains(&url)));
                if shown == Some(false) {
                    b.push_text(0, &format!(" <{url}>"));
                }
            }
        }
        _ => {}
    }
}

/// The text of a block as plain lines, for keeping it as detail. Lists are
/// rendered as Markdown-like bullets so their shape survives.
pub fn render(block: &Block, out: &mut Vec<String>) {
    render_at(block, 0, out);
}

fn render_at(block: &Block, indent: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(indent);
    match &block.kind {
        BlockKind::Heading { text, .. } | BlockKind::Paragraph(text) | BlockKind::Html(text) => {
            out.extend(text.lines().map(|l| format!("{pad}{l}")))
        }
        BlockKind::List { ordered, items } => {
            for (n, item) in items.iter().enumerate() {
                let marker = item.marker(*ordered, n);
                render_item(item, &format!("{pad}{marker}"), indent + 1, out);
            }
        }
        BlockKind::Code { text, .. } => {
            out.extend(text.trim_end().lines().map(|l| format!("{pad}    {l}")))
        }
        BlockKind::Table { head, rows } => {
            out.push(format!("{pad}| {} |", head.join(" | ")));
            for row in rows {
                out.push(format!("{pad}| {} |", row.join(" | ")));
            }
        }
        BlockKind::Rule => {}
    }
}

/// Renders an item: its lead paragraph after `marker`, the rest indented.
pub fn render_item(item: &Item, marker: &str, indent: usize, out: &mut Vec<String>) {
    let mut blocks = item.blocks.iter();
    let pad = "  ".repeat(indent);
    match item.lead() {
        Some((text, _)) => {
            blocks.next();
            let mut lines = text.lines();
            out.push(format!("{marker}{}", lines.next().unwrap_or("")));
            out.extend(lines.map(|l| format!("{pad}{l}")));
        }
        None => out.push(marker.trim_end().to_owned()),
    }
    for block in blocks {
        render_at(block, indent, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_blocks_with_lines() {
        let md = "# Title\n\nSome `code` here\nnext line\n\n1. First\n   - nested `aws x y`\n2. Second\n\n- [ ] todo\n- [x] done\n\n```bash\necho hi\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |\n";
        let blocks = parse(md);
        assert_eq!(blocks.len(), 6);
        assert_eq!(
            blocks[0].kind,
            BlockKind::Heading {
                level: 1,
                text: "Title".into()
            }
        );
        assert_eq!(
            blocks[1].kind,
            BlockKind::Paragraph("Some `code` here\nnext line".into())
        );
        assert_eq!(blocks[1].line, 3);
        let BlockKind::List { ordered, items } = &blocks[2].kind else {
            panic!("list expected")
        };
        assert!(ordered);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].lead(), Some(("First", 6)));
        assert_eq!(items[1].line, 8);
        let BlockKind::List { items: nested, .. } = &items[0].blocks[1].kind else {
            panic!("nested list expected")
        };
        assert_eq!(nested[0].lead(), Some(("nested `aws x y`", 7)));
        let BlockKind::List { items: tasks, .. } = &blocks[3].kind else {
            panic!("task list expected")
        };
        assert_eq!(tasks[0].task, Some(false));
        assert_eq!(tasks[1].task, Some(true));
        assert_eq!(
            blocks[4].kind,
            BlockKind::Code {
                lang: "bash".into(),
                text: "echo hi\n".into(),
                body_line: 14
            }
        );
        assert_eq!(
            blocks[5].kind,
            BlockKind::Table {
                head: vec!["A".into(), "B".into()],
                rows: vec![vec!["1".into(), "2".into()]]
            }
        );
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let md: String = (0..3000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect();
        let blocks = parse(&md);
        assert_eq!(blocks.len(), 1);
        let quotes = ">".repeat(5000) + " deep";
        assert!(!parse(&quotes).is_empty());
    }
}
