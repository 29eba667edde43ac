/**
 * Work that cannot start now and is not a failure: its connector cannot take the call before the
 * deadline (a Retry-After pause, the rate, all places taken), or another worker is binding the
 * tool's group. Nothing was sent; the job goes back to the queue unspent, due in `waitMs`.
 */
export class Deferral extends Error {
  constructor(
    readonly waitMs: number,
    reason = 'The call could not start in time',
  ) {
    super(`${reason}; it is due again in ${waitMs} ms.`);
    this.name = 'Deferral';
  }
}
