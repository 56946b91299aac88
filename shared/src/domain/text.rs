//! Text as people type it: two spellings of one name (full or half width, spaces, punctuation)
//! compared as one. Repeat reports and registry suggestions both match through it.

/// Full-width forms as their ASCII counterparts, lower case, and only letters and digits (CJK
/// ideographs are letters): what two spellings of one name have in common.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match u32::from(c) {
            0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_normalise_alike() {
        assert_eq!(normalise("某某 教育（武昌）"), normalise("某某教育(武昌)"));
        assert_eq!(normalise("ＡＢＣ英语 培训"), "abc英语培训");
        assert_eq!(normalise("中南路1号，3楼！"), "中南路1号3楼");
        assert_eq!(normalise(" 、。…—"), "");
    }
}
