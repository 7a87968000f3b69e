"""bootstrap(settings): data → index → store → service, the one start-up of every entry point.

``soudan run`` (make run), gunicorn's workers (``bot.gunicorn_app``) and the search
commands of the CLI all start here, so they load, check and index the data the same way.
A server (``serving=True``) also gets the log format, the usage log (masking names with the
index's own analyzer), its fork hook, and the last-good-data fallback: data that fails the
check while a copy that passed is kept (``var/last-good-data/``) is served from that copy,
so a restart on a broken file does not take the service down; the real files stay
watched, so a fix is picked up.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from bot.logging_setup import configure_logging
from bot.service import NullStore, Service, build_index
from bot.settings import Settings
from bot.store import BackgroundStore, open_store
from index.errors import DataError
from index.load import FILES, load
from index.model import PlanData
from index.text import SudachiAnalyzer

log = logging.getLogger(__name__)

# Bad settings or data: the same status as a usage error of the CLI.
EXIT_CONFIG = 2


def bootstrap(settings: Settings, *, serving: bool = True) -> Service:
    """The service over ``settings.data_dir``. Raises DataError when the data fails the
    check and (serving) no checked copy is kept to fall back to.

    ``serving=False`` (the CLI): the data must pass as it is, nothing is logged or stored.
    """
    if serving:
        configure_logging(settings)
    data = _load_or_fall_back(settings) if serving else load(settings.data_dir)
    analyzer = SudachiAnalyzer()
    index = build_index(data, settings.cache_dir, analyzer)
    if not serving:
        return Service(settings, index, NullStore())
    store = open_store(settings, analyzer)
    if isinstance(store, BackgroundStore):
        # A process forked from this one (gunicorn --preload, a test) must not share the
        # writer thread, which does not exist in the child.
        os.register_at_fork(after_in_child=store.fork_hook())
    return Service(settings, index, store)


def last_good_dir(settings: Settings) -> Path:
    return settings.db_path.parent / "last-good-data"


def check_and_keep(settings: Settings) -> PlanData:
    """Load the data as it is (DataError if it fails) and keep a copy of what passed."""
    data = load(settings.data_dir)
    keep_last_good(settings)
    return data


def keep_last_good(settings: Settings) -> None:
    """Copy the data files aside for ``bootstrap``'s fallback. Each file is replaced whole,
    so a worker falling back never reads one half written by another."""
    keep = last_good_dir(settings)
    try:
        keep.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            with tempfile.NamedTemporaryFile(dir=keep, prefix=f".{name}.", delete=False) as part:
                temporary = Path(part.name)
            try:
                shutil.copy2(settings.data_dir / name, temporary)
                os.replace(temporary, keep / name)
            finally:
                temporary.unlink(missing_ok=True)
    except OSError:
        log.warning("could not keep a copy of the checked data; a restart on bad data will stop")


def _load_or_fall_back(settings: Settings) -> PlanData:
    try:
        return check_and_keep(settings)
    except DataError as error:
        try:
            data = load(last_good_dir(settings))
        except DataError:
            raise error from None
        log.error(
            "data fails the check; serving the last checked copy (%s)\n%s",
            data.version.label,
            error.report(),
        )
        return data
