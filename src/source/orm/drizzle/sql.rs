//! drizzle's ``sql`...` `` templates as the SQL text drizzle-kit writes for them: the literal
//! parts as they are, a column (`${t.age}`) as its quoted name, nested templates, `sql.raw()`
//! and literals inlined.

use super::columns::Column;
use super::{Core, Reader};
use crate::error::Result;
use crate::source::orm::typescript::{Node, Value};

/// What a column reference inside a template may name: the identifiers that stand for the
/// table being read (the extras callback's parameter, the table's variable) and its columns.
pub(super) struct Scope<'c> {
    pub names: Vec<&'c str>,
    pub columns: &'c [Column],
    /// The table name a column is qualified with (`"users"."age"`), where the database keeps
    /// the qualifier drizzle-kit writes.
    pub qualifier: Option<&'c str>,
    /// The schema of a qualified column's table (`"billing"."invoices"."total"`).
    pub schema: Option<&'c str>,
}

impl Scope<'_> {
    pub fn none() -> Scope<'static> {
        Scope {
            names: Vec::new(),
            columns: &[],
            qualifier: None,
            schema: None,
        }
    }
}

/// A string literal in SQL.
pub(super) fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl Core {
    /// A name as drizzle's dialect escapes it inside sql`...` (SQLite's too is `"`).
    pub(super) fn sql_quote(self, name: &str) -> String {
        match self {
            Core::Mysql => format!("`{}`", name.replace('`', "``")),
            Core::Pg | Core::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A name as drizzle-kit quotes it in DDL.
    pub(super) fn quote(self, name: &str) -> String {
        match self {
            Core::Pg => format!("\"{}\"", name.replace('"', "\"\"")),
            Core::Mysql | Core::Sqlite => format!("`{}`", name.replace('`', "``")),
        }
    }
}

impl Reader<'_> {
    /// The SQL text of `node`: a ``sql`...` `` template, `sql.raw("...")`, or a string taken
    /// as SQL (`generatedAlwaysAs("...")`).
    pub(super) fn sql_text(&self, module: usize, node: &Node, scope: &Scope) -> Result<String> {
        match &node.value {
            Value::Template {
                tag: Some(tag),
                quasis,
                exprs,
            } if tag
                .path()
                .is_some_and(|p| p == "sql" || p.ends_with(".sql")) =>
            {
                let mut text = String::new();
                for (index, part) in quasis.iter().enumerate() {
                    text.push_str(part);
                    if let Some(expr) = exprs.get(index) {
                        text.push_str(&self.interpolation(module, expr, scope)?);
                    }
                }
                Ok(text)
            }
            Value::Call { .. } => match node.call() {
                Some((name, [arg])) if name == "sql.raw" => {
                    let arg = self.value(module, arg);
                    arg.str()
                        .map(str::to_string)
                        .ok_or_else(|| self.error(arg.pos, "sql.raw() needs a string"))
                }
                _ => Err(self.error(
                    node.pos,
                    format!("{} is not SQL migen can read statically", node.describe()),
                )),
            },
            Value::Str(text) => Ok(text.clone()),
            Value::Ident(_) | Value::Member(..) => {
                let resolved = self.value(module, node);
                if resolved.value == node.value {
                    return Err(self.error(
                        node.pos,
                        format!("{} is not SQL migen can read statically", node.describe()),
                    ));
                }
                self.sql_text(module, &resolved, scope)
            }
            _ => Err(self.error(
                node.pos,
                format!(
                    "{} is not a sql`...` template migen can read",
                    node.describe()
                ),
            )),
        }
    }

    fn interpolation(&self, module: usize, expr: &Node, scope: &Scope) -> Result<String> {
        if let Value::Member(object, key) = &expr.value
            && let Value::Ident(name) = &object.value
            && scope.names.contains(&name.as_str())
        {
            return scope
                .columns
                .iter()
                .find(|c| &c.key == key)
                .map(|c| match (scope.schema, scope.qualifier) {
                    (Some(schema), Some(table)) => format!(
                        "{}.{}.{}",
                        self.core.sql_quote(schema),
                        self.core.sql_quote(table),
                        self.core.sql_quote(&c.name)
                    ),
                    (None, Some(table)) => format!(
                        "{}.{}",
                        self.core.sql_quote(table),
                        self.core.sql_quote(&c.name)
                    ),
                    (_, None) => self.core.sql_quote(&c.name),
                })
                .ok_or_else(|| self.error(expr.pos, format!("the table has no column `{key}`")));
        }
        match &expr.value {
            Value::Template { tag: Some(_), .. } | Value::Call { .. } => {
                self.sql_text(module, expr, scope)
            }
            Value::Str(s) => Ok(literal(s)),
            Value::Num(n) => Ok(super::columns::js_number(*n)),
            Value::Bool(b) => Ok(b.to_string()),
            _ => {
                let resolved = self.value(module, expr);
                if resolved.value != expr.value {
                    return self.interpolation(module, &resolved, scope);
                }
                Err(self.error(
                    expr.pos,
                    format!(
                        "${{{}}} in a sql`...` template cannot be read statically",
                        expr.describe()
                    ),
                ))
            }
        }
    }
}
