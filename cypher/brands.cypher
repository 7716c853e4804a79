// Brands in the API: advocates and detractors as the analytics run wrote them, consent applied.

// name: stances
// The persons on one $side of a brand ('ADVOCATES' or 'DETRACTS'), strongest first, keyset-paged by
// (score, id); people whose consent for marketing or profiling is not granted never appear.
MATCH (p:Person)-[r]->(b:Brand {name: $brand})
WHERE type(r) = $side
  AND ($afterScore IS NULL OR r.score < $afterScore OR (r.score = $afterScore AND p.id > $afterId))
  AND CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
RETURN p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness,
          .community, .scoresJobRun} AS person,
       r.score AS score, r.posts AS posts, r.sentiment AS sentiment, r.jobRun AS jobRun
ORDER BY r.score DESC, p.id
LIMIT $limit;
