"""Citizen-typed Vietnamese addresses, read into the 2025 two-tier form. Pure: no I/O but reading data.

Since 1/7/2025 Vietnam has 34 provinces and no district level (Nghị quyết 202/2025/QH15): an address
is "<street>, <ward/commune/special zone>, <province>". Citizens still type the old three-tier form
("Phường Bến Nghé, Quận 1, TP.HCM"), the new one ("12 Lê Lợi, phường Bến Thành, TP.HCM"),
abbreviations ("P.", "Q1", "F.12", "TPHCM", "SG", "HN"), or no diacritics at all.

The package reads in layers: ``mentions`` (folding, one "Phường X"-style mention), ``dataset`` (the
units and the old → new mapping, loaded once), ``ward_mapping`` (which new unit a mention names) and
``parser`` (a whole address).
"""

from api.agencies.addresses.dataset import NewUnit, new_units, province_rank
from api.agencies.addresses.parser import NormalizedAddress, Status, normalize_address

__all__ = ("NewUnit", "NormalizedAddress", "Status", "new_units", "normalize_address", "province_rank")
