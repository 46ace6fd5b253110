"""Repair: turning findings into one bounded set of package changes (``plan``) and applying it (``apply``)."""
