"""The app's data handle, set once by :func:`dashboards.app.create_app` (pages read it)."""

from __future__ import annotations

from typing import Any

from dashboards.data import AppData

_data: AppData | None = None
_settings: Any = None


def set_data(data: AppData, settings: Any = None) -> None:
    global _data, _settings
    _data, _settings = data, settings


def data() -> AppData:
    if _data is None:
        raise RuntimeError("dashboards.app.create_app() has not been called")
    return _data


def settings() -> Any:
    return _settings
