//! Fill answers: read from `--fill` and migen.toml's `[fill]`, checked against the target
//! schema (a bad expression is an error at its position), and the columns a live source shows
//! need none.

use crate::config::Config;
use crate::diff::{self, Fill, FillAnswers, FillError, FillQuestion, RenameAnswers};
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::source;

use super::{Loaded, Request};

/// The fills the command line and migen.toml give; the command line's win for the same column.
pub(super) fn answers(request: &Request, config: &Config, after: &Schema) -> Result<FillAnswers> {
    let dialect = after.dialect;
    let mut answers = FillAnswers::default();
    for value in &request.fills {
        let Some((key, expr)) = diff::fills::split_flag(value) else {
            return Err(Error::Usage(format!(
                "--fill {value}: expected table.column=SQL, e.g. --fill users.status=\"'active'\""
            )));
        };
        let fill =
            diff::fills::parse_fill(dialect, after, key, expr).map_err(|e| at_flag(key, e))?;
        answers.push(fill);
    }
    let file = config.path.as_ref().map_or_else(
        || crate::config::FILE_NAME.to_string(),
        |p| p.display().to_string(),
    );
    for entry in &config.fills {
        let fill =
            diff::fills::parse_fill(dialect, after, &entry.key, &entry.expr).map_err(|e| {
                let (line, column) = entry.at;
                // A position inside the value, counted from where the value starts in the file.
                let (line, column) = if e.line <= 1 {
                    (line, column + e.column - 1)
                } else {
                    (line + e.line - 1, e.column)
                };
                Error::parse(
                    &file,
                    line,
                    column,
                    format!("[fill] {}: {}", entry.key, e.message),
                )
            })?;
        answers.push(fill);
    }
    Ok(answers)
}

/// A bad `--fill`: named as the flag, at the position inside its expression.
fn at_flag(key: &str, error: FillError) -> Error {
    Error::parse(
        &format!("--fill {key}"),
        error.line,
        error.column,
        error.message,
    )
}

/// Columns whose fill question a live source answers by itself: no NULL in a column made NOT
/// NULL, or no row in a table that gets a NOT NULL column. A count that fails leaves the
/// question to be asked.
pub(super) fn unneeded_from_live(
    url: &str,
    before: &Schema,
    after: &Schema,
    answers: &mut RenameAnswers,
) -> Result<()> {
    let changes = diff::diff(before, after, answers).changes;
    let sites: Vec<FillQuestion> = diff::fills::fill_sites(after.dialect, &changes)
        .into_iter()
        .filter(|q| answers.fills.get(&q.table, &q.column).is_none())
        .filter(|q| {
            before.tables.get(&q.table).is_some_and(|t| {
                q.kind == diff::FillKind::AddNotNull || t.column(&q.column).is_some()
            })
        })
        .collect();
    if sites.is_empty() {
        return Ok(());
    }
    let mut db = source::live::connect(url)?;
    for site in sites {
        let rows_needing = match site.kind {
            diff::FillKind::SetNotNull => {
                let condition = format!(
                    "{} IS NULL",
                    crate::normalize::quote_ident(after.dialect, &site.column)
                );
                db.count_where(&site.table, &condition).ok()
            }
            diff::FillKind::AddNotNull => db.row_count(&site.table).ok(),
        };
        if rows_needing == Some(0) {
            answers.fills.unneeded.insert((site.table, site.column));
        }
    }
    Ok(())
}

/// Check an answer typed at a prompt (`expr` for the column `question` asks about).
pub fn check_fill(loaded: &Loaded, question: &FillQuestion, expr: &str) -> Result<Fill> {
    let key = question.key();
    diff::fills::parse_fill(loaded.after.dialect, &loaded.after, &key, expr)
        .map_err(|e| at_flag(&key, e))
}

/// Record an answer to a fill question.
pub fn answer_fill(answers: &mut RenameAnswers, fill: Fill) {
    answers.fills.push(fill);
}

/// The text of unanswered fill questions, with the flag that answers each: what a run without
/// a terminal stops with (exit 3).
pub fn fill_question_text(questions: &[FillQuestion]) -> String {
    let mut text = String::from("existing rows need a value before a migration can be planned:\n");
    for question in questions {
        text.push_str(&format!(
            "  {}\n    answer: {}\n",
            question.question(),
            question.flag()
        ));
    }
    text.push_str(
        "  the value is SQL of the migration's dialect: a constant ('active', 0, false) or an expression over the row's columns; or give it in migen.toml's [fill] table",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QName;

    #[test]
    fn a_question_names_the_flag_that_answers_it() {
        let question = FillQuestion {
            kind: diff::FillKind::SetNotNull,
            table: QName::new("users"),
            column: "status".into(),
            type_name: "text".into(),
        };
        let text = fill_question_text(&[question]);
        assert!(text.contains("users.status"), "{text}");
        assert!(text.contains("--fill users.status=\"<SQL>\""), "{text}");
    }
}
