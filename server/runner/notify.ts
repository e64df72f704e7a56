// Calls a caller's listener so that a throw there never escapes into an IPC or exit event handler.

export function notify<T>(listener: ((value: T) => void) | undefined, value: T): void {
  try {
    listener?.(value);
  } catch (error) {
    process.emitWarning(`a runner listener threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}
