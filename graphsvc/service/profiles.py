"""A unified person as people steward it: surviving values with provenance, human edits, unmerge, history.

`graphsvc person ...` and the API's ``personValues``, ``editPerson``, ``splitPerson``,
``detachRecord`` and ``personHistory`` are these functions; the work (and the audit trail each
change leaves) is in ``graphsvc.resolve.history``, next to the resolution runs it must agree with.
"""

from __future__ import annotations

from graphsvc.resolve.history import detach_record, edit_person, get_person, person_history, split_person

__all__ = ["detach_record", "edit_person", "get_person", "person_history", "split_person"]
