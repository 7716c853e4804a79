// Saved segments: a marketer's named filter (the filter as JSON text), saved again under the same name
// to change it.

// name: save
MERGE (s:SavedSegment {name: $segment})
ON CREATE SET s.createdAt = datetime(), s.createdBy = $by
SET s.filter = $filter, s.updatedAt = datetime(), s.updatedBy = $by
RETURN s {.name, .filter, .createdBy, .createdAt, .updatedAt} AS segment;

// name: saved
MATCH (s:SavedSegment)
RETURN s {.name, .filter, .createdBy, .createdAt, .updatedAt} AS segment
ORDER BY s.name
LIMIT $limit;
