//! Work on many rows at once (a 10,000-row import): a map over a slice on
//! every core, in order. Computation only: the threads are scoped and joined
//! before the call returns.

/// Below this many items the threads cost more than they save.
const MIN_PARALLEL: usize = 256;

/// `items.iter().map(f).collect()`, split in equal runs over the machine's
/// cores (at most 8); the results keep the items' order. A panic in `f`
/// reaches the caller as it would without threads.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    par_map_on(threads, items, f)
}

fn par_map_on<T: Sync, R: Send>(threads: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if threads < 2 || items.len() < MIN_PARALLEL {
        return items.iter().map(&f).collect();
    }
    let size = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let rest: Vec<_> = items
            .chunks(size)
            .skip(1)
            .map(|run| s.spawn(move || run.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = Vec::with_capacity(items.len());
        out.extend(items[..size].iter().map(f));
        for handle in rest {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_on_any_number_of_threads() {
        let items: Vec<u32> = (0..1001).collect();
        let want: Vec<u64> = items.iter().map(|&i| u64::from(i) * 3).collect();
        for threads in [1, 2, 3, 7, 8] {
            assert_eq!(
                par_map_on(threads, &items, |&i| u64::from(i) * 3),
                want,
                "{threads} threads"
            );
        }
        assert_eq!(par_map(&items, |&i| u64::from(i) * 3), want);
    }

    #[test]
    fn short_and_empty_inputs_stay_on_the_calling_thread() {
        let caller = std::thread::current().id();
        let small: Vec<u8> = vec![1; MIN_PARALLEL - 1];
        let on: Vec<_> = par_map_on(4, &small, |_| std::thread::current().id());
        assert!(on.iter().all(|t| *t == caller));
        let big: Vec<u8> = vec![1; MIN_PARALLEL];
        let on: Vec<_> = par_map_on(4, &big, |_| std::thread::current().id());
        assert!(on.iter().any(|t| *t != caller), "a long input is shared");
        // Two cores are enough to share it; one is not.
        let on: Vec<_> = par_map_on(2, &big, |_| std::thread::current().id());
        assert!(on.iter().any(|t| *t != caller), "shared on 2 threads");
        let on: Vec<_> = par_map_on(1, &big, |_| std::thread::current().id());
        assert!(on.iter().all(|t| *t == caller), "kept on 1 thread");
        assert!(par_map_on(4, &Vec::<u8>::new(), |x| *x).is_empty());
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..1000).collect();
        let caught = std::panic::catch_unwind(|| {
            par_map_on(2, &items, |&i| {
                assert!(i != 900, "row 900");
                i
            })
        });
        assert!(caught.is_err());
    }
}
