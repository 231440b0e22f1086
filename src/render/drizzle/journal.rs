//! drizzle-kit's `meta/_journal.json` (the migrator's list of migrations) and the chain of
//! snapshot ids.

use std::hash::Hasher;
use std::path::Path;

use serde_json::{Value, json};

use crate::error::{Error, Result};

/// What a snapshot's `prevId` is when no snapshot comes before it.
pub const NO_PREVIOUS: &str = "00000000-0000-0000-0000-000000000000";

/// The journal as read, every field kept; entries appended at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    value: Value,
}

impl Journal {
    /// The journal at `path`, or a new one for `dialect` where there is none.
    pub fn read(path: &Path, dialect: &str) -> Result<Journal> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Journal {
                    value: json!({ "version": "7", "dialect": dialect, "entries": [] }),
                });
            }
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Journal::parse(&text, dialect).map_err(|why| {
            Error::Usage(format!(
                "{}: not a drizzle-kit journal: {why}",
                path.display()
            ))
        })
    }

    /// A journal's text, checked against the schema's dialect.
    pub fn parse(text: &str, dialect: &str) -> std::result::Result<Journal, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if !value.get("entries").is_some_and(Value::is_array) {
            return Err("no `entries` list".into());
        }
        match value.get("dialect").and_then(Value::as_str) {
            Some(found) if found != dialect => {
                return Err(format!("its dialect is {found}, the schema's {dialect}"));
            }
            _ => {}
        }
        Ok(Journal { value })
    }

    fn entries(&self) -> &[Value] {
        self.value["entries"].as_array().map_or(&[], Vec::as_slice)
    }

    fn last(&self) -> Option<&Value> {
        self.entries().last()
    }

    /// The index the next migration takes.
    pub fn next_idx(&self) -> u64 {
        self.last()
            .and_then(|e| e["idx"].as_u64())
            .map_or(0, |idx| idx + 1)
    }

    /// The id of the newest entry's snapshot (`dir/meta/NNNN_snapshot.json`; the middle phases
    /// of a zero-downtime migration have none).
    pub fn last_snapshot_id(&self, dir: &Path) -> Result<String> {
        for idx in self
            .entries()
            .iter()
            .rev()
            .filter_map(|e| e["idx"].as_u64())
        {
            let path = dir.join("meta").join(format!("{idx:04}_snapshot.json"));
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => return Err(Error::Io { path, source }),
            };
            return serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_string))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{}: a drizzle-kit snapshot without an id",
                        path.display()
                    ))
                });
        }
        Ok(NO_PREVIOUS.to_string())
    }

    /// A new entry: `when` is now (milliseconds), or just after the last entry's where that is
    /// later, since the migrator applies only entries newer than the last one it ran.
    pub fn append(&mut self, tag: &str, now_seconds: u64) {
        let idx = self.next_idx();
        let last_when = self.last().and_then(|e| e["when"].as_u64());
        let version = self
            .last()
            .and_then(|e| e["version"].as_str())
            // The snapshot version drizzle-kit 0.31 writes for the dialect.
            .unwrap_or(match self.value["dialect"].as_str() {
                Some("sqlite") => "6",
                Some("mysql") => "5",
                _ => "7",
            })
            .to_string();
        let when = (now_seconds * 1000).max(last_when.map_or(0, |w| w + 1));
        if let Some(entries) = self.value["entries"].as_array_mut() {
            entries.push(json!({
                "idx": idx,
                "version": version,
                "when": when,
                "tag": tag,
                "breakpoints": true,
            }));
        }
    }

    pub fn to_json(&self) -> Value {
        self.value.clone()
    }
}

/// A snapshot id in UUID v4 form, as drizzle-kit's are. drizzle-kit draws them at random;
/// migen derives them from what the snapshot follows and holds (the previous id, the tag, the
/// time, the contents), so the same migration renders the same files and two snapshots still
/// differ.
pub fn new_snapshot_id(seed: &str) -> String {
    let mut bytes = [0u8; 16];
    for (round, half) in bytes.chunks_mut(8).enumerate() {
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write_usize(round);
        hasher.write(seed.as_bytes());
        half.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
