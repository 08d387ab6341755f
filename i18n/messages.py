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


# Above the suggestions listed under an answer on Zalo, which has no quick-reply buttons.
CHAT_SUGGESTIONS = Text("Bạn có thể hỏi tiếp:", "You can also ask:")
