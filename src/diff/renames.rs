//! Renames: a dropped object and an added one that look alike are a question, never a silent
//! drop + add. Answers come from `--rename`, `migen.toml` or an interactive prompt.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{QName, Schema, Table};
use crate::text::{name_path_text, parse_name_path, split_unquoted};

/// A score at or above this marks a likely rename that needs an answer.
pub const LIKELY: f64 = 0.6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RenameKind {
    Table,
    Column,
}

/// A dropped and an added object that may be one object renamed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenameCandidate {
    pub kind: RenameKind,
    /// For a column, its table (as named in the target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<QName>,
    pub from: String,
    pub to: String,
    /// 0..1, how alike the two are.
    pub score: f64,
    /// The answer that says yes, with each name whole (`from` and `to` are for reading).
    #[serde(skip)]
    accepted: RenameAnswer,
}

impl RenameCandidate {
    fn table(from: &QName, to: &QName, score: f64) -> RenameCandidate {
        RenameCandidate {
            kind: RenameKind::Table,
            table: None,
            from: from.to_string(),
            to: to.to_string(),
            score,
            accepted: RenameAnswer {
                old: name_parts(from),
                new: name_parts(to),
            },
        }
    }

    fn column(table: &QName, from: &str, to: &str, score: f64) -> RenameCandidate {
        let mut old = name_parts(table);
        old.push(from.to_string());
        RenameCandidate {
            kind: RenameKind::Column,
            table: Some(table.clone()),
            from: from.to_string(),
            to: to.to_string(),
            score,
            accepted: RenameAnswer {
                old,
                new: vec![to.to_string()],
            },
        }
    }

    /// The `--rename` argument that answers yes.
    pub fn answer(&self) -> String {
        self.accepted.text()
    }

    /// The answer that says yes.
    pub fn accepted(&self) -> RenameAnswer {
        self.accepted.clone()
    }

    pub fn question(&self) -> String {
        match &self.table {
            Some(table) => format!(
                "Was column {table}.{} renamed to {}? (similarity {:.2})",
                self.from, self.to, self.score
            ),
            None => format!(
                "Was table {} renamed to {}? (similarity {:.2})",
                self.from, self.to, self.score
            ),
        }
    }
}

/// One rename answer: the old name's parts (`table`, `schema.table`, `table.column`,
/// `schema.table.column`) and the new name's. Typed, so a `.` or `=` inside a name is part of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenameAnswer {
    pub old: Vec<String>,
    pub new: Vec<String>,
}

impl RenameAnswer {
    /// `old=new` as `--rename` and migen.toml write it; a name holding `.`, `=`, quotes or
    /// surrounding spaces is double-quoted (`t."x.c"="x.d"`).
    pub fn parse(value: &str) -> Result<RenameAnswer, String> {
        let expected = "expected old=new for a table or table.old=new for a column (quote a name that holds `.` or `=`: t.\"x.c\"=\"x.d\")";
        let Some((old, new)) = split_unquoted(value, '=') else {
            return Err(format!("--rename {value}: {expected}"));
        };
        let side = |text: &str| parse_name_path(text).map_err(|e| format!("--rename {value}: {e}"));
        let answer = RenameAnswer {
            old: side(old)?,
            new: side(new)?,
        };
        if answer.old.len() > 3 || answer.new.len() > 2 {
            return Err(format!("--rename {value}: {expected}"));
        }
        Ok(answer)
    }

    /// The answer as `parse` reads it.
    pub fn text(&self) -> String {
        let (old, new) = self.sides();
        format!("{old}={new}")
    }

    /// Both sides as written (migen.toml keeps them as key and value).
    pub fn sides(&self) -> (String, String) {
        (name_path_text(&self.old), name_path_text(&self.new))
    }
}

/// A table's name as answer parts: `[schema, name]` or `[name]`.
fn name_parts(name: &QName) -> Vec<String> {
    name.schema
        .iter()
        .cloned()
        .chain([name.name.clone()])
        .collect()
}

/// Answers to rename questions.
#[derive(Debug, Clone, Default)]
pub struct RenameAnswers {
    pub renames: Vec<RenameAnswer>,
    /// Treat every unanswered likely rename as drop + add.
    pub assume_no: bool,
    /// Candidates answered "no" (their `--rename` text): dropped and added, not asked again.
    pub declined: Vec<String>,
    /// Values for existing rows of columns made NOT NULL, and derived columns (see `fills`).
    pub fills: super::FillAnswers,
}

impl RenameAnswers {
    /// No renames, and no questions: every unmatched object is a drop or an add. For comparing a
    /// database with the schema it should hold.
    pub fn never() -> RenameAnswers {
        RenameAnswers {
            assume_no: true,
            ..RenameAnswers::default()
        }
    }

    /// Parse `--rename` values of the form `old=new` (table) or `table.old=new` (column).
    pub fn parse(values: &[String], assume_no: bool) -> Result<RenameAnswers, String> {
        let renames = values
            .iter()
            .map(|value| RenameAnswer::parse(value))
            .collect::<Result<_, _>>()?;
        Ok(RenameAnswers {
            renames,
            assume_no,
            ..RenameAnswers::default()
        })
    }

    fn table_answer(&self, from: &QName, to: &QName) -> bool {
        let (from, to_parts) = (name_parts(from), name_parts(to));
        self.renames.iter().any(|answer| {
            answer.old == from && (answer.new == to_parts || answer.new == [to.name.as_str()])
        })
    }

    fn column_answer(&self, from_table: &QName, to_table: &QName, old: &str, new: &str) -> bool {
        let named = |table: &QName| {
            let mut parts = name_parts(table);
            parts.push(old.to_string());
            parts
        };
        let (in_target, in_source) = (named(to_table), named(from_table));
        self.renames.iter().any(|answer| {
            answer.new == [new] && (answer.old == in_target || answer.old == in_source)
        })
    }

    /// The inverse answers, for computing the down migration.
    pub fn inverted(&self, from: &Schema, to: &Schema) -> RenameAnswers {
        let mut renames = Vec::new();
        for answer in &self.renames {
            let table_old = from.tables.keys().find(|q| name_parts(q) == answer.old);
            let table_new = to
                .tables
                .keys()
                .find(|q| name_parts(q) == answer.new || answer.new == [q.name.as_str()]);
            if let (Some(a), Some(b)) = (table_old, table_new) {
                renames.push(RenameAnswer {
                    old: name_parts(b),
                    new: name_parts(a),
                });
                continue;
            }
            if let Some((column, table)) = answer.old.split_last()
                && !table.is_empty()
            {
                // A column answer names the table as the diff's target has it, and the way back
                // targets the source: a table renamed in the same run goes back to its old name.
                let mut old = self
                    .renames
                    .iter()
                    .find(|other| other.new == table)
                    .map(|other| other.old.clone())
                    .unwrap_or_else(|| table.to_vec());
                old.extend(answer.new.iter().cloned());
                renames.push(RenameAnswer {
                    old,
                    new: vec![column.clone()],
                });
            }
        }
        // Fills are not inverted: the way back never needs a value for existing rows.
        RenameAnswers {
            renames,
            assume_no: self.assume_no,
            ..RenameAnswers::default()
        }
    }
}

/// How alike two names are, 0..1: edit distance, with credit for one containing the other.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let a = a.to_lowercase();
    let b = b.to_lowercase();
    if a == b {
        return 1.0;
    }
    let longest = a.chars().count().max(b.chars().count()).max(1) as f64;
    let by_distance = 1.0 - levenshtein(&a, &b) as f64 / longest;
    let squashed_a = a.replace('_', "");
    let squashed_b = b.replace('_', "");
    let contains = if squashed_a == squashed_b {
        0.95
    } else if (a.contains(&b) || b.contains(&a)) && a.len().min(b.len()) >= 2 {
        0.7
    } else {
        0.0
    };
    let tokens_a: BTreeSet<&str> = a.split('_').filter(|t| !t.is_empty()).collect();
    let tokens_b: BTreeSet<&str> = b.split('_').filter(|t| !t.is_empty()).collect();
    let shared = tokens_a.intersection(&tokens_b).count() as f64;
    let by_tokens = if shared > 0.0 {
        0.5 + 0.4 * shared / tokens_a.len().max(tokens_b.len()) as f64
    } else {
        0.0
    };
    by_distance.max(contains).max(by_tokens)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Table renames that were answered, and questions for likely ones that were not.
pub fn table_renames(
    from: &Schema,
    to: &Schema,
    answers: &RenameAnswers,
) -> (Vec<(QName, QName)>, Vec<RenameCandidate>) {
    let dropped: Vec<&Table> = from
        .tables
        .values()
        .filter(|t| !to.tables.contains_key(&t.name))
        .collect();
    let added: Vec<&Table> = to
        .tables
        .values()
        .filter(|t| !from.tables.contains_key(&t.name))
        .collect();
    let mut renames = Vec::new();
    let mut used_from = BTreeSet::new();
    let mut used_to = BTreeSet::new();
    for old in &dropped {
        for new in &added {
            if answers.table_answer(&old.name, &new.name) && !used_to.contains(&new.name) {
                renames.push((old.name.clone(), new.name.clone()));
                used_from.insert(old.name.clone());
                used_to.insert(new.name.clone());
                break;
            }
        }
    }
    let mut questions = Vec::new();
    if !answers.assume_no {
        for old in dropped.iter().filter(|t| !used_from.contains(&t.name)) {
            let best = added
                .iter()
                .filter(|t| !used_to.contains(&t.name))
                .map(|new| (table_score(old, new), new))
                .filter(|(score, _)| *score >= LIKELY)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((score, new)) = best {
                used_to.insert(new.name.clone());
                let candidate = RenameCandidate::table(&old.name, &new.name, score);
                if !answers.declined.contains(&candidate.answer()) {
                    questions.push(candidate);
                }
            }
        }
    }
    (renames, questions)
}

/// Tables alike in their columns (names and types) are likely one table renamed.
fn table_score(old: &Table, new: &Table) -> f64 {
    if old.columns.len() < 2 {
        return 0.0;
    }
    let shared = old
        .columns
        .iter()
        .filter(|c| new.column(&c.name).is_some_and(|n| n.ty == c.ty))
        .count() as f64;
    let union = (old.columns.len() + new.columns.len()) as f64 - shared;
    let columns = shared / union.max(1.0);
    if columns < 0.8 {
        return 0.0;
    }
    0.8 * columns + 0.2 * name_similarity(&old.name.name, &new.name.name)
}

/// Column renames within one table: answered ones, and questions for likely ones.
pub fn column_renames(
    from: &Table,
    to: &Table,
    answers: &RenameAnswers,
) -> (Vec<(String, String)>, Vec<RenameCandidate>) {
    let dropped: Vec<_> = from
        .columns
        .iter()
        .filter(|c| to.column(&c.name).is_none())
        .collect();
    let added: Vec<_> = to
        .columns
        .iter()
        .filter(|c| from.column(&c.name).is_none())
        .collect();
    let mut renames = Vec::new();
    let mut used_from = BTreeSet::new();
    let mut used_to = BTreeSet::new();
    for old in &dropped {
        for new in &added {
            if !used_to.contains(&new.name)
                && answers.column_answer(&from.name, &to.name, &old.name, &new.name)
            {
                renames.push((old.name.clone(), new.name.clone()));
                used_from.insert(old.name.clone());
                used_to.insert(new.name.clone());
                break;
            }
        }
    }
    let mut questions = Vec::new();
    if answers.assume_no {
        return (renames, questions);
    }
    for old in dropped.iter().filter(|c| !used_from.contains(&c.name)) {
        let best = added
            .iter()
            .filter(|c| !used_to.contains(&c.name) && c.ty == old.ty)
            .map(|new| {
                let similarity = name_similarity(&old.name, &new.name);
                let same_null = if old.nullable == new.nullable {
                    1.0
                } else {
                    0.0
                };
                let same_default = if old.default == new.default { 1.0 } else { 0.0 };
                (
                    similarity,
                    0.5 + 0.3 * similarity + 0.1 * same_null + 0.1 * same_default,
                    new,
                )
            })
            .filter(|(similarity, _, _)| *similarity >= 0.5)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((_, score, new)) = best {
            used_to.insert(new.name.clone());
            let candidate = RenameCandidate::column(&to.name, &old.name, &new.name, score);
            if !answers.declined.contains(&candidate.answer()) {
                questions.push(candidate);
            }
        }
    }
    (renames, questions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_names_score_high_and_unrelated_low() {
        assert!(name_similarity("name", "full_name") >= 0.5);
        assert!(name_similarity("user_name", "username") >= 0.9);
        assert!(name_similarity("legacy", "email") < 0.5);
    }

    #[test]
    fn a_declined_rename_is_not_asked_again_but_others_are() {
        let parse = |sql: &str| {
            crate::source::sql::parse(crate::model::Dialect::Postgres, sql, "t.sql").unwrap()
        };
        let before = parse("CREATE TABLE t (id int, name text, mail text);");
        let after = parse("CREATE TABLE t (id int, full_name text, mail_address text);");
        let mut answers = RenameAnswers::default();
        let asked = crate::diff::diff(&before, &after, &answers).questions;
        assert_eq!(asked.len(), 2, "{asked:?}");
        answers.declined.push(asked[0].answer());
        let again = crate::diff::diff(&before, &after, &answers).questions;
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].answer(), asked[1].answer());
    }

    #[test]
    fn the_way_back_renames_a_column_of_a_renamed_table_back() {
        let parse = |sql: &str| {
            crate::source::sql::parse(crate::model::Dialect::Postgres, sql, "t.sql").unwrap()
        };
        let before = parse("CREATE TABLE person (id int, mail text);");
        let after = parse("CREATE TABLE people (id int, email text);");
        let answers = RenameAnswers::parse(
            &["person=people".to_string(), "people.mail=email".to_string()],
            false,
        )
        .unwrap();
        let back = crate::diff::diff(&after, &before, &answers.inverted(&before, &after));
        let kinds: Vec<String> = back.changes.iter().map(|c| c.describe()).collect();
        assert!(
            back.changes.iter().all(|c| matches!(
                c,
                crate::diff::Change::RenameTable { .. } | crate::diff::Change::RenameColumn { .. }
            )),
            "the down drops values: {kinds:?}"
        );
    }

    #[test]
    fn answers_parse_and_reject_malformed() {
        let answers = RenameAnswers::parse(&["users.name=full_name".into()], false).unwrap();
        assert_eq!(
            answers.renames,
            vec![RenameAnswer {
                old: vec!["users".into(), "name".into()],
                new: vec!["full_name".into()],
            }]
        );
        assert!(RenameAnswers::parse(&["users.name".into()], false).is_err());
        assert!(RenameAnswers::parse(&["=x".into()], false).is_err());
        assert!(RenameAnswers::parse(&["a.b.c.d=x".into()], false).is_err());
        let quoted = RenameAnswers::parse(&[r#"t."x.c"=" x=d ""#.into()], false).unwrap();
        assert_eq!(quoted.renames[0].old, ["t", "x.c"]);
        assert_eq!(quoted.renames[0].new, [" x=d "]);
    }

    #[test]
    fn a_name_with_a_dot_is_renamed_and_renamed_back_without_loss() {
        let parse = |sql: &str| {
            crate::source::sql::parse(crate::model::Dialect::Postgres, sql, "t.sql").unwrap()
        };
        let before = parse(r#"CREATE TABLE t (id int, "x.c" text NOT NULL);"#);
        let after = parse(r#"CREATE TABLE t (id int, "x.d" text NOT NULL);"#);
        let asked = crate::diff::diff(&before, &after, &RenameAnswers::default()).questions;
        assert_eq!(asked.len(), 1, "{asked:?}");
        let answer = asked[0].answer();
        assert_eq!(answer, r#"t."x.c"="x.d""#);
        let answers = RenameAnswers::parse(&[answer], false).unwrap();
        let up = crate::diff::diff(&before, &after, &answers);
        let back = crate::diff::diff(&after, &before, &answers.inverted(&before, &after));
        for changes in [&up.changes, &back.changes] {
            assert!(
                matches!(changes[..], [crate::diff::Change::RenameColumn { .. }]),
                "{changes:?}"
            );
        }
    }
}
