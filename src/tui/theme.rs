//! Colours by role, from the TOML files in `themes/` (built into the binary; a file of the
//! same name in the user's theme folder wins), and syntect highlighting for previews.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use serde::Deserialize;
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::error::{Error, Result};
use crate::pipeline::Severity;

const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Palette {
    text: Color,
    muted: Color,
    accent: Color,
    ok: Color,
    warning: Color,
    danger: Color,
    selection_bg: Color,
    key_fg: Color,
    key_bg: Color,
    syntax: String,
}

/// Styles by role. Screens ask for roles, never for colours.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    palette: Palette,
    /// No colour at all (NO_COLOR): roles fall back to bold, reverse and plain text.
    plain: bool,
    syntax: syntect::highlighting::Theme,
}

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);
static SYNTAX_THEMES: LazyLock<ThemeSet> = LazyLock::new(ThemeSet::load_defaults);

/// The user's own theme folder: `$MIGEN_THEME_DIR`, else `$XDG_CONFIG_HOME/migen/themes`, else
/// `~/.config/migen/themes`.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MIGEN_THEME_DIR") {
        return Some(PathBuf::from(dir));
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config.join("migen/themes"))
}

impl Theme {
    /// A theme by name (a built-in or a `<name>.toml` in `user_dir`), or a path to a theme file.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme> {
        let as_path = Path::new(name);
        let user_file = if name.ends_with(".toml") {
            Some(as_path.to_path_buf())
        } else {
            user_dir
                .map(|dir| dir.join(format!("{name}.toml")))
                .filter(|path| path.is_file())
        };
        let (label, text) = match user_file {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                (path.display().to_string(), text)
            }
            None => {
                let text = BUILT_IN
                    .iter()
                    .find(|(built_in, _)| *built_in == name)
                    .map(|(_, text)| (*text).to_string())
                    .ok_or_else(|| {
                        let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
                        Error::Usage(format!(
                            "unknown theme `{name}` (use {}, or a .toml file)",
                            names.join(", ")
                        ))
                    })?;
                (format!("themes/{name}.toml"), text)
            }
        };
        let palette: Palette = toml::from_str(&text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            Error::parse(
                &label,
                before.matches('\n').count() as u64 + 1,
                before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1,
                e.message().to_string(),
            )
        })?;
        let syntax = syntax_theme(&palette.syntax, user_dir).ok_or_else(|| {
            Error::Usage(format!("{label}: no syntax theme `{}`", palette.syntax))
        })?;
        Ok(Theme {
            name: name.to_string(),
            palette,
            plain: false,
            syntax,
        })
    }

    /// The same theme without colours (for NO_COLOR).
    pub fn without_color(mut self) -> Theme {
        self.plain = true;
        self
    }

    fn fg(&self, color: Color) -> Style {
        if self.plain {
            Style::new()
        } else {
            Style::new().fg(color)
        }
    }

    pub fn text(&self) -> Style {
        self.fg(self.palette.text)
    }

    pub fn muted(&self) -> Style {
        self.fg(self.palette.muted)
    }

    pub fn accent(&self) -> Style {
        self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }

    pub fn warning(&self) -> Style {
        self.fg(self.palette.warning)
    }

    pub fn danger(&self) -> Style {
        self.fg(self.palette.danger).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        if self.plain {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
                .fg(self.palette.text)
                .bg(self.palette.selection_bg)
        }
    }

    pub fn key(&self) -> Style {
        if self.plain {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().fg(self.palette.key_fg).bg(self.palette.key_bg)
        }
    }

    pub fn severity(&self, severity: Option<Severity>) -> Style {
        match severity {
            None => self.ok(),
            Some(Severity::Info) => self.text(),
            Some(Severity::Warning) => self.warning(),
            Some(Severity::Error) => self.danger(),
        }
    }

    /// A file's text as styled lines, highlighted by its extension (plain when unknown).
    pub fn highlight(&self, text: &str, extension: &str) -> Vec<Line<'static>> {
        let syntax = SYNTAXES
            .find_syntax_by_extension(extension)
            .unwrap_or_else(|| SYNTAXES.find_syntax_plain_text());
        let mut highlighter = HighlightLines::new(syntax, &self.syntax);
        LinesWithEndings::from(text)
            .map(|line| {
                let ranges = highlighter
                    .highlight_line(line, &SYNTAXES)
                    .unwrap_or_default();
                Line::from_iter(ranges.into_iter().map(|(style, piece)| {
                    let mut span_style = if self.plain {
                        Style::new()
                    } else {
                        let c = style.foreground;
                        Style::new().fg(Color::Rgb(c.r, c.g, c.b))
                    };
                    if style.font_style.contains(FontStyle::BOLD) {
                        span_style = span_style.add_modifier(Modifier::BOLD);
                    }
                    Span::styled(piece.trim_end_matches('\n').to_string(), span_style)
                }))
            })
            .collect()
    }
}

/// `<user_dir>/<name>.tmTheme` first, then syntect's bundled themes.
fn syntax_theme(name: &str, user_dir: Option<&Path>) -> Option<syntect::highlighting::Theme> {
    if let Some(path) = user_dir
        .map(|dir| dir.join(format!("{name}.tmTheme")))
        .filter(|path| path.is_file())
    {
        return ThemeSet::get_theme(&path).ok();
    }
    SYNTAX_THEMES.themes.get(name).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_loads() {
        for (name, _) in BUILT_IN {
            Theme::load(name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        for name in crate::pipeline::THEMES {
            assert!(BUILT_IN.iter().any(|(n, _)| n == name), "{name}");
        }
    }

    #[test]
    fn a_user_file_wins_and_its_mistakes_have_a_position() {
        let dir = tempfile::tempdir().unwrap();
        let mine = include_str!("../../themes/dark.toml").replace("#5fafd7", "#ff00ff");
        std::fs::write(dir.path().join("dark.toml"), mine).unwrap();
        let theme = Theme::load("dark", Some(dir.path())).unwrap();
        assert_eq!(theme.accent().fg, Some(Color::Rgb(255, 0, 255)));
        std::fs::write(dir.path().join("bad.toml"), "text = \"gray\"\ntxet = 1\n").unwrap();
        let error = Theme::load("bad", Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(error.contains("bad.toml:2:1"), "{error}");
    }

    #[test]
    fn sql_is_highlighted_and_no_color_means_none() {
        let theme = Theme::load("dark", None).unwrap();
        let lines = theme.highlight("SELECT 1;\n", "sql");
        assert!(
            lines[0]
                .spans
                .iter()
                .any(|s| matches!(s.style.fg, Some(Color::Rgb(..))))
        );
        let plain = theme.without_color().highlight("SELECT 1;\n", "sql");
        assert!(plain[0].spans.iter().all(|s| s.style.fg.is_none()));
    }
}
