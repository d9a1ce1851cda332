"""Pages of `change_areas`, one module per feature: cycles, the LKE pages (and the one
answer-save path), evidence, work plans, spreadsheet and PDF exchange, the review
workflow, results (comparison, reports, predicates) and campaigns. Shared pieces
live in `common`. Every view states its permission in one decorator line."""
