import { AppError } from '@acme/util';

/**
 * The service's clock: what every use case, the retention sweep and the idempotency records take
 * as now. A staging deployment may run it ahead of the wall clock (ALLOW_CLOCK_OFFSET, never in
 * production) to walk through retention windows over the wire (SetClockOffset). The offset is
 * per process: run one instance when using it.
 */
const MAX_OFFSET_MS = 10 * 366 * 86_400_000;

export class ServiceClock {
  private offsetMs = 0;

  constructor(
    private readonly wall: () => Date = () => new Date(),
    /** Whether SetClockOffset may move it (ALLOW_CLOCK_OFFSET). */
    readonly adjustable = false,
  ) {}

  readonly now = (): Date => new Date(this.wall().getTime() + this.offsetMs);

  get offset(): number {
    return this.offsetMs;
  }

  /** Runs the clock `ms` ahead of the wall clock (0 resets it); never back, so time never runs backwards. */
  setOffset(ms: number): void {
    if (!this.adjustable)
      throw new AppError(
        'unimplemented',
        'this deployment does not let its clock be moved (ALLOW_CLOCK_OFFSET is off)',
        {
          reason: 'UNIMPLEMENTED',
        },
      );
    // Ten years is far more than any window to walk through, and keeps every time a valid Timestamp.
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_OFFSET_MS)
      throw AppError.invalidArgument([{ field: 'offset', description: 'must be from zero to ten years' }]);
    this.offsetMs = ms;
  }
}
