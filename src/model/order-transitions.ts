/**
 * The order state machine as data. `ORDER_TRANSITIONS[status][event]` is the status an event moves
 * an order to; a missing entry is an illegal transition, refused and counted by the caller. Two
 * targets depend on the order's quantities rather than on the event alone:
 * - `BY_FILL`: `FILLED` when the fill completes the quantity, else `PARTIALLY_FILLED`;
 * - `RESUME` (a refused cancel): `PARTIALLY_FILLED` when something was filled, else `ACCEPTED`.
 *
 * Modelled on NautilusTrader's order FSM, narrowed to what tickflow does, plus human approval:
 * - approval sits between creation and submission: `awaitApproval` parks an order in
 *   `PENDING_APPROVAL`, and only `approve` moves it on to `SUBMITTED`; `submit` is illegal there,
 *   so nothing reaches the venue unapproved;
 * - a risk denial (`deny`) happens before submission only;
 * - `reject` is the venue's (from `SUBMITTED`, or `ACCEPTED` for venues that reject after the
 *   acknowledgement, e.g. post-only) or the operator's (from `PENDING_APPROVAL`);
 * - fills may race a cancel request (`PENDING_CANCEL` → fill), as on real venues;
 * - terminal states (`DENIED`, `REJECTED`, `FILLED`, `CANCELED`, `EXPIRED`) accept nothing: a late
 *   fill on a canceled order is refused here, and the position must still take it (positions
 *   follow fills, not order states).
 */

/** Every status an order can be in. */
export type OrderStatus =
  | 'INITIALIZED'
  | 'DENIED'
  | 'PENDING_APPROVAL'
  | 'SUBMITTED'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'PARTIALLY_FILLED'
  | 'FILLED'
  | 'PENDING_CANCEL'
  | 'CANCELED'
  | 'EXPIRED';

/** Every event that can move an order. */
export type OrderEventType =
  | 'deny'
  | 'awaitApproval'
  | 'approve'
  | 'submit'
  | 'accept'
  | 'reject'
  | 'fill'
  | 'requestCancel'
  | 'cancelReject'
  | 'cancel'
  | 'expire';

/** A table entry: a status, or a rule resolved from the order's quantities. */
export type TransitionTarget = OrderStatus | 'BY_FILL' | 'RESUME';

/** All statuses, in lifecycle order (for reports that list counts by status). */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'INITIALIZED',
  'DENIED',
  'PENDING_APPROVAL',
  'SUBMITTED',
  'ACCEPTED',
  'REJECTED',
  'PARTIALLY_FILLED',
  'FILLED',
  'PENDING_CANCEL',
  'CANCELED',
  'EXPIRED',
];

/** All event types. */
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'deny',
  'awaitApproval',
  'approve',
  'submit',
  'accept',
  'reject',
  'fill',
  'requestCancel',
  'cancelReject',
  'cancel',
  'expire',
];

/** The transition table. */
export const ORDER_TRANSITIONS: {
  readonly [S in OrderStatus]: { readonly [E in OrderEventType]?: TransitionTarget };
} = {
  INITIALIZED: {
    deny: 'DENIED',
    awaitApproval: 'PENDING_APPROVAL',
    submit: 'SUBMITTED',
    cancel: 'CANCELED',
  },
  PENDING_APPROVAL: {
    approve: 'SUBMITTED',
    reject: 'REJECTED',
    cancel: 'CANCELED',
    expire: 'EXPIRED',
  },
  SUBMITTED: {
    accept: 'ACCEPTED',
    reject: 'REJECTED',
    fill: 'BY_FILL',
    requestCancel: 'PENDING_CANCEL',
    cancel: 'CANCELED',
    expire: 'EXPIRED',
  },
  ACCEPTED: {
    reject: 'REJECTED',
    fill: 'BY_FILL',
    requestCancel: 'PENDING_CANCEL',
    cancel: 'CANCELED',
    expire: 'EXPIRED',
  },
  PARTIALLY_FILLED: {
    fill: 'BY_FILL',
    requestCancel: 'PENDING_CANCEL',
    cancel: 'CANCELED',
    expire: 'EXPIRED',
  },
  PENDING_CANCEL: {
    // The venue's acknowledgement of the order itself can arrive after the cancel request.
    accept: 'PENDING_CANCEL',
    // A repeated cancel request while one is pending changes nothing and is not an error.
    requestCancel: 'PENDING_CANCEL',
    cancelReject: 'RESUME',
    // The venue can refuse the order itself after a cancel was requested (it never worked).
    reject: 'REJECTED',
    fill: 'BY_FILL',
    cancel: 'CANCELED',
    expire: 'EXPIRED',
  },
  DENIED: {},
  REJECTED: {},
  FILLED: {},
  CANCELED: {},
  EXPIRED: {},
};

/** The table entry for `event` in `status`, or `undefined` when the transition is illegal. */
export function transitionTarget(status: OrderStatus, event: OrderEventType): TransitionTarget | undefined {
  return ORDER_TRANSITIONS[status][event];
}

/** True for statuses no event leaves. */
export function isTerminalStatus(status: OrderStatus): boolean {
  return (
    status === 'DENIED' || status === 'REJECTED' || status === 'FILLED' || status === 'CANCELED' || status === 'EXPIRED'
  );
}

/**
 * True for statuses in which the order may still fill or is on its way to the venue (everything not
 * terminal), so it covers part of a target. `PENDING_CANCEL` counts: it may still fill.
 */
export function isOpenStatus(status: OrderStatus): boolean {
  return !isTerminalStatus(status);
}
