"""The EHR's JWT (CDS Hooks 2.0 "Trusting CDS Clients"): ``Authorization: Bearer <JWT>``
signed with an asymmetric key of a configured issuer (:class:`EhrIssuer`). Checked: the
signature against the issuer's stored JWK Set (by ``kid``), ``iss``, ``aud`` (the URL of
the service called), ``exp`` and ``iat`` (at most five minutes apart, a little clock skew
allowed), and ``jti`` (once only, remembered in the cache until the token expires).

Keys are never fetched from the network (a ``jku`` header is ignored): an issuer's keys are
registered with ``acuplan ehr add-issuer``."""

from __future__ import annotations

import functools
import json
from typing import Any

import jwt
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from acuplan.bridge.models import EhrIssuer
from acuplan.core.errors import FieldError, InvalidInput

ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS384"]
"""Asymmetric only: CDS Hooks requires ES384 and RS384 support; ``none`` and HMAC never."""
LEEWAY_SECONDS = 60
MAX_LIFETIME_SECONDS = 300 + LEEWAY_SECONDS
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k"}


class JwtRefused(Exception):
    """A JWT that does not authenticate (the message says why, for the 401 answer)."""


def check_jwks(jwks: object) -> jwt.PyJWKSet:
    """A JWK Set of public keys PyJWT can use (InvalidInput says what is wrong)."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise InvalidInput([FieldError("jwks", 'must be {"keys": [one or more JWKs]}')])
    if any(isinstance(k, dict) and PRIVATE_MEMBERS & k.keys() for k in jwks["keys"]):
        raise InvalidInput([FieldError("jwks", "holds a private key: give the public keys only")])
    try:
        return jwt.PyJWKSet.from_dict(jwks)
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, ValueError, TypeError) as exc:
        raise InvalidInput([FieldError("jwks", f"cannot be read: {exc}")]) from None


def verify(token: str, audience: str) -> EhrIssuer:
    """The issuer whose key signed ``token`` for ``audience``; JwtRefused otherwise."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise JwtRefused(f"not a JWT: {exc}") from None
    if header.get("alg") not in ALGORITHMS:
        raise JwtRefused(f"algorithm {header.get('alg')!r} is not accepted")
    issuer = EhrIssuer.objects.filter(issuer=str(claims.get("iss", "")), active=True).first()
    if issuer is None:
        raise JwtRefused("unknown issuer")
    key = _key(issuer, header.get("kid"))
    try:
        verified: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[header["alg"]],
            audience=audience,
            issuer=issuer.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise JwtRefused(str(exc)) from None
    if int(verified["exp"]) - int(verified["iat"]) > MAX_LIFETIME_SECONDS:
        raise JwtRefused("the token lives longer than five minutes")
    jti = f"acuplan:cds:jti:{issuer.pk}:{verified['jti']}"[:250]
    if not cache.add(jti, 1, timeout=MAX_LIFETIME_SECONDS + LEEWAY_SECONDS):
        raise JwtRefused("this token has been used already (jti)")
    return issuer


@functools.lru_cache(maxsize=64)
def _key_set(jwks_json: str) -> list[jwt.PyJWK]:
    """The parsed keys of a stored JWK Set (parsing an EC or RSA key costs milliseconds;
    keyed by the set's JSON, so a changed set is parsed afresh)."""
    return list(jwt.PyJWKSet.from_dict(json.loads(jwks_json)).keys)


def _key(issuer: EhrIssuer, kid: object) -> Any:
    try:
        keys = _key_set(json.dumps(issuer.jwks, sort_keys=True))
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, ValueError, TypeError):
        raise JwtRefused("the issuer's registered keys cannot be read") from None
    if kid is None and len(keys) == 1:
        return keys[0].key
    for k in keys:
        if k.key_id == kid:
            return k.key
    raise JwtRefused("no registered key of this issuer has that kid")


class EhrJwt(HttpBearer):
    """ninja authentication for the hooks: ``request.auth`` is the :class:`EhrIssuer`."""

    def authenticate(self, request: HttpRequest, token: str) -> EhrIssuer | None:
        try:
            issuer = verify(token, service_url(request))
        except JwtRefused as exc:
            request.jwt_refusal = str(exc)  # type: ignore[attr-defined]
            return None
        return issuer


def service_url(request: HttpRequest) -> str:
    """The URL the EHR called, which a token's ``aud`` must name (built on
    ``ACUPLAN_BASE_URL``, so a proxy in front does not change it)."""
    from django.conf import settings

    return str(settings.ACUPLAN_BASE_URL).rstrip("/") + request.path
