"""`graphsvc synth`: a realistic, deterministic synthetic social CRM with its ground truth.

``generate(people, seed, out)`` writes the four import files (contacts.csv,
identities.csv, edges.csv, posts.jsonl) and ``truth/`` (who is who, communities,
influencers, post sentiment). docs/synth.md describes every file, column and the
noise model. The same ``people`` and ``seed`` always give byte-identical files.
"""

from graphsvc.synth.catalog import BRANDS, Brand
from graphsvc.synth.handles import PLATFORM_RULES
from graphsvc.synth.run import Progress, SynthSummary, generate, reference_date

__all__ = ["BRANDS", "PLATFORM_RULES", "Brand", "Progress", "SynthSummary", "generate", "reference_date"]
