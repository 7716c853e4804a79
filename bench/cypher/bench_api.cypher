// bench/api.py: its social map (written directly, not timed) and the raw-driver baseline it times
// the GraphQL API against.

// name: write_persons
// Persons with their social identities, a CRM contact with an email for some, a denial for a few.
UNWIND $rows AS r
CREATE (p:Person {id: r.id, name: r.name, size: size(r.identities), platforms: r.platforms, influence: r.influence,
                  pagerank: r.influence / 10, reach: r.reach, engagement: r.engagement, kcore: r.kcore,
                  betweenness: 0.0, community: r.community, scoresJobRun: 'bench'})
FOREACH (i IN r.identities |
  CREATE (p)-[:HAS_MEMBER]->(:Identity {platform: i.platform, key: i.key, matchKey: i.key, displayName: r.name,
                                        followers: i.followers, influence: r.influence, scoresJobRun: 'bench'}))
FOREACH (email IN CASE WHEN r.email IS NULL THEN [] ELSE [r.email] END |
  CREATE (p)-[:HAS_MEMBER]->(:Contact {source: 'bench', sourceId: r.id, name: r.name})
         -[:HAS]->(:Identity {platform: 'email', key: email, matchKey: email}))
FOREACH (status IN CASE WHEN r.denied THEN ['denied'] ELSE [] END |
  CREATE (p)-[:GAVE]->(:Consent {id: 'consent-' + r.id, purpose: 'marketing', channel: 'any', status: status,
                                 givenAt: $at, recordedAt: $at, recordedBy: 'bench'}))
RETURN count(*) AS written;

// name: write_communities
UNWIND $ids AS id
CREATE (:Community {id: id, size: $size, persons: $size, topMembers: [], topTopics: [], jobRun: 'bench'});

// name: person_with_identities
// The baseline of the person query: what one writes with the bare driver, in one round trip.
MATCH (p:Person {id: $id})
RETURN p {.id, .name, .influence, .pagerank} AS person,
       [(p)-[:HAS_MEMBER]->(i:Identity) | i {.platform, .key, .displayName, .followers}] +
       [(p)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity) | i {.platform, .key, .displayName, .followers}]
         AS identities;
