//! A knexfile read statically (never run): `module.exports = {…}`, `export default {…}` or a
//! named object either exports, flat or per environment (`NODE_ENV`'s, else `development`,
//! else the first). Settings spelled as code migen cannot evaluate are left at Knex's defaults;
//! `process.env.X || 'pg'` and `?? 'pg'` give their literal fallback.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    AssignmentTarget, BindingPattern, Expression, ObjectExpression, ObjectPropertyKind, Statement,
};
use oxc_parser::Parser;
use oxc_span::SourceType;

use crate::error::{Error, Result};
use crate::model::Dialect;

/// The knexfile names migen looks for, in Knex's own order of preference.
pub const KNEXFILE_NAMES: [&str; 4] =
    ["knexfile.js", "knexfile.cjs", "knexfile.mjs", "knexfile.ts"];

/// What a knexfile says about the database and its migrations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Knexfile {
    pub path: PathBuf,
    /// The environment whose settings these are, when the file has several.
    pub environment: Option<String>,
    pub client: Option<String>,
    /// `migrations.directory`, relative to the knexfile's folder (Knex's default `./migrations`).
    pub directories: Vec<PathBuf>,
    pub extension: Option<String>,
    pub table_name: Option<String>,
    pub load_extensions: Vec<String>,
}

impl Knexfile {
    /// The dialect of `client`, when migen writes for it.
    pub fn dialect(&self) -> Option<Dialect> {
        client_dialect(self.client.as_deref()?)
    }

    /// Knex's tracking table (`knex_migrations` unless renamed).
    pub fn table_name(&self) -> &str {
        self.table_name.as_deref().unwrap_or("knex_migrations")
    }

    /// The migration folders, relative to the knexfile's own folder.
    pub fn migration_dirs(&self) -> Vec<PathBuf> {
        if self.directories.is_empty() {
            vec![PathBuf::from("migrations")]
        } else {
            self.directories.clone()
        }
    }
}

/// The dialect a Knex `client` speaks.
pub fn client_dialect(client: &str) -> Option<Dialect> {
    match client {
        "pg" | "postgres" | "postgresql" | "pgnative" => Some(Dialect::Postgres),
        "mysql" | "mysql2" | "mariadb" => Some(Dialect::Mysql),
        "sqlite3" | "sqlite" | "better-sqlite3" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// The knexfile in `dir`, if there is one.
pub fn find_in(dir: &Path) -> Option<PathBuf> {
    KNEXFILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// Read the knexfile at `path`.
pub fn read(path: &Path) -> Result<Knexfile> {
    let text = crate::source::read_text(path)?;
    parse(path, &text, std::env::var("NODE_ENV").ok().as_deref())
}

/// Parse a knexfile's text; `environment` is the one asked for (`NODE_ENV`).
pub fn parse(path: &Path, text: &str, environment: Option<&str>) -> Result<Knexfile> {
    let allocator = Allocator::default();
    let source_type = match path.extension().and_then(|e| e.to_str()) {
        Some("ts") => SourceType::ts(),
        Some("mjs") => SourceType::mjs(),
        Some("cjs") => SourceType::cjs(),
        // A `.js` knexfile may be either module kind; the unambiguous grammar takes both.
        _ => SourceType::unambiguous(),
    };
    let parsed = Parser::new(&allocator, text, source_type).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        let offset = error.labels.first().map_or(0, |label| label.offset());
        let (line, column) = super::line_column(text, offset as usize);
        return Err(Error::parse(
            &path.display().to_string(),
            line,
            column,
            format!("cannot read the knexfile: {error}"),
        ));
    }
    let mut objects: HashMap<&str, &ObjectExpression> = HashMap::new();
    let mut exported: Option<&Expression> = None;
    for statement in &parsed.program.body {
        match statement {
            Statement::VariableDeclaration(declaration) => {
                for declarator in &declaration.declarations {
                    if let (BindingPattern::BindingIdentifier(id), Some(init)) =
                        (&declarator.id, &declarator.init)
                        && let Expression::ObjectExpression(object) = init.get_inner_expression()
                    {
                        objects.insert(id.name.as_str(), object);
                    }
                }
            }
            Statement::ExpressionStatement(statement) => {
                if let Expression::AssignmentExpression(assignment) =
                    statement.expression.get_inner_expression()
                    && let AssignmentTarget::StaticMemberExpression(member) = &assignment.left
                    && member.property.name == "exports"
                    && matches!(&member.object, Expression::Identifier(id) if id.name == "module")
                {
                    exported = Some(&assignment.right);
                }
            }
            Statement::ExportDefaultDeclaration(export) => {
                if let Some(expression) = export.declaration.as_expression() {
                    exported = Some(expression);
                }
            }
            _ => {}
        }
    }
    let mut knexfile = Knexfile {
        path: path.to_path_buf(),
        ..Knexfile::default()
    };
    let Some(root) = exported.and_then(|e| object_of(e, &objects)) else {
        return Ok(knexfile);
    };
    let settings = Settings::new(root, &objects);
    let config = if ["client", "connection", "migrations"]
        .iter()
        .any(|key| settings.get(key).is_some())
    {
        settings
    } else {
        let names = settings.keys();
        let chosen = environment
            .filter(|env| names.iter().any(|n| n == env))
            .map(str::to_string)
            .or_else(|| names.iter().find(|n| *n == "development").cloned())
            .or_else(|| names.first().cloned());
        let Some(chosen) = chosen else {
            return Ok(knexfile);
        };
        let Some(object) = settings.get(&chosen).and_then(|e| object_of(e, &objects)) else {
            return Ok(knexfile);
        };
        knexfile.environment = Some(chosen);
        Settings::new(object, &objects)
    };
    knexfile.client = config.get("client").and_then(string_of);
    if let Some(migrations) = config
        .get("migrations")
        .and_then(|e| object_of(e, &objects))
    {
        let migrations = Settings::new(migrations, &objects);
        knexfile.directories = match migrations
            .get("directory")
            .map(Expression::get_inner_expression)
        {
            Some(Expression::ArrayExpression(array)) => array
                .elements
                .iter()
                .filter_map(|e| e.as_expression().and_then(path_of))
                .collect(),
            Some(other) => path_of(other).into_iter().collect(),
            None => Vec::new(),
        };
        knexfile.extension = migrations.get("extension").and_then(string_of);
        knexfile.table_name = migrations.get("tableName").and_then(string_of);
        if let Some(Expression::ArrayExpression(array)) = migrations
            .get("loadExtensions")
            .map(Expression::get_inner_expression)
        {
            knexfile.load_extensions = array
                .elements
                .iter()
                .filter_map(|e| e.as_expression().and_then(string_of))
                .collect();
        }
    }
    Ok(knexfile)
}

/// An object literal's properties by name, spreads of named objects laid in first, later keys
/// winning as in JavaScript.
struct Settings<'b, 'a> {
    entries: Vec<(String, &'b Expression<'a>)>,
}

impl<'b, 'a> Settings<'b, 'a> {
    fn new(
        object: &'b ObjectExpression<'a>,
        named: &HashMap<&str, &'b ObjectExpression<'a>>,
    ) -> Self {
        let mut entries: Vec<(String, &'b Expression<'a>)> = Vec::new();
        Self::collect(object, named, &mut entries, 0);
        Settings { entries }
    }

    fn collect(
        object: &'b ObjectExpression<'a>,
        named: &HashMap<&str, &'b ObjectExpression<'a>>,
        entries: &mut Vec<(String, &'b Expression<'a>)>,
        depth: usize,
    ) {
        for property in &object.properties {
            match property {
                ObjectPropertyKind::ObjectProperty(property) => {
                    if let Some(name) = property.key.static_name() {
                        entries.retain(|(n, _)| *n != name);
                        entries.push((name.into_owned(), &property.value));
                    }
                }
                ObjectPropertyKind::SpreadProperty(spread) => {
                    // A spread of a named object in the same file (`...common`); bounded, since
                    // a file may spread objects into each other.
                    if depth < 8
                        && let Some(inner) = object_of(&spread.argument, named)
                    {
                        Self::collect(inner, named, entries, depth + 1);
                    }
                }
            }
        }
    }

    fn get(&self, name: &str) -> Option<&'b Expression<'a>> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| *value)
    }

    fn keys(&self) -> Vec<String> {
        self.entries.iter().map(|(n, _)| n.clone()).collect()
    }
}

/// An object literal, directly or through a name declared in the file.
fn object_of<'b, 'a>(
    expression: &'b Expression<'a>,
    named: &HashMap<&str, &'b ObjectExpression<'a>>,
) -> Option<&'b ObjectExpression<'a>> {
    match expression.get_inner_expression() {
        Expression::ObjectExpression(object) => Some(object),
        Expression::Identifier(id) => named.get(id.name.as_str()).copied(),
        _ => None,
    }
}

/// A folder as knexfiles spell it: a string, or the knexfile's own folder joined with strings
/// (`path.join(__dirname, 'db', 'migrations')`, `path.resolve(…)`, `` `${__dirname}/db` ``).
/// The knexfile's folder is where relative folders start, so `__dirname` is left out.
fn path_of(expression: &Expression) -> Option<PathBuf> {
    if let Some(text) = string_of(expression) {
        return Some(PathBuf::from(text));
    }
    let is_dirname = |e: &Expression| matches!(e.get_inner_expression(), Expression::Identifier(id) if id.name == "__dirname");
    match expression.get_inner_expression() {
        Expression::CallExpression(call) => {
            let joins = match call.callee.get_inner_expression() {
                Expression::StaticMemberExpression(member) => {
                    ["join", "resolve"].contains(&member.property.name.as_str())
                }
                Expression::Identifier(id) => ["join", "resolve"].contains(&id.name.as_str()),
                _ => false,
            };
            if !joins {
                return None;
            }
            let mut path = PathBuf::new();
            for (at, argument) in call.arguments.iter().enumerate() {
                let argument = argument.as_expression()?;
                if at == 0 && is_dirname(argument) {
                    continue;
                }
                path.push(string_of(argument)?);
            }
            Some(path)
        }
        Expression::TemplateLiteral(template)
            if template.expressions.len() == 1
                && is_dirname(&template.expressions[0])
                && template
                    .quasis
                    .first()
                    .is_some_and(|q| q.value.raw.is_empty()) =>
        {
            let rest = template.quasis.get(1)?.value.raw.trim_start_matches('/');
            Some(PathBuf::from(rest))
        }
        _ => None,
    }
}

/// A string the expression always is: a literal, a template without substitutions, or the
/// literal fallback of `x || 'lit'` / `x ?? 'lit'`.
fn string_of(expression: &Expression) -> Option<String> {
    match expression.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        Expression::TemplateLiteral(template) => template.single_quasi().map(|q| q.to_string()),
        Expression::LogicalExpression(logical) => string_of(&logical.right),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str, text: &str, environment: Option<&str>) -> Knexfile {
        parse(Path::new(name), text, environment).unwrap()
    }

    #[test]
    fn per_environment_objects_pick_node_env_then_development() {
        let text = "const common = { migrations: { directory: './db/migrations', tableName: 'kx' } };\nmodule.exports = {\n  test: { client: 'better-sqlite3' },\n  development: { ...common, client: process.env.DB_CLIENT || 'pg', migrations: { ...common.migrations, extension: 'ts' } },\n  production: { ...common, client: 'mysql2' },\n};\n";
        let development = parsed("knexfile.js", text, None);
        assert_eq!(development.environment.as_deref(), Some("development"));
        assert_eq!(development.client.as_deref(), Some("pg"));
        assert_eq!(development.dialect(), Some(Dialect::Postgres));
        // `...common.migrations` is no named object: only the keys written out remain.
        assert_eq!(development.extension.as_deref(), Some("ts"));
        assert_eq!(development.migration_dirs(), [PathBuf::from("migrations")]);
        let production = parsed("knexfile.js", text, Some("production"));
        assert_eq!(production.dialect(), Some(Dialect::Mysql));
        assert_eq!(
            production.migration_dirs(),
            [PathBuf::from("./db/migrations")]
        );
        assert_eq!(production.table_name(), "kx");
        // An environment the file does not have falls back to development.
        assert_eq!(
            parsed("knexfile.js", text, Some("staging"))
                .environment
                .as_deref(),
            Some("development")
        );
    }

    #[test]
    fn flat_and_typescript_export_default() {
        let flat = parsed(
            "knexfile.cjs",
            "module.exports = { client: 'sqlite3', connection: { filename: './dev.db' }, migrations: { directory: ['./a', './b'], loadExtensions: ['.js'] } };",
            None,
        );
        assert_eq!(flat.environment, None);
        assert_eq!(flat.dialect(), Some(Dialect::Sqlite));
        assert_eq!(
            flat.migration_dirs(),
            [PathBuf::from("./a"), PathBuf::from("./b")]
        );
        assert_eq!(flat.load_extensions, [".js"]);
        for spelled in [
            "path.join(__dirname, 'db', 'migrations')",
            "resolve(__dirname, 'db/migrations')",
            "`${__dirname}/db/migrations`",
        ] {
            let knexfile = parsed(
                "knexfile.js",
                &format!(
                    "const path = require('path');\nmodule.exports = {{ client: 'pg', migrations: {{ directory: {spelled} }} }};\n"
                ),
                None,
            );
            assert_eq!(
                knexfile.migration_dirs(),
                [PathBuf::from("db/migrations")],
                "{spelled}"
            );
        }
        let ts = parsed(
            "knexfile.ts",
            "import type { Knex } from 'knex';\nconst config: { [key: string]: Knex.Config } = {\n  development: { client: `postgresql`, migrations: { extension: 'ts' } },\n};\nexport default config;\n",
            None,
        );
        assert_eq!(ts.dialect(), Some(Dialect::Postgres));
        assert_eq!(ts.extension.as_deref(), Some("ts"));
        assert_eq!(ts.table_name(), "knex_migrations");
        let unknown = parsed("knexfile.js", "module.exports = require('./config');", None);
        assert_eq!(unknown.client, None);
    }

    #[test]
    fn a_syntax_error_names_its_place() {
        let error = parse(
            Path::new("knexfile.js"),
            "module.exports = {\n  client: 'pg',,\n};\n",
            None,
        )
        .unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("knexfile.js:2:"), "{error}");
    }
}
