//! Deterministic ids: UUID-looking strings and Twilio-looking call SIDs derived
//! from a namespace and a counter, so every seed yields the same ids every run.

/// 64-bit FNV-1a of a string, used to separate id namespaces.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64 step: a well-mixed 64-bit value from a seed.
fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A deterministic, version-4-looking UUID string for `(namespace, n)`.
pub fn uuid_like(namespace: &str, n: u64) -> String {
    let base = fnv1a(namespace) ^ n.wrapping_mul(0x2545_f491_4f6c_dd1d);
    let hi = splitmix(base);
    let lo = splitmix(hi ^ n);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        0x8000 | ((lo >> 48) & 0x3fff),
        lo & 0xffff_ffff_ffff
    )
}

/// A deterministic Twilio-looking call SID for `(namespace, n)`.
pub fn call_sid(namespace: &str, n: u64) -> String {
    let a = splitmix(fnv1a(namespace) ^ n);
    format!("CA{:016x}{:016x}", a, splitmix(a))
}
