/**
 * Configuration reload (SIGHUP): what of a new config the running daemon takes without a restart,
 * taken all or nothing.
 *
 * Reloadable:
 * - `risk`: every limit, check, override and the kill switch (`risk_reconfigure`; see the risk
 *   actor for what is kept), except `risk.initialState`, which is the state at start;
 * - `strategy.params` that the handlers read through `api.params` (`strategy_reconfigure`), when
 *   the strategy is the same; not those its `init` reads (`StrategyDefinition.initParams`, e.g.
 *   ema-cross's `fast`, `slow`, `seed`), which built the indicators.
 *
 * Everything else that changed (feeds, instruments, bars, books, `strategy.name`, execution, cash,
 * seed, mailboxCapacity, http, gateway, persistence, log, shutdown...) is listed as needing a
 * restart and is not applied.
 *
 * Order: `reloadPlan` validates first (the whole file as a daemon would start from it: the cross-key
 * checks, the strategy's params by its schema, and each payload to be sent, the risk config by
 * building a guard from it); `applyReload` sends nothing when the plan has a problem. Then both
 * messages go out and both replies are awaited; if either actor refuses (or does not answer), the
 * other is sent its previous config back, so the change is all or nothing. Each actor swaps between
 * two of its messages; between the two actors' swaps there is no common instant (they are separate
 * mailboxes), so an order may briefly meet new risk limits while the strategy still has its old
 * params, never half of one actor's config.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ReconfigureResult, RiskMessage } from '../../actors/risk/risk-actor.js';
import type { ResolvedRiskConfig } from '../../actors/risk/risk-config.js';
import { RiskGuard } from '../../actors/risk/risk-guard.js';
import { getStrategy, resolveStrategyParams } from '../../actors/strategies/strategies.js';
import type { StrategyReconfigure, StrategyReconfigureResult } from '../../actors/strategies/strategy-api.js';
import type { ActorRef } from '../runtime/actor.js';
import { isTickflowError } from '../runtime/errors.js';
import type { TickflowConfig } from './config.js';
import { daemonConfigProblems } from './daemon-config.js';

/** What a reload would change, from the running config to the next one. */
export interface ReloadPlan {
  /** The risk config to send (and the one to send back on a rollback); undefined when unchanged. */
  readonly risk: { readonly from: ResolvedRiskConfig; readonly to: ResolvedRiskConfig } | undefined;
  /** The strategy params to send (validated, defaults filled in) and the running ones; undefined when unchanged. */
  readonly strategyParams: { readonly from: Record<string, unknown>; readonly to: Record<string, unknown> } | undefined;
  /** Changed paths that the plan applies (`risk.maxOrderQuantity`, `strategy.params.size`). */
  readonly applied: readonly string[];
  /** Changed paths that only a restart applies (`feeds.0.url`, `strategy.params.fast`). */
  readonly needsRestart: readonly string[];
  /** Why the next config cannot be applied at all, as `path: message` lines; empty when it can. */
  readonly problems: readonly string[];
  /** The config the daemon runs once the plan is applied: `running` with the applied parts of `next`. */
  readonly result: TickflowConfig;
}

/** What `applyReload` did. */
export interface ReloadOutcome {
  /** True when every applied path is in force; false when nothing was (refused, or rolled back). */
  readonly ok: boolean;
  readonly applied: readonly string[];
  readonly needsRestart: readonly string[];
  /** Why not (`path: message` lines of the plan, or each actor's refusal); empty when ok. */
  readonly problems: readonly string[];
}

/** The actors a reload talks to (the daemon's `trading.pipeline` fits). */
export interface ReloadTargets {
  readonly risk: ActorRef<RiskMessage>;
  readonly strategy: ActorRef<unknown>;
}

/** Compares `running` with `next` and validates what would be sent (see the module comment). */
export function reloadPlan(running: TickflowConfig, next: TickflowConfig): ReloadPlan {
  const problems = daemonConfigProblems(next);
  const applied: string[] = [];
  const needsRestart: string[] = [];

  const changed: string[] = [];
  diffPaths(withoutParams(running), withoutParams(next), '', changed);
  let riskChanged = false;
  for (const path of changed) {
    if (path.startsWith('risk.') && path !== 'risk.initialState') {
      applied.push(path);
      riskChanged = true;
    } else needsRestart.push(path);
  }
  const riskTo: ResolvedRiskConfig = { ...next.risk, initialState: running.risk.initialState };
  if (riskChanged) problems.push(...riskProblems(riskTo));

  const from = validParams(running.strategy.name, running.strategy.params, 'strategy.params', []);
  const to = validParams(next.strategy.name, next.strategy.params, 'strategy.params', problems);
  let params: Record<string, unknown> | undefined;
  if (next.strategy.name !== running.strategy.name) {
    diffPaths(running.strategy.params, next.strategy.params, 'strategy.params', needsRestart);
  } else if (from !== undefined && to !== undefined) {
    const initParams = getStrategy(running.strategy.name).initParams;
    const paramPaths: string[] = [];
    diffPaths(from, to, 'strategy.params', paramPaths);
    for (const path of paramPaths) (initParams.includes(path.split('.')[2]!) ? needsRestart : applied).push(path);
    if (paramPaths.some((p) => !initParams.includes(p.split('.')[2]!))) {
      // The running values of the params init reads, so the strategy is not asked for a change it refuses.
      const send: Record<string, unknown> = { ...to };
      for (const key of initParams) {
        if (Object.hasOwn(from, key)) send[key] = from[key];
        else delete send[key];
      }
      params = validParams(running.strategy.name, send, 'strategy.params (the reloadable params with the running params init reads)', problems);
    }
  }

  const result: TickflowConfig = {
    ...running,
    risk: riskChanged ? riskTo : running.risk,
    strategy: params === undefined ? running.strategy : { ...running.strategy, params },
  };
  return {
    risk: riskChanged ? { from: running.risk, to: riskTo } : undefined,
    strategyParams: params === undefined || from === undefined ? undefined : { from, to: params },
    applied,
    needsRestart,
    problems,
    result,
  };
}

/**
 * Applies `plan` to the running actors, all or nothing: a plan with problems sends nothing; else
 * both reconfigure messages are sent, and if either is refused or unanswered within `timeout` (µs of
 * the system's clock, default 5 s), each actor that did not refuse is sent its previous config.
 */
export async function applyReload(targets: ReloadTargets, plan: ReloadPlan, options: { readonly timeout?: number } = {}): Promise<ReloadOutcome> {
  const { applied, needsRestart } = plan;
  if (plan.problems.length > 0) return { ok: false, applied: [], needsRestart, problems: plan.problems };
  const timeout = options.timeout ?? 5_000_000;
  const steps: Step[] = [];
  if (plan.risk !== undefined) {
    steps.push({ name: 'risk', ref: targets.risk as ActorRef<unknown>, apply: { type: 'risk_reconfigure', risk: plan.risk.to }, undo: { type: 'risk_reconfigure', risk: plan.risk.from } });
  }
  if (plan.strategyParams !== undefined) {
    const apply: StrategyReconfigure = { type: 'strategy_reconfigure', params: plan.strategyParams.to };
    const undo: StrategyReconfigure = { type: 'strategy_reconfigure', params: plan.strategyParams.from };
    steps.push({ name: 'strategy', ref: targets.strategy, apply, undo });
  }
  const replies = await Promise.all(steps.map((s) => ask(s.ref, s.apply, timeout)));
  const refusals = replies.flatMap((r, i) => (r.ok ? [] : [`${steps[i]!.name}: ${r.detail}`]));
  if (refusals.length === 0) return { ok: true, applied, needsRestart, problems: [] };
  // Back to the previous config wherever the new one may be in force: an actor that said yes, or
  // one that did not answer (its mailbox is in order, so the undo comes after a late apply).
  const undone = await Promise.all(steps.map((s, i) => (replies[i]!.ok || replies[i]!.unanswered === true ? ask(s.ref, s.undo, timeout) : undefined)));
  const failedUndo = undone.flatMap((r, i) => (r === undefined || r.ok ? [] : [`${steps[i]!.name}: rolling back failed, its config may be the new one: ${r.detail}`]));
  return { ok: false, applied: [], needsRestart, problems: [...refusals, ...failedUndo] };
}

/** Reloads of one daemon (`createConfigReloader`). */
export interface ConfigReloader {
  /** The config in force: the one started with, plus what reloads applied. */
  readonly config: TickflowConfig;
  /** Plans `next` against `config` and applies it; one reload at a time (a second waits for the first). */
  reload(next: TickflowConfig): Promise<ReloadOutcome>;
}

/** Reloads for the actors `targets`, starting from `initial` (the config the daemon started with). */
export function createConfigReloader(targets: ReloadTargets, initial: TickflowConfig, options: { readonly timeout?: number } = {}): ConfigReloader {
  let config = initial;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get config() {
      return config;
    },
    reload(next) {
      const run = queue.then(async () => {
        const plan = reloadPlan(config, next);
        const outcome = await applyReload(targets, plan, options);
        if (outcome.ok) config = plan.result;
        return outcome;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

interface Step {
  readonly name: string;
  readonly ref: ActorRef<unknown>;
  readonly apply: unknown;
  readonly undo: unknown;
}

type Reply = (ReconfigureResult | StrategyReconfigureResult) & { readonly unanswered?: boolean };

async function ask(ref: ActorRef<unknown>, message: unknown, timeout: number): Promise<Reply> {
  try {
    return await ref.ask<ReconfigureResult>(message, { timeout });
  } catch (error) {
    return { ok: false, detail: `no answer: ${(error as Error).message}`, unanswered: true };
  }
}

/** The strategy's params validated by its schema, or undefined with the problems added (`prefix.path: message`). */
function validParams(name: string, params: Record<string, unknown>, prefix: string, problems: string[]): Record<string, unknown> | undefined {
  try {
    return resolveStrategyParams(name, [], params);
  } catch (error) {
    if (!isTickflowError(error)) throw error;
    const issues = error.context['issues'] as readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] | undefined;
    if (issues === undefined) problems.push(`strategy.name: ${error.message}`);
    else for (const issue of issues) problems.push(`${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`);
    return undefined;
  }
}

/** A risk config is valid if a guard builds from it (the reconfigure builds the same parts). */
function riskProblems(risk: ResolvedRiskConfig): string[] {
  try {
    new RiskGuard(risk, { quotePrecision: 2 });
    return [];
  } catch (error) {
    return [`risk: ${(error as Error).message}`];
  }
}

function withoutParams(config: TickflowConfig): unknown {
  return { ...config, strategy: { ...config.strategy, params: undefined } };
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Adds to `out` the paths where `a` and `b` differ: the leaves of plain objects, the elements of
 * equally long arrays of objects (`feeds.0.url`), other arrays and values as a whole.
 */
function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isDeepStrictEqual(a, b)) return;
  const at = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diffPaths(a[key], b[key], at(key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every(isPlainObject) && b.every(isPlainObject)) {
    for (let i = 0; i < a.length; i++) diffPaths(a[i], b[i], at(i), out);
    return;
  }
  out.push(path === '' ? '(root)' : path);
}
