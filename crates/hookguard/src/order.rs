//! The crate's sorts. Every `sort_by` over another element type or comparator is another copy
//! of the standard library's sort (quicksort, small-sort, heapsort: several KB each), and the
//! WebAssembly modules carried seven of them; here every ordering goes through one of two
//! instantiations, both over indices: [`sort_by`] with the comparison behind a `dyn` call (for
//! orderings made once per configuration or per report), and [`order_by_bytes`] for the one on
//! the hot path, an object's members by name, whose comparisons stay inlined.

use std::cmp::Ordering;

/// An item's sort key (empty for [`sort_by`]) and its index in the slice being sorted.
type Keyed<'k> = (&'k [u8], usize);

/// Sorts `items` by `compare`, stably: items that compare equal keep their order, as with
/// `slice::sort_by`.
pub(crate) fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<Keyed<'_>> = (0..items.len()).map(|index| (&[][..], index)).collect();
    sort_indices(&mut order, &|left, right| {
        match (items.get(left), items.get(right)) {
            (Some(a), Some(b)) => compare(a, b),
            _ => Ordering::Equal,
        }
        // The earlier item first among equals: stable, whatever the sort below does.
        .then(left.cmp(&right))
    });
    permute(items, &mut order);
}

/// The indices of `items` in the order of the bytes `key` gives, stably, at the speed of a sort
/// of byte strings (each comparison a `memcmp`, no call through a pointer). For the hot path,
/// an object's members by name, where reading the items in this order is all a caller needs.
pub(crate) fn order_by_bytes<'i, T>(
    items: &'i [T],
    key: impl Fn(&'i T) -> &'i [u8],
) -> impl Iterator<Item = usize> + 'i {
    let mut order: Vec<Keyed<'i>> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (key(item), index))
        .collect();
    sort_keyed(&mut order);
    order.into_iter().map(|(_, index)| index)
}

/// The standard sort over (key, index) pairs, the index breaking ties (so equal keys keep their
/// order): one instantiation for every byte-keyed sort.
#[inline(never)]
fn sort_keyed(order: &mut [Keyed<'_>]) {
    order.sort_unstable();
}

/// The one instantiation of the standard sort behind [`sort_by`].
#[inline(never)]
fn sort_indices(order: &mut [Keyed<'_>], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_unstable_by(|left, right| compare(left.1, right.1));
}

/// Puts at each position `i` the item that was at `order[i].1`, in place, following each cycle
/// of the permutation once.
fn permute<T>(items: &mut [T], order: &mut [Keyed<'_>]) {
    for start in 0..order.len() {
        let mut current = start;
        while let Some((_, slot)) = order.get_mut(current) {
            let next = std::mem::replace(slot, current);
            if next == start || next == current {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_as_the_standard_stable_sort_does(items in proptest::collection::vec((0u8..6, any::<u16>()), 0..64)) {
            // Ordered by the first field only: the second tells equal items apart.
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            let mut sorted = items;
            sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(&sorted, &expected);
            let by_bytes: Vec<([u8; 1], u16)> =
                sorted.iter().rev().map(|&(key, tag)| ([key], tag)).collect();
            let mut expected = by_bytes.clone();
            expected.sort_by_key(|item| item.0);
            let in_order: Vec<([u8; 1], u16)> = order_by_bytes(&by_bytes, |item| &item.0)
                .filter_map(|index| by_bytes.get(index).copied())
                .collect();
            prop_assert_eq!(in_order, expected);
        }
    }
}
