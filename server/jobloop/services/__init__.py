"""The domain, as plain functions over the models. Views stay thin on top."""


class ServiceError(Exception):
    """A request the domain refuses; `code` and `status` map onto the API's error shape."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class NotFound(ServiceError):
    status = 404
    code = "not_found"
