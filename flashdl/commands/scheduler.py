"""``flashdl scheduler optimize|evaluate|simulate``: FSRS on the user's own reviews (DESIGN §3)."""

from __future__ import annotations

import argparse

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line, table


def optimize(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services import fsrs_evidence

    with ctx.open_store() as store:
        result = fsrs_evidence.optimize(store, args.deck)
    if args.json:
        emit_json(ctx, result.to_json())
        return 0
    where = f"deck {args.deck}" if args.deck else "the collection"
    emit_line(ctx, f"FSRS tuned on {result.reviews} reviews; parameters stored in {where}'s options:")
    emit_line(ctx, "  " + ", ".join(f"{w:g}" for w in result.parameters))
    emit_line(ctx, f"log loss: {result.log_loss_before:.4f} with the default parameters, "
                   f"{result.log_loss_after:.4f} tuned")
    return 0


def evaluate(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services import fsrs_evidence

    with ctx.open_store() as store:
        result = fsrs_evidence.evaluate(store, args.deck)
    if args.json:
        emit_json(ctx, result.to_json())
        return 0
    emit_line(ctx, f"{result.reviews} reviews predicted (time-series split, trained on the past)")
    rows = [
        [name, f"{score.log_loss:.4f}", f"{score.rmse_bins:.4f}",
         "-" if score.auc is None else f"{score.auc:.4f}"]
        for name, score in result.schedulers.items()
    ]
    emit_line(ctx, table(rows, ["scheduler", "log loss", "RMSE(bins)", "AUC"], right={1, 2, 3}))
    emit_line(ctx, "lower log loss and RMSE, higher AUC: better predictions of recall")
    return 0


def simulate(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services import fsrs_evidence

    with ctx.open_store() as store:
        workloads = fsrs_evidence.simulate(store, args.deck, days=args.days,
                                           retentions=args.desired_retention)
    if args.json:
        emit_json(ctx, {"days": args.days, "workloads": [w.to_json() for w in workloads]})
        return 0
    rows = []
    for w in workloads:
        days = len(w.reviews_per_day) or 1
        rows.append([
            f"{w.desired_retention:.2f}",
            f"{sum(w.reviews_per_day) / days:.1f}",
            f"{max(w.reviews_per_day, default=0)}",
            f"{w.remembered[-1]:.0f}" if w.remembered else "0",
        ])
    emit_line(ctx, f"FSRS workload over {args.days} days:")
    emit_line(ctx, table(rows, ["retention", "reviews/day", "peak", "remembered at end"],
                         right={0, 1, 2, 3}))
    return 0
