//! Who may sign the working agreement: each side once, two different people, nothing after AGREED.

use uuid::Uuid;

/// Which side of the agreement a signature is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    PartnerMarketing,
    Sales,
}

/// Why a signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignRefusal {
    /// Both sides signed: the version is agreed and its signatures never change.
    AlreadyAgreed,
    /// This side signed already; a side signs once.
    SideSigned,
    /// The signer signed the other side: one person never signs both.
    SameSigner,
}

impl SignRefusal {
    pub fn message(self) -> &'static str {
        match self {
            SignRefusal::AlreadyAgreed => "this version is agreed; its signatures do not change (draft a new version)",
            SignRefusal::SideSigned => "your side signed this version already",
            SignRefusal::SameSigner => "you signed the other side; each side needs a different person",
        }
    }
}

/// Whether `signer` may sign `side` of a version with the given signatures.
pub fn may_sign(
    side: Side,
    signer: Uuid,
    marketing_signed_by: Option<Uuid>,
    sales_signed_by: Option<Uuid>,
) -> Result<(), SignRefusal> {
    let (mine, other) = match side {
        Side::PartnerMarketing => (marketing_signed_by, sales_signed_by),
        Side::Sales => (sales_signed_by, marketing_signed_by),
    };
    match (mine, other) {
        (Some(_), Some(_)) => Err(SignRefusal::AlreadyAgreed),
        (Some(_), None) => Err(SignRefusal::SideSigned),
        (None, Some(other)) if other == signer => Err(SignRefusal::SameSigner),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_signs_once_by_a_different_person_and_never_after_agreement() {
        let (ana, lee) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(may_sign(Side::PartnerMarketing, ana, None, None), Ok(()));
        assert_eq!(may_sign(Side::Sales, lee, Some(ana), None), Ok(()));
        assert_eq!(may_sign(Side::PartnerMarketing, lee, Some(ana), None), Err(SignRefusal::SideSigned));
        assert_eq!(may_sign(Side::Sales, ana, Some(ana), None), Err(SignRefusal::SameSigner));
        assert_eq!(may_sign(Side::PartnerMarketing, ana, None, Some(ana)), Err(SignRefusal::SameSigner));
        assert_eq!(may_sign(Side::Sales, lee, Some(ana), Some(lee)), Err(SignRefusal::AlreadyAgreed));
        assert_eq!(may_sign(Side::PartnerMarketing, lee, Some(ana), Some(lee)), Err(SignRefusal::AlreadyAgreed));
    }
}
