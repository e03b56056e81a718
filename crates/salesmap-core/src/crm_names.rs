//! What a CRM's own words say about a deal's outcome: [`outcome_named`] reads a stage name or a
//! status value (`Closed Won`, `Lost`, `A_DECLINED`, `수주 실패`) as the [`Outcome`] it names,
//! if any.
//!
//! The importer uses it to read a snapshot export's status column and to keep "did you mean"
//! suggestions within one kind of stage; `salesmap init --from-history` uses it to recognise
//! the outcomes of a history. It is deliberately strict, because a stage read as won or lost
//! changes every figure: `won`, `lost`, `churn`, `disqualified` (and their Korean words) count
//! anywhere in the name, while the weaker words (`approved`, `declined`, `cancelled`,
//! `rejected`, `withdrawn`) count only when they are the whole name apart from a short prefix
//! (`A_APPROVED`, `Closed - Declined`), so `Budget Approved` stays a working stage. When a name
//! holds words of two kinds, the later outcome in a deal's life wins the tie the safe way:
//! churned, then disqualified, then lost, then won (`수주 실패`, "order lost", is lost).

use crate::map::Outcome;

/// Words that name an outcome wherever they stand in the name.
const STRONG: [(Outcome, &[&str]); 4] = [
    (Outcome::Churned, &["churn", "churned"]),
    (Outcome::Disqualified, &["disqualified", "unqualified"]),
    (Outcome::Lost, &["lost", "lose"]),
    (Outcome::Won, &["won"]),
];

/// Words that name an outcome only as the whole name (apart from a prefix, see [`PREFIXES`]).
const WEAK: [(Outcome, &[&str]); 2] = [
    (
        Outcome::Lost,
        &[
            "declined",
            "rejected",
            "cancelled",
            "canceled",
            "withdrawn",
            "dead",
        ],
    ),
    (Outcome::Won, &["approved", "win"]),
];

/// Words allowed before a weak word: the subject of the outcome, or a process-mining prefix.
const PREFIXES: &[&str] = &[
    "closed",
    "deal",
    "opportunity",
    "application",
    "lead",
    "offer",
];

/// Korean words, matched inside the name (Korean joins words freely).
const KOREAN: [(Outcome, &[&str]); 4] = [
    (Outcome::Churned, &["이탈", "해지"]),
    (Outcome::Disqualified, &["부적격", "자격 미달", "자격미달"]),
    (Outcome::Lost, &["실주", "실패", "취소", "거절"]),
    (Outcome::Won, &["성사", "수주", "계약 완료", "계약완료"]),
];

/// The outcome a stage name or status value names, if it names one (see the module docs).
pub fn outcome_named(name: &str) -> Option<Outcome> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let compact = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    for (outcome, korean) in KOREAN {
        if korean.iter().any(|k| compact.contains(k)) {
            return Some(outcome);
        }
    }
    for (outcome, strong) in STRONG {
        if words.iter().any(|w| strong.contains(w)) {
            return Some(outcome);
        }
    }
    let (last, before) = words.split_last()?;
    let prefixed = before
        .iter()
        .all(|w| w.chars().count() <= 2 || PREFIXES.contains(w));
    if !prefixed {
        return None;
    }
    WEAK.iter()
        .find(|(_, weak)| weak.contains(last))
        .map(|&(outcome, _)| outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(names: &[&str]) -> String {
        names
            .iter()
            .map(|n| {
                let o = outcome_named(n).map_or("-", |o| o.name());
                format!("{n} → {o}\n")
            })
            .collect()
    }

    #[test]
    fn crm_names_read_as_outcomes_strictly() {
        expect_test::expect![[r#"
            Closed Won → won
            Closed Lost → lost
            Won → won
            lost → lost
            Closed/Won → won
            A_APPROVED → won
            A_DECLINED → lost
            A_CANCELLED → lost
            O_CANCELLED → lost
            A_ACCEPTED → -
            A_PREACCEPTED → -
            W_Completeren aanvraag → -
            Budget Approved → -
            Lost - No budget → lost
            Churned → churned
            Disqualified → disqualified
            Engaging → -
            Prospecting → -
            Contract Sent → -
            Appointment Scheduled → -
            수주 → won
            수주 실패 → lost
            계약 완료 → won
            해지 → churned
            미팅 예약 → -
            Closed → -
        "#]]
        .assert_eq(&read(&[
            "Closed Won",
            "Closed Lost",
            "Won",
            "lost",
            "Closed/Won",
            "A_APPROVED",
            "A_DECLINED",
            "A_CANCELLED",
            "O_CANCELLED",
            "A_ACCEPTED",
            "A_PREACCEPTED",
            "W_Completeren aanvraag",
            "Budget Approved",
            "Lost - No budget",
            "Churned",
            "Disqualified",
            "Engaging",
            "Prospecting",
            "Contract Sent",
            "Appointment Scheduled",
            "수주",
            "수주 실패",
            "계약 완료",
            "해지",
            "미팅 예약",
            "Closed",
        ]));
    }
}
