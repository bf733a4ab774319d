import { Injectable } from '@angular/core';

/**
 * Everything the board holds about the signed-in user (the user itself, and every cache a
 * feature keeps) registers a reset here, so that signing out or losing the session leaves
 * nothing of the previous user behind in memory.
 */
@Injectable({ providedIn: 'root' })
export class ClientStateService {
  private readonly resets = new Set<() => void>();

  /** Registers a reset; returns a function that unregisters it. */
  register(reset: () => void): () => void {
    this.resets.add(reset);
    return () => this.resets.delete(reset);
  }

  resetAll(): void {
    for (const reset of [...this.resets]) reset();
  }
}
