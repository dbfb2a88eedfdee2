"""Zones at plan time. Points without a fixed site (tender points, the paraspinal points at the
affected levels) keep only those of their zones that are local to a painful region, with those
zones' cautions, depth caps and pregnancy blocks; tender points take every such zone."""

from __future__ import annotations

from collections.abc import Iterable

from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.knowledge import Knowledge

TENDER = "ASHI"


def zones_for_regions(kb: Knowledge, regions: Iterable[str]) -> list[str]:
    """The zones local to any of ``regions``, in the zone table's order."""
    wanted = set(regions)
    return [z.id for z in kb.zones.values() if wanted & set(z.regions)]


_REGIONAL: dict[tuple[str, frozenset[str]], dict[str, km.PointDetail]] = {}


def regional_points(kb: Knowledge, regions: Iterable[str]) -> dict[str, km.PointDetail]:
    """The detail, for this patient, of every point whose site follows the painful region
    (cached per knowledge version and set of regions: there are few such sets)."""
    key = (kb.version, frozenset(regions))
    found = _REGIONAL.get(key)
    if found is None:
        local = zones_for_regions(kb, key[1])
        found = _REGIONAL[key] = {
            code: regional_detail(kb, p.detail, local)
            for code, p in kb.points.items()
            if p.detail is not None and p.detail.site == "painful_region"
        }
    return found


def regional_detail(kb: Knowledge, base: km.PointDetail, local: list[str]) -> km.PointDetail:
    names = local if base.code == TENDER else [z for z in base.zones if z in local]
    zones = [kb.zones[z] for z in names or base.zones if z in kb.zones]
    kinds = {c.kind for z in zones for c in z.cautions}
    cautions = [c for c in base.cautions if c.kind == "other" or c.kind in kinds]
    for zone in zones:
        have = {c.kind for c in cautions}
        cautions += [c for c in zone.cautions if c.kind not in have]
    depth = min([base.depth_max_cun, *(z.depth_max_cun for z in zones if z.depth_max_cun)])
    return base.model_copy(
        update={
            "zones": tuple(z.id for z in zones),
            "cautions": tuple(cautions),
            "depth_max_cun": depth,
            "depth_min_cun": min(base.depth_min_cun, depth),
            "pregnancy_contraindicated": base.pregnancy_contraindicated
            or any(z.pregnancy == "contraindicated" for z in zones),
        }
    )
