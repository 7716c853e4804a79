// The GraphQL API's reads: pages, batched look-ups for its DataLoaders, influencers, segments, ties.
//
// Pages are keyset-paginated: $after (or $afterScore, $afterId) is the sort key of the last row of
// the previous page, so a page costs the same at any depth and never repeats or skips a row while
// the graph is unchanged.
//
// Targeting queries (influencers, topic_influencers, influencers_by_component, segment_*,
// person_ties, search, and persons_* when they filter on computed values) drop the people whose effective consent for any purpose in $purposes is not
// granted. The effective consent for a purpose is its most recent Consent record unexpired by the
// database's clock, else $consentDefault. A person with no consent record at all (most of them)
// is settled by a degree look-up, without the per-purpose subquery: that halves the cost of a
// segment count over every person. The predicate is the same in every one of them (and in
// consent.targetable; tests/api/test_consent.py holds them to it):
//   CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
//   ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
//       WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
//       ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
//       $consentDefault) = 'granted') END
//
// $hasContact is tested as CASE WHEN $hasContact THEN EXISTS {...} ELSE NOT EXISTS {...} END:
// written as EXISTS {...} = $hasContact, Neo4j computed the EXISTS for every person even when
// $hasContact is null.

// name: persons_by_id
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN CASE WHEN CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
            ELSE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
            WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
            ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
            LIMIT 1 }), $consentDefault) = 'granted' END
       THEN p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness,
              .community, .scoresJobRun}
       ELSE p {.id, .name, .size, .platforms} END AS person;

// name: persons_with_identities
// persons_by_id and person_identities in one round trip, for a look-up that asks for both.
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN CASE WHEN CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
            ELSE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
            WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
            ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
            LIMIT 1 }), $consentDefault) = 'granted' END
       THEN p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness,
              .community, .scoresJobRun}
       ELSE p {.id, .name, .size, .platforms} END AS person,
       [i IN COLLECT {
          MATCH (p)-[:HAS_MEMBER]->(i:Identity) RETURN i
          UNION
          MATCH (p)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity) RETURN i
        } | CASE WHEN NOT EXISTS { MATCH (owner:Person)-[:HAS_MEMBER]->(i) WHERE NOT CASE WHEN COUNT { (owner)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
                     ELSE coalesce(head(COLLECT { MATCH (owner)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
                     WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
                     ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
                     LIMIT 1 }), $consentDefault) = 'granted' END }
            THEN i {.platform, .key, .displayName, .bio, .location, .url, .avatarUrl, .followers, .following, .verified,
                   .lang, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness, .scoresJobRun}
            ELSE i {.platform, .key, .displayName, .bio, .location, .url, .avatarUrl, .followers, .following, .verified,
                   .lang} END] AS identities;

// name: persons_page
// $after: the last id of the previous page ('' for the first): an index range seek in id order.
MATCH (p:Person)
WHERE p.id > $after
  AND ($nameLike IS NULL OR toLower(p.name) CONTAINS $nameLike)
  AND ($community IS NULL OR p.community = $community)
  AND ($platform IS NULL OR $platform IN p.platforms)
  AND ($minInfluence IS NULL OR p.influence >= $minInfluence)
  AND ($hasContact IS NULL OR CASE WHEN $hasContact THEN EXISTS { (p)-[:HAS_MEMBER]->(:Contact) }
                                  ELSE NOT EXISTS { (p)-[:HAS_MEMBER]->(:Contact) } END)
  AND CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
WITH p ORDER BY p.id LIMIT $limit
RETURN CASE WHEN CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
            ELSE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
            WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
            ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
            LIMIT 1 }), $consentDefault) = 'granted' END
       THEN p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness,
              .community, .scoresJobRun}
       ELSE p {.id, .name, .size, .platforms} END AS person
ORDER BY person.id;

// name: persons_count
MATCH (p:Person)
WHERE ($nameLike IS NULL OR toLower(p.name) CONTAINS $nameLike)
  AND ($community IS NULL OR p.community = $community)
  AND ($platform IS NULL OR $platform IN p.platforms)
  AND ($minInfluence IS NULL OR p.influence >= $minInfluence)
  AND ($hasContact IS NULL OR CASE WHEN $hasContact THEN EXISTS { (p)-[:HAS_MEMBER]->(:Contact) }
                                  ELSE NOT EXISTS { (p)-[:HAS_MEMBER]->(:Contact) } END)
  AND CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
RETURN count(p) AS total;

// name: contacts_page
// Contacts in (source, sourceId) order; $after is [source, sourceId] of the last row, or null.
MATCH (c:Contact)
WHERE ($after IS NULL OR c.source > $after[0] OR (c.source = $after[0] AND c.sourceId > $after[1]))
  AND ($source IS NULL OR c.source = $source)
  AND ($nameLike IS NULL OR toLower(c.name) CONTAINS $nameLike)
  AND ($company IS NULL OR toLower(c.company) CONTAINS $company)
  AND ($city IS NULL OR toLower(c.city) = $city)
  AND ($country IS NULL OR toLower(c.country) = $country)
RETURN c {.source, .sourceId, .name, .givenName, .familyName, .company, .title, .city, .country, .region, .street,
          .postcode, .birthDate, .importedAt, .importedFrom} AS contact,
       [(c)-[:HAS]->(i:Identity) | i {.platform, .key}] AS points
ORDER BY c.source, c.sourceId
LIMIT $limit;

// name: contacts_count
MATCH (c:Contact)
WHERE ($source IS NULL OR c.source = $source)
  AND ($nameLike IS NULL OR toLower(c.name) CONTAINS $nameLike)
  AND ($company IS NULL OR toLower(c.company) CONTAINS $company)
  AND ($city IS NULL OR toLower(c.city) = $city)
  AND ($country IS NULL OR toLower(c.country) = $country)
RETURN count(c) AS total;

// name: contacts_by_key
// $keys: [source, sourceId] pairs.
UNWIND $keys AS k
MATCH (c:Contact {source: k[0], sourceId: k[1]})
RETURN c {.source, .sourceId, .name, .givenName, .familyName, .company, .title, .city, .country, .region, .street,
          .postcode, .birthDate, .importedAt, .importedFrom} AS contact,
       [(c)-[:HAS]->(i:Identity) | i {.platform, .key}] AS points;

// name: identities_by_key
// $keys: [platform, key] pairs.
UNWIND $keys AS k
MATCH (i:Identity {platform: k[0], key: k[1]})
RETURN CASE WHEN NOT EXISTS { MATCH (owner:Person)-[:HAS_MEMBER]->(i) WHERE NOT CASE WHEN COUNT { (owner)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
                ELSE coalesce(head(COLLECT { MATCH (owner)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
                WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
                ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
                LIMIT 1 }), $consentDefault) = 'granted' END }
       THEN i {.platform, .key, .displayName, .bio, .location, .url, .avatarUrl, .followers, .following, .verified,
              .lang, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness, .scoresJobRun}
       ELSE i {.platform, .key, .displayName, .bio, .location, .url, .avatarUrl, .followers, .following, .verified,
              .lang} END AS identity;

// name: person_identities
// A person's identities: its own members and the contact points its CRM contacts state.
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  MATCH (p)-[:HAS_MEMBER]->(i:Identity) RETURN i
  UNION
  MATCH (p)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity) RETURN i
}
RETURN id AS person,
       CASE WHEN NOT EXISTS { MATCH (owner:Person)-[:HAS_MEMBER]->(i) WHERE NOT CASE WHEN COUNT { (owner)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
                ELSE coalesce(head(COLLECT { MATCH (owner)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
                WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
                ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
                LIMIT 1 }), $consentDefault) = 'granted' END }
       THEN i {.platform, .key, .displayName, .bio, .location, .url, .avatarUrl, .followers, .following, .verified,
              .lang, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness, .scoresJobRun}
       ELSE i {.platform, .key, .displayName, .bio, .location, .url, .avatarUrl, .followers, .following, .verified,
              .lang} END AS identity
ORDER BY person, identity.platform, identity.key;

// name: person_contacts
UNWIND $ids AS id
MATCH (:Person {id: id})-[:HAS_MEMBER]->(c:Contact)
RETURN id AS person,
       c {.source, .sourceId, .name, .givenName, .familyName, .company, .title, .city, .country, .region, .street,
          .postcode, .birthDate, .importedAt, .importedFrom} AS contact,
       [(c)-[:HAS]->(i:Identity) | i {.platform, .key}] AS points
ORDER BY person, contact.source, contact.sourceId;

// name: contact_persons
UNWIND $keys AS k
MATCH (p:Person)-[:HAS_MEMBER]->(:Contact {source: k[0], sourceId: k[1]})
RETURN k AS key, p.id AS person;

// name: identity_persons
// An identity's person: the one it is a member of, else the one of a contact that states it.
UNWIND $keys AS k
MATCH (i:Identity {platform: k[0], key: k[1]})
RETURN k AS key, coalesce(
  head(COLLECT { MATCH (p:Person)-[:HAS_MEMBER]->(i) RETURN p.id ORDER BY p.id LIMIT 1 }),
  head(COLLECT { MATCH (p:Person)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i) RETURN p.id ORDER BY p.id LIMIT 1 })
) AS person;

// name: person_topics
UNWIND $ids AS id
MATCH (p:Person {id: id})
WHERE CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
       ELSE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
       WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
       ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
       LIMIT 1 }), $consentDefault) = 'granted' END
MATCH (p)-[r:TOPIC_INFLUENCE]->(t:Topic)
RETURN id AS person, t.name AS topic, r.score AS score, r.rank AS rank
ORDER BY person, score DESC, topic;

// name: person_stances
UNWIND $ids AS id
MATCH (p:Person {id: id})
WHERE CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted'
       ELSE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(consent:Consent {purpose: 'profiling'})
       WHERE consent.expiresAt IS NULL OR consent.expiresAt > datetime() RETURN consent.status
       ORDER BY coalesce(consent.withdrawnAt, consent.givenAt, consent.recordedAt) DESC, consent.recordedAt DESC
       LIMIT 1 }), $consentDefault) = 'granted' END
MATCH (p)-[r:ADVOCATES|DETRACTS]->(b:Brand)
RETURN id AS person, b.name AS brand, CASE type(r) WHEN 'ADVOCATES' THEN 'advocate' ELSE 'detractor' END AS side,
       r.score AS score, r.posts AS posts, r.sentiment AS sentiment
ORDER BY person, score DESC, brand;

// name: person_consents
UNWIND $ids AS id
MATCH (:Person {id: id})-[:GAVE]->(c:Consent)
RETURN id AS person, c {.*} AS consent
ORDER BY person, coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC;

// name: communities_by_id
UNWIND $ids AS id
MATCH (c:Community {id: id})
RETURN c {.id, .size, .persons, .topMembers, .topTopics, .ties, .tieWeights, .jobRun} AS community;

// name: communities_page
// Largest first; $after is [size, id] of the last row, or null.
MATCH (c:Community)
WHERE $after IS NULL OR c.size < $after[0] OR (c.size = $after[0] AND c.id > $after[1])
RETURN c {.id, .size, .persons, .topMembers, .topTopics, .ties, .tieWeights, .jobRun} AS community
ORDER BY c.size DESC, c.id
LIMIT $limit;

// name: communities_count
MATCH (c:Community) RETURN count(c) AS total;

// name: influencers
// Persons by overall influence, filtered, consent applied. Ties go by id, descending like the score:
// then the (influence, id) index yields rows already in order (no sort), and the scan stops after
// $limit rows that pass the filters, however many persons share the top score. The page comes back
// as one record holding a list, in order: the driver reads one message instead of one per row
// (a quarter less client CPU for a page of 20, and about a third more pages per second).
MATCH (p:Person)
WHERE p.influence >= $minScore AND p.influence <= $maxScore AND p.id IS NOT NULL
  AND ($afterId IS NULL OR p.influence < $maxScore OR p.id < $afterId)
  AND ($community IS NULL OR p.community = $community)
  AND ($platform IS NULL OR $platform IN p.platforms)
  AND CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
WITH p ORDER BY p.influence DESC, p.id DESC LIMIT $limit
RETURN collect({person: p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore,
                           .betweenness, .community, .scoresJobRun},
                score: p.influence, rank: null}) AS page;

// name: topic_influencers
// Persons by their influence on one topic (TOPIC_INFLUENCE of the latest analytics run); ties by id,
// descending, and one record holding the page, as in influencers.
MATCH (:Topic {name: $topic})<-[r:TOPIC_INFLUENCE]-(p:Person)
WHERE r.score >= $minScore AND r.score <= $maxScore
  AND ($afterId IS NULL OR r.score < $maxScore OR p.id < $afterId)
  AND ($community IS NULL OR p.community = $community)
  AND ($platform IS NULL OR $platform IN p.platforms)
  AND CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
WITH p, r ORDER BY r.score DESC, p.id DESC LIMIT $limit
RETURN collect({person: p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore,
                           .betweenness, .community, .scoresJobRun},
                score: r.score, rank: r.rank}) AS page;

// name: influencers_by_component
// Influencers (overall, or on $topic when given) ranked by one component of their score for the
// whole list: $component is a Person property from the service's allow-list (influencers.SORTS).
// No index holds every component, so the persons that pass the cheap filters are sorted first; the
// consent predicate is then checked in that order, only until the page is full. Ties by id,
// descending; $maxScore and $afterId are the previous page's last (component, id).
CALL () {
  MATCH (p:Person)
  WHERE $topic IS NULL AND p.influence >= $minScore
  RETURN p, p.influence AS score, null AS rank
  UNION ALL
  MATCH (:Topic {name: $topic})<-[r:TOPIC_INFLUENCE]-(p:Person)
  WHERE r.score >= $minScore
  RETURN p, r.score AS score, r.rank AS rank
}
WITH p, score, rank, p[$component] AS key
WHERE key IS NOT NULL AND p.id IS NOT NULL AND key <= $maxScore
  AND ($afterId IS NULL OR key < $maxScore OR p.id < $afterId)
  AND ($community IS NULL OR p.community = $community)
  AND ($platform IS NULL OR $platform IN p.platforms)
WITH p, score, rank, key ORDER BY key DESC, p.id DESC
WHERE CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
WITH p, score, rank, key LIMIT $limit
RETURN collect({person: p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore,
                           .betweenness, .community, .scoresJobRun},
                score: score, rank: rank, key: key}) AS page;

// name: person_ties
// Each person's strongest person-level ties: declared ties and interactions between any of their
// identities, folded into one strength in (0, 1): 1 - (1 - declared) * exp(-interaction weight),
// where declared is 0.6 for FRIENDS_WITH, 0.5 for CONNECTED_TO, 0.4 for mutual FOLLOWS, 0.25 for
// one-way FOLLOWS. People failing consent for $purposes (none when empty) are left out.
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  MATCH (p)-[:HAS_MEMBER]->(a:Identity)-[r:FOLLOWS|FRIENDS_WITH|CONNECTED_TO|INTERACTED]-(:Identity)
        <-[:HAS_MEMBER]-(q:Person)
  WHERE q <> p
  WITH q, collect(DISTINCT type(r)) AS kinds,
       sum(CASE WHEN type(r) = 'INTERACTED' THEN coalesce(r.weight, 1.0) ELSE 0.0 END) AS interaction,
       sum(CASE WHEN type(r) = 'INTERACTED' THEN coalesce(r.count, 1) ELSE 0 END) AS interactions,
       count(DISTINCT CASE WHEN type(r) = 'FOLLOWS' THEN startNode(r) = a END) AS followDirections
  WITH q, kinds, interaction, interactions,
       CASE WHEN 'FRIENDS_WITH' IN kinds THEN 0.6 WHEN 'CONNECTED_TO' IN kinds THEN 0.5
            WHEN followDirections > 1 THEN 0.4 WHEN followDirections = 1 THEN 0.25 ELSE 0.0 END AS declared
  WHERE CASE WHEN COUNT { (q)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (q)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
  RETURN q, kinds, interactions, 1.0 - (1.0 - declared) * exp(-interaction) AS strength
  ORDER BY strength DESC, q.id
  LIMIT $perPerson
}
RETURN id AS person, q.id AS other, EXISTS { (q)-[:HAS_MEMBER]->(:Contact) } AS ours, kinds, interactions,
       strength;

// name: our_people
// Which of $ids are "our people": persons with a CRM contact among their members.
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN id AS person, EXISTS { (p)-[:HAS_MEMBER]->(:Contact) } AS ours;

// name: search
// Full-text search over names, handles, bios and companies; email and phone identities only when
// $pii (a role that may read them), so a search cannot confirm an address to anyone else. A hit
// whose person fails consent for $purposes is dropped, as influencers drop them.
CALL db.index.fulltext.queryNodes('search_text', $text, {limit: $fetch}) YIELD node, score
WHERE $pii OR NOT (node:Identity AND node.platform IN ['email', 'phone'])
WITH node, score,
     CASE WHEN node:Person THEN node
          WHEN node:Organization THEN null
          ELSE coalesce(
            head(COLLECT { MATCH (p:Person)-[:HAS_MEMBER]->(node) RETURN p ORDER BY p.id LIMIT 1 }),
            head(COLLECT { MATCH (p:Person)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(node) RETURN p ORDER BY p.id LIMIT 1 }))
     END AS p
WHERE p IS NULL
   OR CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
WITH node, score, p
ORDER BY score DESC
LIMIT $limit
RETURN score,
       CASE WHEN node:Person THEN 'person' WHEN node:Contact THEN 'contact' WHEN node:Identity THEN 'identity'
            ELSE 'organization' END AS kind,
       p.id AS person,
       CASE WHEN node:Contact THEN [node.source, node.sourceId] WHEN node:Identity THEN [node.platform, node.key]
            WHEN node:Organization THEN [node.key, node.name] END AS key;

// name: job_run
MATCH (j:JobRun {id: $id})
RETURN j {.id, .kind, .status, .params, .stats, .error, .startedAt, .finishedAt, .phase, .done, .total} AS job;

// name: segment_rows
// A segment's members in id order. With $export, the columns of an export as well; the PII
// columns (emails, phones) are read only when $pii.
MATCH (p:Person)
WHERE p.id > $after
  AND ($community IS NULL OR p.community = $community)
  AND ($platform IS NULL OR $platform IN p.platforms)
  AND ($minInfluence IS NULL OR p.influence >= $minInfluence)
  AND ($hasContact IS NULL OR CASE WHEN $hasContact THEN EXISTS { (p)-[:HAS_MEMBER]->(:Contact) }
                                  ELSE NOT EXISTS { (p)-[:HAS_MEMBER]->(:Contact) } END)
  AND ($topic IS NULL OR EXISTS { (p)-[:TOPIC_INFLUENCE]->(:Topic {name: $topic}) }
       OR EXISTS { (p)-[:HAS_MEMBER]->(:Identity)-[:POSTED]->(:Post)-[:TAGGED]->(:Topic {name: $topic}) })
  AND ($city IS NULL OR EXISTS { (p)-[:HAS_MEMBER]->(c:Contact) WHERE toLower(c.city) = $city }
       OR EXISTS { (p)-[:HAS_MEMBER]->(i:Identity) WHERE toLower(i.location) CONTAINS $city })
  AND CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
WITH p ORDER BY p.id LIMIT $limit
RETURN p {.id, .name, .size, .platforms, .influence, .pagerank, .reach, .engagement, .kcore, .betweenness,
          .community, .scoresJobRun} AS person,
       CASE WHEN $export THEN head(COLLECT { MATCH (p)-[:HAS_MEMBER]->(c:Contact)
                                             RETURN c {.company, .title, .city, .country}
                                             ORDER BY c.source, c.sourceId LIMIT 1 }) END AS contact,
       CASE WHEN $export THEN COLLECT { MATCH (p)-[:HAS_MEMBER]->(i:Identity) WHERE NOT i.platform IN ['email', 'phone']
                                        RETURN i.platform + ':' + i.key AS handle ORDER BY handle } END AS handles,
       CASE WHEN $export AND $pii THEN COLLECT {
              MATCH (p)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity {platform: 'email'}) RETURN i.key AS v
              UNION MATCH (p)-[:HAS_MEMBER]->(i:Identity {platform: 'email'}) RETURN i.key AS v } END AS emails,
       CASE WHEN $export AND $pii THEN COLLECT {
              MATCH (p)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity {platform: 'phone'}) RETURN i.key AS v
              UNION MATCH (p)-[:HAS_MEMBER]->(i:Identity {platform: 'phone'}) RETURN i.key AS v } END AS phones;

// name: segment_count
MATCH (p:Person)
WHERE ($community IS NULL OR p.community = $community)
  AND ($platform IS NULL OR $platform IN p.platforms)
  AND ($minInfluence IS NULL OR p.influence >= $minInfluence)
  AND ($hasContact IS NULL OR CASE WHEN $hasContact THEN EXISTS { (p)-[:HAS_MEMBER]->(:Contact) }
                                  ELSE NOT EXISTS { (p)-[:HAS_MEMBER]->(:Contact) } END)
  AND ($topic IS NULL OR EXISTS { (p)-[:TOPIC_INFLUENCE]->(:Topic {name: $topic}) }
       OR EXISTS { (p)-[:HAS_MEMBER]->(:Identity)-[:POSTED]->(:Post)-[:TAGGED]->(:Topic {name: $topic}) })
  AND ($city IS NULL OR EXISTS { (p)-[:HAS_MEMBER]->(c:Contact) WHERE toLower(c.city) = $city }
       OR EXISTS { (p)-[:HAS_MEMBER]->(i:Identity) WHERE toLower(i.location) CONTAINS $city })
  AND CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
RETURN count(p) AS total;

// name: apikey_create
CREATE (k:ApiKey {id: $id, name: $keyName, role: $role, hash: $hash, createdAt: $now})
RETURN k {.id, .name, .role, .createdAt, .revokedAt, .lastUsedAt} AS key;

// name: apikey_list
MATCH (k:ApiKey)
RETURN k {.id, .name, .role, .createdAt, .revokedAt, .lastUsedAt} AS key
ORDER BY k.createdAt, k.id;

// name: apikey_revoke
MATCH (k:ApiKey {id: $id})
SET k.revokedAt = coalesce(k.revokedAt, $now)
RETURN k {.id, .name, .role, .createdAt, .revokedAt, .lastUsedAt} AS key;

// name: apikey_authenticate
// The key with this hash, unless revoked; marks it used (the API asks at most once per cache period).
MATCH (k:ApiKey {hash: $hash})
WHERE k.revokedAt IS NULL
SET k.lastUsedAt = $now
RETURN k {.id, .name, .role} AS key;

// name: record_access
// Who received which persons' data (exports, and persons opened in the console): issue 8 answers
// "which keys (or console users) received this person's data".
MERGE (a:AccessEvent {id: $id})
ON CREATE SET a.at = $at, a.apiKeyId = $apiKeyId, a.user = $user, a.operation = $operation, a.personIds = $personIds
RETURN a.id AS id;

// name: avatar_known
// Whether $url is the picture of an identity in the graph: the console's avatar proxy fetches
// nothing else (read from the identity_avatar index).
RETURN EXISTS { MATCH (i:Identity) WHERE i.avatarUrl = $url } AS known;
