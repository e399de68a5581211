//! Presenter mode's mask is a parser of whatever text reaches the screen:
//! on generated text it never panics, keeps the text's length (it masks
//! cells in place), only ever hides characters, and no account id
//! survives it, bare, in an ARN, in an endpoint or wrapped across rows.

use drconsole::ui::mask::{mask, mask_buffer};
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Text;
use ratatui::widgets::{Paragraph, Widget, Wrap};

const HIDDEN: char = '•';

/// The longest run of ASCII digits in `text`.
fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

fn account() -> impl Strategy<Value = String> {
    "[0-9]{12}"
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("us-east-1"),
        Just("eu-west-2"),
        Just("ap-southeast-2"),
        Just("us-gov-west-1"),
    ]
    .prop_map(String::from)
}

/// Pieces ARNs, endpoints and log lines are made of, joined at random.
fn screen_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("arn:".to_string()),
        Just(":".to_string()),
        Just("/".to_string()),
        Just(".".to_string()),
        Just(".amazonaws.com".to_string()),
        Just("…".to_string()),
        Just(" ".to_string()),
        Just("é世".to_string()),
        region(),
        account(),
        "[0-9]{1,14}",
        "[a-z-]{1,8}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_keeps_its_length_and_loses_every_account_id(text in screen_text()) {
        let masked = mask(&text);
        prop_assert_eq!(masked.chars().count(), text.chars().count());
        for (before, after) in text.chars().zip(masked.chars()) {
            prop_assert!(after == before || after == HIDDEN, "{text:?} -> {masked:?}");
        }
        prop_assert!(longest_digit_run(&masked) < 12, "{text:?} -> {masked:?}");
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let masked = mask(&text);
        prop_assert!(longest_digit_run(&masked) < 12, "{text:?} -> {masked:?}");
    }

    /// Wherever the id sits among other text, it is gone.
    #[test]
    fn a_bare_account_id_is_hidden(before in screen_text(), id in account(), after in screen_text()) {
        let masked = mask(&format!("{before}{id}{after}"));
        prop_assert!(!masked.contains(&id), "{masked:?}");
    }

    /// An ARN keeps all but its account; the account is all hidden.
    #[test]
    fn an_arn_keeps_its_region_and_resource(
        service in "[a-z]{2,12}",
        region in region(),
        id in account(),
        kind in "[a-z-]{1,16}",
        sep in prop_oneof![Just(':'), Just('/')],
        name in "[a-z][a-z-]{0,20}",
        before in screen_text(),
        after in screen_text(),
    ) {
        let arn = format!("arn:aws:{service}:{region}:{id}:{kind}{sep}{name}");
        let expected = format!("arn:aws:{service}:{region}:••••••••••••:{kind}{sep}{name}");
        prop_assert_eq!(mask(&arn), expected.clone());
        let masked = mask(&format!("{before} {arn} {after}"));
        prop_assert!(masked.contains(&expected), "{masked:?}");
        prop_assert!(!masked.contains(&id), "{masked:?}");
    }

    /// An endpoint keeps its region, service and domain; the names before
    /// them (an instance, a hash, an account) are hidden.
    #[test]
    fn an_endpoint_keeps_region_and_service(
        names in prop::collection::vec("[a-z0-9]{1,12}", 1..4),
        region in region(),
        service in "[a-z]{2,8}",
        port in 1u16..,
    ) {
        let name = names.join(".");
        let host = format!("{name}.{region}.{service}.amazonaws.com");
        let hidden: String = name.chars().map(|c| if c == '.' { '.' } else { HIDDEN }).collect();
        prop_assert_eq!(
            mask(&format!("https://{host}:{port}/x")),
            format!("https://{hidden}.{region}.{service}.amazonaws.com:{port}/x")
        );
    }

    /// Text wrapped in a pane, its rows read in order, holds no account
    /// id once the pane is masked: one that a row break cuts included.
    #[test]
    fn an_account_id_wrapped_across_rows_is_hidden(
        words in prop::collection::vec("[a-z]{1,9}", 0..8),
        region in region(),
        id in account(),
        width in 4u16..40,
    ) {
        let arn = format!("arn:aws:rds:{region}:{id}:db:main");
        let text = format!("{} {arn} {id} {}", words.join(" "), words.join(" "));
        let area = Rect::new(0, 0, width, 40);
        let mut buf = Buffer::empty(area);
        Paragraph::new(Text::raw(text))
            .wrap(Wrap { trim: false })
            .render(area, &mut buf);
        mask_buffer(&mut buf, area, [area]);
        let flow: String = buf.content().iter().map(|c| c.symbol()).collect();
        prop_assert!(!flow.contains(&id), "{flow:?}");
        prop_assert!(longest_digit_run(&flow) < 12, "{flow:?}");
    }
}
