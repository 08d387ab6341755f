import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.accounts.phones import mask_phone, normalize_phone, to_e164


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "+84912345678",
        "84912345678",
        "0912 345 678",
        "091.234.5678",
        "(+84) 912-345-678",
        " 0912345678 ",
        "+84 912 345 678",
    ],
)
def test_normalize_accepted_forms(raw: str) -> None:
    assert normalize_phone(raw) == "0912345678"


@pytest.mark.parametrize(
    "phone",
    [
        "0321234567",
        "0399999999",
        "0521234567",
        "0551234567",
        "0561234567",
        "0581234567",
        "0591234567",
        "0701234567",
        "0761234567",
        "0771234567",
        "0781234567",
        "0791234567",
        "0811234567",
        "0891234567",
        "0901234567",
        "0991234567",
    ],
)
def test_valid_mobile_prefixes(phone: str) -> None:
    assert normalize_phone(phone) == phone


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "091234567",
        "09123456789",
        "01612345678",
        "0301234567",
        "0311234567",
        "0501234567",
        "0571234567",
        "0711234567",
        "0751234567",
        "0801234567",
        "0241234567",
        "1912345678",
        "+1912345678",
        "+840912345678",
        "840912345678",
        "0912-345-67a",
        "0912+345678",
        "+84 912 345 67",
        "０912345678",
    ],
)
def test_a_number_that_is_not_a_vietnamese_mobile_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        normalize_phone(raw)


def test_to_e164() -> None:
    assert to_e164("0912345678") == "+84912345678"
    assert to_e164("(+84) 912-345-678") == "+84912345678"


def test_mask_phone() -> None:
    assert mask_phone("0912345678") == "0912***678"
    assert mask_phone("+84912345678") == "0912***678"
    with pytest.raises(ValueError):  # noqa: PT011
        mask_phone("12345")


prefixes = st.sampled_from(["032", "039", "052", "059", "070", "079", "081", "088", "090", "098"])
subscribers = st.text(alphabet="0123456789", min_size=7, max_size=7)


@given(prefixes, subscribers)
def test_national_international_and_spaced_forms_of_a_number_agree(prefix: str, subscriber: str) -> None:
    national = prefix + subscriber
    e164 = "+84" + national[1:]
    assert normalize_phone(e164) == national
    assert normalize_phone(e164[1:]) == national
    assert normalize_phone(f"{national[:4]} {national[4:7]} {national[7:]}") == national
    assert to_e164(national) == e164
    assert normalize_phone(to_e164(national)) == national
