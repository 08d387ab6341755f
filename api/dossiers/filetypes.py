"""What a file really is, from its first bytes: never from its name or the client's word. Pure."""

from __future__ import annotations

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
_MIF_BRANDS = {b"mif1", b"msf1"}


def sniff(head: bytes) -> str | None:
    """The content type of a PDF, JPEG, PNG or HEIC/HEIF file, else None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        major = head[8:12]
        size = int.from_bytes(head[0:4], "big")
        compatible = {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
        if major in _HEIF_BRANDS or compatible & _HEIF_BRANDS:
            return "image/heic"
        if major in _MIF_BRANDS or compatible & _MIF_BRANDS:
            return "image/heif"
    return None


def accepted(detected: str, allowed: tuple[str, ...]) -> bool:
    if detected in allowed:
        return True
    # HEIF stills from phones are labelled either way; a requirement taking one takes both
    return detected in {"image/heic", "image/heif"} and bool({"image/heic", "image/heif"} & set(allowed))
