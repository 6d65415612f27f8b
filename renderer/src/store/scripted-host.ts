import type { Channel, EventMap, EventName } from '../../../electron/contract';
import type { Host } from '../host';

/** Answers by channel; an answer may throw an AppErrorShape, as the core does. */
export type Answers = Partial<Record<Channel, (request: never) => unknown>>;

/**
 * For store tests: a host whose answers the test scripts, channel by channel. It records what the store asked
 * for (`calls`), plays core events to the store (`emit`) and can add host-only abilities (`extra`).
 */
export function scriptedHost(answers: Answers, extra: Partial<Host> = {}) {
  const listeners = new Map<EventName, ((payload: unknown) => void)[]>();
  const calls: [Channel, unknown][] = [];
  const host: Host = {
    kind: 'web',
    canReveal: false,
    async invoke(channel, request) {
      calls.push([channel, request]);
      const answer = answers[channel];
      if (!answer) throw { code: 'UNSCRIPTED', message: `no answer for ${channel}`, hint: '' };
      return (await answer(request as never)) as never;
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as (payload: unknown) => void]);
      return () => undefined;
    },
    async showExportFile(id, format) {
      await host.invoke('exports:revealFile', { id, format });
    },
    async fileToPath(file) {
      return `/uploads/${file.name}`;
    },
    ...extra,
  };
  const emit = <E extends EventName>(event: E, payload: EventMap[E]) =>
    listeners.get(event)?.forEach((l) => l(payload));
  return { host, calls, emit };
}
