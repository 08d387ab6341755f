"""How a dossier keeps the identity numbers of its form: masked in the form, sealed beside it."""

from __future__ import annotations

import base64
import uuid

from api.dossiers.sealed import form_context, open_identity, seal_form, seal_identity
from core.sealing import DataKeys

KEYS = DataKeys.from_text(base64.b64encode(bytes(range(32))).decode())
DOSSIER = uuid.UUID("00000000-0000-4000-8000-000000000001")


def test_the_form_keeps_the_masked_number_and_the_seal_the_number() -> None:
    form = {
        "partner_full_name": "Trần Văn Hùng",
        "partner_identity_number": "079088001111",
        "previously_married": False,
    }
    public, sealed = seal_form(KEYS, DOSSIER, form)
    assert public == {**form, "partner_identity_number": "0790******11"}
    assert list(sealed) == ["partner_identity_number"]
    assert KEYS.open(sealed["partner_identity_number"], form_context(DOSSIER, "partner_identity_number")) == (
        "079088001111"
    )


def test_the_masked_value_sent_back_keeps_the_number_sealed_before() -> None:
    public, sealed = seal_form(KEYS, DOSSIER, {"partner_identity_number": "079088001111"})
    again, resealed = seal_form(
        KEYS, DOSSIER, {"partner_identity_number": "0790******11"}, kept_form=public, kept_sealed=sealed
    )
    assert again == public and resealed == sealed
    changed, new_seal = seal_form(
        KEYS, DOSSIER, {"partner_identity_number": "079088002222"}, kept_form=public, kept_sealed=sealed
    )
    assert changed == {"partner_identity_number": "0790******22"}
    assert KEYS.open(new_seal["partner_identity_number"], form_context(DOSSIER, "partner_identity_number")) == (
        "079088002222"
    )


def test_the_applicant_number_opens_on_its_dossier_with_a_stable_lookup_hash() -> None:
    sealed = seal_identity(KEYS, DOSSIER, "079190001234")
    assert open_identity(KEYS, DOSSIER, sealed.sealed) == "079190001234"
    assert sealed.hash == seal_identity(KEYS, uuid.uuid4(), "079190001234").hash
