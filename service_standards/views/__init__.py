"""Pages of a unit's public service, one module per feature.

`standards` (services and their versions), `consultations` (FGD),
`maklumat`, `surveys` (SKM) in the application; `public` for the pages
anyone may read. What they share is in `common`.
"""
