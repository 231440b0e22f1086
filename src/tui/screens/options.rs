//! Options: target, strategy, extras and name; the same choices `migen generate` takes.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Effect, Screen, Transition, paragraph};
use crate::pipeline::{Strategy, Target};
use crate::tui::keys::{Action, KeyHint};
use crate::tui::session::{Choices, Files, Session};
use crate::tui::theme::Theme;

#[derive(Debug, Default)]
pub struct Options {
    field: OptionField,
    editing_name: bool,
    draft: Option<Choices>,
}

const OPTIONS_KEYS: &[KeyHint] = &[
    KeyHint::new(KeyCode::Down, "↓", "field", Action::Down),
    KeyHint::alias(KeyCode::Up, "↑", "previous field", Action::Up),
    KeyHint::alias(KeyCode::Char('j'), "j", "next field", Action::Down),
    KeyHint::alias(KeyCode::Char('k'), "k", "previous field", Action::Up),
    KeyHint::new(KeyCode::Right, "←→", "change", Action::Right),
    KeyHint::alias(KeyCode::Left, "←", "change back", Action::Left),
    KeyHint::alias(KeyCode::Char('l'), "l", "change", Action::Right),
    KeyHint::alias(KeyCode::Char('h'), "h", "change back", Action::Left),
    KeyHint::new(KeyCode::Char('e'), "e", "edit name", Action::Edit),
    KeyHint::new(KeyCode::Enter, "enter", "preview", Action::Next),
];

/// The rows of the screen, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum OptionField {
    #[default]
    Target,
    Strategy,
    Files,
    Name,
}

impl OptionField {
    const ALL: [OptionField; 4] = [
        OptionField::Target,
        OptionField::Strategy,
        OptionField::Files,
        OptionField::Name,
    ];

    fn label(self) -> &'static str {
        match self {
            OptionField::Target => "target",
            OptionField::Strategy => "strategy",
            OptionField::Files => "files",
            OptionField::Name => "name",
        }
    }

    /// Whether ←→ steps through its values; the name is typed instead.
    fn cycles(self) -> bool {
        self != OptionField::Name
    }
}

fn cycle<T: Copy + PartialEq>(all: &[T], current: T, step: isize) -> T {
    let at = all.iter().position(|x| *x == current).unwrap_or(0) as isize;
    let n = all.len() as isize;
    all[((at + step).rem_euclid(n)) as usize]
}

impl Options {
    fn choices(&self, session: &Session) -> Choices {
        self.draft
            .clone()
            .unwrap_or_else(|| session.choices.clone())
    }
}

impl Screen for Options {
    fn title(&self) -> &'static str {
        "Options"
    }

    fn keys(&self) -> &'static [KeyHint] {
        OPTIONS_KEYS
    }

    fn editing(&self) -> bool {
        self.editing_name
    }

    fn type_char(&mut self, c: char) {
        if let Some(draft) = self.draft.as_mut() {
            match c {
                '\u{8}' => {
                    draft.name.pop();
                }
                '\n' => self.editing_name = false,
                c if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ' => {
                    draft.name.push(c)
                }
                _ => {}
            }
        }
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        let mut choices = self.choices(session);
        let step = match action {
            Action::Right => 1,
            Action::Left => -1,
            _ => 0,
        };
        match action {
            Action::Down => self.field = cycle(&OptionField::ALL, self.field, 1),
            Action::Up => self.field = cycle(&OptionField::ALL, self.field, -1),
            Action::Left | Action::Right => match self.field {
                OptionField::Target => choices.target = cycle(&Target::all(), choices.target, step),
                OptionField::Strategy => {
                    choices.strategy = cycle(
                        &[Strategy::Direct, Strategy::ZeroDowntime],
                        choices.strategy,
                        step,
                    )
                }
                OptionField::Files => choices.files = cycle(&Files::ALL, choices.files, step),
                OptionField::Name => {}
            },
            Action::Edit => {
                self.field = OptionField::Name;
                self.editing_name = true;
            }
            Action::Next => {
                self.draft = None;
                return Transition::Run(Effect::Preview);
            }
            Action::Back => {
                self.draft = None;
                return Transition::Back;
            }
            _ => {}
        }
        let changed = choices.target != session.choices.target
            || choices.strategy != session.choices.strategy
            || choices.files != session.choices.files;
        self.draft = Some(choices.clone());
        if changed {
            if choices.target != session.choices.target {
                // The folder follows the target: migen.toml's when it is that target's, else
                // where that tool's migrations were found, else its usual place.
                let mut moved = choices.clone();
                moved.dir = session.folder_for(moved.target);
                self.draft = Some(moved.clone());
                return Transition::Run(Effect::Choose(moved));
            }
            return Transition::Run(Effect::Choose(choices));
        }
        Transition::Stay
    }

    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let choices = self.choices(session);
        let mut lines = vec![Line::styled(
            "What to write (defaults from migen.toml and the project):",
            theme.muted(),
        )];
        for field in OptionField::ALL {
            let value = match field {
                OptionField::Target => choices.target.name().to_string(),
                OptionField::Strategy => choices.strategy.name().to_string(),
                OptionField::Files => choices.files.name().to_string(),
                OptionField::Name if self.editing_name => format!("{}▏", choices.name),
                OptionField::Name => choices.name.clone(),
            };
            let here = field == self.field;
            lines.push(Line::from(vec![
                Span::styled(if here { "› " } else { "  " }, theme.text()),
                Span::styled(format!("{:<10}", field.label()), theme.muted()),
                Span::styled(
                    if field.cycles() {
                        format!("‹ {value} ›")
                    } else {
                        value
                    },
                    if here { theme.selected() } else { theme.text() },
                ),
            ]));
        }
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("folder    {}", choices.dir.display()),
            theme.muted(),
        ));
        let explain = match choices.strategy {
            Strategy::Direct => {
                "direct: one migration, applied as a whole, guarded by lock timeouts"
            }
            Strategy::ZeroDowntime => {
                "zero-downtime: expand before the deploy, backfill in batches, contract after it"
            }
        };
        lines.push(Line::styled(explain, theme.muted()));
        if let Some(error) = &session.error {
            lines.push(Line::styled(error.clone(), theme.danger()));
        }
        paragraph(lines, area, buf, 0);
    }
}
