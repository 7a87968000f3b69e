"""The built index, kept on disk per data version next to the stored analyses.

With the analyses stored (index.analysis_cache), a start still spends most of its time
deriving the index from them: content terms of 16,000 texts, the typo table, the
abbreviations (0.45 s of a 0.8 s start at this plan's size). The built index depends only on
the data, the dictionary and the code of ``index/``, so it is stored once and read back in
a tenth of that time by every later process (gunicorn workers, the CLI, a restart).

The file is a pickle, and reading a pickle runs code: it is read only from the bot's own
cache directory (var/cache), which is as trusted as its data/ and its code, and only under
the exact key it was written for. It is written right after a build, before any question,
and without the per-question caches, so no question ever reaches it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from index.analysis_cache import cache_key as analysis_key
from index.engine import Index
from index.model import PlanData
from index.text import Analyzer

log = logging.getLogger(__name__)

# Bump when the stored form changes; index/'s code is part of the key as well.
FORMAT = 1
PREFIX = "index-"
SUFFIX = ".pickle"
_CODE = Path(__file__).parent


def index_key(data: PlanData) -> str:
    """The analyses' key (data, dictionary, text pipeline), plus every source file of
    ``index/`` and the Python version: a change to any of them changes what build makes."""
    digest = hashlib.sha256()
    for part in (str(FORMAT), analysis_key(data), sys.version):
        digest.update(part.encode())
        digest.update(b"\0")
    for source in sorted(_CODE.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _path(directory: Path, data: PlanData) -> Path:
    return directory / f"{PREFIX}{index_key(data)}{SUFFIX}"


def load_index(directory: Path, data: PlanData, analyzer: Analyzer) -> Index | None:
    """The stored index for this data with ``analyzer`` attached, or None when there is
    none or it cannot be read (the caller then builds, and stores the result anew)."""
    path = _path(directory, data)
    try:
        with path.open("rb") as stored:
            index = pickle.load(stored)
    except FileNotFoundError:
        return None
    except Exception as error:  # noqa: BLE001 - any unreadable file only costs a build
        log.warning("index cache %s unreadable (%s); building the index again", path, error)
        return None
    if not isinstance(index, Index):
        log.warning("index cache %s holds no index; building the index again", path)
        return None
    # The loaded data is the one checked at this start; the stored copy is only its equal.
    return replace(index, data=data, analyzer=analyzer)


def save_index(directory: Path, data: PlanData, index: Index) -> bool:
    """Write the freshly built ``index``; other versions' files are removed. A directory
    that cannot be written costs only the next start-up's time."""
    path = _path(directory, data)
    # The caches filled while answering (analysed words, per-question factors, derived
    # tables) are left behind: a question's words must never reach the disk.
    plans = {
        plan: replace(part, _factors={}, _phrase_factors={}) for plan, part in index.plans.items()
    }
    portable = replace(index, analyzer=None, plans=plans, _analyzed={}, memo={})
    temporary = None
    try:
        body = pickle.dumps(portable, protocol=pickle.HIGHEST_PROTOCOL)
        directory.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: two workers starting at once never read half a file.
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".index")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, path)
        temporary = None
        for old in directory.glob(f"{PREFIX}*{SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
        log.warning("index cache not written to %s (%s)", directory, error)
        return False
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return True
