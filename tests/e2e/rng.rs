//! A seeded xorshift generator: the same cases every run, and no dependency. Shared by the fuzz
//! test and the message-size property test in `src/message.rs` (which includes this file with
//! `#[path]`); each adds the methods it needs in an `impl Rng` of its own.

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
}
