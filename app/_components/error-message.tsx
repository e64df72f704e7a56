// A server or input error, announced to screen readers as it appears.
import { readableError } from '../_lib/errors';

export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert" id={id}>
      {readableError(error)}
    </p>
  );
}
