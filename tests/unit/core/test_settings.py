from core.settings import from_env


def test_the_province_queue_offices_are_a_comma_separated_list() -> None:
    secret = {"MOTCUA_JWT_SECRET": "k" * 32, "MOTCUA_DATA_KEY": "A" * 43 + "="}  # nothing generated on disk
    assert from_env(secret).handoff_queue_office_codes == ()
    settings = from_env({**secret, "MOTCUA_HANDOFF_QUEUE_OFFICES": " 000.01.73.H29, ,000.00.02.H29 "})
    assert settings.handoff_queue_office_codes == ("000.01.73.H29", "000.00.02.H29")
