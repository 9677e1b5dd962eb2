"""The content review of dl-xgb-bert and lesson-6 (docs/content-review.md) stays true, and the
computed cards added to dl-xgb-bert and csw182-notes with the second-round families agree
with values worked by hand.

Curation is data, so these tests pin its rules rather than its wording: no empty side,
every computed card states its example's value (the audit finds it and agrees), every
correction keeps the source text and gives a one-line reason, no note that shows on the
front by accident, and curated text adds no Markdown markup (the app shows bundled text
character for character).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from flashdl.deck.files import load_deck_file
from flashdl.deck.model import Card, Deck
from flashdl.engine import FAMILIES
from flashdl.engine.audit import audit_card
from flashdl.engine.registry import get_family

CARDS = Path(__file__).resolve().parents[2] / "cards"
REVIEWED = ("dl-xgb-bert", "lesson-6")
DECKS = {deck_id: load_deck_file(CARDS / f"{deck_id}.yaml", known_families=FAMILIES) for deck_id in REVIEWED}
ALL_CARDS = [(deck, card) for deck in DECKS.values() for card in deck.cards]
IDS = [deck.full_id(card) for deck, card in ALL_CARDS]
COMPUTED = [(deck, card) for deck, card in ALL_CARDS if card.engine]
MARKUP = (
    re.compile(r"\*\*"),                       # bold
    re.compile(r"`"),                          # code
    re.compile(r"(?m)^#{1,6} "),               # heading
    re.compile(r"(?<![\w*])\*[^*\s][^*\n]*\*(?![\w*])"),   # *emphasis*
    re.compile(r"(?<!\w)_[^_\s][^_\n]*_(?!\w)"),           # _emphasis_
)


def _markup(text: str) -> int:
    return sum(len(pattern.findall(text)) for pattern in MARKUP)


@pytest.mark.parametrize("deck, card", ALL_CARDS, ids=IDS)
def test_no_side_is_empty(deck: Deck, card: Card) -> None:
    assert card.front.strip() and card.back.strip()


def test_the_computed_cards_the_review_added_are_there() -> None:
    computed = {deck.full_id(card): card.engine.family for deck, card in COMPUTED if card.engine}
    assert computed == {
        "lesson-6/007": "init_scale",
        "dl-xgb-bert/002": "linear_param_count",
        "dl-xgb-bert/005": "softmax",
        "dl-xgb-bert/011": "binary_cross_entropy",
        "dl-xgb-bert/020": "optimizer_step",
        "dl-xgb-bert/022": "init_scale",
        "dl-xgb-bert/027": "rnn_param_count",
        "dl-xgb-bert/028": "rnn_param_count",
        "dl-xgb-bert/037": "rnn_param_count",
        "dl-xgb-bert/058": "embedding_param_count",
        "dl-xgb-bert/070": "rnn_param_count",
        "dl-xgb-bert/074": "conv2d_forward",
        "dl-xgb-bert/076": "activation_memory",
        "dl-xgb-bert/078": "conv2d_output_size",
        "dl-xgb-bert/079": "conv2d_output_size",
        "dl-xgb-bert/080": "conv2d_forward",
        "dl-xgb-bert/081": "conv2d_param_count",
        "dl-xgb-bert/084": "conv2d_param_count",
        "dl-xgb-bert/086": "pool_output_size",
        "dl-xgb-bert/105": "optimizer_step",
        "dl-xgb-bert/108": "adam_step",
    }


@pytest.mark.parametrize("deck, card", COMPUTED, ids=[deck.full_id(card) for deck, card in COMPUTED])
def test_every_computed_back_states_its_examples_value(deck: Deck, card: Card) -> None:
    assert card.engine is not None
    entry = audit_card(deck.full_id(card), card.engine.family, dict(card.engine.params), card.back)
    assert entry.verdict == "ok", entry


def test_blocks_ask_what_their_card_asks() -> None:
    xavier = DECKS["lesson-6"].card("007").engine          # titled Xavier/Glorot
    assert xavier is not None and xavier.params["scheme"] == "xavier"
    bce = DECKS["dl-xgb-bert"].card("011").engine          # binary cross-entropy: the two-class family
    assert bce is not None and bce.family == "binary_cross_entropy" and bce.params["targets"] == [1]
    textbook = DECKS["dl-xgb-bert"].card("027").engine     # Wx, Ws and one bias, as the card draws them
    assert textbook is not None and textbook.params["bias_vectors"] == 1
    stacked = DECKS["dl-xgb-bert"].card("028").engine      # "3 layers": variants would drop the layers
    assert stacked is not None and stacked.params["num_layers"] == 3 and not stacked.vary
    both_ways = DECKS["dl-xgb-bert"].card("070").engine
    assert both_ways is not None and both_ways.params["bidirectional"] is True and not both_ways.vary
    rgb = DECKS["dl-xgb-bert"].card("080").engine          # an RGB image: three input channels
    assert rgb is not None and len(rgb.params["input"]) == 3 and not rgb.vary


def test_hand_computed_examples() -> None:
    """The values the backs state, computed here by hand from the published formulas."""
    backs = {card.id: card.back for card in DECKS["dl-xgb-bert"].cards}
    assert backs["002"].endswith(f"= {10 * (100 + 1)} parameters")                  # M·(N+1)
    assert backs["084"].endswith(f"= {45 * (5 * 5 * 32 + 1)} parameters")           # out·(in·k·k + 1)
    assert backs["081"].endswith(f"= {4 * (5 * 5 * 3 + 1)} parameters")
    assert f"= {28 * 28 * 3} values" in backs["076"]
    assert backs["078"].endswith(f"the output is {28 - 3 + 1}x{28 - 3 + 1}.")      # N − k + 1
    assert backs["079"].endswith(f"the output is {(28 + 2 - 3) // 2 + 1}x{(28 + 2 - 3) // 2 + 1}.")
    assert DECKS["lesson-6"].card("007").back.endswith(f"= {(2 / (100 + 100)) ** 0.5:g}")


# Second-round families (DESIGN §5b): each value worked by hand from the published update rules
# and parameter layouts (torch.optim docs, torch.nn.RNN/LSTM/Embedding), and checked once against
# PyTorch 2.13 when the cards were written. Tuples: (engine's value, what the back states).
SECOND_ROUND = {
    # binary cross-entropy of one example with y = 1, p = 0.8: −ln 0.8
    ("dl-xgb-bert", "011"): -math.log(0.8),
    # SGD momentum, lr 0.1, μ 0.9, g = 0.5 twice: b = 0.5, θ = 0.95; b = 0.95, θ = 0.855
    ("dl-xgb-bert", "020"): 1 - 0.1 * 0.5 - 0.1 * (0.9 * 0.5 + 0.5),
    # RNN 10 → 20, one bias vector: 20·10 + 20·20 + 20
    ("dl-xgb-bert", "027"): 20 * 10 + 20 * 20 + 20,
    # 3-layer RNN 10 → 20, two bias vectors: (200 + 400 + 40) + 2·(400 + 400 + 40)
    ("dl-xgb-bert", "028"): (200 + 400 + 40) + 2 * (400 + 400 + 40),
    # LSTM 10 → 20, one bias vector: four gate layers of 20×30 weights + 20 biases
    ("dl-xgb-bert", "037"): 4 * (20 * 30 + 20),
    # embedding table 10000 × 300
    ("dl-xgb-bert", "058"): 10000 * 300,
    # bidirectional RNN 10 → 20: two directions of 200 + 400 + 40
    ("dl-xgb-bert", "070"): 2 * (200 + 400 + 40),
    # RMSprop, lr 0.01, α 0.99, g = 0.5: v = 0.0025, step 0.01·0.5/0.05 = 0.1
    ("dl-xgb-bert", "105"): 1 - 0.01 * 0.5 / math.sqrt(0.01 * 0.25),
}


@pytest.mark.parametrize("key", sorted(SECOND_ROUND), ids=["/".join(key) for key in sorted(SECOND_ROUND)])
def test_second_round_examples_by_hand(key: tuple[str, str]) -> None:
    deck_id, card_id = key
    spec = DECKS[deck_id].card(card_id).engine
    assert spec is not None
    solved = get_family(spec.family).solve(dict(spec.params))
    assert math.isclose(float(solved), SECOND_ROUND[key], rel_tol=1e-6)
    entry = audit_card(f"{deck_id}/{card_id}", spec.family, dict(spec.params), DECKS[deck_id].card(card_id).back)
    assert entry.verdict == "ok", entry


def test_the_rgb_convolution_by_hand() -> None:
    """dl-xgb-bert/080: one 2×2×3 filter over a 3×3 RGB input, summed over the channels."""
    spec = DECKS["dl-xgb-bert"].card("080").engine
    assert spec is not None
    image, kernel = spec.params["input"], spec.params["kernel"]
    by_hand = [[sum(image[c][i + a][j + b] * kernel[c][a][b] for c in range(3) for a in range(2) for b in range(2))
                for j in range(2)] for i in range(2)]
    assert by_hand == [[6, 6], [1, 5]]                     # the value the back states
    assert get_family("conv2d_forward").solve(dict(spec.params)) == by_hand
    assert DECKS["dl-xgb-bert"].card("080").back.endswith("[[6, 6], [1, 5]].")


def test_the_greyscale_convolution_by_hand() -> None:
    """dl-xgb-bert/074: a 3×3 filter slid over a 4×4 greyscale input, no flip, no padding."""
    spec = DECKS["dl-xgb-bert"].card("074").engine
    assert spec is not None
    image, kernel = spec.params["input"], spec.params["kernel"]
    by_hand = [[sum(image[i + a][j + b] * kernel[a][b] for a in range(3) for b in range(3)) for j in range(2)]
               for i in range(2)]
    assert by_hand == [[4, 9], [6, 3]]                     # the value the back states
    assert get_family("conv2d_forward").solve(dict(spec.params)) == by_hand
    assert DECKS["dl-xgb-bert"].card("074").back.endswith("the output is [[4, 9], [6, 3]].")


NOTES = load_deck_file(CARDS / "csw182-notes.yaml", known_families=FAMILIES)
NOTES_BY_HAND = {
    # v ← μv − ηg, w ← w + v from w = 1, v = 0, g = 0.5 twice: v = −0.05, −0.095
    "006": 1 - 0.05 - (0.9 * 0.05 + 0.1 * 0.5),
    # s = 0.01·0.5² = 0.0025, w = 1 − 0.01·0.5/√0.0025
    "008": 1 - 0.01 * 0.5 / 0.05,
    # BatchNorm over 64 channels: one γ and one β each
    "029": 2 * 64,
    # G = 4 then 8: w = 1 − 0.1·2/2 − 0.1·2/√8
    "009": 1 - 0.1 - 0.2 / math.sqrt(8),
    # boxes [0,0,4,4] and [2,2,6,6]: intersection 2·2, union 16 + 16 − 4
    "047": 4 / (16 + 16 - 4),
    # logistic regression's loss for y = 1, p = 0.8
    "054": -math.log(0.8),
}


@pytest.mark.parametrize("card_id", sorted(NOTES_BY_HAND))
def test_notes_deck_second_round_examples_by_hand(card_id: str) -> None:
    spec = NOTES.card(card_id).engine
    assert spec is not None
    solved = get_family(spec.family).solve(dict(spec.params))
    assert math.isclose(float(solved), NOTES_BY_HAND[card_id], rel_tol=1e-6)
    entry = audit_card(f"csw182-notes/{card_id}", spec.family, dict(spec.params), NOTES.card(card_id).back)
    assert entry.verdict == "ok", entry


@pytest.mark.parametrize("deck, card", ALL_CARDS, ids=IDS)
def test_corrections_keep_the_source_and_give_a_one_line_reason(deck: Deck, card: Card) -> None:
    for erratum in card.errata:
        assert erratum.note.strip() and "\n" not in erratum.note
        # A note without a field shows on the front too, where it could give the answer away.
        assert erratum.field in ("front", "back")
        if erratum.original is not None:
            assert getattr(card, erratum.field) != erratum.original


@pytest.mark.parametrize("deck, card", ALL_CARDS, ids=IDS)
def test_curated_text_adds_no_markdown(deck: Deck, card: Card) -> None:
    for side in ("front", "back"):
        assert _markup(getattr(card, side)) <= _markup(card.source_text(side)), side
    for erratum in card.errata:
        assert _markup(erratum.note) == 0


def test_second_round_values_against_pytorch() -> None:
    """The hand-worked values above, computed again by PyTorch itself (skipped without torch)."""
    torch = pytest.importorskip("torch")

    def stepped(optimizer: Any, grads: list[float], **settings: float) -> float:
        theta = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
        opt = optimizer([theta], **settings)
        for g in grads:
            theta.grad = torch.tensor([g], dtype=torch.float64)
            opt.step()
        return float(theta.item())

    def count(module: Any, drop: str = "") -> int:    # drop: skip PyTorch's second bias vectors
        return sum(p.numel() for name, p in module.named_parameters() if not (drop and name.startswith(drop)))

    momentum = stepped(torch.optim.SGD, [0.5, 0.5], lr=0.1, momentum=0.9)
    rmsprop = stepped(torch.optim.RMSprop, [0.5], lr=0.01, alpha=0.99)
    adagrad = stepped(torch.optim.Adagrad, [2, 2], lr=0.1)
    bce = float(torch.nn.functional.binary_cross_entropy(torch.tensor([0.8]), torch.tensor([1.0])))
    by_torch = {
        ("dl-xgb-bert", "011"): bce,
        ("dl-xgb-bert", "020"): momentum,
        ("dl-xgb-bert", "027"): count(torch.nn.RNN(10, 20), drop="bias_hh"),
        ("dl-xgb-bert", "028"): count(torch.nn.RNN(10, 20, num_layers=3)),
        ("dl-xgb-bert", "037"): count(torch.nn.LSTM(10, 20), drop="bias_hh"),
        ("dl-xgb-bert", "058"): count(torch.nn.Embedding(10000, 300)),
        ("dl-xgb-bert", "070"): count(torch.nn.RNN(10, 20, bidirectional=True)),
        ("dl-xgb-bert", "105"): rmsprop,
    }
    for key, value in by_torch.items():
        assert math.isclose(value, SECOND_ROUND[key], rel_tol=1e-6), key
    notes = {"006": momentum, "008": rmsprop, "009": adagrad, "029": count(torch.nn.BatchNorm2d(64)), "054": bce}
    for card_id, value in notes.items():
        assert math.isclose(value, NOTES_BY_HAND[card_id], rel_tol=1e-6), card_id
    for card_id in ("074", "080"):
        spec = DECKS["dl-xgb-bert"].card(card_id).engine
        assert spec is not None
        image = torch.tensor(spec.params["input"], dtype=torch.float64)
        kernel = torch.tensor(spec.params["kernel"], dtype=torch.float64)
        if image.dim() == 2:
            image, kernel = image[None], kernel[None]
        output = torch.nn.functional.conv2d(image[None], kernel[None])[0, 0]
        assert output.tolist() == get_family("conv2d_forward").solve(dict(spec.params)), card_id
