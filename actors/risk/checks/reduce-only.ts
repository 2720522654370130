/** REDUCE_ONLY: in the `REDUCING` state only an order that reduces the position passes. */
import { formatSize } from '../../../src/model/instrument.js';
import { reducesPosition } from '../pre-trade-checks.js';
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies, while `REDUCING`, an order that does not only reduce the position (`reducesPosition`). */
export const reduceOnly: RiskCheck = {
  name: 'REDUCE_ONLY',
  configKeys: [],
  check(order, ctx) {
    if (ctx.state !== 'REDUCING' || reducesPosition(order, ctx.position)) return RISK_OK;
    const { instrument, position } = ctx;
    const detail = `reducing only: a ${order.side} of ${formatSize(instrument, order.quantity)} does not reduce the ${order.symbol} position of ${formatSize(instrument, position)}`;
    return { ok: false, reason: 'REDUCE_ONLY', detail };
  },
};
