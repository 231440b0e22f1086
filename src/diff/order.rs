//! The order changes apply in: by kind, then tables and views after what they refer to.

use std::collections::BTreeSet;

use super::Change;
use super::view_mentions;
use crate::model::*;

/// Put changes in an order that can be applied top to bottom.
pub(super) fn order(changes: Vec<Change>, from: &Schema, to: &Schema) -> Vec<Change> {
    fn rank(change: &Change) -> u8 {
        match change {
            Change::CreateSchema { .. } => 0,
            Change::CreateExtension { .. } => 1,
            Change::DropView { .. } | Change::DropTrigger { .. } => 2,
            Change::DropForeignKey { .. } => 3,
            Change::DropIndex { .. } => 4,
            Change::DropCheck { .. } => 5,
            Change::DropUnique { .. } => 6,
            Change::DropPrimaryKey { .. } => 7,
            Change::CreateEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::AlterEnumComment { .. }
            | Change::RecreateEnum { .. } => 8,
            Change::CreateSequence { .. } | Change::AlterSequence { .. } => 9,
            Change::RenameTable { .. } => 10,
            Change::RenameColumn { .. } => 11,
            Change::RenameConstraint { .. } | Change::RenameIndex { .. } => 12,
            Change::CreateTable { .. } => 13,
            Change::AddColumn { .. } => 14,
            Change::AlterColumn { .. } => 16,
            Change::AlterTableComment { .. } | Change::AlterTableOptions { .. } => 17,
            Change::DropColumn { .. } => 18,
            Change::AddPrimaryKey { .. } => 19,
            Change::AddUnique { .. } => 20,
            Change::AddCheck { .. } => 21,
            Change::AddIndex { .. } => 22,
            Change::AddForeignKey { .. } => 23,
            Change::DropTable { .. } => 24,
            Change::DropSequence { .. } => 25,
            Change::DropEnum { .. } => 26,
            Change::CreateView { .. } | Change::CreateTrigger { .. } => 27,
            Change::AlterViewComment { .. } => 28,
            Change::DropExtension { .. } => 29,
            Change::DropSchema { .. } => 30,
        }
    }
    let mut changes = changes;
    changes.sort_by_key(rank);
    let mut ordered = Vec::with_capacity(changes.len());
    let mut rest = changes.into_iter().peekable();
    while let Some(change) = rest.next() {
        let r = rank(&change);
        let mut group = vec![change];
        while rest.peek().is_some_and(|c| rank(c) == r) {
            group.push(rest.next().expect("peeked"));
        }
        match r {
            13 | 24 => {
                let deps = group
                    .iter()
                    .map(|c| match c {
                        Change::CreateTable { table } | Change::DropTable { table } => (
                            table.name.clone(),
                            table
                                .foreign_keys
                                .iter()
                                .map(|f| f.ref_table.clone())
                                .collect(),
                        ),
                        _ => unreachable!("rank 13 and 24 hold only table creations and drops"),
                    })
                    .collect();
                group = topo_sort(group, deps);
                if r == 24 {
                    // Drop referencing tables first.
                    group.reverse();
                }
            }
            // Views in dependency order; triggers (which may use views) after them.
            27 | 2 => {
                let (views, triggers): (Vec<Change>, Vec<Change>) =
                    group.into_iter().partition(|c| {
                        matches!(c, Change::CreateView { .. } | Change::DropView { .. })
                    });
                let mut sorted = topo_views(views, if r == 27 { to } else { from });
                if r == 2 {
                    sorted.reverse();
                    group = triggers.into_iter().chain(sorted).collect();
                } else {
                    sorted.extend(triggers);
                    group = sorted;
                }
            }
            _ => {}
        }
        ordered.extend(group);
    }
    ordered
}

/// Order changes so each comes after the ones whose objects it depends on (`names[i]` is
/// change i's object and what that object uses).
fn topo_sort(group: Vec<Change>, names: Vec<(QName, Vec<QName>)>) -> Vec<Change> {
    let present: BTreeSet<QName> = names.iter().map(|(n, _)| n.clone()).collect();
    let mut done: BTreeSet<QName> = BTreeSet::new();
    let mut order = Vec::new();
    let mut remaining: Vec<usize> = (0..group.len()).collect();
    while !remaining.is_empty() {
        let ready: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|&i| {
                names[i]
                    .1
                    .iter()
                    .all(|d| *d == names[i].0 || !present.contains(d) || done.contains(d))
            })
            .collect();
        // A cycle: take the first remaining table; its forward references are handled by the SQL writer.
        let ready = if ready.is_empty() {
            vec![remaining[0]]
        } else {
            ready
        };
        for i in ready {
            done.insert(names[i].0.clone());
            order.push(i);
            remaining.retain(|&r| r != i);
        }
    }
    let mut slots: Vec<Option<Change>> = group.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn topo_views(group: Vec<Change>, schema: &Schema) -> Vec<Change> {
    let view_of = |c: &Change| match c {
        Change::CreateView { view } | Change::DropView { view } => view.clone(),
        _ => unreachable!(),
    };
    let views: Vec<View> = group.iter().map(view_of).collect();
    let deps: Vec<(QName, Vec<QName>)> = views
        .iter()
        .map(|v| {
            let uses = schema
                .views
                .keys()
                .filter(|other| **other != v.name && view_mentions(v, other))
                .cloned()
                .collect();
            (v.name.clone(), uses)
        })
        .collect();
    topo_sort(group, deps)
}
