"""Pages of declarations, one module per feature.

`declarations` (list, a declaration, drafts, downloads), `actions` (what
changes a declaration's state or its participants), `printing` (many
declarations in one zip), `verification` (the public page a QR code opens).
What they share is in `common`.
"""
