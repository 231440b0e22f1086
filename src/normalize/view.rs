//! Views: a view's query folded from what `pg_get_viewdef` or MariaDB's `VIEW_DEFINITION`
//! print back to the plain query, in every SELECT it contains.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Ident, ObjectName, ObjectNamePart};
use sqlparser::parser::Parser;

use super::expr::{canonical_ident, canonicalize_all, catalog_parser};
use super::ident::{ident_name, object_qname};
use super::sql_dialect;
use crate::model::{Dialect, QName};

/// Canonical text of a view's query. Folds what PostgreSQL's `pg_get_viewdef` and MariaDB's
/// `VIEW_DEFINITION` add (table-qualified columns, `AS same_name` aliases, parenthesised joins,
/// `*` expanded to the columns, generated aliases like `count(*) AS count`, aliases in later
/// branches of a UNION) back to the plain form, in every SELECT of the query (subqueries,
/// CTEs and UNION branches included). `columns_of` gives a table's columns, to expand `*` the
/// way the server does when the view is created.
pub fn view_query(
    dialect: Dialect,
    text: &str,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) -> String {
    use sqlparser::ast::{VisitMut, visit_relations_mut};
    let text = text.trim().trim_end_matches(';').trim();
    let sql_dialect = sql_dialect(dialect);
    let parsed = catalog_parser(dialect, sql_dialect.as_ref(), text)
        .ok_or(())
        .and_then(|mut p| p.parse_query().map_err(|_| ()));
    let Ok(mut query) = parsed else {
        return text.split_whitespace().collect::<Vec<_>>().join(" ");
    };
    canonicalize_all(dialect, &mut *query);
    let _ = visit_relations_mut(&mut *query, |name| {
        let q = object_qname(dialect, name);
        let mut parts = Vec::new();
        if let Some(schema) = q.schema {
            parts.push(canonical_ident_of(dialect, &schema));
        }
        parts.push(canonical_ident_of(dialect, &q.name));
        *name = ObjectName::from(parts);
        ControlFlow::<()>::Continue(())
    });
    let mut visitor = ViewCanon {
        dialect,
        columns_of,
    };
    let _ = query.visit(&mut visitor);
    query.to_string()
}

/// Canonicalises each query of a view after its subqueries (post-order).
struct ViewCanon<'a> {
    dialect: Dialect,
    columns_of: &'a dyn Fn(&str) -> Option<Vec<String>>,
}

impl sqlparser::ast::VisitorMut for ViewCanon<'_> {
    type Break = ();

    fn post_visit_query(&mut self, query: &mut sqlparser::ast::Query) -> ControlFlow<()> {
        canonical_query(self.dialect, query, self.columns_of);
        ControlFlow::Continue(())
    }
}

/// The SELECTs making up a query body: one, or the branches of a set operation (first first).
fn body_selects(body: &mut sqlparser::ast::SetExpr) -> Vec<&mut sqlparser::ast::Select> {
    use sqlparser::ast::SetExpr;
    match body {
        SetExpr::Select(select) => vec![&mut **select],
        SetExpr::SetOperation { left, right, .. } => {
            let mut out = body_selects(left);
            out.extend(body_selects(right));
            out
        }
        _ => Vec::new(),
    }
}

fn canonical_query(
    dialect: Dialect,
    query: &mut sqlparser::ast::Query,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) {
    use sqlparser::ast::{SelectItem, SetExpr};
    let single_select = matches!(query.body.as_ref(), SetExpr::Select(_));
    let mut order_by = query.order_by.take();
    for (i, select) in body_selects(&mut query.body).into_iter().enumerate() {
        let order_by = if single_select {
            order_by.as_mut()
        } else {
            None
        };
        canonical_select(dialect, select, order_by, columns_of);
        if i > 0 {
            // Only the first branch of a UNION names the columns; servers still print
            // aliases in the others (`SELECT t.qty AS id`).
            for item in select.projection.iter_mut() {
                if let SelectItem::ExprWithAlias { expr, .. } = item {
                    *item = SelectItem::UnnamedExpr(expr.clone());
                }
            }
        }
    }
    query.order_by = order_by.take();
}

/// What the columns of a SELECT with a single FROM item may be qualified with.
struct SingleSource {
    /// The table's name, when the item is a table (not a subquery).
    table: Option<QName>,
    alias: Option<String>,
}

impl SingleSource {
    /// An alias hides the table's own name.
    fn matches(&self, qualifier: &str) -> bool {
        match (&self.alias, &self.table) {
            (Some(alias), _) => alias == qualifier,
            (None, Some(table)) => table.name == qualifier,
            (None, None) => false,
        }
    }
}

fn canonical_select(
    dialect: Dialect,
    select: &mut sqlparser::ast::Select,
    order_by: Option<&mut sqlparser::ast::OrderBy>,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) {
    use sqlparser::ast::{SelectItem, TableFactor, VisitMut};
    // `books AS b` and `books b` are one alias.
    for from in select.from.iter_mut() {
        let factors = std::iter::once(&mut from.relation)
            .chain(from.joins.iter_mut().map(|j| &mut j.relation));
        for factor in factors {
            if let TableFactor::Table {
                alias: Some(alias), ..
            }
            | TableFactor::Derived {
                alias: Some(alias), ..
            } = factor
            {
                alias.explicit = false;
                canonical_ident(dialect, &mut alias.name);
            }
        }
    }
    // `FROM (a JOIN b ON …)` → `FROM a JOIN b ON …`
    if select.from.len() == 1
        && select.from[0].joins.is_empty()
        && let TableFactor::NestedJoin {
            table_with_joins,
            alias: None,
        } = &select.from[0].relation
    {
        let inner = (**table_with_joins).clone();
        select.from[0] = inner;
    }
    let single = match select.from.as_slice() {
        [only] if only.joins.is_empty() => match &only.relation {
            TableFactor::Table { name, alias, .. } => Some(SingleSource {
                table: Some(object_qname(dialect, name)),
                alias: alias.as_ref().map(|a| ident_name(dialect, &a.name)),
            }),
            TableFactor::Derived {
                alias: Some(alias), ..
            } => Some(SingleSource {
                table: None,
                alias: Some(ident_name(dialect, &alias.name)),
            }),
            _ => None,
        },
        _ => None,
    };
    if let Some(source) = &single {
        if let Some(table) = &source.table {
            let mut items = Vec::new();
            for item in std::mem::take(&mut select.projection) {
                // `t.*` is `*` when `t` is the only table.
                let star = match &item {
                    SelectItem::Wildcard(_) => true,
                    SelectItem::QualifiedWildcard(
                        sqlparser::ast::SelectItemQualifiedWildcardKind::ObjectName(name),
                        _,
                    ) => {
                        name.0.len() == 1
                            && matches!(name.0.last(), Some(ObjectNamePart::Identifier(ident))
                                if source.matches(&ident_name(dialect, ident)))
                    }
                    _ => false,
                };
                match (item, columns_of(&table.to_string())) {
                    (_, Some(columns)) if star => {
                        for column in columns {
                            items.push(SelectItem::UnnamedExpr(Expr::Identifier(
                                canonical_ident_of(dialect, &column),
                            )));
                        }
                    }
                    (other, _) => items.push(other),
                }
            }
            select.projection = items;
        }
        // Unqualify this SELECT's own column references (not those of its subqueries, which
        // may be correlated references to an outer table).
        let mut strip = StripQualifier {
            dialect,
            source,
            depth: 0,
        };
        let _ = select.visit(&mut strip);
        let mut order_by = order_by;
        if let Some(order_by) = order_by.as_mut() {
            strip.depth = 0;
            let _ = order_by.visit(&mut strip);
        }
        // An alias nothing refers to any more goes (`FROM t t_1`, PostgreSQL's name for a
        // table repeated in a subquery), unless dropping it would let `t.x` in a subquery
        // bind here instead of to an outer `t`.
        if let (Some(table), Some(alias)) = (&source.table, &source.alias) {
            let mut referenced = qualifiers_used(dialect, &*select);
            if let Some(order_by) = order_by.as_deref() {
                referenced.extend(qualifiers_used(dialect, order_by));
            }
            if !referenced.contains(alias)
                && !referenced.contains(&table.name)
                && let TableFactor::Table { alias, .. } = &mut select.from[0].relation
            {
                *alias = None;
            }
        }
    }
    for item in select.projection.iter_mut() {
        if let SelectItem::ExprWithAlias { expr, alias } = item {
            if alias_is_implied(dialect, expr, alias) {
                *item = SelectItem::UnnamedExpr(expr.clone());
            } else {
                canonical_ident(dialect, alias);
            }
        }
    }
}

/// Whether `expr AS alias` names the column what the server would name `expr` anyway.
fn alias_is_implied(dialect: Dialect, expr: &Expr, alias: &Ident) -> bool {
    let alias_name = ident_name(dialect, alias);
    match expr {
        Expr::Identifier(ident) => ident_name(dialect, ident) == alias_name,
        Expr::CompoundIdentifier(parts) => parts
            .last()
            .is_some_and(|p| ident_name(dialect, p) == alias_name),
        // PostgreSQL names a function call's column after the function (`count(*) AS count`).
        Expr::Function(function) if dialect == Dialect::Postgres => {
            function.name.0.last().is_some_and(|part| match part {
                ObjectNamePart::Identifier(ident) => ident_name(dialect, ident) == alias_name,
                _ => false,
            })
        }
        // MariaDB names an expression's column after its text (`count(*) AS `count(*)``).
        _ if dialect == Dialect::Mysql => {
            let loose = |text: &str| {
                text.chars()
                    .filter(|c| !c.is_whitespace() && *c != '`')
                    .collect::<String>()
                    .to_lowercase()
            };
            loose(&expr.to_string()) == loose(&alias.value)
        }
        _ => false,
    }
}

/// Removes a qualifier naming the single FROM item, outside subqueries.
struct StripQualifier<'a> {
    dialect: Dialect,
    source: &'a SingleSource,
    depth: usize,
}

impl sqlparser::ast::VisitorMut for StripQualifier<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &mut sqlparser::ast::Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut sqlparser::ast::Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if self.depth == 0 {
            strip_qualifier(self.dialect, expr, &|q| self.source.matches(q));
        }
        ControlFlow::Continue(())
    }
}

/// Every name used as a qualifier (`x` in `x.col` and `x.*`) anywhere inside a node.
fn qualifiers_used<V: sqlparser::ast::Visit>(
    dialect: Dialect,
    node: &V,
) -> std::collections::BTreeSet<String> {
    struct Collect {
        dialect: Dialect,
        found: std::collections::BTreeSet<String>,
    }
    impl sqlparser::ast::Visitor for Collect {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            match expr {
                Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                    self.found
                        .insert(ident_name(self.dialect, &parts[parts.len() - 2]));
                }
                Expr::QualifiedWildcard(name, _) => {
                    if let Some(ObjectNamePart::Identifier(ident)) = name.0.last() {
                        self.found.insert(ident_name(self.dialect, ident));
                    }
                }
                _ => {}
            }
            ControlFlow::Continue(())
        }
    }
    let mut collect = Collect {
        dialect,
        found: Default::default(),
    };
    let _ = node.visit(&mut collect);
    // `t.*` in a select list is not an expression.
    let text = {
        struct Items(Vec<String>);
        impl sqlparser::ast::Visitor for Items {
            type Break = ();
            fn pre_visit_select(&mut self, select: &sqlparser::ast::Select) -> ControlFlow<()> {
                for item in &select.projection {
                    if let sqlparser::ast::SelectItem::QualifiedWildcard(
                        sqlparser::ast::SelectItemQualifiedWildcardKind::ObjectName(name),
                        _,
                    ) = item
                        && let Some(ObjectNamePart::Identifier(ident)) = name.0.last()
                    {
                        self.0.push(ident.value.clone());
                        self.0.push(ident.value.to_lowercase());
                    }
                }
                ControlFlow::Continue(())
            }
        }
        let mut items = Items(Vec::new());
        let _ = node.visit(&mut items);
        items.0
    };
    collect.found.extend(text);
    collect.found
}

/// `SELECT a, b …` with the view column list `(x, y)` → `SELECT a AS x, b AS y …`; `None` when the
/// query is not a plain SELECT with one item per column.
pub fn alias_view_columns(dialect: Dialect, text: &str, columns: &[String]) -> Option<String> {
    use sqlparser::ast::{SelectItem, SetExpr};
    let sql_dialect = sql_dialect(dialect);
    let mut query = Parser::new(sql_dialect.as_ref())
        .try_with_sql(text)
        .ok()?
        .parse_query()
        .ok()?;
    let SetExpr::Select(select) = query.body.as_mut() else {
        return None;
    };
    if select.projection.len() != columns.len() {
        return None;
    }
    for (item, column) in select.projection.iter_mut().zip(columns) {
        let expr = match item {
            SelectItem::UnnamedExpr(e) => e.clone(),
            SelectItem::ExprWithAlias { expr, .. } => expr.clone(),
            _ => return None,
        };
        *item = SelectItem::ExprWithAlias {
            expr,
            alias: canonical_ident_of(dialect, column),
        };
    }
    Some(query.to_string())
}

fn canonical_ident_of(dialect: Dialect, name: &str) -> Ident {
    let mut ident = Ident::with_quote('"', name);
    if dialect == Dialect::Mysql {
        ident.quote_style = Some('`');
    }
    canonical_ident(dialect, &mut ident);
    ident
}

fn strip_qualifier(dialect: Dialect, expr: &mut Expr, matches: &dyn Fn(&str) -> bool) {
    if let Expr::CompoundIdentifier(parts) = expr
        && parts.len() == 2
        && matches(&ident_name(dialect, &parts[0]))
    {
        *expr = Expr::Identifier(parts[1].clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: Dialect = Dialect::Postgres;
    const MY: Dialect = Dialect::Mysql;

    #[test]
    fn postgres_view_text_folds_to_written_query() {
        let none = |_: &str| None;
        let view = |text: &str| view_query(PG, text, &none);
        assert_eq!(
            view("SELECT name, count(*) FROM t GROUP BY name ORDER BY name"),
            view(
                " SELECT t.name,\n    count(*) AS count\n   FROM t\n  GROUP BY t.name\n  ORDER BY t.name;"
            )
        );
        assert_eq!(
            view(
                "SELECT name, sum(qty), max(price) AS mp FROM t GROUP BY name HAVING sum(qty) > 1"
            ),
            view(
                " SELECT t.name,\n    sum(t.qty) AS sum,\n    max(t.price) AS mp\n   FROM t\n  GROUP BY t.name\n HAVING sum(t.qty) > 1;"
            )
        );
        assert_eq!(
            view("SELECT id, name FROM t UNION SELECT qty, name FROM t"),
            view(
                " SELECT t.id,\n    t.name\n   FROM t\nUNION\n SELECT t.qty AS id,\n    t.name\n   FROM t;"
            )
        );
        assert_eq!(
            view("WITH x AS (SELECT id FROM t) SELECT id FROM x"),
            view(
                " WITH x AS (\n         SELECT t.id\n           FROM t\n        )\n SELECT x.id\n   FROM x;"
            )
        );
        assert_eq!(
            view("SELECT id FROM t WHERE id IN (SELECT qty FROM t)"),
            view(
                " SELECT t.id\n   FROM t\n  WHERE (t.id IN ( SELECT t_1.qty\n           FROM t t_1));"
            )
        );
        assert_eq!(
            view("SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY region"),
            view(
                "SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY sales.region"
            )
        );
        assert_eq!(
            view("SELECT id, kind, at FROM events WHERE at > now() - interval '7 days'"),
            view(
                " SELECT events.id,\n    events.kind,\n    events.at\n   FROM events\n  WHERE events.at > (now() - '7 days'::interval);"
            )
        );
        let columns =
            |name: &str| (name == "t").then(|| vec!["id".to_string(), "name".to_string()]);
        assert_eq!(
            view_query(PG, "SELECT t.* FROM t", &columns),
            view_query(PG, " SELECT t.id,\n    t.name\n   FROM t;", &columns)
        );
        assert_eq!(
            view_query(PG, "SELECT * FROM t", &columns),
            "SELECT id, name FROM t"
        );
        // A correlated reference to the outer table keeps its qualifier.
        assert_eq!(
            view("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.id)"),
            "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE x = t.id)"
        );
        // Dropping `t_1` would capture the outer `t.id`.
        assert_eq!(
            view("SELECT id FROM t WHERE id IN (SELECT t_1.qty FROM t t_1 WHERE t_1.id <> t.id)"),
            "SELECT id FROM t WHERE id IN (SELECT qty FROM t t_1 WHERE id <> t.id)"
        );
        for text in [
            "SELECT name, count(*) FROM t GROUP BY name ORDER BY name",
            "SELECT id, name FROM t UNION SELECT qty, name FROM t",
        ] {
            let canonical = view(text);
            assert_eq!(view(&canonical), canonical);
        }
    }

    #[test]
    fn mariadb_view_text_folds_to_written_query() {
        let none = |_: &str| None;
        let view = |text: &str| view_query(MY, text, &none);
        assert_eq!(
            view("SELECT s, count(*) FROM g GROUP BY s ORDER BY s"),
            view(
                "select `g`.`s` AS `s`,count(0) AS `count(*)` from `g` group by `g`.`s` order by `g`.`s`"
            )
        );
        assert_eq!(
            view("SELECT s, sum(a), count(*) AS n FROM g GROUP BY s HAVING sum(a) > 1"),
            view(
                "select `g`.`s` AS `s`,sum(`g`.`a`) AS `sum(a)`,count(0) AS `n` from `g` group by `g`.`s` having sum(`g`.`a`) > 1"
            )
        );
        assert_eq!(
            view("SELECT g2.id FROM g AS g2 WHERE NOT g2.bo"),
            view("select `g2`.`id` AS `id` from `g` `g2` where `g2`.`bo` = 0")
        );
        assert_eq!(
            view("SELECT CAST(s AS CHAR(5)) AS c, a % 2 AS m, a MOD 2 AS m2 FROM g"),
            view(
                "select cast(`g`.`s` as char(5) charset utf8mb3) AS `c`,`g`.`a` MOD 2 AS `m`,`g`.`a` MOD 2 AS `m2` from `g`"
            )
        );
        assert_eq!(
            view("SELECT id, s FROM g UNION SELECT a, s FROM g"),
            view(
                "select `g`.`id` AS `id`,`g`.`s` AS `s` from `g` union select `g`.`a` AS `a`,`g`.`s` AS `s` from `g`"
            )
        );
        assert_eq!(
            view("SELECT id FROM g WHERE bo = TRUE AND a IN (SELECT qty FROM g)"),
            view(
                "select `g`.`id` AS `id` from `g` where `g`.`bo` = 1 and `g`.`a` in (select `g`.`qty` from `g`)"
            )
        );
    }
}
