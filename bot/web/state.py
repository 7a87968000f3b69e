"""What every view needs: settings, the service, and the catalog of the data served now."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app

from bot.service import Service
from bot.settings import Settings
from bot.web.catalog import Catalog, CatalogCache
from index.model import CURRENT_PLAN

_KEY = "soudan"


@dataclass
class WebState:
    settings: Settings
    service: Service
    catalogs: CatalogCache = field(default_factory=CatalogCache)

    def catalog(self) -> Catalog:
        return self.catalogs.get(self.service.data)


def install_state(app: Flask, state: WebState) -> None:
    app.extensions[_KEY] = state

    @app.context_processor
    def footer() -> dict[str, object]:
        data = state.service.data
        plan = data.plan(CURRENT_PLAN)
        return {
            "data_version": data.version.label,
            "official_plan_url": state.settings.official_plan_url or plan.url,
            "plan_name": plan.name,
            "plan_period": plan.period,
            "plan_names": {p.number: p.name for p in data.plans},
            "public_base_url": state.settings.public_base_url,
        }


def web_state() -> WebState:
    return current_app.extensions[_KEY]
