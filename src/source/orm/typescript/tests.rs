use std::path::Path;

use super::*;

fn module(text: &str) -> Module {
    parse(Path::new("x.ts"), 0, "x.ts", text).unwrap()
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let error = parse(
        Path::new("a.ts"),
        0,
        "src/a.ts",
        "export class A {\n  @Column() x: string = ;\n}\n",
    )
    .unwrap_err()
    .to_string();
    assert!(error.starts_with("src/a.ts:2:"), "{error}");
    assert!(error.contains("TypeScript syntax error"), "{error}");
}

#[test]
fn classes_keep_decorators_arguments_types_and_heritage() {
    let m = module(
        "import { Entity, Column } from 'typeorm';\n\
         @Entity({ name: 'users', synchronize: true })\n\
         export class User extends Base {\n\
           @Column({ length: 20, default: () => \"now()\", tags: ['a', `b`], n: -3 })\n\
           name?: string | null;\n\
           static x = 1;\n\
           greet() { return 1; }\n\
         }\n",
    );
    let user = m.class("User").unwrap();
    assert_eq!(
        user.extends.as_ref().and_then(Node::path).as_deref(),
        Some("Base")
    );
    let entity = user.decorator("Entity").unwrap();
    assert_eq!(
        entity.args[0].get("name").and_then(Node::str),
        Some("users")
    );
    assert_eq!(entity.pos.line, 2);
    let name = &user.properties[0];
    assert!(name.optional);
    assert_eq!(
        name.ty.as_ref().unwrap().without_null(),
        TsType::Keyword("string")
    );
    let options = &name.decorators[0].args[0];
    assert_eq!(options.get("length").and_then(Node::num), Some(20.0));
    assert_eq!(options.get("n").and_then(Node::num), Some(-3.0));
    assert_eq!(
        options
            .get("default")
            .and_then(Node::returned)
            .and_then(Node::str),
        Some("now()")
    );
    let tags: Vec<&str> = options
        .get("tags")
        .unwrap()
        .items()
        .unwrap()
        .iter()
        .filter_map(Node::str)
        .collect();
    assert_eq!(tags, ["a", "b"]);
    assert_eq!(m.exports, [("User".to_string(), "User".to_string())]);
    assert!(user.properties[1].is_static);
}

#[test]
fn enums_count_up_and_calls_are_collected() {
    let m = module(
        "enum Level { Low = 2, Mid, High = 'h' }\n\
         export default new DataSource({ type: 'postgres', entities: [User] });\n",
    );
    let values: Vec<String> = m.enums[0]
        .members
        .iter()
        .map(|(_, v)| v.describe())
        .collect();
    assert_eq!(values, ["2", "3", "\"h\""]);
    let (name, args) = m.calls[0].call().unwrap();
    assert_eq!(name, "DataSource");
    assert_eq!(args[0].get("type").and_then(Node::str), Some("postgres"));
    assert!(m.default_export.is_some());
}

#[test]
fn names_resolve_through_imports_reexports_and_index_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("entity/base.ts", "export abstract class Base {}\n");
    write(
        "entity/index.ts",
        "export * from './user';\nexport { Base as Root } from './base';\n",
    );
    write(
        "entity/user.ts",
        "import { Base } from './base';\nexport class User extends Base {}\nexport enum Role { A = 'a' }\n",
    );
    write(
        "main.ts",
        "import { User, Root } from './entity';\nimport * as all from './entity/index.js';\n",
    );
    let mut sources = Sources::new();
    let main = sources.load(&dir.path().join("main.ts")).unwrap();
    sources.load_imports().unwrap();
    assert!(
        matches!(sources.resolve(main, "User"), Some(Resolved::Class(_, c)) if c.name == "User")
    );
    assert!(
        matches!(sources.resolve(main, "Root"), Some(Resolved::Class(_, c)) if c.name == "Base")
    );
    assert!(
        matches!(sources.resolve_path(main, "all.Role"), Some(Resolved::Enum(_, e)) if e.name == "Role")
    );
    assert!(sources.resolve(main, "Missing").is_none());
}
