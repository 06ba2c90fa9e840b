//! The VM's live heap: the global allocator, counting the bytes allocated and not yet freed.
//!
//! Linear memory says little about leaks: it only grows, to wherever the allocator's free
//! blocks stopped fitting the bodies a VM holds at once, and that high-water mark depends on
//! the order requests happen to arrive in. The live heap measured while the VM is idle does not:
//! memory kept across requests raises it by exactly what was kept, so a soak can ask for no
//! growth at all. Counting costs an add per allocation and per free (a VM is single-threaded;
//! relaxed atomics on `wasm32` without threads are plain loads and stores).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes allocated and not yet freed, as the allocator's callers asked for them (without the
/// allocator's own headers and free blocks).
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

/// The bytes the VM's code holds right now.
pub fn live_bytes() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// [`System`] with every allocation counted in [`LIVE_BYTES`].
pub struct CountingAllocator;

// Each method forwards to `System` with the caller's arguments unchanged and only counts what
// succeeded, so the contract `GlobalAlloc` asks of an implementation is `System`'s. Never
// inlined: inlined into every allocation site, the counting cost the module 12 KB.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout, forwarded as received.
        counted(unsafe { System.alloc(layout) }, layout)
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout, forwarded as received.
        counted(unsafe { System.alloc_zeroed(layout) }, layout)
    }

    #[inline(never)]
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: the caller's block and layout, which it got from this allocator.
        unsafe { System.dealloc(block, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    #[inline(never)]
    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's block, layout and size, forwarded as received.
        let moved = unsafe { System.realloc(block, layout, new_size) };
        if !moved.is_null() {
            // On failure the old block stays allocated, and counted.
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        }
        moved
    }
}

/// A block just allocated for `layout`, counted when the allocation succeeded.
fn counted(block: *mut u8, layout: Layout) -> *mut u8 {
    if !block.is_null() {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counter follows a block through allocation, growth, shrinking and release (the
    /// allocator is called directly: the test binary's own allocator is the system one).
    #[test]
    fn counts_what_is_held() {
        let counting = CountingAllocator;
        let before = live_bytes();
        let layout = Layout::from_size_align(100, 8).unwrap();
        #[allow(unsafe_code)]
        // SAFETY: each block comes from `counting` and goes back to it with its layout.
        unsafe {
            let block = counting.alloc(layout);
            assert!(!block.is_null());
            assert_eq!(live_bytes() - before, 100);
            let grown = counting.realloc(block, layout, 4000);
            assert!(!grown.is_null());
            assert_eq!(live_bytes() - before, 4000);
            let zeroed = counting.alloc_zeroed(layout);
            assert!(!zeroed.is_null());
            assert_eq!(live_bytes() - before, 4100);
            counting.dealloc(grown, Layout::from_size_align(4000, 8).unwrap());
            counting.dealloc(zeroed, layout);
        }
        assert_eq!(live_bytes(), before);
    }
}
