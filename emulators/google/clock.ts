/** Emulator time: a base clock (real time unless injected) plus an offset that tests can advance. */
export type Now = () => Date;

export class EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly base: Now = () => new Date()) {}

  readonly now = (): Date => new Date(this.base().getTime() + this.offsetMs);

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  resetOffset(): void {
    this.offsetMs = 0;
  }
}
