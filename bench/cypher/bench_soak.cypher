// bench/soak.py: the finished job run its subscriber follows (the soak starts no job of its own:
// one would load the machine in the first minutes and not the last, which the soak compares).

// name: finished_job
CREATE (j:JobRun {id: 'soak-' + randomUUID(), kind: 'influence', status: 'succeeded', params: '{}',
                  startedAt: datetime(), finishedAt: datetime(), stats: '{}'})
RETURN j.id AS id;
