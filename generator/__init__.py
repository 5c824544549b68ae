"""srcfn generator: load and validate source specs, render the files Segment needs."""
