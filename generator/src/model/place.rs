//! Places a dataset covers: Thailand, or its provinces by their ISO 3166-2:TH codes (the
//! Department of Provincial Administration's province code after `TH-`). The province names
//! come from kongvut/thai-province-data (MIT licence, Copyright (c) 2025 Kongvut Sangkla), as
//! in `shared/data/thai-provinces`.

/// Every province: ISO 3166-2 code, Thai name, English name.
pub const PROVINCES: [(&str, &str, &str); 77] = [
    ("TH-10", "กรุงเทพมหานคร", "Bangkok"),
    ("TH-11", "สมุทรปราการ", "Samut Prakan"),
    ("TH-12", "นนทบุรี", "Nonthaburi"),
    ("TH-13", "ปทุมธานี", "Pathum Thani"),
    ("TH-14", "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
    ("TH-15", "อ่างทอง", "Ang Thong"),
    ("TH-16", "ลพบุรี", "Lopburi"),
    ("TH-17", "สิงห์บุรี", "Sing Buri"),
    ("TH-18", "ชัยนาท", "Chai Nat"),
    ("TH-19", "สระบุรี", "Saraburi"),
    ("TH-20", "ชลบุรี", "Chon Buri"),
    ("TH-21", "ระยอง", "Rayong"),
    ("TH-22", "จันทบุรี", "Chanthaburi"),
    ("TH-23", "ตราด", "Trat"),
    ("TH-24", "ฉะเชิงเทรา", "Chachoengsao"),
    ("TH-25", "ปราจีนบุรี", "Prachin Buri"),
    ("TH-26", "นครนายก", "Nakhon Nayok"),
    ("TH-27", "สระแก้ว", "Sa Kaeo"),
    ("TH-30", "นครราชสีมา", "Nakhon Ratchasima"),
    ("TH-31", "บุรีรัมย์", "Buri Ram"),
    ("TH-32", "สุรินทร์", "Surin"),
    ("TH-33", "ศรีสะเกษ", "Si Sa Ket"),
    ("TH-34", "อุบลราชธานี", "Ubon Ratchathani"),
    ("TH-35", "ยโสธร", "Yasothon"),
    ("TH-36", "ชัยภูมิ", "Chaiyaphum"),
    ("TH-37", "อำนาจเจริญ", "Amnat Charoen"),
    ("TH-38", "บึงกาฬ", "Bueng Kan"),
    ("TH-39", "หนองบัวลำภู", "Nong Bua Lam Phu"),
    ("TH-40", "ขอนแก่น", "Khon Kaen"),
    ("TH-41", "อุดรธานี", "Udon Thani"),
    ("TH-42", "เลย", "Loei"),
    ("TH-43", "หนองคาย", "Nong Khai"),
    ("TH-44", "มหาสารคาม", "Maha Sarakham"),
    ("TH-45", "ร้อยเอ็ด", "Roi Et"),
    ("TH-46", "กาฬสินธุ์", "Kalasin"),
    ("TH-47", "สกลนคร", "Sakon Nakhon"),
    ("TH-48", "นครพนม", "Nakhon Phanom"),
    ("TH-49", "มุกดาหาร", "Mukdahan"),
    ("TH-50", "เชียงใหม่", "Chiang Mai"),
    ("TH-51", "ลำพูน", "Lamphun"),
    ("TH-52", "ลำปาง", "Lampang"),
    ("TH-53", "อุตรดิตถ์", "Uttaradit"),
    ("TH-54", "แพร่", "Phrae"),
    ("TH-55", "น่าน", "Nan"),
    ("TH-56", "พะเยา", "Phayao"),
    ("TH-57", "เชียงราย", "Chiang Rai"),
    ("TH-58", "แม่ฮ่องสอน", "Mae Hong Son"),
    ("TH-60", "นครสวรรค์", "Nakhon Sawan"),
    ("TH-61", "อุทัยธานี", "Uthai Thani"),
    ("TH-62", "กำแพงเพชร", "Kamphaeng Phet"),
    ("TH-63", "ตาก", "Tak"),
    ("TH-64", "สุโขทัย", "Sukhothai"),
    ("TH-65", "พิษณุโลก", "Phitsanulok"),
    ("TH-66", "พิจิตร", "Phichit"),
    ("TH-67", "เพชรบูรณ์", "Phetchabun"),
    ("TH-70", "ราชบุรี", "Ratchaburi"),
    ("TH-71", "กาญจนบุรี", "Kanchanaburi"),
    ("TH-72", "สุพรรณบุรี", "Suphan Buri"),
    ("TH-73", "นครปฐม", "Nakhon Pathom"),
    ("TH-74", "สมุทรสาคร", "Samut Sakhon"),
    ("TH-75", "สมุทรสงคราม", "Samut Songkhram"),
    ("TH-76", "เพชรบุรี", "Phetchaburi"),
    ("TH-77", "ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
    ("TH-80", "นครศรีธรรมราช", "Nakhon Si Thammarat"),
    ("TH-81", "กระบี่", "Krabi"),
    ("TH-82", "พังงา", "Phangnga"),
    ("TH-83", "ภูเก็ต", "Phuket"),
    ("TH-84", "สุราษฎร์ธานี", "Surat Thani"),
    ("TH-85", "ระนอง", "Ranong"),
    ("TH-86", "ชุมพร", "Chumphon"),
    ("TH-90", "สงขลา", "Songkhla"),
    ("TH-91", "สตูล", "Satun"),
    ("TH-92", "ตรัง", "Trang"),
    ("TH-93", "พัทลุง", "Phatthalung"),
    ("TH-94", "ปัตตานี", "Pattani"),
    ("TH-95", "ยะลา", "Yala"),
    ("TH-96", "นราธิวาส", "Narathiwat"),
];

/// The Thai and English names of the province with this ISO 3166-2:TH code (`TH-50`).
pub fn province(code: &str) -> Option<(&'static str, &'static str)> {
    PROVINCES.iter().find(|(c, _, _)| *c == code).map(|(_, th, en)| (*th, *en))
}

/// The codes closest to a code that is not one, to suggest in a message: the same digits
/// written another way (`50`, `th50`, `TH50`), else the provinces whose name contains it.
pub fn suggest(code: &str) -> Vec<&'static str> {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    let by_digits: Vec<&str> = PROVINCES.iter().filter(|(c, _, _)| !digits.is_empty() && c[3..] == digits).map(|(c, _, _)| *c).collect();
    if !by_digits.is_empty() {
        return by_digits;
    }
    let lower = code.trim().to_lowercase();
    PROVINCES
        .iter()
        .filter(|(_, th, en)| !lower.is_empty() && (th.contains(code.trim()) || en.to_lowercase().contains(&lower)))
        .map(|(c, _, _)| *c)
        .take(3)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_are_found_by_code_and_suggested_from_near_misses() {
        assert_eq!(PROVINCES.len(), 77);
        assert_eq!(province("TH-50"), Some(("เชียงใหม่", "Chiang Mai")));
        assert_eq!(province("TH-38"), Some(("บึงกาฬ", "Bueng Kan")));
        assert_eq!(province("TH-99"), None);
        assert_eq!(suggest("th50"), vec!["TH-50"]);
        assert_eq!(suggest("Chiang Mai"), vec!["TH-50"]);
        assert_eq!(suggest("ภูเก็ต"), vec!["TH-83"]);
    }
}
