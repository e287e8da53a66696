"""Eightfold career sites (e.g. explore.jobs.<company>.net/careers/job/<id>)."""
NAME = "eightfold"
HOSTS = ("eightfold.ai",)


def detect(page) -> bool:
    return page.path_matches(r"/careers/job/\d+") and ("vscdn.net" in page.meta.get("og:image", "") or "eightfold" in page.html[:200_000].lower())


def kind(page):
    if page.path_matches(r"/careers/job/\d+") or "pid=" in page.query:
        return True, None
    if page.path_matches(r"/careers/?$"):
        return False, "an Eightfold career site search page"
    return None, None


def extract(page, draft) -> None:
    return None  # JSON-LD plus the embedded positions data cover it
