"""Any other site: structured data, embedded state and heuristics do the work."""
NAME = "generic"
HOSTS: tuple[str, ...] = ()


def kind(page):
    return None, None


def extract(page, draft) -> None:
    return None
