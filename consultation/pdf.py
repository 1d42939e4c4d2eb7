"""HTML → PDF with WeasyPrint, in this process or in worker processes for big reports, and the merge.

Kept free of Django imports: the workers are started with `spawn` (never `fork` from a threaded web process)
and import only this module. WeasyPrint renders about 350 comments a second on one core and keeps every page
in memory, so a report of thousands of comments is cut into chunks that are rendered two at a time, each in
its own process (bounded memory), and their pages are concatenated with pypdf.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

MAX_WORKERS = 2


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # Pango, HarfBuzz and fontconfig load with it: only PDF rendering pays for them

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per page otherwise
    return bytes(weasyprint.HTML(string=html).write_pdf())


def merge(pdfs: Sequence[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render(htmls: Iterable[str], count: int) -> bytes:
    """One PDF from `count` HTML documents rendered in order. Several go to worker processes, which start on
    the first document while the caller is still writing the next ones."""
    if count == 1:
        return html_to_pdf(next(iter(htmls)))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(MAX_WORKERS, os.cpu_count() or 1, count), mp_context=context) as pool:
        pdfs = [pool.submit(html_to_pdf, html) for html in htmls]
        return merge([future.result() for future in pdfs])
