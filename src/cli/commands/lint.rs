//! `migen lint`: migration files someone already wrote, checked against the safety rules.

use super::print;
use crate::cli::args::{LintArgs, LintFormat};
use crate::error::Result;
use crate::pipeline::{self, SourceSpec, Version};

pub fn run(args: &LintArgs) -> Result<i32> {
    let spec = SourceSpec::parse(&args.schema);
    let config = pipeline::settings()?;
    // Migrations are for the database their tool's settings name, unless told otherwise.
    let implied = spec.implied_dialect().or_else(|| {
        (args.dialect.is_none() && config.dialect.is_none())
            .then(|| pipeline::migrations_dialect(&args.files))
            .flatten()
    });
    let dialect = pipeline::resolve_dialect(args.dialect, implied, "as --schema", &config)?;
    let (base, notes) = pipeline::read(&spec, dialect)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    let version = match &args.db_version {
        Some(text) => pipeline::given_version(text, dialect)?,
        None if config.version.is_some_and(|v| v.dialect == dialect) => {
            config.version.expect("checked")
        }
        None => {
            let reported = match &spec {
                SourceSpec::Database(url) => pipeline::reported_version(url, dialect)?,
                _ => None,
            };
            reported.unwrap_or_else(|| {
                let oldest = Version::oldest_supported(dialect);
                eprintln!(
                    "note: no server version given: the rules assume {}, the oldest supported (pass --db-version or set [database] version in migen.toml)",
                    oldest.label()
                );
                oldest
            })
        }
    };
    let files = pipeline::lint_paths(&args.files)?;
    let report = pipeline::lint_report(&files, &base, &version)?;
    let findings = &report.findings;
    let skipped = report.skipped_summary();
    let text = match args.format {
        LintFormat::Json => {
            serde_json::to_string_pretty(findings).expect("findings serialise") + "\n"
        }
        LintFormat::Github => pipeline::github_annotations(findings),
        LintFormat::Text => {
            let mut text = String::new();
            for f in findings {
                text.push_str(&format!(
                    "{}:{}:{}: {} {}: {}\n",
                    f.file, f.line, f.column, f.severity, f.rule, f.message
                ));
            }
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            text.push_str(&format!(
                "{} in {}\n",
                plural(findings.len(), "finding"),
                plural(files.len(), "file")
            ));
            if let Some(skipped) = &skipped {
                text.push_str(&format!("{skipped}\n"));
            }
            text
        }
    };
    print(&text);
    if let (Some(skipped), LintFormat::Json | LintFormat::Github) = (&skipped, args.format) {
        eprintln!("note: {skipped}");
    }
    Ok(if findings.iter().any(|f| f.severity >= args.fail_on) {
        1
    } else {
        0
    })
}
