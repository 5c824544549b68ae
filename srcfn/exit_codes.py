"""Exit codes of every srcfn command (documented in the README)."""

OK = 0
FINDINGS = 1  # `check` found stale output or failing fixtures; also an internal error (a bug)
USAGE = 2     # bad usage or bad input: a spec, fixture or file the user can fix
REMOTE = 3    # Segment's API refused or could not be reached (deploy)
