// Claims: one run of a kind ($lock: 'analytics', 'resolve') at a time, across every process that
// shares the graph (graphsvc.db.claims).

// name: claim
// The SET takes the lock node's write lock before its holder is read, so two claims cannot both
// see it free. A holder whose heartbeat is older than $staleBefore belongs to a process that died,
// and so does $takeOver (a holder whose process the caller found gone on its own machine): the
// claim is taken over and that run (the JobRun of the holder's id) marked failed. The holder's
// host and process id come back, for the caller to look for its process.
MERGE (l:JobLock {name: $lock})
SET l.claimedAt = $now
WITH l, l.holder AS previous, l.host AS host, l.pid AS pid,
     (l.holder IS NULL OR l.heartbeatAt < $staleBefore OR l.holder = $takeOver) AS free
SET l.holder = CASE WHEN free THEN $id ELSE previous END,
    l.heartbeatAt = CASE WHEN free THEN $now ELSE l.heartbeatAt END,
    l.host = CASE WHEN free THEN $host ELSE host END,
    l.pid = CASE WHEN free THEN $pid ELSE pid END
WITH l, previous, host, pid, free
OPTIONAL MATCH (dead:JobRun {id: previous})
WHERE free AND dead.status = 'running'
SET dead.status = 'failed', dead.finishedAt = $now,
    dead.error = CASE WHEN previous = $takeOver THEN 'abandoned: the process running it is gone'
                      ELSE 'abandoned: the process running it stopped renewing its claim' END
RETURN free, previous, host, pid;

// name: renew
MATCH (l:JobLock {name: $lock, holder: $id})
SET l.heartbeatAt = $now
RETURN count(l) AS renewed;

// name: release
MATCH (l:JobLock {name: $lock, holder: $id})
SET l.holder = null
RETURN count(l) AS released;
