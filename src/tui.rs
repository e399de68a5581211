//! The terminal: a guard that restores it on every exit path, and the event
//! loop that feeds input, live data and the clock into the session and
//! draws only when something changed.

use std::io::{IsTerminal, stdin, stdout};
use std::process::ExitCode;
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::eyre;
use crossterm::cursor::Show;
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyEventKind, MouseButton,
    MouseEventKind,
};
use crossterm::execute;
use futures::StreamExt;
use futures::future::OptionFuture;
use ratatui::DefaultTerminal;
use ratatui::layout::Rect;
use tokio::time::{Instant, sleep_until};

use crate::app::Action;
use crate::clock::Clock;
use crate::runtime::{Polling, Session};
use crate::ticks::Ticks;
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
        // The guard exists before mouse capture, so a failure here restores too.
        let guard = Self { terminal };
        execute!(stdout(), EnableMouseCapture)?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture, Show);
        ratatui::restore();
    }
}

/// The console draws on a terminal and reads keys from one: refused
/// before anything is loaded, connected or journaled when either end is
/// a pipe or a file.
pub fn require_terminal() -> Result<()> {
    if stdin().is_terminal() && stdout().is_terminal() {
        return Ok(());
    }
    Err(eyre!(
        "the console needs a terminal (stdin and stdout must be a TTY); \
         for a one-shot view use `drconsole status`"
    ))
}

/// Runs the console until the operator quits (`None`) or a signal ends it.
/// `signals` is installed by the caller before the journal is opened, so
/// a signal from then on is held for the loop instead of killing the
/// process mid-write with the terminal raw. The loop owns the polling, and
/// swaps it when a switch of source (`:profile`, `:region`) is built.
pub async fn run(
    session: &mut Session,
    theme: &Theme,
    clock: Clock,
    mut polling: Polling,
    mut signals: Signals,
) -> Result<Option<Caught>> {
    let mut guard = TerminalGuard::enter()?;
    let mut events = EventStream::new();
    let mut ticks = Ticks::new(clock.clone());
    let mut caught = None;
    let mut last_frame = Instant::now() - FRAME;
    let mut dirty = true;
    // A new source being built, awaited alongside everything else so
    // drawing and the old source's updates go on meanwhile.
    let mut building = None;
    // A shared session's reports: entries from the other consoles, status.
    let mut share = session.take_share_events();

    while !session.exit {
        tokio::select! {
            // A pending signal first: after a hangup, drawing or reading
            // the terminal may fail, and the pause must be journaled before.
            biased;
            signal = signals.recv() => {
                session.pause_and_exit(signal.name);
                caught = Some(signal);
            }
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
            Some(update) = polling.updates.recv() => session.dispatch(Action::Source(update)),
            Some(event) = OptionFuture::from(share.as_mut().map(|s| s.recv())), if share.is_some() => {
                match event {
                    Some(event) => session.share_event(event),
                    None => share = None,
                }
            }
            Some(switched) = OptionFuture::from(building.as_mut()), if building.is_some() => {
                building = None;
                session.switched(&mut polling, switched, clock.clone());
            }
            at = ticks.tick() => session.dispatch(Action::Tick(at)),
        }
        // A newer switch abandons one still building.
        if let Some(build) = session.take_switch() {
            building = Some(build);
        }
        dirty |= session.app.take_dirty();
    }
    drop(guard);
    Ok(caught)
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

/// A signal that ended the session from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caught {
    pub name: &'static str,
    pub number: i32,
}

impl Caught {
    /// The shell's convention, 128 + the signal's number, so the caller can
    /// tell which signal ended the console.
    pub fn exit_code(self) -> ExitCode {
        u8::try_from(self.number)
            .ok()
            .and_then(|n| n.checked_add(128))
            .map_or(ExitCode::FAILURE, ExitCode::from)
    }
}

/// SIGINT and SIGQUIT (sent from outside: typed, they are keys in raw
/// mode), SIGTERM and SIGHUP (the SSH session dropped) end the session
/// cleanly. Once installed, these signals no longer kill the process.
pub struct Signals {
    #[cfg(unix)]
    handlers: Vec<(tokio::signal::unix::Signal, Caught)>,
}

impl Signals {
    /// Needs the tokio runtime.
    pub fn install() -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (SignalKind::interrupt(), "SIGINT"),
                (SignalKind::terminate(), "SIGTERM"),
                (SignalKind::hangup(), "SIGHUP"),
                (SignalKind::quit(), "SIGQUIT"),
            ];
            let mut handlers = Vec::with_capacity(kinds.len());
            for (kind, name) in kinds {
                let number = kind.as_raw_value();
                handlers.push((signal(kind)?, Caught { name, number }));
            }
            Ok(Self { handlers })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn recv(&mut self) -> Caught {
        #[cfg(unix)]
        {
            let waits = self.handlers.iter_mut().map(|(signal, caught)| {
                Box::pin(async move {
                    // `None` only when the runtime is shutting down.
                    if signal.recv().await.is_none() {
                        std::future::pending::<()>().await;
                    }
                    *caught
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending::<Caught>().await
    }
}
