"""Localized texts a person reads: problem titles and details, field errors, status labels, page texts.

Keys are the stable error codes of core.errors; details are str.format templates over the
error's parameters. Each text is written in Vietnamese, the source language; the other languages
come from the catalogs (i18n/locales, kept in step by `motcua i18n extract`)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from i18n.catalogs import translate, translate_plural


@dataclass(frozen=True, slots=True)
class Text:
    """A message: its Vietnamese source (the msgid `motcua i18n extract` collects) and, where one
    Vietnamese text needs different words in another language, a context (the msgctxt). The
    context is keyword-only so that an old `Text(vi, en)` pair fails loudly instead of reading
    its English as a context."""

    vi: str
    _: KW_ONLY
    ctx: str | None = None

    def pick(self, locale: str) -> str:
        return translate(locale, self.vi, self.ctx)

    def render(self, locale: str, **params: object) -> str:
        return self.pick(locale).format(**params)

    @property
    def en(self) -> str:
        return self.pick("en")


@dataclass(frozen=True, slots=True)
class Plural:
    """A message about `n` things (`{n}` in it): one Vietnamese form, as many as the other
    language's plural rule asks."""

    vi: str
    _: KW_ONLY
    ctx: str | None = None

    def render(self, locale: str, n: int, **params: object) -> str:
        return translate_plural(locale, self.vi, n, self.ctx).format(n=n, **params)


PROBLEMS: dict[str, tuple[Text, Text]] = {
    # code: (title, detail)
    "error": (Text("Yêu cầu không hợp lệ"), Text("Yêu cầu không hợp lệ.")),
    "malformed-request": (Text("Yêu cầu sai định dạng"), Text("Nội dung gửi lên không đọc được: {reason}")),
    "too-deep": (Text("Dữ liệu lồng nhau quá sâu"), Text("Nội dung JSON không được lồng nhau quá {max_depth} cấp.")),
    "request-too-large": (Text("Yêu cầu quá lớn"), Text("Nội dung gửi lên vượt quá {limit_kb} KB.")),
    "too-long": (Text("Nội dung quá dài"), Text("Trường '{field}' dài quá {max} ký tự.")),
    "validation-failed": (Text("Dữ liệu không hợp lệ"), Text("Một số trường chưa hợp lệ, vui lòng kiểm tra lại.")),
    "not-found": (Text("Không tìm thấy"), Text("Không tìm thấy nội dung yêu cầu.")),
    "procedure-not-found": (Text("Không tìm thấy thủ tục"), Text("Không có thủ tục '{slug}'.")),
    "procedure-exists": (Text("Thủ tục đã có"), Text("Danh mục đã có thủ tục '{slug}'.")),
    "dossier-not-found": (Text("Không tìm thấy hồ sơ"), Text("Không tìm thấy hồ sơ này.")),
    "office-not-found": (Text("Không tìm thấy cơ quan"), Text("Không có cơ quan mã '{code}'.")),
    "document-not-found": (Text("Không tìm thấy giấy tờ"), Text("Không tìm thấy giấy tờ này.")),
    "handoff-not-found": (
        Text("Không tìm thấy yêu cầu gặp cán bộ"),
        Text("Không có yêu cầu gặp cán bộ này trong hàng chờ của cơ quan bạn."),
    ),
    "payment-not-found": (Text("Không tìm thấy khoản thanh toán"), Text("Không tìm thấy khoản thanh toán này.")),
    "payment-already-settled": (Text("Hồ sơ đã được thanh toán"), Text("Lệ phí của hồ sơ này đã được thanh toán.")),
    "payment-not-due": (Text("Chưa thể thanh toán"), Text("Hồ sơ này không có lệ phí phải nộp ở trạng thái hiện tại.")),
    "method-not-allowed": (
        Text("Phương thức không được hỗ trợ"),
        Text("Đường dẫn này không hỗ trợ phương thức yêu cầu."),
    ),
    "unauthorized": (Text("Chưa đăng nhập"), Text("Vui lòng đăng nhập lại.")),
    "forbidden": (Text("Không có quyền"), Text("Tài khoản của bạn không được phép thực hiện thao tác này.")),
    "conflict": (Text("Xung đột trạng thái"), Text("Thao tác không thực hiện được ở trạng thái hiện tại.")),
    "invalid-transition": (
        Text("Không thể chuyển trạng thái"),
        Text("Không thể thực hiện '{action}' khi hồ sơ đang ở trạng thái '{status_label}'."),
    ),
    "not-editable": (Text("Hồ sơ không sửa được"), Text("Chỉ sửa được hồ sơ khi đang soạn hoặc được yêu cầu bổ sung.")),
    "resubmitted-by-citizen": (
        Text("Hồ sơ do công dân nộp lại"),
        Text("Hồ sơ nộp trực tuyến được công dân bổ sung và nộp lại trên ứng dụng."),
    ),
    "missing-documents": (Text("Thiếu giấy tờ bắt buộc"), Text("Hồ sơ còn thiếu: {names}")),
    "result-required": (Text("Chưa có kết quả điện tử"), Text("Cần đính kèm tệp kết quả điện tử trước khi duyệt.")),
    "already-rated": (Text("Đã đánh giá"), Text("Hồ sơ này đã được đánh giá.")),
    "file-too-large": (Text("Tệp quá lớn"), Text("Tệp vượt quá {limit_mb} MB.")),
    "dossier-too-large": (Text("Hồ sơ quá lớn"), Text("Tổng dung lượng giấy tờ của hồ sơ vượt quá {limit_mb} MB.")),
    "unsupported-file-type": (
        Text("Loại tệp không được chấp nhận"),
        Text("Chỉ nhận tệp {accepted}; nội dung tệp gửi lên không phải loại này."),
    ),
    "unknown-requirement": (
        Text("Giấy tờ không thuộc thủ tục"),
        Text("Thủ tục này không có thành phần hồ sơ '{requirement}'."),
    ),
    "otp-invalid": (Text("Mã OTP không đúng"), Text("Mã xác thực không đúng hoặc đã hết hạn.")),
    "otp-locked": (
        Text("Nhập sai mã quá nhiều lần"),
        Text("Bạn đã nhập sai mã xác thực quá nhiều lần. Vui lòng thử lại sau {retry_after} giây."),
    ),
    "otp-rate-limited": (
        Text("Đã gửi quá nhiều mã"),
        Text("Đã gửi quá nhiều mã xác thực. Vui lòng yêu cầu lại sau {retry_after} giây."),
    ),
    "sms-unavailable": (
        Text("Chưa gửi được tin nhắn"),
        Text("Chưa gửi được mã xác thực qua tin nhắn SMS. Vui lòng thử lại sau ít phút."),
    ),
    "refresh-invalid": (
        Text("Phiên đăng nhập hết hạn"),
        Text("Phiên đăng nhập không còn hiệu lực, vui lòng đăng nhập lại."),
    ),
    "oidc-not-configured": (
        Text("Chưa hỗ trợ đăng nhập bằng VNeID"),
        Text("Hệ thống chưa được cấu hình để đăng nhập bằng tài khoản định danh điện tử VNeID."),
    ),
    "oidc-unavailable": (
        Text("VNeID chưa phản hồi"),
        Text("Chưa kết nối được với VNeID. Vui lòng thử lại sau ít phút hoặc đăng nhập bằng số điện thoại."),
    ),
    "oidc-refused": (
        Text("Không đăng nhập được bằng VNeID"),
        Text("Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại."),
    ),
    "oidc-ticket-invalid": (
        Text("Mã đăng nhập không hợp lệ"),
        Text("Mã đăng nhập một lần không đúng, đã được dùng hoặc đã hết hạn. Vui lòng đăng nhập lại bằng VNeID."),
    ),
    "oidc-no-phone": (
        Text("Tài khoản VNeID chưa có số điện thoại"),
        Text(
            "Tài khoản VNeID chưa có số điện thoại di động để nhận thông báo. Vui lòng cập nhật trên VNeID "
            "hoặc đăng nhập bằng số điện thoại."
        ),
    ),
    "identity-not-verified": (
        Text("Chưa xác thực danh tính"),
        Text("Tài khoản này chưa được xác thực bằng VNeID. Hãy đăng nhập bằng VNeID để điền sẵn thông tin."),
    ),
    "identity-level-required": (
        Text("Cần tài khoản định danh điện tử mức {level}"),
        Text("Thủ tục này chỉ nộp trực tuyến được khi đăng nhập bằng tài khoản định danh điện tử VNeID mức {level}."),
    ),
    "subscription-not-found": (Text("Không tìm thấy đăng ký nhận sự kiện"), Text("Không có đăng ký nhận sự kiện này.")),
    "delivery-not-found": (Text("Không tìm thấy lượt gửi"), Text("Đăng ký này không có lượt gửi sự kiện này.")),
    "delivery-not-failed": (
        Text("Lượt gửi chưa bị ngừng"),
        Text("Chỉ gửi lại được lượt gửi đã ngừng thử lại; lượt này đã gửi được hoặc đang được thử lại."),
    ),
    "rate-limited": (Text("Quá nhiều yêu cầu"), Text("Vui lòng thử lại sau {retry_after} giây.")),
    "bad-signature": (Text("Chữ ký không hợp lệ"), Text("Chữ ký hoặc thời điểm ký không hợp lệ.")),
    "service-unavailable": (Text("Dịch vụ tạm thời gián đoạn"), Text("Hệ thống đang bận, vui lòng thử lại sau.")),
    "internal-error": (Text("Lỗi hệ thống"), Text("Đã có lỗi xảy ra, vui lòng thử lại sau.")),
}

FIELD_ERRORS: dict[str, Text] = {
    "required": Text("Bắt buộc nhập"),
    "invalid": Text("Giá trị không hợp lệ"),
    "invalid-phone": Text("Số điện thoại di động Việt Nam không hợp lệ"),
    "invalid-identity": Text("Số định danh cá nhân phải gồm 12 chữ số hợp lệ"),
    "identity-birth-mismatch": Text("Số định danh không khớp với năm sinh"),
    "invalid-date": Text("Ngày không hợp lệ (YYYY-MM-DD)"),
    "future-date": Text("Ngày không được ở tương lai"),
    "date-out-of-range": Text("Ngày phải từ {min} đến {max}"),
    "too-long": Text("Quá dài (tối đa {max} ký tự)"),
    "not-an-option": Text("Phải là một trong: {options}"),
    "not-a-number": Text("Phải là số"),
    "not-a-boolean": Text("Phải là true hoặc false"),
    "unknown-field": Text("Trường không có trong biểu mẫu"),
    "address-required": Text("Cần địa chỉ nhận kết quả qua bưu điện"),
    "invalid-full-name": Text("Họ tên không hợp lệ"),
    "empty-list": Text("Cần ít nhất một mục"),
    "unknown-requirement": Text("Không phải thành phần hồ sơ của thủ tục"),
    "score-range": Text("Điểm từ 1 đến 5"),
    "duplicate-key": Text("Trùng với một mục khác"),
    "period-ends-before-start": Text("Ngày kết thúc trước ngày bắt đầu"),
    "period-overlaps": Text("Trùng thời gian với {other} cùng trường hợp"),
    "case-label-mismatch": Text("Phải giống cases.vi"),
    "unknown-agency": Text("Không phải loại cơ quan của danh mục"),
    "unknown-form-field": Text("Không phải trường của biểu mẫu thủ tục"),
    "provinces-without-provincial-fee": Text("Chỉ khai mức thu theo tỉnh khi provincial_fee là true"),
    "unconfirmed-needs-note": Text("Chưa có verified_on thì phải ghi rõ điều chưa xác nhận (unconfirmed)"),
    "slug-mismatch": Text("Phải giống mã thủ tục trên đường dẫn"),
    "malformed-json": Text("Không đọc được JSON"),
    "invalid-url": Text("Địa chỉ không hợp lệ (cần dạng https://máy-chủ/đường-dẫn, không kèm tài khoản)"),
    "https-required": Text("Địa chỉ phải dùng https"),
    "address-refused": Text("Không gửi được đến địa chỉ này (máy nội bộ của hệ thống hoặc địa chỉ đặc biệt)"),
    "unknown-event-type": Text("Không có loại sự kiện này (ví dụ: vn.motcua.dossier.* hoặc vn.motcua.payment.settled)"),
    "too-many": Text("Quá nhiều mục (tối đa {max})"),
    "invalid-cursor": Text("Con trỏ không hợp lệ: dùng giá trị next của trang trước"),
}

STATUS_LABELS: dict[str, Text] = {
    "draft": Text("Đang soạn"),
    "submitted": Text("Chờ tiếp nhận"),
    "received": Text("Đã tiếp nhận"),
    "supplement_requested": Text("Yêu cầu bổ sung hồ sơ"),
    "awaiting_payment": Text("Chờ thanh toán phí, lệ phí"),
    "processing": Text("Đang giải quyết"),
    "result_ready": Text("Đã có kết quả, chờ trả"),
    "returned": Text("Đã trả kết quả"),
    "rejected": Text("Từ chối giải quyết"),
    "withdrawn": Text("Đã rút hồ sơ"),
}


# What the public pages (the tracking page, the receipt check, the VNPay return) say; str.format templates.
PAGE_TEXTS: dict[str, Text] = {
    "site": Text("Một Cửa"),
    "site-tagline": Text("Bộ phận một cửa trực tuyến"),
    "language": Text("Ngôn ngữ"),
    "switch-to": Text("English"),
    "help": Text("Cần hỗ trợ? Gọi đường dây nóng {hotline}."),
    "privacy": Text("Trang này chỉ hiện tên người nộp đã che một phần, không hiện số định danh hay số điện thoại."),
    "track-title": Text("Tra cứu hồ sơ"),
    "track-summary": Text("Thông tin hồ sơ"),
    "track-code": Text("Mã hồ sơ"),
    "track-procedure": Text("Thủ tục"),
    "track-agency": Text("Cơ quan giải quyết"),
    "track-status": Text("Trạng thái"),
    "track-appointment": Text("Ngày hẹn trả kết quả"),
    "track-applicant": Text("Người nộp"),
    "track-fee": Text("Lệ phí"),
    "track-fee-paid": Text("{amount} (đã nộp)"),
    "track-fee-due": Text("{amount} (chưa nộp)"),
    "track-fee-none": Text("Miễn phí"),
    "track-none": Text("Chưa có"),
    "track-next": Text("Việc cần làm tiếp theo"),
    "track-history": Text("Quá trình xử lý"),
    "track-current": Text("bước hiện tại"),
    "track-not-found": Text("Không tìm thấy hồ sơ"),
    "track-not-found-detail": Text(
        "Không có hồ sơ nào khớp với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại hai mã in trên giấy biên nhận."
    ),
    "lookup-title": Text("Tra cứu bằng mã trên giấy biên nhận"),
    "lookup-code-hint": Text("Ví dụ: 000.00.12.H04-261123-0007"),
    "lookup-key": Text("Mã tra cứu"),
    "lookup-key-hint": Text("8 ký tự, in cạnh mã QR"),
    "lookup-submit": Text("Tra cứu"),
    "next-submitted": Text("Hồ sơ đã được gửi và đang chờ cán bộ một cửa tiếp nhận. Bạn chưa cần làm gì thêm."),
    "next-in-progress": Text(
        "Hồ sơ đang được giải quyết. Bạn chưa cần làm gì thêm; trang này cập nhật mỗi khi hồ sơ chuyển bước."
    ),
    "next-pay": Text(
        "Nộp lệ phí {amount} trong ứng dụng Một Cửa (chuyển khoản VietQR hoặc VNPay) hoặc tại quầy một cửa "
        "của {agency}. Hồ sơ được giải quyết tiếp ngay khi nhận được tiền."
    ),
    "next-supplement": Text(
        "Bổ sung giấy tờ trong ứng dụng Một Cửa rồi nộp lại hồ sơ; mã hồ sơ và mã tra cứu giữ nguyên."
    ),
    "next-supplement-list": Text("Giấy tờ cần bổ sung:"),
    "next-collect-desk": Text(
        "Kết quả đã sẵn sàng. Đến quầy một cửa của {agency} để nhận, mang theo giấy biên nhận (hoặc mã hồ sơ) "
        "và giấy tờ tùy thân bản gốc."
    ),
    "next-collect-post": Text(
        "Kết quả đã sẵn sàng và được gửi qua bưu điện đến địa chỉ bạn đã đăng ký; khi nhận, xuất trình giấy tờ "
        "tùy thân."
    ),
    "next-collect-electronic": Text("Kết quả điện tử đã sẵn sàng. Đăng nhập ứng dụng Một Cửa để tải về."),
    "next-returned": Text(
        "Hồ sơ đã hoàn tất và kết quả đã được trả. Bạn có thể đánh giá mức độ hài lòng trong ứng dụng Một Cửa."
    ),
    "next-rejected": Text(
        "Hồ sơ không được giải quyết. Lý do có trong ứng dụng Một Cửa; cần giải thích thêm, liên hệ {agency}."
    ),
    "next-withdrawn": Text("Hồ sơ đã được rút. Không cần làm gì thêm."),
    "receipt-title": Text("Biên lai điện tử"),
    "receipt-valid": Text("Biên lai hợp lệ, do hệ thống Một Cửa phát hành."),
    "receipt-refunded": Text(
        "Biên lai do hệ thống Một Cửa phát hành nhưng không còn giá trị: khoản tiền đã được hoàn trả lúc {at}."
    ),
    "receipt-unknown": Text("Không tìm thấy biên lai"),
    "receipt-unknown-detail": Text(
        "Không có biên lai nào khớp với số và mã kiểm tra này. Biên lai có thể bị giả mạo hoặc đường dẫn chưa "
        "đầy đủ; hãy quét lại mã QR in trên biên lai."
    ),
    "receipt-number": Text("Số biên lai"),
    "receipt-amount": Text("Số tiền"),
    "receipt-words": Text("Bằng chữ"),
    "receipt-payer": Text("Người nộp", ctx="receipt"),
    "receipt-procedure": Text("Nội dung"),
    "receipt-dossier": Text("Mã hồ sơ"),
    "receipt-agency": Text("Đơn vị thu"),
    "receipt-method": Text("Hình thức"),
    "receipt-paid": Text("Thời gian nộp"),
    "method-vietqr": Text("Chuyển khoản VietQR"),
    "method-vnpay": Text("VNPay"),
    "vnpay-title": Text("Kết quả thanh toán"),
    "vnpay-success": Text(
        "Thanh toán thành công. Hồ sơ sẽ được cập nhật trong giây lát; bạn có thể quay lại ứng dụng."
    ),
    "vnpay-failure": Text("Thanh toán chưa thành công. Bạn có thể thử lại trong ứng dụng."),
    "vnpay-invalid": Text("Dữ liệu trả về không hợp lệ."),
}


def problem_texts(code: str, locale: str, params: dict[str, Any]) -> tuple[str, str]:
    title, detail = PROBLEMS.get(code, PROBLEMS["error"])
    try:
        rendered = detail.pick(locale).format(**params)
    except (KeyError, IndexError):
        rendered = detail.pick(locale)
    return title.pick(locale), rendered


def field_error(key: str, locale: str, params: dict[str, Any]) -> str:
    text = FIELD_ERRORS.get(key, FIELD_ERRORS["invalid"]).pick(locale)
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def status_label(status: str, locale: str) -> str:
    text = STATUS_LABELS.get(status)
    return text.pick(locale) if text else status


def page_text(key: str, locale: str, **params: str) -> str:
    text = PAGE_TEXTS[key].pick(locale)
    return text.format(**params) if params else text


# Above the suggestions listed under an answer on Zalo, which has no quick-reply buttons.
CHAT_SUGGESTIONS = Text("Bạn có thể hỏi tiếp:")
