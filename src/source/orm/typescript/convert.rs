//! oxc's AST (arena-allocated, borrowed from the source text) copied into the owned `Module`
//! tree: only the statements and expressions readers look at, the rest as source text.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrayExpressionElement, ArrowFunctionBody, BindingPattern, Class as OxcClass,
    ClassElement, Declaration, Decorator as OxcDecorator, ExportDefaultDeclarationKind, Expression,
    ImportDeclarationSpecifier, ModuleExportName, ObjectPropertyKind, PropertyKey, Statement,
    TSEnumMemberName, TSType, TSTypeName, TemplateLiteral,
};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};

use super::{
    Class, Decorator, Enum, Import, Imported, Lines, Module, Node, Property, ReExport, TsType,
    Value,
};
use crate::error::{Error, Result};
use crate::source::orm::generated::Origin;

pub(super) fn parse(path: &Path, file: usize, name: &str, text: &str) -> Result<Module> {
    let allocator = Allocator::default();
    // A `.js` file may hold decorators and JSX-free TypeScript-style code in a TypeORM project;
    // TypeScript's grammar is a superset for what readers look at.
    let source_type = match path.extension().and_then(|e| e.to_str()) {
        Some("mjs" | "cjs" | "js" | "jsx") => SourceType::mjs(),
        Some("tsx") => SourceType::tsx(),
        _ => SourceType::ts(),
    };
    let lines = Lines::new(text);
    // oxc's parser, and the conversion below, recurse once per bracket: past a depth no real
    // model file reaches, the file is refused before it can overflow the stack.
    if let Some(offset) = too_deep(text) {
        let at = lines.at(text, file, offset);
        return Err(Error::parse(
            name,
            at.line,
            at.column,
            format!("brackets nested more than {MAX_NESTING} deep"),
        ));
    }
    let parsed = Parser::new(&allocator, text, source_type).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        let offset = error
            .labels
            .first()
            .map(|label| label.offset())
            .unwrap_or(0);
        let at = lines.at(text, file, offset as usize);
        return Err(Error::parse(
            name,
            at.line,
            at.column,
            format!("TypeScript syntax error: {}", error.message),
        ));
    }
    let mut converter = Converter {
        text,
        lines: &lines,
        file,
        calls: Vec::new(),
        depth: 0,
        this_class: None,
        inner: Inner::default(),
    };
    let mut module = Module {
        path: path.to_path_buf(),
        file,
        ..Module::default()
    };
    for statement in &parsed.program.body {
        converter.statement(statement, &mut module);
    }
    module.calls = converter.calls;
    module.inner_calls = converter.inner.calls;
    module.inner_classes = converter.inner.classes;
    module.inner_consts = converter.inner.consts;
    Ok(module)
}

const MAX_NESTING: usize = 256;

/// The offset of the first bracket past `MAX_NESTING` levels. Brackets in strings and comments
/// are skipped; those in a template literal's text or a regular expression count, which can
/// only refuse a file that holds hundreds of unclosed ones there.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

struct Converter<'t> {
    text: &'t str,
    lines: &'t Lines,
    file: usize,
    calls: Vec<Node>,
    /// How many function bodies deep the statement being read is (0: top level).
    depth: usize,
    /// The class whose method body is being read (what `this` names there).
    this_class: Option<String>,
    inner: Inner,
}

/// What function bodies hold (`Module::inner_*`).
#[derive(Default)]
struct Inner {
    calls: Vec<Node>,
    classes: Vec<Class>,
    consts: Vec<(String, Node)>,
}

impl Converter<'_> {
    fn pos(&self, span: Span) -> Origin {
        self.lines.at(self.text, self.file, span.start as usize)
    }

    fn source(&self, span: Span) -> String {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
            .to_string()
    }

    fn statement(&mut self, statement: &Statement, module: &mut Module) {
        match statement {
            Statement::ImportDeclaration(import) => {
                let source = import.source.value.as_str().to_string();
                for specifier in import.specifiers.iter().flatten() {
                    let (local, imported) = match specifier {
                        ImportDeclarationSpecifier::ImportSpecifier(s) => (
                            s.local.name.as_str(),
                            Imported::Named(export_name(&s.imported)),
                        ),
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                            (s.local.name.as_str(), Imported::Default)
                        }
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                            (s.local.name.as_str(), Imported::Namespace)
                        }
                    };
                    module.imports.push(Import {
                        local: local.to_string(),
                        source: source.clone(),
                        imported,
                    });
                }
            }
            Statement::ExportDeclaration(export) => {
                for name in self.declaration(&export.declaration, module) {
                    module.exports.push((name.clone(), name));
                }
            }
            Statement::ExportNamedDeclaration(export) => {
                for s in &export.specifiers {
                    module
                        .exports
                        .push((export_name(&s.exported), export_name(&s.local)));
                }
            }
            Statement::ExportFromDeclaration(export) => {
                let names = export
                    .specifiers
                    .iter()
                    .map(|s| (export_name(&s.local), export_name(&s.exported)))
                    .collect();
                module.reexports.push(ReExport {
                    source: export.source.value.as_str().to_string(),
                    names: Some(names),
                });
            }
            Statement::ExportAllDeclaration(export) => {
                let source = export.source.value.as_str().to_string();
                let names = export
                    .exported
                    .as_ref()
                    .map(|name| vec![("*".to_string(), export_name(name))]);
                module.reexports.push(ReExport { source, names });
            }
            Statement::ExportDefaultDeclaration(export) => match &export.declaration {
                ExportDefaultDeclarationKind::ClassDeclaration(class) => {
                    let class = self.class(class);
                    module
                        .exports
                        .push(("default".to_string(), class.name.clone()));
                    module.classes.push(class);
                }
                ExportDefaultDeclarationKind::FunctionDeclaration(_)
                | ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => {}
                other => {
                    if let Some(expression) = other.as_expression() {
                        let node = self.expression(expression);
                        if let Value::Ident(name) = &node.value {
                            module.exports.push(("default".to_string(), name.clone()));
                        }
                        module.default_export = Some(node);
                    }
                }
            },
            Statement::ExpressionStatement(statement) => {
                // CommonJS: `module.exports = ...` is the default export.
                if let Expression::AssignmentExpression(assign) = &statement.expression {
                    let target = self.source(assign.left.span());
                    let value = self.expression(&assign.right);
                    if matches!(target.as_str(), "module.exports" | "exports.default") {
                        module.default_export = Some(value);
                    } else if let Some(name) = target.strip_prefix("exports.") {
                        module.consts.push((name.to_string(), value));
                        module.exports.push((name.to_string(), name.to_string()));
                    }
                } else {
                    // Only for the calls it makes (`AppDataSource.initialize()`, a bootstrap).
                    self.expression(&statement.expression);
                }
            }
            other => {
                if let Some(declaration) = other.as_declaration() {
                    self.declaration(declaration, module);
                }
            }
        }
    }

    /// Record a declaration; returns the names it binds.
    fn declaration(&mut self, declaration: &Declaration, module: &mut Module) -> Vec<String> {
        match declaration {
            Declaration::ClassDeclaration(class) => {
                let class = self.class(class);
                let name = class.name.clone();
                module.classes.push(class);
                vec![name]
            }
            Declaration::VariableDeclaration(variables) => {
                let mut names = Vec::new();
                for declarator in &variables.declarations {
                    let BindingPattern::BindingIdentifier(id) = &declarator.id else {
                        continue;
                    };
                    let name = id.name.as_str().to_string();
                    if let Some(init) = &declarator.init {
                        let value = self.expression(init);
                        module.consts.push((name.clone(), value));
                    }
                    names.push(name);
                }
                names
            }
            Declaration::TSEnumDeclaration(declaration) => {
                let mut members = Vec::new();
                let mut next = 0.0;
                for member in &declaration.body.members {
                    let name = match &member.id {
                        TSEnumMemberName::Identifier(id) => id.name.as_str().to_string(),
                        TSEnumMemberName::String(s) | TSEnumMemberName::ComputedString(s) => {
                            s.value.as_str().to_string()
                        }
                        TSEnumMemberName::ComputedTemplateString(t) => self.source(t.span),
                    };
                    let value = match &member.initializer {
                        Some(init) => self.expression(init),
                        None => Node {
                            value: Value::Num(next),
                            pos: self.pos(member.span),
                        },
                    };
                    if let Value::Num(n) = value.value {
                        next = n + 1.0;
                    }
                    members.push((name, value));
                }
                let name = declaration.id.name.as_str().to_string();
                module.enums.push(Enum {
                    name: name.clone(),
                    pos: self.pos(declaration.span),
                    members,
                });
                vec![name]
            }
            Declaration::FunctionDeclaration(function) => {
                let Some(id) = &function.id else {
                    return Vec::new();
                };
                let name = id.name.as_str().to_string();
                // A helper returning one value (`function idColumn() { return ... }`) is kept
                // as that value's function, as `const idColumn = () => ...` would be.
                if let Some(body) = function
                    .body
                    .as_ref()
                    .and_then(|body| self.returned(&body.statements))
                {
                    let params = function
                        .params
                        .items
                        .iter()
                        .map(|p| match &p.pattern {
                            BindingPattern::BindingIdentifier(id) => id.name.as_str().to_string(),
                            _ => String::new(),
                        })
                        .collect();
                    let value = Node {
                        value: Value::Arrow(params, Box::new(body)),
                        pos: self.pos(function.span),
                    };
                    module.consts.push((name.clone(), value));
                }
                vec![name]
            }
            _ => Vec::new(),
        }
    }

    /// Read a function body's statements for their calls, classes and bindings.
    fn body(&mut self, statements: &[Statement]) {
        self.depth += 1;
        for statement in statements {
            self.inner_statement(statement);
        }
        self.depth -= 1;
    }

    fn inner_statement(&mut self, statement: &Statement) {
        match statement {
            Statement::ExpressionStatement(statement) => {
                self.expression(&statement.expression);
            }
            Statement::ReturnStatement(ret) => {
                if let Some(argument) = &ret.argument {
                    self.expression(argument);
                }
            }
            Statement::VariableDeclaration(variables) => {
                for declarator in &variables.declarations {
                    let Some(init) = &declarator.init else {
                        continue;
                    };
                    let value = self.expression(init);
                    if let BindingPattern::BindingIdentifier(id) = &declarator.id {
                        self.inner
                            .consts
                            .push((id.name.as_str().to_string(), value));
                    }
                }
            }
            Statement::ClassDeclaration(class) => {
                let class = self.class(class);
                self.inner.classes.push(class);
            }
            Statement::FunctionDeclaration(function) => {
                if let Some(body) = &function.body {
                    self.body(&body.statements);
                }
            }
            Statement::BlockStatement(block) => {
                for statement in &block.body {
                    self.inner_statement(statement);
                }
            }
            Statement::IfStatement(branch) => {
                self.inner_statement(&branch.consequent);
                if let Some(alternate) = &branch.alternate {
                    self.inner_statement(alternate);
                }
            }
            _ => {}
        }
    }

    fn decorators(&mut self, decorators: &[OxcDecorator]) -> Vec<Decorator> {
        decorators
            .iter()
            .map(|decorator| {
                let node = self.expression(&decorator.expression);
                let pos = self.pos(decorator.span);
                match node.value {
                    Value::Call { callee, args, .. } => Decorator {
                        name: callee.path().unwrap_or_else(|| callee.describe()),
                        args,
                        pos,
                    },
                    _ => Decorator {
                        name: node.path().unwrap_or_else(|| node.describe()),
                        args: Vec::new(),
                        pos,
                    },
                }
            })
            .collect()
    }

    fn class(&mut self, class: &OxcClass) -> Class {
        let decorators = self.decorators(&class.decorators);
        let extends = class
            .heritage
            .as_ref()
            .map(|heritage| self.expression(&heritage.expression));
        let mut properties = Vec::new();
        let class_name = class.id.as_ref().map(|id| id.name.as_str().to_string());
        for element in &class.body.body {
            if let ClassElement::MethodDefinition(method) = element {
                if let Some(body) = &method.value.body {
                    let outer = std::mem::replace(&mut self.this_class, class_name.clone());
                    self.body(&body.statements);
                    self.this_class = outer;
                }
                continue;
            }
            let ClassElement::PropertyDefinition(property) = element else {
                continue;
            };
            let name = match &property.key {
                PropertyKey::StaticIdentifier(id) => id.name.as_str().to_string(),
                PropertyKey::StringLiteral(s) => s.value.as_str().to_string(),
                _ => continue,
            };
            properties.push(Property {
                name,
                pos: self.pos(property.key.span()),
                decorators: self.decorators(&property.decorators),
                ty: property
                    .type_annotation
                    .as_ref()
                    .map(|t| ts_type(&t.type_annotation)),
                optional: property.optional,
                is_static: property.r#static,
            });
        }
        Class {
            name: class
                .id
                .as_ref()
                .map(|id| id.name.as_str().to_string())
                .unwrap_or_default(),
            pos: self.pos(class.id.as_ref().map_or(class.span, |id| id.span)),
            decorators,
            extends,
            is_abstract: class.r#abstract,
            properties,
        }
    }

    fn expression(&mut self, expression: &Expression) -> Node {
        let pos = self.pos(expression.span());
        let value = match expression {
            Expression::StringLiteral(s) => Value::Str(s.value.as_str().to_string()),
            Expression::NumericLiteral(n) => Value::Num(n.value),
            Expression::BooleanLiteral(b) => Value::Bool(b.value),
            Expression::NullLiteral(_) => Value::Null,
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => Value::Str(
                t.quasis
                    .iter()
                    .map(|q| q.value.cooked.map_or(q.value.raw.as_str(), |c| c.as_str()))
                    .collect(),
            ),
            Expression::TemplateLiteral(t) => Value::Template {
                tag: None,
                quasis: self.quasis(t),
                exprs: t.expressions.iter().map(|e| self.expression(e)).collect(),
            },
            Expression::TaggedTemplateExpression(tagged) => Value::Template {
                tag: Some(Box::new(self.expression(&tagged.tag))),
                quasis: self.quasis(&tagged.quasi),
                exprs: tagged
                    .quasi
                    .expressions
                    .iter()
                    .map(|e| self.expression(e))
                    .collect(),
            },
            Expression::Identifier(id) if id.name.as_str() == "undefined" => Value::Undefined,
            Expression::Identifier(id) => Value::Ident(id.name.as_str().to_string()),
            Expression::ThisExpression(this) => match &self.this_class {
                Some(class) => Value::Ident(class.clone()),
                None => Value::Other(self.source(this.span)),
            },
            Expression::AssignmentExpression(assign) => {
                // `User.associate = function (models) { … }` inside a body: its calls count.
                self.expression(&assign.right);
                Value::Other(self.source(assign.span))
            }
            Expression::StaticMemberExpression(member) => Value::Member(
                Box::new(self.expression(&member.object)),
                member.property.name.as_str().to_string(),
            ),
            Expression::ComputedMemberExpression(member) => {
                match self.expression(&member.expression).value {
                    Value::Str(key) => {
                        Value::Member(Box::new(self.expression(&member.object)), key)
                    }
                    _ => Value::Other(self.source(member.span)),
                }
            }
            Expression::UnaryExpression(unary) if unary.operator.as_str() == "-" => {
                match self.expression(&unary.argument).value {
                    Value::Num(n) => Value::Num(-n),
                    _ => Value::Other(self.source(unary.span)),
                }
            }
            Expression::ArrayExpression(array) => Value::Array(
                array
                    .elements
                    .iter()
                    .filter_map(|element| match element {
                        ArrayExpressionElement::SpreadElement(spread) => Some(Node {
                            value: Value::Other(self.source(spread.span)),
                            pos: self.pos(spread.span),
                        }),
                        ArrayExpressionElement::Elision(_) => None,
                        other => other.as_expression().map(|e| self.expression(e)),
                    })
                    .collect(),
            ),
            Expression::ObjectExpression(object) => Value::Object(
                object
                    .properties
                    .iter()
                    .filter_map(|property| match property {
                        ObjectPropertyKind::ObjectProperty(p) => {
                            let key = match &p.key {
                                PropertyKey::StaticIdentifier(id) => id.name.as_str().to_string(),
                                PropertyKey::StringLiteral(s) => s.value.as_str().to_string(),
                                PropertyKey::NumericLiteral(n) => n.value.to_string(),
                                _ => return None,
                            };
                            Some((key, self.expression(&p.value)))
                        }
                        ObjectPropertyKind::SpreadProperty(spread) => {
                            Some(("...".to_string(), self.expression(&spread.argument)))
                        }
                    })
                    .collect(),
            ),
            Expression::ArrowFunctionExpression(arrow) => {
                let params = arrow
                    .params
                    .items
                    .iter()
                    .map(|p| match &p.pattern {
                        BindingPattern::BindingIdentifier(id) => id.name.as_str().to_string(),
                        _ => String::new(),
                    })
                    .collect();
                let body = match &arrow.body {
                    ArrowFunctionBody::FunctionBody(body) => {
                        self.returned_or_walked(&body.statements)
                    }
                    other => other.as_expression().map(|e| self.expression(e)),
                };
                match body {
                    Some(body) => Value::Arrow(params, Box::new(body)),
                    None => Value::Other(self.source(arrow.span)),
                }
            }
            Expression::FunctionExpression(function) => {
                let body = function
                    .body
                    .as_ref()
                    .and_then(|body| self.returned_or_walked(&body.statements));
                match body {
                    Some(body) => Value::Arrow(Vec::new(), Box::new(body)),
                    None => Value::Other(self.source(function.span)),
                }
            }
            Expression::CallExpression(call) => {
                let callee = self.expression(&call.callee);
                let args = self.arguments(&call.arguments);
                self.call(callee, args, false, pos)
            }
            Expression::NewExpression(call) => {
                let callee = self.expression(&call.callee);
                let args = self.arguments(&call.arguments);
                self.call(callee, args, true, pos)
            }
            Expression::BinaryExpression(binary) => Value::Binary(
                binary.operator.as_str().to_string(),
                Box::new(self.expression(&binary.left)),
                Box::new(self.expression(&binary.right)),
            ),
            // Type-only wrappers and parentheses change nothing at run time.
            Expression::ParenthesizedExpression(inner) => {
                return self.expression(&inner.expression);
            }
            Expression::TSAsExpression(inner) => return self.expression(&inner.expression),
            Expression::TSSatisfiesExpression(inner) => {
                return self.expression(&inner.expression);
            }
            Expression::TSNonNullExpression(inner) => return self.expression(&inner.expression),
            Expression::TSTypeAssertion(inner) => return self.expression(&inner.expression),
            other => {
                // Still look for calls inside (a DataSource built in a conditional, say).
                if let Expression::ConditionalExpression(c) = other {
                    self.expression(&c.consequent);
                    self.expression(&c.alternate);
                }
                Value::Other(self.source(other.span()))
            }
        };
        Node { value, pos }
    }

    fn quasis(&self, template: &TemplateLiteral) -> Vec<String> {
        template
            .quasis
            .iter()
            .map(|q| {
                q.value
                    .cooked
                    .map_or(q.value.raw.as_str(), |c| c.as_str())
                    .to_string()
            })
            .collect()
    }

    fn call(&mut self, callee: Node, args: Vec<Node>, new: bool, pos: Origin) -> Value {
        let value = Value::Call {
            callee: Box::new(callee),
            args,
            new,
        };
        let node = Node {
            value: value.clone(),
            pos,
        };
        match self.depth {
            0 => self.calls.push(node),
            _ => self.inner.calls.push(node),
        }
        value
    }

    fn arguments(&mut self, arguments: &[Argument]) -> Vec<Node> {
        arguments
            .iter()
            .map(|argument| match argument.as_expression() {
                Some(expression) => self.expression(expression),
                None => Node {
                    value: Value::Other(self.source(argument.span())),
                    pos: self.pos(argument.span()),
                },
            })
            .collect()
    }

    /// The value a function body returns when it is a single `return <expr>;`; any other body
    /// is read for what it does (`Module::inner_*`).
    fn returned_or_walked(&mut self, statements: &[Statement]) -> Option<Node> {
        match statements {
            [Statement::ReturnStatement(_)] => self.returned(statements),
            _ => {
                self.body(statements);
                None
            }
        }
    }

    /// The value a function body returns when it is a single `return <expr>;`.
    fn returned(&mut self, statements: &[Statement]) -> Option<Node> {
        match statements {
            [Statement::ReturnStatement(ret)] => ret.argument.as_ref().map(|e| self.expression(e)),
            _ => None,
        }
    }
}

fn export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::IdentifierName(id) => id.name.as_str().to_string(),
        ModuleExportName::IdentifierReference(id) => id.name.as_str().to_string(),
        ModuleExportName::StringLiteral(s) => s.value.as_str().to_string(),
    }
}

fn ts_type(ty: &TSType) -> TsType {
    match ty {
        TSType::TSStringKeyword(_) => TsType::Keyword("string"),
        TSType::TSNumberKeyword(_) => TsType::Keyword("number"),
        TSType::TSBooleanKeyword(_) => TsType::Keyword("boolean"),
        TSType::TSBigIntKeyword(_) => TsType::Keyword("bigint"),
        TSType::TSNullKeyword(_) => TsType::Keyword("null"),
        TSType::TSUndefinedKeyword(_) => TsType::Keyword("undefined"),
        TSType::TSAnyKeyword(_) => TsType::Keyword("any"),
        TSType::TSObjectKeyword(_) => TsType::Keyword("object"),
        TSType::TSUnknownKeyword(_) => TsType::Keyword("unknown"),
        TSType::TSArrayType(array) => TsType::Array(Box::new(ts_type(&array.element_type))),
        TSType::TSUnionType(union) => TsType::Union(union.types.iter().map(ts_type).collect()),
        TSType::TSParenthesizedType(inner) => ts_type(&inner.type_annotation),
        TSType::TSLiteralType(literal) => TsType::Literal(format!("{:?}", literal.literal)),
        TSType::TSTypeReference(reference) => {
            let name = type_name(&reference.type_name);
            let arguments: Vec<TsType> = reference
                .type_arguments
                .as_ref()
                .map(|args| args.params.iter().map(ts_type).collect())
                .unwrap_or_default();
            if let (true, [element]) = (name == "Array", arguments.as_slice()) {
                return TsType::Array(Box::new(element.clone()));
            }
            TsType::Ref(name, arguments)
        }
        _ => TsType::Other,
    }
}

fn type_name(name: &TSTypeName) -> String {
    match name {
        TSTypeName::IdentifierReference(id) => id.name.as_str().to_string(),
        TSTypeName::QualifiedName(q) => format!("{}.{}", type_name(&q.left), q.right.name.as_str()),
        TSTypeName::ThisExpression(_) => "this".to_string(),
    }
}
