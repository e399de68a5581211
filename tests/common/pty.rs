//! The real binary in a pseudo-terminal, its output read into a `vt100`
//! screen as a terminal would show it.

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long any one wait may take before the test fails: a watchdog far
/// above the expected time, not a measurement.
pub const WATCHDOG: Duration = Duration::from_secs(60);

pub struct Pty {
    pub master: Box<dyn MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the child wrote, for what the screen model drops
    /// (OSC 52 clipboard requests).
    pub raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    /// Hears once the reader has read everything the child wrote.
    drained: Receiver<()>,
}

fn nonzero(n: u16) -> std::num::NonZero<u16> {
    std::num::NonZero::new(n).expect("a size above zero")
}

pub fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Pty {
    /// `drconsole ARGS` on a `rows`×`cols` terminal, in `cwd`.
    pub fn spawn(args: &[&str], cwd: &std::path::Path, rows: u16, cols: u16) -> Self {
        Self::spawn_sized(args, cwd, rows, cols, |_| {})
    }

    /// `spawn` on a 40×140 terminal, with `env` adding to the environment.
    pub fn spawn_with(
        args: &[&str],
        cwd: &std::path::Path,
        env: impl FnOnce(&mut CommandBuilder),
    ) -> Self {
        Self::spawn_sized(args, cwd, 40, 140, env)
    }

    pub fn spawn_sized(
        args: &[&str],
        cwd: &std::path::Path,
        rows: u16,
        cols: u16,
        env: impl FnOnce(&mut CommandBuilder),
    ) -> Self {
        let pair = native_pty_system()
            .openpty(size(rows, cols))
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_drconsole"));
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env("DRCONSOLE_JOURNAL_DIR", cwd.join("default-journal"));
        env(&mut cmd);
        let child = pair.slave.spawn_command(cmd).expect("the binary runs");
        drop(pair.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            nonzero(rows),
            nonzero(cols),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().expect("a reader");
        let feed = screen.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let keep = raw.clone();
        let (done, drained) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with an error (EIO) once the child has closed the pty.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
                keep.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            let _ = done.send(());
        });
        let writer = pair.master.take_writer().expect("a writer");
        Self {
            master: pair.master,
            child,
            screen,
            raw,
            writer,
            drained,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.process_id().expect("a pid") as i32
    }

    /// Waits until `ready` holds of the screen; fails with the screen after
    /// the watchdog.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        loop {
            {
                let parser = self.screen.lock().unwrap();
                if ready(parser.screen()) {
                    return;
                }
                if start.elapsed() > WATCHDOG {
                    panic!(
                        "{what}: not seen within {WATCHDOG:?}:\n{}",
                        parser.screen().contents()
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Grows or shrinks the terminal, screen model first so that what the
    /// child draws next is read at the new size.
    pub fn resize(&self, rows: u16, cols: u16) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
        self.master.resize(size(rows, cols)).unwrap();
    }

    /// The exit code once the child has exited (`None`: killed by a signal).
    pub fn wait_exit(&mut self) -> Option<u32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.drained
                    .recv_timeout(WATCHDOG)
                    .expect("the pty's output ends once the child exits");
                return status.signal().is_none().then(|| status.exit_code());
            }
            if start.elapsed() > WATCHDOG {
                let _ = self.child.kill();
                panic!(
                    "the console did not exit within {WATCHDOG:?}:\n{}",
                    self.screen.lock().unwrap().screen().contents()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
