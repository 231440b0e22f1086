#!/usr/bin/env bash
# Make a small git project for one migration tool out of the shop example:
#   examples/projects/setup.sh TARGET DEST
# The first commit holds the shop schema and its initial migration (written by migen, in the
# tool's format); the working tree then holds the changed schema, ready for `migen status`
# and `migen generate`. MIGEN names the migen binary (default: migen on PATH).
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 TARGET DEST   (TARGET: sql, golang-migrate, flyway, dbmate, prisma, django)" >&2
  exit 2
fi
target="$1"
dest="$2"
migen="${MIGEN:-migen}"
if [[ "$migen" == */* ]]; then
  migen="$(cd "$(dirname "$migen")" && pwd)/$(basename "$migen")"
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -f "$here/$target/migen.toml" ]]; then
  echo "no example project for target '$target'" >&2
  exit 2
fi
if [[ -e "$dest" && -n "$(ls -A "$dest" 2>/dev/null)" ]]; then
  echo "$dest exists and is not empty" >&2
  exit 2
fi
if [[ "$target" == django ]]; then
  # A Django project: its models are the schema, its apps' migrations/ folders the history.
  mkdir -p "$dest"
  cp -R "$here/django/project/." "$dest/"
  cp "$here/django/migen.toml" "$dest/"
  cd "$dest"
  printf '.migen/\n__pycache__/\ndb.sqlite3\n' > .gitignore
  git init -q
  git add -A
  git -c user.name=migen -c user.email=migen@example.com commit -q -m "shop models and their first migrations"
  cp "$here/django/after/customers/models.py" customers/models.py
  cp "$here/django/after/orders/models.py" orders/models.py
  # The before side, as migen.toml's `from` names it: the last commit's project.
  mkdir -p .migen/before
  git archive HEAD | tar -x -C .migen/before
  echo "$dest: a django project; the models changed since the last commit"
  exit 0
fi
mkdir -p "$dest/db"
cp "$here/$target/migen.toml" "$dest/"
cp "$here/../shop/before.sql" "$dest/db/schema.sql"
cd "$dest"
git init -q
"$migen" generate --from empty --name init > /dev/null
git add -A
git -c user.name=migen -c user.email=migen@example.com commit -q -m "shop schema and its first migration"
cp "$here/../shop/after.sql" db/schema.sql
echo "$dest: a $target project; db/schema.sql changed since the last commit"
