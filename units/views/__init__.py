"""Pages of the organisation, by feature: units, a unit's team, one's own account."""
