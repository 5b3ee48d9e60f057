//! Work split between this thread and one more, for inputs large enough to repay starting it:
//! parsing and entity extraction both use it on large files.

use std::sync::OnceLock;

/// Below this size a text is handled on one thread: starting another costs more than it saves,
/// and a single issue (some 50 kB) must not pay for it.
pub(crate) const FROM_BYTES: usize = 1 << 20;

/// Whether a second thread can run beside this one. Asked once: the standard library reads
/// the cgroup limits from `/proc` and `/sys` to answer.
pub(crate) fn available() -> bool {
    static TWO: OnceLock<bool> = OnceLock::new();
    *TWO.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Runs `work` on this thread and, at the same time, `other` on another; on this one after it
/// when no thread can be started (`other` is `Copy`, as closures holding only references are,
/// so it is still here to run). A panic on the other thread is passed on.
pub(crate) fn both<A: Send, B>(
    other: impl FnOnce() -> A + Send + Copy,
    work: impl FnOnce() -> B,
) -> (A, B) {
    std::thread::scope(|scope| {
        let job = std::thread::Builder::new().spawn_scoped(scope, other);
        let mine = work();
        let theirs = match job {
            Ok(job) => job
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => other(),
        };
        (theirs, mine)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_gives_each_side_its_own_result() {
        let text = "left|right";
        let (theirs, mine) = both(|| text.len(), || text.split('|').count());
        assert_eq!((theirs, mine), (10, 2));
        assert_eq!(available(), available());
    }
}
