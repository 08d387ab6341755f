"""An A4 page in the manner of Vietnamese administrative papers: the issuing office and the national
motto side by side, a centred title, numbered lines, a table, a QR code. The slip and the e-receipt
are written with it; what they say is theirs."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.qr import qr_png
from documents import fonts
from i18n.format import date_time
from i18n.messages import Text

FAMILY = "DejaVu"
MARGIN = 18.0  # mm
TEXT_SIZE = 11
LINE = 6.5  # mm
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE_DATE = Text("{place}, {when}")

# fontTools reports every table it leaves out of a subset; a paper is not the place to hear it
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


class Paper:
    def __init__(self, *, title: str, subject: str, created: datetime) -> None:
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=MARGIN)
        pdf.add_font(FAMILY, "", str(fonts.regular()))
        pdf.add_font(FAMILY, "B", str(fonts.bold()))
        # the same paper renders to the same bytes: the date inside is the paper's, not the clock's
        pdf.set_creation_date(created.astimezone(UTC))
        pdf.set_title(title)
        pdf.set_subject(subject)
        pdf.set_creator("Một Cửa")
        pdf.set_lang("vi")
        pdf.add_page()
        self.pdf = pdf

    @classmethod
    def issued(
        cls, *, title: str, number: str, subject: str, office: str, place: str, at: datetime, locale: str
    ) -> Paper:
        """A paper `office` issues: its heading dated `at` (at `place`, where there is one), its title and number."""
        paper = cls(title=title, subject=subject, created=at)
        when = date_time(at, locale)
        paper.heading(office, PLACE_DATE.render(locale, place=place, when=when) if place else when)
        paper.title(title, code=number)
        return paper

    def heading(self, office: str, place_and_date: str) -> None:
        """The office on the left, the nation and its motto on the right, then the place and date."""
        pdf, half = self.pdf, (self.pdf.epw - 4) / 2
        top = pdf.get_y()
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(half, 5, office.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        left_bottom = pdf.get_y()
        pdf.set_xy(MARGIN + half + 4, top)
        pdf.multi_cell(half, 5, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.multi_cell(half, 5, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_y(max(left_bottom, pdf.get_y()) + 2)
        pdf.set_font(FAMILY, "", 10)
        pdf.set_x(MARGIN + half + 4)
        pdf.multi_cell(half, 5, place_and_date, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)

    def title(self, text: str, *, code: str | None = None) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, "B", 14)
        pdf.multi_cell(0, 7, text.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if code:
            pdf.set_font(FAMILY, "B", 12)
            pdf.multi_cell(0, 7, code, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)

    def line(self, label: str, value: str = "", *, bold_value: bool = False) -> None:
        """`label` then `value` on one line, wrapped under itself when long."""
        pdf = self.pdf
        pdf.set_font(FAMILY, "", TEXT_SIZE)
        pdf.write(LINE, label + (" " if value else ""))
        if value:
            pdf.set_font(FAMILY, "B" if bold_value else "", TEXT_SIZE)
            pdf.write(LINE, value)
        pdf.ln(LINE)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, "", 10)
        with pdf.table(col_widths=tuple(widths), line_height=5.5) as table:  # the first row is the header
            head = table.row()
            for cell in header:
                head.cell(cell)
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(cell)
        pdf.ln(2)

    def qr(self, data: str, caption: str, *, size: float = 32.0) -> None:
        """The QR of `data` at the right margin, its caption beneath; the text carries on below it."""
        pdf = self.pdf
        if pdf.get_y() + size + 12 > pdf.h - MARGIN:
            pdf.add_page()
        x, y = pdf.w - MARGIN - size, pdf.get_y()
        pdf.image(io.BytesIO(qr_png(data, box_size=8)), x=x, y=y, w=size, h=size)
        pdf.set_xy(x - 20, y + size)
        pdf.set_font(FAMILY, "", 8)
        pdf.multi_cell(size + 20, 4, caption, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    def signatures(self, left: str, right: str, note: str = "") -> None:
        """Two signature places side by side, each with `note` (who signs how) beneath it."""
        pdf, half = self.pdf, self.pdf.epw / 2
        pdf.ln(4)
        y = pdf.get_y()
        for x, who in ((MARGIN, left), (MARGIN + half, right)):
            pdf.set_xy(x, y)
            pdf.set_font(FAMILY, "B", 10)
            pdf.multi_cell(half, 5, who.upper(), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            if note:
                pdf.set_font(FAMILY, "", 8)
                pdf.multi_cell(half, 4, note, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.ln(24)  # room to sign

    def note(self, text: str) -> None:
        self.pdf.set_font(FAMILY, "", 8)
        self.pdf.multi_cell(0, 4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def image_as_pdf(image: bytes, *, title: str) -> bytes:
    """A photographed or scanned result (JPEG, PNG) on an A4 page, so that it can be signed like a PDF."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(title)
    pdf.set_creator("Một Cửa")
    pdf.add_page()
    # keep_aspect_ratio fits the image in the box; the bottom stays free for the signature's stamp
    pdf.image(io.BytesIO(image), x=MARGIN, y=MARGIN, w=pdf.epw, h=pdf.eph - 40, keep_aspect_ratio=True)
    return bytes(pdf.output())


def envelope(original: bytes, *, file_name: str, lines: list[tuple[str, str]], title: str, created: datetime) -> bytes:
    """An A4 page saying what result it carries, with the original file embedded in it: what is signed
    when the file itself cannot be (a PDF no reader opens, a format with no place for a signature)."""
    paper = Paper(title=title, subject=file_name, created=created)
    paper.title(title)
    for label, value in lines:
        paper.line(label, value)
    paper.pdf.embed_file(bytes=original, basename=file_name or "ket-qua", modification_date=created.astimezone(UTC))
    return paper.bytes()
