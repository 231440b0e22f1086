//! What the Django suites share: the pinned Django venv, a project's manage.py and settings
//! (the database comes from `DJ_*` variables), and those variables for a scratch database.

use std::path::{Path, PathBuf};

use migen::model::Dialect;

/// Exact versions, so the oracle does not move under the tests.
pub const PACKAGES: &[&str] = &["django==5.2.8", "psycopg[binary]==3.2.12", "pymysql==1.1.2"];

/// One install at a time: the dialect tests run in parallel and would pip into one venv at once.
static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The venv's python, installing the pinned packages if needed.
pub fn oracle_python() -> Option<PathBuf> {
    let _installing = INSTALL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    super::python_venv("django", PACKAGES).map(|root| root.join("bin/python"))
}

/// manage.py and `proj/settings.py` installing the contrib apps and `apps`. The apps are
/// listed literally (migen reads them); the database comes from the environment, which migen
/// cannot read, so the dialect is the one the test passes.
pub fn write_settings(dir: &Path, apps: &[&str]) {
    std::fs::create_dir_all(dir.join("proj")).unwrap();
    std::fs::write(
        dir.join("manage.py"),
        "import os, sys\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n",
    )
    .unwrap();
    std::fs::write(dir.join("proj/__init__.py"), "").unwrap();
    let apps: Vec<String> = apps.iter().map(|a| format!("    '{a}',\n")).collect();
    std::fs::write(
        dir.join("proj/settings.py"),
        format!(
            r#"import os
SECRET_KEY = "test"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
{}]
# The admin's template and middleware checks: this project never serves a request.
SILENCED_SYSTEM_CHECKS = ["admin.E403", "admin.E406", "admin.E408", "admin.E409", "admin.E410"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if os.environ["DJ_DB"] == "mysql":
    import pymysql
    pymysql.install_as_MySQLdb()
DATABASES = {{"default": {{
    "ENGINE": {{"sqlite": "django.db.backends.sqlite3", "pg": "django.db.backends.postgresql",
                "mysql": "django.db.backends.mysql"}}[os.environ["DJ_DB"]],
    "NAME": os.environ["DJ_NAME"],
    "USER": os.environ.get("DJ_USER", ""),
    "PASSWORD": os.environ.get("DJ_PASSWORD", ""),
    "HOST": os.environ.get("DJ_HOST", ""),
    "PORT": os.environ.get("DJ_PORT", ""),
}}}}
"#,
            apps.concat()
        ),
    )
    .unwrap();
}

/// Django's connection settings for a scratch database URL.
pub fn django_env(dialect: Dialect, url: &str) -> Vec<(String, String)> {
    let mut env = vec![(
        "DJ_DB".to_string(),
        match dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "pg",
            Dialect::Mysql => "mysql",
        }
        .to_string(),
    )];
    if dialect == Dialect::Sqlite {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        env.push(("DJ_NAME".into(), path.to_string()));
        return env;
    }
    let parsed = url::Url::parse(url).unwrap();
    env.push((
        "DJ_NAME".into(),
        parsed.path().trim_start_matches('/').to_string(),
    ));
    env.push(("DJ_USER".into(), parsed.username().to_string()));
    env.push((
        "DJ_PASSWORD".into(),
        parsed.password().unwrap_or("").to_string(),
    ));
    env.push((
        "DJ_HOST".into(),
        parsed.host_str().unwrap_or("").to_string(),
    ));
    env.push((
        "DJ_PORT".into(),
        parsed.port().map(|p| p.to_string()).unwrap_or_default(),
    ));
    env
}
