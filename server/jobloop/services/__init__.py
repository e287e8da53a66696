"""The domain, as plain functions over the models. Views stay thin on top."""
from .errors import Conflict, NotFound, ServiceError, StoreUnavailable, TooMany

__all__ = ["Conflict", "NotFound", "ServiceError", "StoreUnavailable", "TooMany"]
