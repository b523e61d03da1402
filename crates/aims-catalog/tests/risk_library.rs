//! The risk library and the Annex C lists of `aims-domain` name catalogue
//! items; every one of them must exist in the built-in catalogue, with the
//! kind of item the reference means.

use aims_catalog::Catalog;
use aims_domain::risk::library::LIBRARY;
use aims_domain::risk::{Objective, RiskSource};

#[test]
fn every_risk_library_reference_is_in_the_catalogue() {
    let c = Catalog::builtin().unwrap();
    for r in LIBRARY {
        for (fw, id) in r.references() {
            let (_, item) = c
                .item(fw, id)
                .unwrap_or_else(|| panic!("{}: {fw} {id} is not in the catalogue", r.key));
            let want = match fw {
                "iso42001" => "control",
                "nist-ai-rmf" => "subcategory",
                _ => "risk",
            };
            assert_eq!(item.kind, want, "{}: {fw} {id}", r.key);
        }
    }
    for id in RiskSource::ALL
        .map(RiskSource::catalog_ref)
        .into_iter()
        .chain(Objective::ALL.map(Objective::catalog_ref))
    {
        assert!(c.item("iso42001", id).is_some(), "{id}");
    }
}
