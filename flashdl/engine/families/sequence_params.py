"""Parameter counts of recurrent layers, embeddings, multi-head attention and a Transformer
encoder layer, exactly as `torch.nn` counts them (`sum(p.numel() for p in m.parameters())`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_indices, pick
from flashdl.engine.params import (
    as_mapping,
    read_bool,
    read_choice,
    read_int,
    reject_unknown,
)

_COUNT = constant_spec(NumberAnswer(integral=True))
_MAX_UNITS = 1_000_000


# --- rnn_param_count -----------------------------------------------------------------------

CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
_CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
_ARTICLES = {"rnn": "An", "lstm": "An", "gru": "A"}
_GATE_WORDS = {"rnn": "1 weight set (tanh cell)", "lstm": "4 gates (input, forget, cell, output)",
               "gru": "3 gates (reset, update, new)"}
_RNN_KEYS = ("cell", "input_size", "hidden_size", "num_layers", "bias", "bidirectional", "bias_vectors")


def _rnn_read(params: Mapping[str, Any]) -> tuple[str, int, int, int, bool, bool, int]:
    params = as_mapping(params)
    reject_unknown(params, _RNN_KEYS)
    cell = read_choice(params, "cell", CELLS)
    input_size = read_int(params, "input_size", minimum=1, maximum=_MAX_UNITS)
    hidden_size = read_int(params, "hidden_size", minimum=1, maximum=_MAX_UNITS)
    layers = read_int(params, "num_layers", default=1, minimum=1, maximum=64)
    bias = read_bool(params, "bias", default=True)
    bidirectional = read_bool(params, "bidirectional", default=False)
    bias_vectors = read_int(params, "bias_vectors", default=2, minimum=1, maximum=2)
    return cell, input_size, hidden_size, layers, bias, bidirectional, bias_vectors


def _rnn_layers(params: Mapping[str, Any]) -> list[tuple[int, int, int]]:
    """(input width, weights, biases) of one direction of each layer."""
    cell, input_size, hidden, layers, bias, bidirectional, bias_vectors = _rnn_read(params)
    gates, directions = GATES[cell], 2 if bidirectional else 1
    rows = []
    for layer in range(layers):
        width = input_size if layer == 0 else hidden * directions
        rows.append((width, gates * hidden * (width + hidden), bias_vectors * gates * hidden if bias else 0))
    return rows


def _rnn_generate(rng: Rng) -> Params:
    cell, inputs, hidden, two_layers, bidirectional, textbook, no_bias = draw_indices(rng, (3, 8, 8, 4, 4, 4, 8))
    params: Params = {"cell": CELLS[cell], "input_size": (8, 10, 16, 20, 32, 50, 64, 100)[inputs],
                      "hidden_size": (8, 16, 20, 32, 50, 64, 100, 128)[hidden]}
    if two_layers == 0:
        params["num_layers"] = 2
    if bidirectional == 0:
        params["bidirectional"] = True
    if no_bias == 0:
        params["bias"] = False
    elif textbook == 0:
        params["bias_vectors"] = 1
    return params


def _rnn_solve(params: Mapping[str, Any]) -> int:
    directions = 2 if _rnn_read(params)[5] else 1
    return directions * sum(weights + biases for _, weights, biases in _rnn_layers(params))


def _bias_phrase(bias: bool, bias_vectors: int) -> str:
    if not bias:
        return "It has no biases (bias=False)."
    if bias_vectors == 2:
        return "Count the biases as PyTorch does: two bias vectors per gate, b_ih and b_hh."
    return ("Count the biases the textbook way: one bias vector per gate "
            "(PyTorch would keep two, b_ih and b_hh).")


def _rnn_prompt(params: Mapping[str, Any]) -> str:
    cell, input_size, hidden, layers, bias, bidirectional, bias_vectors = _rnn_read(params)
    shape = (f"{layers}-layer " if layers > 1 else "single-layer ") + ("bidirectional " if bidirectional else "")
    arguments = f"input_size={input_size}, hidden_size={hidden}"
    arguments += f", num_layers={layers}" if layers > 1 else ""
    arguments += ", bidirectional=True" if bidirectional else ""
    arguments += "" if bias else ", bias=False"
    return (f"A {shape}{_CELL_NAMES[cell]}: torch.nn.{_CELL_NAMES[cell]}({arguments}). "
            f"{_bias_phrase(bias, bias_vectors)} How many trainable parameters does it have?")


def _rnn_solution(params: Mapping[str, Any]) -> str:
    cell, input_size, hidden, layers, bias, bidirectional, bias_vectors = _rnn_read(params)
    gates, directions = GATES[cell], 2 if bidirectional else 1
    lines = [f"{_ARTICLES[cell]} {_CELL_NAMES[cell]} cell has {_GATE_WORDS[cell]}; each has an input weight matrix "
             f"(hidden × input) and a recurrent one (hidden × hidden)"
             + ("." if not bias else f", and {'two bias vectors' if bias_vectors == 2 else 'one bias vector'} "
                f"of size hidden."),
             f"per direction: {gates}·H·(input + H)" + (f" + {bias_vectors}·{gates}·H" if bias else "")]
    total = 0
    for index, (width, weights, biases) in enumerate(_rnn_layers(params), start=1):
        if index == 1:
            where = f"input {input_size}"
        else:
            where = f"input {width} (the {'2·' if bidirectional else ''}{hidden} outputs of layer {index - 1})"
        line = f"layer {index}, {where}: {gates}·{hidden}·({width} + {hidden}) = {weights}"
        if bias:
            line += f", + {bias_vectors}·{gates}·{hidden} = {biases} biases: {weights + biases}"
        if directions == 2:
            line += f"; × 2 directions = {2 * (weights + biases)}"
        lines.append(line)
        total += directions * (weights + biases)
    if layers > 1:
        lines.append("total = " + " + ".join(str(directions * (w + b)) for _, w, b in _rnn_layers(params))
                     + f" = {total}")
    return "\n".join(lines) + f"\n\nAnswer: {total}"


RNN_PARAM_COUNT = Family(
    name="rnn_param_count", title="RNN / LSTM / GRU parameter count", integral=True, answer_spec=_COUNT,
    generate=_rnn_generate, solve=_rnn_solve, prompt=_rnn_prompt, solution=_rnn_solution,
    topic_params=("cell",))


# --- embedding_param_count -----------------------------------------------------------------

def _embedding_read(params: Mapping[str, Any]) -> tuple[int, int]:
    params = as_mapping(params)
    reject_unknown(params, ("num_embeddings", "embedding_dim"))
    return (read_int(params, "num_embeddings", minimum=1, maximum=10**8),
            read_int(params, "embedding_dim", minimum=1, maximum=_MAX_UNITS))


def _embedding_generate(rng: Rng) -> Params:
    return {"num_embeddings": pick(rng, (1000, 5000, 10000, 20000, 30000, 50000)),
            "embedding_dim": pick(rng, (32, 50, 64, 100, 128, 256, 300, 512))}


def _embedding_solve(params: Mapping[str, Any]) -> int:
    count, dim = _embedding_read(params)
    return count * dim


def _embedding_prompt(params: Mapping[str, Any]) -> str:
    count, dim = _embedding_read(params)
    return (f"An embedding layer (torch.nn.Embedding) maps a vocabulary of {count} tokens to vectors of "
            f"size {dim}. How many trainable parameters does it have?")


def _embedding_solution(params: Mapping[str, Any]) -> str:
    count, dim = _embedding_read(params)
    return (f"An embedding is a lookup table: one row of {dim} numbers per token, no bias.\n"
            f"params = num_embeddings·embedding_dim = {count}·{dim} = {count * dim}\n\nAnswer: {count * dim}")


EMBEDDING_PARAM_COUNT = Family(
    name="embedding_param_count", title="Embedding parameter count", integral=True, answer_spec=_COUNT,
    generate=_embedding_generate, solve=_embedding_solve, prompt=_embedding_prompt,
    solution=_embedding_solution)


# --- multihead_attention_param_count -------------------------------------------------------

def _mha_read(params: Mapping[str, Any]) -> tuple[int, int, bool, int, int]:
    params = as_mapping(params)
    reject_unknown(params, ("embed_dim", "num_heads", "bias", "kdim", "vdim"))
    embed = read_int(params, "embed_dim", minimum=1, maximum=_MAX_UNITS)
    heads = read_int(params, "num_heads", minimum=1, maximum=embed)
    if embed % heads:
        raise EngineParamsError("num_heads", f"must divide embed_dim ({embed}), got {heads}")
    bias = read_bool(params, "bias", default=True)
    kdim = read_int(params, "kdim", default=embed, minimum=1, maximum=_MAX_UNITS)
    vdim = read_int(params, "vdim", default=embed, minimum=1, maximum=_MAX_UNITS)
    return embed, heads, bias, kdim, vdim


_EMBED_DIMS = (64, 128, 256, 512, 768)


def _mha_generate(rng: Rng) -> Params:
    embed, heads, no_bias, other_dims, kv = draw_indices(rng, (5, 3, 6, 5, 4))
    params: Params = {"embed_dim": _EMBED_DIMS[embed], "num_heads": (4, 8, 8)[heads]}
    if no_bias == 0:
        params["bias"] = False
    if other_dims == 0:
        params["kdim"] = params["vdim"] = (32, 64, 100, 256)[kv]
    return params


def _mha_parts(params: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """(Q/K/V projection weights, their biases, output weights, output bias)."""
    embed, _, bias, kdim, vdim = _mha_read(params)
    return embed * (embed + kdim + vdim), 3 * embed if bias else 0, embed * embed, embed if bias else 0


def _mha_solve(params: Mapping[str, Any]) -> int:
    return sum(_mha_parts(params))


def _mha_prompt(params: Mapping[str, Any]) -> str:
    embed, heads, bias, kdim, vdim = _mha_read(params)
    dims = "" if (kdim, vdim) == (embed, embed) else f", keys of size kdim = {kdim} and values of size vdim = {vdim}"
    biases = "with biases (bias=True, the default)" if bias else "without biases (bias=False)"
    return (f"A multi-head attention layer, torch.nn.MultiheadAttention(embed_dim={embed}, num_heads={heads})"
            f"{dims}, {biases}. How many trainable parameters does it have?")


def _mha_solution(params: Mapping[str, Any]) -> str:
    embed, heads, bias, kdim, vdim = _mha_read(params)
    qkv, qkv_bias, out, out_bias = _mha_parts(params)
    lines = [f"The {heads} heads split the {embed} dimensions ({embed // heads} each); they add no parameters.",
             f"Q, K, V projections: {embed}·{embed} + {embed}·{kdim} + {embed}·{vdim} = {qkv}"
             + (f", plus 3·{embed} = {qkv_bias} biases" if bias else ""),
             f"output projection: {embed}·{embed} = {out}" + (f", plus {embed} biases" if bias else ""),
             "total = " + " + ".join(str(part) for part in (qkv, qkv_bias, out, out_bias) if part)
             + f" = {_mha_solve(params)}"]
    return "\n".join(lines) + f"\n\nAnswer: {_mha_solve(params)}"


MULTIHEAD_ATTENTION_PARAM_COUNT = Family(
    name="multihead_attention_param_count", title="Multi-head attention parameter count", integral=True,
    answer_spec=_COUNT, generate=_mha_generate, solve=_mha_solve, prompt=_mha_prompt, solution=_mha_solution)


# --- transformer_encoder_layer_param_count -------------------------------------------------

def _encoder_read(params: Mapping[str, Any]) -> tuple[int, int, int, bool]:
    params = as_mapping(params)
    reject_unknown(params, ("d_model", "nhead", "dim_feedforward", "bias"))
    d_model = read_int(params, "d_model", minimum=1, maximum=_MAX_UNITS)
    heads = read_int(params, "nhead", minimum=1, maximum=d_model)
    if d_model % heads:
        raise EngineParamsError("nhead", f"must divide d_model ({d_model}), got {heads}")
    feedforward = read_int(params, "dim_feedforward", default=2048, minimum=1, maximum=_MAX_UNITS)
    return d_model, heads, feedforward, read_bool(params, "bias", default=True)


def _encoder_generate(rng: Rng) -> Params:
    d_model, heads, factor, no_bias = draw_indices(rng, (4, 2, 2, 6))
    d = (64, 128, 256, 512)[d_model]
    params: Params = {"d_model": d, "nhead": (4, 8)[heads], "dim_feedforward": (2, 4)[factor] * d}
    if no_bias == 0:
        params["bias"] = False
    return params


def _encoder_parts(params: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """(self-attention, first linear, second linear, both LayerNorms)."""
    d, _, ff, bias = _encoder_read(params)
    attention = _mha_solve({"embed_dim": d, "num_heads": 1, "bias": bias})
    return attention, d * ff + (ff if bias else 0), ff * d + (d if bias else 0), 2 * (2 * d if bias else d)


def _encoder_solve(params: Mapping[str, Any]) -> int:
    return sum(_encoder_parts(params))


def _encoder_prompt(params: Mapping[str, Any]) -> str:
    d, heads, ff, bias = _encoder_read(params)
    biases = ("Biases count (bias=True, the default)" if bias
              else "It is built with bias=False (no biases in its linear layers or LayerNorms)")
    return (f"A Transformer encoder layer, torch.nn.TransformerEncoderLayer(d_model={d}, nhead={heads}, "
            f"dim_feedforward={ff}): self-attention, a two-layer feed-forward network and two LayerNorms. "
            f"{biases}. How many trainable parameters does it have?")


def _encoder_solution(params: Mapping[str, Any]) -> str:
    d, heads, ff, bias = _encoder_read(params)
    attention, first, second, norms = _encoder_parts(params)

    def plus(text: str) -> str:
        return f" + {text}" if bias else ""

    lines = [f"self-attention (Q, K, V and output projections, {d} × {d} each): "
             f"4·{d}·{d}{plus(f'4·{d}')} = {attention}",
             f"feed-forward {d} → {ff}: {d}·{ff}{plus(str(ff))} = {first}",
             f"feed-forward {ff} → {d}: {ff}·{d}{plus(str(d))} = {second}",
             (f"two LayerNorms, each a scale{' and a shift' if bias else ''} of size {d}: "
             f"2·{'2·' if bias else ''}{d} = {norms}"),
             f"total = {attention} + {first} + {second} + {norms} = {_encoder_solve(params)}",
             f"(The {heads} heads only split the {d} dimensions: they add no parameters.)"]
    return "\n".join(lines) + f"\n\nAnswer: {_encoder_solve(params)}"


TRANSFORMER_ENCODER_LAYER_PARAM_COUNT = Family(
    name="transformer_encoder_layer_param_count", title="Transformer encoder layer parameter count",
    integral=True, answer_spec=_COUNT, generate=_encoder_generate, solve=_encoder_solve,
    prompt=_encoder_prompt, solution=_encoder_solution)

FAMILIES = (RNN_PARAM_COUNT, EMBEDDING_PARAM_COUNT, MULTIHEAD_ATTENTION_PARAM_COUNT,
            TRANSFORMER_ENCODER_LAYER_PARAM_COUNT)
