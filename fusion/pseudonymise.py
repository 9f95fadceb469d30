"""Pseudonymisation at ingest: identifiers → keyed hashes (HMAC-SHA256, deployment secret).

假名化：身份证号（18 位规范形式，15 位与 18 位得到同一令牌）、手机号（E.164）、号牌、姓名在分析区
替换为令牌；遮蔽身份证号以其可见部分（前缀、后缀、性别位）生成令牌。原值只存于原始区。

Tokens are ``<kind>_`` + the first 24 hex digits (96 bits) of HMAC-SHA256(secret, kind + ":" +
normal form). The kind keeps an ID token from ever equalling a phone token.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

TOKEN_KINDS = ("id", "idm", "phone", "plate", "name", "event")


def token(value: str, secret: str, kind: str) -> str:
    """The token of one normalised value (see module doc)."""
    mac = hmac.new(secret.encode("utf-8"), f"{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}_{mac.hexdigest()[:24]}"


def tokenise(values: pd.Series, secret: str, kind: str) -> pd.Series:
    """Tokenise normalised values (None stays None); each distinct value is hashed once."""
    if kind not in TOKEN_KINDS:
        raise ValueError(f"unknown token kind {kind!r}; use one of {TOKEN_KINDS}")
    s = pd.Series(values, copy=False)
    ok = s.notna().to_numpy()
    out = np.full(len(s), None, dtype=object)
    if ok.any():
        codes, uniq = pd.factorize(s[ok].astype(str))
        key, pre = secret.encode("utf-8"), f"{kind}:"
        digest = hmac.digest  # one-shot HMAC in C: the same MAC as token(), 3x faster
        toks = np.array(
            [f"{kind}_{digest(key, (pre + u).encode(), 'sha256').hex()[:24]}" for u in uniq],
            dtype=object,
        )  # loop over distinct values
        out[ok] = toks[codes]
    return pd.Series(out, index=s.index, dtype=object)


def tokenise_id_numbers(id18: pd.Series, status: pd.Series, secret: str) -> pd.Series:
    """Tokens of normalised ID numbers: full (valid/upgraded) IDs → ``id_``; masked ones → ``idm_``
    of their visible 18-character pattern (prefix, suffix, sex digit in place)."""
    masked = (status == "masked").to_numpy()
    out = tokenise(id18.where(~masked, None), secret, "id")
    if masked.any():
        out[masked] = tokenise(id18[masked], secret, "idm").to_numpy()
    return out
