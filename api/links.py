"""OpenAPI links, by operation id and status: what a client does next with an answer (the new
dossier's id opens its papers, submission and payment; the receipt's code and key open the public
tracking). Clients read them as documentation; the fuzzer's stateful phase follows them."""

from __future__ import annotations

# (target operation id, its parameters as runtime expressions)
Link = tuple[str, dict[str, str]]

_DOSSIER_ID = {"dossier_id": "$response.body#/id"}
_OWN_DOSSIER: dict[str, Link] = {
    "GetDossier": ("getDossier", _DOSSIER_ID),
    "UpdateDossier": ("updateDossier", _DOSSIER_ID),
    "AddDocument": ("addDossierDocument", _DOSSIER_ID),
    "Submit": ("submitDossier", _DOSSIER_ID),
    "Withdraw": ("withdrawDossier", _DOSSIER_ID),
    "History": ("getDossierHistory", _DOSSIER_ID),
    "OpenPayment": ("openPayment", _DOSSIER_ID),
}
_PAYMENT_ID = {"payment_id": "$response.body#/id"}
_PAYMENT: dict[str, Link] = {
    "GetPayment": ("getPayment", _PAYMENT_ID),
    "QrPng": ("getPaymentQrPng", _PAYMENT_ID),
    "QrSvg": ("getPaymentQrSvg", _PAYMENT_ID),
    "EReceipt": ("getPaymentReceipt", _PAYMENT_ID),
}
_RECEIPT: dict[str, Link] = {
    "Receipt": ("getDossierReceipt", {"dossier_id": "$response.body#/dossier_id"}),
    "ReceiptQr": ("getDossierReceiptQr", {"dossier_id": "$response.body#/dossier_id"}),
    "Track": ("trackDossier", {"code": "$response.body#/code", "key": "$response.body#/lookup_key"}),
}

LINKS: dict[str, dict[str, dict[str, Link]]] = {
    "createDossier": {"201": _OWN_DOSSIER},
    "getDossier": {"200": _OWN_DOSSIER},
    "addDossierDocument": {
        "201": {
            "RemoveDocument": (
                "removeDossierDocument",
                {"dossier_id": "$request.path.dossier_id", "attachment_id": "$response.body#/id"},
            ),
            "Submit": ("submitDossier", {"dossier_id": "$request.path.dossier_id"}),
        }
    },
    "submitDossier": {"200": _RECEIPT},
    "getDossierReceipt": {"200": _RECEIPT},
    "openPayment": {"200": _PAYMENT, "201": _PAYMENT},
    "fileCounterDossier": {
        "201": {
            "GetOfficerDossier": ("getOfficerDossier", _DOSSIER_ID),
            "AddCounterDocument": ("addCounterDocument", _DOSSIER_ID),
            "Act": ("actOnDossier", _DOSSIER_ID),
        }
    },
    "registerDevice": {"200": {"Forget": ("forgetDevice", {"token": "$response.body#/token"})}},
}
