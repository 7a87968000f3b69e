"""The Sudachi analyses of the data's own texts, kept on disk per data version.

Building the index analyses every title, summary, situation and vocabulary phrase: most of
the start-up time, and the reason a fresh process maps most of the 200 MB dictionary into
memory. The analyses depend only on the data, the dictionary and the text pipeline, so
they are stored once under ``var/`` and reused by every process (gunicorn workers, the CLI,
a restart) until one of the three changes.

Only texts of the data files are ever stored: the view that records analyses is used while
building and never for a question.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path

from index.model import PlanData
from index.text import Analyzer, Token

log = logging.getLogger(__name__)

# Bump when the stored form changes; the pipeline's own source is part of the key as well.
FORMAT = 1
PREFIX = "analysis-"
_PIPELINE = Path(__file__).with_name("text.py")


def cache_key(data: PlanData) -> str:
    """Data version, dictionary and pipeline: an analysis stays valid while all three do."""
    digest = hashlib.sha256()
    for part in (
        str(FORMAT),
        data.version.digest,
        _package_version("sudachipy"),
        _package_version("sudachidict-core"),
        hashlib.sha256(_PIPELINE.read_bytes()).hexdigest(),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class AnalysisCache:
    """Analyses by text; ``path`` None keeps them in memory only."""

    path: Path | None
    _tokens: dict[str, list[Token]] = field(default_factory=dict)
    _added: int = 0

    @classmethod
    def open(cls, directory: Path | None, data: PlanData) -> AnalysisCache:
        """The stored analyses for this data, or an empty cache when there are none or the
        file cannot be read (it is then written anew after the build)."""
        if directory is None:
            return cls(None)
        path = directory / f"{PREFIX}{cache_key(data)}.json"
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            tokens = {
                text: [Token(*fields) for fields in rows] for text, rows in stored["texts"].items()
            }
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("analysis cache %s unreadable (%s); analysing the data again", path, error)
            return cls(path)
        return cls(path, tokens)

    @property
    def size(self) -> int:
        return len(self._tokens)

    def get(self, text: str) -> list[Token] | None:
        return self._tokens.get(text)

    def put(self, text: str, tokens: list[Token]) -> None:
        self._tokens[text] = tokens
        self._added += 1

    def view(self, analyzer: Analyzer) -> Analyzer:
        """An analyzer that answers from the cache and records what it had to analyse."""
        return _Recording(self, analyzer)

    def save(self) -> bool:
        """Write the file if the build added analyses; other versions' files are removed.
        A directory that cannot be written costs only the next start-up's time."""
        if self.path is None or not self._added:
            return False
        # Field by field: dataclasses.astuple deep-copies every string (3 s at this size).
        rows = {
            text: [tuple(getattr(t, name) for name in _TOKEN_FIELDS) for t in tokens]
            for text, tokens in self._tokens.items()
        }
        body = json.dumps({"format": FORMAT, "texts": rows}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed: two workers starting at once never read half a file.
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".analysis")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(body)
            os.replace(temporary, self.path)
            for old in self.path.parent.glob(f"{PREFIX}*.json"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError as error:
            log.warning("analysis cache not written to %s (%s)", self.path.parent, error)
            return False
        self._added = 0
        return True


_TOKEN_FIELDS = tuple(f.name for f in fields(Token))


@dataclass(slots=True)
class _Recording:
    cache: AnalysisCache
    analyzer: Analyzer

    def tokens(self, text: str) -> list[Token]:
        found = self.cache.get(text)
        if found is None:
            found = self.analyzer.tokens(text)
            self.cache.put(text, found)
        return found


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"
