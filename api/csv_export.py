"""CSV downloads of read views: UTF-8 with a byte-order mark, so that Excel shows Chinese."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import Response

BOM = "\ufeff"
MEDIA_TYPE = "text/csv; charset=utf-8"


def csv_response(filename: str, columns: Sequence[str],
                 rows: Iterable[Mapping[str, Any]]) -> Response:
    """An attachment `filename` with a header line of `columns`; None is written empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return Response(content=(BOM + out.getvalue()).encode("utf-8"), media_type=MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
