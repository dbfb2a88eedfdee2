"""The cited acupuncture knowledge base: typed models, loader, cross-checks."""

from acuplan.core.knowledge.knowledge import Knowledge
from acuplan.core.knowledge.loader import default_knowledge, load_knowledge

__all__ = ["Knowledge", "default_knowledge", "load_knowledge"]
