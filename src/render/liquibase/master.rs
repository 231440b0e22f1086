//! Adding the new changelog to a master changelog that lists its changelogs one by one. The
//! master is parsed first (a malformed one is an error at its line and column), then edited as
//! text: the last `include` entry is copied with its path swapped, so the entry keeps the
//! master's own format, indentation, quoting and attributes (`relativeToChangelogFile` too).

use quick_xml::events::Event;

use super::CHANGES;
use crate::error::{Error, Result};

/// What to do with the master changelog for the new `changes/<file>`.
#[derive(Debug, PartialEq)]
pub enum Edit {
    /// It runs `changes/` whole, or lists the file already: leave it as it is.
    Nothing,
    /// The master with the new entry in it.
    Rewrite(String),
    /// migen cannot place the entry itself (no entry to copy, or the existing paths do not
    /// say how to write this one): the line to add by hand.
    ByHand(String),
}

/// The edit `master` (named `name`, shown as `shown` in errors) needs for `changes/<file>`.
pub fn add_include(name: &str, shown: &str, text: &str, file: &str) -> Result<Edit> {
    let format = Format::of(name);
    let entries = match format {
        Format::Xml => xml_entries(shown, text)?,
        Format::Yaml => yaml_entries(shown, text)?,
        Format::Json => json_entries(shown, text)?,
        Format::Sql => sql_entries(text),
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if (compact.contains("includeAll") && compact.contains(&format!("{CHANGES}/")))
        || entries.iter().any(|e| e.path.ends_with(file))
    {
        return Ok(Edit::Nothing);
    }
    let by_hand = || Edit::ByHand(format.fresh_entry(file));
    let Some(last) = entries.last() else {
        return Ok(match (format, xml_closing_tag(text)) {
            (Format::Xml, Some(at)) => Edit::Rewrite(insert_before_line(
                text,
                at,
                &format!("{}{}", child_indent(text), format.fresh_entry(file)),
            )),
            (Format::Yaml, _) => match yaml_item_indent(text) {
                Some(indent) => Edit::Rewrite(append_yaml(text, &indent, file)),
                None => by_hand(),
            },
            _ => by_hand(),
        });
    };
    // The new path is written the way the last one is: `changes/` as a folder of the path.
    let new_path = match last.path.rfind(&format!("{CHANGES}/")) {
        Some(at) if at == 0 || last.path[..at].ends_with('/') => {
            format!("{}{CHANGES}/{file}", &last.path[..at])
        }
        _ => return Ok(by_hand()),
    };
    let copied = text[last.start..last.end].replacen(&last.path, &new_path, 1);
    let line_start = text[..last.start].rfind('\n').map_or(0, |n| n + 1);
    let indent = &text[line_start..last.start];
    let separator = if format == Format::Json { "," } else { "" };
    let indent = if indent.trim().is_empty() { indent } else { "" };
    let mut out = String::with_capacity(text.len() + copied.len() + 8);
    out.push_str(&text[..last.end]);
    out.push_str(separator);
    out.push('\n');
    out.push_str(indent);
    out.push_str(&copied);
    out.push_str(&text[last.end..]);
    Ok(Edit::Rewrite(out))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Xml,
    Yaml,
    Json,
    Sql,
}

impl Format {
    fn of(name: &str) -> Format {
        if name.ends_with(".xml") {
            Format::Xml
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            Format::Yaml
        } else if name.ends_with(".json") {
            Format::Json
        } else {
            Format::Sql
        }
    }

    /// An entry for `changes/<file>` relative to the master, when there is none to copy.
    fn fresh_entry(self, file: &str) -> String {
        match self {
            Format::Xml => {
                format!("<include file=\"{CHANGES}/{file}\" relativeToChangelogFile=\"true\"/>")
            }
            Format::Yaml => {
                format!("- include: {{ file: {CHANGES}/{file}, relativeToChangelogFile: true }}")
            }
            Format::Json => format!(
                "{{ \"include\": {{ \"file\": \"{CHANGES}/{file}\", \"relativeToChangelogFile\": true }} }}"
            ),
            Format::Sql => format!("--include file:{CHANGES}/{file} relativeToChangelogFile:true"),
        }
    }
}

/// One `include` entry: its path, and where its text starts and ends in the master.
#[derive(Debug)]
struct Entry {
    path: String,
    start: usize,
    end: usize,
}

/// Line and column (from 1) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

fn parse_error(shown: &str, text: &str, offset: usize, message: impl Into<String>) -> Error {
    let (line, column) = line_col(text, offset);
    Error::parse(shown, line, column, message)
}

fn xml_entries(shown: &str, text: &str) -> Result<Vec<Entry>> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut entries = Vec::new();
    let mut open = 0usize;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|error| {
            let at = reader.error_position() as usize;
            parse_error(shown, text, at, format!("malformed XML: {error}"))
        })?;
        match event {
            Event::Start(_) => open += 1,
            Event::End(_) => open = open.saturating_sub(1),
            Event::Empty(element) if element.local_name().as_ref() == b"include" => {
                let path = element
                    .try_get_attribute("file")
                    .ok()
                    .flatten()
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                if let Some(path) = path {
                    let end = reader.buffer_position() as usize;
                    entries.push(Entry { path, start, end });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if open > 0 {
        return Err(parse_error(
            shown,
            text,
            text.len(),
            "malformed XML: an element is not closed",
        ));
    }
    Ok(entries)
}

/// Where `</databaseChangeLog>` starts.
fn xml_closing_tag(text: &str) -> Option<usize> {
    text.rfind("</databaseChangeLog").or_else(|| {
        text.rfind(":databaseChangeLog>")
            .and_then(|at| text[..at].rfind("</"))
    })
}

/// The indentation of the master's first child element (four spaces when it has none).
fn child_indent(text: &str) -> String {
    text.lines()
        .skip_while(|l| !l.contains("databaseChangeLog"))
        .skip(1)
        .find(|l| l.trim_start().starts_with('<') && !l.trim_start().starts_with("</"))
        .filter(|l| !l.trim_start().contains("databaseChangeLog"))
        .map(|l| l[..l.len() - l.trim_start().len()].to_string())
        .unwrap_or_else(|| "    ".to_string())
}

/// `line` inserted as a line of its own before the line `at` is on (or right before `at` when
/// something precedes it on its line).
fn insert_before_line(text: &str, at: usize, line: &str) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let mut out = String::with_capacity(text.len() + line.len() + 1);
    if text[line_start..at].trim().is_empty() {
        out.push_str(&text[..line_start]);
        out.push_str(line);
        out.push('\n');
        out.push_str(&text[line_start..]);
    } else {
        out.push_str(&text[..at]);
        out.push('\n');
        out.push_str(line);
        out.push('\n');
        out.push_str(&text[at..]);
    }
    out
}

fn yaml_entries(shown: &str, text: &str) -> Result<Vec<Entry>> {
    yaml_rust::YamlLoader::load_from_str(text).map_err(|error| {
        let marker = error.marker();
        Error::parse(
            shown,
            marker.line() as u64,
            marker.col() as u64 + 1,
            format!("malformed YAML: {error}"),
        )
    })?;
    // The parse says the text is YAML; the entries are found in the text so they can be
    // copied as written: `- include:` and the lines indented under it.
    let lines = line_spans(text);
    let mut entries = Vec::new();
    for (i, &(start, end)) in lines.iter().enumerate() {
        let line = &text[start..end];
        let dash = line.len() - line.trim_start().len();
        let item = line.trim_start().strip_prefix('-').map(str::trim_start);
        if !item.is_some_and(|item| item.starts_with("include:")) {
            continue;
        }
        let mut last = end;
        for &(s, e) in &lines[i + 1..] {
            let next = &text[s..e];
            if next.trim().is_empty() {
                continue;
            }
            if next.len() - next.trim_start().len() <= dash {
                break;
            }
            last = e;
        }
        let block = &text[start + dash..last];
        if let Some(path) = yaml_file(block) {
            entries.push(Entry {
                path,
                start: start + dash,
                end: last,
            });
        }
    }
    Ok(entries)
}

/// The `file:` value of one YAML include entry (block or flow style, quoted or not).
fn yaml_file(block: &str) -> Option<String> {
    let at = block.find("file:")? + "file:".len();
    let value = block[at..]
        .trim_start()
        .split([',', '}', '\n', '#'])
        .next()?
        .trim()
        .trim_matches(|c| c == '"' || c == '\'');
    (!value.is_empty()).then(|| value.to_string())
}

/// Byte spans of each line, without the line break.
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        spans.push((start, start + body.len()));
        start += line.len();
    }
    spans
}

/// The indentation of the `databaseChangeLog:` list's items.
fn yaml_item_indent(text: &str) -> Option<String> {
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("databaseChangeLog:"));
    let head = lines.next()?;
    if !head["databaseChangeLog:".len()..].trim().is_empty() {
        return None;
    }
    let item = lines.find(|l| l.trim_start().starts_with("- "));
    Some(item.map_or("  ".to_string(), |l| {
        l[..l.len() - l.trim_start().len()].to_string()
    }))
}

/// The YAML master with an include for `changes/<file>` as the last item of its list (which
/// ends the document: Liquibase masters have that one key).
fn append_yaml(text: &str, indent: &str, file: &str) -> String {
    let mut out = text.trim_end_matches('\n').to_string();
    out.push('\n');
    out.push_str(indent);
    out.push_str(&Format::Yaml.fresh_entry(file));
    out.push('\n');
    out
}

fn json_entries(shown: &str, text: &str) -> Result<Vec<Entry>> {
    serde_json::from_str::<serde_json::Value>(text).map_err(|error| {
        Error::parse(
            shown,
            error.line() as u64,
            error.column() as u64,
            format!("malformed JSON: {error}"),
        )
    })?;
    // Each `"include"` key: its entry is the object around it, found by matching braces
    // outside strings.
    let bytes = text.as_bytes();
    let mut entries = Vec::new();
    let mut search = 0;
    while let Some(found) = text[search..].find("\"include\"") {
        let key = search + found;
        search = key + 1;
        let Some(start) = text[..key].rfind('{') else {
            continue;
        };
        let Some(end) = matching_brace(bytes, start) else {
            continue;
        };
        let entry = &text[start..end];
        let Some(at) = entry.find("\"file\"") else {
            continue;
        };
        let value = entry[at + 6..]
            .trim_start()
            .trim_start_matches(':')
            .trim_start();
        let Some(value) = value.strip_prefix('"') else {
            continue;
        };
        let Some(close) = value.find('"') else {
            continue;
        };
        entries.push(Entry {
            path: value[..close].to_string(),
            start,
            end,
        });
    }
    Ok(entries)
}

/// The offset after the `}` that closes the `{` at `open`.
fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn sql_entries(text: &str) -> Vec<Entry> {
    line_spans(text)
        .into_iter()
        .filter_map(|(start, end)| {
            let line = &text[start..end];
            let rest = line.trim_start().strip_prefix("--include")?;
            let at = rest.find("file:")? + "file:".len();
            let path = rest[at..].split_whitespace().next()?.to_string();
            Some(Entry {
                path,
                start: start + (line.len() - line.trim_start().len()),
                end,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = "20270101000000-add.sql";

    /// The rewritten master, and a check that a second run leaves it alone.
    fn rewritten(name: &str, text: &str) -> String {
        let Edit::Rewrite(out) = add_include(name, name, text, NEW).unwrap() else {
            panic!("{name} is not rewritten")
        };
        assert_eq!(add_include(name, name, &out, NEW).unwrap(), Edit::Nothing);
        out
    }

    #[test]
    fn xml_gets_a_copy_of_its_last_entry() {
        let master = "<?xml version=\"1.0\"?>\n<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n\t<include file=\"changes/1-init.sql\" relativeToChangelogFile=\"true\"/>\n\t<include file='changes/2-more.sql' relativeToChangelogFile='true' />\n\t<!-- end -->\n</databaseChangeLog>\n";
        assert_eq!(
            rewritten("db.changelog-master.xml", master),
            master.replace(
                "'true' />\n",
                &format!(
                    "'true' />\n\t<include file='changes/{NEW}' relativeToChangelogFile='true' />\n"
                )
            )
        );
        // Paths from the search path keep their folders.
        let master = "<databaseChangeLog>\n  <include file=\"db/changelog/changes/1.sql\"/>\n</databaseChangeLog>";
        assert!(
            rewritten("m.xml", master).contains(&format!(
                "  <include file=\"db/changelog/changes/1.sql\"/>\n  <include file=\"db/changelog/changes/{NEW}\"/>\n</databaseChangeLog>"
            ))
        );
    }

    #[test]
    fn xml_without_entries_gets_one_before_its_closing_tag() {
        let master =
            "<databaseChangeLog>\n   <property name=\"a\" value=\"b\"/>\n</databaseChangeLog>\n";
        assert_eq!(
            rewritten("db.changelog-master.xml", master),
            format!(
                "<databaseChangeLog>\n   <property name=\"a\" value=\"b\"/>\n   <include file=\"changes/{NEW}\" relativeToChangelogFile=\"true\"/>\n</databaseChangeLog>\n"
            )
        );
    }

    #[test]
    fn yaml_block_and_flow_entries_are_copied_as_written() {
        let master = "databaseChangeLog:\n    -   include:\n            file: changes/1-init.sql\n            relativeToChangelogFile: true\n    -   include:\n            file: \"changes/2-more.sql\"\n            relativeToChangelogFile: true\n";
        assert_eq!(
            rewritten("db.changelog-master.yaml", master),
            format!(
                "{master}    -   include:\n            file: \"changes/{NEW}\"\n            relativeToChangelogFile: true\n"
            )
        );
        // No entry yet: one in migen's form at the list's indentation.
        let master = "databaseChangeLog:\n    - property:\n        name: a\n        value: b\n";
        assert_eq!(
            rewritten("db.changelog-master.yaml", master),
            format!(
                "{master}    - include: {{ file: changes/{NEW}, relativeToChangelogFile: true }}\n"
            )
        );
        let master = "databaseChangeLog:\n  - include:\n      file: changes/1-init.sql\n      relativeToChangelogFile: true\n  - include:\n      file: \"changes/2-more.sql\"\n      relativeToChangelogFile: true\n";
        assert_eq!(
            rewritten("db.changelog-master.yaml", master),
            format!(
                "{master}  - include:\n      file: \"changes/{NEW}\"\n      relativeToChangelogFile: true\n"
            )
        );
        let master = "# the master\ndatabaseChangeLog:\n- include: {file: changes/1-init.sql}\n";
        assert_eq!(
            rewritten("db.changelog-master.yml", master),
            format!("{master}- include: {{file: changes/{NEW}}}\n")
        );
    }

    #[test]
    fn json_entries_are_copied_with_a_comma() {
        let master = "{\n  \"databaseChangeLog\": [\n    {\n      \"include\": {\n        \"file\": \"changes/1-init.sql\",\n        \"relativeToChangelogFile\": true\n      }\n    }\n  ]\n}\n";
        let out = rewritten("db.changelog-master.json", master);
        assert_eq!(
            out,
            master.replace(
                "    }\n  ]",
                &format!(
                    "    }},\n    {{\n      \"include\": {{\n        \"file\": \"changes/{NEW}\",\n        \"relativeToChangelogFile\": true\n      }}\n    }}\n  ]"
                )
            )
        );
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
    }

    #[test]
    fn sql_entries_are_copied() {
        let master = "--liquibase formatted sql\n--include file:changes/1-init.sql relativeToChangelogFile:true\n";
        assert_eq!(
            rewritten("db.changelog-master.sql", master),
            format!("{master}--include file:changes/{NEW} relativeToChangelogFile:true\n")
        );
    }

    #[test]
    fn a_master_that_runs_the_folder_whole_or_lists_other_folders_is_not_rewritten() {
        let whole = "databaseChangeLog:\n  - includeAll:\n      path: changes/\n";
        assert_eq!(
            add_include("m.yaml", "m.yaml", whole, NEW).unwrap(),
            Edit::Nothing
        );
        // An entry outside `changes/` does not say how to write the new path.
        let elsewhere = "--include file:init.sql\n";
        assert_eq!(
            add_include("m.sql", "m.sql", elsewhere, NEW).unwrap(),
            Edit::ByHand(format!(
                "--include file:changes/{NEW} relativeToChangelogFile:true"
            ))
        );
    }

    #[test]
    fn a_malformed_master_is_an_error_at_its_line_and_column() {
        let cases = [
            (
                "m.xml",
                "<databaseChangeLog>\n  <include file=\"a\">\n</databaseChangeLog>\n",
                "m.xml:3:",
            ),
            (
                "m.xml",
                "<databaseChangeLog>\n  <include file=\"changes/a\"/>\n",
                "m.xml:3:",
            ),
            (
                "m.yaml",
                "databaseChangeLog:\n  - include: {file: a\n",
                "m.yaml:3:",
            ),
            (
                "m.json",
                "{\n  \"databaseChangeLog\": [\n    {\"include\": }\n  ]\n}\n",
                "m.json:3:",
            ),
        ];
        for (name, text, at) in cases {
            let error = add_include(name, name, text, NEW).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{error}");
            assert!(error.to_string().starts_with(at), "{name}: {error}");
        }
    }
}
