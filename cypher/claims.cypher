// Claims: one run of a kind ($lock: 'analytics', 'resolve') at a time, across every process that
// shares the graph (graphsvc.db.claims).

// name: claim
// The SET takes the lock node's write lock before its holder is read, so two claims cannot both
// see it free. A holder whose heartbeat is older than $staleBefore belongs to a process that died:
// its claim is taken over and its run (the JobRun of the holder's id) marked failed.
MERGE (l:JobLock {name: $lock})
SET l.claimedAt = $now
WITH l, l.holder AS previous, (l.holder IS NULL OR l.heartbeatAt < $staleBefore) AS free
SET l.holder = CASE WHEN free THEN $id ELSE previous END,
    l.heartbeatAt = CASE WHEN free THEN $now ELSE l.heartbeatAt END
WITH l, previous, free
OPTIONAL MATCH (dead:JobRun {id: previous})
WHERE free AND dead.status = 'running'
SET dead.status = 'failed', dead.finishedAt = $now,
    dead.error = 'abandoned: the process running it stopped renewing its claim'
RETURN free, previous;

// name: renew
MATCH (l:JobLock {name: $lock, holder: $id})
SET l.heartbeatAt = $now
RETURN count(l) AS renewed;

// name: release
MATCH (l:JobLock {name: $lock, holder: $id})
SET l.holder = null
RETURN count(l) AS released;
