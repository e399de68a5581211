//! The terminal: a guard that restores it on every exit path, and the event
//! loop that feeds input, live data and the clock into the session and
//! draws only when something changed.

use std::io::stdout;
use std::time::Duration;

use color_eyre::Result;
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyEventKind, MouseButton,
    MouseEventKind,
};
use crossterm::execute;
use futures::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::layout::Rect;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};

use crate::app::Action;
use crate::clock::Clock;
use crate::runtime::Session;
use crate::sources::poller::Updates;
use crate::ui::{self, theme::Theme};

/// At most one frame per this long, however fast events arrive.
const FRAME: Duration = Duration::from_millis(33);

/// Raw mode, alternate screen and mouse capture for as long as it lives.
/// Dropping it (normal exit, error, unwinding panic) restores the terminal;
/// the panic hook restores it too when a panic aborts instead of unwinding.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn enter() -> Result<Self> {
        // ratatui::init installs its restoring panic hook around the one
        // color-eyre installed first; mouse capture is ours to undo.
        let terminal = ratatui::try_init()?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableMouseCapture);
            previous(info);
        }));
        execute!(stdout(), EnableMouseCapture)?;
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

pub async fn run(
    session: &mut Session,
    theme: &Theme,
    clock: Clock,
    mut updates: Updates,
) -> Result<()> {
    let mut guard = TerminalGuard::enter()?;
    let mut events = EventStream::new();
    let mut ticks = interval(Duration::from_secs(1));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut signals = Signals::new()?;
    let mut last_frame = Instant::now() - FRAME;
    let mut dirty = true;

    while !session.exit {
        tokio::select! {
            _ = sleep_until(last_frame + FRAME), if dirty => {
                let view = session.app.view();
                guard.terminal.draw(|frame| ui::draw(frame, &view, theme))?;
                last_frame = Instant::now();
                dirty = false;
            }
            event = events.next() => match event {
                Some(Ok(event)) => {
                    let size = guard.terminal.size()?;
                    if let Some(action) = translate(event, Rect::new(0, 0, size.width, size.height), session) {
                        // Journal entries carry the app's time: make it the key's own.
                        session.dispatch(Action::Tick(clock.now()));
                        session.dispatch(action);
                    }
                }
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(update) = updates.recv() => session.dispatch(Action::Source(update)),
            _ = ticks.tick() => session.dispatch(Action::Tick(clock.now())),
            _ = signals.recv() => session.pause_and_exit(),
        }
        dirty |= session.app.take_dirty();
    }
    drop(guard);
    Ok(())
}

/// Terminal events to app actions: keys as they are, clicks on a step select
/// it, the wheel scrolls like ↑/↓.
fn translate(event: Event, area: Rect, session: &Session) -> Option<Action> {
    use crossterm::event::KeyCode;
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Action::Key(key)),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                ui::layout::step_at(area, &session.app.view(), mouse.column, mouse.row)
                    .map(Action::SelectStep)
            }
            MouseEventKind::ScrollDown => Some(Action::Key(KeyCode::Down.into())),
            MouseEventKind::ScrollUp => Some(Action::Key(KeyCode::Up.into())),
            _ => None,
        },
        Event::Resize(..) => Some(Action::Resize),
        _ => None,
    }
}

/// SIGTERM and SIGHUP (the SSH session dropped) end the session cleanly.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
