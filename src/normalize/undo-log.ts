/**
 * The schema changes of the record being normalized, as steps that reverse them: a record that a contract
 * drops, or that fails, leaves the schema and every cache as they were before it.
 */
export class UndoLog {
  private steps: Array<() => void> = [];

  push(step: () => void): void {
    this.steps.push(step);
  }

  /** Keeps the changes made so far (the record was kept). */
  clear(): void {
    if (this.steps.length > 0) this.steps = [];
  }

  /** Reverses the changes made since the last `clear`, newest first. */
  rollback(): void {
    const steps = this.steps;
    this.steps = [];
    for (let i = steps.length - 1; i >= 0; i--) steps[i]!();
  }
}
