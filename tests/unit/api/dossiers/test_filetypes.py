import pytest

from api.dossiers.filetypes import accepted, sniff

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (PNG, "image/png"),
        (HEIC, "image/heic"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1miaf", "image/heif"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows .exe, whatever its name says
        (b"PK\x03\x04", None),
        (b"", None),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", None),  # an MP4 video
    ],
)
def test_sniff_reads_the_content_not_the_name(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


def test_heif_accepted_where_heic_is() -> None:
    assert accepted("image/heif", ("application/pdf", "image/heic"))
    assert not accepted("image/png", ("application/pdf",))
