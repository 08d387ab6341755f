"""The visible mark of a signed result: who signed, when, and the QR of the verification page, drawn
as a small PDF page that the signature's appearance shows. (pyHanko's own text stamp spaces the
glyphs of an embedded TrueType font apart; an fpdf2 page sets Vietnamese as the slip does.)"""

from __future__ import annotations

import io
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.qr import qr_png
from documents import fonts
from documents.paper import FAMILY
from i18n.format import date_time
from i18n.messages import Text

PT = 25.4 / 72  # millimetres in a point
SIGNED_BY = Text("Ký số bởi:")
SIGNED_AT = Text("Thời gian ký:")
CHECK_AT = Text("Kiểm tra tại:")


def stamp_pdf(*, signed_by: str, signed_at: datetime, verify_url: str, width_pt: float, height_pt: float) -> bytes:
    width, height = width_pt * PT, height_pt * PT
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_margins(1.5, 1.5, 1.5)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(FAMILY, "", str(fonts.regular()))
    pdf.add_font(FAMILY, "B", str(fonts.bold()))
    pdf.add_page()
    pdf.set_draw_color(200, 0, 0)
    pdf.rect(0.5, 0.5, width - 1, height - 1)
    side = height - 3
    pdf.image(io.BytesIO(qr_png(verify_url, box_size=8)), x=1.5, y=1.5, w=side, h=side)
    text_x = side + 3
    pdf.set_xy(text_x, 3)
    pdf.set_text_color(200, 0, 0)
    for label, value, style in (
        (SIGNED_BY, signed_by, "B"),
        (SIGNED_AT, date_time(signed_at, "vi"), ""),
        (CHECK_AT, verify_url, ""),
    ):
        pdf.set_x(text_x)
        pdf.set_font(FAMILY, "", 6.5)
        pdf.multi_cell(width - text_x - 1.5, 3.2, label.pick("vi"), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, style, 7)
        pdf.multi_cell(width - text_x - 1.5, 3.4, value, new_x=XPos.LEFT, new_y=YPos.NEXT)
    return bytes(pdf.output())
