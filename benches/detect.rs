//! Detection benchmark: `source::project::detect` on generated repositories of 500 model files.
//!
//! Two layouts, each with dependency noise detection must skip (a `node_modules` of 5,000 files,
//! a `.venv`, a `.git`): a Django project of 500 apps (models.py and two migrations each) and a
//! TypeORM project of 500 `*.entity.ts` files with 500 migrations. Figures are the median and
//! worst of 15 runs after one warm-up, in milliseconds. Nothing is asserted: this is a
//! measurement, not a test. The goal is well under 100 ms.
//!
//! Run with `cargo bench --bench detect`. `MIGEN_BENCH_MODELS` (default 500) and
//! `MIGEN_BENCH_RUNS` (default 15) change the size and the number of runs.

use std::path::Path;
use std::time::{Duration, Instant};

use migen::source::project;

const GOAL: Duration = Duration::from_millis(100);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Files detection must not read: dependencies, a virtualenv, git's own objects.
fn noise(root: &Path) {
    for package in 0..250 {
        for file in 0..20 {
            write(
                root,
                &format!("node_modules/pkg{package}/lib/file{file}.entity.ts"),
                "@Entity()\nexport class Noise {}\n",
            );
        }
    }
    for file in 0..500 {
        write(
            root,
            &format!(".venv/lib/python3.12/site-packages/pkg/mod{file}.py"),
            "from sqlalchemy.orm import DeclarativeBase\n",
        );
        write(
            root,
            &format!(".git/objects/{:02x}/{file:038x}", file % 256),
            "x",
        );
    }
}

fn django(root: &Path, models: usize) {
    write(
        root,
        "manage.py",
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
    );
    write(
        root,
        "site/settings.py",
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n    }\n}\n",
    );
    for app in 0..models {
        let mut body = String::from("from django.db import models\n\n");
        for model in 0..4 {
            body.push_str(&format!(
                "class Model{model}(models.Model):\n    name = models.CharField(max_length=100)\n    created = models.DateTimeField(auto_now_add=True)\n\n"
            ));
        }
        write(root, &format!("apps/app{app}/models.py"), &body);
        write(root, &format!("apps/app{app}/migrations/__init__.py"), "");
        write(
            root,
            &format!("apps/app{app}/migrations/0001_initial.py"),
            "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n",
        );
        write(
            root,
            &format!("apps/app{app}/migrations/0002_more.py"),
            &format!(
                "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [('app{app}', '0001_initial')]\n"
            ),
        );
    }
}

fn typeorm(root: &Path, models: usize) {
    write(
        root,
        "package.json",
        r#"{"name": "bench", "dependencies": {"typeorm": "0.3"}}"#,
    );
    for entity in 0..models {
        write(
            root,
            &format!("src/entities/thing{entity}.entity.ts"),
            &format!(
                "import {{ Entity, Column }} from 'typeorm';\n\n@Entity()\nexport class Thing{entity} {{\n  @Column() name: string;\n}}\n"
            ),
        );
        write(
            root,
            &format!("src/services/thing{entity}.service.ts"),
            "export class Service {}\n",
        );
        let stamp = 1_700_000_000_000u64 + entity as u64;
        write(
            root,
            &format!("src/migrations/{stamp}-Step{entity}.ts"),
            &format!("export class Step{entity}{stamp} implements MigrationInterface {{}}\n"),
        );
    }
}

fn measure(name: &str, root: &Path, runs: usize) {
    let first = project::detect(root).expect("detects");
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let project = project::detect(root).expect("detects");
            let elapsed = start.elapsed();
            std::hint::black_box(project);
            elapsed
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<8} {:>5} sources {:>4} migration folders  median {:>7.2} ms  worst {:>7.2} ms  {}",
        first.schema_sources.len(),
        first.migrations.len(),
        ms(median),
        ms(worst),
        if median < GOAL { "ok" } else { "OVER GOAL" }
    );
}

fn main() {
    let models = env_number("MIGEN_BENCH_MODELS", 500);
    let runs = env_number("MIGEN_BENCH_RUNS", 15).max(1);
    println!(
        "detection on {models} model files (goal: well under {} ms)",
        GOAL.as_millis()
    );
    for (name, generate) in [("django", django as fn(&Path, usize)), ("typeorm", typeorm)] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        noise(dir.path());
        generate(dir.path(), models);
        measure(name, dir.path(), runs);
    }
}
