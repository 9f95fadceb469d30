"""Identifier generators: GB 11643 ID numbers, GB 32100 USCC, phones, plates (vectorised).

Everything takes a ``numpy.random.Generator`` and returns numpy arrays of ``str``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

#: GB 11643-1999 weights for the first 17 digits; check = CHECK_MAP[sum % 11].
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK_MAP = np.array(list("10X98765432"))

#: GB 32100-2015 alphabet (31 characters, no I O S V Z) and weights.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28],
                        dtype=np.int64)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}

#: Mobile prefixes 13x-19x actually in use (three digits).
MOBILE_PREFIXES = np.array(
    ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147",
     "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "175",
     "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188",
     "189", "191", "193", "195", "198", "199"])


def _digits_matrix(strings: np.ndarray, width: int) -> np.ndarray:
    """Turn an array of equal-length digit strings into an int matrix (n, width)."""
    b = np.frombuffer("".join(strings.tolist()).encode("ascii"), dtype=np.uint8)
    return (b.reshape(-1, width) - ord("0")).astype(np.int64)


def id_check_digits(first17: np.ndarray) -> np.ndarray:
    """Return the GB 11643 check character for each 17-digit string."""
    if len(first17) == 0:
        return np.array([], dtype="<U1")
    m = _digits_matrix(np.asarray(first17, dtype="<U17"), 17)
    return ID_CHECK_MAP[(m @ ID_WEIGHTS) % 11]


def id_is_valid(ids: np.ndarray) -> np.ndarray:
    """True where an 18-character ID number has a correct check character."""
    ids = np.asarray(ids, dtype="<U18")
    first = np.array([s[:17] for s in ids.tolist()])
    last = np.array([s[17:] for s in ids.tolist()])
    return id_check_digits(first) == last


def make_id_numbers(rng: np.random.Generator, county_adcode: np.ndarray,
                    birth_date: np.ndarray, is_male: np.ndarray) -> np.ndarray:
    """Build 18-digit resident ID numbers.

    ``county_adcode`` 6-digit region prefix; ``birth_date`` datetime64[D]; sequence digits
    random, the 17th digit odd for men and even for women (GB 11643). Uniqueness is not
    guaranteed by construction; :func:`unique_id_numbers` resolves collisions.
    """
    n = len(county_adcode)
    bd = np.asarray(birth_date, dtype="datetime64[D]")
    ymd = np.char.replace(np.datetime_as_string(bd, unit="D").astype("<U10"), "-", "")
    seq = rng.integers(0, 100, n)
    sex_digit = rng.integers(0, 5, n) * 2 + np.where(is_male, 1, 0)
    tail = np.char.add(np.char.zfill(seq.astype("<U2"), 2), sex_digit.astype("<U1"))
    first17 = np.char.add(np.char.add(np.asarray(county_adcode, dtype="<U6"), ymd), tail)
    return np.char.add(first17, id_check_digits(first17))


def unique_id_numbers(rng: np.random.Generator, county_adcode: np.ndarray,
                      birth_date: np.ndarray, is_male: np.ndarray) -> np.ndarray:
    """Like :func:`make_id_numbers` but redraws the sequence digits of duplicates."""
    ids = make_id_numbers(rng, county_adcode, birth_date, is_male)
    for _ in range(20):
        dup = _duplicated(ids)
        if not dup.any():
            break
        ids[dup] = make_id_numbers(rng, county_adcode[dup], birth_date[dup], is_male[dup])
    return ids


def _duplicated(a: np.ndarray) -> np.ndarray:
    _, idx = np.unique(a, return_index=True)
    keep = np.zeros(len(a), dtype=bool)
    keep[idx] = True
    return ~keep


def uscc_check_chars(first17: np.ndarray) -> np.ndarray:
    """Return the GB 32100 check character for each 17-character USCC prefix."""
    if len(first17) == 0:
        return np.array([], dtype="<U1")
    vals = np.array([[_USCC_VALUE[c] for c in s] for s in first17.tolist()], dtype=np.int64)
    c = (31 - (vals @ USCC_WEIGHTS) % 31) % 31
    return np.array(list(USCC_ALPHABET))[c]


def uscc_is_valid(codes: np.ndarray) -> np.ndarray:
    """True where an 18-character USCC has a correct check character."""
    codes = np.asarray(codes, dtype="<U18")
    first = np.array([s[:17] for s in codes.tolist()])
    last = np.array([s[17:] for s in codes.tolist()])
    return uscc_check_chars(first) == last


def make_uscc(rng: np.random.Generator, county_adcode: np.ndarray,
              registrar: np.ndarray) -> np.ndarray:
    """Build unified social credit codes.

    Position 1 registrar department ('9' market regulation, '5' civil affairs, '1'
    organs...), 2 organisation class, 3-8 region adcode, 9-17 organisation code body, 18 check.
    """
    n = len(county_adcode)
    alpha = np.array(list(USCC_ALPHABET))
    cls = np.where(np.asarray(registrar) == "9", "1", "2")
    body = alpha[rng.integers(0, 31, (n, 9))]
    body_s = np.array(["".join(r) for r in body.tolist()]) if n else np.array([], dtype="<U9")
    first17 = np.char.add(np.char.add(np.char.add(np.asarray(registrar, dtype="<U1"), cls),
                                      np.asarray(county_adcode, dtype="<U6")), body_s)
    return np.char.add(first17, uscc_check_chars(first17))


def make_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return ``n`` distinct-ish 11-digit mobile numbers ``1[3-9]x xxxx xxxx``."""
    pre = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), n)]
    rest = np.char.zfill(rng.integers(0, 100_000_000, n).astype("<U8"), 8)
    return np.char.add(pre, rest)


def make_digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """Random zero-padded digit strings of ``width``."""
    return np.char.zfill(rng.integers(0, 10**width, n, dtype=np.int64).astype(f"<U{width}"),
                         width)


def random_dates(rng: np.random.Generator, start: dt.date, end: dt.date,
                 n: int) -> np.ndarray:
    """Uniform random dates (datetime64[D]) in [start, end)."""
    a = np.datetime64(start, "D")
    span = (np.datetime64(end, "D") - a).astype(int)
    return a + rng.integers(0, max(span, 1), n).astype("timedelta64[D]")


def seq_ids(prefix: str, n: int, width: int, first: int = 1) -> np.ndarray:
    """``prefix`` + zero-padded running numbers from ``first`` (safe for n == 0)."""
    if n <= 0:
        return np.array([], dtype=f"<U{len(prefix) + width}")
    return np.char.add(prefix, np.char.zfill(np.arange(first, first + n).astype(str), width))
