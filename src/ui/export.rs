//! Headless frames: a rendered buffer as plain text, or as SVG with its
//! colours, for screenshots made by the app itself.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// The buffer's text, one line per row, trailing spaces trimmed.
pub fn to_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#1c1c1c";

/// An SVG of the buffer: one rect per run of background colour and one
/// text element per run of identical style, positioned on the cell grid.
pub fn to_svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f32 * CELL_W, area.height as f32 * CELL_H);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.1} {h:.1}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{DEFAULT_BG}\"/>\n\
         <g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\" xml:space=\"preserve\">\n"
    );
    for y in area.top()..area.bottom() {
        let row_y = (y - area.top()) as f32 * CELL_H;
        let mut x = area.left();
        while x < area.right() {
            let cell = &buf[(x, y)];
            let (fg, bg, mods) = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < area.right() {
                let c = &buf[(x, y)];
                if c.fg != fg || c.bg != bg || c.modifier != mods {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let (fg, bg) = if mods.contains(Modifier::REVERSED) {
                (bg, fg)
            } else {
                (fg, bg)
            };
            let col = (start - area.left()) as f32 * CELL_W;
            let len = (x - start) as f32 * CELL_W;
            if let Some(bg) = hex(bg) {
                let _ = writeln!(
                    svg,
                    "<rect x=\"{col:.1}\" y=\"{row_y:.1}\" width=\"{len:.1}\" height=\"{CELL_H:.1}\" fill=\"{bg}\"/>"
                );
            }
            if text.trim().is_empty() {
                continue;
            }
            let weight = if mods.contains(Modifier::BOLD) {
                " font-weight=\"bold\""
            } else {
                ""
            };
            let _ = writeln!(
                svg,
                "<text x=\"{col:.1}\" y=\"{:.1}\" fill=\"{}\" textLength=\"{len:.1}\" lengthAdjust=\"spacingAndGlyphs\"{weight}>{}</text>",
                row_y + CELL_H * 0.78,
                hex(fg).unwrap_or(DEFAULT_FG.into()),
                escape(&text)
            );
        }
    }
    svg.push_str("</g>\n</svg>\n");
    svg
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The colour as #rrggbb; `None` for the terminal's default.
fn hex(color: Color) -> Option<String> {
    let (r, g, b) = match color {
        Color::Reset => return None,
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed(i),
        named => ansi(named),
    };
    Some(format!("#{r:02x}{g:02x}{b:02x}"))
}

/// The xterm palette for the 16 named colours.
fn ansi(color: Color) -> (u8, u8, u8) {
    match color {
        Color::Black => (0, 0, 0),
        Color::Red => (205, 49, 49),
        Color::Green => (13, 188, 121),
        Color::Yellow => (229, 229, 16),
        Color::Blue => (36, 114, 200),
        Color::Magenta => (188, 63, 188),
        Color::Cyan => (17, 168, 205),
        Color::Gray => (204, 204, 204),
        Color::DarkGray => (118, 118, 118),
        Color::LightRed => (241, 76, 76),
        Color::LightGreen => (35, 209, 139),
        Color::LightYellow => (245, 245, 67),
        Color::LightBlue => (59, 142, 234),
        Color::LightMagenta => (214, 112, 214),
        Color::LightCyan => (41, 184, 219),
        _ => (255, 255, 255),
    }
}

fn indexed(i: u8) -> (u8, u8, u8) {
    const NAMED: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match i {
        0..=15 => ansi(NAMED[i as usize]),
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level(i / 6 % 6), level(i % 6))
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    }
}
