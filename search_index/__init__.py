"""Full-text search over practices, threads and posts, in pure Whoosh.

No Flask or SQLAlchemy here: the service layer maps records to plain dicts and
calls this package after each commit. Filled in by the library issue.
"""
