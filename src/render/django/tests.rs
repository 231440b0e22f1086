//! The Django renderer end to end: projects written to a temporary folder, rendered, read back.

use std::path::Path;

use super::layout::without_foreign_key_switches;
use super::*;
use crate::model::Dialect;
use crate::plan::{PlanOptions, PlannedStatement};
use crate::source::django::state::model_state;

/// Migration files by name and text.
type Migrations<'a> = &'a [(&'a str, &'a str)];

/// A project with apps, each `(label, models.py, migrations)`.
fn project(dir: &Path, apps: &[(&str, &str, Migrations)]) {
    std::fs::create_dir_all(dir.join("proj")).unwrap();
    std::fs::write(
        dir.join("manage.py"),
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
    )
    .unwrap();
    let installed: Vec<String> = apps.iter().map(|(a, _, _)| format!("'{a}'")).collect();
    std::fs::write(
        dir.join("proj/settings.py"),
        format!(
            "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', {}]\nDEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
            installed.join(", ")
        ),
    )
    .unwrap();
    for (app, models, migrations) in apps {
        std::fs::create_dir_all(dir.join(app).join("migrations")).unwrap();
        std::fs::write(dir.join(app).join("models.py"), models).unwrap();
        for (name, text) in *migrations {
            std::fs::write(dir.join(app).join("migrations").join(name), text).unwrap();
        }
    }
}

fn generate(before: &Path, after: &Path, dialect: Dialect, strategy: Strategy) -> Rendered {
    let (from, _) = crate::source::django::parse_with_notes(before, dialect).unwrap();
    let (to, _) = crate::source::django::parse_with_notes(after, dialect).unwrap();
    let options = PlanOptions {
        strategy,
        ..PlanOptions::default()
    };
    let plan = crate::plan::plan_with(&from, &to, &crate::diff::RenameAnswers::never(), &options);
    render(
        &plan,
        &model_state(before).unwrap(),
        &model_state(after).unwrap(),
        "change",
        &[],
    )
    .unwrap()
}

const SHOP: &str = "from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=20)\n";
const PEOPLE: &str = "from django.db import models\n\nclass Buyer(models.Model):\n    name = models.CharField(max_length=20)\n";
const INITIAL: &str =
    "class Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n";
const SECOND: &str =
    "class Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n";

#[test]
fn the_leaf_is_the_migration_nothing_depends_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("0001_initial.py"), INITIAL).unwrap();
    std::fs::write(dir.path().join("0002_second.py"), SECOND).unwrap();
    // A later number that merely sorts after: still the leaf is what nothing depends on.
    std::fs::write(
        dir.path().join("0003_third.py"),
        "dependencies = [(\"shop\", \"0002_second\")]\n",
    )
    .unwrap();
    assert_eq!(
        leaf(dir.path(), "shop").unwrap(),
        Some(("0003_third".into(), 3))
    );
    // Two leaves (a merge is missing): the highest number.
    std::fs::write(dir.path().join("0004_fork.py"), SECOND).unwrap();
    assert_eq!(
        leaf(dir.path(), "shop").unwrap(),
        Some(("0004_fork".into(), 4))
    );
    assert_eq!(leaf(&dir.path().join("missing"), "shop").unwrap(), None);
}

#[test]
fn files_follow_the_leaf_and_depend_on_what_they_refer_to() {
    let root = tempfile::tempdir().unwrap();
    let (before, after) = (root.path().join("before"), root.path().join("after"));
    let shop_migrations: &[(&str, &str)] =
        &[("0001_initial.py", INITIAL), ("0002_second.py", SECOND)];
    let people_migrations: &[(&str, &str)] = &[("0001_initial.py", INITIAL)];
    project(
        &before,
        &[
            ("shop", SHOP, shop_migrations),
            ("people", PEOPLE, people_migrations),
        ],
    );
    let shop_after = format!(
        "{SHOP}    buyer = models.ForeignKey('people.Buyer', on_delete=models.CASCADE, null=True)\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)\n"
    )
    .replace("from django.db", "from django.conf import settings\nfrom django.db");
    let people_after = format!("{PEOPLE}    age = models.IntegerField(null=True)\n");
    project(
        &after,
        &[
            ("shop", &shop_after, shop_migrations),
            ("people", &people_after, people_migrations),
            ("fresh", PEOPLE.replace("Buyer", "Thing").as_str(), &[]),
        ],
    );
    std::fs::write(
        after.join("proj/settings.py"),
        "INSTALLED_APPS = ['django.contrib.auth', 'shop', 'people', 'fresh']\n",
    )
    .unwrap();
    let rendered = generate(&before, &after, Dialect::Sqlite, Strategy::Direct);
    let paths: Vec<String> = rendered
        .artifacts
        .iter()
        .map(|a| a.path.strip_prefix(&after).unwrap().display().to_string())
        .collect();
    // people first: shop's new field refers to it.
    assert_eq!(
        paths,
        [
            "fresh/migrations/0001_initial.py",
            "people/migrations/0002_change.py",
            "shop/migrations/0003_change.py",
            "fresh/migrations/__init__.py",
        ]
    );
    let shop = &rendered.artifacts[2].contents;
    assert!(shop.contains("('shop', '0002_second'),"), "{shop}");
    assert!(shop.contains("('people', '0002_change'),"), "{shop}");
    assert!(
        shop.contains("migrations.swappable_dependency(settings.AUTH_USER_MODEL),"),
        "{shop}"
    );
    assert!(
        shop.contains("from django.conf import settings\n"),
        "{shop}"
    );
    assert!(
        shop.contains(
            "field=models.ForeignKey(to='people.Buyer', on_delete=models.CASCADE, null=True),"
        ),
        "{shop}"
    );
    let fresh = &rendered.artifacts[0].contents;
    assert!(fresh.contains("    initial = True\n"), "{fresh}");
    assert!(
        fresh.contains("('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),"),
        "{fresh}"
    );
    assert!(!shop.contains("atomic"), "{shop}");
}

#[test]
fn a_sqlite_table_rebuild_stays_in_the_migration_transaction() {
    let up = |sql: &str, transactional: bool| PlannedStatement {
        sql: sql.into(),
        transactional,
        own_transaction: false,
        phase: Phase::PostDeploy,
        note: None,
        lint_ignores: Vec::new(),
        tag: None,
    };
    let statements = vec![
        up("PRAGMA foreign_keys = OFF", false),
        up("CREATE TABLE _migen_new_t (id integer PRIMARY KEY)", true),
        up("INSERT INTO _migen_new_t (id) SELECT id FROM t", true),
        up("DROP TABLE t", true),
        up("ALTER TABLE _migen_new_t RENAME TO t", true),
        up("PRAGMA foreign_keys = ON", false),
    ];
    let plan = Plan {
        dialect: crate::model::Dialect::Sqlite,
        strategy: Strategy::ZeroDowntime,
        changes: Vec::new(),
        steps: Vec::new(),
        migrations: vec![crate::plan::Migration {
            phase: Phase::PostDeploy,
            up: statements.clone(),
            down: Vec::new(),
        }],
        up: statements,
        down: Vec::new(),
        questions: Vec::new(),
        fill_questions: Vec::new(),
        notes: Vec::new(),
    };
    let kept = without_foreign_key_switches(&plan);
    assert!(kept.migrations[0].atomic(), "{:?}", kept.migrations[0].up);
    assert_eq!(kept.migrations[0].up.len(), 4);
    assert!(kept.up.iter().all(|s| !s.sql.contains("foreign_keys")));
}

#[test]
fn a_concurrent_index_gets_a_non_atomic_migration_of_its_own() {
    let root = tempfile::tempdir().unwrap();
    let (before, after) = (root.path().join("before"), root.path().join("after"));
    let migrations: &[(&str, &str)] = &[("0001_initial.py", INITIAL)];
    project(&before, &[("shop", SHOP, migrations)]);
    let indexed = SHOP.replace("max_length=20)", "max_length=20, db_index=True)");
    project(&after, &[("shop", &indexed, migrations)]);
    let rendered = generate(&before, &after, Dialect::Postgres, Strategy::ZeroDowntime);
    let texts: Vec<&str> = rendered
        .artifacts
        .iter()
        .map(|a| a.contents.as_str())
        .collect();
    // The index and its `_like` twin, each in a migration of its own that is not atomic
    // and whose reverse SQL drops it.
    let concurrent: Vec<&&str> = texts
        .iter()
        .filter(|t| t.contains("CREATE INDEX CONCURRENTLY"))
        .collect();
    assert_eq!(concurrent.len(), 2, "{texts:#?}");
    for text in &concurrent {
        assert_eq!(
            text.matches("CREATE INDEX CONCURRENTLY").count(),
            1,
            "{text}"
        );
        assert!(text.contains("    atomic = False\n"), "{text}");
    }
    assert!(
        concurrent[0].contains("reverse_sql=[\n                        'DROP INDEX CONCURRENTLY IF EXISTS shop_product_name_b8d5e94c',"),
        "{}",
        concurrent[0]
    );
    assert!(!texts[0].contains("atomic"), "{}", texts[0]);
    // The state moves with the first migration of the chain.
    assert!(texts[0].contains("state_operations=[\n"), "{}", texts[0]);
    assert!(texts[0].contains("migrations.AlterField("), "{}", texts[0]);
    for later in &texts[1..] {
        assert!(later.contains("state_operations=[],"), "{later}");
    }
}

#[test]
fn values_are_written_as_python_with_their_imports() {
    let root = tempfile::tempdir().unwrap();
    let (before, after) = (root.path().join("before"), root.path().join("after"));
    let migrations: &[(&str, &str)] = &[("0001_initial.py", INITIAL)];
    project(&before, &[("shop", SHOP, migrations)]);
    let valued = "from decimal import Decimal\nfrom django.db import models\nfrom django.utils import timezone\n\nKINDS = [(\"a\", \"It's A\"), (\"b\", \"B\\\\n\")]\n\nclass Product(models.Model):\n    name = models.CharField(max_length=20)\n    kind = models.CharField(max_length=1, choices=KINDS, default=\"a\")\n    price = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(\"1.50\"))\n    at = models.DateTimeField(default=timezone.now)\n";
    project(&after, &[("shop", valued, migrations)]);
    let rendered = generate(&before, &after, Dialect::Sqlite, Strategy::Direct);
    let text = &rendered.artifacts[0].contents;
    assert!(
        text.contains("choices=[['a', 'It\\'s A'], ['b', 'B\\\\n']], default='a'"),
        "{text}"
    );
    assert!(text.contains("default=decimal.Decimal('1.50')"), "{text}");
    assert!(text.contains("default=django.utils.timezone.now"), "{text}");
    assert!(
        text.contains("import decimal\nimport django.utils.timezone\nfrom django.db import migrations, models\n"),
        "{text}"
    );
}

#[test]
fn a_value_python_computes_is_an_error_where_it_is_written() {
    let root = tempfile::tempdir().unwrap();
    let after = root.path().join("after");
    let computed = "from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=20, default=make_name())\n";
    project(&after, &[("shop", computed, &[])]);
    let error = model_state(&after).unwrap_err().to_string();
    assert!(error.contains("shop/models.py:4:"), "{error}");
    assert!(error.contains("statically"), "{error}");
}
