//! Pairing named objects (constraints, indexes) of a table's two sides: kept, added, removed,
//! or renamed when only the name differs.

pub(super) enum Pairing<'a, T> {
    Added(&'a T),
    Removed(&'a T),
    /// The same item under another name: (before, after, old name, new name).
    Renamed(&'a T, &'a T, String, String),
}

/// Pair two lists of named items: same name and shape → unchanged; same shape under another
/// name → renamed; the rest → removed and added (a changed item is both).
pub(super) fn pair_named<'a, T, K: PartialEq>(
    from: &'a [T],
    to: &'a [T],
    name: impl Fn(&T) -> Option<String>,
    shape: impl Fn(&T) -> K,
    emit: &mut dyn FnMut(Pairing<'a, T>),
) {
    let mut from_left: Vec<bool> = vec![true; from.len()];
    let mut to_left: Vec<bool> = vec![true; to.len()];
    for (j, new) in to.iter().enumerate() {
        if let Some(i) = from
            .iter()
            .enumerate()
            .position(|(i, old)| from_left[i] && name(old) == name(new) && shape(old) == shape(new))
        {
            from_left[i] = false;
            to_left[j] = false;
        }
    }
    for (j, new) in to.iter().enumerate() {
        if !to_left[j] {
            continue;
        }
        let same_name_exists_in_from = from
            .iter()
            .enumerate()
            .any(|(i, old)| from_left[i] && name(old) == name(new));
        if same_name_exists_in_from {
            continue;
        }
        if let Some(i) = from.iter().enumerate().position(|(i, old)| {
            from_left[i]
                && shape(old) == shape(new)
                && !to
                    .iter()
                    .enumerate()
                    .any(|(k, other)| to_left[k] && name(other) == name(old))
        }) && let (Some(old_name), Some(new_name)) = (name(&from[i]), name(new))
        {
            from_left[i] = false;
            to_left[j] = false;
            emit(Pairing::Renamed(&from[i], new, old_name, new_name));
        }
    }
    for (i, old) in from.iter().enumerate() {
        if from_left[i] {
            emit(Pairing::Removed(old));
        }
    }
    for (j, new) in to.iter().enumerate() {
        if to_left[j] {
            emit(Pairing::Added(new));
        }
    }
}
