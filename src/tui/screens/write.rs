//! Write: the paths, a confirmation, verification first, then the result and the next step.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Effect, Screen, Transition, paragraph};
use crate::tui::keys::{Action, KeyHint};
use crate::tui::session::Session;
use crate::tui::theme::Theme;

#[derive(Debug, Default)]
pub struct Write {
    /// The user said yes to a migration that loses data.
    allow_data_loss: bool,
}

const WRITE_KEYS: &[KeyHint] = &[
    KeyHint::new(KeyCode::Enter, "enter", "verify and write", Action::Next),
    KeyHint::alias(KeyCode::Char('y'), "y", "verify and write", Action::Next),
    KeyHint::new(KeyCode::Char('D'), "D", "allow data loss", Action::Save),
];

/// What the plan loses, in words (empty when nothing).
fn losses(session: &Session) -> Vec<String> {
    session
        .plan
        .iter()
        .flat_map(|plan| plan.steps.iter())
        .filter_map(|step| step.loss.clone())
        .collect()
}

impl Screen for Write {
    fn title(&self) -> &'static str {
        "Write"
    }

    fn keys(&self) -> &'static [KeyHint] {
        WRITE_KEYS
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        let lossy = !losses(session).is_empty();
        match action {
            Action::Save => {
                self.allow_data_loss = !self.allow_data_loss;
                Transition::Stay
            }
            // Nothing is lost silently: a lossy migration needs the explicit yes first.
            Action::Next if lossy && !self.allow_data_loss => Transition::Stay,
            Action::Next if session.written.is_empty() => Transition::Run(Effect::Write),
            Action::Back if session.written.is_empty() => Transition::Back,
            _ => Transition::Stay,
        }
    }

    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let mut lines = Vec::new();
        if let Some(verification) = &session.verification {
            lines.push(Line::styled(
                "Verified on a scratch database:",
                theme.accent(),
            ));
            for phase in &verification.phases {
                let (mark, style) = if phase.ok {
                    ("pass", theme.ok())
                } else {
                    ("FAIL", theme.danger())
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {mark}  "), style),
                    Span::styled(
                        format!(
                            "{:<26} {}",
                            phase.name,
                            phase.detail.lines().next().unwrap_or("")
                        ),
                        theme.text(),
                    ),
                ]));
            }
            lines.push(Line::default());
        }
        if let Some(error) = &session.error {
            lines.push(Line::styled(error.clone(), theme.danger()));
            lines.push(Line::styled("Nothing was written.", theme.danger()));
        } else if session.written.is_empty() {
            lines.push(Line::styled(
                "These files will be written (never over an existing file):",
                theme.text(),
            ));
            for artifact in &session.artifacts {
                lines.push(Line::styled(
                    format!("  {}", artifact.path.display()),
                    theme.text(),
                ));
            }
            lines.push(Line::default());
            if let Some(own) = session.choices.target.own_sql() {
                lines.push(Line::styled(own, theme.text()));
            }
            let lost = losses(session);
            if !lost.is_empty() {
                lines.push(Line::styled(
                    format!("This migration loses data: {}.", lost.join("; ")),
                    theme.danger(),
                ));
                if !self.allow_data_loss {
                    lines.push(Line::styled(
                        "D: write it anyway (the down cannot bring the data back)",
                        theme.warning(),
                    ));
                    paragraph(lines, area, buf, 0);
                    return;
                }
                lines.push(Line::styled(
                    "Data loss allowed (D to take it back).",
                    theme.warning(),
                ));
            }
            let check = match session.inputs.as_ref() {
                _ if session.choices.target.own_sql().is_some() => "enter: write",
                Some(i) if i.scratch_available() => {
                    "enter: run up and down on a scratch database first, then write"
                }
                _ => "enter: write (no server to verify on: pass --db to verify first)",
            };
            lines.push(Line::styled(check, theme.accent()));
        } else {
            lines.push(Line::styled("Written:", theme.ok()));
            for path in &session.written {
                lines.push(Line::styled(format!("  {}", path.display()), theme.text()));
            }
            lines.push(Line::default());
            lines.push(Line::styled(
                format!(
                    "Next: apply with {}.",
                    session.choices.target.apply_command()
                ),
                theme.accent(),
            ));
            lines.push(Line::styled("q: quit", theme.muted()));
        }
        paragraph(lines, area, buf, 0);
    }
}
