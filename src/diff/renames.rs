//! Renames: a dropped object and an added one that look alike are a question, never a silent
//! drop + add. Answers come from `--rename`, `migen.toml` or an interactive prompt.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{QName, Schema, Table};

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
}

impl RenameCandidate {
    /// The `--rename` argument that answers yes.
    pub fn answer(&self) -> String {
        match &self.table {
            Some(table) => format!("{table}.{}={}", self.from, self.to),
            None => format!("{}={}", self.from, self.to),
        }
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

/// Answers to rename questions.
#[derive(Debug, Clone, Default)]
pub struct RenameAnswers {
    /// `(old, new)`: `table.old`→`new` for columns, `old`→`new` for tables.
    pub renames: Vec<(String, String)>,
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
        let mut renames = Vec::new();
        for value in values {
            let Some((old, new)) = value.split_once('=') else {
                return Err(format!(
                    "--rename {value}: expected old=new for a table or table.old=new for a column"
                ));
            };
            if old.trim().is_empty() || new.trim().is_empty() {
                return Err(format!("--rename {value}: both sides need a name"));
            }
            renames.push((old.trim().to_string(), new.trim().to_string()));
        }
        Ok(RenameAnswers {
            renames,
            assume_no,
            ..RenameAnswers::default()
        })
    }

    fn table_answer(&self, from: &QName, to: &QName) -> bool {
        self.renames.iter().any(|(old, new)| {
            *old == from.to_string() && (*new == to.to_string() || *new == to.name)
        })
    }

    fn column_answer(&self, from_table: &QName, to_table: &QName, old: &str, new: &str) -> bool {
        self.renames.iter().any(|(o, n)| {
            n == new && (*o == format!("{to_table}.{old}") || *o == format!("{from_table}.{old}"))
        })
    }

    /// The inverse answers, for computing the down migration.
    pub fn inverted(&self, from: &Schema, to: &Schema) -> RenameAnswers {
        let mut renames = Vec::new();
        for (old, new) in &self.renames {
            let table_old = from.tables.keys().find(|q| q.to_string() == *old);
            let table_new = to
                .tables
                .keys()
                .find(|q| q.to_string() == *new || q.name == *new);
            if let (Some(a), Some(b)) = (table_old, table_new) {
                renames.push((b.to_string(), a.to_string()));
                continue;
            }
            if let Some((table, column)) = old.rsplit_once('.') {
                // A column answer names the table as the diff's target has it, and the way back
                // targets the source: a table renamed in the same run goes back to its old name.
                let target_table = self
                    .renames
                    .iter()
                    .find(|(_, n)| n == table)
                    .map(|(o, _)| o.clone())
                    .unwrap_or_else(|| table.to_string());
                renames.push((format!("{target_table}.{new}"), column.to_string()));
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
                let candidate = RenameCandidate {
                    kind: RenameKind::Table,
                    table: None,
                    from: old.name.to_string(),
                    to: new.name.to_string(),
                    score,
                };
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
            let candidate = RenameCandidate {
                kind: RenameKind::Column,
                table: Some(to.name.clone()),
                from: old.name.clone(),
                to: new.name.clone(),
                score,
            };
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
            vec![("users.name".to_string(), "full_name".to_string())]
        );
        assert!(RenameAnswers::parse(&["users.name".into()], false).is_err());
        assert!(RenameAnswers::parse(&["=x".into()], false).is_err());
    }
}
