"""What an import says back: row-level issues, the report of a successful
import and the rejection of a failed one. Every message is bilingual and
shaped `file:line:COLUMN: 中文 / English: "value"` (the header is line 1)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.rules import RunSummary

MAX_ERRORS_PER_FILE = 200
_MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Issue:
    file: str
    line: int | None
    column: str | None
    message_zh: str
    message_en: str
    value: str | None = None

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f":{self.column}"
        text = f"{where}: {self.message_zh} / {self.message_en}"
        if self.value is not None:
            value = self.value
            if len(value) > _MAX_VALUE_CHARS:
                value = value[:_MAX_VALUE_CHARS] + "…"
            text += f': "{value}"'
        return text


@dataclass
class FileReport:
    name: str
    dataset: str
    rows: int
    warnings: list[Issue] = field(default_factory=list)


@dataclass
class ImportReport:
    batch_id: int
    files: list[FileReport]
    data_version: int
    rules: RunSummary | None = None  # the rule evaluation run after the import
    rules_error: str | None = None   # why that evaluation failed (the import stands)

    @property
    def total_rows(self) -> int:
        return sum(f.rows for f in self.files)

    def lines(self) -> list[str]:
        out = []
        for f in self.files:
            out.append(f"{f.name}: {f.dataset} {f.rows:,} rows")
            out.extend(w.format() for w in f.warnings)
        if self.rules_error:
            out.append(f"规则评估失败 / rule evaluation failed: {self.rules_error}")
        return out

    def rules_line(self) -> str | None:
        """The rule evaluation's one-line summary, when one ran on data."""
        if self.rules is None or self.rules.as_of is None:
            return None
        return self.rules.headline()


class ImportRejected(Exception):
    """Raised when any file of an import has an error; nothing was written.

    `errors` holds the reported errors (at most MAX_ERRORS_PER_FILE per file);
    `suppressed` maps a file name to the number of further errors not listed.
    """

    def __init__(self, errors: list[Issue], suppressed: dict[str, int] | None = None):
        self.errors = errors
        self.suppressed = dict(suppressed or {})
        super().__init__("\n".join(self.lines()[:20]))

    def lines(self) -> list[str]:
        out = [e.format() for e in self.errors]
        for name, n in self.suppressed.items():
            out.append(f"{name}: 另有 {n:,} 个错误未列出 / {n:,} more errors not shown")
        return out


class ImportFailed(ImportRejected):
    """The store failed under the import (the disk full, the database gone);
    the transaction was rolled back, so nothing was written."""

    def __init__(self, reason_zh: str, reason_en: str, detail: str):
        self.message = f"写入数据库失败：{reason_zh} / writing to the store failed: {reason_en}"
        self.detail = detail
        super().__init__([])

    def lines(self) -> list[str]:
        return [f"{self.message} ({self.detail})"]


class FileErrors:
    """Collects the errors of one file up to the cap and counts the rest."""

    def __init__(self, name: str, cap: int = MAX_ERRORS_PER_FILE):
        self.name = name
        self.cap = cap
        self.listed: list[Issue] = []
        self.count = 0

    def add(self, line: int | None, column: str | None, zh: str, en: str,
            value: str | None = None) -> None:
        self.count += 1
        if len(self.listed) < self.cap:
            self.listed.append(Issue(self.name, line, column, zh, en, value))

    @property
    def suppressed(self) -> int:
        return self.count - len(self.listed)

    def __bool__(self) -> bool:
        return self.count > 0
