"""Official office codes and names read from a CSV onto the seeded offices, all rows or none."""

from api.agencies.offices import province_offices
from api.agencies.official import Change, match

OFFICES = list(province_offices("24").offices)  # Tỉnh Bắc Ninh
TAKEN = {o.code for o in OFFICES}
HEADER = "code,name,level,ward\n"


def test_rows_name_offices_by_ward_and_kind_or_department() -> None:
    text = HEADER + (
        "000.21.30.H06,UBND phường Bắc Giang,commune,Phường Bắc Giang\n"
        "001.21.30.H06,Công an phường Bắc Giang,commune,bac giang\n"
        '000.00.12.H06,"Sở Tư pháp tỉnh Bắc Ninh",province,\n'
        "000.22.10.H06,Ủy ban nhân dân xã Yên Trung,commune,24:xayentrung\n"
    )
    changes, errors = match(text, OFFICES, TAKEN)
    assert errors == []
    assert changes == [
        Change(old_code="000.01.01.H06", code="000.21.30.H06", name="UBND phường Bắc Giang"),
        Change(old_code="001.01.01.H06", code="001.21.30.H06", name="Công an phường Bắc Giang"),
        Change(old_code="000.00.02.H06", code="000.00.12.H06", name="Sở Tư pháp tỉnh Bắc Ninh"),
        Change(old_code=_code("UBND-XA", "Xã Yên Trung"), code="000.22.10.H06", name="Ủy ban nhân dân xã Yên Trung"),
    ]


def _code(kind: str, ward: str) -> str:
    return next(o.code for o in OFFICES if o.kind == kind and o.ward == ward)


def test_a_kind_column_decides_when_the_name_does_not_say() -> None:
    text = "code,name,level,ward,kind\n001.21.30.H06,Trụ sở phường Bắc Giang,commune,Phường Bắc Giang,cong-an-xa\n"
    changes, errors = match(text, OFFICES, TAKEN)
    assert errors == []
    assert changes == [Change(old_code="001.01.01.H06", code="001.21.30.H06", name="Trụ sở phường Bắc Giang")]


def test_every_bad_row_is_named_and_nothing_is_changed() -> None:
    text = HEADER + (
        "000.21.30.H06,UBND phường Bắc Giang,commune,Phường Bắc Giang\n"  # fine
        "21.30,UBND phường Kinh Bắc,commune,Phường Kinh Bắc\n"  # a code not in the national shape
        "000.21.31.H06,UBND phường Bến Thành,commune,Phường Bến Thành\n"  # not a ward of Bắc Ninh
        "000.21.32.H06,Trụ sở phường Kinh Bắc,commune,Phường Kinh Bắc\n"  # which office of the ward?
        "000.21.33.H06,Sở Tư pháp tỉnh Bắc Ninh,district,\n"  # no district level since the reform
        "000.21.34.H06,Văn phòng tỉnh,province,\n"  # which department?
        "000.00.03.H06,Sở Nội vụ tỉnh Bắc Ninh,province,\n"  # the Department of Finance's code
        "000.21.30.H06,Công an phường Bắc Giang,commune,Phường Bắc Giang\n"  # a code given twice
    )
    changes, errors = match(text, OFFICES, TAKEN)
    assert changes == []
    assert [e.split(":")[0] for e in errors] == [f"line {n}" for n in (2, 3, 4, 5, 6, 7, 8, 9)]
    assert "given to several offices" in errors[0]
    assert "national format" in errors[1]
    assert "Bến Thành" in errors[2]
    assert "People's Committee or the police" in errors[3]
    assert "province or commune" in errors[4]
    assert "which department" in errors[5]
    assert "belongs to another office" in errors[6]
    assert "given to several offices" in errors[7]


def test_a_header_without_the_columns_is_refused() -> None:
    changes, errors = match("ma,ten\n000.21.30.H06,UBND\n", OFFICES, TAKEN)
    assert changes == []
    assert errors == ["line 1: the header needs the columns code, name, level, ward (missing: code, name, level, ward)"]


def test_two_offices_may_swap_codes() -> None:
    a, b = _code("UBND-XA", "Phường Bắc Giang"), _code("UBND-XA", "Phường Kinh Bắc")
    text = HEADER + (
        f"{b},UBND phường Bắc Giang,commune,Phường Bắc Giang\n{a},UBND phường Kinh Bắc,commune,Phường Kinh Bắc\n"
    )
    changes, errors = match(text, OFFICES, TAKEN)
    assert errors == []
    assert {(c.old_code, c.code) for c in changes} == {(a, b), (b, a)}
