"""numpy's ``default_rng(seed)`` in plain Python, draw for draw, for the calls the families make.

Why: importing numpy costs a command ~90 ms (2.7x `flashdl --help`), and most families need it
for nothing but their random draws. A variant is a pure function of (family, seed), so the draws
must stay numpy's own: `SeedSequence` seeding, the PCG64 (XSL-RR 128/64) stream, the 32-bit
half-word buffer, Lemire's bounded integers and the Fisher-Yates `permutation`. The tests check
every call here against numpy itself (numpy 2.x `Generator`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_MASK128 = (1 << 128) - 1

# numpy/random/bit_generator.pyx (SeedSequence)
_POOL_SIZE = 4
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_MULT_L = 0xCA01F9DD
_MIX_MULT_R = 0x4973F715
_XSHIFT = 16

# numpy/random/src/pcg64 (PCG_DEFAULT_MULTIPLIER_128)
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645


def _words(entropy: int | Sequence[int]) -> list[int]:
    """The seed as numpy's uint32 words: an int little-endian, a sequence element by element."""
    if isinstance(entropy, int):
        if entropy < 0:
            raise ValueError("expected non-negative integer")
        words = [entropy & _MASK32]
        entropy >>= 32
        while entropy:
            words.append(entropy & _MASK32)
            entropy >>= 32
        return words
    return [word for item in entropy for word in _words(item)]


def _seed_state(entropy: int | Sequence[int]) -> list[int]:
    """`SeedSequence(entropy).generate_state(4, uint64)`."""
    words = _words(entropy)
    hash_const = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal hash_const
        value ^= hash_const
        hash_const = (hash_const * _MULT_A) & _MASK32
        value = (value * hash_const) & _MASK32
        return value ^ (value >> _XSHIFT)

    def mix(x: int, y: int) -> int:
        result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _MASK32
        return result ^ (result >> _XSHIFT)

    pool = [hashmix(words[i] if i < len(words) else 0) for i in range(_POOL_SIZE)]
    for i_src in range(_POOL_SIZE):
        for i_dst in range(_POOL_SIZE):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hashmix(pool[i_src]))
    for word in words[_POOL_SIZE:]:
        for i_dst in range(_POOL_SIZE):
            pool[i_dst] = mix(pool[i_dst], hashmix(word))
    state32 = []
    out_const = _INIT_B
    for i in range(8):
        value = pool[i % _POOL_SIZE] ^ out_const
        out_const = (out_const * _MULT_B) & _MASK32
        value = (value * out_const) & _MASK32
        state32.append(value ^ (value >> _XSHIFT))
    return [state32[i] | (state32[i + 1] << 32) for i in range(0, 8, 2)]


class Pcg64Generator:
    """The subset of `numpy.random.Generator` (over PCG64) the families call; sized draws are lists."""

    __slots__ = ("_state", "_inc", "_half")

    def __init__(self, seed: int | Sequence[int]) -> None:
        s0, s1, i0, i1 = _seed_state(seed)
        self._inc = (((i0 << 64) | i1) << 1 | 1) & _MASK128
        self._state = 0
        self._step()
        self._state = (self._state + ((s0 << 64) | s1)) & _MASK128
        self._step()
        self._half: int | None = None   # the high half of the last 64-bit draw, not yet used

    def _step(self) -> None:
        self._state = (self._state * _PCG_MULT + self._inc) & _MASK128

    def _next64(self) -> int:
        self._step()
        state = self._state
        value = ((state >> 64) ^ state) & _MASK64
        rot = state >> 122
        return ((value >> rot) | (value << (64 - rot))) & _MASK64 if rot else value

    def _next32(self) -> int:
        if self._half is not None:
            half, self._half = self._half, None
            return half
        value = self._next64()
        self._half = value >> 32
        return value & _MASK32

    def _bounded(self, span: int) -> int:
        """An int in [0, span], numpy's `random_bounded_uint64` (Lemire, not masked)."""
        if span == 0:
            return 0
        if span <= _MASK32:
            if span == _MASK32:
                return self._next32()
            bits, mask, draw = 32, _MASK32, self._next32
        else:
            if span == _MASK64:
                return self._next64()
            bits, mask, draw = 64, _MASK64, self._next64
        excl = span + 1
        m = draw() * excl
        if m & mask < excl:
            threshold = (mask - span) % excl
            while m & mask < threshold:
                m = draw() * excl
        return m >> bits

    def integers(self, low: int, high: int | None = None,
                 size: int | tuple[int, ...] | None = None) -> Any:
        """`Generator.integers` (int64, high excluded): an int, or nested lists of `size`."""
        if high is None:
            low, high = 0, low
        low, high = int(low), int(high)
        if low >= high:
            raise ValueError("low >= high")
        span = high - 1 - low
        if size is None:
            return low + self._bounded(span)
        shape = (size,) if isinstance(size, int) else tuple(size)
        count = 1
        for dim in shape:
            count *= dim
        flat: list[Any] = [low + self._bounded(span) for _ in range(count)]
        for dim in reversed(shape[1:]):
            flat = [flat[i:i + dim] for i in range(0, len(flat), dim)]
        return flat

    def _interval(self, top: int) -> int:
        """numpy's `random_interval`: an int in [0, top] by masked rejection."""
        if top == 0:
            return 0
        mask = (1 << top.bit_length()) - 1
        draw = self._next32 if top <= _MASK32 else self._next64
        while (value := draw() & mask) > top:
            pass
        return value

    def permutation(self, items: Sequence[Any]) -> list[Any]:
        """`Generator.permutation` of a 1-d sequence, as a new list."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self._interval(i)
            out[i], out[j] = out[j], out[i]
        return out


def default_rng(seed: int | Sequence[int]) -> Pcg64Generator:
    """`numpy.random.default_rng(seed)` for a non-negative int seed or a sequence of them."""
    return Pcg64Generator(seed)
