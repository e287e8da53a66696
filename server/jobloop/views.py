"""What api/ and web/ share besides the guards in security.py: the running app's clock.

Services take `now` as an argument; views read it here, from the app's injectable
clock (Config.clock), so tests and browser tests can fix the time. This lives
above the services because it reads Flask's current app.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app


def app_now() -> datetime:
    """Now, by the running app's clock (real UTC unless a test set one), as naive UTC."""
    return current_app.config["JOBLOOP"].clock()
