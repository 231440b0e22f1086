//! Small readers for configuration text: quoted strings, Python and INI assignments, properties
//! of JS/TS object literals. Detection uses them on the files it meets, renderers on the
//! migrations already in a folder (to chain after them). Line-based on purpose: nothing is
//! parsed whole, and no project code is run.

/// `key = value` in an INI file (the first one, any section).
pub fn ini_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        (name.trim() == key).then(|| value.trim().to_string())
    })
}

/// The right-hand side of `name = …` or `name: type = …` at the start of a line.
pub fn python_assignment(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        let rest = rest.trim_start();
        let rest = if let Some(typed) = rest.strip_prefix(':') {
            &typed[typed.find('=')?..]
        } else {
            rest
        };
        let value = rest.strip_prefix('=')?.trim();
        (!value.starts_with('=')).then(|| value.to_string())
    })
}

/// Every quoted string in a value: `'abc'`, `("a", "b")`.
pub fn quoted(value: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find(['\'', '"']) {
        let quote = rest[start..].chars().next().expect("found a quote");
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    found
}

/// The string value(s) of `name: "…"` or `name: ["…", "…"]` in a JS/TS object literal (or JSON).
pub fn js_string_property(text: &str, name: &str) -> Vec<String> {
    for (at, _) in text.match_indices(name) {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = text[at + name.len()..].trim_start_matches(['"', '\'']);
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let end = if value.starts_with('[') {
            value.find(']').unwrap_or(value.len())
        } else {
            value.find([',', '\n', '}']).unwrap_or(value.len())
        };
        let found = quoted(&value[..end]);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}
