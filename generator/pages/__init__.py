"""Reading Segment catalog pages: parse (parse.py), import into a spec (importer.py), lint (lint.py)."""
