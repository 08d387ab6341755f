"""Localized texts a person reads: problem titles and details, field errors, status labels.

Keys are the stable error codes of core.errors; details are str.format templates over the
error's parameters."""

from __future__ import annotations

from typing import Any, NamedTuple


class Text(NamedTuple):
    vi: str
    en: str

    def pick(self, locale: str) -> str:
        return self.en if locale == "en" else self.vi


PROBLEMS: dict[str, tuple[Text, Text]] = {
    # code: (title, detail)
    "error": (
        Text("Yêu cầu không hợp lệ", "Bad request"),
        Text("Yêu cầu không hợp lệ.", "The request is not valid."),
    ),
    "malformed-request": (
        Text("Yêu cầu sai định dạng", "Malformed request"),
        Text("Nội dung gửi lên không đọc được: {reason}", "The request body could not be read: {reason}"),
    ),
    "validation-failed": (
        Text("Dữ liệu không hợp lệ", "Invalid data"),
        Text(
            "Một số trường chưa hợp lệ, vui lòng kiểm tra lại.",
            "Some fields are not valid; please check them.",
        ),
    ),
    "not-found": (
        Text("Không tìm thấy", "Not found"),
        Text("Không tìm thấy nội dung yêu cầu.", "What you asked for was not found."),
    ),
    "procedure-not-found": (
        Text("Không tìm thấy thủ tục", "Procedure not found"),
        Text("Không có thủ tục '{slug}'.", "There is no procedure '{slug}'."),
    ),
    "dossier-not-found": (
        Text("Không tìm thấy hồ sơ", "Dossier not found"),
        Text("Không tìm thấy hồ sơ này.", "This dossier was not found."),
    ),
    "office-not-found": (
        Text("Không tìm thấy cơ quan", "Office not found"),
        Text("Không có cơ quan mã '{code}'.", "There is no office with code '{code}'."),
    ),
    "document-not-found": (
        Text("Không tìm thấy giấy tờ", "Document not found"),
        Text("Không tìm thấy giấy tờ này.", "This document was not found."),
    ),
    "handoff-not-found": (
        Text("Không tìm thấy yêu cầu gặp cán bộ", "Hand-off not found"),
        Text(
            "Không có yêu cầu gặp cán bộ này trong hàng chờ của cơ quan bạn.",
            "This hand-off is not in your offices' queue.",
        ),
    ),
    "payment-not-found": (
        Text("Không tìm thấy khoản thanh toán", "Payment not found"),
        Text("Không tìm thấy khoản thanh toán này.", "This payment was not found."),
    ),
    "payment-already-settled": (
        Text("Hồ sơ đã được thanh toán", "Already paid"),
        Text("Lệ phí của hồ sơ này đã được thanh toán.", "The fee of this dossier has already been paid."),
    ),
    "payment-not-due": (
        Text("Chưa thể thanh toán", "Nothing to pay"),
        Text(
            "Hồ sơ này không có lệ phí phải nộp ở trạng thái hiện tại.",
            "This dossier has no fee to pay in its current state.",
        ),
    ),
    "method-not-allowed": (
        Text("Phương thức không được hỗ trợ", "Method not allowed"),
        Text("Đường dẫn này không hỗ trợ phương thức yêu cầu.", "This path does not support the request method."),
    ),
    "unauthorized": (
        Text("Chưa đăng nhập", "Not signed in"),
        Text("Vui lòng đăng nhập lại.", "Please sign in again."),
    ),
    "forbidden": (
        Text("Không có quyền", "Forbidden"),
        Text("Tài khoản của bạn không được phép thực hiện thao tác này.", "Your account may not do this."),
    ),
    "conflict": (
        Text("Xung đột trạng thái", "Conflict"),
        Text(
            "Thao tác không thực hiện được ở trạng thái hiện tại.",
            "This cannot be done in the current state.",
        ),
    ),
    "invalid-transition": (
        Text("Không thể chuyển trạng thái", "Action not allowed"),
        Text(
            "Không thể thực hiện '{action}' khi hồ sơ đang ở trạng thái '{status_label}'.",
            "'{action}' is not possible while the dossier is '{status_label}'.",
        ),
    ),
    "not-editable": (
        Text("Hồ sơ không sửa được", "Dossier cannot be edited"),
        Text(
            "Chỉ sửa được hồ sơ khi đang soạn hoặc được yêu cầu bổ sung.",
            "A dossier can only be edited as a draft or when a supplement was requested.",
        ),
    ),
    "missing-documents": (
        Text("Thiếu giấy tờ bắt buộc", "Missing mandatory documents"),
        Text("Hồ sơ còn thiếu: {names}", "The dossier still lacks: {names}"),
    ),
    "result-required": (
        Text("Chưa có kết quả điện tử", "Electronic result missing"),
        Text(
            "Cần đính kèm tệp kết quả điện tử trước khi duyệt.",
            "Attach the electronic result file before approving.",
        ),
    ),
    "already-rated": (
        Text("Đã đánh giá", "Already rated"),
        Text("Hồ sơ này đã được đánh giá.", "This dossier has already been rated."),
    ),
    "file-too-large": (
        Text("Tệp quá lớn", "File too large"),
        Text("Tệp vượt quá {limit_mb} MB.", "The file is larger than {limit_mb} MB."),
    ),
    "dossier-too-large": (
        Text("Hồ sơ quá lớn", "Dossier too large"),
        Text(
            "Tổng dung lượng giấy tờ của hồ sơ vượt quá {limit_mb} MB.",
            "The dossier's files together exceed {limit_mb} MB.",
        ),
    ),
    "unsupported-file-type": (
        Text("Loại tệp không được chấp nhận", "File type not accepted"),
        Text(
            "Chỉ nhận tệp {accepted}; nội dung tệp gửi lên không phải loại này.",
            "Only {accepted} files are accepted; the uploaded content is not one of them.",
        ),
    ),
    "unknown-requirement": (
        Text("Giấy tờ không thuộc thủ tục", "Unknown requirement"),
        Text(
            "Thủ tục này không có thành phần hồ sơ '{requirement}'.",
            "This procedure has no requirement '{requirement}'.",
        ),
    ),
    "otp-invalid": (
        Text("Mã OTP không đúng", "Wrong code"),
        Text("Mã xác thực không đúng hoặc đã hết hạn.", "The code is wrong or has expired."),
    ),
    "otp-too-many-attempts": (
        Text("Nhập sai quá nhiều lần", "Too many attempts"),
        Text(
            "Bạn đã nhập sai quá nhiều lần, vui lòng yêu cầu mã mới.",
            "Too many wrong codes; ask for a new one.",
        ),
    ),
    "refresh-invalid": (
        Text("Phiên đăng nhập hết hạn", "Session expired"),
        Text("Phiên đăng nhập không còn hiệu lực, vui lòng đăng nhập lại.", "This session is no longer valid."),
    ),
    "rate-limited": (
        Text("Quá nhiều yêu cầu", "Too many requests"),
        Text("Vui lòng thử lại sau {retry_after} giây.", "Please try again in {retry_after} seconds."),
    ),
    "bad-signature": (
        Text("Chữ ký không hợp lệ", "Bad signature"),
        Text("Chữ ký hoặc thời điểm ký không hợp lệ.", "The signature or its timestamp is not valid."),
    ),
    "service-unavailable": (
        Text("Dịch vụ tạm thời gián đoạn", "Service unavailable"),
        Text("Hệ thống đang bận, vui lòng thử lại sau.", "The service is busy; please try again later."),
    ),
    "internal-error": (
        Text("Lỗi hệ thống", "Internal error"),
        Text("Đã có lỗi xảy ra, vui lòng thử lại sau.", "Something went wrong; please try again later."),
    ),
}

FIELD_ERRORS: dict[str, Text] = {
    "required": Text("Bắt buộc nhập", "Required"),
    "invalid": Text("Giá trị không hợp lệ", "Invalid value"),
    "invalid-phone": Text("Số điện thoại di động Việt Nam không hợp lệ", "Not a valid Vietnamese mobile number"),
    "invalid-identity": Text(
        "Số định danh cá nhân phải gồm 12 chữ số hợp lệ", "The identity number must be 12 valid digits"
    ),
    "identity-birth-mismatch": Text(
        "Số định danh không khớp với năm sinh", "The identity number does not match the year of birth"
    ),
    "invalid-date": Text("Ngày không hợp lệ (YYYY-MM-DD)", "Invalid date (YYYY-MM-DD)"),
    "future-date": Text("Ngày không được ở tương lai", "The date cannot be in the future"),
    "too-long": Text("Quá dài (tối đa {max} ký tự)", "Too long (at most {max} characters)"),
    "not-an-option": Text("Phải là một trong: {options}", "Must be one of: {options}"),
    "not-a-number": Text("Phải là số", "Must be a number"),
    "not-a-boolean": Text("Phải là true hoặc false", "Must be true or false"),
    "unknown-field": Text("Trường không có trong biểu mẫu", "Not a field of this form"),
    "address-required": Text("Cần địa chỉ nhận kết quả qua bưu điện", "A postal address is required"),
    "invalid-full-name": Text("Họ tên không hợp lệ", "Invalid full name"),
    "empty-list": Text("Cần ít nhất một mục", "At least one item is required"),
    "unknown-requirement": Text("Không phải thành phần hồ sơ của thủ tục", "Not a requirement of this procedure"),
    "score-range": Text("Điểm từ 1 đến 5", "A score from 1 to 5"),
}

STATUS_LABELS: dict[str, Text] = {
    "draft": Text("Đang soạn", "Draft"),
    "submitted": Text("Chờ tiếp nhận", "Submitted, awaiting reception"),
    "received": Text("Đã tiếp nhận", "Received"),
    "supplement_requested": Text("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
    "awaiting_payment": Text("Chờ thanh toán phí, lệ phí", "Awaiting fee payment"),
    "processing": Text("Đang giải quyết", "Processing"),
    "result_ready": Text("Đã có kết quả, chờ trả", "Result ready"),
    "returned": Text("Đã trả kết quả", "Result returned"),
    "rejected": Text("Từ chối giải quyết", "Rejected"),
    "withdrawn": Text("Đã rút hồ sơ", "Withdrawn"),
}


# What the public pages (the tracking page, the receipt check, the VNPay return) say; str.format templates.
PAGE_TEXTS: dict[str, Text] = {
    "site": Text("Một Cửa", "Một Cửa"),
    "site-tagline": Text("Bộ phận một cửa trực tuyến", "Online one-stop shop"),
    "language": Text("Ngôn ngữ", "Language"),
    "switch-to": Text("English", "Tiếng Việt"),
    "help": Text("Cần hỗ trợ? Gọi đường dây nóng {hotline}.", "Need help? Call the hotline {hotline}."),
    "privacy": Text(
        "Trang này chỉ hiện tên người nộp đã che một phần, không hiện số định danh hay số điện thoại.",
        "This page shows only a partly hidden name, never an identity or phone number.",
    ),
    "track-title": Text("Tra cứu hồ sơ", "Dossier status"),
    "track-summary": Text("Thông tin hồ sơ", "About the dossier"),
    "track-code": Text("Mã hồ sơ", "Dossier code"),
    "track-procedure": Text("Thủ tục", "Procedure"),
    "track-agency": Text("Cơ quan giải quyết", "Office"),
    "track-status": Text("Trạng thái", "Status"),
    "track-appointment": Text("Ngày hẹn trả kết quả", "Appointment date"),
    "track-applicant": Text("Người nộp", "Applicant"),
    "track-fee": Text("Lệ phí", "Fee"),
    "track-fee-paid": Text("{amount} (đã nộp)", "{amount} (paid)"),
    "track-fee-due": Text("{amount} (chưa nộp)", "{amount} (not paid yet)"),
    "track-fee-none": Text("Miễn phí", "Free"),
    "track-none": Text("Chưa có", "Not set yet"),
    "track-next": Text("Việc cần làm tiếp theo", "What to do next"),
    "track-history": Text("Quá trình xử lý", "History"),
    "track-current": Text("bước hiện tại", "current step"),
    "track-not-found": Text("Không tìm thấy hồ sơ", "Dossier not found"),
    "track-not-found-detail": Text(
        "Không có hồ sơ nào khớp với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại hai mã in trên giấy biên nhận.",
        "No dossier matches this dossier code and lookup key. Check both codes printed on the receipt.",
    ),
    "lookup-title": Text("Tra cứu bằng mã trên giấy biên nhận", "Look up with the codes on the receipt"),
    "lookup-code-hint": Text("Ví dụ: 000.00.12.H04-261123-0007", "For example: 000.00.12.H04-261123-0007"),
    "lookup-key": Text("Mã tra cứu", "Lookup key"),
    "lookup-key-hint": Text("8 ký tự, in cạnh mã QR", "8 characters, printed next to the QR code"),
    "lookup-submit": Text("Tra cứu", "Look up"),
    "next-submitted": Text(
        "Hồ sơ đã được gửi và đang chờ cán bộ một cửa tiếp nhận. Bạn chưa cần làm gì thêm.",
        "The dossier was sent and waits for the one-stop officers to receive it. Nothing to do for now.",
    ),
    "next-in-progress": Text(
        "Hồ sơ đang được giải quyết. Bạn chưa cần làm gì thêm; trang này cập nhật mỗi khi hồ sơ chuyển bước.",
        "The dossier is being processed. Nothing to do for now; this page changes with every step.",
    ),
    "next-pay": Text(
        "Nộp lệ phí {amount} trong ứng dụng Một Cửa (chuyển khoản VietQR hoặc VNPay) hoặc tại quầy một cửa "
        "của {agency}. Hồ sơ được giải quyết tiếp ngay khi nhận được tiền.",
        "Pay the fee of {amount} in the Một Cửa app (VietQR transfer or VNPay) or at the one-stop desk of "
        "{agency}. Processing goes on as soon as the money arrives.",
    ),
    "next-supplement": Text(
        "Bổ sung giấy tờ trong ứng dụng Một Cửa rồi nộp lại hồ sơ; mã hồ sơ và mã tra cứu giữ nguyên.",
        "Add the papers in the Một Cửa app and submit the dossier again; its code and lookup key stay the same.",
    ),
    "next-supplement-list": Text("Giấy tờ cần bổ sung:", "Papers to add:"),
    "next-collect-desk": Text(
        "Kết quả đã sẵn sàng. Đến quầy một cửa của {agency} để nhận, mang theo giấy biên nhận (hoặc mã hồ sơ) "
        "và giấy tờ tùy thân bản gốc.",
        "The result is ready. Collect it at the one-stop desk of {agency}; bring the receipt (or the dossier "
        "code) and your original identity paper.",
    ),
    "next-collect-post": Text(
        "Kết quả đã sẵn sàng và được gửi qua bưu điện đến địa chỉ bạn đã đăng ký; khi nhận, xuất trình giấy tờ "
        "tùy thân.",
        "The result is ready and goes by post to the address you gave; show your identity paper when it arrives.",
    ),
    "next-collect-electronic": Text(
        "Kết quả điện tử đã sẵn sàng. Đăng nhập ứng dụng Một Cửa để tải về.",
        "The electronic result is ready. Sign in to the Một Cửa app to download it.",
    ),
    "next-returned": Text(
        "Hồ sơ đã hoàn tất và kết quả đã được trả. Bạn có thể đánh giá mức độ hài lòng trong ứng dụng Một Cửa.",
        "The dossier is complete and its result was handed over. You can rate the service in the Một Cửa app.",
    ),
    "next-rejected": Text(
        "Hồ sơ không được giải quyết. Lý do có trong ứng dụng Một Cửa; cần giải thích thêm, liên hệ {agency}.",
        "The dossier was refused. The reason is in the Một Cửa app; for more, contact {agency}.",
    ),
    "next-withdrawn": Text("Hồ sơ đã được rút. Không cần làm gì thêm.", "The dossier was withdrawn. Nothing to do."),
    "receipt-title": Text("Biên lai điện tử", "Electronic receipt"),
    "receipt-valid": Text(
        "Biên lai hợp lệ, do hệ thống Một Cửa phát hành.", "This receipt is genuine, issued by Một Cửa."
    ),
    "receipt-refunded": Text(
        "Biên lai do hệ thống Một Cửa phát hành nhưng không còn giá trị: khoản tiền đã được hoàn trả lúc {at}.",
        "This receipt was issued by Một Cửa but is void: the money was refunded at {at}.",
    ),
    "receipt-unknown": Text("Không tìm thấy biên lai", "Receipt not found"),
    "receipt-unknown-detail": Text(
        "Không có biên lai nào khớp với số và mã kiểm tra này. Biên lai có thể bị giả mạo hoặc đường dẫn chưa "
        "đầy đủ; hãy quét lại mã QR in trên biên lai.",
        "No receipt matches this number and check code. It may be forged or the link incomplete; scan the QR "
        "code printed on the receipt again.",
    ),
    "receipt-number": Text("Số biên lai", "Receipt number"),
    "receipt-amount": Text("Số tiền", "Amount"),
    "receipt-words": Text("Bằng chữ", "In words"),
    "receipt-payer": Text("Người nộp", "Payer"),
    "receipt-procedure": Text("Nội dung", "For"),
    "receipt-dossier": Text("Mã hồ sơ", "Dossier code"),
    "receipt-agency": Text("Đơn vị thu", "Collected by"),
    "receipt-method": Text("Hình thức", "Paid by"),
    "receipt-paid": Text("Thời gian nộp", "Paid at"),
    "method-vietqr": Text("Chuyển khoản VietQR", "VietQR bank transfer"),
    "method-vnpay": Text("VNPay", "VNPay"),
    "vnpay-title": Text("Kết quả thanh toán", "Payment result"),
    "vnpay-success": Text(
        "Thanh toán thành công. Hồ sơ sẽ được cập nhật trong giây lát; bạn có thể quay lại ứng dụng.",
        "Payment succeeded. Your dossier will be updated in a moment; you can go back to the app.",
    ),
    "vnpay-failure": Text(
        "Thanh toán chưa thành công. Bạn có thể thử lại trong ứng dụng.",
        "The payment did not go through. You can try again in the app.",
    ),
    "vnpay-invalid": Text("Dữ liệu trả về không hợp lệ.", "The data returned is not valid."),
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
CHAT_SUGGESTIONS = Text("Bạn có thể hỏi tiếp:", "You can also ask:")
