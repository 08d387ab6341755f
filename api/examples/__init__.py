"""Examples of the OpenAPI document, by operation id: the request body ("request") and answers by
status code, as contracts.md shows them and as the app answers for one citizen's birth registration
and passport fee. tests/integration/test_openapi.py checks each against its schema and that every
JSON body and JSON success answer has one. Times are what the API sends (UTC), dates are local."""

from typing import Any

from api.examples.catalog import CATALOG
from api.examples.channels import ASSISTANT, NOTIFICATIONS, OPERATIONS
from api.examples.dossiers import ACCOUNTS, DOSSIERS
from api.examples.integrations import INTEGRATIONS
from api.examples.officers import OFFICERS
from api.examples.payments import PAYMENTS

EXAMPLES: dict[str, dict[str, Any]] = {
    **CATALOG,
    **ACCOUNTS,
    **DOSSIERS,
    **OFFICERS,
    **PAYMENTS,
    **INTEGRATIONS,
    **NOTIFICATIONS,
    **ASSISTANT,
    **OPERATIONS,
}
