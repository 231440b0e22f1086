//! The wizard's vocabulary and its one key table: the same rows drive dispatch, the footer
//! and the help overlay, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Back,
    Next,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Toggle,
    Filter,
    Yes,
    No,
    Save,
    Edit,
}

#[derive(Debug, Clone, Copy)]
pub struct KeyHint {
    pub code: KeyCode,
    /// How the key is written in the footer and the help.
    pub key: &'static str,
    pub label: &'static str,
    pub action: Action,
    /// Shown in the footer (the rest only in the help overlay).
    pub footer: bool,
}

impl KeyHint {
    pub const fn new(
        code: KeyCode,
        key: &'static str,
        label: &'static str,
        action: Action,
    ) -> KeyHint {
        KeyHint {
            code,
            key,
            label,
            action,
            footer: true,
        }
    }

    /// A second key for the same action (vim keys, PageUp…): dispatch and help only.
    pub const fn alias(
        code: KeyCode,
        key: &'static str,
        label: &'static str,
        action: Action,
    ) -> KeyHint {
        KeyHint {
            code,
            key,
            label,
            action,
            footer: false,
        }
    }
}

/// Keys every screen has; they come after the screen's own in the footer.
pub const GLOBAL: &[KeyHint] = &[
    KeyHint::new(KeyCode::Char('?'), "?", "help", Action::Help),
    KeyHint::new(KeyCode::Char('q'), "q", "quit", Action::Quit),
    KeyHint::alias(
        KeyCode::Esc,
        "esc",
        "back (quit on the first screen)",
        Action::Back,
    ),
];

/// The action for a key press: the screen's keys first, then the global ones. Ctrl-C always
/// quits.
pub fn action_for(event: KeyEvent, screen: &[KeyHint]) -> Option<Action> {
    if event.modifiers.contains(KeyModifiers::CONTROL) && event.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    screen
        .iter()
        .chain(GLOBAL)
        .find(|hint| hint.code == event.code)
        .map(|hint| hint.action)
}

/// The footer: the screen's keys, then the global ones, cut to `width` columns; what does not
/// fit is in the help overlay (`?`), which the footer always shows.
pub fn footer(screen: &[KeyHint], width: usize) -> Vec<(&'static str, &'static str)> {
    let help = ("?", "help");
    let mut shown = Vec::new();
    let mut used = help.0.len() + help.1.len() + 3;
    for hint in screen
        .iter()
        .chain(GLOBAL)
        .filter(|h| h.footer && h.action != Action::Help)
    {
        let cost = hint.key.chars().count() + hint.label.chars().count() + 3;
        if used + cost > width {
            break;
        }
        used += cost;
        shown.push((hint.key, hint.label));
    }
    shown.push(help);
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: &[KeyHint] = &[
        KeyHint::new(KeyCode::Down, "↓/j", "next", Action::Down),
        KeyHint::alias(KeyCode::Char('j'), "j", "next", Action::Down),
        KeyHint::new(KeyCode::Char(' '), "space", "why?", Action::Toggle),
        KeyHint::new(KeyCode::Enter, "enter", "options", Action::Next),
    ];

    #[test]
    fn screen_keys_win_and_ctrl_c_always_quits() {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(
            action_for(key(KeyCode::Char('j')), SCREEN),
            Some(Action::Down)
        );
        assert_eq!(
            action_for(key(KeyCode::Char('q')), SCREEN),
            Some(Action::Quit)
        );
        assert_eq!(action_for(key(KeyCode::Char('x')), SCREEN), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(ctrl_c, &[]), Some(Action::Quit));
    }

    #[test]
    fn the_footer_fits_and_always_offers_help() {
        let wide = footer(SCREEN, 200);
        assert_eq!(wide.len(), 5, "{wide:?}");
        let narrow = footer(SCREEN, 20);
        assert_eq!(narrow.last(), Some(&("?", "help")));
        let width: usize = narrow
            .iter()
            .map(|(k, l)| k.chars().count() + l.chars().count() + 3)
            .sum();
        assert!(width <= 20, "{narrow:?}");
    }
}
