//! `migen tui`: the wizard, started from the same request the plain commands take.

use std::io::IsTerminal;

use crate::cli::args::TuiArgs;
use crate::error::{Error, Result};
use crate::pipeline::{self, Config};
use crate::tui::session::Session;

pub fn run(args: &TuiArgs) -> Result<i32> {
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(Error::Usage(
            "migen tui needs a terminal; without one use the plain commands: migen diff, plan, generate, verify, lint (each with --json or --format json)".into(),
        ));
    }
    let config = pipeline::settings()?;
    let name = args
        .theme
        .clone()
        .or(config.theme.clone())
        .unwrap_or_else(|| "dark".to_string());
    let mut theme =
        crate::tui::theme::Theme::load(&name, crate::tui::theme::user_dir().as_deref())?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_color();
    }
    // Several schemas found: asked here, before the wizard takes the terminal.
    let mut request = args.pair.request(args.db.as_deref());
    super::pick_schema(&mut request, &config)?;
    let session = crate::tui::start::session(
        &request,
        &args.output.request(&args.shape),
        args.shape.options(None, &config),
        &config,
        pipeline::now_seconds()?,
    );
    crate::tui::run(crate::tui::app::App::new(session, theme))?;
    Ok(0)
}

/// The wizard's starting point for these flags: everything loaded before the terminal opens.
pub fn session(args: &TuiArgs, config: &Config, now: u64) -> Session {
    crate::tui::start::session(
        &args.pair.request(args.db.as_deref()),
        &args.output.request(&args.shape),
        args.shape.options(None, config),
        config,
        now,
    )
}
