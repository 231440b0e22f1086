#!/usr/bin/env bash
# Make a small git project for one migration tool out of the shop example:
#   examples/projects/setup.sh TARGET DEST
# The first commit holds the shop schema and its initial migration (written by migen, in the
# tool's format); the working tree then holds the changed schema, ready for `migen status`
# and `migen generate`. A target whose folder has a changed/ folder (alembic, django, typeorm, sequelize, drizzle: models in code)
# is a whole project, committed as it is, with changed/ copied over it afterwards. MIGEN names the migen binary (default: migen on PATH).
# A JavaScript project (knex, typeorm, sequelize, drizzle: package.json) needs its node_modules: run `npm install` in DEST, or
# set NODE_MODULES to an installed node_modules folder to link it there (git ignores it).
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 TARGET DEST   (TARGET: sql, golang-migrate, flyway, dbmate, prisma, alembic, django, knex, typeorm, liquibase, sequelize, drizzle)" >&2
  exit 2
fi
target="$1"
dest="$2"
migen="${MIGEN:-migen}"
if [[ "$migen" == */* ]]; then
  migen="$(cd "$(dirname "$migen")" && pwd)/$(basename "$migen")"
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_modules=""
if [[ -n "${NODE_MODULES:-}" ]]; then
  node_modules="$(cd "$NODE_MODULES" && pwd)"
fi
if [[ ! -f "$here/$target/migen.toml" ]]; then
  echo "no example project for target '$target'" >&2
  exit 2
fi
if [[ -e "$dest" && -n "$(ls -A "$dest" 2>/dev/null)" ]]; then
  echo "$dest exists and is not empty" >&2
  exit 2
fi
commit() {
  git add -A
  git -c user.name=migen -c user.email=migen@example.com commit -q -m "$1"
}
if [[ -d "$here/$target/changed" ]]; then
  # A project of its own (models in code, the tool's files, its first migration): copied as it
  # is; its changed/ folder holds the files the next release changes, copied over the commit.
  mkdir -p "$dest"
  (cd "$here/$target" && tar -c --exclude=./changed --exclude=__pycache__ --exclude=node_modules .) | tar -x -C "$dest"
  cd "$dest"
  if [[ -f package.json && -n "${NODE_MODULES:-}" ]]; then
    ln -s "$node_modules" node_modules
  fi
  git init -q
  commit "shop models and their first migration"
  cp -R "$here/$target/changed/." .
  echo "$dest: a $target project; $(cd "$here/$target/changed" && find . -type f | sed 's|^\./||' | paste -sd ' ') changed since the last commit"
  exit 0
fi
mkdir -p "$dest/db"
cp "$here/$target/migen.toml" "$dest/"
cp "$here/../shop/before.sql" "$dest/db/schema.sql"
cd "$dest"
git init -q
"$migen" generate --from empty --name init > /dev/null
commit "shop schema and its first migration"
cp "$here/../shop/after.sql" db/schema.sql
echo "$dest: a $target project; db/schema.sql changed since the last commit"
