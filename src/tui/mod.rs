//! `migen tui`: the wizard. Status → Summary → Options → Preview → Write, each screen one
//! level deeper into the pipeline; the same choices as `migen generate`.

pub mod app;
pub mod keys;
pub mod screens;
pub mod session;
pub mod start;
pub mod theme;

#[cfg(test)]
mod tests;

use std::time::Duration;

use crossterm::event::{self, Event, MouseEventKind};

use crate::error::{Error, Result};
use crate::pipeline;
use app::App;

/// Run the wizard in the terminal until the user leaves. The terminal is restored on the way
/// out, also after a panic (ratatui's init installs the hook).
pub fn run(mut app: App) -> Result<()> {
    // A terminal that fails is its own error (exit 6), not bad input.
    let io = |e: std::io::Error| Error::Terminal(e.to_string());
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            ratatui::restore();
            return Err(io(error));
        }
    };
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    // SIGTERM or SIGHUP (Ctrl-C is a key here) leaves the shell usable: the terminal is
    // restored before migen exits.
    let restore_terminal = pipeline::Cleanup::new(|| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
        ratatui::restore();
    });
    app.background = true;
    let result = (|| -> Result<()> {
        while app.running {
            app.poll();
            terminal.draw(|frame| app.render(frame)).map_err(io)?;
            // Redraw often while busy (the spinner), else wait for input; resizes arrive as
            // events and simply redraw.
            let wait = if app.is_busy() { 80 } else { 250 };
            if event::poll(Duration::from_millis(wait)).map_err(io)? {
                match event::read().map_err(io)? {
                    Event::Key(key) if key.kind == event::KeyEventKind::Press => {
                        app.handle_key(key)
                    }
                    Event::Mouse(mouse) => match mouse.kind {
                        MouseEventKind::ScrollDown => app.scroll(true),
                        MouseEventKind::ScrollUp => app.scroll(false),
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        Ok(())
    })();
    restore_terminal.run();
    result
}
