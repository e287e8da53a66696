"""A skill named on its own maps to the vocabulary's name through its aliases."""
import pytest

from jobloop.parsing.skills import canonical


@pytest.mark.parametrize("name, expected", [
    ("k8s", "Kubernetes"), ("K8S", "Kubernetes"), ("  kubernetes ", "Kubernetes"), ("postgres", "PostgreSQL"),
    ("amazon web services", "AWS"), ("golang", "Go"), ("Go", "Go"), ("JS", "JavaScript"), ("c#", "C#"),
    ("REST APIs", "REST APIs"), ("node.js", "Node.js"),
    ("js", None),  # an exact-case alias stays exact, as in postings
    ("Underwater basket weaving", None), ("", None), (None, None), ("   ", None),
])
def test_canonical(name, expected):
    assert canonical(name) == expected
