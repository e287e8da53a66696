"""jobloop: a job-search tracker that lives on the user's own machine."""

__version__ = "0.1.0"
