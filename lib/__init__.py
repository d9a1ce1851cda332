"""The ground floor: helpers every app may use, importing no app of ours.

PDF rendering, spreadsheet imports, the edit-conflict merge, request
middleware, the health check and error pages, date and number formats, the
shared template filters and the admin site. Like healthchecks' `hc/lib/`,
nothing here knows about units, cycles, declarations or standards; an app
passes in what a helper needs. A test walks the imports and fails if this
floor imports anything above it (tests/test_architecture.py).
"""
