"""srcfn emulator: runs Segment Source Functions locally (see issue: Emulator)."""
