//! How `--with-tests` runs the changelog: Liquibase's own CLI (`update`, then
//! `rollback-count` with the file's changeset count) on the test's scratch database. The
//! changelog is passed as the changelog file itself, so the scratch database starts from the
//! schema as it was, not from the project's older changelogs.

use std::fmt::Write as _;

use crate::model::Dialect;
use crate::render::ArtifactKind;
use crate::render::layout::Rendered;
use crate::render::renderer::RunnerSteps;

pub(super) fn steps(rendered: &Rendered, dialect: Dialect) -> RunnerSteps {
    let base = rendered.extras_dir.parent().unwrap_or(&rendered.extras_dir);
    let changelog = rendered
        .artifacts
        .iter()
        .find(|a| a.kind == ArtifactKind::Migration)
        .and_then(|a| a.path.strip_prefix(base).ok())
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut setup = String::from(
        "# Liquibase runs the changelog: LIQUIBASE names its command (default: liquibase on PATH).\n",
    );
    let _ = writeln!(
        setup,
        "changelog_dir=\"$here/..\"\nchangelog=\"{changelog}\""
    );
    setup.push_str(match dialect {
        Dialect::Postgres => {
            "[[ \"$url\" =~ ^[a-z]+://(([^:@/]*)(:([^@/]*))?@)?([^/]*)/(.*)$ ]]\njdbc=\"jdbc:postgresql://${BASH_REMATCH[5]}/${BASH_REMATCH[6]}\"\nlb_user=\"${BASH_REMATCH[2]}\"; lb_password=\"${BASH_REMATCH[4]}\"\n"
        }
        // Liquibase's distribution ships MariaDB's driver, which speaks to MySQL too.
        Dialect::Mysql => {
            "[[ \"$server\" =~ ^[a-z]+://(([^:@/]*)(:([^@/]*))?@)?([^/]*) ]]\njdbc=\"jdbc:mariadb://${BASH_REMATCH[5]}/$db\"\nlb_user=\"${BASH_REMATCH[2]}\"; lb_password=\"${BASH_REMATCH[4]}\"\n"
        }
        Dialect::Sqlite => "jdbc=\"jdbc:sqlite:$db\"\nlb_user=\"\"; lb_password=\"\"\n",
    });
    setup.push_str(
        "liquibase() {\n  (cd \"$changelog_dir\" && ${LIQUIBASE:-command liquibase} --show-banner=false --url=\"$jdbc\" ${lb_user:+--username=\"$lb_user\"} ${lb_password:+--password=\"$lb_password\"} --changelog-file=\"$changelog\" \"$@\")\n}\nchangesets=\"$(grep -c '^--changeset ' \"$changelog_dir/$changelog\")\"\n",
    );
    RunnerSteps {
        setup,
        up: "echo \"run liquibase update\"; liquibase update\n".into(),
        down: "echo \"run liquibase rollback-count --count=$changesets\"; liquibase rollback-count --count=\"$changesets\"\n".into(),
        own_tables: "^(databasechangelog|databasechangeloglock|DATABASECHANGELOG|DATABASECHANGELOGLOCK)\\.".into(),
    }
}
