"""The draft's full text from an uploaded file: Word (.docx, python-docx) or plain text (.txt)."""
from __future__ import annotations

import io
import zipfile

from ..core.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
KINDS = (".docx", ".txt")


class UploadRefused(DomainError):
    status = 422
    code = "draft_file_invalid"


def read_text(filename: str, data: bytes) -> str:
    """The text of a .docx (paragraphs, then table cells, one per line) or a .txt file
    (UTF-8, else GB18030 as Chinese Windows saves it).

    :raise UploadRefused: another kind (413/415/422 with a Chinese message).
    """
    name = (filename or "").lower()
    if len(data) > MAX_BYTES:
        raise UploadRefused("draft_file_too_large", f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB", 413)
    if not data:
        raise UploadRefused("draft_file_empty", "上传的文件是空的")
    if name.endswith(".doc"):
        raise UploadRefused("draft_file_type", "不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后上传", 415)
    if name.endswith(".docx"):
        return _docx(data)
    if name.endswith(".txt"):
        return _txt(data)
    raise UploadRefused("draft_file_type", "只能上传 Word（.docx）或纯文本（.txt）文件", 415)


def _txt(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRefused("draft_file_encoding", "无法识别文本文件的编码，请另存为 UTF-8 后上传")


def _docx(data: bytes) -> str:
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is in requirements.txt
        raise UploadRefused("draft_file_type", "暂不支持 Word 文件，请粘贴全文或上传 .txt", 415) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadRefused("draft_file_broken", "无法读取这个 Word 文件，请确认它是 .docx 格式")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > 20 * MAX_BYTES:
                raise UploadRefused("draft_file_too_large", "Word 文件解压后太大，请粘贴全文")
        document = docx.Document(io.BytesIO(data))
    except UploadRefused:
        raise
    except Exception:  # python-docx raises many kinds for a broken file
        raise UploadRefused("draft_file_broken", "无法读取这个 Word 文件，请确认它是 .docx 格式") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("  ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
