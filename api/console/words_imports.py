"""The bulk import's progress words (exchange desk), Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # {done} and {total} are filled in by upload.js as the job's progress arrives
    "import_progress": ("已导入 {done} / {total} 行", "Imported {done} / {total} rows"),
    "import_interrupted": ("导入未完成即中断（服务已重启或停止）。请重新上传同一文件："
                           "已登记的合同按合同编号识别，不会重复登记。",
                           "The import stopped before it finished (the server restarted or "
                           "stopped). Upload the same file again: contracts already registered "
                           "are recognised by their number and not registered twice."),
    "import_failed": ("导入因错误中止；此前的行已登记。排除原因后请重新上传同一文件。",
                      "The import stopped on an error; the rows before it are registered. "
                      "Upload the same file again once the cause is fixed."),
}
