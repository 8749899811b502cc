//! ISO 3166-1 alpha-2 country codes, and the user-assigned codes scrisk accepts for "other".

/// The officially assigned ISO 3166-1 alpha-2 codes (249), sorted.
const ISO_ALPHA2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Upper-cases and checks a country code. `Err` carries a hint for a common mistake, if any.
pub(crate) fn normalise_country(raw: &str) -> Result<String, Option<&'static str>> {
    let code = raw.trim().to_ascii_uppercase();
    if is_valid(&code) {
        return Ok(code);
    }
    let hint = match code.as_str() {
        "UK" => Some("the ISO code of the United Kingdom is GB"),
        "EU" => Some("EU is not a country; use XA–XZ for a grouping, or each member's code"),
        c if c.chars().count() == 3 => Some("use two-letter ISO 3166-1 alpha-2 codes (CN, DE, US)"),
        _ => Some("use ISO 3166-1 alpha-2 (CN, DE, US), or XA–XZ / ZZ for other or unknown"),
    };
    Err(hint)
}

/// The user-assigned codes `XA`–`XZ` and `ZZ`: "other or unknown", a lump of several countries
/// or none known, never one country. Reports never rank them as a country.
pub(crate) fn is_other(code: &str) -> bool {
    let b = code.as_bytes();
    code == "ZZ" || (b.len() == 2 && b[0] == b'X' && b[1].is_ascii_uppercase())
}

/// EU member states (ISO codes): the Union whose dependence on any single third country the EU
/// Critical Raw Materials Act benchmarks.
pub(crate) const EU: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The EU Critical Raw Materials Act's benchmark: no more than this share of the Union's
/// consumption of a strategic raw material from one third country, at any stage of processing.
pub(crate) const CRMA_MAX_THIRD_COUNTRY: f64 = 0.65;

/// ISO 3166-1 alpha-2, or the user-assigned `XA`–`XZ` and `ZZ`.
pub(crate) fn is_valid(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 2 {
        return false;
    }
    if (b[0] == b'X' && b[1].is_ascii_uppercase()) || code == "ZZ" {
        return true;
    }
    ISO_ALPHA2.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_and_unique() {
        assert!(ISO_ALPHA2.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn accepts_iso_user_assigned_and_lower_case() {
        assert_eq!(normalise_country("cn"), Ok("CN".to_string()));
        assert_eq!(normalise_country(" CD "), Ok("CD".to_string()));
        assert!(is_valid("XA") && is_valid("XZ") && is_valid("ZZ"));
        assert!(!is_valid("QQ") && !is_valid("UK") && !is_valid("CHN") && !is_valid("C"));
        assert!(normalise_country("UK").unwrap_err().unwrap().contains("GB"));
        assert!(!is_valid("Ｃ"));
    }
}
