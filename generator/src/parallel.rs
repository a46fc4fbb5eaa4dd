//! Runs one job per dataset or table on a few plain threads, never on Rayon's workers; plain
//! Rust work inside a job (no Polars) may use Rayon's pool through [`pool_map`].
//!
//! Why not `par_iter`: each job calls into Polars, which runs its work on its own Rayon pool.
//! A Rayon worker of the global pool that waits for another pool does not sleep: it runs queued
//! jobs of its own pool meanwhile, on its own stack. The next queued job was the next table's
//! check, which waited on Polars in turn, and so on: at 400 generated datasets one worker held
//! 186 nested `check_table` calls and overflowed its stack (issue 15). A plain thread that
//! waits on Polars blocks, so its stack holds one job at a time whatever the portal's size.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.iter().map(f)`, in order, run on as many plain threads as Rayon's pool has threads.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_on(rayon::current_num_threads(), items, f)
}

/// [`map`] on at most `threads` threads.
pub fn map_on<T: Sync, R: Send>(threads: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut mine = Vec::new();
                // Each thread takes the next job when it is free: large tables do not hold up
                // a thread's fixed share of small ones.
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    mine.push((i, f(item)));
                }
                done.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend(mine);
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// [`map`] of items taken by value: each item is moved into the thread that runs `f` on it.
pub fn map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    // Each slot is taken once, by the one thread that is given its index.
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|item| Mutex::new(Some(item))).collect();
    map(&slots, |slot| slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take().map(&f)).into_iter().flatten().collect()
}

/// `items.into_par_iter().map(f)` on Rayon's pool, in order; one item is mapped on this thread.
/// Plain Rust only (no Polars, see the module). From a thread outside the pool even one item
/// is handed to a worker and waited for: two context switches that cost more than reading a
/// small file whole (most of a portal's files are one part).
pub fn pool_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    if items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    items.into_par_iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_items_order() {
        let items: Vec<usize> = (0..1000).collect();
        assert_eq!(map(&items, |i| i * 2), items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(map(&[] as &[usize], |i| *i), Vec::<usize>::new());
        assert_eq!(map(&[7], |i| i + 1), vec![8]);
        let owned: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        assert_eq!(map_owned(owned.clone(), |s| s + "!"), owned.iter().map(|s| format!("{s}!")).collect::<Vec<_>>());
        assert_eq!(pool_map(owned.clone(), |s| s + "!"), owned.iter().map(|s| format!("{s}!")).collect::<Vec<_>>());
    }

    #[test]
    fn one_item_is_mapped_on_the_calling_thread() {
        let here = std::thread::current().id();
        assert_eq!(pool_map(vec![1], |_| std::thread::current().id()), vec![here]);
        assert_eq!(pool_map(Vec::<usize>::new(), |i| i), Vec::<usize>::new());
    }

    #[test]
    fn jobs_run_on_plain_threads_not_on_rayon_workers() {
        let items: Vec<usize> = (0..64).collect();
        let on_worker = map(&items, |_| rayon::current_thread_index().is_some());
        assert!(on_worker.iter().all(|w| !w), "a job ran on a Rayon worker");
    }
}
